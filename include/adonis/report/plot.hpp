// SPDX-License-Identifier: BSD-3-Clause
/// @file plot.hpp
/// @brief Line and scatter plots through gnuplot (package gnuplot-nox), without Python.
///
/// write_plot(spec, stem) writes two text files, then renders them if gnuplot is on PATH:
///   stem.dat  one data block per plotted series ("# series k: title", then "x y" lines with 17
///             significant digits), blocks separated by two blank lines (gnuplot's `index k`);
///   stem.gp   a self-contained gnuplot script that reads stem.dat from its own directory and
///             writes stem.svg (terminal svg) and stem.png (terminal pngcairo, or png when this
///             gnuplot lacks pngcairo); `cd DIR && gnuplot stem.gp` re-renders them.
/// Points that a log axis cannot show (x ≤ 0 with logx, y ≤ 0 with logy) and non-finite points
/// are left out of stem.dat; the line is broken there (one blank line inside the block).
///
/// Typical uses in the rate tables (issue 6): convergence curves with the theoretical envelope
/// B(t) drawn dashed over them (logy), and scaling plots on log-log axes with the measured
/// points (`points = true`), the fitted line and the predicted-slope line (dashed).
///
/// stem.dat and stem.gp are written atomically (report/atomic_file.hpp); the images are gnuplot's
/// own writes (a gnuplot killed while drawing can leave a partial image; the .dat and .gp that
/// re-render it are always complete). Rendering runs gnuplot through the POSIX shell (popen)
/// with every path single-quoted, and needs a POSIX system.
#pragma once

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/report/atomic_file.hpp"

namespace adonis {

/// One curve of a plot.
struct Series {
  std::string title{};    ///< legend entry (shown literally: no gnuplot enhanced-text markup)
  std::vector<double> x{};  ///< abscissae (same size as y)
  std::vector<double> y{};  ///< ordinates
  bool dashed = false;    ///< dashed line (theoretical envelopes, predicted slopes)
  bool points = false;    ///< markers instead of a line (measured points of a scaling plot)
  int color = 0;          ///< gnuplot line colour index (≥ 1); 0: the series' position among the drawn ones
};

/// A whole figure: labels, axis scales and the series drawn in order.
struct PlotSpec {
  std::string title{}, xlabel{}, ylabel{};
  bool logx = false;  ///< logarithmic x axis
  bool logy = true;   ///< logarithmic y axis (the default: errors against rounds)
  std::vector<Series> series{};
};

/// What write_plot() produced.
struct PlotOutput {
  std::filesystem::path data{};    ///< stem.dat (always written)
  std::filesystem::path script{};  ///< stem.gp (always written)
  std::filesystem::path svg{};     ///< stem.svg (exists iff images)
  std::filesystem::path png{};     ///< stem.png (exists iff images)
  bool images = false;           ///< true iff gnuplot was found and produced both images
  std::string gnuplot_output{};    ///< what gnuplot printed (warnings), empty if it did not run
};

/// The gnuplot executable found on PATH (the first directory holding an executable regular
/// file named `gnuplot`), or nullopt.
inline std::optional<std::filesystem::path> find_gnuplot() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("PATH");
  if (env == nullptr) return std::nullopt;
  const std::string path_list = env;
  std::size_t begin = 0;
  while (begin <= path_list.size()) {
    std::size_t end = path_list.find(':', begin);
    if (end == std::string::npos) end = path_list.size();
    const std::string dir = path_list.substr(begin, end - begin);
    begin = end + 1;
    if (dir.empty()) continue;
    std::error_code ec;
    const fs::path candidate = fs::absolute(fs::path(dir) / "gnuplot", ec);
    if (ec) continue;
    const fs::file_status st = fs::status(candidate, ec);
    if (ec || !fs::is_regular_file(st)) continue;
    const fs::perms exec = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
    if ((st.permissions() & exec) != fs::perms::none) return candidate;
  }
  return std::nullopt;
}

namespace detail {

/// `s` on one line (line breaks turned into spaces), for comments in stem.dat and stem.gp.
inline std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return out;
}

/// A gnuplot single-quoted string: inner quotes doubled, line breaks turned into spaces.
inline std::string gnuplot_string(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'')
      out += "''";
    else if (ch == '\n' || ch == '\r')
      out += ' ';
    else
      out += ch;
  }
  return out + "'";
}

