// SPDX-License-Identifier: BSD-3-Clause
/// @file mixing.hpp
/// @brief Gossip (mixing) matrices built from a graph, and the checks they must pass.
///
/// A mixing matrix W is doubly stochastic (W 1 = 1, 1^T W = 1^T) with W_ij != 0 only for
/// neighbours i ~ j or i = j. The schemes here are symmetric; the one-peer exponential
/// sequence (sequence.hpp) is the non-symmetric exception. Conventions follow
/// theory-rates.md §0 and §11.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/spectral.hpp"

namespace adonis {

/// Identity matrix I_n as a sparse matrix.
inline SparseMatrix sparse_identity(Index n) {
  SparseMatrix eye(n, n);
  eye.setIdentity();
  return eye;
}

/// Metropolis–Hastings weights: w_ij = 1 / (1 + max(d_i, d_j)) for i ~ j, w_ii = 1 - sum_j w_ij
/// (Xiao & Boyd 2004). Symmetric, doubly stochastic, lambda_min(W) > -1 on every graph.
inline SparseMatrix metropolis_weights(const Graph& g) {
  const Index n = num_nodes(g);
  std::vector<Triplet> t;
  std::vector<double> diag(static_cast<std::size_t>(n), 1.0);
  for (const auto& [u, v] : edge_list(g)) {
    const double w = 1.0 / (1.0 + static_cast<double>(std::max(degree(g, u), degree(g, v))));
    t.emplace_back(u, v, w);
    t.emplace_back(v, u, w);
    diag[static_cast<std::size_t>(u)] -= w;
    diag[static_cast<std::size_t>(v)] -= w;
  }
  for (Index i = 0; i < n; ++i) t.emplace_back(i, i, diag[static_cast<std::size_t>(i)]);
  SparseMatrix w(n, n);
  w.setFromTriplets(t.begin(), t.end());
  return w;
}

/// Laplacian-based weights W = I - L / c (constant edge weight 1/c). Doubly stochastic for any
/// c > 0; non-negative iff c >= d_max. Throws if c <= 0.
inline SparseMatrix laplacian_weights(const Graph& g, double c) {
  if (!(c > 0.0)) detail::fail("laplacian_weights", "c must be > 0 (got ", c, ")");
  SparseMatrix w = sparse_identity(num_nodes(g)) - laplacian(g) / c;
  return w;
}

/// Max-degree weights W = I - L / (d_max + 1).
inline SparseMatrix max_degree_weights(const Graph& g) {
  Index dmax = 0;
  for (Index u = 0; u < num_nodes(g); ++u) dmax = std::max(dmax, degree(g, u));
  return laplacian_weights(g, static_cast<double>(dmax + 1));
}

/// Best constant edge weight (Xiao & Boyd 2004): W = I - (2 / (lambda2(L) + lambda_max(L))) L,
/// which minimises ||W - J|| among W = I - a L. Requires a connected graph.
/// @throws InvalidTopology if g is disconnected (lambda2(L) = 0 makes the rule degenerate).
template <int = 0>
SparseMatrix best_constant_weights(const Graph& g, const SpectralOptions& opt = {}) {
  if (!is_connected(g))
    detail::fail<InvalidTopology>("best_constant_weights", "the 'laplacian' mixing needs a connected graph");
  const LaplacianEnds e = laplacian_ends(laplacian(g), opt);
  return laplacian_weights(g, (e.lambda2 + e.lambda_max) / 2.0);
}

/// Lazy version (I + W) / 2: eigenvalues (1 + lambda) / 2 >= 0, fixes bipartite oscillation.
inline SparseMatrix lazy(const SparseMatrix& w) {
  SparseMatrix out = (sparse_identity(w.rows()) + w) * 0.5;
  return out;
}

/// Names accepted by mixing_matrix(): metropolis, max-degree, laplacian, lazy-metropolis.
inline const std::vector<std::string>& mixing_names() {
  static const std::vector<std::string> names{"metropolis", "max-degree", "laplacian", "lazy-metropolis"};
  return names;
}

/// Mixing matrix by name (the CLI's `--mixing NAME`).
/// @throws InvalidArgument for an unknown name.
template <int = 0>
SparseMatrix mixing_matrix(const Graph& g, std::string_view name, const SpectralOptions& opt = {}) {
  if (name == "metropolis") return metropolis_weights(g);
  if (name == "max-degree") return max_degree_weights(g);
  if (name == "laplacian") return best_constant_weights(g, opt);
  if (name == "lazy-metropolis") return lazy(metropolis_weights(g));
  detail::fail("mixing_matrix", "unknown mixing '", name,
               "' (known: metropolis, max-degree, laplacian, lazy-metropolis)");
}

/// Expected pairwise-gossip matrix of Boyd et al. (2006): a uniformly random node i wakes
/// and averages with neighbour j chosen with probability P_ij, so
///   W̄ = I - L_P / (2n),  L_P the Laplacian with edge weights P_ij + P_ji.
/// `p` must be row-stochastic with the sparsity of the graph (zero diagonal).
inline SparseMatrix expected_gossip_matrix(const SparseMatrix& p) {
  const Index n = p.rows();
  std::vector<Triplet> t;
  Vector<double> diag = Vector<double>::Ones(n);
  for (Index i = 0; i < n; ++i)
    for (SparseMatrix::InnerIterator it(p, i); it; ++it) {
      const Index j = it.index();
      if (i == j) continue;
      const double w = it.value() / (2.0 * static_cast<double>(n));  // contributes to (i,j) and (j,i)
      t.emplace_back(i, j, w);
      t.emplace_back(j, i, w);
      diag(i) -= w;
      diag(j) -= w;
    }
  for (Index i = 0; i < n; ++i) t.emplace_back(i, i, diag(i));
  SparseMatrix w(n, n);
  w.setFromTriplets(t.begin(), t.end());  // duplicates are summed
  return w;
}

/// Expected pairwise-gossip matrix for uniform node and uniform neighbour choice (P_ij = 1/d_i).
/// Isolated nodes never gossip.
inline SparseMatrix expected_gossip_matrix(const Graph& g) {
  const Index n = num_nodes(g);
  std::vector<Triplet> t;
  for (const auto& [u, v] : edge_list(g)) {
    t.emplace_back(u, v, 1.0 / static_cast<double>(degree(g, u)));
    t.emplace_back(v, u, 1.0 / static_cast<double>(degree(g, v)));
  }
  SparseMatrix p(n, n);
  p.setFromTriplets(t.begin(), t.end());
  return expected_gossip_matrix(p);
}

namespace detail {

/// The weighted Laplacian with edge weights a(i, j) = a(j, i) > 0 on the edges of g: row i holds
/// −a(i, j) at each neighbour j and Σ_j a(i, j) on the diagonal (so every row sums to 0 up to
/// the rounding of one sum, with no 1 − w_ii cancellation). Built row by row in compressed
/// storage: no triplets and no temporaries (at 10⁶ nodes and 10⁷ edges a triplet list alone
/// takes 600 MB).
template <class Weight>
SparseMatrix weighted_laplacian(const Graph& g, Weight a) {
  const Index n = num_nodes(g);
  SparseMatrix m(n, n);
  m.reserve(static_cast<Index>(2 * num_edges(g)) + n);
  std::vector<Index> row;
  for (Index i = 0; i < n; ++i) {
    row.clear();
    for (auto [it, end] = boost::adjacent_vertices(static_cast<std::size_t>(i), g); it != end; ++it)
      row.push_back(static_cast<Index>(*it));
    row.push_back(i);
    std::sort(row.begin(), row.end());  // a parallel edge or a self-loop added with boost::add_edge
    row.erase(std::unique(row.begin(), row.end()), row.end());  // counts once (Graph is simple)
    double diag = 0.0;
    for (Index j : row)
      if (j != i) diag += a(i, j);
    m.startVec(i);
    for (Index j : row) m.insertBack(i, j) = j == i ? diag : -a(i, j);
  }
  m.finalize();
  return m;
}

/// I − W for a stochastic W, with the diagonal computed as Σ_{j≠i} w_ij rather than 1 − w_ii
/// (exact row sums: the cancellation in 1 − w_ii is an absolute error of eps, large next to
/// entries ~1/n), built row by row from W's compressed rows. Stored zeros of W are kept.
template <int = 0>
SparseMatrix identity_minus(const SparseMatrix& w) {
  const Index n = w.rows();
  SparseMatrix m(n, n);
  m.reserve(w.nonZeros() + n);
  for (Index i = 0; i < n; ++i) {
    double off = 0.0;
    for (SparseMatrix::InnerIterator it(w, i); it; ++it)
      if (it.index() != i) off += it.value();
    m.startVec(i);
    bool placed = false;
    for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
      if (!placed && it.index() >= i) {
        m.insertBack(i, i) = off;
        placed = true;
      }
      if (it.index() != i) m.insertBack(i, it.index()) = -it.value();
    }
    if (!placed) m.insertBack(i, i) = off;
  }
  m.finalize();
  return m;
}

}  // namespace detail

