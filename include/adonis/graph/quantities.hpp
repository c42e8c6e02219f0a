// SPDX-License-Identifier: BSD-3-Clause
/// @file quantities.hpp
/// @brief Every spectral quantity the theorems use, computed for one graph and mixing rule,
///        with the normalisations of theory-rates.md §0 and §11.
///
/// | field                | definition                                   | used by (theory-rates.md) |
/// |----------------------|----------------------------------------------|---------------------------|
/// | laplacian_lambda2    | lambda2(L), L = D - A (algebraic connectivity)| §11, ADMM κ_G §7a         |
/// | laplacian_condition  | χ = lambda_max(L) / lambda2(L) = 1/γ          | MSDA §9a, ADOM+ §9b       |
/// | mixing_slem          | ρ = ||W - J||_2 = max(|lambda2(W)|, |lambda_min(W)|) | gossip §1, DGD §4b    |
/// | mixing_spectral_gap  | 1 - ρ                                        | CHOCO §10, dual averaging §8 |
/// | koloskova_p          | p = 1 - ρ^2                                  | D-SGD §4c                 |
/// | gossip_lambda2       | lambda2(W̄), W̄ = I - L_P/(2n), uniform choice  | pairwise gossip §2, AD-PSGD §5a |
/// | chi1                 | 1 / lambda2^+(Λ), Λ = L/|E| (total rate 1)    | continuized §3b, DADAO §9c |
/// | chi2                 | max_e ½ (e_i - e_j)^T Λ^+ (e_i - e_j), Λ = L/|E| | DADAO §9c, A²CiD² §9d  |
///
/// A disconnected graph is not an error: lambda2(L) = 0, lambda2(W) = 1, ρ = 1, gap = p = 0,
/// and the quantities that are infinite (χ, χ1, χ2, diameter) are reported as infinity
/// (null in JSON).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "adonis/graph/graph.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/spectral.hpp"

