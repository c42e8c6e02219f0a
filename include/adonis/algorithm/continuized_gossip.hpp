// SPDX-License-Identifier: BSD-3-Clause
/// @file continuized_gossip.hpp
/// @brief Continuized accelerated gossip (Even, Berthier, Bach, Flammarion, Hendrikx, Gaillard,
///        Massoulié, Taylor, NeurIPS 2021, arXiv:2106.07644) on the event engine.
///
/// Each node holds x_i (the estimate of the average) and a momentum variable x̃_i, both starting
/// at x_i(0). Between events they mix by the ODE dx = η(x̃ − x)dt, dx̃ = η(x − x̃)dt
/// (continuous_momentum.hpp: closed form, lazily per node). When the clock of edge e = (i, j)
/// ticks, both take a gossip "gradient step" (the dual stochastic gradient step of the paper's
/// gossip-as-energy-minimization, see below):
///   x_i ← x_i + c_e (x_j − x_i),   x_j ← x_j − c_e (x_j − x_i),   c_e = R_e / (2 R_max)
///   x̃_i ← x̃_i + γ̃ (x_j − x_i),    x̃_j ← x̃_j − γ̃ (x_j − x_i),
/// which, read at the event times, is Nesterov's scheme with random parameters (the paper's
/// "discretization with random parameters"). Parameters, with Λ the rate Laplacian of the
/// engine's clocks (theory-rates.md §0, §3b), λ = λ2⁺(Λ), R_e = (e_i − e_j)ᵀΛ⁺(e_i − e_j) (no ½)
/// and R_max = max_e R_e = 2χ2:
///   γ̃ = 1/√(2 λ R_max) = ½ √(χ1/χ2),   c_e = R_e/(2 R_max),
///   η = λ γ̃ = √(λ/(2 R_max)) = 1/(2√(χ1χ2))            (default, EtaRule::coupled)
///   η = √(λ/R_max) = 1/√(2 χ1 χ2)                        (EtaRule::dadao).
/// γ̃, c_e and the dadao η are the continuized optimizer's constants η = √(λ/R_max)·√(μ/L),
/// γ = μ/(2R_max) (times R_e on the primal jump), γ̃ = √(Lμ/(2λR_max)), reimplemented from
/// pp. 30–32 of the paper in AdelNabli/DADAO (optimizers.py, Continuized_optimizer, "with a
/// factor-2 typo of eq. (63) corrected"; [SRC: code]), specialized to averaging: f_i(x) =
/// ½‖x − c_i‖² (μ = L = 1), whose dual iterate ∇f_i*(y_i) = c_i + y_i is our x_i. The paper's
/// own text was not available here. FINDING (docs/algorithms/continuized-gossip.md): with the
/// dadao η the iteration is not mean-square stable on large rings (ring:128, Λ = L/|E|: at
/// t = 60000 ‖e‖²/‖e0‖² is 60 to 3·10⁷ over 3 seeds while the coupled rule reaches 1e-11), and
/// its time to 1e-6 grows with local log-log slopes 2.2 then 2.5 from n = 16 to 32 to 64. The default keeps γ̃ and couples η = μγ̃ with μ = λ, the relation of
/// the continuized Nesterov method for strongly convex deterministic gradients (γ' = 1/√(μL),
/// η = √(μ/L) = μγ', [REC]); it is √2 smaller, and coincides with A²CiD²'s η (a2cid2.hpp). On a
/// graph whose edges all have the same resistance (rings, tori, complete graphs) c_e = ½: the
/// x-step is exact pairwise averaging, and the default method equals A²CiD² in gossip mode.
/// Rate [REC]: E‖e(t)‖² decays like exp(−c t/√(χ1χ2)) instead of plain gossip's
/// exp(−t/(2χ1)) (on a ring with Λ = L/|E|: time ∝ n² instead of n³).
///
/// Average [DER]: the jumps are antisymmetric in (i, j) and the ODE keeps x_i + x̃_i, so
/// Σ(x_i + x̃_i) is constant and D = Σ(x_i − x̃_i) obeys dD = −2ηD dt with D(0) = 0: the network
/// average of x is preserved exactly (to rounding), also with latency, drops and churn.
///
/// Latency: an exchange that starts at t computes Δ = x_j(t) − x_i(t) and applies the two jumps
/// (scaled Δ) at delivery, after bringing both nodes to the delivery time.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <utility>

#include "adonis/algorithm/continuous_momentum.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/sim/async.hpp"

