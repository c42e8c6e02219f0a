// SPDX-License-Identifier: BSD-3-Clause
/// @file sequence.hpp
/// @brief Time-varying communication: graph sequences W_0, W_1, ... with random access by round.
///
/// W_t is a pure function of (seed, t): the randomness of round t comes from
/// SplitMix64(seed, stream, t), never from a generator carried across rounds, so rounds can
/// be asked for in any order and every process of a distributed run computes the same W_t
/// without talking (architecture.md). The one stateful exception, MarkovLinkSequence, caches
/// its chain and replays it from round 0 when asked for an earlier round.
///
/// Each sequence reports the connectivity of a window of rounds (window_connected) and, for
/// small n, the exact expected consensus rate p of Koloskova et al. (2020, Assumption 4):
///   E ||(W_{block} - J) X||_F^2 <= (1 - p) ||X - X̄||_F^2 over blocks of tau rounds
/// (consensus_rate), with the conventions of theory-rates.md §4c.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <numeric>
#include <utility>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/mixing.hpp"

namespace adonis {

/// The communication pattern over rounds t = 0, 1, 2, ...
///
/// Valid expressions (s: const S&, t: Round):
///   s.num_nodes() -> Index          the number of nodes n
///   s.mixing(t)   -> SparseMatrix   W_t (or a const reference to it), n x n, doubly stochastic,
///                                   W_t(i, j) != 0 only for i = j or neighbours i ~ j
/// Semantic: W_t depends only on the construction arguments (seed included) and t.
template <class S>
concept GraphSequence = requires(const S& s, Round t) {
  { s.num_nodes() } -> std::convertible_to<Index>;
  { s.mixing(t) } -> std::convertible_to<const SparseMatrix&>;
};

/// The block of worker (rank) r of p over n nodes: contiguous rows, the first n mod p workers
/// one more (the `contiguous` partition's rule). Used by the MPI and threads backends.
/// @throws InvalidArgument unless 0 <= r < p.
inline RowRange block_rows(Index n, int ranks, int rank) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    detail::fail("block_rows", "rank must lie in [0, ", ranks, ") (got ", rank, ")");
  const Index base = n / ranks, extra = n % ranks, r = rank;
  const Index begin = r * base + std::min(r, extra);
  return RowRange{begin, begin + base + (r < extra ? 1 : 0)};
}

