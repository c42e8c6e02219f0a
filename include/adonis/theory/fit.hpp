// SPDX-License-Identifier: BSD-3-Clause
/// @file fit.hpp
/// @brief Empirical rate fitting: linear-rate (geometric) fits, power-law fits, iterations to ε,
///        aggregation over seeds, and the Student t quantile their confidence intervals use.
///
/// Methodology: theory-rates.md §12. A per-iteration contraction factor r is measured by the
/// least-squares fit of log(error) = a + t·log(r) on a window that excludes the transient and
/// the floating-point floor, and is reported with its regression confidence interval. Sublinear
/// rates and scaling exponents are log-log slopes. Monte Carlo quantities are aggregated over
/// seeds into a mean and a standard error, which the verdicts (verdict.hpp) turn into the
/// `measured ≤ bound·(1 + 5·SE_rel)` check.
///
/// Regression formulas used throughout (ordinary least squares of y on x, n points):
///   x̄ = Σx/n, ȳ = Σy/n, Sxx = Σ(x − x̄)², Sxy = Σ(x − x̄)(y − ȳ), Syy = Σ(y − ȳ)²
///   slope b = Sxy/Sxx, intercept a = ȳ − b·x̄, residuals e = y − a − b·x, SSR = Σe²
///   s² = SSR/(n − 2), SE(b) = √(s²/Sxx), R² = 1 − SSR/Syy (R² = 1 when Syy = 0)
///   CI(b) at level c: b ± t_{(1+c)/2, n−2}·SE(b)  (Student t quantile, n − 2 degrees of freedom)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"

namespace adonis {

// ---------------------------------------------------------------------------------------------
// Student t distribution
// ---------------------------------------------------------------------------------------------

namespace detail {

/// Continued fraction of the regularized incomplete beta function, evaluated by the modified
/// Lentz method: I_x(a, b) = x^a y^b / (a·B(a, b)) · 1/(1 + d1/(1 + d2/(1 + ...))), with y = 1 − x,
///   d_{2m+1} = −(a + m)(a + b + m)·x / ((a + 2m)(a + 2m + 1)),
///   d_{2m}   =  m(b − m)·x / ((a + 2m − 1)(a + 2m)).
/// It converges quickly for x < (a + 1)/(a + b + 2); the caller uses the symmetry
/// I_x(a, b) = 1 − I_y(b, a) otherwise.
inline double incomplete_beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  constexpr int max_terms = 200000;
  const auto guard = [](double v) { return std::abs(v) < tiny ? tiny : v; };
  double c = 1.0;
  double d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
  double h = d;
  for (int m = 1; m <= max_terms; ++m) {
    const double dm = static_cast<double>(m), m2 = 2.0 * dm;
    const double even = dm * (b - dm) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 / guard(1.0 + even * d);
    c = guard(1.0 + even / c);
    h *= d * c;
    const double odd = -(a + dm) * (a + b + dm) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 / guard(1.0 + odd * d);
    c = guard(1.0 + odd / c);
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < eps) return h;
  }
  fail<RuntimeError>("regularized_incomplete_beta", "continued fraction did not converge (a = ", a, ", b = ", b,
                     ", x = ", x, ")");
}

/// Regularized incomplete beta I_x(a, b) = B(x; a, b)/B(a, b) for a, b > 0, with y = 1 − x passed
/// separately so that x close to 1 keeps its relative accuracy (|error| ~ 1e-15 relative, plus
/// ~1e-16·(ln Γ(a + b)) from the log-beta cancellation for very large a + b).
inline double regularized_incomplete_beta(double a, double b, double x, double y) {
  if (x <= 0.0) return 0.0;
  if (y <= 0.0) return 1.0;
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  const double front = std::exp(a * std::log(x) + b * std::log(y) - log_beta);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * incomplete_beta_fraction(a, b, x) / a;
  return 1.0 - front * incomplete_beta_fraction(b, a, y) / b;
}

/// Above this many degrees of freedom the t distribution is replaced by the standard normal
/// (their 97.5% quantiles differ by (z³ + z)/(4ν) ≈ 2.4e-8 at ν = 1e8).
inline constexpr double normal_limit_dof = 1e8;