/// I − W̄ = L_P / (2n) of the expected pairwise-gossip matrix (Boyd et al. 2006) with uniform
/// node and uniform neighbour choice, P_ij = 1/d_i: edge weights (1/d_i + 1/d_j)/(2n). Built
/// directly (detail::weighted_laplacian), without forming P, W̄ or I − W̄: graph_quantities'
/// sparse path (10⁶ nodes) uses it; it equals sparse_identity(n) − expected_gossip_matrix(g) up
/// to rounding (tests/graph/test_mixing.cpp).
template <int = 0>
SparseMatrix gossip_laplacian(const Graph& g) {
  const double two_n = 2.0 * static_cast<double>(num_nodes(g));
  return detail::weighted_laplacian(g, [&g, two_n](Index i, Index j) {
    return (1.0 / static_cast<double>(degree(g, i)) + 1.0 / static_cast<double>(degree(g, j))) / two_n;
  });
}

/// Checks that W is square, finite and doubly stochastic (and symmetric if asked), to `tol`.
/// @throws InvalidArgument naming `who`, the offending row or column and its sum.
inline void check_mixing_matrix(const SparseMatrix& w, std::string_view who, bool symmetric = true,
                                double tol = 1e-12) {
  if (w.rows() != w.cols())
    detail::fail<DimensionMismatch>(who, "mixing matrix must be square (got ", w.rows(), " x ", w.cols(), ")");
  Vector<double> row = Vector<double>::Zero(w.rows()), col = Vector<double>::Zero(w.cols());
  for (Index i = 0; i < w.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
      if (!std::isfinite(it.value()))
        detail::fail(who, "mixing matrix entry (", i, ", ", it.index(), ") is not finite (got ", it.value(), ")");
      row(i) += it.value();
      col(it.index()) += it.value();
    }
  for (Index i = 0; i < w.rows(); ++i) {
    if (std::abs(row(i) - 1.0) > tol)
      detail::fail(who, "mixing matrix row ", i, " sums to ", row(i), ", expected 1 (tolerance ", tol, ")");
    if (std::abs(col(i) - 1.0) > tol)
      detail::fail(who, "mixing matrix column ", i, " sums to ", col(i), ", expected 1 (tolerance ", tol, ")");
  }
  if (symmetric) {
    const double asym = (w - SparseMatrix(w.transpose())).cwiseAbs().sum();
    if (asym > tol * static_cast<double>(w.rows()))
      detail::fail(who, "mixing matrix must be symmetric (sum |W - W^T| = ", asym, ")");
  }
}

}  // namespace adonis