namespace detail {

/// x_i, x_j ← (x_i + x_j)/2 on two contiguous rows of length d: the product W_k X with
/// W_k = I − ½(e_i − e_j)(e_i − e_j)ᵀ of randomized pairwise gossip (Boyd et al. 2006). The
/// simulator (sim/async.hpp) and the threads backend (runtime/threads.hpp) share it.
inline void pairwise_average(double* xi, double* xj, Index d) noexcept {
  for (Index c = 0; c < d; ++c) {  // a plain loop over contiguous rows vectorizes best
    const double mid = 0.5 * (xi[c] + xj[c]);
    xi[c] = mid;
    xj[c] = mid;
  }
}

/// Four doubles (GCC/Clang vector extension): two SSE2 halves on baseline x86-64, one AVX2
/// register in weighted_row_sum_avx2.
typedef double RowLane __attribute__((vector_size(32)));

// No fused multiply-add in the row kernel even where the build enables FMA (-mfma,
// -march=native: GCC's default -ffp-contract=fast would fuse w·s + acc, rounding once instead
// of twice): the bits stay those of the baseline x86-64 build on every machine.
#if defined(__GNUC__) && !defined(__clang__)
#define ADONIS_NO_FP_CONTRACT [[gnu::optimize("fp-contract=off")]]
#else
#define ADONIS_NO_FP_CONTRACT
#endif

/// y[0, d) = Σ_k w[k]·src[k][0, d) over `terms` ≥ 1 terms, added left to right to y's
/// current values when `accumulate`, else starting from the first term. Each coordinate is
/// computed as ((w_0 s_0 + w_1 s_1) + w_2 s_2) + …: one rounding order whatever the vector
/// width, so every variant gives the same bits (and the same as the former axpy per term).
/// Columns go in blocks of 16 held in four registers across the terms, one store per block:
/// an axpy per term stored the row at every term and was bound by stores (bench_sync).
[[gnu::always_inline]] ADONIS_NO_FP_CONTRACT inline void weighted_row_sum_body(double* y, const double* const* src,
                                                                              const double* w, Index terms, Index d,
                                                                              bool accumulate) {
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
  constexpr Index B = 16;
  Index c = 0;
  for (; c + B <= d; c += B) {
    RowLane a0, a1, a2, a3, t0, t1, t2, t3;
    Index k = 0;
    if (accumulate) {
      __builtin_memcpy(&a0, y + c, sizeof a0);
      __builtin_memcpy(&a1, y + c + 4, sizeof a1);
      __builtin_memcpy(&a2, y + c + 8, sizeof a2);
      __builtin_memcpy(&a3, y + c + 12, sizeof a3);
    } else {
      const double w0 = w[0];
      const double* s0 = src[0] + c;
      __builtin_memcpy(&t0, s0, sizeof t0);
      __builtin_memcpy(&t1, s0 + 4, sizeof t1);
      __builtin_memcpy(&t2, s0 + 8, sizeof t2);
      __builtin_memcpy(&t3, s0 + 12, sizeof t3);
      a0 = w0 * t0;
      a1 = w0 * t1;
      a2 = w0 * t2;
      a3 = w0 * t3;
      k = 1;
    }
    for (; k < terms; ++k) {
      const double wk = w[k];
      const double* sk = src[k] + c;
      __builtin_memcpy(&t0, sk, sizeof t0);
      __builtin_memcpy(&t1, sk + 4, sizeof t1);
      __builtin_memcpy(&t2, sk + 8, sizeof t2);
      __builtin_memcpy(&t3, sk + 12, sizeof t3);
      a0 += wk * t0;
      a1 += wk * t1;
      a2 += wk * t2;
      a3 += wk * t3;
    }
    __builtin_memcpy(y + c, &a0, sizeof a0);
    __builtin_memcpy(y + c + 4, &a1, sizeof a1);
    __builtin_memcpy(y + c + 8, &a2, sizeof a2);
    __builtin_memcpy(y + c + 12, &a3, sizeof a3);
  }
  for (; c < d; ++c) {
    Index k = 0;
    double a = 0;
    if (accumulate) {
      a = y[c];
    } else {
      a = w[0] * src[0][c];
      k = 1;
    }
    for (; k < terms; ++k) a += w[k] * src[k][c];
    y[c] = a;
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
/// weighted_row_sum_body compiled for AVX2 (4 doubles a lane); no FMA: a fused multiply-add
/// would round w_k s_k + acc once instead of twice and change the bits against the baseline.
[[gnu::target("avx2")]] ADONIS_NO_FP_CONTRACT inline void weighted_row_sum_avx2(double* y, const double* const* src, const double* w,
                                                         Index terms, Index d, bool accumulate) {
  weighted_row_sum_body(y, src, w, terms, d, accumulate);
}
#endif

/// weighted_row_sum_body, with AVX2 where the processor has it (chosen at run time, so one
/// binary serves every x86-64; same bits either way).
inline void weighted_row_sum(double* y, const double* const* src, const double* w, Index terms, Index d,
                             bool accumulate) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = [] {
    __builtin_cpu_init();  // in case the first product runs from a static initializer
    return __builtin_cpu_supports("avx2") != 0;
  }();
  if (avx2) {
    weighted_row_sum_avx2(y, src, w, terms, d, accumulate);
    return;
  }
#endif
  weighted_row_sum_body(y, src, w, terms, d, accumulate);
}

/// Rows `rows` of out = W X, row i being Σ_j W_ij x_j with x_j = source(j) (a contiguous row:
/// source(j).data() points at its d entries), summed in W's storage order (the first term
/// assigned, the others added; weighted_row_sum), the same arithmetic whatever `source`
/// returns, so a partitioned run reproduces the local product bit for bit. Rows of W without
/// entries give 0. The rows are split across the round pool's threads (core/parallel.hpp; each
/// row on one thread: bit-identical for any T), so `source` must be safe to call concurrently
/// (it only reads).
template <class RowSource>
void mix_rows(const SparseMatrix& w, RowRange rows, RowSource&& source, Iterates<double>& out) {
  const Index d = out.cols();
  const std::int64_t per_row = d * std::max<std::int64_t>(1, w.nonZeros() / std::max<Index>(1, w.rows()));
  for_row_blocks(rows, per_row, [&](RowRange block) {
    constexpr Index kTerms = 32;  // terms gathered at a time (a hub's row goes in several passes)
    const double* src[kTerms];
    double val[kTerms];
    for (Index i = block.begin; i < block.end; ++i) {
      double* y = out.row(i).data();
      Index terms = 0;
      bool accumulate = false;
      for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
        src[terms] = source(it.index()).data();
        val[terms] = it.value();
        if (++terms == kTerms) {
          weighted_row_sum(y, src, val, terms, d, accumulate);
          terms = 0;
          accumulate = true;
        }
      }
      if (terms > 0) weighted_row_sum(y, src, val, terms, d, accumulate);
      else if (!accumulate) std::fill(y, y + d, 0.0);
    }
  });
}

/// out = W X for a row-major sparse W and row-major X (out must not alias X). About 1.5x faster
/// than Eigen's generic sparse x dense product on these shapes (bench_sync).
inline void mix(const SparseMatrix& w, const Iterates<double>& x, Iterates<double>& out) {
  out.resize(w.rows(), x.cols());
  mix_rows(w, RowRange{0, w.rows()}, [&x](Index j) { return x.row(j); }, out);
}

}  // namespace detail

