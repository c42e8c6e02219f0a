// SPDX-License-Identifier: BSD-3-Clause
/// @file tree_sequence.hpp
/// @brief Sequences of spanning trees (issue 16): `random-spanning-tree` (a uniform spanning tree
///        per round) and `adversarial-tree:K` (a slow cycle of K trees), each with a bound χ̄ on
///        every round's χ_t. Apart from sequence.hpp so that the many translation units that
///        include it do not parse Boost.Graph's random spanning tree (docs/performance.md,
///        "Compile time"); sequence_spec.hpp includes both.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/graph/random_spanning_tree.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/sequence.hpp"

namespace adonis {

/// A uniformly random spanning tree T_t of a connected base graph each round (Wilson's
/// algorithm, Boost.Graph's `random_spanning_tree`, its generator SplitMix64(seed, stream, t)),
/// W_t = I − L_{T_t}/(Δ + 1) with Δ the base graph's maximum degree: symmetric, doubly
/// stochastic, every W_t connected (issue 16's sequence with a guaranteed χ̄ under arbitrary
/// change). W_t's entries are 1/(Δ + 1) on the tree's edges and 1 − deg_T(i)/(Δ + 1) ≥
/// 1/(Δ + 1) on the diagonal.
///
/// χ̄ (chi_bound) bounds χ_t = λmax(L_{T_t})/λ2(L_{T_t}) for every round: λmax(L_T) ≤
/// max_{uv ∈ T}(d_u + d_v) (Anderson & Morley, "Eigenvalues of the Laplacian of a graph", Linear
/// Multilinear Algebra 18, 1985), with tree degrees at most the base graph's, and λ2(L_T) ≥
/// λ2(path on n nodes) = 2(1 − cos(π/n)), the path having the smallest algebraic connectivity of
/// all trees on n nodes (Grone, Merris & Sunder, SIAM J. Matrix Anal. Appl. 11, 1990, Cor. 4.2);
/// so χ̄ = max_{uv ∈ E}(d_u + d_v) / (2(1 − cos(π/n))).
///
/// p exactly (consensus_rate, τ = 1): 1 − p = λmax((I − J) E[W²] (I − J)) with
/// E[W²] = I − 2 E[L_T]/(Δ + 1) + E[L_T²]/(Δ + 1)². For uniform spanning trees
/// Pr(e ∈ T) = R_e, the effective resistance (Kirchhoff), and for e ≠ f
/// Pr(e, f ∈ T) = R_e R_f − Y_ef² with Y_ef = b_eᵀ L⁺ b_f the transfer current (Burton &
/// Pemantle, "Local characteristics, entropy and limit theorems for spanning trees and domino
/// tilings via transfer-impedances", Ann. Probab. 21, 1993, Thm. 1.1). With L_e = b_e b_eᵀ,
/// L_e² = 2 L_e and L_e L_f = (b_eᵀ b_f) b_e b_fᵀ (zero unless e and f share a node):
/// E[L_T²] = Σ_e 2 R_e L_e + Σ_{e ≠ f adjacent} (R_e R_f − Y_ef²)(b_eᵀ b_f) b_e b_fᵀ.
class RandomSpanningTreeSequence {
 public:
  /// @throws InvalidTopology if g has fewer than 2 nodes or is disconnected.
  RandomSpanningTreeSequence(const Graph& g, std::uint64_t seed) : m_graph(g), m_n(adonis::num_nodes(g)), m_seed(seed) {
    if (m_n < 2) detail::fail<InvalidTopology>("RandomSpanningTreeSequence", "needs at least 2 nodes (got ", m_n, ")");
    if (!is_connected(g))
      detail::fail<InvalidTopology>("RandomSpanningTreeSequence", "the base graph must be connected (a spanning tree per round)");
    for (Index i = 0; i < m_n; ++i) m_max_degree = std::max(m_max_degree, degree(g, i));
  }
  Index num_nodes() const { return m_n; }
  /// Δ, the base graph's maximum degree.
  Index max_degree() const { return m_max_degree; }
  /// The spanning tree of round t: n − 1 edges (u, v) with u < v.
  template <int = 0>  // Wilson's algorithm instantiated only where a tree is drawn
  std::vector<Edge> tree(Round t) const {
    SplitMix64 rng(m_seed, static_cast<std::uint64_t>(detail::SequenceStream::spanning_tree), static_cast<std::uint64_t>(t));
    std::vector<std::size_t> pred(static_cast<std::size_t>(m_n));
    std::vector<boost::default_color_type> color(static_cast<std::size_t>(m_n));
    const auto index = get(boost::vertex_index, m_graph);
    boost::random_spanning_tree(m_graph, rng,
                                boost::root_vertex(std::size_t{0})
                                    .predecessor_map(boost::make_iterator_property_map(pred.begin(), index))
                                    .color_map(boost::make_iterator_property_map(color.begin(), index)));
    std::vector<Edge> edges;
    edges.reserve(static_cast<std::size_t>(m_n - 1));
    for (Index v = 1; v < m_n; ++v) {
      const auto u = static_cast<Index>(pred[static_cast<std::size_t>(v)]);
      edges.emplace_back(std::min(u, v), std::max(u, v));
    }
    std::sort(edges.begin(), edges.end());
    return edges;
  }
  /// W_t = I − L_{T_t}/(Δ + 1) (laplacian_weights of the tree).
  template <int = 0>
  SparseMatrix mixing(Round t) const {
    // built from the tree's edges directly (the same values as laplacian_weights of the tree:
    // 1/(Δ + 1) off the diagonal, 1 − deg_T(i)/(Δ + 1) on it), without a Boost graph per round
    const double c = static_cast<double>(m_max_degree + 1);
    std::vector<Index> deg(static_cast<std::size_t>(m_n), 0);
    std::vector<Eigen::Triplet<double>> entries;
    entries.reserve(static_cast<std::size_t>(3 * m_n));
    for (const auto& [u, v] : tree(t)) {
      ++deg[static_cast<std::size_t>(u)];
      ++deg[static_cast<std::size_t>(v)];
      entries.emplace_back(u, v, 1.0 / c);
      entries.emplace_back(v, u, 1.0 / c);
    }
    for (Index i = 0; i < m_n; ++i)
      entries.emplace_back(i, i, 1.0 - static_cast<double>(deg[static_cast<std::size_t>(i)]) / c);
    SparseMatrix w(m_n, m_n);
    w.setFromTriplets(entries.begin(), entries.end());
    return w;
  }
  /// χ̄ = max_{uv ∈ E}(d_u + d_v) / (2(1 − cos(π/n))) ≥ λmax(L_{T_t})/λ2(L_{T_t}) for every t.
  double chi_bound() const {
    const double pi = std::acos(-1.0);
    return static_cast<double>(top_degree_sum()) / (2 * (1 - std::cos(pi / static_cast<double>(m_n))));
  }
  /// c = max_{uv ∈ E}(d_u + d_v)/(Δ + 1) ≥ λmax(I − W_t) = λmax(L_{T_t})/(Δ + 1) for every t
  /// (λmax(L_T) ≤ max_{uv ∈ T}(d_T(u) + d_T(v)), Anderson & Morley 1985, and a tree's degrees
  /// are at most the base graph's). So G_t = (I − W_t)/c has λmax(G_t) ≤ 1 and
  /// λmin⁺(G_t) ≥ 1/chi_bound(): the normalisation ADOM+ uses (adom_gossip_bound).
  double gossip_scale() const {
    return static_cast<double>(top_degree_sum()) / static_cast<double>(m_max_degree + 1);
  }
  /// Exact E[W_t²] (n ≤ 512), by the transfer-current theorem (see the class comment).
  template <int = 0>  // instantiated (with its dense solves) only where it is called
  Matrix<double> expected_square() const {
    detail::require_small("RandomSpanningTreeSequence::expected_square", m_n);
    const std::vector<Edge> edges = edge_list(m_graph);
    const auto m = edges.size();
    // Y = B L⁺ Bᵀ (m x m), B the oriented incidence matrix (row e = e_u − e_v for u < v)
    const Matrix<double> lap = Matrix<double>(laplacian(m_graph));
    const Matrix<double> pinv =
        (lap + detail::averaging_matrix(m_n)).inverse() - detail::averaging_matrix(m_n);  // L⁺ on a connected graph
    Matrix<double> y(m, m);
    for (std::size_t e = 0; e < m; ++e)
      for (std::size_t f = 0; f < m; ++f) {
        const auto [a, b] = edges[e];
        const auto [c, d] = edges[f];
        y(static_cast<Index>(e), static_cast<Index>(f)) = pinv(a, c) - pinv(a, d) - pinv(b, c) + pinv(b, d);
      }
    Matrix<double> lt = Matrix<double>::Zero(m_n, m_n), lt2 = Matrix<double>::Zero(m_n, m_n);
    const auto add_outer = [&](Matrix<double>& target, const Edge& e, const Edge& f, double c) {
      // target += c b_e b_fᵀ
      target(e.first, f.first) += c;
      target(e.first, f.second) -= c;
      target(e.second, f.first) -= c;
      target(e.second, f.second) += c;
    };
    for (std::size_t e = 0; e < m; ++e) {
      const double r = y(static_cast<Index>(e), static_cast<Index>(e));
      add_outer(lt, edges[e], edges[e], r);
      add_outer(lt2, edges[e], edges[e], 2 * r);
      for (std::size_t f = 0; f < m; ++f) {
        if (f == e) continue;
        const auto [a, b] = edges[e];
        const auto [c, d] = edges[f];
        const double dot = (a == c) + (b == d) - (a == d) - (b == c);  // b_eᵀ b_f
        if (dot == 0) continue;
        const double yef = y(static_cast<Index>(e), static_cast<Index>(f));
        const double both = r * y(static_cast<Index>(f), static_cast<Index>(f)) - yef * yef;
        add_outer(lt2, edges[e], edges[f], both * dot);
      }
    }
    const double k = static_cast<double>(m_max_degree + 1);
    return Matrix<double>::Identity(m_n, m_n) - 2 / k * lt + lt2 / (k * k);
  }
  /// Exact p (τ = 1): 1 − λmax((I − J) E[W²] (I − J)) (n ≤ 512).
  template <int = 0>
  ConsensusRate consensus_rate() const {
    const Matrix<double> center = Matrix<double>::Identity(m_n, m_n) - detail::averaging_matrix(m_n);
    return {detail::one_minus_lambda_max(center * expected_square() * center), 1};
  }

