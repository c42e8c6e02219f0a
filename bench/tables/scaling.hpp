// SPDX-License-Identifier: BSD-3-Clause
/// @file scaling.hpp
/// @brief Shared pieces of the scaling tables of `adonis rates` (dual-averaging, optimal, …):
///        the log-log scaling figure with the fitted and the predicted slopes, and the text that
///        a slope row carries about its fit.
///
/// A scaling table measures a cost y (iterations or rounds to a fixed ε) at several values of
/// a theoretical complexity x (e.g. 1/(1 − σ2(P)), or √κ(1 + 1/√γ)) and fits
/// log y = log C + s·log x (fit_power_law, theory-rates.md §12.4). The figure shows, per group
/// of points, the measured points, the fitted line C·x^s (solid), and the predicted slope p
/// as a dashed line through the geometric mean of the points, (x̃, ỹ) with
/// log x̃ = mean(log x), log ỹ = mean(log y): y = ỹ·(x/x̃)^p.
#pragma once

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/experiment/table.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis::tables {

/// One group of a scaling figure: measured (x, y), the fit of log y on log x, and the
/// predicted exponent.
struct ScalingGroup {
  std::string label{};       ///< legend prefix (e.g. "c = 1/4")
  std::vector<double> x{}, y{};
  PowerLawFit fit{};
  double predicted_slope = 1;
};

/// Writes the scaling figure `stem`.{dat,gp,svg,png} (log-log): for every group its points, its
/// fitted line (solid) and the predicted slope (dashed), see the file comment.
inline PlotOutput plot_scaling(const std::string& title, const std::string& xlabel, const std::string& ylabel,
                               const std::vector<ScalingGroup>& groups, const std::filesystem::path& stem) {
  PlotSpec plot{.title = title, .xlabel = xlabel, .ylabel = ylabel, .logx = true, .logy = true};
  for (const auto& g : groups) {
    if (g.x.empty()) continue;
    double lo = g.x.front(), hi = g.x.front(), mean_lx = 0, mean_ly = 0;
    for (std::size_t k = 0; k < g.x.size(); ++k) {
      lo = std::min(lo, g.x[k]);
      hi = std::max(hi, g.x[k]);
      mean_lx += std::log(g.x[k]) / static_cast<double>(g.x.size());
      mean_ly += std::log(g.y[k]) / static_cast<double>(g.y.size());
    }
    plot.series.push_back(Series{.title = g.label + ": measured", .x = g.x, .y = g.y, .points = true});
    Series fitted{.title = g.label + ": fit, slope " + detail::format_number(g.fit.slope, 3)};
    Series predicted{.title = g.label + ": predicted slope " + detail::format_number(g.predicted_slope, 3),
                     .dashed = true};
    constexpr int samples = 24;
    for (int k = 0; k <= samples; ++k) {
      const double lx = std::log(lo) + (std::log(hi) - std::log(lo)) * k / samples;
      fitted.x.push_back(std::exp(lx));
      fitted.y.push_back(std::exp(g.fit.intercept + g.fit.slope * lx));
      predicted.x.push_back(std::exp(lx));
      predicted.y.push_back(std::exp(mean_ly + g.predicted_slope * (lx - mean_lx)));
    }
    plot.series.push_back(std::move(fitted));
    plot.series.push_back(std::move(predicted));
  }
  return write_plot(plot, stem);
}

/// Records a figure in the provenance (`plots.KEY`), and warns on `log` when gnuplot is missing.
inline void record_plot(nlohmann::ordered_json& provenance, const std::string& key, const PlotOutput& plot,
                        const std::string& name, std::ostream& log) {
  provenance["plots"][key] = plot.images ? name + ".svg, " + name + ".png" : "gnuplot not found: " + name + ".gp only";
  if (!plot.images) log << "rates: gnuplot not found; wrote the script " << plot.script << " only\n";
}

/// With an output directory in `ctx`, writes the scaling figure ctx.out_dir()/`name` (plot_scaling)
/// and records it in the provenance as `plots.KEY` (record_plot); without one, does nothing.
inline void write_scaling_figure(experiment::Context& ctx, const std::string& key, const std::string& name,
                                 const std::string& title, const std::string& xlabel, const std::string& ylabel,
                                 const std::vector<ScalingGroup>& groups) {
  if (ctx.out_dir().empty()) return;
  record_plot(ctx.provenance(), key, plot_scaling(title, xlabel, ylabel, groups, ctx.out_dir() / name), name,
              ctx.progress());
}

/// "slope s ± SE (95% CI [lo, hi], R² r, k points)": what a slope row's note says of its fit.
inline std::string describe_fit(const PowerLawFit& f) {
  using detail::short_number;
  return "fit slope " + short_number(f.slope) + " ± " + short_number(f.slope_se) + " (95% CI [" +
         short_number(f.slope_lo) + ", " + short_number(f.slope_hi) + "], R² " + short_number(f.r_squared) + ", " +
         std::to_string(f.points) + " points)";
}

}  // namespace adonis::tables
