// SPDX-License-Identifier: BSD-3-Clause
/// @file rates.hpp
/// @brief Writers of rate-table rows (theory/verdict.hpp): CSV (the architecture's columns),
///        markdown (the committed docs/rates.md format) and a compact aligned view for a
///        terminal. The JSON document is in report/rates_json.hpp (it needs nlohmann-json).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/theory/verdict.hpp"

namespace adonis {

namespace detail {

/// RFC 4180 field: quoted (with inner quotes doubled) iff it holds a comma, a quote, CR or LF.
inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

/// A markdown table cell: '|' escaped, line breaks turned into spaces.
inline std::string markdown_cell(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n' || ch == '\r')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

}  // namespace detail

/// Writes `rows` as CSV: the header
/// `table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag`, then
/// one line per row (lines end in "\n"). Doubles have 17 significant digits (they round-trip);
/// NaN is written "nan" and infinities "inf"/"-inf". Text fields holding a comma, a double quote
/// or a line break are quoted per RFC 4180 (inner quotes doubled). The extra fields tolerance,
/// note and command are not CSV columns (they are in the JSON). Throws InvalidArgument for an
/// unjudged row.
inline void write_rates_csv(std::ostream& out, const std::vector<RateRow>& rows) {
  for (std::size_t i = 0; i < rows.size(); ++i) detail::check_judged("write_rates_csv", rows[i], i);
  out << "table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag\n";
  for (const RateRow& r : rows) {
    using detail::csv_field;
    using detail::format_number;
    out << csv_field(r.table) << ',' << csv_field(r.algorithm) << ',' << csv_field(r.graph) << ','
        << csv_field(r.problem) << ',' << csv_field(r.quantity) << ',' << to_string(r.check) << ','
        << format_number(r.theory, 17) << ',' << format_number(r.measured, 17) << ',' << format_number(r.ratio, 17)
        << ',' << to_string(r.verdict) << ',' << csv_field(r.source) << ',' << to_string(r.tag) << '\n';
  }
}

/// Writes `rows` as markdown: a `## title` heading, a one-line summary (ok / VIOLATED / erratum /
/// reported counts), the table of judged rows (numbers to 6 significant digits; a VIOLATED
/// verdict is written **VIOLATED** in bold; the `basis` column is the note: the inequality
/// evaluated with its numbers), then, if there are any, a section "### Errata (published
/// statements shown false as printed)" with the erratum rows, and a section "### Reported only
/// (no theorem checked)" listing the report rows with their reasons. The `table` column appears only when the rows
/// come from more than one table. Throws InvalidArgument for an unjudged row.
inline void write_rates_markdown(std::ostream& out, const std::vector<RateRow>& rows, const std::string& title) {
  const VerdictCounts counts = count_verdicts(rows);
  std::set<std::string> tables;
  for (const RateRow& r : rows) tables.insert(r.table);
  const bool with_table = tables.size() > 1;
  using detail::markdown_cell;
  using detail::short_number;

  out << "## " << title << "\n\n";
  out << rows.size() << " rows: " << counts.ok << " ok, " << counts.violated << " VIOLATED, "
      << (counts.erratum > 0 ? std::to_string(counts.erratum) + " erratum, " : std::string()) << counts.report
      << " reported only.\n\n";
  auto judged_table = [&](const char* heading, auto keep) {
    out << heading;
    out << (with_table ? "| table " : "")
        << "| algorithm | graph | problem | quantity | check | theory | measured | ratio | verdict | tag | source | "
           "basis |\n";
    out << (with_table ? "|---" : "") << "|---|---|---|---|---|---:|---:|---:|---|---|---|---|\n";
    for (const RateRow& r : rows) {
      if (!keep(r)) continue;
      if (with_table) out << "| " << markdown_cell(r.table) << ' ';
      out << "| " << markdown_cell(r.algorithm) << " | " << markdown_cell(r.graph) << " | "
          << markdown_cell(r.problem) << " | " << markdown_cell(r.quantity) << " | " << to_string(r.check) << " | "
          << short_number(r.theory) << " | " << short_number(r.measured) << " | " << short_number(r.ratio) << " | "
          << (r.verdict == Verdict::violated ? "**VIOLATED**" : std::string(to_string(r.verdict))) << " | "
          << to_string(r.tag) << " | " << markdown_cell(r.source) << " | " << markdown_cell(r.note) << " |\n";
    }
    out << '\n';
  };
  if (counts.ok + counts.violated > 0)
    judged_table("", [](const RateRow& r) { return r.verdict == Verdict::ok || r.verdict == Verdict::violated; });
  if (counts.erratum > 0)
    judged_table("### Errata (published statements shown false as printed)\n\n",
                 [](const RateRow& r) { return r.verdict == Verdict::erratum; });
  if (counts.report > 0) {
    out << "### Reported only (no theorem checked)\n\n";
    out << (with_table ? "| table " : "")
        << "| algorithm | graph | problem | quantity | measured | reference | tag | source | reason |\n";
    out << (with_table ? "|---" : "") << "|---|---|---|---|---:|---:|---|---|---|\n";
    for (const RateRow& r : rows) {
      if (r.verdict != Verdict::report) continue;
      if (with_table) out << "| " << markdown_cell(r.table) << ' ';
      out << "| " << markdown_cell(r.algorithm) << " | " << markdown_cell(r.graph) << " | "
          << markdown_cell(r.problem) << " | " << markdown_cell(r.quantity) << " | " << short_number(r.measured)
          << " | " << (std::isnan(r.theory) ? std::string("-") : short_number(r.theory)) << " | "
          << to_string(r.tag) << " | " << markdown_cell(r.source) << " | " << markdown_cell(r.note) << " |\n";
    }
    out << '\n';
  }
}


namespace detail {

/// The number of characters a UTF-8 string shows (code points; the tables' symbols are all one
/// column wide).
inline std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}

/// `s` cut to at most `width` displayed characters (an ellipsis marks the cut), then padded.
inline std::string fit_cell(std::string_view s, std::size_t width) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t k = 0; k < s.size();) {
    std::size_t len = 1;
    const auto ch = static_cast<unsigned char>(s[k]);
    if (ch >= 0xF0) len = 4; else if (ch >= 0xE0) len = 3; else if (ch >= 0xC0) len = 2;
    if (shown + 1 == width && display_width(s.substr(k)) > 1) {
      out += "…";
      ++shown;
      break;
    }
    out.append(s.substr(k, len));
    ++shown;
    k += len;
  }
  out.append(width > shown ? width - shown : 0, ' ');
  return out;
}

}  // namespace detail

