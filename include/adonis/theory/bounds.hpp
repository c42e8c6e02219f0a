// SPDX-License-Identifier: BSD-3-Clause
/// @file bounds.hpp
/// @brief The theorems as code: one function per theorem (or per statement of a theorem) that
///        returns what it guarantees (a per-round rate, an envelope B(t), a critical parameter,
///        or a predicted scaling exponent), with the spectral quantity it uses, that quantity's
///        normalization, the source (paper, theorem, theory-rates.md section), the confidence
///        tag and the check a measurement of it gets.
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
#include "adonis/core/types.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis {

/// What a theorem provides.
enum class TheoremKind {
  rate,       ///< a per-round (or per-event) contraction factor r: error_t ≤ C r^t (or = for [DER] exact rates)
  envelope,   ///< an explicit bound B(t) on the error at round/time t
  exponent,   ///< a predicted scaling exponent (big-O or recalled statements: slopes only)
  quantity,   ///< an exact value: a closed form, or a critical parameter (e.g. the largest stable step)
};

/// A theorem's guarantee, as code.
struct Theorem {
  std::string algorithm{};          ///< algorithm NAME (as `adonis run` spells it)
  std::string statement{};          ///< what is guaranteed, in words
  std::string spectral_quantity{};  ///< the graph quantity it depends on, e.g. "ρ = ||W − J||₂"
  std::string normalization{};      ///< how that quantity is normalized (e.g. "Λ = L/|E|")
  std::string source{};             ///< paper, theorem, theory-rates.md section
  Tag tag = Tag::REC;
  TheoremKind kind = TheoremKind::exponent;
  /// How a row that measures the theorem's own quantity is checked (theory-rates §12): `equal`
  /// for [DER] exact quantities only, `bound` for proven inequalities, `slope` for big-O and
  /// recalled exponents, `report` when nothing can be asserted (recalled constants, worst-case
  /// lower bounds). A table may still only report a row that measures something else.
  Check check = Check::slope;
  double value = std::numeric_limits<double>::quiet_NaN();  ///< the rate, exact quantity or predicted exponent
  std::function<double(double)> envelope{};                 ///< B(t), for kind = envelope
  /// A published statement that fails as printed: `statement` and `value` are the paper's claim,
  /// and a row shows it false through an exact quantity (judge_erratum). Such a record must be
  /// tagged DER with check `equal` (its evidence), or theorem_row refuses it.
  bool erratum = false;
};

/// A rate row pre-filled from a theorem: source ("paper; governed by spectral quantity
/// (normalization)") and tag; the algorithm too, unless the caller gave one.
/// Throws InvalidArgument for a theorem that claims an equality check without the [DER] tag.
inline RateRow theorem_row(const Theorem& th, RateRow base) {
  if (th.check == Check::equal && th.tag != Tag::DER)
    detail::fail("theorem_row", "theorem '", th.statement, "' (", th.source, ") is ", to_string(th.tag),
                 ": only [DER] statements are checked for equality");
  if (th.erratum && (th.tag != Tag::DER || th.check != Check::equal))
    detail::fail("theorem_row", "erratum '", th.statement, "' (", th.source, ") has evidence checked ",
                 to_string(th.check), " [", to_string(th.tag), "]: an erratum needs a [DER] equality as evidence");
  base.algorithm = base.algorithm.empty() ? th.algorithm : base.algorithm;
  base.source = th.source;
  if (!th.spectral_quantity.empty())
    base.source += "; governed by " + th.spectral_quantity + (th.normalization.empty() ? "" : " (" + th.normalization + ")");
  base.tag = th.tag;
  return base;
}

