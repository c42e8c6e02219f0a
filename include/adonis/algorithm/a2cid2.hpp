// SPDX-License-Identifier: BSD-3-Clause
/// @file a2cid2.hpp
/// @brief A²CiD²: asynchronous gossip SGD with a continuous local momentum (Nabli, Belilovsky,
///        Oyallon, NeurIPS 2023, arXiv:2306.08289), on the event engine.
///
/// Each node keeps its model x_i and a momentum copy x̃_i, both starting at x_i(0). Between
/// events they mix by dx = η(x̃ − x)dt, dx̃ = η(x − x̃)dt (continuous_momentum.hpp: closed form,
/// lazily per node). After bringing the nodes involved to the event time:
///  - computation tick of node i: g = ∇f_i(x_i) (or a minibatch stochastic gradient), then
///    x_i ← x_i − α g and x̃_i ← x̃_i − α g (the same step on both);
///  - communication tick on (i, j), Δ = x_j − x_i:
///    x_i ← x_i + ½Δ, x_j ← x_j − ½Δ (pairwise averaging) and x̃_i ← x̃_i + β̃Δ, x̃_j ← x̃_j − β̃Δ.
/// This is the update of the authors' code (AdelNabli/ACiD: adp.py, p2p_averaging.py,
/// utils/acid_utils.py; [SRC: code]), with the parameters of utils/graph_utils.py
///   η = 1/(2√(χ1χ2)),   β̃ = ½√(χ1/χ2)   [SRC: code]
/// where χ1 = 1/λ2⁺(Λ), χ2 = max_e ½(e_i − e_j)ᵀΛ⁺(e_i − e_j) and Λ is the Laplacian of the
/// communication rates. Normalization: we take Λ = the rate Laplacian of the engine's actual
/// clocks (clock_quantities; Λ = L/|E| for edge clocks with comm_rate 1) and η in units of
/// simulated time. The ACiD code takes Λ = rate_com·(I − D⁻¹A) in units of one gradient step,
/// which is the same Laplacian (each node communicates rate_com times per gradient step) in other
/// time units; since χ1, χ2 scale like the time unit, η·t and β̃ do not depend on it: the two
/// normalizations give the same algorithm. With equal edge resistances the communication update
/// is ContinuizedGossip's with η smaller by √2 (theory-rates.md §3b, §9d).
///
/// Rate [REC]: the graph factor of asynchronous gossip improves from χ1 to √(χ1χ2) (∝ n instead
/// of n² on a ring, relative to the communication rate). Pure gossip mode (Problem = GossipOnly,
/// no computation clocks) preserves the network average exactly (same argument as
/// ContinuizedGossip: antisymmetric jumps, D = Σ(x_i − x̃_i) ≡ 0).
///
/// Latency: Δ is computed when an exchange starts and both jumps are applied at delivery.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/continuous_momentum.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/sim/async.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// Tag for A2cid2 without an objective: pure averaging (no computation clocks).
struct GossipOnly {};

/// Options of A2cid2. Zero η and β̃ select the paper's values (file comment).
struct A2cid2Options {
  /// Constant step α of the gradient steps. 0 selects α = 1/(8 L_max) (AsyncGossipSgd's rule),
  /// which then needs `smoothness` (computed from the problem's curvature bounds when left at 0).
  /// Ignored in pure gossip mode.
  double step_size = 0;
  double smoothness = 0;    ///< L_max = max_i L_i, used only by the default step rule
  bool stochastic = false;  ///< use the objective's stochastic_gradient (minibatches)
  double eta = 0;           ///< ODE mixing rate η; 0 selects 1/(2√(χ1χ2))
  double beta_tilde = 0;    ///< momentum jump β̃; 0 selects ½√(χ1/χ2)
  /// Validates; `gossip_only` skips the step-size fields.
  void validate(bool gossip_only = false) const {
    if (!(eta >= 0) || !std::isfinite(eta)) detail::fail("A2cid2", "eta must be finite and >= 0 (got ", eta, ")");
    if (!(beta_tilde >= 0) || !std::isfinite(beta_tilde))
      detail::fail("A2cid2", "beta_tilde must be finite and >= 0 (got ", beta_tilde, ")");
    if (gossip_only) return;
    if (!(step_size >= 0) || !std::isfinite(step_size))
      detail::fail("A2cid2", "step_size must be finite and >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0) || !std::isfinite(smoothness))
      detail::fail("A2cid2", "smoothness must be finite and >= 0 (got ", smoothness, ")");
  }
};

/// A²CiD² on a static graph (see the file comment). One step() is one Poisson tick; iterates()
/// is x at the engine's current time (every node integrated to it, computed on demand, cached).
/// @tparam Problem models DecentralizedObjective (StochasticObjective if options.stochastic),
///         or is GossipOnly for pure averaging; a problem must outlive the algorithm.
template <class Problem = GossipOnly>
  requires(std::is_same_v<Problem, GossipOnly> || DecentralizedObjective<Problem>)
class A2cid2 : public AsyncAlgorithm<A2cid2<Problem>> {
  using Base = AsyncAlgorithm<A2cid2<Problem>>;