/// Upper tail P(T > t) of Student's t with ν degrees of freedom, for t ≥ 0:
///   P(T > t) = ½ · I_{ν/(ν + t²)}(ν/2, ½)   (normal limit: ½ · erfc(t/√2)).
inline double student_t_upper_tail(double t, double dof) {
  if (dof > normal_limit_dof) return 0.5 * std::erfc(t / std::sqrt(2.0));
  const double t2 = t * t;
  return 0.5 * regularized_incomplete_beta(0.5 * dof, 0.5, dof / (dof + t2), t2 / (dof + t2));
}

inline void check_dof(std::string_view who, double dof) {
  if (!(dof > 0)) fail(who, "dof must be > 0 (got ", dof, ")");
}

}  // namespace detail

/// Cumulative distribution function F(t) = P(T ≤ t) of Student's t distribution with `dof` > 0
/// degrees of freedom (non-integer allowed; `dof` = +infinity, or above 1e8, gives the standard
/// normal). For t ≥ 0, F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½), and F(−t) = 1 − F(t).
/// Throws InvalidArgument for dof ≤ 0 or NaN, or NaN t.
inline double student_t_cdf(double t, double dof) {
  detail::check_dof("student_t_cdf", dof);
  if (std::isnan(t)) detail::fail("student_t_cdf", "t must not be NaN");
  const double upper = detail::student_t_upper_tail(std::abs(t), dof);
  return t >= 0 ? 1.0 - upper : upper;
}

/// Quantile t_p of Student's t distribution with `dof` > 0 degrees of freedom: the t with
/// F(t) = p, for 0 < p < 1. Computed by bisection on the tail probability (relative accuracy
/// ~1e-15 in t; the tail itself is the incomplete beta of student_t_cdf), so it is exact to far
/// better than the 1e-4 the confidence intervals need, for every dof > 0. Symmetric:
/// t_{1−p} = −t_p. Closed forms it reproduces: ν = 1, t_p = tan(π(p − ½)); ν = 2,
/// t_p = (2p − 1)/√(2p(1 − p)). The 95% two-sided values are t_{0.975}: 12.706 (ν = 1), 4.303 (2),
/// 2.228 (10), 2.042 (30), 1.960 (∞). Throws InvalidArgument unless 0 < p < 1 and dof > 0.
inline double student_t_quantile(double p, double dof) {
  detail::check_dof("student_t_quantile", dof);
  if (!(p > 0 && p < 1)) detail::fail("student_t_quantile", "p must be in (0, 1) (got ", p, ")");
  if (p == 0.5) return 0.0;
  const double target = p < 0.5 ? p : 1.0 - p;  // the upper-tail probability of |t_p|
  double lo = 0.0, hi = 1.0;
  while (detail::student_t_upper_tail(hi, dof) > target) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) return p < 0.5 ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  for (int it = 0; it < 400 && hi - lo > 4e-16 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (detail::student_t_upper_tail(mid, dof) > target)
      lo = mid;
    else
      hi = mid;
  }
  const double q = 0.5 * (lo + hi);
  return p < 0.5 ? -q : q;
}

// ---------------------------------------------------------------------------------------------
// Least squares
// ---------------------------------------------------------------------------------------------

namespace detail {

/// Ordinary least squares of y on x (formulas in the file comment); n ≥ 3 and Sxx > 0 are the
/// caller's responsibility. Centered sums, residuals recomputed directly (no Syy − b·Sxy).
struct OlsFit {
  double slope = 0, intercept = 0, slope_se = 0, r_squared = 0;
};

inline OlsFit ordinary_least_squares(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  OlsFit f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = (y[i] - my) - f.slope * (x[i] - mx);
    ssr += e * e;
  }
  f.slope_se = std::sqrt(ssr / static_cast<double>(n - 2) / sxx);
  f.r_squared = syy > 0 ? std::max(0.0, 1.0 - ssr / syy) : 1.0;
  return f;
}

inline void check_confidence(std::string_view who, double confidence) {
  if (!(confidence > 0 && confidence < 1)) fail(who, "confidence must be in (0, 1) (got ", confidence, ")");
}