/// A graph sequence whose node rows are partitioned across processes (runtime::MpiSequence):
/// this process computes rows() only, and s.mix(W, X, out) first fetches the rows of X that
/// those rows of W X need from the processes owning them, then computes them (the other rows
/// of out are set to 0). The synchronous algorithms send every product W X and every per-node
/// computation through detail::mix(sequence, ...) and detail::owned_rows(sequence), so the same
/// definitions run on one process or on many.
template <class S>
concept PartitionedSequence =
    GraphSequence<S> && requires(S& s, const S& cs, const SparseMatrix& w, const Iterates<double>& x,
                                 Iterates<double>& out) {
      { cs.rows() } -> std::same_as<RowRange>;
      s.mix(w, x, out);
    };

namespace detail {

/// The rows this process computes: s.rows() for a partitioned sequence, [0, n) otherwise.
template <GraphSequence S>
RowRange owned_rows(const S& s) {
  if constexpr (PartitionedSequence<S>) return s.rows();
  else return RowRange{0, s.num_nodes()};
}

/// out = W X through the sequence: the partitioned exchange-and-product of a
/// PartitionedSequence, the local product otherwise.
template <GraphSequence S>
void mix(S& s, const SparseMatrix& w, const Iterates<double>& x, Iterates<double>& out) {
  if constexpr (PartitionedSequence<S>) s.mix(w, x, out);
  else mix(w, x, out);
}

/// Sets the rows outside `rows` to 0 (what a partitioned run keeps there, so that no
/// uninitialized value is ever read or reported).
inline void zero_other_rows(Iterates<double>& m, RowRange rows) {
  if (rows.begin > 0) m.topRows(rows.begin).setZero();
  if (rows.end < m.rows()) m.bottomRows(m.rows() - rows.end).setZero();
}

}  // namespace detail

/// The graph of W_t's off-diagonal support (the links used in round t).
inline Graph support_graph(const SparseMatrix& w) {
  Graph g(static_cast<std::size_t>(w.rows()));
  for (Index i = 0; i < w.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(w, i); it; ++it)
      if (it.index() != i && it.value() != 0.0) add_edge_unique(g, i, it.index());
  return g;
}

/// True iff the union of the links used in rounds t0, ..., t0 + window - 1 is connected.
template <GraphSequence S>
bool window_connected(const S& s, Round t0, Round window) {
  if (window < 1) detail::fail("window_connected", "window must be >= 1 (got ", window, ")");
  Graph u(static_cast<std::size_t>(s.num_nodes()));
  for (Round t = t0; t < t0 + window; ++t)
    for (const auto& [a, b] : edge_list(support_graph(s.mixing(t)))) add_edge_unique(u, a, b);
  return is_connected(u);
}

/// Koloskova et al.'s expected consensus rate: p over blocks of tau rounds.
struct ConsensusRate {
  double p;   ///< largest p with E||(W_block - J) X||^2 <= (1 - p)||X - X̄||^2
  Index tau;  ///< block length in rounds
};

