// SPDX-License-Identifier: BSD-3-Clause
/// @file async.hpp
/// @brief What every asynchronous algorithm shares: the event loop over an EventEngine (one
///        step() = one Poisson tick), its counters, and the clock quantities Λ, χ1, χ2.
///
/// An asynchronous algorithm derives from AsyncAlgorithm<Derived> and defines
///   void on_compute(const sim::Event&)    node e.i's computation clock ticked (node online)
///   void on_exchange(const sim::Event&)   e.i and e.j exchange (both online, not dropped)
///   void on_deliver(const sim::Event&)    an exchange it post()ed arrives (latency on)
///   std::int64_t message_bytes() const    bytes of one of the two messages of an exchange
///   const Iterates<double>& iterates() const
/// The base counts: rounds = ticks (computation + communication), time = simulated time,
/// gradients = computation ticks that took effect, messages = 2 per communication tick that
/// was sent (dropped ones included: they were sent), bytes accordingly.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/core/result.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/sim/engine.hpp"

namespace adonis {

/// The communication-rate Laplacian Λ = Σ_e λ_e (e_i − e_j)(e_i − e_j)ᵀ of the engine's current
/// edges and rates (theory-rates.md §0).
inline SparseMatrix rate_laplacian(const sim::EventEngine& engine) {
  std::vector<Triplet> t;
  const auto& edges = engine.edges();
  const auto& rates = engine.edge_rates();
  t.reserve(4 * edges.size());
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const auto [u, v] = edges[e];
    t.emplace_back(u, u, rates[e]);
    t.emplace_back(v, v, rates[e]);
    t.emplace_back(u, v, -rates[e]);
    t.emplace_back(v, u, -rates[e]);
  }
  SparseMatrix lap(engine.num_nodes(), engine.num_nodes());
  lap.setFromTriplets(t.begin(), t.end());
  return lap;
}

/// The quantities of the communication clocks that govern asynchronous rates.
struct ClockQuantities {
  double lambda2 = 0;   ///< λ2⁺(Λ)
  double chi1 = 0;      ///< 1/λ2⁺(Λ)  (Even et al. 2021; Nabli & Oyallon 2023)
  double chi2 = 0;      ///< max_e ½ (e_i − e_j)ᵀ Λ⁺ (e_i − e_j)  (Nabli & Oyallon 2023)
  /// λ2 of the expected pairwise-averaging matrix per communication tick,
  /// W̄ = I − Λ/(2R), R = total communication rate (Boyd et al. 2006, theory-rates §2).
  double gossip_lambda2 = 0;
};

/// Computes Λ's quantities for the engine's current edges and rates (a sparse eigensolve and
/// one sparse factorisation: call it once, not per event).
/// @throws InvalidTopology if Λ is disconnected.
template <int = 0>
ClockQuantities clock_quantities(const sim::EventEngine& engine, const SpectralOptions& opt = {}) {
  const SparseMatrix lap = rate_laplacian(engine);
  const LaplacianEnds ends = laplacian_ends(lap, opt);
  if (!(ends.lambda2 > 1e-12 * ends.lambda_max))
    detail::fail<InvalidTopology>("clock_quantities", "the communication graph must be connected (lambda2(Λ) = ",
                                  ends.lambda2, ")");
  ClockQuantities q;
  q.lambda2 = ends.lambda2;
  q.chi1 = 1 / ends.lambda2;
  double rmax = 0;
  for (double r : effective_resistances(lap, engine.edges())) rmax = std::max(rmax, r);
  q.chi2 = 0.5 * rmax;
  q.gossip_lambda2 = 1 - ends.lambda2 / (2 * engine.total_comm_rate());
  return q;
}

/// CRTP base of the asynchronous algorithms (see the file comment).
template <class Derived>
class AsyncAlgorithm : public Runnable<Derived> {
 public:
  explicit AsyncAlgorithm(sim::EventEngine engine) : m_initial(engine), m_engine(std::move(engine)) {}

