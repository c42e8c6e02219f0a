// SPDX-License-Identifier: BSD-3-Clause
/// @file bounds.hpp
/// @brief The theorems as code: one function per algorithm that returns what its theorem
///        guarantees (a per-round rate, an envelope B(t), or a predicted scaling exponent),
///        with the spectral quantity it uses, that quantity's normalization, the source
///        (paper, theorem, theory-rates.md section) and the confidence tag.
///
/// The tags follow theory-rates.md: [DER] derived and checked (tested for equality or as an
/// exact inequality), [SRC] confirmed from the paper (a bound with constants is tested as ≤, a
/// big-O statement only through slopes), [REC] recalled (slopes only). `adonis rates` builds
/// every row's source, tag and spectral-quantity text from these records (theorem_row), so a
/// row can never claim more than its theorem.
#pragma once

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>

#include "adonis/core/error.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis {

/// What a theorem provides.
enum class TheoremKind {
  rate,      ///< a per-round (or per-event) contraction factor r: error_t ≤ C r^t (or = for [DER] exact rates)
  envelope,  ///< an explicit bound B(t) on the error at round/time t
  exponent,  ///< a predicted scaling exponent (big-O or recalled statements: slopes only)
};

/// A theorem's guarantee, as code.
struct Theorem {
  std::string algorithm;           ///< algorithm NAME (as `adonis run` spells it)
  std::string statement;           ///< what is guaranteed, in words
  std::string spectral_quantity;   ///< the graph quantity it depends on, e.g. "ρ = ||W − J||₂"
  std::string normalization;       ///< how that quantity is normalized (e.g. "Λ = L/|E|")
  std::string source;              ///< paper, theorem, theory-rates.md section
  Tag tag = Tag::REC;
  TheoremKind kind = TheoremKind::exponent;
  double value = std::numeric_limits<double>::quiet_NaN();  ///< the rate or the predicted exponent
  std::function<double(double)> envelope{};                 ///< B(t), for kind = envelope
};

/// A rate row pre-filled from a theorem: source ("paper; spectral quantity (normalization)")
/// and tag; the caller's quantity text comes first.
inline RateRow theorem_row(const Theorem& th, RateRow base) {
  base.algorithm = base.algorithm.empty() ? th.algorithm : base.algorithm;
  base.source = th.source;
  if (!th.spectral_quantity.empty())
    base.source += "; governed by " + th.spectral_quantity + (th.normalization.empty() ? "" : " (" + th.normalization + ")");
  base.tag = th.tag;
  return base;
}

