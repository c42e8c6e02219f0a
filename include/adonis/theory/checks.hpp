// SPDX-License-Identifier: BSD-3-Clause
/// @file checks.hpp
/// @brief Rate checks that take the algorithm itself, so that a broken implementation (or a
///        wrong theorem) turns a row VIOLATED: the building blocks of `adonis rates`.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <string>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/linearized.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis {

/// An averaging algorithm (gossip-like: doubly stochastic mixing) checked against theory-rates
/// §1 [DER]: (1) the network average is preserved, ||x̄_T|| / ||x̄_0|| = 1 (equal, rel. 1e-10);
/// (2) the consensus error ||X − 1x̄ᵀ||_F contracts by at most `bound` per round (per step()),
/// e.g. ρ = ||W − J|| for gossip, 1/T_K(c2) for Chebyshev gossip (bound; measured while the error
/// is above 1e-6 ||X_0||, with a rounding allowance of 1e-9 relative). `base` carries table, algorithm, graph, problem, source, tag (DER) and command.
template <class Algorithm>
std::vector<RateRow> check_averaging(Algorithm& algorithm, const Iterates<double>& x0, double bound, Round rounds,
                                     const RateRow& base, const std::string& bound_name) {
  Measurements m;
  Iterates<double> x = x0;
  run(algorithm, x, RunOptions{.max_rounds = rounds}, MeasureObserver<>(m));
  std::vector<RateRow> rows;
  RateRow r = base;
  r.quantity = "||x̄_T|| / ||x̄_0|| (average preserved)";
  rows.push_back(judge_equal(r, 1.0, m.average_norm.back() / m.average_norm.front(), 1e-10));
  r = base;
  r.quantity = "max contraction of ||X − 1x̄ᵀ|| per step, bound " + bound_name;
  rows.push_back(judge_bound(r, bound, m.max_contraction(), 1e-9 * bound / 5));
  return rows;
}

/// A linearly convergent method checked for equality of its asymptotic exponent −ln(rate) per
/// round with the theory's, from a tail fit of its steps (fit_step_rate(m)): [DER] rows only
/// (judge_equal). A fit sees the slowest mode only once the others have faded, (r2/r1)^t ≪ 1 at
/// the start t of its window; where that cannot be arranged, measure on the slowest mode itself
/// (measure_mode_rate, check_mode_rate), which the rate tables do.
inline RateRow check_exponent(const Measurements& m, double theory_rate, const RateRow& base, double rel_tol = 0.03) {
  const LinearRateFit fit = fit_step_rate(m);
  RateRow r = judge_equal(base, -std::log(theory_rate), -fit.slope, rel_tol);
  detail::append_note(r, "rate " + detail::short_number(fit.rate) + " vs theory " + detail::short_number(theory_rate) +
                             " over rounds " + std::to_string(fit.first + 1) + ".." + std::to_string(fit.last + 1));
  return r;
}

/// Settings of measure_mode_rate.
struct ModeRateOptions {
  Round max_rounds = 300000;
  /// The fit window starts once the amplitude has changed by this many decades from round 1
  /// (a nonlinear problem's start is linear only up to O(s): theory-rates.md §12, docs/rates.md).
  double skip_decades = 2;
  /// The run stops once the amplitude has changed by this many decades from round 1, ...
  double span_decades = 8;
  /// ... or fallen to noise_floor x ||c1|| x max(1, ||S̄||): the rounding of the state (about
  /// 1e-16 ||S̄|| per entry and round) is then 1e-5 of the measured amplitude at most.
  double noise_floor = 1e-11;
};

/// The v1-coordinate of a run started on the slowest mode (measure_mode_rate).
struct ModeRate {
  std::vector<double> amplitude;  ///< b_t = |c1·(S_t − S_{t−1})|, t = 1..T (index t − 1)
  LinearRateFit fit;              ///< log-linear fit of b_t over the window (fit.first/last index amplitude)
  double max_ratio_deviation = 0; ///< max over the window of |b_{t+1}/b_t − r1| / r1
  double start_scale = 0;         ///< s: S_0 = S̄ + s·start()
  Round rounds = 0;               ///< rounds run
  bool finite = true;             ///< false if the state became non-finite
};