/// A POSIX shell single-quoted word: ' becomes '\''.
inline std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'')
      out += "'\\''";
    else
      out += ch;
  }
  return out + "'";
}

/// Writes one series as a data block; returns the number of points written.
inline std::size_t write_plot_block(std::ostream& out, const Series& s, bool logx, bool logy) {
  std::size_t written = 0;
  bool gap_open = false;  // a blank line already breaks the line here
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    const double x = s.x[i], y = s.y[i];
    const bool plottable = std::isfinite(x) && std::isfinite(y) && (!logx || x > 0) && (!logy || y > 0);
    if (!plottable) {
      if (written > 0 && !gap_open) {
        out << '\n';
        gap_open = true;
      }
      continue;
    }
    out << x << ' ' << y << '\n';
    gap_open = false;
    ++written;
  }
  return written;
}

/// Throws what write_plot() documents for a bad stem or spec (no file name, no series, a series
/// whose x and y sizes differ).
inline void check_plot_spec(const PlotSpec& spec, const std::filesystem::path& stem) {
  constexpr std::string_view who = "write_plot";
  if (stem.filename().empty()) detail::fail(who, "stem must name a file (got '", stem.string(), "')");
  if (spec.series.empty()) detail::fail(who, "spec.series must hold at least one series (got 0)");
  for (std::size_t k = 0; k < spec.series.size(); ++k)
    if (spec.series[k].x.size() != spec.series[k].y.size())
      detail::fail<DimensionMismatch>(who, "series[", k, "] ('", spec.series[k].title, "') x and y must have the same size (got ",
                              spec.series[k].x.size(), " and ", spec.series[k].y.size(), ")");
}

/// Which series of a plot got a data block (`drawn`, in block order) and which had no plottable
/// point (`empty`), by index in spec.series.
struct PlotBlocks {
  std::vector<std::size_t> drawn{}, empty{};
};

/// Writes `path` (stem.dat): one data block per series with a plottable point.
/// Written atomically (report/atomic_file.hpp). @throws RuntimeError if it cannot be written;
/// InvalidArgument if no series is drawn (the previous file, if any, is then left as it was).
inline PlotBlocks write_plot_data(const PlotSpec& spec, const std::filesystem::path& path) {
  constexpr std::string_view who = "write_plot";
  PlotBlocks blocks;
  AtomicFile file(path, who);
  std::ostream& dat = file.stream();
  dat.precision(17);
  dat << "# " << detail::one_line(spec.title) << "\n# x y; one block per series, blocks separated by two blank lines\n";
  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    std::ostringstream block;
    block.precision(17);
    if (detail::write_plot_block(block, spec.series[k], spec.logx, spec.logy) == 0) {
      blocks.empty.push_back(k);
      continue;
    }
    if (!blocks.drawn.empty()) dat << "\n\n";
    dat << "# series " << blocks.drawn.size() << ": " << detail::one_line(spec.series[k].title) << '\n' << block.str();
    blocks.drawn.push_back(k);
  }
  if (blocks.drawn.empty())
    detail::fail(who, "no series of '", spec.title, "' has a plottable point (finite, and > 0 on a log axis)");
  file.commit();
  return blocks;
}

/// Writes `path` (stem.gp), the gnuplot script drawing the blocks of NAME.dat into NAME.svg and
/// NAME.png. @throws RuntimeError if it cannot be written.
inline void write_plot_script(const PlotSpec& spec, const PlotBlocks& blocks, const std::string& name,
                              const std::filesystem::path& path) {
  constexpr std::string_view who = "write_plot";
  AtomicFile file(path, who);
  std::ostream& gp = file.stream();
  gp << "# gnuplot script written by adonis::write_plot; run it from this directory: gnuplot "
     << gnuplot_string(name + ".gp") << '\n';
  for (std::size_t k : blocks.empty)
    gp << "# series " << k << " (" << detail::one_line(spec.series[k].title) << ") has no plottable point: not drawn\n";
  gp << "set encoding utf8\n"
     << "set terminal svg size 900,600 dynamic noenhanced font 'Sans,12' background '#ffffff'\n"
     << "set output " << gnuplot_string(name + ".svg") << '\n'
     << "set title " << gnuplot_string(spec.title) << '\n'
     << "set xlabel " << gnuplot_string(spec.xlabel) << '\n'
     << "set ylabel " << gnuplot_string(spec.ylabel) << '\n'
     << (spec.logx ? "set logscale x\nset format x '%g'\n" : "unset logscale x\n")
     << (spec.logy ? "set logscale y\nset format y '%g'\n" : "unset logscale y\n")
     << "set grid\nset key outside right top\n";
  gp << "plot ";
  for (std::size_t b = 0; b < blocks.drawn.size(); ++b) {
    const Series& s = spec.series[blocks.drawn[b]];
    if (b > 0) gp << ", \\\n     ";
    gp << gnuplot_string(name + ".dat") << " index " << b << " using 1:2 ";
    if (s.points)
      gp << "with points pointtype 7 pointsize 0.8";
    else
      gp << "with lines linewidth 2 dashtype " << (s.dashed ? 2 : 1);
    gp << " linecolor " << (s.color > 0 ? static_cast<std::size_t>(s.color) : b + 1) << " title " << gnuplot_string(s.title);
  }
  gp << "\nset output\n"
     << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
     << "  set terminal pngcairo size 900,600 noenhanced font 'Sans,10' background '#ffffff'\n"
     << "} else {\n"
     << "  set terminal png size 900,600 noenhanced\n"
     << "}\n"
     << "set output " << gnuplot_string(name + ".png") << '\n'
     << "replot\n"
     << "set output\n";
  file.commit();
}