namespace theorems {

// ---------------------------------------------------------------- spectral quantities (§11)

/// A spectral quantity of a graph family (λ2(L), χ1, χ2 with Λ = L/|E|, 1 − ||W − J|| of the
/// Metropolis W) equals its closed form `closed_form` [DER] (theory-rates §11).
inline Theorem spectral_closed_form(double closed_form) {
  return {.algorithm = "none",
          .statement = "the spectral quantity equals its closed form",
          .source = "theory-rates.md §11 (closed forms)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::equal,
          .value = closed_form};
}

// ---------------------------------------------------------------- gossip (§1, §2, §3)

/// Synchronous gossip X_{t+1} = W X_t: ||e_{t+1}|| ≤ ρ ||e_t||, ρ = ||W − J||₂, with equality
/// on the slowest eigenvector of a symmetric W [DER] (theory-rates §1).
inline Theorem gossip(double slem) {
  return {.algorithm = "gossip",
          .statement = "||e_{t+1}|| ≤ ρ ||e_t||, equality on the slowest eigenvector",
          .spectral_quantity = "ρ = ||W − J||₂",
          .normalization = "W doubly stochastic",
          .source = "derived (theory-rates.md §1)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = slem};
}

/// Chebyshev gossip: ||(I − P_K(W))(I − J)|| = 1/T_K(c2) per outer step of K rounds,
/// c2 = (1 + γ)/(1 − γ), γ = λ2⁺(M)/λmax(M) [DER] (Scaman et al. 2017, Alg. 2; theory-rates
/// §3a). 0 when γ > 1 − 1e-12 (one round averages exactly, as ChebyshevGossip).
inline Theorem chebyshev_gossip(double gamma, double rounds_per_step) {
  const double c2 = (1 + gamma) / (1 - gamma);
  return {.algorithm = "chebyshev-gossip",
          .statement = "||e|| contracts by at most 1/T_K(c2) per outer step",
          .spectral_quantity = "γ = λ2⁺(M)/λmax(M)",
          .normalization = "M = I − W",
          .source = "Scaman et al. 2017, Alg. 2; derived bound 1/T_K(c2) (theory-rates.md §3a)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = gamma > 1 - 1e-12 ? 0.0 : 1 / std::cosh(rounds_per_step * std::acosh(c2))};
}

/// Randomized pairwise gossip, per communication tick: E||e_k||² ≤ λ2(W̄)^k ||e_0||² [DER]
/// (Boyd, Ghosh, Prabhakar & Shah 2006; theory-rates §2).
inline Theorem pairwise_gossip(double gossip_lambda2) {
  return {.algorithm = "pairwise-gossip",
          .statement = "E||e_k||² ≤ λ2(W̄)^k ||e_0||²",
          .spectral_quantity = "λ2(W̄)",
          .normalization = "W̄ = I − Λ/(2R) per tick",
          .source = "Boyd, Ghosh, Prabhakar & Shah 2006 (theory-rates.md §2)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = gossip_lambda2};
}

/// Randomized pairwise gossip in simulated time with edge clocks: E||e(t)||² ≤ exp(−t/(2χ1)) ||e_0||²
/// [DER] (theory-rates §2).
inline Theorem pairwise_gossip_time(double chi1) {
  return {.algorithm = "pairwise-gossip",
          .statement = "E||e(t)||² ≤ exp(−t/(2χ1)) ||e_0||²",
          .spectral_quantity = "χ1 = 1/λ2⁺(Λ)",
          .normalization = "Λ = Σ_e λ_e (e_i − e_j)(e_i − e_j)ᵀ",
          .source = "derived (theory-rates.md §2, continuous time)",
          .tag = Tag::DER,
          .kind = TheoremKind::envelope,
          .check = Check::bound,
          .envelope = [chi1](double t) { return std::exp(-t / (2 * chi1)); }};
}

/// Randomized pairwise gossip, node clocks: ticks to ε ∝ 1/(1 − λ2(W̄)) (times log(1/ε)), whose
/// exponent in n is 3 on rings, 2 on m×m tori and 1 on complete graphs [DER, from §11's closed
/// forms] (Boyd et al. 2006; theory-rates §2).
inline Theorem pairwise_gossip_ticks_scaling(double exponent) {
  return {.algorithm = "pairwise-gossip",
          .statement = "ticks to ε ∝ 1/(1 − λ2(W̄)) ∝ n^" + detail::format_number(exponent, 3),
          .spectral_quantity = "1 − λ2(W̄)",
          .normalization = "W̄ = I − L_P/(2n), node clocks",
          .source = "Boyd et al. 2006; exponents from §11's closed forms (theory-rates.md §2)",
          .tag = Tag::DER,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = exponent};
}

/// Plain asynchronous gossip on rings with Λ = L/|E|: time to ε ∝ χ1 ∝ n³ [DER, from §11's
/// closed forms] (theory-rates §3b).
inline Theorem plain_gossip_ring_scaling() {
  return {.algorithm = "pairwise-gossip",
          .statement = "time to ε ∝ χ1 ∝ n³ on rings",
          .spectral_quantity = "χ1",
          .normalization = "Λ = L/|E|",
          .source = "derived: 1/λ2(L/n) ∝ n³ (theory-rates.md §3b)",
          .tag = Tag::DER,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 3.0};
}

/// Continuized accelerated gossip: exponent ∝ 1/√(χ1χ2), ≈ n² on rings [REC: slope only]
/// (Even et al. 2021; theory-rates §3b).
inline Theorem continuized_gossip_ring_scaling() {
  return {.algorithm = "continuized-gossip",
          .statement = "time to ε ∝ √(χ1χ2) ≈ n² on rings (accelerated)",
          .spectral_quantity = "√(χ1χ2)",
          .normalization = "Λ = L/|E|",
          .source = "Even, Berthier, Bach, Flammarion, Hendrikx, Gaillard, Massoulié & Taylor 2021 (theory-rates.md §3b)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 2.0};
}

// ---------------------------------------------------------------- DGD, DIGing, EXTRA, ADMM (§4b, §6, §7a)

/// DGD, gradient tracking, EXTRA, ADMM on a quadratic (or linearized at the fixed point): the
/// asymptotic rate is the spectral rate r(J) of one round's Jacobian J [DER]: DGD J = W − αH
/// (§4b), DIGing and EXTRA block Jacobians (§6a, §6b), ADMM on (X, α) (§7a); linearized.hpp.
inline Theorem linearized(const std::string& algorithm, double spectral_rate) {
  const std::string source =
      algorithm == "dgd"                 ? "Yuan, Ling & Yin 2016; derived Jacobian W − αH (theory-rates.md §4b)"
      : algorithm == "gradient-tracking" ? "Nedić, Olshevsky & Shi 2017; derived block Jacobian (theory-rates.md §6a)"
      : algorithm == "extra"             ? "Shi, Ling, Wu & Yin 2015; derived block Jacobian (theory-rates.md §6b)"
      : algorithm == "admm" ? "Shi, Ling, Yuan, Wu & Yin 2014; derived Jacobian of (X, α) (theory-rates.md §7a)"
                            : "";
  if (source.empty()) detail::fail("theorems::linearized", "unknown algorithm '", algorithm, "'");
  return {.algorithm = algorithm,
          .statement = "asymptotic rate = spectral rate of the round's Jacobian at the fixed point",
          .spectral_quantity = "r(J), J the round's Jacobian",
          .normalization = "from W and the stacked Hessian at x*",
          .source = source,
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::equal,
          .value = spectral_rate};
}

/// DGD on identical quadratics f_i = (L/2)||x − b||²: the iteration matrix is W − αL·I, so DGD
/// diverges iff α > (1 + λn(W))/L [DER] (Yuan, Ling & Yin 2016; theory-rates §4b(b)).
inline Theorem dgd_stability_threshold(double lambda_min, double smoothness) {
  return {.algorithm = "dgd",
          .statement = "W − αL·I diverges iff α > (1 + λn(W))/L",
          .spectral_quantity = "λn(W)",
          .normalization = "smallest eigenvalue of W",
          .source = "Yuan, Ling & Yin 2016; derived stability threshold (theory-rates.md §4b(b))",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::equal,
          .value = (1 + lambda_min) / smoothness};
}

/// DGD, Cor. 1 of Yuan, Ling & Yin: linear rate √(1 − αc2/2) to an O(α/(1 − β)) neighbourhood,
/// β = ||W − J||₂; c2 comes from their Lemma 3 and is not available, so nothing is asserted
/// [REC; transcript] (theory-rates §4b).
inline Theorem dgd_corollary1() {
  return {.algorithm = "dgd",
          .statement = "||x_i(k) − x*|| ≤ c3^k ||x*|| + O(α/(1 − β)), c3 = √(1 − αc2/2)",
          .spectral_quantity = "β = ||W − J||₂",
          .normalization = "W symmetric doubly stochastic",
          .source = "Yuan, Ling & Yin 2016, Cor. 1 [transcript] (theory-rates.md §4b)",
          .tag = Tag::REC,
          .kind = TheoremKind::rate,
          .check = Check::report};
}

/// DIGing, Thm. 10 (static W: B = 1, δ = ||W − J||₂), κ̄ = L/μ̄, J₁ = 3κ̄(1 + 4√n √κ̄): for
/// α < 1.5(1 − δ)²/(μ̄J₁), ||x(k) − 1x*ᵀ|| ≤ C λ^k with
///   λ = √(1 − αμ̄/1.5)        if α ≤ 1.5(√(J₁² + (1 − δ²)J₁) − δJ₁)²/(μ̄J₁(J₁ + 1)²),
///   λ = √(αμ̄J₁/1.5) + δ      otherwise
/// [REC; transcript] (Nedić, Olshevsky & Shi 2017; theory-rates §6a).
inline Theorem diging_rate(double alpha, double delta, double l_max, double mu_mean, Index n) {
  const double kappa = l_max / mu_mean;
  const double j1 = 3 * kappa * (1 + 4 * std::sqrt(static_cast<double>(n)) * std::sqrt(kappa));
  const double root = std::sqrt(j1 * j1 + (1 - delta * delta) * j1) - delta * j1;
  const double branch = 1.5 * root * root / (mu_mean * j1 * (j1 + 1) * (j1 + 1));
  return {.algorithm = "gradient-tracking",
          .statement = "||x(k) − 1x*ᵀ|| ≤ C λ^k below the step bound",
          .spectral_quantity = "δ = ||W − J||₂",
          .normalization = "static W: B = 1",
          .source = "Nedić, Olshevsky & Shi 2017, Thm. 10 [transcript] (theory-rates.md §6a)",
          .tag = Tag::REC,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = alpha <= branch ? std::sqrt(1 - alpha * mu_mean / 1.5) : std::sqrt(alpha * mu_mean * j1 / 1.5) + delta};
}

/// DIGing, Thm. 10's step condition α < 1.5(1 − δ)²/(μ̄J₁) (static W, B = 1; J₁ as in
/// diging_rate) [REC; transcript] (Nedić, Olshevsky & Shi 2017; theory-rates §6a).
inline Theorem diging_step_bound(double delta, double l_max, double mu_mean, Index n) {
  const double kappa = l_max / mu_mean;
  const double j1 = 3 * kappa * (1 + 4 * std::sqrt(static_cast<double>(n)) * std::sqrt(kappa));
  return {.algorithm = "gradient-tracking",
          .statement = "a linear rate is guaranteed for α < 1.5(1 − δ)²/(μ̄J₁)",
          .spectral_quantity = "δ = ||W − J||₂",
          .normalization = "static W: B = 1",
          .source = "Nedić, Olshevsky & Shi 2017, Thm. 10 [transcript] (theory-rates.md §6a)",
          .tag = Tag::REC,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1.5 * (1 - delta) * (1 - delta) / (mu_mean * j1)};
}

/// EXTRA, Thm. 3.7: Q-linear ||z^k − z*||²_G ≥ (1 + δ)||z^{k+1} − z*||²_G; δ needs μ_g of an
/// auxiliary function that was not transcribed, so nothing is asserted [REC; transcript of the
/// proof] (Shi, Ling, Wu & Yin 2015; theory-rates §6b).
inline Theorem extra_linear() {
  return {.algorithm = "extra",
          .statement = "||z^k − z*||²_G ≥ (1 + δ) ||z^{k+1} − z*||²_G",
          .spectral_quantity = "λ_min(W̃), λ̃_min(W̃ − W)",
          .normalization = "W̃ = (I + W)/2",
          .source = "Shi, Ling, Wu & Yin 2015, Thm. 3.7 [transcript of the proof] (theory-rates.md §6b)",
          .tag = Tag::REC,
          .kind = TheoremKind::rate,
          .check = Check::report};
}

/// Decentralized ADMM: ||u^k − u*||²_G ≥ (1 + δ)||u^{k+1} − u*||²_G with δ depending on κ_f and
/// κ_G = √(λmax(D + A)/λ2(D − A)); the expression of δ is unverified [REC] (Shi, Ling, Yuan, Wu &
/// Yin 2014; theory-rates §7a).
inline Theorem admm_linear() {
  return {.algorithm = "admm",
          .statement = "||u^k − u*||²_G ≥ (1 + δ) ||u^{k+1} − u*||²_G",
          .spectral_quantity = "κ_G = √(λmax(D + A)/λ2(D − A))",
          .normalization = "unweighted graph",
          .source = "Shi, Ling, Yuan, Wu & Yin 2014 (theory-rates.md §7a)",
          .tag = Tag::REC,
          .kind = TheoremKind::rate,
          .check = Check::report};
}

// ---------------------------------------------------------------- D-SGD (§4c)

namespace impl {
inline Theorem dsgd(std::string statement, double exponent) {
  return {.algorithm = "dgd",
          .statement = std::move(statement),
          .spectral_quantity = "p = 1 − ||W − J||₂²",
          .normalization = "fixed symmetric W, τ = 1",
          .source = "Koloskova, Loizou, Boreiri, Jaggi & Stich 2020, Thm. 2 (theory-rates.md §4c)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = exponent};
}
}  // namespace impl

/// D-SGD, μ-strongly convex, tuned constant step (Koloskova et al. 2020, Thm. 2 [REC]):
///   T(ε) = Õ(σ̄²/(μnε) + √L(ζ̄ + σ̄√p)/(μp√ε) + (L/(μp)) log(1/ε))   (τ = 1).
/// Case (a), ζ̄ = σ̄ = 0: T ≲ (L/(μp)) log(1/ε), exponent at most 1 in 1/p (theory-rates §4c(a)).
inline Theorem dsgd_linear_in_p() { return impl::dsgd("ζ̄ = σ̄ = 0: rounds to ε ≲ (L/(μp)) log(1/ε)", 1.0); }

/// Case (b), σ̄ = 0, bias-dominated: T ≈ ε^{−1/2} p^{−1} ln(C/ε) (the Õ hides a real logarithm,
/// [DER] by an exact modal computation, theory-rates §4c(b)): exponent 1/2 of T/ln(1/ε) in 1/ε.
inline Theorem dsgd_bias_in_eps() {
  return impl::dsgd("σ̄ = 0, bias-dominated: rounds to ε ∝ ζ̄ ln(C/ε)/(p√ε): T/ln(1/ε) ∝ ε^{−1/2}", 0.5);
}

/// Case (b): the same term, exponent 1 in 1/p (theory-rates §4c(b)).
inline Theorem dsgd_bias_in_p() { return impl::dsgd("σ̄ = 0, bias-dominated: rounds to ε ∝ ζ̄/(p√ε)", 1.0); }

/// Case (c), ζ̄ = 0, small ε: with a constant step T ≈ σ̄² ln(1/ε)/(μnε), exponent 1 of
/// T/ln(1/ε) in 1/ε (theory-rates §4c(c)).
inline Theorem dsgd_noise_in_eps() {
  return impl::dsgd("ζ̄ = 0, noise-dominated: rounds to ε ∝ σ̄² ln(1/ε)/(μnε): T/ln(1/ε) ∝ 1/ε", 1.0);
}

/// Case (c): linear speed-up, exponent −1 in n (theory-rates §4c(c)).
inline Theorem dsgd_noise_in_n() { return impl::dsgd("ζ̄ = 0, noise-dominated: rounds to ε ∝ σ̄²/(μnε)", -1.0); }

// ---------------------------------------------------------------- dual averaging (§8)

/// Distributed dual averaging: T(ε) = Õ(R²G²/(ε²(1 − σ2))): iterations to ε scale like
/// 1/(1 − σ2(P)) [REC: slope only] (Duchi, Agarwal & Wainwright 2012, Thm. 2, Cor. 2; §8).
inline Theorem dual_averaging() {
  return {.algorithm = "dual-averaging",
          .statement = "iterations to ε ∝ 1/(1 − σ2(P)) (up to logs)",
          .spectral_quantity = "1 − σ2(P)",
          .normalization = "P = I − L/(d_max + 1)",
          .source = "Duchi, Agarwal & Wainwright 2012, Thm. 2 and Cor. 2 (theory-rates.md §8)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 1.0};
}

/// Dual averaging on bounded-degree expanders (1 − σ2 = Θ(1)): T(ε) stays bounded as n grows,
/// exponent 0 in n [REC] (Duchi, Agarwal & Wainwright 2012, Cor. 2; theory-rates §8).
inline Theorem dual_averaging_expanders() {
  return {.algorithm = "dual-averaging",
          .statement = "iterations to ε = O(1) in n on bounded-degree expanders",
          .spectral_quantity = "1 − σ2(P) = Θ(1)",
          .normalization = "P = I − L/(d_max + 1)",
          .source = "Duchi, Agarwal & Wainwright 2012, Cor. 2 (theory-rates.md §8)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::bound,
          .value = 0.0};
}

/// Dual averaging, Thm. 2 with α(t) = R√(1 − σ2)/(4G√t):
///   B(T) = 8 (RG/√T) log(T√n)/√(1 − σ2(P))  bounds f(x̂_i(T)) − f*;
/// its constants 8 and 1/4 are [REC], so B is a reference value only (Duchi, Agarwal &
/// Wainwright 2012; theory-rates §8).
inline Theorem dual_averaging_envelope(double r, double g, Index n, double sigma2) {
  const double nodes = static_cast<double>(n);
  return {.algorithm = "dual-averaging",
          .statement = "f(x̂_i(T)) − f* ≤ 8 (RG/√T) log(T√n)/√(1 − σ2(P))",
          .spectral_quantity = "1 − σ2(P)",
          .normalization = "σ2(P) = ||P − J||₂",
          .source = "Duchi, Agarwal & Wainwright 2012, Thm. 2 (theory-rates.md §8)",
          .tag = Tag::REC,
          .kind = TheoremKind::envelope,
          .check = Check::report,
          .envelope = [r, g, nodes, sigma2](double t) {
            return 8 * r * g / std::sqrt(t) * std::log(t * std::sqrt(nodes)) / std::sqrt(1 - sigma2);
          }};
}

// ---------------------------------------------------------------- MSDA and optimal rates (§9a)

/// MSDA on quadratics: every mode contracts by at most 1 − 1/√κ_d per dual step [DER],
/// κ_d = κ_l (1 + c1^K)²/(1 − c1^K)² (Scaman et al. 2017; theory-rates §9a).
inline Theorem msda(double dual_condition) {
  return {.algorithm = "msda",
          .statement = "rate ≤ 1 − 1/√κ_d per dual step (K Chebyshev rounds each)",
          .spectral_quantity = "κ_d = κ_l (1 + c1^K)²/(1 − c1^K)²",
          .normalization = "c1 = (1 − √γ)/(1 + √γ), γ of M = I − W",
          .source = "Scaman, Bach, Bubeck, Lee & Massoulié 2017, Alg. 2 (theory-rates.md §9a)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = 1 - 1 / std::sqrt(dual_condition)};
}

/// MSDA in general: Nesterov's rate 1 − 1/√κ_d bounds the dual suboptimality per dual step
/// [SRC] (Scaman et al. 2017; theory-rates §9a).
inline Theorem msda_dual(double dual_condition) {
  return {.algorithm = "msda",
          .statement = "dual suboptimality ≤ C (1 − 1/√κ_d)^t (Nesterov on the dual)",
          .spectral_quantity = "κ_d = κ_l (1 + c1^K)²/(1 − c1^K)²",
          .normalization = "c1 = (1 − √γ)/(1 + √γ), γ of M = I − W",
          .source = "Scaman, Bach, Bubeck, Lee & Massoulié 2017, Alg. 2; Nesterov on the dual (theory-rates.md §9a)",
          .tag = Tag::SRC,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = 1 - 1 / std::sqrt(dual_condition)};
}

namespace impl {
inline Theorem msda_scaling(std::string statement, std::string quantity, double exponent) {
  return {.algorithm = "msda",
          .statement = std::move(statement),
          .spectral_quantity = std::move(quantity),
          .normalization = "M = I − W",
          .source = "Scaman, Bach, Bubeck, Lee & Massoulié 2017, abstract: O(√κ_l (1 + τ/√γ) ln(1/ε)) "
                    "(theory-rates.md §9a)",
          .tag = Tag::SRC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = exponent};
}
}  // namespace impl

/// MSDA's optimal complexity: time to ε = O(√κ_l (1 + τ/√γ) ln(1/ε)), exponent 1 in
/// √κ_l (1 + 1/√γ) at τ = 1 [SRC, big-O: slope only] (Scaman et al. 2017, abstract; §9a).
inline Theorem msda_complexity() {
  return impl::msda_scaling("time to ε = O(√κ_l (1 + τ/√γ) ln(1/ε))", "γ = λ2⁺(M)/λmax(M)", 1.0);
}

/// The same bound: gradient (dual) steps to ε ∝ √κ_l, exponent 1/2 in κ_l [SRC] (§9a).
inline Theorem msda_gradient_steps() {
  return impl::msda_scaling("gradient steps to ε = O(√κ_l ln(1/ε))", "γ = λ2⁺(M)/λmax(M), κ_l", 0.5);
}

/// The same bound: communication rounds to ε ∝ √κ_l/√γ, exponent 1/2 in 1/γ [SRC] (§9a).
inline Theorem msda_communication_rounds() {
  return impl::msda_scaling("communication rounds to ε = O(√(κ_l/γ) ln(1/ε))", "γ = λ2⁺(M)/λmax(M)", 0.5);
}

/// The decentralized lower bound Ω(√κ_l (1 + τ/√γ) ln(1/ε)), worst-case over instances with a
/// [REC] constant: never asserted (Scaman et al. 2017, Thm. 2; theory-rates §9a).
inline Theorem decentralized_lower_bound() {
  return {.algorithm = "msda",
          .statement = "time to ε = Ω(√κ_l (1 + τ/√γ) ln(1/ε)) on a worst-case instance",
          .spectral_quantity = "γ = λ2⁺(M)/λmax(M)",
          .normalization = "M = I − W",
          .source = "Scaman et al. 2017, Thm. 2 (lower bound Ω(√κ_l (1 + τ/√γ) ln(1/ε))) (theory-rates.md §9a)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::report,
          .value = 1.0};
}

// ---------------------------------------------------------------- compression (§10)

/// CHOCO-Gossip at the consistent step γ* = ρδ/(16ρ + ρ² + 4β² + 2ρβ² − 8ρδ) (choco_theory_gamma):
/// the Lyapunov error E[||X − X̄||² + ||X − X̂||²] contracts by at most 1 − ρ²δ/82 per round,
/// ρ = 1 − ||W − J||₂ [DER: the proof chain of Koloskova, Lin, Stich & Jaggi, ICLR 2020,
/// reconstructed and grid-checked; theory-rates §10, "Corrected statement"].
inline Theorem choco_gossip(double spectral_gap, double delta) {
  return {.algorithm = "choco-gossip",
          .statement = "at γ*, E[||X − X̄||² + ||X − X̂||²] contracts by 1 − ρ²δ/82 per round",
          .spectral_quantity = "ρ = 1 − ||W − J||₂ (spectral gap), δ (compression quality)",
          .normalization = "W doubly stochastic",
          .source = "Koloskova, Lin, Stich & Jaggi, ICLR 2020, consensus rate ρ²δ/82, at the consistent step γ* = "
                    "ρδ/D of its proof (theory-rates.md §10, corrected statement)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = 1 - spectral_gap * spectral_gap * delta / 82};
}

/// The statement as printed in ICLR'20 (Thm. 4.1, "from Koloskova et al., 2019"): at
/// γ_printed = ρ²δ/D the consensus error decays like (1 − ρ²δ/82)^t. An erratum [DER]: with
/// Q = identity the exact per-round factor is max_{k≥2}(1 − γ(1 − λ_k))², whose decay
/// 1 − r ≈ 2γρ = O(ρ³) is below ρ²/82 on Metropolis rings from n = 17 on (theory-rates §10(c)).
/// `value` is the claimed decay per round ρ²δ/82; the evidence is the exact decay (equality).
inline Theorem choco_gossip_printed(double spectral_gap, double delta) {
  return {.algorithm = "choco-gossip",
          .statement = "as printed: at γ = ρ²δ/D the consensus error decays by ≥ ρ²δ/82 per round",
          .spectral_quantity = "ρ = 1 − ||W − J||₂ (spectral gap), δ (compression quality)",
          .normalization = "W doubly stochastic",
          .source = "Koloskova, Lin, Stich & Jaggi, ICLR 2020, Thm. 4.1 (γ and c = ρ²δ/82 as printed); evidence: "
                    "exact rate of ((1 − γ)I + γW) (theory-rates.md §10(c), [DER])",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::equal,
          .value = spectral_gap * spectral_gap * delta / 82,
          .erratum = true};
}

/// What the printed step does support: at γ_printed = ρ·γ* the proof chain gives
/// E e_{t+1} ≤ (1 − γρ/2) e_t, so a contraction ≤ 1 − ρ³δ/82 [DER] (theory-rates §10, corrected
/// statement).
inline Theorem choco_gossip_printed_supported(double spectral_gap, double delta) {
  return {.algorithm = "choco-gossip",
          .statement = "at the printed γ = ρ·γ*, E[||X − X̄||² + ||X − X̂||²] contracts by 1 − ρ³δ/82 per round",
          .spectral_quantity = "ρ = 1 − ||W − J||₂ (spectral gap), δ (compression quality)",
          .normalization = "W doubly stochastic",
          .source = "theory-rates.md §10: the proof chain of Koloskova et al. ICLR 2020 at γ = ρ·γ*",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::bound,
          .value = 1 - spectral_gap * spectral_gap * spectral_gap * delta / 82};
}

/// CHOCO-Gossip with Q = identity (δ = 1) and X̂_0 = 0: after the first round, which only fills
/// X̂, X_{t+1} = ((1 − γ)I + γW) X_t holds exactly [DER, ICML'19 Alg. 1] (theory-rates §10(d)).
/// `value` is the rounding allowance on the relative deviation of the trajectories, 1e-12.
inline Theorem choco_identity_recursion() {
  return {.algorithm = "choco-gossip",
          .statement = "with Q = identity, X_{t+1} = ((1 − γ)I + γW) X_t exactly after the first round",
          .spectral_quantity = "none",
          .source = "Koloskova, Stich & Jaggi, ICML 2019, Alg. 1 with Q = identity (theory-rates.md §10(d))",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1e-12};
}

namespace impl {
inline Theorem choco_rounds(std::string statement, double exponent) {
  Theorem th = choco_gossip(std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN());
  th.statement = std::move(statement);
  th.kind = TheoremKind::exponent;
  th.check = Check::slope;
  th.value = exponent;
  return th;
}
}  // namespace impl

/// CHOCO-Gossip: rounds to ε = O(log(1/ε)/(ρ²δ)), exponent (at most) 1 in 1/δ [SRC, upper
/// bound: slope ≤] (theory-rates §10(b)).
inline Theorem choco_gossip_rounds_delta() {
  return impl::choco_rounds("rounds to ε = O(log(1/ε)/(ρ²δ)): exponent 1 in 1/δ", 1.0);
}

/// CHOCO-Gossip: rounds to ε = O(log(1/ε)/(ρ²δ)), exponent (at most) 2 in 1/ρ [SRC] (§10(b)).
inline Theorem choco_gossip_rounds_gap() {
  return impl::choco_rounds("rounds to ε = O(log(1/ε)/(ρ²δ)): exponent 2 in 1/ρ", 2.0);
}

/// CHOCO-Gossip at the printed step ρ·γ*: rounds to ε = O(log(1/ε)/(ρ³δ)), exponent (at most) 3
/// in 1/ρ [DER, the chain at γ = ρ·γ*] (theory-rates §10(c)).
inline Theorem choco_gossip_rounds_gap_printed() {
  Theorem th = impl::choco_rounds("at the printed γ, rounds to ε = O(log(1/ε)/(ρ³δ)): exponent 3 in 1/ρ", 3.0);
  th.tag = Tag::DER;
  th.source = "theory-rates.md §10(c): the proof chain of Koloskova et al. ICLR 2020 at the printed γ = ρ·γ*";
  return th;
}

/// CHOCO-SGD, strongly convex, decreasing steps: f(x̄_T) − f* = O(1/(nT) + 1/(Tδ²ω)²), δ the
/// eigengap, ω the compression quality (ICML'19 notation); exponent −1 in T [SRC, big-O]
/// (Koloskova, Stich & Jaggi, ICML 2019, abstract; theory-rates §10).
inline Theorem choco_sgd() {
  return {.algorithm = "choco-sgd",
          .statement = "f(x̄_T) − f* = O(1/(nT) + 1/(T δ² ω)²) with decreasing steps",
          .spectral_quantity = "δ = 1 − ||W − J||₂ (eigengap), ω (compression quality)",
          .normalization = "ICML'19 notation",
          .source = "Koloskova, Stich & Jaggi, ICML 2019 (theory-rates.md §10)",
          .tag = Tag::SRC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = -1.0};
}

// ---------------------------------------------------------------- asynchronous optimization (§9c, §9d)

/// DADAO: O(n √(χ1χ2) √(L/μ) log(1/ε)) communications and O(n √(L/μ) log(1/ε)) gradients [SRC,
/// big-O: slopes only] (Nabli & Oyallon 2023; theory-rates §9c).
inline Theorem dadao_communications() {
  return {.algorithm = "dadao",
          .statement = "communications to ε = O(n √(χ1χ2) √κ log(1/ε))",
          .spectral_quantity = "√(χ1χ2)",
          .normalization = "Λ = L/|E|",
          .source = "Nabli & Oyallon, ICML 2023 (theory-rates.md §9c)",
          .tag = Tag::SRC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 1.0};
}
inline Theorem dadao_gradients() {
  return {.algorithm = "dadao",
          .statement = "gradients to ε = O(n √κ log(1/ε))",
          .spectral_quantity = "κ = L/μ",
          .source = "Nabli & Oyallon, ICML 2023 (theory-rates.md §9c)",
          .tag = Tag::SRC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 0.5};
}

/// Asynchronous gossip SGD (AD-PSGD; Lian, Zhang, Zhang & Liu, ICML 2018): with a step ∝ 1/√K,
/// (1/K) Σ_k E||∇f(x̄_k)||² = O(1/√K), K the total number of updates: exponent −1/2 in K [SRC for
/// the O(1/√K), abstract; constants and thresholds REC: slopes only] (theory-rates §5a).
inline Theorem async_sgd_rate() {
  return {.algorithm = "async-sgd",
          .statement = "(1/K) Σ_k E||∇f(x̄_k)||² = O(1/√K) with a step ∝ 1/√K",
          .spectral_quantity = "λ2(E[W_kᵀW_k]) = λ2(W̄) (pairwise averaging)",
          .normalization = "K = total gradient updates",
          .source = "Lian, Zhang, Zhang & Liu, ICML 2018 (AD-PSGD), O(1/√K) (theory-rates.md §5a)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = -0.5};
}

/// AD-PSGD's linear speed-up: at a fixed number of updates per worker, the averaged squared
/// gradient norm falls like 1/√n when σ dominates (exponent −1/2 in n) [REC] (theory-rates §5a).
inline Theorem async_sgd_speedup() {
  Theorem th = async_sgd_rate();
  th.statement = "linear speed-up: at K updates per worker, (1/(nK)) Σ_k E||∇f(x̄_k)||² ∝ 1/√(nK)";
  th.normalization = "K = gradient updates per worker; only the sign of the slope is asserted";
  return th;
}

/// A²CiD² on a graph with χ1 = χ2 (complete graphs, Λ = L/|E|): β̃ = ½√(χ1/χ2) = ½, so x̃ takes
/// the same jumps as x and x̃ ≡ x; the method is then exactly pairwise gossip on the same event
/// stream [DER] (theory-rates §9d, §11). `value` is the rounding allowance, 1e-12.
inline Theorem a2cid2_complete_identity() {
  return {.algorithm = "a2cid2",
          .statement = "with χ1 = χ2, x̃ ≡ x and A²CiD² equals pairwise gossip event by event",
          .spectral_quantity = "χ1 = χ2 (complete graphs)",
          .normalization = "Λ = L/|E|",
          .source = "derived from Nabli, Belilovsky & Oyallon, NeurIPS 2023, with β̃ = ½√(χ1/χ2) (theory-rates.md §9d)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1e-12};
}

/// A²CiD²: the momentum improves the graph factor from χ1 to √(χ1χ2): the speed-up over plain
/// asynchronous gossip grows like √(χ1/χ2) (∝ n on rings) [REC: slope only] (§9d).
inline Theorem a2cid2_speedup() {
  return {.algorithm = "a2cid2",
          .statement = "speed-up over plain asynchronous gossip ∝ √(χ1/χ2) (∝ n on rings)",
          .spectral_quantity = "√(χ1/χ2)",
          .normalization = "Λ = L/|E| (ACiD's code uses Λ = r(I − D⁻¹A))",
          .source = "Nabli, Belilovsky & Oyallon, NeurIPS 2023 (theory-rates.md §9d)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 1.0};
}

/// A²CiD²'s speed-up on real threads, in wall-clock time, is within a factor 2 of the
/// simulator's: the threads backend applies the simulator's events (runtime/accelerated.hpp) on
/// paced clocks, so the decay time constants in wall seconds are the simulated ones times
/// --time-unit, up to the workers' skew and the sampling (issue 17, item 4). `value` is the factor.
inline Theorem a2cid2_wall_speedup() {
  return {.algorithm = "a2cid2",
          .statement = "wall-clock speed-up on the threads backend = the simulator's, within a factor 2",
          .spectral_quantity = "√(χ1/χ2)",
          .normalization = "node clocks at rate 1 per node (on a ring the same Λ as edge clocks)",
          .source = "issue 17 item 4: the real backend applies the simulator's events (docs/distributed.md)",
          .tag = Tag::REC,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 2.0};
}

// ---------------------------------------------------------------- time-varying networks (§4c, §9b)

/// The one-peer exponential graph (node i averages with i + 2^(t mod log2 n)) averages exactly
/// in log2 n rounds when n is a power of two: the product of the log2 n rounds is J [DER]
/// (theory-rates §4c; a butterfly). `value` is the rounding allowance on ||W_{k−1}⋯W_0 − J||₂.
inline Theorem one_peer_exact_averaging() {
  return {.algorithm = "gossip",
          .statement = "for n = 2^k, W_{k−1}⋯W_0 = J: exact averaging in log2 n rounds",
          .spectral_quantity = "||W_{k−1}⋯W_0 − J||₂",
          .source = "derived: the one-peer exponential graph is a butterfly for n = 2^k (theory-rates.md §4c)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1e-14};
}

/// A necessary condition on the sequence: if no round uses an edge across a cut (S, S̄), every
/// W_t is block diagonal over it, so the two sides' averages never change and the gap between
/// them is invariant [DER]. `value` is the rounding allowance on the change of the gap.
inline Theorem cut_gap_invariance() {
  return {.algorithm = "gossip",
          .statement = "with no edge across a cut in any round, the gap between the two sides' averages is invariant",
          .spectral_quantity = "the cut (S, S̄)",
          .source = "derived: W_t block diagonal over (S, S̄) keeps 1_Sᵀx/|S| and 1_S̄ᵀx/|S̄| (theory-rates.md §4c)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1e-12};
}

/// Koloskova et al.'s p for i.i.d. rounds: 1 − p = λmax((I − J)E[WᵀW](I − J)), so
/// E‖(W − J)X‖² ≤ (1 − p)‖X − X̄‖² with equality on the top eigenvector, and
/// E‖X_t − X̄‖² ≤ (1 − p)^t ‖X_0 − X̄‖² [DER] (theory-rates §4c, §2). Checked against Monte Carlo
/// means within 5 SE.
inline Theorem expected_contraction() {
  return {.algorithm = "gossip",
          .statement = "E||(W - J)X||² <= (1 - p)||X - X̄||², equality on the top eigenvector; E||X_t - X̄||² <= (1 - p)^t ||X_0 - X̄||²",
          .spectral_quantity = "1 − p = λmax((I − J)E[WᵀW](I − J))",
          .normalization = "i.i.d. rounds, τ = 1",
          .source = "derived from Koloskova et al., ICML 2020, Assumption 4 (theory-rates.md §4c, §2)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::equal};
}

/// The exact second moment of i.i.d. rounds: Σ_{t+1} = E[W Σ_t Wᵀ], E‖X_t − X̄‖² =
/// tr((I − J)Σ_t(I − J)) (the lifted propagation; its decay per round lies in [(1 − p)², 1 − p])
/// [DER] (theory-rates §2).
inline Theorem lifted_second_moment() {
  return {.algorithm = "gossip",
          .statement = "E||X_t - X̄||² = tr((I - J)Σ_t(I - J)), Σ_{t+1} = E[W Σ_t Wᵀ]",
          .spectral_quantity = "the lifted operator Σ ↦ E[W Σ Wᵀ]",
          .normalization = "i.i.d. rounds",
          .source = "derived: the second moment of a product of i.i.d. matrices (theory-rates.md §2)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::equal};
}

/// DIGing over time-varying B-connected graphs with a fixed step converges R-linearly to the
/// exact minimizer ([SRC], the abstract; Thm. 10's constants are [REC], theory-rates §6a).
/// `value` is unused: a row states the accuracy it asserts.
inline Theorem diging_time_varying() {
  return {.algorithm = "gradient-tracking",
          .statement = "fixed step, time-varying B-connected graphs: R-linear convergence to the exact minimizer",
          .spectral_quantity = "δ = sup σmax(W(k)⋯W(k−B+1) − J)",
          .source = "Nedić, Olshevsky & Shi, SIAM J. Optim. 27(4), 2017, abstract and Thm. 10 (theory-rates.md §6a)",
          .tag = Tag::SRC,
          .kind = TheoremKind::rate,
          .check = Check::bound};
}

/// The same method's rate per round degrades as the window B grows (theory-rates §6a, check (c);
/// Thm. 10's λ = (δ + O(√α))^{1/B}) [REC: the sign of a slope only]: the gap 1 − r_B does not
/// grow with B.
inline Theorem diging_window_degradation() {
  Theorem th = diging_time_varying();
  th.statement = "the rate per round degrades monotonically as B grows";
  th.tag = Tag::REC;
  th.kind = TheoremKind::exponent;
  th.check = Check::slope;
  th.value = 0;
  return th;
}

/// ADOM+'s communication rounds to ε grow like χ̄ √(L/μ) ln(1/ε) (Kovalev et al. 2021; the
/// lower bound's order): exponent 1 in χ̄ at fixed κ [REC: slope only] (theory-rates §9b).
inline Theorem adom_plus_rounds_chi() {
  return {.algorithm = "adom-plus",
          .statement = "communication rounds to ε = O(χ √(L/μ) ln(1/ε)) over time-varying networks",
          .spectral_quantity = "χ̄ ≥ λmax(G_t)/λmin⁺(G_t) for every t",
          .normalization = "G_t = (I − W_t)/c, λmax(G_t) ≤ 1",
          .source = "Kovalev, Gasanov, Gasnikov & Richtárik, NeurIPS 2021, arXiv:2106.04469 (theory-rates.md §9b)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = 1.0};
}

/// The same bound's exponent ½ in κ = L/μ at a fixed schedule [REC: slope only] (§9b).
inline Theorem adom_plus_rounds_kappa() {
  Theorem th = adom_plus_rounds_chi();
  th.statement = "communication rounds to ε = O(χ √κ ln(1/ε)): exponent 1/2 in κ = L/μ";
  th.value = 0.5;
  return th;
}

/// The lower bound Ω(χ √(L/μ) ln(1/ε)) communication rounds over time-varying networks, with a
/// [REC] constant: reported, never asserted (Kovalev et al. 2021; theory-rates §9b).
inline Theorem time_varying_lower_bound() {
  Theorem th = adom_plus_rounds_chi();
  th.statement = "communication rounds to ε = Ω(χ √(L/μ) ln(1/ε)) on a worst-case instance and schedule";
  th.check = Check::report;
  return th;
}

// ---------------------------------------------------------------- decoupled greedy learning (docs/dgl.md)

/// Full-batch synchronous decoupled training with constant steps η_i from zero heads: near the
/// greedy heads the iteration is linear with a block lower-triangular Jacobian whose diagonal
/// blocks are I − η_i H_i (module j reads the outputs of module j − 1 of the same iteration), so
/// module j converges at max_{i ≤ j} ρ(I − η_i H_i) [DER] (docs/dgl.md). `rate` is that maximum,
/// H_i restricted to the directions the iteration moves in; checked on the exponent −log(rate).
inline Theorem dgl_full_batch_rate(double rate) {
  return {.algorithm = "dgl-full-batch",
          .statement = "module j converges linearly at max_{i <= j} rho(I - eta_i H_i)",
          .spectral_quantity = "ρ(I − η_i H_i), H_i = ∇²L_i(A_i*)",
          .normalization = "per full-batch iteration",
          .source = "derived: block lower-triangular Jacobian of the decoupled iteration (docs/dgl.md)",
          .tag = Tag::DER,
          .kind = TheoremKind::rate,
          .check = Check::equal,
          .value = rate};
}

/// The same iteration converges to the greedy heads in every module: after T iterations with
/// T·(−log ρ_j) ≥ log(10¹⁰), ‖A_j − A_j*‖_F/‖A_j*‖_F ≤ 10⁻⁸ (`value`) [DER] (docs/dgl.md).
inline Theorem dgl_full_batch_convergence() {
  return {.algorithm = "dgl-full-batch",
          .statement = "every module reaches the greedy head: ||A_j - A_j*|| / ||A_j*|| <= 1e-8",
          .spectral_quantity = "max_{i ≤ j} ρ(I − η_i H_i)",
          .source = "derived: linear convergence of the decoupled iteration (docs/dgl.md)",
          .tag = Tag::DER,
          .kind = TheoremKind::quantity,
          .check = Check::bound,
          .value = 1e-8};
}

/// SGD on a μ-strongly convex L-smooth objective with steps c/(t + t0), c ≥ 1/μ (2cμ > 1) and
/// t0 ≥ cL: E‖A_t − A*‖² = O(1/t), exponent −1 in t (Bottou, Curtis & Nocedal, SIAM Review 60,
/// 2018, Thm. 4.7, on F(A_t) − F*, with ‖A − A*‖² ≤ 2(F − F*)/μ; the exponent is −2cμ when
/// 2cμ < 1) [REC: slope only]. In decoupled training module j's inputs move with the upstream
/// heads, whose error is O(1/√t) too, so every module keeps the exponent (docs/dgl.md).
inline Theorem dgl_sgd_rate() {
  return {.algorithm = "dgl-sync",
          .statement = "E||A_j(t) - A_j*||² = O(1/t) with steps c/(t + t0), c >= 1/λ, t0 >= c L_j",
          .spectral_quantity = "2cμ > 1 (μ = λ)",
          .normalization = "t = SGD steps of module j",
          .source = "Bottou, Curtis & Nocedal, SIAM Review 2018, Thm. 4.7 (recalled); decoupled modules: "
                    "Belilovsky, Eickenberg & Oyallon, ICML 2020",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = -1.0};
}

/// Asynchronous DGL with replay buffers converges to the greedy heads with decreasing steps
/// (Belilovsky, Leconte, Caccia, Eickenberg & Oyallon, arXiv 2106.06401; recalled) [REC].
/// Asserted only as convergence: the slope of E‖A_j − A_j*‖² against time over the last decade
/// is at most `value` = −½ (i.i.d. samples would give −1; replayed items are not independent).
inline Theorem dgl_async_converges() {
  return {.algorithm = "dgl-async",
          .statement = "asynchronous DGL with replay buffers converges to the greedy heads (decreasing steps)",
          .spectral_quantity = "buffer size M, replay policy, module rates",
          .normalization = "slope of E||A_j - A_j*||² in simulated time, last decade",
          .source = "Belilovsky, Leconte, Caccia, Eickenberg & Oyallon, arXiv 2106.06401 (recalled)",
          .tag = Tag::REC,
          .kind = TheoremKind::exponent,
          .check = Check::slope,
          .value = -0.5};
}

/// The claim of arXiv 2106.06401 that a replay buffer makes asynchronous DGL robust to a slow
/// module, and the effect of quantized activations on accuracy: measurements to report, no
/// bound to assert [REC].
inline Theorem dgl_buffer_robustness() {
  Theorem th = dgl_async_converges();
  th.statement = "a replay buffer makes asynchronous DGL robust to a slow module (accuracy at equal time)";
  th.check = Check::report;
  return th;
}

}  // namespace theorems
}  // namespace adonis
