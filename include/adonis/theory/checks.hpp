// SPDX-License-Identifier: BSD-3-Clause
/// @file checks.hpp
/// @brief Rate checks that take the algorithm itself, so that a broken implementation (or a
///        wrong theorem) turns a row VIOLATED: the building blocks of `adonis rates`.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "adonis/algorithm/driver.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis {

/// An averaging algorithm (gossip-like: doubly stochastic mixing) checked against theory-rates
/// §1 [DER]: (1) the network average is preserved, ||x̄_T|| / ||x̄_0|| = 1 (equal, rel. 1e-10);
/// (2) the consensus error ||X − 1x̄ᵀ||_F contracts by at most `bound` per round (per step()),
/// e.g. ρ = ||W − J|| for gossip, 1/T_K(c2) for Chebyshev gossip (bound, rounding allowance
/// 1e-12 relative). `base` carries table, algorithm, graph, problem, source, tag (DER) and command.
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
  rows.push_back(judge_bound(r, bound, m.max_contraction(), 1e-12 * bound));
  return rows;
}

/// A linearly convergent method checked for equality of its asymptotic exponent −ln(rate) per
/// round with the theory's (e.g. the spectral rate of the round's Jacobian at the fixed point,
/// linearized.hpp): the measured rate is fit_step_rate(m). [DER] rows only (judge_equal).
inline RateRow check_exponent(const Measurements& m, double theory_rate, const RateRow& base, double rel_tol = 0.03) {
  const LinearRateFit fit = fit_step_rate(m);
  RateRow r = judge_equal(base, -std::log(theory_rate), -fit.slope, rel_tol);
  detail::append_note(r, "rate " + detail::short_number(fit.rate) + " vs theory " + detail::short_number(theory_rate) +
                             " over rounds " + std::to_string(fit.first + 1) + ".." + std::to_string(fit.last + 1));
  return r;
}

}  // namespace adonis