/// Runs `gnuplot` on result.script in its directory, keeps what it printed in
/// result.gnuplot_output and sets result.images.
/// @throws RuntimeError if gnuplot exits non-zero or does not produce both images.
inline void run_gnuplot(const std::filesystem::path& gnuplot, PlotOutput& result) {
  namespace fs = std::filesystem;
  constexpr std::string_view who = "write_plot";
  const std::string command = "cd " + shell_quote(result.script.parent_path().string()) + " && " +
                              shell_quote(gnuplot.string()) + " " + shell_quote(result.script.filename().string()) +
                              " 2>&1";
  std::fflush(nullptr);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) detail::fail<RuntimeError>(who, "cannot start gnuplot for ", result.script.string());
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.gnuplot_output.append(buffer, got);
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    detail::fail<RuntimeError>(who, "gnuplot failed on ", result.script.string(), " (exit status ",
                       status == -1 ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)),
                       "): ", result.gnuplot_output.substr(0, 2000));
  std::error_code ec;
  for (const fs::path& image : {result.svg, result.png})
    if (!fs::is_regular_file(image, ec) || fs::file_size(image, ec) == 0)
      detail::fail<RuntimeError>(who, "gnuplot ran ", result.script.string(), " but did not write ", image.string(), ": ",
                         result.gnuplot_output.substr(0, 2000));
  result.images = true;
}

}  // namespace detail

/// Writes stem.dat and stem.gp (see the file comment) and, if gnuplot is on PATH, runs it in
/// stem's directory to produce stem.svg and stem.png. Missing parent directories are created.
/// Stale stem.svg/stem.png from an earlier call are removed first, so the images on disk always
/// match the data. Without gnuplot, returns with images = false (the script can be run later).
/// Series whose points are all unplottable are listed in a comment of stem.gp and not drawn.
/// Throws DimensionMismatch if a series' x and y sizes differ; InvalidArgument if there is no
/// series or no series has a plottable point; RuntimeError naming the file if a file cannot be
/// written, and naming the script (with gnuplot's output) if gnuplot exits non-zero or does not
/// produce both images.
inline PlotOutput write_plot(const PlotSpec& spec, const std::filesystem::path& stem) {
  namespace fs = std::filesystem;
  detail::check_plot_spec(spec, stem);
  PlotOutput result;
  const fs::path abs_stem = fs::absolute(stem);
  const fs::path dir = abs_stem.parent_path();
  const std::string name = abs_stem.filename().string();
  result.data = dir / (name + ".dat");
  result.script = dir / (name + ".gp");
  result.svg = dir / (name + ".svg");
  result.png = dir / (name + ".png");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) detail::fail<RuntimeError>("write_plot", "cannot create directory ", dir.string(), " (", ec.message(), ")");
  // Data blocks: only series with a plottable point get an index.
  const detail::PlotBlocks blocks = detail::write_plot_data(spec, result.data);
  detail::write_plot_script(spec, blocks, name, result.script);
  fs::remove(result.svg, ec);
  fs::remove(result.png, ec);
  const std::optional<fs::path> gnuplot = find_gnuplot();
  if (gnuplot) detail::run_gnuplot(*gnuplot, result);
  return result;
}

}  // namespace adonis
