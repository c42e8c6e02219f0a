// SPDX-License-Identifier: BSD-3-Clause
/// @file gradient_tracking.hpp
/// @brief Gradient tracking / DIGing (Nedić, Olshevsky & Shi, SIAM J. Optim. 27(4), 2017).
///
///   X_{k+1} = W_k X_k − α Y_k,    Y_{k+1} = W_k Y_k + ∇F(X_{k+1}) − ∇F(X_k),    Y_0 = ∇F(X_0).
/// Y tracks the average gradient, so a constant step converges to x* exactly, also over
/// time-varying graphs (theory-rates.md §6a). On quadratics with a static W it is linear in
/// (X, Y) with block matrix [[W, −αI], [A(W − I), W − αA]]; its rate is the second-largest
/// |eigenvalue| of that matrix. Each round sends X and Y: two d-vectors per edge direction.
#pragma once

#include <cmath>
#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// Options of GradientTracking.
struct GradientTrackingOptions {
  /// Constant step α; 0 selects the default rule α = min{(1 − ρ(W_0))/2, (1 + λmin(W_0))²/4} / L_max
  /// (first_order.hpp: the second term keeps bipartite graphs stable), which needs
  /// `smoothness`. (The theorem's own bound, Thm. 10, is orders of magnitude smaller.)
  double step_size = 0;
  double smoothness = 0;  ///< L_max, used only by the default rule (0: from the problem's curvature bounds)
  void validate() const {
    if (!(step_size >= 0)) detail::fail("GradientTracking", "step_size must be >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0)) detail::fail("GradientTracking", "smoothness must be >= 0 (got ", smoothness, ")");
  }
};

/// Half of the step bound of Nedić, Olshevsky & Shi's Thm. 10 (theory-rates.md §6a,
/// transcribed), α < 1.5 (1 − δ)² / (μ̄ J₁) with J₁ = 3 κ̄ B² (1 + 4 √n √κ̄), κ̄ = L/μ̄:
/// δ = sup σ_max(W(k)⋯W(k−B+1) − J) over windows of B rounds (ρ(W) for a static W, B = 1),
/// L = max_i L_i, μ̄ = (1/n) Σ μ_i > 0. The bound is strict, hence the half. It is orders of
/// magnitude below the stability limit (ring16: α_max L ≈ 1e-5 to 1e-4); `adonis run --step
/// theory` uses it for `gradient-tracking`.
inline double diging_theory_step(double delta, Index window, double l_max, double mu_mean, Index n) {
  if (!(delta >= 0 && delta < 1) || window < 1 || !(l_max > 0) || !(mu_mean > 0) || n < 1)
    detail::fail("diging_theory_step", "needs 0 <= delta < 1, B >= 1, L > 0, mu_mean > 0, n >= 1 (got delta=", delta,
                 ", B=", window, ", L=", l_max, ", mu_mean=", mu_mean, ", n=", n, ")");
  const double kappa = l_max / mu_mean, b = static_cast<double>(window);
  const double j1 = 3 * kappa * b * b * (1 + 4 * std::sqrt(static_cast<double>(n)) * std::sqrt(kappa));
  return 0.5 * 1.5 * (1 - delta) * (1 - delta) / (mu_mean * j1);
}

/// Gradient tracking (DIGing) over a graph sequence.
/// @tparam Problem models DecentralizedObjective; it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
template <DecentralizedObjective Problem, GraphSequence Sequence>
class GradientTracking : public Runnable<GradientTracking<Problem, Sequence>> {
 public:
  /// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ.
  GradientTracking(const Problem& problem, Sequence sequence, GradientTrackingOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    detail::check_nodes("GradientTracking", problem, m_sequence);
    if (m_options.step_size == 0)
      m_options.smoothness = detail::resolve_smoothness("GradientTracking", m_options.smoothness, problem);
    m_step = detail::default_step(m_options.step_size, detail::StepRule::half_gap, m_sequence, m_options.smoothness);
  }

  double step_size() const noexcept { return m_step; }

  void init(const Iterates<double>& x0) {
    detail::check_start("GradientTracking::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_x = x0;
    m_counters = {};
    detail::stacked_gradients(*m_problem, m_x, m_g, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    m_y = m_g;
  }
  /// Starts from (X_0, Y_0) = (x0, y0) instead of Y_0 = ∇F(X_0): the trackers then keep the sum
  /// 1ᵀY − 1ᵀ∇F(X) of the start (zero only if y0 was chosen so), which the rate checks use to
  /// start on a mode of the Jacobian (theory/checks.hpp, check_mode_rate).
  void init(const Iterates<double>& x0, const Iterates<double>& y0) {
    init(x0);
    detail::check_start("GradientTracking::init (trackers)", y0, m_sequence.num_nodes(), m_problem->dim());
    m_y = y0;
  }
  void step() {
    const SparseMatrix& w = m_sequence.mixing(m_counters.rounds);
    detail::mix(m_sequence, w, m_x, m_next);
    m_next -= m_step * m_y;
    std::swap(m_x, m_next);
    detail::stacked_gradients(*m_problem, m_x, m_g_next, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    detail::mix(m_sequence, w, m_y, m_next);
    m_y = m_next + m_g_next - m_g;
    std::swap(m_g, m_g_next);
    detail::finish_round(m_counters, w, m_x.cols(), 2);
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  /// The gradient trackers Y (row i tracks the average gradient at node i).
  const Iterates<double>& trackers() const noexcept { return m_y; }
  const Counters& counters() const noexcept { return m_counters; }
  /// The state in the coordinates of theory/linearized.hpp's diging_jacobian: (X, Y) stacked.
  Vector<double> state() const { return detail::stack_state({&m_x, &m_y}); }
  /// init(X, Y) from a state as state() returns it. @throws DimensionMismatch on a wrong size.
  void init_state(const Vector<double>& s) {
    const Index n = m_sequence.num_nodes(), d = m_problem->dim();
    init(detail::state_block("GradientTracking::init_state", s, 0, 2, n, d),
         detail::state_block("GradientTracking::init_state", s, 1, 2, n, d));
  }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  GradientTrackingOptions m_options;
  double m_step = 0;
  Iterates<double> m_x, m_y, m_g, m_g_next, m_next;
  Counters m_counters;
};

}  // namespace adonis