namespace adonis {

/// Spectral summary of a graph and a mixing rule (see the file comment for definitions).
struct GraphQuantities {
  Index nodes = 0;
  Index edges = 0;
  bool connected = false;
  double diameter = 0;  ///< hop diameter; infinity if disconnected; NaN when only bounds are known
  /// Bounds on the diameter: both equal to it when it is exact, infinity if disconnected.
  double diameter_lower = 0, diameter_upper = 0;
  /// Breadth-first searches of iFUB (diameter_bounds), used above all_pairs_diameter_max_edges
  /// edges; 0 when the diameter came from one BFS per node.
  Index diameter_bfs = 0;
  double laplacian_lambda2 = 0;
  double laplacian_lambda_max = 0;
  double laplacian_condition = 0;
  std::string mixing;
  double mixing_lambda2 = 0;
  double mixing_lambda_min = 0;
  double mixing_slem = 0;
  double mixing_spectral_gap = 0;
  double koloskova_p = 0;
  double gossip_lambda2 = 0;
  double chi1 = 0;
  double chi2 = 0;
  bool sparse_path = false;  ///< true if Spectra (not the dense solver) was used
};

/// Up to this many edges, graph_quantities() computes the diameter with one BFS per node,
/// O(n (n + |E|)); above, with iFUB (diameter_bounds) and a budget of diameter_bfs_budget
/// searches, which may leave bounds only (tori: every node ties).
inline constexpr Index all_pairs_diameter_max_edges = 200'000;
/// The BFS budget of iFUB in graph_quantities() (about 10 s on the 10⁶-node torus).
inline constexpr Index diameter_bfs_budget = 100;

/// Effective resistances R_e = (e_i - e_j)^T Λ^+ (e_i - e_j) of the given pairs for a weighted
/// Laplacian Λ (symmetric, Λ1 = 0, connected support). Uses the grounded Laplacian (node 0
/// removed), whose inverse acts as Λ^+ on differences e_i - e_j: one sparse LDL^T
/// factorisation and one solve per pair.
template <int = 0>
std::vector<double> effective_resistances(const SparseMatrix& lap, const std::vector<Edge>& pairs) {
  const Index n = lap.rows();
  if (n < 2) detail::fail<InvalidTopology>("effective_resistances", "needs at least 2 nodes (got ", n, ")");
  Eigen::SparseMatrix<double> grounded = lap.bottomRightCorner(n - 1, n - 1);
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> ldlt(grounded);
  if (ldlt.info() != Eigen::Success)
    detail::fail<RuntimeError>("effective_resistances", "grounded Laplacian factorisation failed (disconnected?)");
  std::vector<double> out;
  out.reserve(pairs.size());
  Vector<double> rhs = Vector<double>::Zero(n - 1);
  for (const auto& [u, v] : pairs) {
    if (u > 0) rhs(u - 1) = 1.0;
    if (v > 0) rhs(v - 1) = -1.0;
    const Vector<double> x = ldlt.solve(rhs);
    out.push_back((u > 0 ? x(u - 1) : 0.0) - (v > 0 ? x(v - 1) : 0.0));
    if (u > 0) rhs(u - 1) = 0.0;
    if (v > 0) rhs(v - 1) = 0.0;
  }
  return out;
}

/// Effective resistance R_ij = (e_i - e_j)^T L^+ (e_i - e_j) of every edge of a connected graph,
/// in edge_list() order (see effective_resistances).
template <int = 0>
std::vector<double> edge_resistances(const Graph& g) {
  if (!is_connected(g)) detail::fail<InvalidTopology>("edge_resistances", "graph must be connected");
  return effective_resistances(laplacian(g), edge_list(g));
}

/// Computes every quantity of GraphQuantities for graph g and mixing rule `mixing`
/// (a name accepted by mixing_matrix()).
/// @throws InvalidTopology if g has fewer than 2 nodes; InvalidArgument for an unknown mixing.
template <int = 0>
GraphQuantities graph_quantities(const Graph& g, std::string_view mixing = "metropolis",
                                        const SpectralOptions& opt = {}) {
  const double inf = std::numeric_limits<double>::infinity();
  GraphQuantities q;
  q.nodes = num_nodes(g);
  q.edges = num_edges(g);
  if (q.nodes < 2)
    detail::fail<InvalidTopology>("graph_quantities", "graph must have at least 2 nodes (got ", q.nodes, ")");
  q.connected = is_connected(g);
  q.mixing = std::string(mixing);

  // The 'laplacian' rule is undefined on a disconnected graph; there we fall back to reporting
  // the degenerate values directly.
  const SparseMatrix w = (q.connected || mixing != "laplacian") ? mixing_matrix(g, mixing, opt)
                                                                 : sparse_identity(q.nodes);
  const LaplacianEnds le = laplacian_ends(laplacian(g), opt);
  const LaplacianEnds we = laplacian_ends(sparse_identity(q.nodes) - w, opt);
  const LaplacianEnds ge = laplacian_ends(sparse_identity(q.nodes) - expected_gossip_matrix(g), opt);
  q.sparse_path = le.sparse_path;
  q.laplacian_lambda_max = le.lambda_max;
  q.mixing_lambda_min = 1.0 - we.lambda_max;
  if (q.connected) {
    if (q.edges <= all_pairs_diameter_max_edges) {
      q.diameter = q.diameter_lower = q.diameter_upper = static_cast<double>(diameter(g));
    } else {
      const DiameterBounds d = diameter_bounds(g, diameter_bfs_budget);
      q.diameter_lower = static_cast<double>(d.lower);
      q.diameter_upper = static_cast<double>(d.upper);
      q.diameter = d.exact() ? q.diameter_lower : std::numeric_limits<double>::quiet_NaN();
      q.diameter_bfs = d.bfs;
    }
    q.laplacian_lambda2 = le.lambda2;
    q.laplacian_condition = le.lambda_max / le.lambda2;
    q.mixing_lambda2 = 1.0 - we.lambda2;
    q.gossip_lambda2 = 1.0 - ge.lambda2;
    q.chi1 = static_cast<double>(q.edges) / le.lambda2;
    double rmax = 0.0;
    for (double r : edge_resistances(g)) rmax = std::max(rmax, r);
    q.chi2 = 0.5 * static_cast<double>(q.edges) * rmax;
  } else {
    q.diameter = q.diameter_lower = q.diameter_upper = inf;
    q.laplacian_lambda2 = 0.0;
    q.laplacian_condition = inf;
    q.mixing_lambda2 = 1.0;
    q.gossip_lambda2 = 1.0;
    q.chi1 = inf;
    q.chi2 = inf;
  }
  q.mixing_slem = std::max(std::abs(q.mixing_lambda2), std::abs(q.mixing_lambda_min));
  q.mixing_spectral_gap = 1.0 - q.mixing_slem;
  q.koloskova_p = 1.0 - q.mixing_slem * q.mixing_slem;
  return q;
}

}  // namespace adonis
