// SPDX-License-Identifier: BSD-3-Clause
/// @file extra.hpp
/// @brief EXTRA (Shi, Ling, Wu & Yin, SIAM J. Optim. 25(2), 2015, Alg. 1) with W̃ = (I + W)/2.
///
///   X_1 = W X_0 − α ∇F(X_0),
///   X_{k+2} = (I + W) X_{k+1} − W̃ X_k − α [∇F(X_{k+1}) − ∇F(X_k)].
/// A fixed step α < 2 λmin(W̃)/L = (1 + λn(W))/L converges to x* exactly (theory-rates.md §6b).
/// On quadratics it is linear in (X_{k+1}, X_k) with M = [[I + W − αA, −(W̃ − αA)], [I, 0]].
/// W X_k is kept from the previous round, so a round sends one d-vector per edge direction.
/// EXTRA's theory is for a static W; over a time-varying sequence the previous round's W X_k
/// is reused as is.
#pragma once

#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// Options of Extra.
struct ExtraOptions {
  /// Constant step α; 0 selects the default rule α = (1 + λmin(W_0)) / (2 L_max), half of the
  /// convergence bound of Thm. 3.3, which needs `smoothness` (computed from the problem's curvature bounds, max_smoothness, when left at 0).
  double step_size = 0;
  double smoothness = 0;  ///< L_max, used only by the default rule
  void validate() const {
    if (!(step_size >= 0)) detail::fail("Extra", "step_size must be >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0)) detail::fail("Extra", "smoothness must be >= 0 (got ", smoothness, ")");
  }
};

/// Half of the step bound under which Shi et al. prove EXTRA's linear rate (proof of Thm. 3.7,
/// theory-rates.md §6b, transcribed): α < 2 μ_g λmin(W̃)/L² = μ_g (1 + λn(W))/L² for
/// W̃ = (I + W)/2. μ_g, the restricted strong convexity of the paper's auxiliary function, is not
/// available in closed form; the strong convexity μ of f stands in for it. The bound is strict,
/// hence the half; `adonis run --step theory` uses it for `extra`. (The convex-case bound of
/// Thm. 3.3, (1 + λn(W))/L, is twice the default rule.)
inline double extra_theory_step(double lambda_min_w, double l_max, double mu) {
  if (!(l_max > 0) || !(mu > 0))
    detail::fail("extra_theory_step", "needs L > 0 and mu > 0 (got L=", l_max, ", mu=", mu, ")");
  return 0.5 * mu * (1 + lambda_min_w) / (l_max * l_max);
}

/// EXTRA over a graph sequence (static in theory).
/// @tparam Problem models DecentralizedObjective; it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
template <DecentralizedObjective Problem, GraphSequence Sequence>
class Extra : public Runnable<Extra<Problem, Sequence>> {
 public:
  Extra(const Problem& problem, Sequence sequence, ExtraOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    detail::check_nodes("Extra", problem, m_sequence);
    if (m_options.step_size == 0) m_options.smoothness = detail::resolve_smoothness("Extra", m_options.smoothness, problem);
    m_step = detail::default_step(m_options.step_size, detail::StepRule::half_stability, m_sequence, m_options.smoothness);
  }

  double step_size() const noexcept { return m_step; }

  void init(const Iterates<double>& x0) {
    detail::check_start("Extra::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_x = x0;
    m_counters = {};
    m_paired = false;
  }
  /// Starts from the pair (X_0, X_1) = (x0, x1), as if the first round had produced X_1: the
  /// next step() applies the recursion of rounds ≥ 1 (the rate checks use it to start on a mode
  /// of the Jacobian, theory/checks.hpp). Costs the gradients and the mixing of X_0.
  void init(const Iterates<double>& x0, const Iterates<double>& x1) {
    init(x0);
    detail::check_start("Extra::init (X_1)", x1, m_sequence.num_nodes(), m_problem->dim());
    detail::stacked_gradients(*m_problem, m_x, m_g_prev, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    detail::mix(m_sequence, m_sequence.mixing(0), m_x, m_wx_prev);
    m_prev = m_x;
    m_x = x1;
    m_paired = true;
  }
  void step() {
    const SparseMatrix& w = m_sequence.mixing(m_counters.rounds);
    detail::stacked_gradients(*m_problem, m_x, m_g, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    detail::mix(m_sequence, w, m_x, m_wx);
    if (m_counters.rounds == 0 && !m_paired) {
      m_next = m_wx - m_step * m_g;  // X_1 = W X_0 − α ∇F(X_0)
    } else {
      // X_{k+2} = X_{k+1} + W X_{k+1} − ½ X_k − ½ W X_k − α (∇F(X_{k+1}) − ∇F(X_k))
      m_next = m_x + m_wx - 0.5 * (m_prev + m_wx_prev) - m_step * (m_g - m_g_prev);
    }
    m_prev = m_x;
    m_wx_prev = m_wx;
    m_g_prev = m_g;
    std::swap(m_x, m_next);
    detail::finish_round(m_counters, w, m_x.cols());
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }
  /// The state in the coordinates of theory/linearized.hpp's extra_jacobian: (X_{k+1}, X_k)
  /// stacked. @throws InvalidArgument before the first round of a start from X_0 alone.
  Vector<double> state() const {
    if (m_counters.rounds == 0 && !m_paired) detail::fail("Extra::state", "no state (X_1, X_0) before the first round");
    return detail::stack_state({&m_x, &m_prev});
  }
  /// init(X_0, X_1) from a state as state() returns it. @throws DimensionMismatch on a wrong size.
  void init_state(const Vector<double>& s) {
    const Index n = m_sequence.num_nodes(), d = m_problem->dim();
    init(detail::state_block("Extra::init_state", s, 1, 2, n, d), detail::state_block("Extra::init_state", s, 0, 2, n, d));
  }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  ExtraOptions m_options;
  double m_step = 0;
  Iterates<double> m_x, m_next, m_prev, m_wx, m_wx_prev, m_g, m_g_prev;
  Counters m_counters;
  bool m_paired = false;  ///< started from (X_0, X_1)
};

}  // namespace adonis
