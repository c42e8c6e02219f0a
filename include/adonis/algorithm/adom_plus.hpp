// SPDX-License-Identifier: BSD-3-Clause
/// @file adom_plus.hpp
/// @brief ADOM+ (Kovalev, Gasanov, Gasnikov & Richtárik, "Lower Bounds and Optimal Algorithms
///        for Smooth and Strongly Convex Decentralized Optimization Over Time-Varying
///        Networks", NeurIPS 2021, arXiv:2106.04469, Algorithm 2; theory-rates.md §9b): the
///        primal method that attains the lower bound O(χ √(L/μ) log(1/ε)) communication rounds
///        over networks whose links change arbitrarily, as long as every round is connected.
///
/// Each node i holds x_i, y_i, z_i, m_i and the extrapolated x_f, y_f, z_f (seven d-vectors).
/// With G_k = (I − W_k)/c the round's gossip matrix (c: the sequence's normalisation,
/// adom_gossip_bound; λmax(G_k) ≤ 1 and λmin⁺(G_k) ≥ 1/χ̄ in every round), F(x) = Σ_i f_i(x_i)
/// (each f_i L-smooth and μ-strongly convex), round k is
///   x_g = τ1 x + (1 − τ1) x_f,   y_g = σ1 y + (1 − σ1) y_f,   z_g = σ1 z + (1 − σ1) z_f,
///   x⁺ = x + ηα(x_g − x⁺) − η[∇F(x_g) − ν x_g − y⁺],
///   y⁺ = y + θβ[∇F(x_g) − ν x_g − y⁺] − θ[(y_g + z_g)/ν + x⁺],
///   z⁺ = z + γδ(z_g − z) − G_k[(γ/ν)(y_g + z_g) + m],
///   m⁺ = (γ/ν)(y_g + z_g) + m − G_k[(γ/ν)(y_g + z_g) + m],
///   x_f⁺ = x_g + τ2(x⁺ − x),   y_f⁺ = y_g + σ2(y⁺ − y),   z_f⁺ = z_g − ζ G_k(y_g + z_g).
/// The x⁺ and y⁺ lines are implicit in each other; they are solved in closed form (y⁺ first):
///   y⁺ = c1 [y + c2 ∇F(x_g) − c3 x_g − c4 x − (θ/ν)(y_g + z_g)],   x⁺ = c5 [x + ηα x_g − η(∇F(x_g) − ν x_g − y⁺)]
/// with c5 = 1/(1 + ηα), c4 = θ c5, c2 = θβ + θη c5, c3 = θ(βν + η(ν + α) c5),
/// c1 = 1/(1 + θβ + θη c5). Constants (theory-rates §9b, [SRC] from the authors' code; the same
/// in the DADAO authors' reimplementation, AdelNabli/DADAO optimizers.py):
///   τ2 = √(μ/L),  τ1 = 1/(√(L/μ) + ½),  σ2 = τ2/(16 χ̄),  σ1 = 1/(1/σ2 + ½),
///   η = 1/(L τ2),  α = μ/2,  β = 1/(2L),  δ = 1/(17L),  ν = μ/2,
///   γ = ν/(14 σ2 χ̄²),  θ = ν/(4 σ2),  ζ = ½.
/// Start: x = x_f = X_0, and y, z, m (and their f's) zero; z stays in the consensus-orthogonal
/// space {Σ_i z_i = 0} because 1ᵀG_k = 0. A round computes n gradients (at x_g) and sends two
/// d-vectors per edge direction (the two products by G_k share the round's W_k).
/// iterates() is x. One process only (the round pool's threads apply): the products by G_k
/// are computed as Laplacian differences, which runtime::MpiSequence's exchange does not offer. The rate is [REC]: the rounds to ε grow like χ̄ √(L/μ) log(1/ε) (the
/// lower bound's order, Thm. 2 of the paper); `rates --table time-varying` checks the slopes.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// The normalisation of a sequence's rounds for ADOM+: G_t = (I − W_t)/scale has λmax(G_t) ≤ 1
/// and λmin⁺(G_t) ≥ 1/chi in every round t (the paper's χ = λmax/λmin⁺ bound).
struct AdomGossipBound {
  double scale = 0;  ///< c ≥ λmax(I − W_t) for every t
  double chi = 0;    ///< χ̄ ≥ c / λmin⁺(I − W_t) for every t
  std::string source;  ///< where the two come from
};