 public:
  /// True in pure gossip mode (Problem = GossipOnly).
  static constexpr bool gossip_only = std::is_same_v<Problem, GossipOnly>;

  /// Pure gossip mode: averaging with the continuous momentum, no computation clocks.
  A2cid2(const Graph& g, sim::EngineOptions engine, A2cid2Options options = {})
    requires std::is_same_v<Problem, GossipOnly>
      : Base(sim::EventEngine(g, sim::without_compute(std::move(engine)))), m_options(options) {
    setup();
  }
  /// Optimization of problem's objective.
  /// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ;
  ///         InvalidTopology if the graph is disconnected.
  A2cid2(const Problem& problem, const Graph& g, sim::EngineOptions engine, A2cid2Options options = {})
    requires(!std::is_same_v<Problem, GossipOnly>)
      : Base(sim::EventEngine(g, std::move(engine))), m_problem(&problem), m_options(options) {
    if (problem.num_nodes() != this->num_nodes())
      detail::fail<DimensionMismatch>("A2cid2", "problem has ", problem.num_nodes(), " nodes, graph has ",
                                      this->num_nodes());
    if constexpr (!gossip_only) {
      if (m_options.stochastic && !StochasticObjective<Problem>)
        detail::fail("A2cid2", "stochastic = true needs an objective with stochastic_gradient");
    }
    setup();
  }

  /// Starts from x = x̃ = X0 at time 0 and replays the event stream from its seed.
  void init(const Iterates<double>& x0) {
    if constexpr (gossip_only) detail::check_iterates("A2cid2::init", x0, this->num_nodes());
    else detail::check_start("A2cid2::init", x0, this->num_nodes(), m_problem->dim());
    m_state.reset(x0, m_eta);
    m_pool.clear(x0.cols());
    m_delta.resize(x0.cols());
    m_g.resize(x0.cols());
    this->restart();
  }
  /// x at the engine's current time.
  const Iterates<double>& iterates() const { return m_state.x_at(this->engine().now()); }
  /// The momentum variable x̃ at the engine's current time.
  Iterates<double> momentum() const {
    Iterates<double> out;
    m_state.synced(this->engine().now(), out, true);
    return out;
  }
  double eta() const noexcept { return m_eta; }
  double beta_tilde() const noexcept { return m_beta_tilde; }
  /// The constant step α in use (0 in pure gossip mode).
  double step_size() const noexcept { return m_step; }
  /// χ1, χ2, λ2(Λ) of the engine's clocks, from which η and β̃ were computed.
  const ClockQuantities& quantities() const noexcept { return m_quantities; }
  const A2cid2Options& options() const noexcept { return m_options; }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event& e) {
    if constexpr (!gossip_only) {
      m_state.sync(e.i, e.time);
      detail::async_gradient(*m_problem, e.i, m_state.x(e.i).transpose(), m_g, m_options.stochastic,
                             this->engine().options().seed, this->counters().gradients);
      m_state.x(e.i) -= m_step * m_g.transpose();
      m_state.xt(e.i) -= m_step * m_g.transpose();
    }
  }
  void on_exchange(const sim::Event& e) {
    m_state.sync(e.i, e.time);
    m_state.sync(e.j, e.time);
    m_delta = (m_state.x(e.j) - m_state.x(e.i)).transpose();
    if (!this->engine().delayed()) {
      apply(e.i, e.j);
      return;
    }
    const std::uint32_t token = m_pool.acquire();
    m_pool.row(token) = m_delta.transpose();
    this->mutable_engine().post(token, e.i, e.j);
  }
  void on_deliver(const sim::Event& e) {
    m_state.sync(e.i, e.time);
    m_state.sync(e.j, e.time);
    m_delta = m_pool.row(e.token).transpose();
    m_pool.release(e.token);
    apply(e.i, e.j);
  }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_state.cols()); }

 private:
  void setup() {
    m_options.validate(gossip_only);
    m_quantities = clock_quantities(this->engine());
    m_eta = m_options.eta > 0 ? m_options.eta : 0.5 / std::sqrt(m_quantities.chi1 * m_quantities.chi2);
    m_beta_tilde = m_options.beta_tilde > 0 ? m_options.beta_tilde : 0.5 * std::sqrt(m_quantities.chi1 / m_quantities.chi2);
    if constexpr (!gossip_only) {
      if (m_options.step_size == 0)
        m_options.smoothness = detail::resolve_smoothness("A2cid2", m_options.smoothness, *m_problem);
      m_step = m_options.step_size > 0 ? m_options.step_size : 1 / (8 * m_options.smoothness);
    }
  }
  // pairwise averaging of x and the β̃ jump of x̃, with Δ = x_j − x_i in m_delta
  void apply(Index i, Index j) { m_state.jump(i, j, m_delta, 0.5, m_beta_tilde); }

  const Problem* m_problem = nullptr;
  A2cid2Options m_options;
  ClockQuantities m_quantities;
  double m_eta = 0, m_beta_tilde = 0, m_step = 0;
  detail::ContinuousMomentum m_state;
  PayloadPool m_pool;
  Vector<double> m_delta, m_g;
};

}  // namespace adonis
