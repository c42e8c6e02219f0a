// SPDX-License-Identifier: BSD-3-Clause
/// @file dgd.hpp
/// @brief Decentralized (sub)gradient descent / D-SGD, with optional local steps.
///
/// Round t (Nedić & Ozdaglar 2009; Yuan, Ling & Yin 2016, SIAM J. Optim. 26(3)):
///   H − 1 local steps  X ← X − α ∇F(X),   then   X_{t+1} = W_t X − α ∇F(X),
/// row i of ∇F(X) being ∇f_i(x_i) (or a stochastic gradient, D-SGD: Koloskova et al. 2020).
/// With H = 1 this is Yuan et al.'s DGD, whose iteration on quadratics f_i = (a_i/2)||x − b_i||²
/// is the affine map x ← (W − αA) x + αAb (theory-rates.md §4b): a constant step converges to
/// an O(α/(1−ρ)) neighbourhood of x*, not to x*, and diverges iff α > (1 + λn(W))/L on
/// identical quadratics.
#pragma once

#include <algorithm>
#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// Options of Dgd.
struct DgdOptions {
  /// Constant step α. 0 selects the default rule α = (1 + λmin(W_0)) / (2 L_max), half of
  /// Yuan et al.'s bound (1 + λn(W))/L_h, which then needs `smoothness` (computed from the problem's curvature bounds, max_smoothness, when left at 0).
  double step_size = 0;
  double smoothness = 0;     ///< L_max = max_i L_i, used only by the default step rule
  Index local_steps = 1;     ///< H >= 1 gradient steps per communication round
  bool stochastic = false;   ///< use the objective's stochastic_gradient (D-SGD)
  std::uint64_t seed = 0;    ///< seed of the stochastic gradients
  void validate() const {
    if (!(step_size >= 0)) detail::fail("Dgd", "step_size must be >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0)) detail::fail("Dgd", "smoothness must be >= 0 (got ", smoothness, ")");
    if (local_steps < 1) detail::fail("Dgd", "local_steps must be >= 1 (got ", local_steps, ")");
  }
};

/// The step of Yuan, Ling & Yin's theorems (SIAM J. Optim. 26(3), 2016; theory-rates.md §4b):
///   α = min{(1 + λn(W))/L_h, 1/(L̄ + μ̄)}   (strongly convex f_i, linear convergence to an O(α)
///   neighbourhood), or min{(1 + λn(W))/L_h, 1/L̄} when μ̄ = 0 (O(1/k) to an O(α) level),
/// with L_h = max_i L_i, L̄ and μ̄ the means of the L_i and μ_i, λn(W) the smallest eigenvalue
/// of W. This is what `adonis run --step theory` uses for `dgd`.
inline double dgd_theory_step(double lambda_min_w, double l_max, double l_mean, double mu_mean) {
  if (!(l_max > 0) || !(l_mean > 0) || !(mu_mean >= 0))
    detail::fail("dgd_theory_step", "needs L_h > 0, L_mean > 0, mu_mean >= 0 (got ", l_max, ", ", l_mean, ", ", mu_mean,
                 ")");
  return std::min((1 + lambda_min_w) / l_max, 1 / (l_mean + mu_mean));
}

/// DGD / D-SGD over a graph sequence.
/// @tparam Problem models DecentralizedObjective (StochasticObjective if options.stochastic);
///         it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
template <DecentralizedObjective Problem, GraphSequence Sequence>
class Dgd : public Runnable<Dgd<Problem, Sequence>> {
 public:
  /// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ.
  Dgd(const Problem& problem, Sequence sequence, DgdOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    detail::check_nodes("Dgd", problem, m_sequence);
    if (m_options.stochastic && !StochasticObjective<Problem>)
      detail::fail("Dgd", "stochastic = true needs an objective with stochastic_gradient");
    if (m_options.step_size == 0) m_options.smoothness = detail::resolve_smoothness("Dgd", m_options.smoothness, problem);
    m_step = detail::default_step(m_options.step_size, detail::StepRule::half_stability, m_sequence, m_options.smoothness);
  }

  double step_size() const noexcept { return m_step; }

  void init(const Iterates<double>& x0) {
    detail::check_start("Dgd::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_x = x0;
    m_counters = {};
  }
  void step() {
    const Round t = m_counters.rounds;
    for (Index h = 0; h < m_options.local_steps; ++h) {
      detail::local_gradients(*m_problem, m_x, m_g, m_options.stochastic, m_options.seed,
                              t * m_options.local_steps + h, m_counters, detail::owned_rows(m_sequence));
      if (h + 1 < m_options.local_steps) m_x -= m_step * m_g;
    }
    const SparseMatrix& w = m_sequence.mixing(t);
    detail::mix(m_sequence, w, m_x, m_next);
    m_next -= m_step * m_g;
    std::swap(m_x, m_next);
    detail::finish_round(m_counters, w, m_x.cols());
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }
  /// The state in the coordinates of theory/linearized.hpp's dgd_jacobian: X, node-major.
  Vector<double> state() const { return detail::stack_state({&m_x}); }
  /// init() from a state as state() returns it. @throws DimensionMismatch on a wrong size.
  void init_state(const Vector<double>& s) {
    init(detail::state_block("Dgd::init_state", s, 0, 1, m_sequence.num_nodes(), m_problem->dim()));
  }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  DgdOptions m_options;
  double m_step = 0;
  Iterates<double> m_x, m_next, m_g;
  Counters m_counters;
};

}  // namespace adonis
