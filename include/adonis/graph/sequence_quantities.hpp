// SPDX-License-Identifier: BSD-3-Clause
/// @file sequence_quantities.hpp
/// @brief What `adonis graph-info --sequence KIND --rounds T` reports about a graph sequence
///        (issue 16): Koloskova et al.'s p and τ (exact where the kind computes them, else a
///        labelled Monte Carlo estimate with its standard error), the bound χ̄ on the rounds'
///        χ_t = λmax(L_t)/λ2(L_t) that the sequence guarantees (if it states one), the observed
///        sup and mean of χ_t over T rounds, and whether every window of B rounds is connected.
///
/// @code
///   const adonis::Graph g = adonis::make_graph("karate");
///   const auto q = adonis::sequence_quantities(g, "random-edge", "metropolis", 1, 100);
///   // q.p = λ2(L)/(2|E|) exactly, q.p_method = "exact"
/// @endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spectral.hpp"

namespace adonis {

/// See sequence_quantities.
struct SequenceQuantities {
  std::string sequence;  ///< the SPEC
  Index rounds = 0;      ///< T, the rounds observed (χ_t, windows, the Monte Carlo p)
  Index window = 1;      ///< B
  double p = std::numeric_limits<double>::quiet_NaN();  ///< E‖(W_block − J)X‖² ≤ (1 − p)‖X − X̄‖²; NaN: not computed
  Index tau = 0;                                        ///< p's block length in rounds
  std::string p_method;  ///< "exact", "monte-carlo" (then p_se), or why p was not computed
  double p_se = std::numeric_limits<double>::quiet_NaN();  ///< the Monte Carlo estimate's standard error
  double chi_bar = std::numeric_limits<double>::quiet_NaN();  ///< the sequence's bound on every χ_t; NaN: none stated
  std::string chi_bar_source;                                 ///< where χ̄ comes from (or why there is none)
  double chi_sup = 0, chi_mean = 0;  ///< over the T rounds; +∞ if a round is disconnected
  Index disconnected_rounds = 0;
  bool windows_connected = false;  ///< every window of B consecutive rounds among the T is connected
};

namespace detail {
/// χ of a support graph: λmax/λ2 of its (unweighted) Laplacian; +∞ if disconnected.
template <int = 0>
double support_chi(const Graph& g) {
  if (!is_connected(g)) return std::numeric_limits<double>::infinity();
  const LaplacianEnds e = laplacian_ends(laplacian(g));
  return e.lambda_max / e.lambda2;
}

/// A Monte Carlo p̂ and its standard error (sequence_quantities).
struct MonteCarloP {
  double p, se;
};

/// p̂ = 1 − λmax(Ĝ), Ĝ the mean of (W_t − J)ᵀ(W_t − J) over rounds t = 0, …, T − 1
/// (n ≤ 512, T ≥ 10), with the standard error of the 10 batch estimates p̂_b (batch b: rounds
/// ⌊bT/10⌋ to ⌊(b + 1)T/10⌋ − 1). Ĝ is the sum of the batch sums: each W_t is densified once.
template <class S>
MonteCarloP monte_carlo_p(const S& s, Round rounds) {
  const Index n = s.num_nodes();
  const Matrix<double> j = averaging_matrix(n);
  Matrix<double> batch(n, n), total = Matrix<double>::Zero(n, n);
  double sum = 0, sq = 0;
  for (Round b = 0; b < 10; ++b) {
    batch.setZero();
    const Round begin = rounds * b / 10, end = rounds * (b + 1) / 10;
    for (Round t = begin; t < end; ++t) {
      const Matrix<double> d = Matrix<double>(s.mixing(t)) - j;
      batch.noalias() += d.transpose() * d;
    }
    total += batch;
    const double pb = one_minus_lambda_max(batch / static_cast<double>(end - begin));
    sum += pb;
    sq += pb * pb;
  }
  const double mean = sum / 10;
  return {one_minus_lambda_max(total / static_cast<double>(rounds)), std::sqrt(std::max(0.0, sq / 10 - mean * mean) / 9)};
}

/// Whether every window of `window` consecutive rounds is connected, from the rounds' support
/// edges (one union–find per window; the same answer as window_connected for each t0).
inline bool all_windows_connected(Index n, const std::vector<std::vector<Edge>>& round_edges, Index window) {
  const auto rounds = static_cast<Index>(round_edges.size());
  std::vector<Index> parent(static_cast<std::size_t>(n));
  const auto find = [&](Index x) {
    while (parent[static_cast<std::size_t>(x)] != x) {
      auto& px = parent[static_cast<std::size_t>(x)];
      px = parent[static_cast<std::size_t>(px)];  // path halving
      x = px;
    }
    return x;
  };
  for (Index t0 = 0; t0 + window <= rounds; ++t0) {
    std::iota(parent.begin(), parent.end(), Index{0});
    Index components = n;
    for (Index t = t0; t < t0 + window; ++t)
      for (const auto& [u, v] : round_edges[static_cast<std::size_t>(t)]) {
        const Index a = find(u), b = find(v);
        if (a != b) {
          parent[static_cast<std::size_t>(a)] = b;
          --components;
        }
      }
    if (components > 1) return false;
  }
  return true;
}
}  // namespace detail

/// The quantities of the sequence `spec` (visit_sequence) over graph g, observed over `rounds`
/// rounds t = 0, …, T − 1 with windows of `window` rounds:
/// - p, τ: the kind's exact consensus_rate() (theory-rates.md §4c) when it has one and it
///   applies (n ≤ 512; the random matching's |E| ≤ 24, the Markov links' |E| ≤ 16); else, for
///   n ≤ 512 and T ≥ 20, the Monte Carlo estimate p̂ = 1 − λmax(Ĝ), Ĝ the mean of
///   (W_t − J)ᵀ(W_t − J) over the T rounds (τ = 1), its standard error from 10 batch means
///   (rounds of a Markov sequence are correlated: then it understates the error); else NaN
///   with the reason in p_method.
/// - χ̄: the sequence's stated bound (RandomSpanningTreeSequence::chi_bound; a static W's own
///   χ); NaN for kinds that state none (their rounds may be disconnected, or χ_t unbounded
///   under their randomness).
/// - χ_t = λmax(L_t)/λ2(L_t) of round t's support graph (unweighted Laplacian; +∞ when
///   disconnected): sup and mean over the T rounds.
/// @throws InvalidArgument for rounds < 1 or window outside [1, rounds], and visit_sequence's.
template <int = 0>
SequenceQuantities sequence_quantities(const Graph& g, std::string_view spec, std::string_view mixing, std::uint64_t seed,
                                       Index rounds, Index window = 1) {
  if (rounds < 1) detail::fail("sequence_quantities", "rounds must be >= 1 (got ", rounds, ")");
  if (window < 1 || window > rounds)
    detail::fail("sequence_quantities", "window must lie in [1, rounds = ", rounds, "] (got ", window, ")");
  return visit_sequence(g, spec, mixing, seed, [&](const auto& s) {
    using S = std::remove_cvref_t<decltype(s)>;
    SequenceQuantities q;
    q.sequence = std::string(spec);
    q.rounds = rounds;
    q.window = window;
    const Index n = s.num_nodes();
    // p, τ
    if constexpr (requires { s.consensus_rate(); }) {
      if (n <= 512) {
        try {
          const ConsensusRate r = s.consensus_rate();
          q.p = r.p;
          q.tau = r.tau;
          q.p_method = "exact";
        } catch (const InvalidArgument&) {  // a size limit of the exact computation
        }
      }
    }
    if (q.p_method.empty()) {
      if (n > 512) {
        q.p_method = "not computed (n > 512: dense)";
      } else if (rounds < 20) {
        q.p_method = "not computed (no exact formula for this size; a Monte Carlo estimate needs >= 20 rounds)";
      } else {
        const detail::MonteCarloP mc = detail::monte_carlo_p(s, rounds);
        q.p = mc.p;
        q.p_se = mc.se;
        q.tau = 1;
        q.p_method = "monte-carlo";
      }
    }
    // χ_t over the rounds (a static sequence's once), their support edges for the windows
    constexpr bool is_static = std::is_same_v<S, StaticSequence>;
    std::vector<std::vector<Edge>> round_edges;
    round_edges.reserve(static_cast<std::size_t>(is_static ? 1 : rounds));
    double sum = 0, static_chi = 0;
    for (Round t = 0; t < rounds; ++t) {
      double chi = static_chi;
      if (!is_static || t == 0) {
        const Graph support = support_graph(SparseMatrix(s.mixing(t)));
        chi = static_chi = detail::support_chi(support);
        round_edges.push_back(edge_list(support));
      }
      if (std::isinf(chi)) ++q.disconnected_rounds;
      q.chi_sup = std::max(q.chi_sup, chi);
      sum += chi;
    }
    q.chi_mean = sum / static_cast<double>(rounds);
    // a static sequence's windows are all its one graph
    q.windows_connected = detail::all_windows_connected(n, round_edges, is_static ? 1 : window);
    // χ̄
    if constexpr (requires { s.chi_bound(); }) {
      q.chi_bar = s.chi_bound();
      q.chi_bar_source = "the sequence's bound (docs/graphs.md)";
    } else if constexpr (is_static) {
      q.chi_bar = static_chi;
      q.chi_bar_source = "the static graph's own chi";
    } else {
      q.chi_bar_source = "none stated by this sequence";
    }
    return q;
  });
}

}  // namespace adonis