namespace theorems {

/// Synchronous gossip X_{t+1} = W X_t: the consensus error contracts by at most ρ per round,
/// exactly ρ along the slowest eigenvector of a symmetric W [DER] (theory-rates §1).
inline Theorem gossip(double slem) {
  return {"gossip", "||e_{t+1}|| ≤ ρ ||e_t||, equality on the slowest eigenvector", "ρ = ||W − J||₂",
          "W doubly stochastic", "derived (theory-rates.md §1)", Tag::DER, TheoremKind::rate, slem, {}};
}

/// Chebyshev gossip: 1/T_K(c2) per outer step of K rounds, c2 = (1 + γ)/(1 − γ) [DER]
/// (Scaman et al. 2017, Alg. 2; theory-rates §3a).
inline Theorem chebyshev_gossip(double gamma, double rounds_per_step) {
  const double c2 = (1 + gamma) / (1 - gamma);
  return {"chebyshev-gossip", "||e|| contracts by at most 1/T_K(c2) per outer step", "γ = λ2⁺(M)/λmax(M)",
          "M = I − W", "Scaman et al. 2017, Alg. 2; derived bound (theory-rates.md §3a)", Tag::DER, TheoremKind::rate,
          gamma >= 1 ? 0.0 : 1 / std::cosh(rounds_per_step * std::acosh(c2)), {}};
}

/// DGD, gradient tracking, EXTRA, ADMM on a quadratic (or linearized at the fixed point): the
/// asymptotic rate is the spectral rate of one round's Jacobian [DER] (theory-rates §4b, §6a,
/// §6b, §7a; theory/linearized.hpp computes it).
inline Theorem linearized(const std::string& algorithm, double spectral_rate) {
  std::string source = algorithm == "dgd"                 ? "Yuan, Ling & Yin 2016"
                       : algorithm == "gradient-tracking" ? "Nedić, Olshevsky & Shi 2017 (DIGing)"
                       : algorithm == "extra"             ? "Shi, Ling, Wu & Yin 2015"
                       : algorithm == "admm"              ? "Shi, Ling, Yuan, Wu & Yin 2014"
                                                          : "";
  if (source.empty()) detail::fail("theorems::linearized", "unknown algorithm '", algorithm, "'");
  return {algorithm, "asymptotic rate = spectral rate of the round's Jacobian at the fixed point",
          "spectrum of the block iteration matrix", "W (Metropolis) and the stacked Hessian at x*",
          source + "; derived linearization (theory-rates.md §4b, §6, §7a)", Tag::DER, TheoremKind::rate, spectral_rate,
          {}};
}

/// MSDA: Nesterov on the dual, every mode contracts by at most 1 − 1/√κ_d per dual step [DER]
/// on quadratics (Scaman et al. 2017; theory-rates §9a).
inline Theorem msda(double dual_condition) {
  return {"msda", "rate ≤ 1 − 1/√κ_d per dual step (K Chebyshev rounds each)", "κ_d = κ_l (1 + c1^K)²/(1 − c1^K)²",
          "c1 = (1 − √γ)/(1 + √γ), γ of M = I − W",
          "Scaman, Bach, Bubeck, Lee & Massoulié 2017, Alg. 2 (theory-rates.md §9a)", Tag::DER, TheoremKind::rate,
          1 - 1 / std::sqrt(dual_condition), {}};
}

/// MSDA's optimal complexity: time to ε ∝ √κ_l (1 + 1/√γ) log(1/ε) (upper bound matching the
/// lower bound up to constants) [SRC, big-O: slope only] (theory-rates §9a).
inline Theorem msda_complexity() {
  return {"msda", "rounds to ε = O(√κ_l (1 + 1/√γ) log(1/ε))", "γ = λ2⁺(M)/λmax(M)", "M = I − W",
          "Scaman et al. 2017, Thm. 2 and Cor. (theory-rates.md §9a)", Tag::SRC, TheoremKind::exponent, 1.0, {}};
}

/// CHOCO-Gossip with the ICLR'20 γ: the Lyapunov error contracts by at most 1 − ρ²δ/82 per
/// round [SRC] (Koloskova, Lin, Stich & Jaggi, ICLR 2020; theory-rates §10).
inline Theorem choco_gossip(double spectral_gap, double delta) {
  return {"choco-gossip", "E[||X − X̄||² + ||X − X̂||²] contracts by 1 − ρ²δ/82 per round",
          "ρ = 1 − ||W − J||₂ (spectral gap), δ (compression quality)", "W doubly stochastic",
          "Koloskova, Lin, Stich & Jaggi, ICLR 2020, Thm. 1 (theory-rates.md §10)", Tag::SRC, TheoremKind::rate,
          1 - spectral_gap * spectral_gap * delta / 82, {}};
}

/// Distributed dual averaging: T(ε) = Õ(R²G²/(ε²(1 − σ2))): iterations to ε scale like
/// 1/(1 − σ2(P)) [REC: slope only] (Duchi, Agarwal & Wainwright 2012, Thm. 2, Cor. 2; §8).
inline Theorem dual_averaging() {
  return {"dual-averaging", "iterations to ε ∝ 1/(1 − σ2(P)) (up to logs)", "1 − σ2(P)", "P = I − L/(d_max + 1)",
          "Duchi, Agarwal & Wainwright 2012, Thm. 2 and Cor. 2 (theory-rates.md §8)", Tag::REC, TheoremKind::exponent,
          1.0, {}};
}

/// Randomized pairwise gossip, per communication tick: E||e_k||² ≤ λ2(W̄)^k ||e_0||² [DER]
/// (Boyd, Ghosh, Prabhakar & Shah 2006; theory-rates §2).
inline Theorem pairwise_gossip(double gossip_lambda2) {
  return {"pairwise-gossip", "E||e_k||² ≤ λ2(W̄)^k ||e_0||²", "λ2(W̄)", "W̄ = I − Λ/(2R) per tick",
          "Boyd, Ghosh, Prabhakar & Shah 2006 (theory-rates.md §2)", Tag::DER, TheoremKind::rate, gossip_lambda2, {}};
}

/// Randomized pairwise gossip in simulated time with edge clocks: E||e(t)||² ≤ exp(−t/(2χ1)) ||e_0||²
/// [DER] (theory-rates §2).
inline Theorem pairwise_gossip_time(double chi1) {
  return {"pairwise-gossip",
          "E||e(t)||² ≤ exp(−t/(2χ1)) ||e_0||²",
          "χ1 = 1/λ2⁺(Λ)",
          "Λ = Σ_e λ_e (e_i − e_j)(e_i − e_j)ᵀ",
          "derived (theory-rates.md §2, continuous time)",
          Tag::DER,
          TheoremKind::envelope,
          std::numeric_limits<double>::quiet_NaN(),
          [chi1](double t) { return std::exp(-t / (2 * chi1)); }};
}

/// Randomized pairwise gossip, node clocks: ticks to ε ∝ 1/(1 − λ2(W̄)) (times log(1/ε)), whose
/// exponent in n is 3 on rings, 2 on m×m tori and 1 on complete graphs [DER, from §11's closed
/// forms] (Boyd et al. 2006; theory-rates §2).
inline Theorem pairwise_gossip_ticks_scaling(double exponent) {
  return {"pairwise-gossip", "ticks to ε ∝ 1/(1 − λ2(W̄)) ∝ n^" + detail::format_number(exponent, 3), "1 − λ2(W̄)",
          "W̄ = I − L_P/(2n), node clocks", "Boyd et al. 2006; exponents from §11's closed forms (theory-rates.md §2)",
          Tag::DER, TheoremKind::exponent, exponent, {}};
}

/// Plain asynchronous gossip on rings with Λ = L/|E|: time to ε ∝ χ1 ∝ n³ [DER, from §11's
/// closed forms] (theory-rates §3b).
inline Theorem plain_gossip_ring_scaling() {
  return {"pairwise-gossip", "time to ε ∝ χ1 ∝ n³ on rings", "χ1", "Λ = L/|E|",
          "derived: 1/λ2(L/n) ∝ n³ (theory-rates.md §3b)", Tag::DER, TheoremKind::exponent, 3.0, {}};
}

/// Continuized accelerated gossip: exponent ∝ 1/√(χ1χ2), ≈ n² on rings [REC: slope only]
/// (Even et al. 2021; theory-rates §3b).
inline Theorem continuized_gossip_ring_scaling() {
  return {"continuized-gossip", "time to ε ∝ √(χ1χ2) ≈ n² on rings (accelerated)", "√(χ1χ2)", "Λ = L/|E|",
          "Even, Berthier, Bach, Flammarion, Hendrikx, Gaillard, Massoulié & Taylor 2021 (theory-rates.md §3b)",
          Tag::REC, TheoremKind::exponent, 2.0, {}};
}

/// DADAO: O(n √(χ1χ2) √(L/μ) log(1/ε)) communications and O(n √(L/μ) log(1/ε)) gradients [SRC,
/// big-O: slopes only] (Nabli & Oyallon 2023; theory-rates §9c).
inline Theorem dadao_communications() {
  return {"dadao", "communications to ε = O(n √(χ1χ2) √κ log(1/ε))", "√(χ1χ2)", "Λ = L/|E|",
          "Nabli & Oyallon, ICML 2023 (theory-rates.md §9c)", Tag::SRC, TheoremKind::exponent, 1.0, {}};
}
inline Theorem dadao_gradients() {
  return {"dadao", "gradients to ε = O(n √κ log(1/ε))", "κ = L/μ", "",
          "Nabli & Oyallon, ICML 2023 (theory-rates.md §9c)", Tag::SRC, TheoremKind::exponent, 0.5, {}};
}

/// A²CiD²: the momentum improves the graph factor from χ1 to √(χ1χ2): the speed-up over plain
/// asynchronous gossip grows like √(χ1/χ2) (∝ n on rings) [REC: slope only] (§9d).
inline Theorem a2cid2_speedup() {
  return {"a2cid2", "speed-up over plain asynchronous gossip ∝ √(χ1/χ2) (∝ n on rings)", "√(χ1/χ2)",
          "Λ = L/|E| (ACiD's code uses Λ = r(I − D⁻¹A))",
          "Nabli, Belilovsky & Oyallon, NeurIPS 2023 (theory-rates.md §9d)", Tag::REC, TheoremKind::exponent, 1.0, {}};
}

}  // namespace theorems
}  // namespace adonis
