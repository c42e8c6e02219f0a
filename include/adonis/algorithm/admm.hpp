// SPDX-License-Identifier: BSD-3-Clause
/// @file admm.hpp
/// @brief Decentralized consensus ADMM (Shi, Ling, Yuan, Wu & Yin, "On the linear convergence
///        of the ADMM in decentralized consensus optimization", IEEE TSP 62(7), 2014).
///
/// With penalty c > 0, the neighbours N_i and degrees d_i = |N_i| of a static graph, round k:
///   x_i^{k+1} = argmin_x f_i(x) + <x, α_i^k> + c Σ_{j∈N_i} ||x − (x_i^k + x_j^k)/2||²
///             = prox_{f_i, step = 1/(2 c d_i)}( (c Σ_{j∈N_i}(x_i^k + x_j^k) − α_i^k) / (2 c d_i) ),
///   α_i^{k+1} = α_i^k + c Σ_{j∈N_i} (x_i^{k+1} − x_j^{k+1}),          α^0 = 0.
/// In matrix form, with the adjacency A, D = diag(d_i) and the Laplacian L = D − A:
///   X^{k+1} = prox( (2c)^{-1} D^{-1} (c (D + A) X^k − α^k) ),   α^{k+1} = α^k + c L X^{k+1}.
/// A X^{k+1} serves both the dual update and the next primal update, so a round sends one
/// d-vector per edge direction.
///
/// Linear convergence (Shi et al. 2014, main theorem; theory-rates.md §7a): for strongly
/// convex f_i with Lipschitz gradients and α^0 in the column space of the signed incidence matrix (α^0 = 0
/// here), the iterates converge to x* linearly, at a rate governed by κ_f = M_f / m_f, the
/// graph condition number κ_G = sqrt(λmax(D + A) / λ2(D − A)) and the penalty c: per round
/// ||u^k − u*||_G² ≥ (1 + δ) ||u^{k+1} − u*||_G², δ = δ(c, m_f, M_f, κ_G) (constants unverified).
/// The theory is for a static graph: the neighbours are the off-diagonal support of W_0 (the
/// weights of W are not used) and later W_t are ignored.
#pragma once

#include <utility>
#include <vector>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// Options of Admm.
struct AdmmOptions {
  /// Penalty c > 0. Default 1: the rate bound of Shi et al. is maximized by a c that depends
  /// on m_f, M_f and the graph (theory-rates.md §7a: the optimal c grows with M_f); c = 1 suits objectives
  /// with curvature of order one. Tune it on a log grid for badly scaled objectives.
  double penalty = 1.0;
  void validate() const {
    if (!(penalty > 0)) detail::fail("Admm", "penalty must be > 0 (got ", penalty, ")");
  }
};

/// Decentralized consensus ADMM over the (static) support of a graph sequence's W_0.
/// @tparam Problem models ProximalObjective; it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
/// Counters: one prox per node per round is counted in `gradients` (local oracle calls).
template <ProximalObjective Problem, GraphSequence Sequence>
class Admm : public Runnable<Admm<Problem, Sequence>> {
 public:
  /// @throws InvalidArgument for invalid options or a node without neighbours in W_0;
  ///         DimensionMismatch if the node counts differ.
  Admm(const Problem& problem, Sequence sequence, AdmmOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    if (problem.num_nodes() != m_sequence.num_nodes())
      detail::fail<DimensionMismatch>("Admm", "problem has ", problem.num_nodes(), " nodes, graph sequence has ",
                                      m_sequence.num_nodes());
    m_w0 = SparseMatrix(m_sequence.mixing(0));
    const Graph g = support_graph(m_w0);
    const Index n = m_sequence.num_nodes();
    m_degree.resize(n);
    for (Index i = 0; i < n; ++i) {
      m_degree(i) = static_cast<double>(degree(g, i));
      if (m_degree(i) == 0) detail::fail("Admm", "node ", i, " has no neighbours in the support of W_0");
    }
    m_adjacency = adjacency_matrix(g);
  }