namespace detail {

inline Matrix<double> averaging_matrix(Index n) {
  return Matrix<double>::Constant(n, n, 1.0 / static_cast<double>(n));
}

/// 1 - sigma_max(M - J)^2 for a dense doubly stochastic M (exact, small n). This, its sibling and
/// their callers (consensus_rate) are templates so that the dense eigen-solver is compiled only
/// in the translation units that use it: it cost ~3.5 s in each one that includes this header.
template <int = 0>
double one_minus_sigma2(const Matrix<double>& m) {
  const Matrix<double> d = m - averaging_matrix(m.rows());
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(d.transpose() * d, Eigen::EigenvaluesOnly);
  return 1.0 - es.eigenvalues().maxCoeff();
}

/// 1 - lambda_max(G) for an expected Gram matrix G = E[(W - J)^T (W - J)].
template <int = 0>
double one_minus_lambda_max(const Matrix<double>& gram) {
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(gram, Eigen::EigenvaluesOnly);
  return 1.0 - es.eigenvalues().maxCoeff();
}

inline void require_small(const char* who, Index n, Index limit = 512) {
  if (n > limit) fail(who, "exact p needs a dense n x n computation; n must be <= ", limit, " (got ", n, ")");
}

/// W = I - ½ Σ_{(i,j) in pairs} (e_i - e_j)(e_i - e_j)^T for disjoint pairs (pairwise averaging).
inline SparseMatrix pairwise_averaging(Index n, const std::vector<Edge>& pairs) {
  std::vector<Triplet> t;
  std::vector<double> diag(static_cast<std::size_t>(n), 1.0);
  for (const auto& [u, v] : pairs) {
    t.emplace_back(u, v, 0.5);
    t.emplace_back(v, u, 0.5);
    diag[static_cast<std::size_t>(u)] = 0.5;
    diag[static_cast<std::size_t>(v)] = 0.5;
  }
  for (Index i = 0; i < n; ++i) t.emplace_back(i, i, diag[static_cast<std::size_t>(i)]);
  SparseMatrix w(n, n);
  w.setFromTriplets(t.begin(), t.end());
  return w;
}

/// Metropolis weights of the subgraph of `edges` selected by `active` (on all n nodes).
inline SparseMatrix metropolis_on(Index n, const std::vector<Edge>& edges, const std::vector<char>& active) {
  Graph sub(static_cast<std::size_t>(n));
  for (std::size_t e = 0; e < edges.size(); ++e)
    if (active[e]) add_edge_unique(sub, edges[e].first, edges[e].second);
  return metropolis_weights(sub);
}

enum class SequenceStream : std::uint64_t { matching = 21, edge = 22, phases = 23, markov = 24, spanning_tree = 25 };  // 25: tree_sequence.hpp

}  // namespace detail

/// A fixed mixing matrix: W_t = W for every t. Checked doubly stochastic at construction
/// (symmetry is not required).
class StaticSequence {
 public:
  /// @throws InvalidArgument if W is not square and doubly stochastic.
  explicit StaticSequence(SparseMatrix w) : m_w(std::move(w)) {
    check_mixing_matrix(m_w, "StaticSequence", false, 1e-10);
  }
  Index num_nodes() const { return m_w.rows(); }
  const SparseMatrix& mixing(Round) const { return m_w; }
  /// p = 1 - ||W - J||_2^2 with tau = 1.
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const {
    detail::require_small("StaticSequence::consensus_rate", num_nodes());
    return {detail::one_minus_sigma2(Matrix<double>(m_w)), 1};
  }

 private:
  SparseMatrix m_w;
};