/// The bound of a sequence that guarantees one: a sequence with `gossip_scale()` and
/// `chi_bound()` (RandomSpanningTreeSequence, AdversarialTreeSequence: every round is a
/// spanning tree of the base graph), or a static W (c = λmax(I − W), χ = λmax/λ2 of I − W, exact).
/// @throws InvalidArgument for a sequence that states no bound (its rounds may be disconnected:
///         random edges, matchings, B-connected schedules, link failures, one-peer exponential);
///         InvalidTopology for a static W whose graph is disconnected.
template <GraphSequence S>
AdomGossipBound adom_gossip_bound(const S& s) {
  if constexpr (requires {
                  { s.gossip_scale() } -> std::convertible_to<double>;
                  { s.chi_bound() } -> std::convertible_to<double>;
                }) {
    return {s.gossip_scale(), s.chi_bound(), "the sequence's bound (every round a spanning tree)"};
  } else if constexpr (std::is_same_v<S, StaticSequence>) {
    const SparseMatrix w(s.mixing(0));
    const LaplacianEnds e = laplacian_ends(sparse_identity(w.rows()) - w);
    if (!(e.lambda2 > 1e-12 * e.lambda_max))
      detail::fail<InvalidTopology>("AdomPlus", "the static graph must be connected (lambda2(I - W) = ", e.lambda2, ")");
    return {e.lambda_max, e.lambda_max / e.lambda2, "the static W's own (exact)"};
  } else {
    (void)s;
    detail::fail("AdomPlus",
                 "the sequence states no bound chi on lambda_max/lambda_min+ of its rounds (its rounds may be "
                 "disconnected); ADOM+ needs one: random-spanning-tree, adversarial-tree:K or static, or give "
                 "AdomPlusOptions::chi and gossip_scale");
  }
}

/// Options of AdomPlus. Zeros are filled in: μ and L from the problem's curvature bounds, χ̄ and
/// the scale from the sequence (adom_gossip_bound).
struct AdomPlusOptions {
  double mu = 0;            ///< μ: every f_i is μ-strongly convex (0: min_i λmin of the curvature lower bounds)
  double smoothness = 0;    ///< L: every f_i is L-smooth (0: max_i λmax of the curvature upper bounds)
  double chi = 0;           ///< χ̄ (0: the sequence's, adom_gossip_bound); give it with gossip_scale
  double gossip_scale = 0;  ///< c with λmax(I − W_t) ≤ c (0: the sequence's)
  /// With a given χ̄: check that every round's graph is connected (O(|E|) a round) and throw
  /// InvalidTopology naming the first one that is not. A sequence's own bound implies it.
  bool check_rounds = true;
  void validate() const {
    for (const auto& [name, v] : {std::pair{"mu", mu}, {"smoothness", smoothness}, {"chi", chi}, {"gossip_scale", gossip_scale}})
      if (!(v >= 0) || !std::isfinite(v)) detail::fail("AdomPlus", name, " must be finite and >= 0 (got ", v, ")");
    if ((chi > 0) != (gossip_scale > 0))
      detail::fail("AdomPlus", "chi and gossip_scale are given together (got chi = ", chi, ", gossip_scale = ",
                   gossip_scale, ")");
    if (chi > 0 && chi < 1) detail::fail("AdomPlus", "chi must be >= 1 (got ", chi, ")");
  }
};