  const Counters& counters() const noexcept { return m_counters; }
  /// The engine (its stats, its edges and rates, the simulated time).
  const sim::EventEngine& engine() const noexcept { return m_engine; }
  Index num_nodes() const noexcept { return m_engine.num_nodes(); }
  /// The last tick (computation or communication) and its status.
  const sim::Event& last_event() const noexcept { return m_engine.last_tick(); }
  /// run() checks divergence every n events: a full norm per event would cost O(n d).
  Round divergence_check_period() const noexcept { return m_engine.num_nodes(); }

  /// One Poisson tick (after the deliveries due before it).
  void step() {
    for (;;) {
      const sim::Event& e = m_engine.next();
      if (e.kind == sim::EventKind::deliver) {
        derived().on_deliver(e);
        continue;
      }
      ++m_counters.rounds;
      m_counters.time = e.time;
      if (e.kind == sim::EventKind::compute) {
        if (e.status == sim::EventStatus::ok) {
          ++m_counters.gradients;
          derived().on_compute(e);
        }
      } else {
        if (e.status != sim::EventStatus::offline) {
          m_counters.messages += 2;
          m_counters.bytes += 2 * derived().message_bytes();
        }
        if (e.status == sim::EventStatus::ok) derived().on_exchange(e);
      }
      return;
    }
  }

 protected:
  /// Restarts the event stream from its seed and clears the counters (call from init()).
  void restart() {
    m_engine = m_initial;
    m_counters = {};
  }
  sim::EventEngine& mutable_engine() noexcept { return m_engine; }
  Counters& mutable_counters() noexcept { return m_counters; }
  /// Default for algorithms without latency-aware exchanges.
  void on_deliver(const sim::Event&) {}

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }
  sim::EventEngine m_initial;  // the stream as constructed: init() replays it from the start
  sim::EventEngine m_engine;
  Counters m_counters;
};

/// A pool of d-vectors in flight (payloads of delayed exchanges), addressed by a token.
class PayloadPool {
 public:
  explicit PayloadPool(Index dim = 0) : m_dim(dim) {}
  /// A free slot (grows the pool when all are taken).
  std::uint32_t acquire() {
    if (m_free.empty()) {
      const Index old = m_rows.rows();
      const Index grown = std::max<Index>(8, 2 * old);
      m_rows.conservativeResize(grown, m_dim);
      for (Index k = grown - 1; k >= old; --k) m_free.push_back(static_cast<std::uint32_t>(k));
    }
    const std::uint32_t k = m_free.back();
    m_free.pop_back();
    return k;
  }
  void release(std::uint32_t k) { m_free.push_back(k); }
  auto row(std::uint32_t k) { return m_rows.row(static_cast<Index>(k)); }
  void clear(Index dim) {
    m_dim = dim;
    m_rows.resize(0, dim);
    m_free.clear();
  }

 private:
  Index m_dim;
  RowMatrix<double> m_rows;
  std::vector<std::uint32_t> m_free;
};

namespace detail {

/// Atomic pairwise averaging of rows e.i and e.j of X at a communication tick (Boyd et al.
/// 2006): x_i, x_j ← (x_i + x_j)/2 in place when the engine has no latency; with latency,
/// Δ = (x_j − x_i)/2 is computed now from the current values, posted, and applied at delivery
/// by deliver_pairwise (both ends apply ±Δ: the network average is preserved exactly).
inline void pairwise_exchange(Iterates<double>& x, const sim::Event& e, sim::EventEngine& engine, PayloadPool& pool) {
  if (!engine.delayed()) {  // rows are contiguous (row-major)
    const Index d = x.cols();
    pairwise_average(x.data() + e.i * d, x.data() + e.j * d, d);
    return;
  }
  const std::uint32_t token = pool.acquire();
  pool.row(token) = 0.5 * (x.row(e.j) - x.row(e.i));
  engine.post(token, e.i, e.j);
}

/// The delivery of a delayed pairwise exchange: x_i += Δ, x_j −= Δ.
inline void deliver_pairwise(Iterates<double>& x, const sim::Event& e, PayloadPool& pool) {
  auto delta = pool.row(e.token);
  x.row(e.i) += delta;
  x.row(e.j) -= delta;
  pool.release(e.token);
}

}  // namespace detail
}  // namespace adonis