/// A periodic list: W_t = list[t mod K]. Every matrix is checked at construction.
class PeriodicSequence {
 public:
  /// @throws InvalidArgument if the list is empty, sizes differ, or a matrix is not doubly stochastic.
  explicit PeriodicSequence(std::vector<SparseMatrix> list) : m_list(std::move(list)) {
    if (m_list.empty()) detail::fail("PeriodicSequence", "the list of mixing matrices must not be empty");
    for (std::size_t k = 0; k < m_list.size(); ++k) {
      if (m_list[k].rows() != m_list[0].rows())
        detail::fail<DimensionMismatch>("PeriodicSequence", "matrix ", k, " has ", m_list[k].rows(),
                                        " rows, matrix 0 has ", m_list[0].rows());
      check_mixing_matrix(m_list[k], "PeriodicSequence", false, 1e-10);
    }
  }
  Index num_nodes() const { return m_list[0].rows(); }
  const SparseMatrix& mixing(Round t) const {
    return m_list[static_cast<std::size_t>(t % static_cast<Round>(m_list.size()))];
  }
  Index period() const { return static_cast<Index>(m_list.size()); }
  /// Exact p over blocks of tau = period rounds, worst block start over one period.
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const {
    detail::require_small("PeriodicSequence::consensus_rate", num_nodes());
    double p = 1.0;
    for (Index start = 0; start < period(); ++start) {
      Matrix<double> prod = Matrix<double>::Identity(num_nodes(), num_nodes());
      for (Index k = 0; k < period(); ++k) prod = Matrix<double>(mixing(start + k)) * prod;
      p = std::min(p, detail::one_minus_sigma2(prod));
    }
    return {p, period()};
  }

 private:
  std::vector<SparseMatrix> m_list;
};

/// Random matching: each round, a uniformly random maximal matching of the base graph
/// (greedy over a random edge order), and every matched pair averages:
///   W_t = I - ½ Σ_{(i,j) in M_t} (e_i - e_j)(e_i - e_j)^T.
/// (Boyd et al. 2006, synchronous variant; Koloskova et al. 2020, §4c table.)
class RandomMatchingSequence {
 public:
  RandomMatchingSequence(const Graph& g, std::uint64_t seed)
      : m_n(adonis::num_nodes(g)), m_edges(edge_list(g)), m_seed(seed) {
    if (m_edges.empty()) detail::fail<InvalidTopology>("RandomMatchingSequence", "the graph has no edges");
  }
  Index num_nodes() const { return m_n; }
  /// The matching used in round t.
  std::vector<Edge> matching(Round t) const {
    SplitMix64 rng(m_seed, static_cast<std::uint64_t>(detail::SequenceStream::matching), static_cast<std::uint64_t>(t));
    std::vector<std::size_t> order(m_edges.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.below(k)]);
    std::vector<char> used(static_cast<std::size_t>(m_n), 0);
    std::vector<Edge> m;
    for (auto e : order) {
      const auto [u, v] = m_edges[e];
      if (used[static_cast<std::size_t>(u)] || used[static_cast<std::size_t>(v)]) continue;
      used[static_cast<std::size_t>(u)] = used[static_cast<std::size_t>(v)] = 1;
      m.push_back(m_edges[e]);
    }
    return m;
  }
  SparseMatrix mixing(Round t) const { return detail::pairwise_averaging(m_n, matching(t)); }

  /// Exact E[W_t] = I - ½ Σ_e Pr(e in M) b_e b_e^T, b_e = e_i - e_j. Pr(e in M) is computed
  /// exactly by recursion over the remaining edge sets (the first edge of a uniformly random
  /// order is uniform, and the rest of the order is uniform on what remains). Needs |E| <= 24.
  Matrix<double> expected_mixing() const {
    detail::require_small("RandomMatchingSequence::expected_mixing", m_n);
    const std::size_t m = m_edges.size();
    if (m > 24) detail::fail("RandomMatchingSequence::expected_mixing", "exact E[W] needs |E| <= 24 (got ", m, ")");
    std::vector<std::uint32_t> conflict(m, 0);
    for (std::size_t a = 0; a < m; ++a)
      for (std::size_t b = 0; b < m; ++b)
        if (m_edges[a].first == m_edges[b].first || m_edges[a].first == m_edges[b].second ||
            m_edges[a].second == m_edges[b].first || m_edges[a].second == m_edges[b].second)
          conflict[a] |= std::uint32_t{1} << b;
    std::map<std::uint32_t, std::vector<double>> memo;
    auto prob = [&](auto&& self, std::uint32_t set) -> const std::vector<double>& {
      if (auto it = memo.find(set); it != memo.end()) return it->second;
      std::vector<double> f(m, 0.0);
      const int count = std::popcount(set);
      for (std::size_t g = 0; g < m; ++g) {
        if (!(set >> g & 1U)) continue;
        const auto& rest = self(self, set & ~conflict[g]);
        for (std::size_t e = 0; e < m; ++e) f[e] += (e == g ? 1.0 : rest[e]) / count;
      }
      return memo.emplace(set, std::move(f)).first->second;
    };
    const auto pr = prob(prob, m == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << m) - 1);
    Matrix<double> ew = Matrix<double>::Identity(m_n, m_n);
    for (std::size_t e = 0; e < m; ++e) {
      const auto [u, v] = m_edges[e];
      ew(u, u) -= 0.5 * pr[e];
      ew(v, v) -= 0.5 * pr[e];
      ew(u, v) += 0.5 * pr[e];
      ew(v, u) += 0.5 * pr[e];
    }
    return ew;
  }

  /// Exact p (tau = 1): W_t is a symmetric projection, so E[(W-J)^T(W-J)] = E[W] - J.
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const {
    return {detail::one_minus_lambda_max(expected_mixing() - detail::averaging_matrix(m_n)), 1};
  }

 private:
  Index m_n;
  std::vector<Edge> m_edges;
  std::uint64_t m_seed;
};