/// Shared checks of a (t, err) trace: equal sizes, t finite and strictly increasing, err not NaN.
inline void check_trace(std::string_view who, const std::vector<double>& t, const std::vector<double>& err) {
  if (t.size() != err.size())
    fail<DimensionMismatch>(who, "t and err must have the same size (got ", t.size(), " and ", err.size(), ")");
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i])) fail(who, "t must be finite (got ", t[i], " at index ", i, ")");
    if (i > 0 && !(t[i] > t[i - 1]))
      fail(who, "t must be strictly increasing (got t[", i - 1, "] = ", t[i - 1], ", t[", i, "] = ", t[i], ")");
    if (std::isnan(err[i])) fail(who, "err must not be NaN (got NaN at index ", i, ")");
  }
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Linear (geometric) rates
// ---------------------------------------------------------------------------------------------

/// Which part of an error trace fit_linear_rate() uses (theory-rates.md §12.3).
struct LinearFitOptions {
  /// Fraction of the points before the floor that is dropped as the transient: the window
  /// starts at index ⌊transient_fraction·m⌋, m = the number of points before the floor cut
  /// (in [0, 1)).
  double transient_fraction = 0.1;
  /// Floor relative to the first error: points with err ≤ relative_floor·err[0] are floor.
  double relative_floor = 1e-13;
  /// Absolute floor: points with err ≤ absolute_floor are floor (and so is every err ≤ 0).
  double absolute_floor = 1e-300;
  /// Level of the confidence interval (0.95: two-sided 95%).
  double confidence = 0.95;

  void validate() const {
    if (!(transient_fraction >= 0 && transient_fraction < 1))
      detail::fail("LinearFitOptions", "transient_fraction must be in [0, 1) (got ", transient_fraction, ")");
    if (!(relative_floor >= 0 && std::isfinite(relative_floor)))
      detail::fail("LinearFitOptions", "relative_floor must be finite and >= 0 (got ", relative_floor, ")");
    if (!(absolute_floor >= 0 && std::isfinite(absolute_floor)))
      detail::fail("LinearFitOptions", "absolute_floor must be finite and >= 0 (got ", absolute_floor, ")");
    detail::check_confidence("LinearFitOptions", confidence);
  }
};

/// A linear-rate fit err_t ≈ C·r^t. `t` is in the units of the input (rounds, events or
/// simulated time), so r is the contraction per unit of t.
struct LinearRateFit {
  double rate = 0;       ///< r = exp(slope), the fitted contraction factor per unit t
  double slope = 0;      ///< log r (≤ 0 for a converging trace)
  double intercept = 0;  ///< a = log C
  double slope_se = 0;   ///< SE(slope) from the regression; 0 for an exact geometric sequence
  /// SE(r) ≈ r·SE(slope) (delta method); rate_se/rate = slope_se is the relative standard
  /// error that judge_bound() uses.
  double rate_se = 0;
  double rate_lo = 0, rate_hi = 0;  ///< CI for r: exp(slope ∓ t_{(1+c)/2, n−2}·slope_se)
  double confidence = 0.95;         ///< level c of [rate_lo, rate_hi]
  double r_squared = 0;             ///< R² of the log-linear fit
  double floor = 0;                 ///< the floor used: max(relative_floor·err[0], absolute_floor)
  std::size_t first = 0, last = 0;  ///< the window used: indices first..last (inclusive)
  std::size_t points = 0;           ///< last − first + 1
};

