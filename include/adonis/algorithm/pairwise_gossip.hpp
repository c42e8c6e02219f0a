// SPDX-License-Identifier: BSD-3-Clause
/// @file pairwise_gossip.hpp
/// @brief Randomized pairwise gossip (Boyd, Ghosh, Prabhakar, Shah, IEEE Trans. Inf. Theory
///        52(6), 2006) on the event engine, with the node-clock and the edge-clock models.
///
/// At a communication tick on (i, j): x_i, x_j ← (x_i + x_j)/2, i.e. X ← W_k X with
/// W_k = I − ½(e_i − e_j)(e_i − e_j)ᵀ. Per tick, E[W_k] = W̄ = I − Λ/(2R) (Λ the rate
/// Laplacian, R the total communication rate), so E[x_k] = W̄^k x_0 and
/// E‖e_k‖² ≤ λ2(W̄)^k ‖e_0‖²; in simulated time E‖e(t)‖² ≤ exp(−t/(2χ1)) ‖e_0‖²
/// (theory-rates.md §2; the node-clock model with uniform neighbour choice is Boyd's).
///
/// With latency, an exchange started at t is computed from the values at t,
/// Δ = (x_j(t) − x_i(t))/2, and applied when it arrives: x_i += Δ, x_j −= Δ. Both ends apply the
/// same Δ, so the network average is preserved exactly (to rounding) even though a node
/// averages with a stale copy of its neighbour. A dropped exchange changes nobody.
#pragma once

#include <utility>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/sim/async.hpp"

namespace adonis {

/// Randomized pairwise gossip. No computation clocks: the engine is built with compute rate 0.
class PairwiseGossip : public AsyncAlgorithm<PairwiseGossip> {
 public:
  /// Over a static graph, with the engine options (compute rates are ignored).
  PairwiseGossip(const Graph& g, sim::EngineOptions options) : AsyncAlgorithm(sim::EventEngine(g, sim::without_compute(options))) {}
  /// Over a time-varying edge set (see sim::EventEngine).
  PairwiseGossip(AnySequence sequence, sim::EngineOptions options)
      : AsyncAlgorithm(sim::EventEngine(std::move(sequence), sim::without_compute(options))) {}

  void init(const Iterates<double>& x0) {
    detail::check_iterates("PairwiseGossip::init", x0, num_nodes());
    m_x = x0;
    m_pool.clear(x0.cols());
    restart();
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event&) {}
  void on_exchange(const sim::Event& e) { detail::pairwise_exchange(m_x, e, mutable_engine(), m_pool); }
  void on_deliver(const sim::Event& e) { detail::deliver_pairwise(m_x, e, m_pool); }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_x.cols()); }

 private:
  Iterates<double> m_x;
  PayloadPool m_pool;
};

}  // namespace adonis
