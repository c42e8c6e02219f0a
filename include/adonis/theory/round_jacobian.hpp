// SPDX-License-Identifier: BSD-3-Clause
/// @file round_jacobian.hpp
/// @brief The Jacobian of one round of DGD, gradient tracking, EXTRA and ADMM at a state, and
///        their rate measured on its slowest mode: the exact rate checks of `adonis rates`
///        (default and linear-rates tables) and of `adonis run --start slowest-mode`.
///
/// The Jacobians are those of theory/linearized.hpp, in the coordinates of each algorithm's
/// state() (Dgd: X; GradientTracking: (X, Y); Extra: (X_{k+1}, X_k); Admm: (X, α)), with the
/// Hessians taken at the X block of the state (the fixed point: DGD's own, biased one; x* for
/// the others). Static W only: the round must be one fixed map.
#pragma once

#include <algorithm>
#include <type_traits>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/linearized.hpp"

namespace adonis {

namespace detail {
/// H = blockdiag(∇²f_i(x_i)) at the X block (block 0 of `blocks`) of a state.
template <class P>
Matrix<double> hessian_at_state(const P& p, const Vector<double>& state, Index blocks) {
  return stacked_hessian(p, state_block("round_jacobian", state, 0, blocks, p.num_nodes(), p.dim()));
}
}  // namespace detail

/// DGD's round Jacobian W − αH at a state (dgd_jacobian).
template <class P, class S>
Matrix<double> round_jacobian(const Dgd<P, S>& alg, const P& p, const SparseMatrix& w, const Vector<double>& state) {
  return dgd_jacobian(w, detail::hessian_at_state(p, state, 1), alg.step_size());
}
/// Gradient tracking's round Jacobian at a state (diging_jacobian).
template <class P, class S>
Matrix<double> round_jacobian(const GradientTracking<P, S>& alg, const P& p, const SparseMatrix& w,
                              const Vector<double>& state) {
  return diging_jacobian(w, detail::hessian_at_state(p, state, 2), alg.step_size());
}
/// EXTRA's round Jacobian at a state (extra_jacobian).
template <class P, class S>
Matrix<double> round_jacobian(const Extra<P, S>& alg, const P& p, const SparseMatrix& w, const Vector<double>& state) {
  return extra_jacobian(w, detail::hessian_at_state(p, state, 2), alg.step_size());
}
/// ADMM's round Jacobian at a state (admm_jacobian, on the graph of W's support).
template <class P, class S>
Matrix<double> round_jacobian(const Admm<P, S>& alg, const P& p, const SparseMatrix& w, const Vector<double>& state) {
  return admm_jacobian(adjacency_matrix(support_graph(w)), detail::hessian_at_state(p, state, 2), alg.penalty());
}

/// The start scale of measure_on_slowest_mode, relative to max(1, ||S̄||): 1 on a quadratic (the
/// round is affine, any scale is exact), 1e-3 otherwise (the round is linear only up to O(s):
/// docs/rates.md states the bound, tests/theory/test_mode_rate.cpp checks it on logistic regression).
template <class P>
inline constexpr double mode_start_scale = std::is_same_v<P, QuadraticProblem> ? 1.0 : 1e-3;

/// A rate measured on the slowest mode of the round's Jacobian at a fixed point.
struct JacobianModeRun {
  SlowestMode mode;  ///< λ1, v1, c1 of the Jacobian at the fixed point
  ModeRate rate;     ///< the measured v1-coordinate (rate.fit: its exponent)
};

/// Runs `alg` (Dgd, GradientTracking, Extra or Admm on the static W `w`) from S̄ + s·Re(v1),
/// v1 the slowest eigenvector of its round Jacobian at S̄, s = mode_start_scale<P>·max(1, ||S̄||),
/// and measures the v1-coordinate of its steps (measure_mode_rate). S̄ = `fixed_point`, e.g.
/// alg.state() after a run that converged. check_mode_rate judges the result.
template <class Alg, class P>
JacobianModeRun measure_on_slowest_mode(Alg& alg, const P& p, const SparseMatrix& w, const Vector<double>& fixed_point,
                                       const ModeRateOptions& options = {}) {
  JacobianModeRun out{.mode = slowest_jacobian_mode(round_jacobian(alg, p, w, fixed_point)), .rate = {}};
  out.rate = measure_mode_rate(alg, fixed_point, out.mode, mode_start_scale<P> * std::max(1.0, fixed_point.norm()),
                               options);
  return out;
}

}  // namespace adonis
