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
#include <string>
#include <string_view>

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
/// χ of a round: λmax/λ2 of its support graph's (unweighted) Laplacian; +∞ if disconnected.
template <int = 0>
double round_chi(const SparseMatrix& w) {
  const Graph g = support_graph(w);
  if (!is_connected(g)) return std::numeric_limits<double>::infinity();
  const LaplacianEnds e = laplacian_ends(laplacian(g));
  return e.lambda_max / e.lambda2;
}

/// p̂ = 1 − λmax(mean of (W_t − J)ᵀ(W_t − J)) over rounds [begin, end) (n ≤ 512).
template <class S>
double monte_carlo_p(const S& s, Round begin, Round end) {
  const Index n = s.num_nodes();
  const Matrix<double> j = averaging_matrix(n);
  Matrix<double> gram = Matrix<double>::Zero(n, n);
  for (Round t = begin; t < end; ++t) {
    const Matrix<double> d = Matrix<double>(s.mixing(t)) - j;
    gram.noalias() += d.transpose() * d;
  }
  return one_minus_lambda_max(gram / static_cast<double>(end - begin));
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
        q.p = detail::monte_carlo_p(s, 0, rounds);
        q.tau = 1;
        double sum = 0, sq = 0;
        for (int b = 0; b < 10; ++b) {
          const double pb = detail::monte_carlo_p(s, rounds * b / 10, rounds * (b + 1) / 10);
          sum += pb;
          sq += pb * pb;
        }
        const double mean = sum / 10;
        q.p_se = std::sqrt(std::max(0.0, sq / 10 - mean * mean) / 9);
        q.p_method = "monte-carlo";
      }
    }
    // χ̄
    if constexpr (requires { s.chi_bound(); }) {
      q.chi_bar = s.chi_bound();
      q.chi_bar_source = "the sequence's bound (docs/graphs.md)";
    } else if constexpr (std::is_same_v<S, StaticSequence>) {
      q.chi_bar = detail::round_chi(s.mixing(0));
      q.chi_bar_source = "the static graph's own chi";
    } else {
      q.chi_bar_source = "none stated by this sequence";
    }
    // χ_t over the rounds, windows
    double sum = 0;
    for (Round t = 0; t < rounds; ++t) {
      const double chi = detail::round_chi(SparseMatrix(s.mixing(t)));
      if (std::isinf(chi)) ++q.disconnected_rounds;
      q.chi_sup = std::max(q.chi_sup, chi);
      sum += chi;
    }
    q.chi_mean = sum / static_cast<double>(rounds);
    q.windows_connected = true;
    for (Round t0 = 0; t0 + window <= rounds && q.windows_connected; ++t0)
      q.windows_connected = window_connected(s, t0, window);
    return q;
  });
}

}  // namespace adonis