 private:
  Index top_degree_sum() const {
    Index top = 0;
    for (const auto& [u, v] : edge_list(m_graph)) top = std::max(top, degree(m_graph, u) + degree(m_graph, v));
    return top;
  }

  Graph m_graph;
  Index m_n;
  std::uint64_t m_seed;
  Index m_max_degree = 0;
};

/// `adversarial-tree:K`: a cycle of K spanning trees of a connected base graph, W_t =
/// I − L_{T_{t mod K}}/(Δ + 1) as in RandomSpanningTreeSequence, chosen by a stated rule to
/// contract slowly: among `candidates` (16) cycles of K uniform spanning trees (cycle c uses
/// RandomSpanningTreeSequence(g, seed)'s trees of rounds cK, …, cK + K − 1), the one whose
/// product W_{K−1}⋯W_0 has the largest ‖W_{K−1}⋯W_0 − J‖₂ (the first on ties). Every round is a
/// spanning tree, so chi_bound() is RandomSpanningTreeSequence's; p is the periodic sequence's,
/// over blocks of τ = K rounds, worst block start (consensus_rate). Dense: n ≤ 512.
class AdversarialTreeSequence {
 public:
  /// @throws InvalidArgument for K < 1, candidates < 1 or n > 512; InvalidTopology as
  ///         RandomSpanningTreeSequence.
  template <int = 0>  // the choice (trees, dense products, σ2) compiled only where one is built
  AdversarialTreeSequence(const Graph& g, Index k, std::uint64_t seed, Index candidates = 16)
      : m_trees(g, seed), m_periodic(choose(m_trees, k, candidates, m_norm)) {}
  Index num_nodes() const { return m_periodic.num_nodes(); }
  const SparseMatrix& mixing(Round t) const { return m_periodic.mixing(t); }
  Index period() const { return m_periodic.period(); }
  /// ‖W_{K−1}⋯W_0 − J‖₂ of the chosen cycle.
  double product_norm() const { return m_norm; }
  /// As RandomSpanningTreeSequence::chi_bound (every round is a spanning tree of g).
  double chi_bound() const { return m_trees.chi_bound(); }
  /// As RandomSpanningTreeSequence::gossip_scale.
  double gossip_scale() const { return m_trees.gossip_scale(); }
  /// Exact p over blocks of τ = K rounds (PeriodicSequence::consensus_rate).
  template <int = 0>
  ConsensusRate consensus_rate() const {
    return m_periodic.consensus_rate();
  }

