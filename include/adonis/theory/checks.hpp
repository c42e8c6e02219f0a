// SPDX-License-Identifier: BSD-3-Clause
/// @file checks.hpp
/// @brief Rate checks that take the algorithm itself, so that a broken implementation (or a
///        wrong theorem) turns a row VIOLATED: the building blocks of `adonis rates`.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/theory/fit.hpp"
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
/// round with the theory's (e.g. the spectral rate of the round's Jacobian at the fixed point,
/// linearized.hpp): the measured rate is fit_step_rate(m). [DER] rows only (judge_equal).
///
/// Resolution: a fit can only see the slowest mode once the others have faded. With the
/// second-slowest rate r2 < r1 (`second_rate`, 0 if unknown), the others weigh (r2/r1)^t at
/// the start t of the fit window. While that is above 1e-3 the exponent is not resolved within
/// double precision; the measured rate must then lie between the two slowest modes (a [DER]
/// bracket, up to the same relative tolerance), and the row says so.
inline RateRow check_exponent(const Measurements& m, double theory_rate, const RateRow& base, double rel_tol = 0.03,
                              double second_rate = 0) {
  const LinearRateFit fit = fit_step_rate(m);
  const double t0 = static_cast<double>(fit.first + 1);
  if (second_rate > 0 && second_rate < theory_rate && std::pow(second_rate / theory_rate, t0) > 1e-3) {
    const double lo = -std::log(theory_rate), hi = -std::log(second_rate), measured = -fit.slope;
    RateRow r = base;
    r.quantity += " (unresolved: slowest two modes bracket it)";
    r = judge_bound(r, hi * (1 + rel_tol), measured, 0.0);
    const bool above = measured >= lo * (1 - rel_tol);
    if (!above) r.verdict = Verdict::violated;
    detail::append_note(r, "bracket [" + detail::short_number(lo) + ", " + detail::short_number(hi) +
                               "] of the two slowest modes (r1 " + detail::short_number(theory_rate) + ", r2 " +
                               detail::short_number(second_rate) + "; (r2/r1)^t = " +
                               detail::short_number(std::pow(second_rate / theory_rate, t0)) + " at t = " +
                               detail::short_number(t0) + ")" + (above ? "" : ": measured below the slowest mode"));
    return r;
  }
  RateRow r = judge_equal(base, -std::log(theory_rate), -fit.slope, rel_tol);
  detail::append_note(r, "rate " + detail::short_number(fit.rate) + " vs theory " + detail::short_number(theory_rate) +
                             " over rounds " + std::to_string(fit.first + 1) + ".." + std::to_string(fit.last + 1));
  return r;
}

}  // namespace adonis
