// SPDX-License-Identifier: BSD-3-Clause
/// @file generators.hpp
/// @brief Graph families used by the rate tables, as simple undirected Boost.Graph graphs.
///
/// Node numbering is part of the contract (tests and closed forms rely on it):
/// ring/path i ~ i+1; star hub 0; grid/torus node r*C + c; hypercube bit flips; barbell
/// cliques {0..K-1}, {K..2K-1} joined by (K-1, K). Random generators take an explicit seed and
/// draw from SplitMix64(seed, stream) streams, so a (family, parameters, seed) triple always
/// gives the same graph.
///
/// Every generator first checks its parameters, then estimates the memory of the graph it is
/// asked for (graph_memory_bytes) and refuses, before allocating, a graph that would not fit
/// in the memory the machine has available (detail::require_graph_memory, docs/graphs.md).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/graph/graph.hpp"

namespace adonis {

/// Heap bytes per node of an adonis::Graph (Boost 1.74 adjacency_list<vecS, vecS, undirectedS>
/// on x86-64 with glibc): the 32-byte vertex record plus its out-edge vector's allocation.
inline constexpr double graph_bytes_per_node = 48;
/// Heap bytes per undirected edge: a 48-byte node of the global edge list and two 16-byte
/// out-edge entries, with vector growth (measured 64-100 bytes per node + edge on rings, tori,
/// complete graphs, hypercubes and exponential graphs).
inline constexpr double graph_bytes_per_edge = 96;

/// Estimated heap memory of an adonis::Graph with `nodes` nodes and `edges` edges (doubles, so
/// that sizes beyond any machine do not overflow).
inline double graph_memory_bytes(double nodes, double edges) {
  return graph_bytes_per_node * nodes + graph_bytes_per_edge * edges;
}

namespace detail {
inline void require_nodes(const char* who, Index n, Index min_n) {
  if (n < min_n) fail<InvalidTopology>(who, "n must be >= ", min_n, " (got ", n, ")");
}

/// Refuses, before anything is allocated, a graph of `nodes` nodes and `edges` edges (plus
/// `extra_bytes` of scratch memory) whose estimate exceeds allowed_memory_bytes():
/// `ring_graph: n = 1000000000 needs about 144 GB of memory (1000000000 nodes, 1000000000
/// edges), more than the 21.4 GB available (MemAvailable of /proc/meminfo)`.
template <class Value>
void require_graph_memory(const char* who, const char* field, const Value& value, double nodes, double edges,
                          double extra_bytes = 0) {
  const double estimate = graph_memory_bytes(nodes, edges) + extra_bytes;
  if (!(estimate > static_cast<double>(allowed_memory_bytes()))) return;  // cheap path: one read of /proc/meminfo
  require_memory<InvalidTopology>(who, field, value, estimate,
                                  concat(nodes, " nodes, ", edges, " edges", extra_bytes > 0 ? " and scratch" : ""));
}

/// n(n-1)/2 as a double.
inline double pairs(double n) { return n * (n - 1) / 2; }
/// Streams for the random generators (distinct so that one seed gives unrelated graphs).
enum class GeneratorStream : std::uint64_t { erdos_renyi = 11, geometric = 12, regular = 13 };
}  // namespace detail

/// Cycle C_n: i ~ i+1 mod n. Requires n >= 3.
inline Graph ring_graph(Index n) {
  detail::require_nodes("ring_graph", n, 3);
  detail::require_graph_memory("ring_graph", "n", n, double(n), double(n));
  Graph g(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) add_edge_unique(g, i, (i + 1) % n);
  return g;
}

/// Path P_n: i ~ i+1. Requires n >= 2.
inline Graph path_graph(Index n) {
  detail::require_nodes("path_graph", n, 2);
  detail::require_graph_memory("path_graph", "n", n, double(n), double(n) - 1);
  Graph g(static_cast<std::size_t>(n));
  for (Index i = 0; i + 1 < n; ++i) add_edge_unique(g, i, i + 1);
  return g;
}

/// Star S_n on n nodes: hub 0 joined to 1..n-1. Requires n >= 2.
inline Graph star_graph(Index n) {
  detail::require_nodes("star_graph", n, 2);
  detail::require_graph_memory("star_graph", "n", n, double(n), double(n) - 1);
  Graph g(static_cast<std::size_t>(n));
  for (Index i = 1; i < n; ++i) add_edge_unique(g, 0, i);
  return g;
}

/// Complete graph K_n. Requires n >= 2.
inline Graph complete_graph(Index n) {
  detail::require_nodes("complete_graph", n, 2);
  detail::require_graph_memory("complete_graph", "n", n, double(n), detail::pairs(double(n)));
  Graph g(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i)
    for (Index j = i + 1; j < n; ++j) add_edge_unique(g, i, j);
  return g;
}

/// Non-periodic R x C grid, node r*C + c joined to its 4-neighbours. Requires R, C >= 1, R*C >= 2.
inline Graph grid_graph(Index rows, Index cols) {
  if (rows < 1 || cols < 1 || double(rows) * double(cols) < 2)
    detail::fail<InvalidTopology>("grid_graph", "R x C must have R, C >= 1 and at least 2 nodes (got ",
                                  rows, " x ", cols, ")");
  detail::require_graph_memory("grid_graph", "R x C", detail::concat(rows, " x ", cols), double(rows) * double(cols),
                               2 * double(rows) * double(cols));
  Graph g(static_cast<std::size_t>(rows * cols));
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      if (c + 1 < cols) add_edge_unique(g, r * cols + c, r * cols + c + 1);
      if (r + 1 < rows) add_edge_unique(g, r * cols + c, (r + 1) * cols + c);
    }
  return g;
}