/// Writes `rows` for a terminal: a title, one aligned line per row with the columns algorithm,
/// graph, problem, check, theory, measured, ratio and verdict (long texts cut to fit; the
/// quantity, source and basis are left to the CSV, JSON and markdown files), VIOLATED and
/// erratum rows highlighted (`color`: ANSI bold red / yellow), report rows listed after the
/// judged ones, and the summary line last. Throws InvalidArgument for an unjudged row.
inline void write_rates_terminal(std::ostream& out, const std::vector<RateRow>& rows, const std::string& title,
                                 bool color) {
  const VerdictCounts counts = count_verdicts(rows);
  using detail::fit_cell;
  using detail::short_number;
  out << title << '\n';
  const std::size_t wa = 18, wg = 22, wp = 22, wc = 6, wn = 12, wv = 9;
  out << fit_cell("algorithm", wa) << ' ' << fit_cell("graph", wg) << ' ' << fit_cell("problem", wp) << ' '
      << fit_cell("check", wc) << ' ' << fit_cell("theory", wn) << ' ' << fit_cell("measured", wn) << ' '
      << fit_cell("ratio", wn) << ' ' << "verdict" << '\n';
  auto line = [&](const RateRow& r) {
    const bool bad = r.verdict == Verdict::violated, erratum = r.verdict == Verdict::erratum;
    if (color && bad) out << "\033[1;31m";
    if (color && erratum) out << "\033[1;33m";
    out << fit_cell(r.algorithm, wa) << ' ' << fit_cell(r.graph, wg) << ' ' << fit_cell(r.problem, wp) << ' '
        << fit_cell(to_string(r.check), wc) << ' ' << fit_cell(short_number(r.theory), wn) << ' '
        << fit_cell(short_number(r.measured), wn) << ' ' << fit_cell(short_number(r.ratio), wn) << ' '
        << fit_cell(to_string(r.verdict), wv);
    if (color && (bad || erratum)) out << "\033[0m";
    out << '\n';
  };
  for (const RateRow& r : rows)
    if (r.verdict != Verdict::report) line(r);
  for (const RateRow& r : rows)
    if (r.verdict == Verdict::report) line(r);
  out << rows.size() << " rows: " << counts.ok << " ok, " << counts.violated << " VIOLATED, " << counts.erratum
      << " erratum, " << counts.report << " reported only.\n";
}

}  // namespace adonis