  double penalty() const noexcept { return m_options.penalty; }
  /// The dual variables α (n x d, row i = α_i).
  const Iterates<double>& duals() const noexcept { return m_alpha; }

  void init(const Iterates<double>& x0) {
    detail::check_iterates("Admm::init", x0, m_sequence.num_nodes());
    if (x0.cols() != m_problem->dim())
      detail::fail<DimensionMismatch>("Admm::init", "X must have ", m_problem->dim(), " columns (got ", x0.cols(), ")");
    m_x = x0;
    m_alpha = Iterates<double>::Zero(x0.rows(), x0.cols());
    detail::mix(m_sequence, m_adjacency, m_x, m_ax);  // neighbour sums of X^0 (the initial exchange)
    m_counters = {};
  }
  /// Starts from (X^0, α^0) = (x0, alpha0) instead of α^0 = 0 (the rate checks use it to start
  /// on a mode of the Jacobian, theory/checks.hpp).
  void init(const Iterates<double>& x0, const Iterates<double>& alpha0) {
    init(x0);
    if (alpha0.rows() != x0.rows() || alpha0.cols() != x0.cols() || !alpha0.allFinite())
      detail::fail<DimensionMismatch>("Admm::init", "the duals must be finite and ", x0.rows(), " x ", x0.cols(),
                                      " (got ", alpha0.rows(), " x ", alpha0.cols(), ")");
    m_alpha = alpha0;
  }
  void step() {
    const double c = m_options.penalty;
    const Index n = m_x.rows(), d = m_x.cols();
    // primal: x_i = prox_{f_i, 1/(2 c d_i)}((c (d_i x_i + Σ_j x_j) − α_i) / (2 c d_i)), node by
    // node on the round pool's threads (core/parallel.hpp)
    const RowRange rows = detail::owned_rows(m_sequence);
    m_next.resize(n, d);
    detail::for_row_blocks(rows, detail::gradient_work_per_row * d, [&](RowRange block) {
      Vector<double> v(d), out(d);
      for (Index i = block.begin; i < block.end; ++i) {
        const double cd = c * m_degree(i);
        v = ((cd * m_x.row(i) + c * m_ax.row(i) - m_alpha.row(i)) / (2 * cd)).transpose();
        m_problem->prox(i, v, 1.0 / (2 * cd), out);
        m_next.row(i) = out.transpose();
      }
    });
    detail::zero_other_rows(m_next, rows);
    std::swap(m_x, m_next);
    m_counters.gradients += n;
    // exchange: Σ_{j∈N_i} x_j^{k+1}; dual: α_i += c (d_i x_i − Σ_j x_j)
    detail::mix(m_sequence, m_adjacency, m_x, m_ax);
    m_alpha += c * (m_degree.asDiagonal() * m_x - m_ax);
    detail::count_round(m_counters, m_w0, d);
    ++m_counters.rounds;
    m_counters.time = static_cast<double>(m_counters.rounds);
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }
  /// The state in the coordinates of theory/linearized.hpp's admm_jacobian: (X, α) stacked.
  Vector<double> state() const { return detail::stack_state({&m_x, &m_alpha}); }
  /// init(X, α) from a state as state() returns it. @throws DimensionMismatch on a wrong size.
  void init_state(const Vector<double>& s) {
    const Index n = m_sequence.num_nodes(), d = m_problem->dim();
    init(detail::state_block("Admm::init_state", s, 0, 2, n, d), detail::state_block("Admm::init_state", s, 1, 2, n, d));
  }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  AdmmOptions m_options;
  SparseMatrix m_w0, m_adjacency;
  Vector<double> m_degree;
  Iterates<double> m_x, m_next, m_alpha, m_ax;
  Counters m_counters;
};

}  // namespace adonis