/// ADOM+'s constants (see the file comment) for μ, L and χ̄.
struct AdomPlusConstants {
  double tau1, tau2, sigma1, sigma2, eta, alpha, beta, delta, nu, gamma, theta, zeta;
  double c1, c2, c3, c4, c5;  ///< the closed-form solution of the implicit x⁺, y⁺ lines
  /// @throws InvalidArgument unless 0 < μ ≤ L < ∞ and χ̄ ≥ 1.
  static AdomPlusConstants make(double mu, double L, double chi) {
    if (!(mu > 0) || !std::isfinite(mu)) detail::fail("AdomPlus", "mu must be finite and > 0 (got ", mu, ")");
    if (!(L >= mu) || !std::isfinite(L)) detail::fail("AdomPlus", "L must be finite and >= mu = ", mu, " (got ", L, ")");
    if (!(chi >= 1) || !std::isfinite(chi)) detail::fail("AdomPlus", "chi must be finite and >= 1 (got ", chi, ")");
    AdomPlusConstants k{};
    k.tau2 = std::sqrt(mu / L);
    k.tau1 = 1 / (std::sqrt(L / mu) + 0.5);
    k.sigma2 = k.tau2 / (16 * chi);
    k.sigma1 = 1 / (1 / k.sigma2 + 0.5);
    k.eta = 1 / (L * k.tau2);
    k.alpha = mu / 2;
    k.beta = 1 / (2 * L);
    k.delta = 1 / (17 * L);
    k.nu = mu / 2;
    k.gamma = k.nu / (14 * k.sigma2 * chi * chi);
    k.theta = k.nu / (4 * k.sigma2);
    k.zeta = 0.5;
    k.c5 = 1 / (1 + k.eta * k.alpha);
    k.c4 = k.theta * k.c5;
    k.c2 = k.theta * k.beta + k.theta * k.eta * k.c5;
    k.c3 = k.theta * (k.beta * k.nu + k.eta * (k.nu + k.alpha) * k.c5);
    k.c1 = 1 / (1 + k.theta * k.beta + k.theta * k.eta * k.c5);
    return k;
  }
};

/// ADOM+ over a graph sequence whose rounds are connected with a known χ̄.
/// @tparam Problem models DecentralizedObjective; it must outlive the algorithm.
/// @tparam Sequence models GraphSequence.
///
/// @code
///   const LogisticProblem p = ...;  // 16 nodes
///   AdomPlus alg(p, RandomSpanningTreeSequence(torus_graph(4, 4), 1));  // χ̄, c from the trees
///   Iterates<double> x = Iterates<double>::Zero(16, p.dim());
///   const RunResult r = alg.run(x, RunOptions{.max_rounds = 100000});
/// @endcode
template <DecentralizedObjective Problem, GraphSequence Sequence>
class AdomPlus : public Runnable<AdomPlus<Problem, Sequence>> {
 public:
  /// @throws InvalidArgument for invalid options, a problem without curvature bounds when μ or
  ///         L is not given, a sequence without a bound when χ̄ is not given (adom_gossip_bound);
  ///         DimensionMismatch if the node counts differ.
  AdomPlus(const Problem& problem, Sequence sequence, AdomPlusOptions options = {})
      : m_problem(&problem), m_sequence(std::move(sequence)), m_options(options) {
    m_options.validate();
    detail::check_nodes("AdomPlus", problem, m_sequence);
    if (const RowRange rows = detail::owned_rows(m_sequence); rows.begin != 0 || rows.end != m_sequence.num_nodes())
      detail::fail("AdomPlus", "runs on one process: its gossip is a Laplacian product, which the MPI halo exchange "
                               "does not provide yet");
    if (m_options.chi == 0) {
      const AdomGossipBound b = adom_gossip_bound(m_sequence);
      m_options.chi = b.chi;
      m_options.gossip_scale = b.scale;
      m_options.check_rounds = false;  // implied by the sequence's bound
    }
    double mu = m_options.mu, L = m_options.smoothness;
    if (mu == 0) {
      const std::optional<double> m = min_strong_convexity(problem);
      if (!m) detail::fail("AdomPlus", "mu must be given (> 0): the problem states no curvature bounds");
      mu = *m;
    }
    if (L == 0) L = detail::resolve_smoothness("AdomPlus", 0, problem);
    m_options.mu = mu;
    m_options.smoothness = L;
    m_k = AdomPlusConstants::make(mu, L, m_options.chi);
  }