/// Periodic R x C torus (4-regular), node r*C + c. Requires R, C >= 3.
inline Graph torus_graph(Index rows, Index cols) {
  if (rows < 3 || cols < 3)
    detail::fail<InvalidTopology>("torus_graph", "R and C must be >= 3 (got ", rows, " x ", cols, ")");
  detail::require_graph_memory("torus_graph", "R x C", detail::concat(rows, " x ", cols), double(rows) * double(cols),
                               2 * double(rows) * double(cols));
  Graph g(static_cast<std::size_t>(rows * cols));
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c) {
      add_edge_unique(g, r * cols + c, r * cols + (c + 1) % cols);
      add_edge_unique(g, r * cols + c, ((r + 1) % rows) * cols + c);
    }
  return g;
}

/// Hypercube Q_D on 2^D nodes: u ~ u xor 2^k. Requires 1 <= D <= 24.
inline Graph hypercube_graph(int dim) {
  if (dim < 1 || dim > 24)
    detail::fail<InvalidTopology>("hypercube_graph", "D must lie in [1, 24] (got ", dim, ")");
  const Index n = Index{1} << dim;
  detail::require_graph_memory("hypercube_graph", "D", dim, double(n), double(n) * dim / 2);
  Graph g(static_cast<std::size_t>(n));
  for (Index u = 0; u < n; ++u)
    for (int k = 0; k < dim; ++k) add_edge_unique(g, u, u ^ (Index{1} << k));
  return g;
}

/// Barbell: two K-cliques {0..K-1} and {K..2K-1} joined by the edge (K-1, K). Requires K >= 2.
inline Graph barbell_graph(Index k) {
  if (k < 2) detail::fail<InvalidTopology>("barbell_graph", "K must be >= 2 (got ", k, ")");
  detail::require_graph_memory("barbell_graph", "K", k, 2 * double(k), 2 * detail::pairs(double(k)) + 1);
  Graph g(static_cast<std::size_t>(2 * k));
  for (Index i = 0; i < k; ++i)
    for (Index j = i + 1; j < k; ++j) {
      add_edge_unique(g, i, j);
      add_edge_unique(g, k + i, k + j);
    }
  add_edge_unique(g, k - 1, k);
  return g;
}

/// Static undirected exponential graph: i ~ i +/- 2^k mod n for every 2^k < n (Ying et al. 2021).
/// Requires n >= 2.
inline Graph exponential_graph(Index n) {
  detail::require_nodes("exponential_graph", n, 2);
  detail::require_graph_memory("exponential_graph", "n", n, double(n), double(n) * std::ceil(std::log2(double(n))));
  Graph g(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i)
    for (Index h = 1; h < n; h *= 2) add_edge_unique(g, i, (i + h) % n);
  return g;
}

