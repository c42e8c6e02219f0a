// SPDX-License-Identifier: BSD-3-Clause
/// @file dual_averaging.hpp
/// @brief Distributed dual averaging (Duchi, Agarwal & Wainwright, "Dual averaging for
///        distributed optimization: convergence analysis and network scaling", IEEE TAC 57(3),
///        2012).
///
/// Round t = 0, 1, ..., with z_i(0) = 0 and x_i(0) = row i of X0:
///   z_i(t+1) = Σ_j W_ij(t) z_j(t) + g_i(t),        g_i(t) ∈ ∂f_i(x_i(t)),
///   x_i(t+1) = argmin_x <z_i(t+1), x> + ψ(x)/α(t) = −α(t) z_i(t+1),   ψ(x) = ||x||²/2,
///   α(t) = step_scale / sqrt(t + 1),
/// and the running averages x̂_i(T) = (1/T) Σ_{t=1..T} x_i(t) (x̂_i(0) = x_i(0)).
///
/// Theorem (Duchi et al. 2012, Thm. 2; theory-rates.md §8): for convex, G-Lipschitz f_i, a
/// static doubly stochastic P = W and ψ(x*) <= R², the step α(t) = R sqrt(1 − σ2(P)) / (4 G sqrt t)
/// gives f(x̂_i(T)) − f* <= 8 (R G / sqrt T) log(T sqrt n) / sqrt(1 − σ2(P)) for every node i:
/// the iterations to accuracy ε scale as 1/(1 − σ2(P)), σ2 = the second singular value of P.
/// (The constants 8 and 1/4 are unverified.) The theorem bounds the running averages x̂_i,
/// not the last iterates x_i(t); see DualAveragingOptions::report_averages.
/// A round sends z_i: one d-vector per edge direction.
#pragma once

#include <cmath>
#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// Options of DualAveraging.
struct DualAveragingOptions {
  /// Step scale a > 0 of α(t) = a / sqrt(t + 1). The theory's choice (Thm. 2) is
  /// a = R sqrt(1 − σ2(P)) / (4 G), with R² >= ψ(x*) = ||x*||²/2, G the Lipschitz constant of
  /// the f_i and σ2(P) = ||P − J||; it has no default because R and G are problem facts.
  double step_scale = 0;
  /// true (default): iterates() returns the running averages x̂_i(T) = (1/T) Σ_{t=1..T} x_i(t),
  /// the quantity Thm. 2 bounds, so observers and run() see (and return) the averages.
  /// false: iterates() returns the last primal iterates x_i(T) = −α(T−1) z_i(T).
  /// averages() and primal() return each of them regardless.
  bool report_averages = true;
  void validate() const {
    if (!(step_scale > 0)) detail::fail("DualAveraging", "step_scale must be > 0 (got ", step_scale, ")");
  }
};

/// The step scale of Duchi, Agarwal & Wainwright's Thm. 2 (theory-rates.md §8, [REC]):
/// a = R sqrt(1 − σ2(P)) / (4 G), with ψ(x*) = ||x*||²/2 <= R², G a bound on the subgradients of
/// the f_i and σ2(P) = ||P − J||. `adonis run` uses it for `dual-averaging` by default and with
/// `--step theory`.
inline double dual_averaging_theory_scale(double r, double g, double sigma2) {
  if (!(r > 0) || !(g > 0) || !(sigma2 >= 0 && sigma2 < 1))
    detail::fail("dual_averaging_theory_scale", "needs R > 0, G > 0, 0 <= sigma2 < 1 (got R=", r, ", G=", g,
                 ", sigma2=", sigma2, ")");
  return r * std::sqrt(1 - sigma2) / (4 * g);
}

/// Distributed dual averaging with ψ(x) = ||x||²/2 (unconstrained) over a graph sequence.
/// @tparam Problem models DecentralizedObjective; for a NonsmoothObjective its `gradient`
///         member must return a subgradient (as every objective's does, concepts.hpp).
///         It must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
template <DecentralizedObjective Problem, GraphSequence Sequence>
class DualAveraging : public Runnable<DualAveraging<Problem, Sequence>> {
 public:
  /// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ.
  DualAveraging(const Problem& problem, Sequence sequence, DualAveragingOptions options)
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    if (problem.num_nodes() != m_sequence.num_nodes())
      detail::fail<DimensionMismatch>("DualAveraging", "problem has ", problem.num_nodes(),
                                      " nodes, graph sequence has ", m_sequence.num_nodes());
  }

  /// α(t) = step_scale / sqrt(t + 1).
  double step_size(Round t) const { return m_options.step_scale / std::sqrt(static_cast<double>(t) + 1.0); }

  void init(const Iterates<double>& x0) {
    detail::check_iterates("DualAveraging::init", x0, m_sequence.num_nodes());
    if (x0.cols() != m_problem->dim())
      detail::fail<DimensionMismatch>("DualAveraging::init", "X must have ", m_problem->dim(), " columns (got ",
                                      x0.cols(), ")");
    m_x = x0;
    m_avg = x0;
    m_z = Iterates<double>::Zero(x0.rows(), x0.cols());
    m_counters = {};
  }
  void step() {
    const Round t = m_counters.rounds;
    const SparseMatrix& w = m_sequence.mixing(t);
    detail::stacked_gradients(*m_problem, m_x, m_g, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    detail::mix(m_sequence, w, m_z, m_next);
    m_next += m_g;
    std::swap(m_z, m_next);
    m_x = -step_size(t) * m_z;
    // x̂(t+1) = x̂(t) + (x(t+1) − x̂(t)) / (t+1); at t = 0 this replaces x̂(0) = x(0) by x(1)
    m_avg += (m_x - m_avg) / (static_cast<double>(t) + 1.0);
    detail::count_round(m_counters, w, m_x.cols());
    ++m_counters.rounds;
    m_counters.time = static_cast<double>(m_counters.rounds);
  }
  /// The running averages if options.report_averages (default), else the last iterates.
  const Iterates<double>& iterates() const noexcept { return m_options.report_averages ? m_avg : m_x; }
  /// x̂_i(T) = (1/T) Σ_{t=1..T} x_i(t) (row i); X0 before the first round.
  const Iterates<double>& averages() const noexcept { return m_avg; }
  /// The last primal iterates x_i(T).
  const Iterates<double>& primal() const noexcept { return m_x; }
  /// The dual accumulators z_i(T).
  const Iterates<double>& duals() const noexcept { return m_z; }
  const Counters& counters() const noexcept { return m_counters; }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  DualAveragingOptions m_options;
  Iterates<double> m_x, m_avg, m_z, m_next, m_g;
  Counters m_counters;
};

}  // namespace adonis
