// SPDX-License-Identifier: BSD-3-Clause
/// @file async_sgd.hpp
/// @brief Asynchronous gossip SGD in the style of AD-PSGD (Lian, Zhang, Zhang, Liu, ICML 2018,
///        arXiv:1710.06952) on the event engine.
///
/// Node i computes on its Poisson clock; edges (or nodes, with node clocks) communicate on theirs.
///  - Computation tick of node i at time t: x_i ← x_i − α g_i, where g_i = ∇f_i(x̂_i) (or a
///    minibatch stochastic gradient) is evaluated at the model x̂_i that node i read at its
///    previous computation tick (at time 0 for the first one), and then x̂_i ← x_i. This is
///    AD-PSGD's "gradient computed on a possibly stale model, applied to the current one": the
///    staleness is the time between two computations of the node, during which its model may
///    have been averaged with neighbours. With `stale = false` the gradient is taken at x_i(t).
///  - Communication tick on (i, j): atomic pairwise averaging x_i, x_j ← (x_i + x_j)/2; with
///    latency, Δ = (x_j − x_i)/2 is computed when the exchange starts and applied when it is
///    delivered (x_i += Δ, x_j −= Δ), exactly as in PairwiseGossip: the exchange preserves the
///    network average, the gradient steps move it by −(α/n) g_i.
///
/// Theory (theory-rates.md §5a) [SRC, abstract]: O(1/√K) for smooth nonconvex objectives with a
/// step ∝ 1/√K; the spectral quantity is λ2(E[W_kᵀW_k]) = λ2(W̄) for pairwise averaging [REC].
/// With a constant step on a strongly convex objective the iterates converge linearly to a
/// neighbourhood of x* whose size grows with α and with the heterogeneity ζ² (the "constant-step
/// bias", as for D-SGD).
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>

#include "adonis/algorithm/first_order.hpp"
#include "adonis/sim/async.hpp"
#include "adonis/problem/smoothness.hpp"

namespace adonis {

/// Options of AsyncGossipSgd.
struct AsyncGossipSgdOptions {
  /// Constant step α. 0 selects the default rule α = 1/(8 L_max), which then needs `smoothness`:
  /// an eighth of the step at which a node's own one-computation-delayed gradient iteration
  /// x ← x − α h x̂ loses stability (αh < 1), so that stale gradients and averaging never make
  /// a node diverge. The constant-step floor of f(x̄) − f* is roughly proportional to α
  /// (logistic:heart_scale:0.01 over torus:4x4, each node exchanging at rate 2, 10⁶ events:
  /// 4.5e-5 to 1.3e-4 at 1/(8L), 5.8e-5 to 2.2e-4 at 1/(4L) over 4 seeds); with this rule the
  /// run reaches a 10³ decrease of f(x̄) − f* within 10⁶ events there with a factor ≥ 2.4 to
  /// spare (tests/algorithm/test_async_a.cpp, docs/algorithms/async-sgd.md).
  double step_size = 0;
  double smoothness = 0;   ///< L_max = max_i L_i, used only by the default step rule
  bool stochastic = false; ///< use the objective's stochastic_gradient (minibatches)
  bool stale = true;       ///< gradient at the model read at the previous computation (AD-PSGD)
  void validate() const {
    if (!(step_size >= 0) || !std::isfinite(step_size))
      detail::fail("AsyncGossipSgd", "step_size must be finite and >= 0 (got ", step_size, ")");
    if (!(smoothness >= 0) || !std::isfinite(smoothness))
      detail::fail("AsyncGossipSgd", "smoothness must be finite and >= 0 (got ", smoothness, ")");
  }
};

namespace detail {
/// The stream of node i's stochastic gradients: draw k of the run comes from
/// SplitMix64(engine seed, async_gradient_stream + i, k) (k = global gradient count).
inline constexpr std::uint64_t async_gradient_stream = 0x6a5d0000;

/// One local (stochastic) gradient of node i at x into g, for the asynchronous algorithms.
template <DecentralizedObjective P>
void async_gradient(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                    bool stochastic, std::uint64_t seed, std::int64_t draw) {
  if constexpr (StochasticObjective<P>) {
    if (stochastic) {
      SplitMix64 rng(seed, async_gradient_stream + static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(draw));
      p.stochastic_gradient(i, x, g, rng);
      return;
    }
  }
  p.gradient(i, x, g);
}
}  // namespace detail

/// Asynchronous gossip SGD (AD-PSGD style) on a static graph or a time-varying edge set (see
/// the file comment). One step() is one Poisson tick.
/// @tparam Problem models DecentralizedObjective (StochasticObjective if options.stochastic);
///         it must outlive the algorithm.
template <DecentralizedObjective Problem>
class AsyncGossipSgd : public AsyncAlgorithm<AsyncGossipSgd<Problem>> {
  using Base = AsyncAlgorithm<AsyncGossipSgd<Problem>>;