 private:
  template <int = 0>
  static PeriodicSequence choose(const RandomSpanningTreeSequence& trees, Index k, Index candidates, double& norm) {
    if (k < 1) detail::fail("AdversarialTreeSequence", "K must be >= 1 (got ", k, ")");
    if (candidates < 1) detail::fail("AdversarialTreeSequence", "candidates must be >= 1 (got ", candidates, ")");
    const Index n = trees.num_nodes();
    detail::require_small("AdversarialTreeSequence", n);
    std::vector<SparseMatrix> best;
    norm = -1;
    for (Index c = 0; c < candidates; ++c) {
      std::vector<SparseMatrix> cycle;
      Matrix<double> prod = Matrix<double>::Identity(n, n);
      for (Index r = 0; r < k; ++r) {
        cycle.push_back(trees.mixing(c * k + r));
        prod = Matrix<double>(cycle.back()) * prod;
      }
      const double s = std::sqrt(std::max(0.0, 1 - detail::one_minus_sigma2(prod)));
      if (s > norm) {
        norm = s;
        best = std::move(cycle);
      }
    }
    return PeriodicSequence(std::move(best));
  }

  RandomSpanningTreeSequence m_trees;
  double m_norm = 0;
  PeriodicSequence m_periodic;
};

}  // namespace adonis
