// SPDX-License-Identifier: BSD-3-Clause
/// @file choco.hpp
/// @brief CHOCO-Gossip and CHOCO-SGD: gossip and decentralized SGD with compressed messages
///        (Koloskova, Stich & Jaggi, ICML 2019, arXiv:1902.00340, Alg. 1 and 2; Koloskova,
///        Lin, Stich & Jaggi, ICLR 2020, arXiv:1907.09356; theory-rates.md §10).
///
/// Every node i keeps its iterate x_i and a public estimate x̂_i that all its neighbours hold
/// too (x̂_i^0 = 0). Round t, in the order of ICML'19 Alg. 1 / Alg. 2 (and of the authors'
/// convex code, epfml/ChocoSGD):
///   x_i ← x_i − η ∇F_i(x_i)                              (CHOCO-SGD only: x^{t+1/2})
///   x_i ← x_i + γ Σ_j w_ij (x̂_j − x̂_i)                  (gossip on the estimates)
///   q_i = C(x_i − x̂_i),   x̂_i ← x̂_i + q_i                 (q_i is the one message i sends)
/// In matrix form (row i = node i): X ← X + γ (W_t − I) X̂,  X̂ ← X̂ + C(X − X̂) row-wise.
/// C is the δ-contractive form of the compressor (compression.hpp): E||C(x) − x||² ≤ (1 − δ)||x||².
/// With C = identity, x̂ = x after the first round, so from round 2 on the iteration is exactly
/// X_{t+1} = ((1 − γ) I + γ W) X_t (theory-rates.md §10, check (c)); the first round leaves
/// X unchanged (x̂^0 = 0).
///
/// ICLR'20 Alg. 1 compresses x^{t+1/2} − x̂ *before* the gossip step and gossips with the new
/// x̂; with η = 0 that is the same iteration shifted by half a round. adonis follows ICML'19.
///
/// Messages: one compressed message q_i per edge direction of W_t's support and round (2|E_t|),
/// of compressor.bytes(d) bytes each. Over a time-varying sequence the simulation keeps one
/// x̂_j per node, i.e. it assumes a node that gains a neighbour j already knows x̂_j; the cost
/// of that synchronization is not counted.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "adonis/algorithm/compression.hpp"
#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

namespace detail {

/// The denominator D = 16ρ + ρ² + 4β² + 2ρβ² − 8ρδ shared by the consistent and the printed
/// CHOCO-Gossip steps, after checking 0 < ρ ≤ 1, 0 ≤ β ≤ 2, 0 < δ ≤ 1 in the name of `who`.
inline double choco_gamma_denominator(const char* who, double spectral_gap, double beta, double delta) {
  if (!(spectral_gap > 0 && spectral_gap <= 1)) fail(who, "spectral_gap must lie in (0, 1] (got ", spectral_gap, ")");
  if (!(beta >= 0 && beta <= 2)) fail(who, "beta must lie in [0, 2] (got ", beta, ")");
  if (!(delta > 0 && delta <= 1)) fail(who, "delta must lie in (0, 1] (got ", delta, ")");
  const double r = spectral_gap, b2 = beta * beta;
  return 16 * r + r * r + 4 * b2 + 2 * r * b2 - 8 * r * delta;
}

/// ρ = 1 − max(|λ2(W)|, |λmin(W)|) and β = ||I − W||₂ = 1 − λmin(W) of a symmetric W.
template <int = 0>
std::pair<double, double> choco_gap_beta(const SparseMatrix& w) {
  const MixingSpectrum m = mixing_spectrum(w);
  return {1 - m.slem, std::clamp(1 - m.lambda_min, 0.0, 2.0)};
}

}  // namespace detail

/// The consistent consensus step of CHOCO-Gossip (theory-rates.md §10, [DER]: the proof chain of
/// Koloskova, Lin, Stich & Jaggi, ICLR 2020, arXiv:1907.09356, reconstructed and grid-checked):
///   γ* = ρδ / (16ρ + ρ² + 4β² + 2ρβ² − 8ρδ),
/// ρ = 1 − ||W − J||₂ the spectral gap (ICLR'20's ρ; ICML'19 calls it δ), β = ||I − W||₂, δ the
/// compression quality. For 0 < γ ≤ γ*, E e_{t+1} ≤ (1 − γρ/2) e_t with
/// e_t = ||X_t − X̄||² + ||X_t − X̂_t||², and at γ* the rate is ≥ ρ²δ/82 (choco_consensus_rate),
/// because the denominator is ≤ 41.
/// Changed after 0.1.0: this function returned the step printed in the paper, ρ·γ*, which does not
/// support the printed rate ρ²δ/82 (see choco_printed_gamma and CHANGELOG.md).
/// @throws InvalidArgument unless 0 < spectral_gap <= 1, 0 <= beta <= 2, 0 < delta <= 1.
inline double choco_theory_gamma(double spectral_gap, double beta, double delta) {
  return spectral_gap * delta / detail::choco_gamma_denominator("choco_theory_gamma", spectral_gap, beta, delta);
}