 public:
  /// @throws InvalidArgument for invalid options; DimensionMismatch if the node counts differ.
  AsyncGossipSgd(const Problem& problem, const Graph& g, sim::EngineOptions engine, AsyncGossipSgdOptions options = {})
      : Base(sim::EventEngine(g, std::move(engine))), m_problem(&problem), m_options(options) {
    setup();
  }
  /// Over a time-varying edge set (see sim::EventEngine).
  AsyncGossipSgd(const Problem& problem, AnySequence sequence, sim::EngineOptions engine,
                 AsyncGossipSgdOptions options = {})
      : Base(sim::EventEngine(std::move(sequence), std::move(engine))), m_problem(&problem), m_options(options) {
    setup();
  }

  /// The constant step α in use.
  double step_size() const noexcept { return m_step; }
  const AsyncGossipSgdOptions& options() const noexcept { return m_options; }

  void init(const Iterates<double>& x0) {
    detail::check_start("AsyncGossipSgd::init", x0, this->num_nodes(), m_problem->dim());
    m_x = x0;
    m_read = x0;
    m_g.resize(x0.cols());
    m_pool.clear(x0.cols());
    this->restart();
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event& e) {
    const std::int64_t draw = this->counters().gradients;
    if (m_options.stale) {
      detail::async_gradient(*m_problem, e.i, m_read.row(e.i).transpose(), m_g, m_options.stochastic,
                             this->engine().options().seed, draw);
      m_x.row(e.i) -= m_step * m_g.transpose();
      m_read.row(e.i) = m_x.row(e.i);
    } else {
      detail::async_gradient(*m_problem, e.i, m_x.row(e.i).transpose(), m_g, m_options.stochastic,
                             this->engine().options().seed, draw);
      m_x.row(e.i) -= m_step * m_g.transpose();
    }
  }
  void on_exchange(const sim::Event& e) { detail::pairwise_exchange(m_x, e, this->mutable_engine(), m_pool); }
  void on_deliver(const sim::Event& e) { detail::deliver_pairwise(m_x, e, m_pool); }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_x.cols()); }

 private:
  void setup() {
    m_options.validate();
    if (m_problem->num_nodes() != this->num_nodes())
      detail::fail<DimensionMismatch>("AsyncGossipSgd", "problem has ", m_problem->num_nodes(), " nodes, graph has ",
                                      this->num_nodes());
    if (m_options.stochastic && !StochasticObjective<Problem>)
      detail::fail("AsyncGossipSgd", "stochastic = true needs an objective with stochastic_gradient");
    if (m_options.step_size == 0)
      m_options.smoothness = detail::resolve_smoothness("AsyncGossipSgd", m_options.smoothness, *m_problem);
    m_step = m_options.step_size > 0 ? m_options.step_size : 1 / (8 * m_options.smoothness);
  }

  const Problem* m_problem;
  AsyncGossipSgdOptions m_options;
  double m_step = 0;
  Iterates<double> m_x, m_read;
  Vector<double> m_g;
  PayloadPool m_pool;
};

}  // namespace adonis