/// One uniformly random edge per round averages: W_t = I - ½ (e_i - e_j)(e_i - e_j)^T.
class RandomEdgeSequence {
 public:
  RandomEdgeSequence(const Graph& g, std::uint64_t seed)
      : m_n(adonis::num_nodes(g)), m_edges(edge_list(g)), m_seed(seed) {
    if (m_edges.empty()) detail::fail<InvalidTopology>("RandomEdgeSequence", "the graph has no edges");
  }
  Index num_nodes() const { return m_n; }
  /// The edge that averages in round t.
  Edge edge(Round t) const {
    SplitMix64 rng(m_seed, static_cast<std::uint64_t>(detail::SequenceStream::edge), static_cast<std::uint64_t>(t));
    return m_edges[rng.below(m_edges.size())];
  }
  SparseMatrix mixing(Round t) const { return detail::pairwise_averaging(m_n, {edge(t)}); }
  /// Exact E[W_t] = I - L / (2|E|).
  Matrix<double> expected_mixing() const {
    detail::require_small("RandomEdgeSequence::expected_mixing", m_n);
    const double m = static_cast<double>(m_edges.size());
    Matrix<double> ew = Matrix<double>::Identity(m_n, m_n);
    for (const auto& [u, v] : m_edges) {
      ew(u, u) -= 0.5 / m;
      ew(v, v) -= 0.5 / m;
      ew(u, v) += 0.5 / m;
      ew(v, u) += 0.5 / m;
    }
    return ew;
  }
  /// Exact p (tau = 1): p = 1 - lambda2(E[W]) = lambda2(L) / (2|E|) (theory-rates.md §4c).
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const {
    return {detail::one_minus_lambda_max(expected_mixing() - detail::averaging_matrix(m_n)), 1};
  }

 private:
  Index m_n;
  std::vector<Edge> m_edges;
  std::uint64_t m_seed;
};

/// B-connected sequence (Nedić & Ozdaglar 2009; DIGing): every edge of a connected base graph
/// gets a random phase in {0, ..., B-1} (from the seed); round t uses the edges whose phase is
/// t mod B, with Metropolis weights on that subgraph. A single round is usually disconnected,
/// but every window of B consecutive rounds uses every edge, hence is connected.
class BConnectedSequence {
 public:
  /// @throws InvalidTopology if g is disconnected; InvalidArgument if B < 1.
  BConnectedSequence(const Graph& g, Index b, std::uint64_t seed)
      : m_n(adonis::num_nodes(g)), m_b(b), m_edges(edge_list(g)) {
    if (b < 1) detail::fail("BConnectedSequence", "B must be >= 1 (got ", b, ")");
    if (!is_connected(g)) detail::fail<InvalidTopology>("BConnectedSequence", "the base graph must be connected");
    SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::SequenceStream::phases), 0);
    m_phase.resize(m_edges.size());
    for (auto& ph : m_phase) ph = static_cast<Index>(rng.below(static_cast<std::uint64_t>(b)));
    for (Index k = 0; k < b; ++k) {
      std::vector<char> active(m_edges.size());
      for (std::size_t e = 0; e < m_edges.size(); ++e) active[e] = m_phase[e] == k;
      m_rounds.push_back(detail::metropolis_on(m_n, m_edges, active));
    }
  }
  Index num_nodes() const { return m_n; }
  Index window() const { return m_b; }
  const SparseMatrix& mixing(Round t) const { return m_rounds[static_cast<std::size_t>(t % m_b)]; }
  /// Exact p over blocks of tau = B rounds (worst block start).
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const { return PeriodicSequence(m_rounds).consensus_rate(); }

 private:
  Index m_n, m_b;
  std::vector<Edge> m_edges;
  std::vector<Index> m_phase;
  std::vector<SparseMatrix> m_rounds;
};