/// Least-squares fit of log(err_k) = a + t_k·log(r) on the window that excludes the transient
/// and the floating-point floor (theory-rates.md §12.3):
///   floor = max(relative_floor·err[0], absolute_floor);
///   m = the first index with err ≤ floor (or err ≤ 0), or the size if there is none; the fit
///       stops there, so noise that rises back above the floor later is never used;
///   first = ⌊transient_fraction·m⌋, last = m − 1.
/// Needs ≥ 3 points in the window (the CI has n − 2 degrees of freedom). The CI of r is
/// exp(slope ± t_{(1+c)/2, n−2}·SE(slope)).
/// Throws DimensionMismatch if the sizes differ, InvalidArgument if t is not finite and strictly
/// increasing, err holds NaN or +inf, or fewer than 3 points are left.
inline LinearRateFit fit_linear_rate(const std::vector<double>& t, const std::vector<double>& err,
                                     LinearFitOptions options = {}) {
  constexpr std::string_view who = "fit_linear_rate";
  options.validate();
  detail::check_trace(who, t, err);
  for (std::size_t i = 0; i < err.size(); ++i)
    if (err[i] == std::numeric_limits<double>::infinity()) detail::fail(who, "err must be finite (got inf at index ", i, ")");
  LinearRateFit fit;
  fit.confidence = options.confidence;
  const double reference = err.empty() ? 0.0 : std::max(err.front(), 0.0);
  fit.floor = std::max(options.relative_floor * reference, options.absolute_floor);
  std::size_t m = 0;
  while (m < err.size() && err[m] > fit.floor && err[m] > 0) ++m;
  const auto first = static_cast<std::size_t>(std::floor(options.transient_fraction * static_cast<double>(m)));
  if (m < first + 3)
    detail::fail(who, "err needs at least 3 points above the floor ", fit.floor, " after dropping the transient (got ",
                 m > first ? m - first : 0, " of ", err.size(), " points; the floor is first reached at index ", m,
                 ", the transient is the first ", first, ")");
  std::vector<double> x(t.begin() + static_cast<std::ptrdiff_t>(first), t.begin() + static_cast<std::ptrdiff_t>(m));
  std::vector<double> y;
  y.reserve(m - first);
  for (std::size_t i = first; i < m; ++i) y.push_back(std::log(err[i]));
  const detail::OlsFit ols = detail::ordinary_least_squares(x, y);
  fit.first = first;
  fit.last = m - 1;
  fit.points = m - first;
  fit.slope = ols.slope;
  fit.intercept = ols.intercept;
  fit.slope_se = ols.slope_se;
  fit.r_squared = ols.r_squared;
  fit.rate = std::exp(ols.slope);
  fit.rate_se = fit.rate * ols.slope_se;
  const double q = student_t_quantile(0.5 * (1 + options.confidence), static_cast<double>(fit.points - 2));
  fit.rate_lo = std::exp(ols.slope - q * ols.slope_se);
  fit.rate_hi = std::exp(ols.slope + q * ols.slope_se);
  return fit;
}

// ---------------------------------------------------------------------------------------------
// Power laws
// ---------------------------------------------------------------------------------------------

/// A power-law fit y ≈ C·x^slope (log-log least squares).
struct PowerLawFit {
  double slope = 0;                   ///< fitted exponent
  double intercept = 0;               ///< log C
  double slope_se = 0;                ///< SE(slope)
  double slope_lo = 0, slope_hi = 0;  ///< CI: slope ∓ t_{(1+c)/2, n−2}·slope_se
  double confidence = 0.95;           ///< level c of [slope_lo, slope_hi]
  double r_squared = 0;               ///< R² of the log-log fit
  std::size_t points = 0;             ///< number of (x, y) pairs
};

/// Least-squares fit of log y = log C + slope·log x, for the scaling exponents of theory-rates
/// §12.4 (e.g. iterations to ε against 1/(1 − ρ), n or κ; ≥ 1 decade of x, better 2).
/// Needs ≥ 3 pairs, every x and y finite and > 0, and at least two distinct x.
/// Throws DimensionMismatch if the sizes differ, InvalidArgument otherwise.
inline PowerLawFit fit_power_law(const std::vector<double>& x, const std::vector<double>& y, double confidence = 0.95) {
  constexpr std::string_view who = "fit_power_law";
  detail::check_confidence(who, confidence);
  if (x.size() != y.size())
    detail::fail<DimensionMismatch>(who, "x and y must have the same size (got ", x.size(), " and ", y.size(), ")");
  if (x.size() < 3) detail::fail(who, "x and y need at least 3 points (got ", x.size(), ")");
  std::vector<double> lx, ly;
  lx.reserve(x.size());
  ly.reserve(y.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] > 0 && std::isfinite(x[i]))) detail::fail(who, "x must be finite and > 0 (got ", x[i], " at index ", i, ")");
    if (!(y[i] > 0 && std::isfinite(y[i]))) detail::fail(who, "y must be finite and > 0 (got ", y[i], " at index ", i, ")");
    lx.push_back(std::log(x[i]));
    ly.push_back(std::log(y[i]));
  }
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x.front(); }))
    detail::fail(who, "x must take at least two distinct values (all are ", x.front(), ")");
  const detail::OlsFit ols = detail::ordinary_least_squares(lx, ly);
  PowerLawFit fit;
  fit.slope = ols.slope;
  fit.intercept = ols.intercept;
  fit.slope_se = ols.slope_se;
  fit.r_squared = ols.r_squared;
  fit.confidence = confidence;
  fit.points = x.size();
  const double q = student_t_quantile(0.5 * (1 + confidence), static_cast<double>(fit.points - 2));
  fit.slope_lo = ols.slope - q * ols.slope_se;
  fit.slope_hi = ols.slope + q * ols.slope_se;
  return fit;
}

