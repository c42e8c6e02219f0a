// SPDX-License-Identifier: BSD-3-Clause
/// @file statistics.hpp
/// @brief The statistics of a comparison between methods (issue 19's protocol): quantiles, a
///        distribution-free interval for the median cost with its achieved confidence, the
///        probability that one method beats another on a random seed with an exact interval,
///        and Dolan–Moré performance profiles. Costs are "cost to reach ε": a run that never
///        reached it is +∞, so failures are counted, never dropped.
///
/// @code
///   std::vector<double> cost = {2.1e6, 2.4e6, 1.9e6, inf, 2.2e6};          // one per seed
///   const auto m = adonis::experiment::median_interval(cost, 0.95);
///   // m.median = 2.2e6, [m.lower, m.upper] = [1.9e6, inf], m.confidence = 0.9375 (< 0.95:
///   // with 5 seeds no 95% interval exists, m.reached is false)
/// @endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <boost/math/distributions/binomial.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"

namespace adonis::experiment {

/// The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics
/// (Hyndman & Fan's definition 7, numpy's and R's default): with x sorted and h = (n − 1) q,
/// x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋). +∞ entries (failures) sort last; a quantile that
/// falls on or next to one is +∞.
/// @throws InvalidArgument for no values, a NaN value, or q outside [0, 1].
inline double quantile(std::vector<double> values, double q) {
  if (values.empty()) adonis::detail::fail("quantile", "values must not be empty");
  if (!(q >= 0 && q <= 1)) adonis::detail::fail("quantile", "q must lie in [0, 1] (got ", q, ")");
  for (const double v : values)
    if (std::isnan(v)) adonis::detail::fail("quantile", "values must not be NaN");
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const double frac = h - static_cast<double>(lo);
  if (frac == 0 || lo + 1 >= values.size()) return values[lo];
  if (std::isinf(values[lo + 1]) || std::isinf(values[lo])) return std::numeric_limits<double>::infinity();
  return values[lo] + frac * (values[lo + 1] - values[lo]);
}

/// A distribution-free confidence interval for the median of a cost distribution.
struct MedianInterval {
  double median = 0;            ///< the sample median (the mean of the two middle values for even n)
  double lower = 0, upper = 0;  ///< [x_(j), x_(n+1−j)], order statistics (1-based), +∞ allowed
  Index rank = 0;               ///< j
  double confidence = 0;        ///< its exact coverage for any continuous distribution
  bool reached = false;         ///< confidence ≥ the level asked for (false: [min, max] was not enough)
};

/// The median of `costs` and the narrowest symmetric order-statistic interval
/// [x_(j), x_(n+1−j)] whose coverage reaches `level` (Thompson 1936; e.g. Hollander, Wolfe &
/// Chicken, Nonparametric Statistical Methods, 3rd ed., §3.6): the number B of costs below the
/// true median m is Binomial(n, 1/2) for any continuous distribution, and the interval holds m
/// exactly when j ≤ B ≤ n − j, so its coverage is 1 − 2 P(B ≤ j − 1), computed exactly (Boost.Math)
/// — not asymptotically. Failures are +∞ costs: they widen the interval (an upper end of +∞
/// says the median may be a failure), they are never dropped. When even [min, max] (j = 1,
/// coverage 1 − 2^(1−n)) is short of `level` — n ≤ 5 at 95 % — that interval is returned with
/// `reached` false and its achieved confidence (93.75 % for n = 5).
/// @throws InvalidArgument for no costs, a NaN cost, or level outside (0, 1).
inline MedianInterval median_interval(std::vector<double> costs, double level = 0.95) {
  if (costs.empty()) adonis::detail::fail("median_interval", "costs must not be empty");
  if (!(level > 0 && level < 1)) adonis::detail::fail("median_interval", "level must lie in (0, 1) (got ", level, ")");
  for (const double c : costs)
    if (std::isnan(c)) adonis::detail::fail("median_interval", "costs must not be NaN (a failure is +inf)");
  std::sort(costs.begin(), costs.end());
  const std::size_t n = costs.size();
  MedianInterval out;
  out.median = quantile(costs, 0.5);
  const boost::math::binomial_distribution<double> b(static_cast<double>(n), 0.5);
  const auto coverage = [&](std::size_t j) { return 1 - 2 * boost::math::cdf(b, static_cast<double>(j - 1)); };
  std::size_t j = 1;  // the largest j (narrowest interval) whose coverage reaches the level
  while (j + 1 <= (n + 1) / 2 && coverage(j + 1) >= level) ++j;
  out.rank = static_cast<Index>(j);
  out.lower = costs[j - 1];
  out.upper = costs[n - j];
  out.confidence = n == 1 ? 0.0 : coverage(j);
  out.reached = out.confidence >= level;
  return out;
}

/// The probability that method A beats method B on a random seed, with an exact interval.
struct BeatProbability {
  double estimate = 0;          ///< (wins + ties/2) / n
  double lower = 0, upper = 0;  ///< Clopper–Pearson bounds, ties counted against A, then for A
  Index wins = 0, ties = 0, seeds = 0;
};

/// P(A beats B) from paired costs (the same evaluation seeds for both methods, cost_a[s] and
/// cost_b[s] from seed s): A wins a seed when its cost is lower; equal costs, both failures
/// (+∞) included, are ties and count one half in the estimate. The interval is exact and
/// conservative: the Clopper–Pearson lower bound at level `level` with the ties counted as
/// losses, the upper bound with them counted as wins (Clopper & Pearson 1934; Boost.Math's
/// binomial_distribution::find_lower/upper_bound_on_p, each side at (1 − level)/2).
/// @throws DimensionMismatch unless both have the same number of seeds (≥ 1);
///         InvalidArgument for a NaN cost or level outside (0, 1).
inline BeatProbability probability_beats(const std::vector<double>& cost_a, const std::vector<double>& cost_b,
                                         double level = 0.95) {
  if (cost_a.size() != cost_b.size() || cost_a.empty())
    adonis::detail::fail<DimensionMismatch>("probability_beats", "needs the same seeds for both methods (got ", cost_a.size(),
                                    " and ", cost_b.size(), " costs)");
  if (!(level > 0 && level < 1)) adonis::detail::fail("probability_beats", "level must lie in (0, 1) (got ", level, ")");
  BeatProbability out;
  out.seeds = static_cast<Index>(cost_a.size());
  for (std::size_t s = 0; s < cost_a.size(); ++s) {
    if (std::isnan(cost_a[s]) || std::isnan(cost_b[s]))
      adonis::detail::fail("probability_beats", "costs must not be NaN (a failure is +inf; seed index ", s, ")");
    if (cost_a[s] < cost_b[s]) ++out.wins;
    else if (cost_a[s] == cost_b[s]) ++out.ties;
  }
  const auto n = static_cast<double>(out.seeds);
  const double alpha = (1 - level) / 2;
  using B = boost::math::binomial_distribution<double>;
  out.estimate = (static_cast<double>(out.wins) + 0.5 * static_cast<double>(out.ties)) / n;
  out.lower = B::find_lower_bound_on_p(n, static_cast<double>(out.wins), alpha);
  out.upper = B::find_upper_bound_on_p(n, static_cast<double>(out.wins + out.ties), alpha);
  return out;
}

/// Dolan–Moré performance profiles (Dolan & Moré, "Benchmarking optimization software with
/// performance profiles", Math. Program. 91, 2002): for method s and instance p with cost
/// t_{p,s} (+∞: failed), the ratio r_{p,s} = t_{p,s} / min_s' t_{p,s'}, and ρ_s(τ) the fraction of
/// instances with r_{p,s} ≤ τ. ρ_s(1) is the fraction of instances where s is (one of) the best;
/// lim ρ_s(τ) the fraction it solves. An instance no method solved counts as failed for all.
struct PerformanceProfile {
  /// ratios[s]: method s's ratios over the instances, ascending (+∞ for a failure).
  std::vector<std::vector<double>> ratios;
  /// ρ_s(τ).
  double at(std::size_t method, double tau) const {
    if (method >= ratios.size())
      adonis::detail::fail("PerformanceProfile", "method index ", method, " out of range (", ratios.size(), " methods)");
    const std::vector<double>& r = ratios[method];
    const auto solved = std::upper_bound(r.begin(), r.end(), tau) - r.begin();
    return static_cast<double>(solved) / static_cast<double>(r.size());
  }
  /// The ratios where some profile steps, ascending and finite: the abscissae to plot.
  std::vector<double> breakpoints() const {
    std::vector<double> out;
    for (const auto& r : ratios)
      for (const double x : r)
        if (std::isfinite(x)) out.push_back(x);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
};

/// The performance profiles of cost[s][p] (method s, instance p; +∞ a failure; costs > 0).
/// @throws DimensionMismatch unless every method has the same number (≥ 1) of instances;
///         InvalidArgument for no method, or a cost that is NaN or ≤ 0.
inline PerformanceProfile performance_profile(const std::vector<std::vector<double>>& cost) {
  if (cost.empty()) adonis::detail::fail("performance_profile", "needs at least one method");
  const std::size_t instances = cost[0].size();
  if (instances == 0) adonis::detail::fail<DimensionMismatch>("performance_profile", "needs at least one instance");
  for (std::size_t s = 0; s < cost.size(); ++s) {
    if (cost[s].size() != instances)
      adonis::detail::fail<DimensionMismatch>("performance_profile", "method ", s, " has ", cost[s].size(),
                                      " instances, method 0 has ", instances);
    for (const double t : cost[s])
      if (!(t > 0)) adonis::detail::fail("performance_profile", "costs must be > 0 (+inf for a failure; got ", t, " for method ", s, ")");
  }
  PerformanceProfile out;
  out.ratios.assign(cost.size(), std::vector<double>(instances));
  for (std::size_t p = 0; p < instances; ++p) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& c : cost) best = std::min(best, c[p]);
    for (std::size_t s = 0; s < cost.size(); ++s)
      out.ratios[s][p] = std::isfinite(cost[s][p]) ? cost[s][p] / best : std::numeric_limits<double>::infinity();
  }
  for (auto& r : out.ratios) std::sort(r.begin(), r.end());
  return out;
}

}  // namespace adonis::experiment