/// choco_theory_gamma for a symmetric mixing matrix W: ρ = 1 − max(|λ2(W)|, |λmin(W)|) and
/// β = ||I − W||₂ = 1 − λmin(W), both computed with the toolkit's spectral code.
template <int = 0>
double choco_theory_gamma(const SparseMatrix& w, double delta) {
  const auto [gap, beta] = detail::choco_gap_beta(w);
  return choco_theory_gamma(gap, beta, delta);
}

/// The consensus step as printed in ICLR'20 (Koloskova, Lin, Stich & Jaggi, Thm. 4.1, "from
/// Koloskova et al., 2019"; theory-rates.md §10, [SRC]):
///   γ_printed = ρ²δ / (16ρ + ρ² + 4β² + 2ρβ² − 8ρδ) = ρ·γ*.
/// Erratum [DER]: with it the rate ρ²δ/82 printed beside it fails. With Q = identity the exact
/// per-round factor of e_t is max_{k≥2}(1 − γ(1 − λ_k))² ≈ 1 − O(ρ³/β²), slower than 1 − ρ²/82 on
/// Metropolis rings from n = 17 on (`adonis rates --table compression`, docs/rates.md "Errata").
/// The proof's chain gives only the rate ρ³δ/82 at this step. Kept to reproduce the paper.
/// @throws InvalidArgument unless 0 < spectral_gap <= 1, 0 <= beta <= 2, 0 < delta <= 1.
inline double choco_printed_gamma(double spectral_gap, double beta, double delta) {
  return spectral_gap * spectral_gap * delta /
         detail::choco_gamma_denominator("choco_printed_gamma", spectral_gap, beta, delta);
}

/// choco_printed_gamma for a symmetric mixing matrix W (ρ and β as in choco_theory_gamma).
template <int = 0>
double choco_printed_gamma(const SparseMatrix& w, double delta) {
  const auto [gap, beta] = detail::choco_gap_beta(w);
  return choco_printed_gamma(gap, beta, delta);
}

/// The linear rate of the theorem: E e_t ≤ (1 − c)^t e_0 with c = ρ²δ/82 (ICLR'20, [SRC] as printed;
/// it holds at the consistent step choco_theory_gamma, [DER], not at the printed one), ρ the
/// spectral gap, δ the compression quality. A sufficient, very conservative bound.
inline double choco_consensus_rate(double spectral_gap, double delta) {
  return spectral_gap * spectral_gap * delta / 82;
}

/// The practical default consensus step: γ = δ of C (1 for identity), halved for random-k
/// (biased or unbiased), γ = δ/2. Measured with metropolis weights on ring, path, star, torus
/// and complete graphs (d = 10 and 100): top-k, sign and qsgd converge up to γ ≈ 2δ, random-k
/// diverges from γ ≈ 1.5δ on torus:4x4 and is slowed already at γ = δ, so δ/2 keeps a margin
/// of about 3×; with best-constant weights top-k already diverges at 2δ on star:8, so γ = δ is
/// not far from the edge there. Orders of magnitude larger than the step printed in the paper
/// (choco_printed_gamma) and than the consistent γ* (choco_theory_gamma), and it needs no
/// spectral computation.
inline double choco_default_gamma(const Compressor& c, Index dim) {
  const bool random_k = c.kind == CompressorKind::random_k || c.kind == CompressorKind::random_k_unbiased;
  return random_k ? c.delta(dim) / 2 : c.delta(dim);
}

