// SPDX-License-Identifier: BSD-3-Clause
/// @file first_order.hpp
/// @brief Shared pieces of the synchronous first-order methods: stacked gradients and the
///        default step-size rules.
#pragma once

#include <algorithm>
#include <initializer_list>

#include "adonis/core/error.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis::detail {

/// A node's gradient counted as this many flops per coordinate when deciding whether a step is
/// worth the round pool's threads (core/parallel.hpp): a few samples per node.
inline constexpr std::int64_t gradient_work_per_row = 8;

/// Stacked local gradients: row i of G is ∇f_i(x_i), x_i = row i of X (rows of the row-major
/// iterates are contiguous, so the oracle reads and writes them in place, without copies), for
/// the rows `rows` this process computes (detail::owned_rows); the other rows of G are 0.
template <DecentralizedObjective P>
void stacked_gradients(const P& p, const Iterates<double>& x, Iterates<double>& g, RowRange rows) {
  g.resize(x.rows(), x.cols());
  for_row_blocks(rows, gradient_work_per_row * x.cols(), [&](RowRange block) {
    for (Index i = block.begin; i < block.end; ++i) p.gradient(i, x.row(i).transpose(), g.row(i).transpose());
  });
  zero_other_rows(g, rows);
}
/// Stacked local gradients of every row.
template <DecentralizedObjective P>
void stacked_gradients(const P& p, const Iterates<double>& x, Iterates<double>& g) {
  stacked_gradients(p, x, g, RowRange{0, x.rows()});
}

/// Stacked stochastic gradients of the rows `rows`; node i in round t draws from
/// SplitMix64(seed, i, t), so the draws do not depend on which process or thread computes row i.
template <StochasticObjective P>
void stacked_stochastic_gradients(const P& p, const Iterates<double>& x, Iterates<double>& g, std::uint64_t seed,
                                  Round t, RowRange rows) {
  g.resize(x.rows(), x.cols());
  for_row_blocks(rows, gradient_work_per_row * x.cols(), [&](RowRange block) {
    for (Index i = block.begin; i < block.end; ++i) {
      SplitMix64 rng(seed, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(t));
      p.stochastic_gradient(i, x.row(i).transpose(), g.row(i).transpose(), rng);
    }
  });
  zero_other_rows(g, rows);
}

/// Exact or stochastic stacked gradients of the rows `rows`, as chosen by `stochastic` (the
/// latter only when the objective has a stochastic oracle, drawing from SplitMix64(seed, i,
/// draw)); adds n to the gradient counter (the network's count, whichever rows this process
/// computes). The shared gradient step of DGD/D-SGD and CHOCO-SGD.
template <DecentralizedObjective P>
void local_gradients(const P& p, const Iterates<double>& x, Iterates<double>& g, bool stochastic, std::uint64_t seed,
                     Round draw, Counters& counters, RowRange rows) {
  counters.gradients += x.rows();
  if constexpr (StochasticObjective<P>) {
    if (stochastic) {
      stacked_stochastic_gradients(p, x, g, seed, draw, rows);
      return;
    }
  }
  stacked_gradients(p, x, g, rows);
}

/// λmin(W) and ρ = ||W − J|| of a symmetric mixing matrix (the step rules' spectral inputs).
struct MixingSpectrum {
  double lambda_min, slem;
};
template <int = 0>
MixingSpectrum mixing_spectrum(const SparseMatrix& w) {
  const LaplacianEnds e = laplacian_ends(sparse_identity(w.rows()) - w);
  const double l2 = 1 - e.lambda2, lmin = 1 - e.lambda_max;
  return {lmin, std::max(std::abs(l2), std::abs(lmin))};
}
/// λmin(W) of a symmetric mixing matrix alone, 1 − λmax(I − W) (laplacian_max): the same value
/// as mixing_spectrum(w).lambda_min without λ2(W), so without a factorisation on most graphs
/// (the DGD, EXTRA and CHOCO step rules; at 10⁶ nodes the torus's factor is 1 GB).
template <int = 0>
double mixing_lambda_min(const SparseMatrix& w) {
  return 1 - laplacian_max(sparse_identity(w.rows()) - w);
}

/// Throws DimensionMismatch unless the problem and the graph sequence have the same nodes.
template <class P, class S>
void check_nodes(const char* who, const P& problem, const S& sequence) {
  if (problem.num_nodes() != sequence.num_nodes())
    fail<DimensionMismatch>(who, "problem has ", problem.num_nodes(), " nodes, graph sequence has ",
                            sequence.num_nodes());
}

/// Throws unless X0 is finite and n x d.
inline void check_start(const char* who, const Iterates<double>& x0, Index n, Index d) {
  if (x0.rows() != n || x0.cols() != d)
    fail<DimensionMismatch>(who, "X must be ", n, " x ", d, " (nodes x dim), got ", x0.rows(), " x ", x0.cols());
  if (!x0.allFinite()) fail(who, "X must be finite");
}

/// A state made of n x d blocks, stacked block after block, each node-major (entry i·d + k is
/// coordinate k of node i): the coordinates of the Jacobians of theory/linearized.hpp.
inline Vector<double> stack_state(std::initializer_list<const Iterates<double>*> blocks) {
  Index size = 0;
  for (const Iterates<double>* b : blocks) size += b->size();
  Vector<double> s(size);
  Index at = 0;
  for (const Iterates<double>* b : blocks) {
    s.segment(at, b->size()) = Eigen::Map<const Vector<double>>(b->data(), b->size());
    at += b->size();
  }
  return s;
}
/// Block `k` (n x d) of a stacked state; @throws DimensionMismatch unless s has `blocks` x n x d entries.
inline Iterates<double> state_block(const char* who, const Vector<double>& s, Index k, Index blocks, Index n, Index d) {
  if (s.size() != blocks * n * d)
    fail<DimensionMismatch>(who, "the state must have ", blocks, " x ", n, " x ", d, " entries (got ", s.size(), ")");
  return Eigen::Map<const Iterates<double>>(s.data() + k * n * d, n, d);
}

/// The step rules of DGD and EXTRA, (1 + λmin(W_0)) / (2 L), and of gradient tracking,
/// min{(1 − ρ(W_0)) / (2 L), (1 + λmin(W_0))² / (4 L)}; `given` > 0 overrides the rule.
/// The second term of the tracking rule is half of a stability limit [DER]: on a quadratic mode
/// with W-eigenvalue λ and curvature h, DIGing's 2x2 block has characteristic polynomial
/// z² − (2λ − αh) z + λ² − αh, which has a root below −1 as soon as αh > (1 + λ)²/2. Without it
/// the rule diverges on bipartite graphs with Metropolis weights (torus:4x4, hypercube:4:
/// λmin = −0.6, found by the default rate table).
enum class StepRule { half_stability, half_gap };
template <class S>
double default_step(double given, StepRule rule, const S& sequence, double smoothness) {
  if (given > 0) return given;
  if (rule == StepRule::half_stability) return (1 + mixing_lambda_min(SparseMatrix(sequence.mixing(0)))) / (2 * smoothness);
  const MixingSpectrum m = mixing_spectrum(SparseMatrix(sequence.mixing(0)));
  return std::min((1 - m.slem) / 2, (1 + m.lambda_min) * (1 + m.lambda_min) / 4) / smoothness;
}

}  // namespace adonis::detail

namespace adonis {

/// λmin(W) and ρ = ||W − J|| of a symmetric mixing matrix W (the step rules' spectral inputs).
using detail::MixingSpectrum;
using detail::mixing_lambda_min;
using detail::mixing_spectrum;

}  // namespace adonis