namespace adonis {

/// How ContinuizedGossip chooses its ODE rate η when none is given (see the file comment).
enum class EtaRule {
  coupled,  ///< η = λ2(Λ)·γ̃ = 1/(2√(χ1χ2)): the default (mean-square stable in our tests)
  dadao,    ///< η = √(λ2(Λ)/R_max) = 1/√(2χ1χ2), as in the DADAO reimplementation (unstable on ring:128)
};

/// Options of ContinuizedGossip. The zero defaults select the parameters of the file comment.
struct ContinuizedGossipOptions {
  /// ODE mixing rate η (per unit of simulated time); 0 selects it by `eta_rule`.
  double eta = 0;
  EtaRule eta_rule = EtaRule::coupled;
  /// Momentum jump γ̃; 0 selects γ̃ = ½ √(χ1/χ2).
  double momentum_step = 0;
  /// true: x-jump c_e = R_e/(2 R_max) (the paper's); false: c_e = ½ (exact pairwise averaging).
  bool resistance_weights = true;
  void validate() const {
    if (!(eta >= 0) || !std::isfinite(eta)) detail::fail("ContinuizedGossip", "eta must be finite and >= 0 (got ", eta, ")");
    if (!(momentum_step >= 0) || !std::isfinite(momentum_step))
      detail::fail("ContinuizedGossip", "momentum_step must be finite and >= 0 (got ", momentum_step, ")");
  }
};

/// Continuized accelerated gossip on a static graph (see the file comment). No computation
/// clocks: the engine is built with compute rate 0. iterates() is x at the engine's current
/// time (every node integrated to it, computed on demand and cached).
class ContinuizedGossip : public AsyncAlgorithm<ContinuizedGossip> {
 public:
  /// @throws InvalidArgument for invalid options; InvalidTopology if the graph is disconnected.
  template <int = 0>
  ContinuizedGossip(const Graph& g, sim::EngineOptions options, ContinuizedGossipOptions opt = {})
      : AsyncAlgorithm(sim::EventEngine(g, sim::without_compute(std::move(options)))), m_options(opt) {
    m_options.validate();
    const ClockQuantities q = clock_quantities(engine());
    m_quantities = q;
    const auto& edges = engine().edges();
    const std::vector<double> r = effective_resistances(rate_laplacian(engine()), edges);
    const double rmax = *std::max_element(r.begin(), r.end());
    const auto n = static_cast<std::uint64_t>(num_nodes());
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const double c = m_options.resistance_weights ? r[e] / (2 * rmax) : 0.5;
      const auto u = static_cast<std::uint64_t>(edges[e].first), v = static_cast<std::uint64_t>(edges[e].second);
      m_weight[u * n + v] = c;
      m_weight[v * n + u] = c;
    }
    m_momentum_step = m_options.momentum_step > 0 ? m_options.momentum_step : 0.5 * std::sqrt(q.chi1 / q.chi2);
    if (m_options.eta > 0) m_eta = m_options.eta;
    else if (m_options.eta_rule == EtaRule::dadao) m_eta = 1 / std::sqrt(2 * q.chi1 * q.chi2);
    else m_eta = q.lambda2 * 0.5 * std::sqrt(q.chi1 / q.chi2);
  }

  /// Starts from x = x̃ = X0 (n x d) at time 0 and replays the event stream from its seed.
  void init(const Iterates<double>& x0) {
    detail::check_iterates("ContinuizedGossip::init", x0, num_nodes());
    m_state.reset(x0, m_eta);
    m_pool.clear(x0.cols());
    m_delta.resize(x0.cols());
    restart();
  }
  /// x at the engine's current time.
  const Iterates<double>& iterates() const { return m_state.x_at(engine().now()); }
  /// The momentum variable x̃ at the engine's current time.
  Iterates<double> momentum() const {
    Iterates<double> out;
    m_state.synced(engine().now(), out, true);
    return out;
  }
  double eta() const noexcept { return m_eta; }
  double momentum_step() const noexcept { return m_momentum_step; }
  /// χ1, χ2, λ2(Λ) of the engine's clocks, from which the parameters were computed.
  const ClockQuantities& quantities() const noexcept { return m_quantities; }
  const ContinuizedGossipOptions& options() const noexcept { return m_options; }
  /// The x-jump c_e of edge (i, j) (either order).
  /// @throws std::out_of_range if (i, j) is not an edge.
  double edge_weight(Index i, Index j) const {
    const auto n = static_cast<std::uint64_t>(num_nodes());
    return m_weight.at(static_cast<std::uint64_t>(i) * n + static_cast<std::uint64_t>(j));
  }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event&) {}
  void on_exchange(const sim::Event& e) {
    m_state.sync(e.i, e.time);
    m_state.sync(e.j, e.time);
    m_delta = m_state.x(e.j) - m_state.x(e.i);
    if (!engine().delayed()) {
      apply(e.i, e.j, m_delta);
      return;
    }
    const std::uint32_t token = m_pool.acquire();
    m_pool.row(token) = m_delta.transpose();
    mutable_engine().post(token, e.i, e.j);
  }
  void on_deliver(const sim::Event& e) {
    m_state.sync(e.i, e.time);
    m_state.sync(e.j, e.time);
    m_delta = m_pool.row(e.token).transpose();
    m_pool.release(e.token);
    apply(e.i, e.j, m_delta);
  }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_state.cols()); }

 private:
  // the two antisymmetric jumps of edge (i, j) with Δ = x_j − x_i (file comment)
  void apply(Index i, Index j, const Vector<double>& delta) {
    m_state.jump(i, j, delta, edge_weight(i, j), m_momentum_step);
  }

  ContinuizedGossipOptions m_options;
  ClockQuantities m_quantities;
  std::unordered_map<std::uint64_t, double> m_weight;  // c_e by (i, j), both orders
  double m_eta = 0, m_momentum_step = 0;
  detail::ContinuousMomentum m_state;
  PayloadPool m_pool;
  Vector<double> m_delta;
};

}  // namespace adonis