namespace detail {

/// Per-row buffers of one CHOCO round (allocated once).
struct ChocoWorkspace {
  Vector<double> diff, q;
  std::vector<Index> indices;
  Iterates<double> mixed;
};

/// One CHOCO gossip step on (X, X̂) (ICML'19 Alg. 1, lines 2–6):
///   X ← X + γ (W X̂ − X̂);  q_i = C(x_i − x̂_i) with compression_rng(seed, i, t);  x̂_i ← x̂_i + q_i.
/// The product goes through the sequence and only its owned rows are updated (graph/sequence.hpp),
/// so a partitioned sequence (runtime::MpiSequence) exchanges the rows of X̂, the public
/// estimates, exactly as the simulator's neighbours read them; node i's draws depend on (seed,
/// i, t) only, whichever process computes it.
template <GraphSequence S>
void choco_gossip_round(S& sequence, const SparseMatrix& w, double gamma, const Compressor& c, std::uint64_t seed,
                        Round t, Iterates<double>& x, Iterates<double>& xhat, ChocoWorkspace& ws) {
  mix(sequence, w, xhat, ws.mixed);
  const RowRange rows = owned_rows(sequence);
  x.middleRows(rows.begin, rows.size()) +=
      gamma * (ws.mixed.middleRows(rows.begin, rows.size()) - xhat.middleRows(rows.begin, rows.size()));
  const Index d = x.cols();
  // node by node on the round pool's threads (core/parallel.hpp); a block other than the whole
  // range brings its own scratch
  for_row_blocks(rows, gradient_work_per_row * d, [&](RowRange block) {
    ChocoWorkspace local;
    ChocoWorkspace& s = block == rows ? ws : local;
    s.diff.resize(d);
    s.q.resize(d);
    for (Index i = block.begin; i < block.end; ++i) {
      SplitMix64 rng = compression_rng(seed, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(t));
      s.diff = (x.row(i) - xhat.row(i)).transpose();
      c.compress(s.diff, s.q, rng, s.indices);
      xhat.row(i) += s.q.transpose();
    }
  });
}

/// Ends a compressed synchronous round: one message of `message_bytes` per edge direction of
/// W's support (the compressed analogue of finish_round), then advances the round counter.
inline void finish_compressed_round(Counters& c, const SparseMatrix& w, std::int64_t message_bytes) {
  const std::int64_t m = offdiagonal_nonzeros(w);
  c.messages += m;
  c.bytes += m * message_bytes;
  ++c.rounds;
  c.time = static_cast<double>(c.rounds);
}

inline void check_gamma(const char* who, double gamma) {
  if (!(gamma >= 0 && gamma <= 1)) fail(who, "gamma must lie in [0, 1] (0: default rule) (got ", gamma, ")");
}

}  // namespace detail

/// Options of ChocoGossip.
struct ChocoGossipOptions {
  /// Consensus step γ in (0, 1]; 0 selects choco_default_gamma (γ = δ, δ/2 for random-k).
  /// The theorem's step is choco_theory_gamma(W, compressor.delta(d)).
  double gamma = 0;
  Compressor compressor{};  ///< the operator Q (identity: uncompressed, 8d bytes per message)
  std::uint64_t seed = 0;   ///< seed of the compression draws, compression_rng(seed, node, round)
  void validate() const { detail::check_gamma("ChocoGossip", gamma); }
};

/// CHOCO-Gossip (Koloskova, Stich & Jaggi, ICML 2019, Alg. 1): average consensus with
/// compressed messages, linear for every δ > 0 (see the file comment for the iteration).
/// Governed by the spectral gap ρ = 1 − ||W − J||₂ and δ: the theorem's rate is ρ²δ/82.
/// @tparam Sequence models GraphSequence.
/// @throws InvalidArgument for invalid options; at init, if the compressor does not fit d.
///
/// @code
///   ChocoGossip choco(StaticSequence{w}, {.compressor = parse_compressor("top-k:2")});
///   run(choco, X, RunOptions{.max_rounds = 500});
/// @endcode
template <GraphSequence Sequence>
class ChocoGossip : public Runnable<ChocoGossip<Sequence>> {
 public:
  explicit ChocoGossip(Sequence sequence, ChocoGossipOptions options = {})
      : m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
  }

  /// The consensus step γ in use (known after init when the default rule is selected).
  double gamma() const noexcept { return m_gamma; }
  const ChocoGossipOptions& options() const noexcept { return m_options; }

  /// Starts from X0 (n x d) with X̂ = 0. @throws if X0 is not n x ·, finite, or the compressor
  /// does not fit d (e.g. K > d).
  void init(const Iterates<double>& x0) {
    detail::check_iterates("ChocoGossip::init", x0, m_sequence.num_nodes());
    m_options.compressor.validate(x0.cols(), "ChocoGossip::init");
    m_gamma = m_options.gamma > 0 ? m_options.gamma : choco_default_gamma(m_options.compressor, x0.cols());
    m_x = x0;
    m_xhat = Iterates<double>::Zero(x0.rows(), x0.cols());
    m_counters = {};
  }
  void step() {
    const SparseMatrix& w = m_sequence.mixing(m_counters.rounds);
    detail::choco_gossip_round(m_sequence, w, m_gamma, m_options.compressor, m_options.seed, m_counters.rounds, m_x,
                               m_xhat, m_ws);
    detail::finish_compressed_round(m_counters, w, m_options.compressor.bytes(m_x.cols()));
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  /// The public estimates X̂ (row i = x̂_i, known to node i's neighbours).
  const Iterates<double>& estimates() const noexcept { return m_xhat; }
  const Counters& counters() const noexcept { return m_counters; }
  const Sequence& sequence() const noexcept { return m_sequence; }

 private:
  Sequence m_sequence;
  ChocoGossipOptions m_options;
  double m_gamma = 0;
  Iterates<double> m_x, m_xhat;
  detail::ChocoWorkspace m_ws;
  Counters m_counters;
};