/// Markov link failures: each edge is a two-state chain, up -> down with probability
/// `fail`, down -> up with probability `recover`, per round, independently across edges;
/// round 0 is drawn from the stationary law (up with probability recover / (fail + recover)).
/// W_t is the Metropolis matrix of the edges up in round t.
class MarkovLinkSequence {
 public:
  /// @throws InvalidArgument unless 0 <= fail <= 1, 0 < recover <= 1.
  MarkovLinkSequence(const Graph& g, double fail, double recover, std::uint64_t seed)
      : m_n(adonis::num_nodes(g)), m_edges(edge_list(g)), m_fail(fail), m_recover(recover), m_seed(seed) {
    if (!(fail >= 0.0 && fail <= 1.0))
      detail::fail("MarkovLinkSequence", "fail probability must lie in [0, 1] (got ", fail, ")");
    if (!(recover > 0.0 && recover <= 1.0))
      detail::fail("MarkovLinkSequence", "recover probability must lie in (0, 1] (got ", recover, ")");
  }
  Index num_nodes() const { return m_n; }
  /// Stationary probability that a link is up.
  double up_probability() const { return m_recover / (m_fail + m_recover); }
  /// Which edges (edge_list order) are up in round t.
  const std::vector<char>& links(Round t) const {
    if (t < m_t || m_up.empty()) {
      m_t = 0;
      m_up.assign(m_edges.size(), 0);
      for (std::size_t e = 0; e < m_edges.size(); ++e) m_up[e] = draw(e, 0) < up_probability();
    }
    for (; m_t < t; ++m_t)
      for (std::size_t e = 0; e < m_edges.size(); ++e) {
        const double u = draw(e, m_t + 1);
        m_up[e] = m_up[e] ? (u >= m_fail) : (u < m_recover);
      }
    return m_up;
  }
  SparseMatrix mixing(Round t) const { return detail::metropolis_on(m_n, m_edges, links(t)); }

  /// Exact E[(W - J)^T (W - J)] for one round with the link states drawn from the stationary
  /// law, by enumerating all 2^|E| link patterns (needs |E| <= 16).
  template <int = 0>  // compiled (with its dense products) only where it is called
  Matrix<double> expected_gram() const {
    detail::require_small("MarkovLinkSequence::expected_gram", m_n);
    const std::size_t m = m_edges.size();
    if (m > 16) detail::fail("MarkovLinkSequence::expected_gram", "exact value needs |E| <= 16 (got ", m, ")");
    const double q = up_probability();
    Matrix<double> gram = Matrix<double>::Zero(m_n, m_n);
    const Matrix<double> j = detail::averaging_matrix(m_n);
    std::vector<char> active(m);
    for (std::uint32_t mask = 0; mask < (std::uint32_t{1} << m); ++mask) {
      double prob = 1.0;
      for (std::size_t e = 0; e < m; ++e) {
        active[e] = (mask >> e) & 1U;
        prob *= active[e] ? q : 1.0 - q;
      }
      if (prob == 0.0) continue;
      const Matrix<double> d = Matrix<double>(detail::metropolis_on(m_n, m_edges, active)) - j;
      gram += prob * d.transpose() * d;
    }
    return gram;
  }
  /// Exact one-round p (tau = 1) under the stationary law. Rounds are correlated in time, so
  /// this is the rate of one round taken alone.
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const { return {detail::one_minus_lambda_max(expected_gram<>()), 1}; }