/// Erdős–Rényi G(n, p), resampled until connected (at most `max_tries` draws).
/// @throws InvalidTopology if p is outside (0, 1] or no connected sample was found.
inline Graph erdos_renyi_graph(Index n, double p, std::uint64_t seed, int max_tries = 1000) {
  detail::require_nodes("erdos_renyi_graph", n, 2);
  if (!(p > 0.0 && p <= 1.0))
    detail::fail<InvalidTopology>("erdos_renyi_graph", "p must lie in (0, 1] (got ", p, ")");
  detail::require_graph_memory("erdos_renyi_graph", "n", n, double(n), p * detail::pairs(double(n)));
  for (int attempt = 0; attempt < max_tries; ++attempt) {
    SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::GeneratorStream::erdos_renyi),
                   static_cast<std::uint64_t>(attempt));
    Graph g(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i)
      for (Index j = i + 1; j < n; ++j)
        if (rng.uniform() < p) add_edge_unique(g, i, j);
    if (is_connected(g)) return g;
  }
  detail::fail<InvalidTopology>("erdos_renyi_graph", "no connected sample of G(", n, ", ", p,
                                ") in ", max_tries, " tries; p is below the connectivity threshold ln(n)/n = ",
                                std::log(static_cast<double>(n)) / static_cast<double>(n));
}

/// Random geometric graph: n uniform points in the unit square, an edge when the Euclidean
/// distance is <= r. Not resampled: it may be disconnected (graph-info then says so).
/// O(n + |E| log Δ) expected: the points are bucketed in a grid of k × k cells of side
/// 1/k >= r (k <= √n + 1), so a point's neighbours lie in its own and the 8 adjacent cells; the
/// edges are added in the order of the all-pairs loop (i ascending, then j > i ascending), so
/// the graph, its edge order included, is the same as that loop's (it was the generator before).
inline Graph geometric_graph(Index n, double r, std::uint64_t seed) {
  detail::require_nodes("geometric_graph", n, 2);
  if (!(r > 0.0))
    detail::fail<InvalidTopology>("geometric_graph", "radius must be > 0 (got ", r, ")");
  // expected edges: n(n-1)/2 times the probability pi r^2 (an upper bound near the border); the
  // coordinates take 16 bytes per node
  detail::require_graph_memory("geometric_graph", "n", n, double(n),
                               std::min(1.0, 3.14159265358979 * r * r) * detail::pairs(double(n)), 16 * double(n));
  SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::GeneratorStream::geometric), 0);
  std::vector<double> x(static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    x[static_cast<std::size_t>(i)] = rng.uniform();
    y[static_cast<std::size_t>(i)] = rng.uniform();
  }
  // the grid: k cells per side, cell (cx, cy) = (⌊kx⌋, ⌊ky⌋), points listed per cell (CSR)
  const double per_side = std::min(std::floor(1.0 / r), std::floor(std::sqrt(double(n))) + 1);
  const Index k = std::max<Index>(1, static_cast<Index>(per_side));
  auto cell_of = [k](double v) { return std::min<Index>(k - 1, static_cast<Index>(v * static_cast<double>(k))); };
  std::vector<Index> start(static_cast<std::size_t>(k * k + 1), 0), members(static_cast<std::size_t>(n));
  std::vector<Index> cell(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {
    cell[static_cast<std::size_t>(i)] = cell_of(y[static_cast<std::size_t>(i)]) * k + cell_of(x[static_cast<std::size_t>(i)]);
    ++start[static_cast<std::size_t>(cell[static_cast<std::size_t>(i)] + 1)];
  }
  for (Index c = 0; c < k * k; ++c) start[static_cast<std::size_t>(c + 1)] += start[static_cast<std::size_t>(c)];
  std::vector<Index> fill(start.begin(), start.end() - 1);
  for (Index i = 0; i < n; ++i) members[static_cast<std::size_t>(fill[static_cast<std::size_t>(cell[static_cast<std::size_t>(i)])]++)] = i;
  Graph g(static_cast<std::size_t>(n));
  std::vector<Index> close;
  for (Index i = 0; i < n; ++i) {
    const auto si = static_cast<std::size_t>(i);
    const Index cx = cell[si] % k, cy = cell[si] / k;
    close.clear();
    for (Index ny = std::max<Index>(0, cy - 1); ny <= std::min(k - 1, cy + 1); ++ny)
      for (Index nx = std::max<Index>(0, cx - 1); nx <= std::min(k - 1, cx + 1); ++nx)
        for (Index m = start[static_cast<std::size_t>(ny * k + nx)]; m < start[static_cast<std::size_t>(ny * k + nx + 1)]; ++m) {
          const Index j = members[static_cast<std::size_t>(m)];
          if (j <= i) continue;
          const double dx = x[si] - x[static_cast<std::size_t>(j)];
          const double dy = y[si] - y[static_cast<std::size_t>(j)];
          if (dx * dx + dy * dy <= r * r) close.push_back(j);
        }
    std::sort(close.begin(), close.end());  // distinct j > i: no duplicate to test for
    for (Index j : close) boost::add_edge(si, static_cast<std::size_t>(j), g);
  }
  return g;
}