/// Options of ChocoSgd.
struct ChocoSgdOptions {
  /// Consensus step γ in (0, 1]; 0 selects choco_default_gamma (γ = δ, δ/2 for random-k).
  double gamma = 0;
  /// Constant step η; 0 selects the default rule η = (1 + λmin(W_γ)) / (2 L_max) with
  /// W_γ = (1 − γ) I + γ W_0, i.e. DGD's rule (dgd.hpp) for the effective mixing matrix of
  /// CHOCO with exact messages; it needs `smoothness` (computed from the problem's curvature
  /// bounds, max_smoothness, when left at 0).
  double step_size = 0;
  double smoothness = 0;    ///< L_max = max_i L_i, used only by the default step rule
  Compressor compressor{};  ///< the operator Q
  bool stochastic = false;  ///< use the objective's stochastic_gradient (drawn from SplitMix64(seed, i, t))
  std::uint64_t seed = 0;   ///< seed of the stochastic gradients and of the compression draws
  void validate() const {
    detail::check_gamma("ChocoSgd", gamma);
    if (!(step_size >= 0)) detail::fail("ChocoSgd", "step_size must be >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0)) detail::fail("ChocoSgd", "smoothness must be >= 0 (got ", smoothness, ")");
  }
};

/// CHOCO-SGD (Koloskova, Stich & Jaggi, ICML 2019, Alg. 2; ICLR 2020, Alg. 1): a local
/// (stochastic) gradient step x^{t+1/2} = x − η ∇F_i(x), then the CHOCO gossip step of the file
/// comment. ICML'19: O(1/(nT) + 1/(T δ_W² ω)²) for strongly convex f with decreasing steps; with
/// a constant η it converges linearly to an O(η) neighbourhood of x* (like DGD), and exactly
/// when all f_i share their minimizer.
/// @tparam Problem models DecentralizedObjective (StochasticObjective if options.stochastic);
///         it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
/// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ.
template <DecentralizedObjective Problem, GraphSequence Sequence>
class ChocoSgd : public Runnable<ChocoSgd<Problem, Sequence>> {
 public:
  ChocoSgd(const Problem& problem, Sequence sequence, ChocoSgdOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    detail::check_nodes("ChocoSgd", problem, m_sequence);
    if (m_options.stochastic && !StochasticObjective<Problem>)
      detail::fail("ChocoSgd", "stochastic = true needs an objective with stochastic_gradient");
    m_options.compressor.validate(problem.dim(), "ChocoSgd");
    m_gamma = m_options.gamma > 0 ? m_options.gamma : choco_default_gamma(m_options.compressor, problem.dim());
    if (m_options.step_size > 0) {
      m_step = m_options.step_size;
    } else {
      const double lambda_min = detail::mixing_lambda_min(SparseMatrix(m_sequence.mixing(0)));
      const double lambda_min_gamma = 1 - m_gamma * (1 - lambda_min);  // λmin((1 − γ)I + γW_0)
      m_options.smoothness = detail::resolve_smoothness("ChocoSgd", m_options.smoothness, problem);
      m_step = (1 + lambda_min_gamma) / (2 * m_options.smoothness);
    }
  }

  double gamma() const noexcept { return m_gamma; }
  double step_size() const noexcept { return m_step; }
  const ChocoSgdOptions& options() const noexcept { return m_options; }

  /// Starts from X0 (n x d) with X̂ = 0.
  void init(const Iterates<double>& x0) {
    detail::check_start("ChocoSgd::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_x = x0;
    m_xhat = Iterates<double>::Zero(x0.rows(), x0.cols());
    m_counters = {};
  }
  void step() {
    const Round t = m_counters.rounds;
    const RowRange rows = detail::owned_rows(m_sequence);
    detail::local_gradients(*m_problem, m_x, m_g, m_options.stochastic, m_options.seed, t, m_counters, rows);
    m_x.middleRows(rows.begin, rows.size()) -= m_step * m_g.middleRows(rows.begin, rows.size());  // x^{t+1/2}
    const SparseMatrix& w = m_sequence.mixing(t);
    detail::choco_gossip_round(m_sequence, w, m_gamma, m_options.compressor, m_options.seed, t, m_x, m_xhat, m_ws);
    detail::finish_compressed_round(m_counters, w, m_options.compressor.bytes(m_x.cols()));
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  /// The public estimates X̂.
  const Iterates<double>& estimates() const noexcept { return m_xhat; }
  const Counters& counters() const noexcept { return m_counters; }

 private:
  const Problem* m_problem;
  Sequence m_sequence;
  ChocoSgdOptions m_options;
  double m_gamma = 0, m_step = 0;
  Iterates<double> m_x, m_xhat, m_g;
  detail::ChocoWorkspace m_ws;
  Counters m_counters;
};

}  // namespace adonis