 private:
  double draw(std::size_t edge, Round t) const {
    SplitMix64 rng(derive_seed(m_seed, static_cast<std::uint64_t>(detail::SequenceStream::markov), edge),
                   static_cast<std::uint64_t>(edge), static_cast<std::uint64_t>(t));
    return rng.uniform();
  }
  Index m_n;
  std::vector<Edge> m_edges;
  double m_fail, m_recover;
  std::uint64_t m_seed;
  mutable Round m_t = 0;
  mutable std::vector<char> m_up;
};

/// One-peer exponential graph (Ying et al. 2021; Takezawa et al.): with tau = ceil(log2 n),
/// round t uses the hop h = 2^(t mod tau) and x_i <- (x_i + x_{(i + h) mod n}) / 2, i.e.
/// W_t = (I + P_h) / 2 with P_h the cyclic shift by h. Doubly stochastic but not symmetric.
/// For n a power of two the product of tau consecutive rounds is exactly J (p = 1, tau = log2 n).
class OnePeerExponentialSequence {
 public:
  /// @throws InvalidTopology if n < 2.
  explicit OnePeerExponentialSequence(Index n) : m_n(n) {
    if (n < 2) detail::fail<InvalidTopology>("OnePeerExponentialSequence", "n must be >= 2 (got ", n, ")");
    while ((Index{1} << m_tau) < n) ++m_tau;
    for (Index k = 0; k < m_tau; ++k) {
      const Index h = Index{1} << k;
      std::vector<Triplet> t;
      for (Index i = 0; i < n; ++i) {
        t.emplace_back(i, i, 0.5);
        t.emplace_back(i, (i + h) % n, 0.5);
      }
      SparseMatrix w(n, n);
      w.setFromTriplets(t.begin(), t.end());  // h = n/2 with n = 2: (i, i+1) twice is still fine
      m_rounds.push_back(std::move(w));
    }
  }
  Index num_nodes() const { return m_n; }
  Index period() const { return m_tau; }
  const SparseMatrix& mixing(Round t) const { return m_rounds[static_cast<std::size_t>(t % m_tau)]; }
  /// Exact p over blocks of tau = ceil(log2 n) rounds (worst block start).
  template <int = 0>  // instantiated (with its dense eigen-solver) only where it is called
  ConsensusRate consensus_rate() const { return PeriodicSequence(m_rounds).consensus_rate(); }

 private:
  Index m_n;
  Index m_tau = 0;
  std::vector<SparseMatrix> m_rounds;
};

/// A type-erased GraphSequence (one algorithm instantiation for every kind of sequence, as
/// the command line needs). Sequences whose mixing(t) returns by value are cached per call.
class AnySequence {
 public:
  template <GraphSequence S>
    requires(!std::same_as<std::remove_cvref_t<S>, AnySequence>)
  explicit AnySequence(S sequence) {
    auto shared = std::make_shared<S>(std::move(sequence));
    m_nodes = shared->num_nodes();
    m_rows = RowRange{0, m_nodes};
    if constexpr (PartitionedSequence<S>) {
      m_rows = shared->rows();
      m_mix = [shared](const SparseMatrix& w, const Iterates<double>& x, Iterates<double>& out) {
        shared->mix(w, x, out);
      };
    }
    m_mixing = [shared, cache = std::make_shared<SparseMatrix>()](Round t) -> const SparseMatrix& {
      if constexpr (std::is_reference_v<decltype(shared->mixing(t))>) {
        return shared->mixing(t);
      } else {
        *cache = shared->mixing(t);
        return *cache;
      }
    };
  }
  Index num_nodes() const { return m_nodes; }
  const SparseMatrix& mixing(Round t) const { return m_mixing(t); }
  /// The rows this process computes: those of the wrapped sequence if it is a
  /// PartitionedSequence, all rows otherwise.
  RowRange rows() const { return m_rows; }
  /// out = W X: the wrapped sequence's partitioned product if it has one, the local one otherwise.
  void mix(const SparseMatrix& w, const Iterates<double>& x, Iterates<double>& out) {
    if (m_mix) m_mix(w, x, out);
    else detail::mix(w, x, out);
  }

 private:
  Index m_nodes = 0;
  RowRange m_rows;
  std::function<const SparseMatrix&(Round)> m_mixing;
  std::function<void(const SparseMatrix&, const Iterates<double>&, Iterates<double>&)> m_mix;
};

}  // namespace adonis