namespace detail {
/// The Steger–Wormald pairing of random_regular_graph() (arguments checked by it): a d-regular
/// sample, redrawn until connected when `connected` and d >= 3. Throws after `max_tries`.
inline Graph regular_pairing(Index n, Index d, std::uint64_t seed, int max_tries, bool connected) {
  for (int attempt = 0; attempt < max_tries; ++attempt) {
    SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::GeneratorStream::regular),
                   static_cast<std::uint64_t>(attempt));
    Graph g(static_cast<std::size_t>(n));
    std::vector<Index> points(static_cast<std::size_t>(n * d));
    for (Index i = 0; i < n * d; ++i) points[static_cast<std::size_t>(i)] = i / d;
    bool stuck = false;
    while (!points.empty() && !stuck) {
      // Try random pairs; after many failures check exhaustively whether any suitable pair is left.
      bool paired = false;
      for (int trial = 0; trial < 64 && !paired; ++trial) {
        const auto a = rng.below(points.size()), b = rng.below(points.size());
        const Index u = points[a], v = points[b];
        if (a == b || u == v || boost::edge(static_cast<std::size_t>(u), static_cast<std::size_t>(v), g).second)
          continue;
        add_edge_unique(g, u, v);
        // remove the two points (larger index first so the smaller stays valid)
        for (auto idx : {std::max(a, b), std::min(a, b)}) {
          points[idx] = points.back();
          points.pop_back();
        }
        paired = true;
      }
      if (!paired) {
        stuck = true;
        for (std::size_t a = 0; a < points.size() && stuck; ++a)
          for (std::size_t b = a + 1; b < points.size() && stuck; ++b)
            if (points[a] != points[b] &&
                !boost::edge(static_cast<std::size_t>(points[a]), static_cast<std::size_t>(points[b]), g).second)
              stuck = false;
      }
    }
    if (stuck) continue;
    if (!connected || d < 3 || is_connected(g)) return g;
  }
  fail<InvalidTopology>("random_regular_graph", "no valid ", d, "-regular sample on ", n, " nodes in ", max_tries,
                        " tries");
}
}  // namespace detail

/// Random d-regular graph by the Steger–Wormald pairing algorithm (asymptotically uniform):
/// points are paired at random among pairs that create neither a loop nor a parallel edge,
/// restarting when stuck. For d >= 3 the sample is redrawn until connected (this happens
/// with probability 1 - o(1)). A dense degree, d > (n − 1)/2, is drawn as the complement of a
/// random (n − 1 − d)-regular graph (the complement map is a bijection between the two sets of
/// graphs, so uniformity carries over; min degree >= n/2 makes it connected, Dirac 1952): the
/// pairing alone almost never completes near the complete graph (`regular:40:38` failed 1000
/// tries; found by fuzzing). Requires 1 <= d < n and n*d even.
/// @throws InvalidTopology for invalid (n, d) or if no sample was found in `max_tries`.
inline Graph random_regular_graph(Index n, Index d, std::uint64_t seed, int max_tries = 1000) {
  detail::require_nodes("random_regular_graph", n, 2);
  if (d < 1 || d >= n || (n * d) % 2 != 0)
    detail::fail<InvalidTopology>("random_regular_graph",
                                  "degree D must satisfy 1 <= D < n with n*D even (got n = ", n,
                                  ", D = ", d, ")");
  // the pairing keeps n*D points of 8 bytes
  detail::require_graph_memory("random_regular_graph", "n", n, double(n), double(n) * double(d) / 2,
                               8 * double(n) * double(d));
  if (2 * d <= n - 1) return detail::regular_pairing(n, d, seed, max_tries, true);
  const Index dc = n - 1 - d;  // the complement's degree; n*dc is even since n*(n-1) and n*d are
  const Graph h = dc > 0 ? detail::regular_pairing(n, dc, seed, max_tries, false) : Graph(static_cast<std::size_t>(n));
  Graph g(static_cast<std::size_t>(n));
  for (Index u = 0; u < n; ++u)
    for (Index v = u + 1; v < n; ++v)
      if (!boost::edge(static_cast<std::size_t>(u), static_cast<std::size_t>(v), h).second) add_edge_unique(g, u, v);
  return g;
}

}  // namespace adonis