// ---------------------------------------------------------------------------------------------
// Iterations to ε
// ---------------------------------------------------------------------------------------------

/// The first t at which err reaches eps, interpolated between samples:
///   k = the first index with err_k ≤ eps; if k = 0 the answer is t_0; otherwise
///   t = t_{k−1} + (t_k − t_{k−1})·(log err_{k−1} − log eps)/(log err_{k−1} − log err_k),
/// linear interpolation in log(err), which is exact when err is geometric between the two
/// samples (err_t = C·r^t). If err_k ≤ 0 the interpolation is linear in err instead; if
/// err_{k−1} = +inf, the answer is t_k. nullopt if err never reaches eps.
/// Throws DimensionMismatch if the sizes differ, InvalidArgument if eps is not finite and > 0,
/// t is not finite and strictly increasing, or err holds NaN (+inf is allowed: a diverging run
/// simply never hits).
inline std::optional<double> first_hit(const std::vector<double>& t, const std::vector<double>& err, double eps) {
  constexpr std::string_view who = "first_hit";
  if (!(eps > 0 && std::isfinite(eps))) detail::fail(who, "eps must be finite and > 0 (got ", eps, ")");
  detail::check_trace(who, t, err);
  for (std::size_t k = 0; k < err.size(); ++k) {
    if (!(err[k] <= eps)) continue;
    if (k == 0) return t[0];
    const double before = err[k - 1], after = err[k];
    if (std::isinf(before)) return t[k];
    const double fraction = after > 0 ? (std::log(before) - std::log(eps)) / (std::log(before) - std::log(after))
                                      : (before - eps) / (before - after);
    return t[k - 1] + (t[k] - t[k - 1]) * fraction;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------------------------

/// Mean and spread of one quantity measured over k seeds.
struct SeedStats {
  double mean = 0;      ///< (1/k) Σ v_i
  double sd = 0;        ///< sample standard deviation √(Σ(v_i − mean)²/(k − 1)); 0 when k = 1
  double se = 0;        ///< standard error of the mean sd/√k; 0 when k = 1 (no spread estimate)
  std::size_t count = 0;  ///< k

  /// se/|mean|, the SE_rel of theory-rates §12.3 (0 if se = 0; +inf if mean = 0 < se).
  double relative_se() const {
    if (se == 0) return 0.0;
    return mean == 0 ? std::numeric_limits<double>::infinity() : se / std::abs(mean);
  }
};

/// Aggregates one measurement over k ≥ 1 seeds: mean, sample standard deviation (k − 1
/// denominator, two-pass), standard error sd/√k and count. With a single seed (k = 1) there is
/// no estimate of the spread: sd = se = 0, so a bound check on it has no statistical slack
/// (measured ≤ bound exactly); use 20–50 seeds for stochastic runs (theory-rates §12.2).
/// Throws InvalidArgument if `values` is empty or holds a non-finite value.
inline SeedStats aggregate(const std::vector<double>& values) {
  constexpr std::string_view who = "aggregate";
  if (values.empty()) detail::fail(who, "values must hold at least one measurement (got 0)");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) detail::fail(who, "values must be finite (got ", values[i], " at index ", i, ")");
  SeedStats s;
  s.count = values.size();
  const double k = static_cast<double>(s.count);
  for (double v : values) s.mean += v;
  s.mean /= k;
  if (s.count > 1) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(ss / (k - 1));
    s.se = s.sd / std::sqrt(k);
  }
  return s;
}

}  // namespace adonis