  /// The options with the filled-in μ, L, χ̄ and scale.
  const AdomPlusOptions& options() const noexcept { return m_options; }
  const AdomPlusConstants& constants() const noexcept { return m_k; }

  void init(const Iterates<double>& x0) {
    detail::check_start("AdomPlus::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_x = x0;
    m_xf = x0;
    m_y.setZero(x0.rows(), x0.cols());
    m_z = m_m = m_yf = m_zf = m_y;
    m_counters = {};
  }
  void step() {
    const AdomPlusConstants& k = m_k;
    const SparseMatrix& w = m_sequence.mixing(m_counters.rounds);
    if (m_options.check_rounds && !is_connected(support_graph(w)))
      detail::fail<InvalidTopology>("AdomPlus", "round ", m_counters.rounds,
                                    " is disconnected: ADOM+ needs every round connected (its chi bound)");
    m_xg = k.tau1 * m_x + (1 - k.tau1) * m_xf;
    detail::stacked_gradients(*m_problem, m_xg, m_grad, detail::owned_rows(m_sequence));
    m_counters.gradients += m_x.rows();
    m_yg = k.sigma1 * m_y + (1 - k.sigma1) * m_yf;
    m_zg = k.sigma1 * m_z + (1 - k.sigma1) * m_zf;
    m_s = m_yg + m_zg;
    // y⁺ and x⁺ (closed form of the implicit pair)
    m_ynext = k.c1 * (m_y + k.c2 * m_grad - k.c3 * m_xg - k.c4 * m_x - (k.theta / k.nu) * m_s);
    m_xnext = k.c5 * (m_x + k.eta * k.alpha * m_xg - k.eta * (m_grad - k.nu * m_xg - m_ynext));
    m_xf = m_xg + k.tau2 * (m_xnext - m_x);
    m_yf = m_yg + k.sigma2 * (m_ynext - m_y);
    std::swap(m_x, m_xnext);
    std::swap(m_y, m_ynext);
    // the round's two gossip products: G a with a = (γ/ν)(y_g + z_g) + m, and G (y_g + z_g)
    m_a = (k.gamma / k.nu) * m_s + m_m;
    gossip(w, m_a, m_ga);
    gossip(w, m_s, m_gs);
    m_z += k.gamma * k.delta * (m_zg - m_z) - m_ga;
    m_m = m_a - m_ga;
    m_zf = m_zg - k.zeta * m_gs;
    detail::finish_round(m_counters, w, m_x.cols(), 2);
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }

 private:
  // out = G v = (I − W)v/c, as ((I − W)v)_i = Σ_{j≠i} W_ij (v_i − v_j) (laplacian_product): exact
  // on the consensus component, which m accumulates without bound (its mean grows by (γ/ν)·mean(s)
  // every round, s → −ν x* ≠ 0), where v − W v would leave ~1e-16·|v| of it (a 1e-11 floor).
  void gossip(const SparseMatrix& w, const Iterates<double>& v, Iterates<double>& out) {
    detail::laplacian_product(w, v, out);
    out *= -1 / m_options.gossip_scale;
  }

  const Problem* m_problem;
  Sequence m_sequence;
  AdomPlusOptions m_options;
  AdomPlusConstants m_k{};
  Iterates<double> m_x, m_y, m_z, m_m, m_xf, m_yf, m_zf, m_xg, m_yg, m_zg, m_s, m_a, m_ga, m_gs, m_grad,
      m_xnext, m_ynext;
  Counters m_counters;
};

}  // namespace adonis
