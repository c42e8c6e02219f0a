// SPDX-License-Identifier: BSD-3-Clause
/// @file graph.hpp
/// @brief The communication graph type (Boost.Graph) and the basic queries adonis needs.
///
/// Graphs are simple and undirected: no self-loops, no parallel edges. Every generator and
/// reader in adonis guarantees this; add_edge_unique() is the one way edges are added.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// The communication graph: `boost::adjacency_list<vecS, vecS, undirectedS>`; vertices 0..n-1.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

/// An undirected edge as a (u, v) pair with u < v.
using Edge = std::pair<Index, Index>;

/// Number of nodes n.
inline Index num_nodes(const Graph& g) { return static_cast<Index>(boost::num_vertices(g)); }

/// Number of undirected edges |E|.
inline Index num_edges(const Graph& g) { return static_cast<Index>(boost::num_edges(g)); }

/// Degree of node u.
inline Index degree(const Graph& g, Index u) {
  return static_cast<Index>(boost::out_degree(static_cast<std::size_t>(u), g));
}

/// Adds the undirected edge {u, v} unless it is a self-loop or already present.
/// @returns true if an edge was added.
inline bool add_edge_unique(Graph& g, Index u, Index v) {
  if (u == v) return false;
  const auto su = static_cast<std::size_t>(u), sv = static_cast<std::size_t>(v);
  if (boost::edge(su, sv, g).second) return false;
  boost::add_edge(su, sv, g);
  return true;
}

/// Builds a simple graph on n nodes from an edge list (self-loops and duplicates are dropped).
/// @throws InvalidArgument if an endpoint lies outside [0, n).
inline Graph graph_from_edges(Index n, const std::vector<Edge>& edges) {
  if (n < 0) detail::fail("graph_from_edges", "n must be >= 0 (got ", n, ")");
  Graph g(static_cast<std::size_t>(n));
  for (const auto& [u, v] : edges) {
    if (u < 0 || u >= n || v < 0 || v >= n)
      detail::fail("graph_from_edges", "edge (", u, ", ", v, ") has an endpoint outside [0, ", n,
                   ")");
    add_edge_unique(g, u, v);
  }
  return g;
}

/// The edges of g as (u, v) pairs with u < v, sorted lexicographically.
inline std::vector<Edge> edge_list(const Graph& g) {
  std::vector<Edge> out;
  out.reserve(static_cast<std::size_t>(num_edges(g)));
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    auto u = static_cast<Index>(boost::source(*it, g));
    auto v = static_cast<Index>(boost::target(*it, g));
    if (u > v) std::swap(u, v);
    out.emplace_back(u, v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Neighbours of every node, as sorted index lists (a compact, cache-friendly adjacency).
inline std::vector<std::vector<Index>> adjacency_lists(const Graph& g) {
  std::vector<std::vector<Index>> adj(static_cast<std::size_t>(num_nodes(g)));
  for (const auto& [u, v] : edge_list(g)) {
    adj[static_cast<std::size_t>(u)].push_back(v);
    adj[static_cast<std::size_t>(v)].push_back(u);
  }
  for (auto& a : adj) std::sort(a.begin(), a.end());
  return adj;
}

/// Hop distances from `source` by breadth-first search; -1 for unreachable nodes.
inline std::vector<Index> bfs_distances(const Graph& g, Index source) {
  const auto n = static_cast<std::size_t>(num_nodes(g));
  std::vector<Index> dist(n, -1);
  std::deque<std::size_t> queue{static_cast<std::size_t>(source)};
  dist[static_cast<std::size_t>(source)] = 0;
  while (!queue.empty()) {
    const auto u = queue.front();
    queue.pop_front();
    for (auto [it, end] = boost::adjacent_vertices(u, g); it != end; ++it) {
      if (dist[*it] < 0) {
        dist[*it] = dist[u] + 1;
        queue.push_back(*it);
      }
    }
  }
  return dist;
}

/// True iff g has at least one node and every node is reachable from node 0.
inline bool is_connected(const Graph& g) {
  if (num_nodes(g) == 0) return false;
  for (Index d : bfs_distances(g, 0))
    if (d < 0) return false;
  return true;
}

/// Hop diameter (largest shortest-path distance), or -1 if g is disconnected or empty.
/// Cost O(n (n + |E|)): one BFS per node.
inline Index diameter(const Graph& g) {
  if (!is_connected(g)) return -1;
  Index best = 0;
  for (Index s = 0; s < num_nodes(g); ++s)
    for (Index d : bfs_distances(g, s)) best = std::max(best, d);
  return best;
}

namespace detail {
/// diagonal · D + off_diagonal · A, the common shape of the Laplacian and the adjacency matrix.
inline SparseMatrix degree_adjacency(const Graph& g, double diagonal, double off_diagonal) {
  const Index n = num_nodes(g);
  std::vector<Triplet> t;
  t.reserve(static_cast<std::size_t>(n + 2 * num_edges(g)));
  if (diagonal != 0)
    for (Index u = 0; u < n; ++u) t.emplace_back(u, u, diagonal * static_cast<double>(degree(g, u)));
  for (const auto& [u, v] : edge_list(g)) {
    t.emplace_back(u, v, off_diagonal);
    t.emplace_back(v, u, off_diagonal);
  }
  SparseMatrix m(n, n);
  m.setFromTriplets(t.begin(), t.end());
  return m;
}
}  // namespace detail

/// The combinatorial Laplacian L = D - A as a sparse matrix.
inline SparseMatrix laplacian(const Graph& g) { return detail::degree_adjacency(g, 1.0, -1.0); }

/// The 0/1 adjacency matrix A as a sparse matrix.
inline SparseMatrix adjacency_matrix(const Graph& g) { return detail::degree_adjacency(g, 0.0, 1.0); }

}  // namespace adonis