/// Runs a synchronous method from S_0 = S̄ + s·Re(v1) (S̄ a fixed point of the method, e.g. the
/// state() at the end of a converged run; v1 = mode.start()) and records the modulus of the
/// v1-coordinate of its steps, b_t = |c1·(S_t − S_{t−1})|. If one round of the method is the
/// affine map S ↦ J(S − S̄) + S̄ whose slowest mode is `mode`, then c1·(S_{t+1} − S_t) =
/// λ1·c1·(S_t − S_{t−1}) exactly: every per-round ratio b_{t+1}/b_t equals r1 = |λ1|, whatever the
/// rounding or the error of S̄ puts on the other modes (a complex λ1 needs no special care: the
/// coordinate rotates, its modulus does not oscillate). A method whose round differs from J
/// (a wrong step, a different W) has other eigenvectors: its amplitude then follows its own modes
/// and the ratio leaves r1. On a nonlinear problem the round is J only to first order: the
/// ratio's deviation is O(s) and decays with the amplitude, hence the window (options).
/// @tparam Algorithm offers state() and init_state(const Vector<double>&) in the coordinates of J
///         (Dgd, GradientTracking, Extra, Admm). @throws InvalidArgument if s is not > 0 and finite;
///         DimensionMismatch if S̄ and v1 differ in size from the method's state.
template <class Algorithm>
ModeRate measure_mode_rate(Algorithm& alg, const Vector<double>& fixed_point, const SlowestMode& mode, double s,
                           const ModeRateOptions& options = {}) {
  if (!(s > 0 && std::isfinite(s))) detail::fail("measure_mode_rate", "the start scale s must be > 0 and finite (got ", s, ")");
  const Vector<double> v = mode.start();
  if (v.size() != fixed_point.size())
    detail::fail<DimensionMismatch>("measure_mode_rate", "the mode has ", v.size(), " entries, the fixed point ",
                                    fixed_point.size());
  ModeRate out;
  out.start_scale = s;
  Vector<double> prev = fixed_point + s * v;
  alg.init_state(prev);
  const double floor = options.noise_floor * mode.coordinate.norm() * std::max(1.0, fixed_point.norm());
  const double span = options.span_decades * std::log(10.0);
  for (Round t = 1; t <= options.max_rounds; ++t) {
    alg.step();
    Vector<double> now = alg.state();
    out.rounds = t;
    if (!now.allFinite()) {
      out.finite = false;
      break;
    }
    const double b = std::abs(mode.coefficient(now - prev));
    prev = std::move(now);
    out.amplitude.push_back(b);
    if (!(b > floor) || std::abs(std::log(b / out.amplitude.front())) >= span) break;
  }
  // the window: from the first round whose amplitude changed by skip_decades (all rounds if none)
  std::size_t first = 0;
  while (first < out.amplitude.size() &&
         std::abs(std::log(out.amplitude[first] / out.amplitude.front())) < options.skip_decades * std::log(10.0))
    ++first;
  std::size_t last = out.amplitude.size();
  while (last > 0 && !(out.amplitude[last - 1] > floor)) --last;
  if (last < first + 3) first = 0;
  if (last < 3) return out;  // too short to fit: check_mode_rate reports it VIOLATED
  std::vector<double> t, b;
  for (std::size_t k = first; k < last; ++k) {
    t.push_back(static_cast<double>(k + 1));
    b.push_back(out.amplitude[k]);
  }
  out.fit = fit_linear_rate(t, b, LinearFitOptions{.transient_fraction = 0, .relative_floor = 0, .absolute_floor = 0});
  out.fit.first += first;
  out.fit.last += first;
  for (std::size_t k = first; k + 1 < last; ++k)
    out.max_ratio_deviation =
        std::max(out.max_ratio_deviation, std::abs(out.amplitude[k + 1] / out.amplitude[k] - mode.r1) / mode.r1);
  return out;
}

/// [DER] equality of the exponent −ln r measured on the slowest mode (measure_mode_rate) with
/// −ln r1 of the Jacobian, within rel_tol (the rate tables use 1e-4; double precision allows
/// ~1e-7 on the quadratics). VIOLATED if the run did not stay finite or was too short to fit.
inline RateRow check_mode_rate(const ModeRate& measured, const SlowestMode& mode, const RateRow& base,
                               double rel_tol = 1e-4) {
  using detail::short_number;
  const bool fitted = measured.fit.points >= 3;
  const double exponent = fitted && measured.finite ? -measured.fit.slope : std::numeric_limits<double>::quiet_NaN();
  RateRow r = judge_equal(base, -std::log(mode.r1), exponent, rel_tol);
  const std::string lambda = mode.lambda.imag() == 0
                                 ? short_number(mode.lambda.real())
                                 : short_number(mode.lambda.real()) + " + " + short_number(mode.lambda.imag()) + "i";
  if (!fitted || !measured.finite) {
    detail::append_note(r, std::string("no rate: ") + (measured.finite ? "fewer than 3 rounds" : "the state became non-finite") +
                               " (λ1 = " + lambda + ")");
    return r;
  }
  detail::append_note(r, "start on the slowest mode (λ1 = " + lambda + ", s = " + short_number(measured.start_scale) +
                             "): rate " + short_number(measured.fit.rate) + " vs |λ1| " + short_number(mode.r1) +
                             " over rounds " + std::to_string(measured.fit.first + 1) + ".." +
                             std::to_string(measured.fit.last + 1) + ", max per-round deviation " +
                             short_number(measured.max_ratio_deviation));
  return r;
}

}  // namespace adonis
