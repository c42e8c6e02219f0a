// SPDX-License-Identifier: BSD-3-Clause
/// @file async.hpp
/// @brief What the real asynchronous backends (runtime/threads.hpp, runtime/mpi_async.hpp)
///        share: their options, the Poisson clocks of a worker's nodes, the straggler model,
///        the two local rules (pairwise averaging, AD-PSGD gradient step) and the result.
///
/// In the simulator (sim/async.hpp) one event stream orders every tick of the network. A real
/// backend has p workers (threads or MPI ranks); worker w owns the contiguous block of nodes
/// block_rows(n, p, w) and runs the superposition of its nodes' clocks on its own, as fast as it
/// can, with no barrier between events:
///  - node i's computation clock (rate `compute_rate`): read x_i, evaluate g = ∇f_i (or a
///    minibatch gradient) at what was read, then x_i ← x_i − α g. Other workers may average x_i
///    with their nodes between the read and the write, so the gradient is taken at a stale
///    model and applied to the current one: AD-PSGD's update (Lian et al., ICML 2018,
///    arXiv:1710.06952);
///  - node i's communication clock (rate R/n, the node-clock model of Boyd et al. 2006): pick a
///    neighbour j uniformly and average, x_i, x_j ← (x_i + x_j)/2.
/// The clocks run in wall-clock time: simulated time t is wall time t · time_unit after the
/// start, and a worker sleeps until its next tick is due (it catches up at once when it is
/// late). Pacing matters: if workers simply ran as fast as they could, a worker that gets more
/// CPU would tick its nodes more often, and asynchronous SGD would then minimize the objective
/// weighted by the nodes' speeds instead of f (f(x̄) − f* stalled at 5 % of f(x̄_0) − f* on
/// heart_scale with two unpaced workers on a loaded 2-core machine). A straggler
/// (`--slowdown W:F`) is a worker whose clocks tick F times slower. The budget is a horizon in
/// simulated time (max_events / total rate, the same for every worker, so no worker runs alone
/// at the end) and/or wall seconds. How an exchange is made atomic is the backend's business
/// (per-node locks for threads, element-wise atomic MPI_Accumulate for MPI); both preserve
/// Σ_i x_i under averaging.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <queue>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/smoothness.hpp"
#include "adonis/sim/async.hpp"
#include "adonis/sim/engine.hpp"

namespace adonis::runtime {

/// Options of a real asynchronous run (threads or MPI).
struct RealAsyncOptions {
  double compute_rate = 1;  ///< each node's computation clock rate (0: gossip only)
  double comm_rate = 1;     ///< total communication rate R: each node's clock ticks at R/n
  /// Wall seconds per unit of simulated time: a clock of rate 1 ticks 1/time_unit times per
  /// second on average (default 1e-4: 10⁴ ticks per second per unit rate).
  double time_unit = 1e-4;
  /// Budget in events: the clocks stop at the horizon max_events / (Σ_i rate_i), when the
  /// network has ticked max_events times on average (0: no horizon). At least one of
  /// max_events and duration must be set.
  std::int64_t max_events = 0;
  double duration = 0;       ///< wall-clock budget in seconds (0: no limit)
  /// Seconds between two snapshots of X for the observers (0: a fiftieth of the run's expected
  /// wall time, at least 1 ms).
  double record_period = 0;
  std::uint64_t seed = 0;    ///< seed of the workers' clocks and of the minibatches
  int slow_worker = -1;      ///< the straggler (worker or rank index), -1 for none
  double slowdown = 1;       ///< the straggler's clocks tick this many times slower (>= 1)
  /// Scale a node's gradient steps by (nominal rate / its own computation rate), i.e. the
  /// straggler's nodes step with α · slowdown. Asynchronous SGD with unequal node rates r_i
  /// otherwise converges towards the minimizer of Σ_i r_i f_i instead of f (measured on
  /// heart_scale over torus:4x4, 2 workers, one slowed 5x, 1.5e5 ticks: f(x̄) − f* ends at
  /// 2.3e-2 of its start without, 3.6e-4 with; tests/runtime/test_threads.cpp); with equal
  /// rates it changes nothing.
  bool compensate_rates = true;
  /// The step multiplier of worker w's nodes (see compensate_rates).
  double step_scale(int worker) const noexcept {
    return compensate_rates && worker == slow_worker ? slowdown : 1.0;
  }
  /// MPI backend: allocate the window in shared memory (MPI_Win_allocate_shared) when every
  /// rank runs on one node. MPI's shared-memory RMA then needs no progress from the target;
  /// with MPI_Win_allocate, Open MPI 4.1's default components made a run 8x slower on one
  /// 2-core node with 4 ranks. Set false to test the distributed path on one node.
  bool shared_memory_window = true;
  double divergence_factor = 1e8;  ///< as RunOptions: ‖X‖_F > factor · max(‖X_0‖_F, 1) diverges
  /// Which clocks drive communication, as in the simulator (sim::EngineOptions::clock): node
  /// clocks (default here: node i wakes at R/n and picks a uniform neighbour) or edge clocks
  /// (edge e ticks at R/|E|, on the worker edge_workers gives it). The CLI passes its
  /// --clock (default edge), so that a real run has the simulator's clock rates.
  sim::ClockModel clock = sim::ClockModel::node;
  /// Heterogeneous, unreliable devices, with the simulator's semantics (docs/asynchrony.md):
  /// an exchange started at t takes effect on both ends at t + τ (the delivery, made by the
  /// initiating worker when its clocks reach that time); a dropped exchange (probability
  /// `drop`) changes nobody and its messages count; churn takes node i offline for
  /// exponential times on the simulator's own schedule (SplitMix64(seed, 0x5e4, i)): a tick of
  /// an offline node, or an exchange with one, does nothing and sends nothing.
  sim::Latency latency;
  double drop = 0;
  sim::Churn churn;
  /// Bounded skew: a worker does not apply an event more than max_skew units of simulated time
  /// after the earliest event another worker has yet to apply; it waits for that worker instead.
  /// The pacing keeps the workers within about a millisecond of each other while they keep up;
  /// a worker that falls behind its pace (a loaded machine, a descheduled thread, more work
  /// than the others) would otherwise apply its late events in a burst while the others have
  /// finished: asynchronous ADMM on torus:4x4 with 2 threads at time_unit 1e-4, one of them
  /// ending 0.15 s after the other, settled on the fixed point of the late worker's edges
  /// (f(x̄) − f* 6e-5 against the simulator's 5e-6). The skew also acts like a latency on the
  /// events it reorders, which DADAO tolerates least: at time_unit 1e-4 on torus:4x4 it diverged
  /// with a bound of 2 ms of the pace (20 units) and converged with 1 or 2 units (3 seeds each).
  /// 0 selects min(2 ms of the pace, 4 events of a node): min(2e-3 / time_unit, 4/ν) with
  /// ν = compute_rate + 2 comm_rate/n the mean rate of the events that touch a node; infinity
  /// turns the bound off.
  double max_skew = 0;
  /// The skew bound in simulated time for n nodes (max_skew, or its default).
  double skew(Index n, bool computes) const noexcept {
    if (max_skew > 0) return max_skew;
    const double nu = (computes ? compute_rate : 0.0) + 2 * comm_rate / static_cast<double>(n);
    return std::min(2e-3 / time_unit, 4 / nu);
  }

  /// @throws InvalidArgument naming the field and its value.
  void validate() const {
    auto finite_nonneg = [](double v) { return std::isfinite(v) && v >= 0; };
    if (!finite_nonneg(compute_rate)) detail::fail("runtime::RealAsyncOptions", "compute_rate must be finite and >= 0 (got ", compute_rate, ")");
    if (!(std::isfinite(comm_rate) && comm_rate > 0))
      detail::fail("runtime::RealAsyncOptions", "comm_rate must be finite and > 0 (got ", comm_rate, ")");
    if (max_events < 0) detail::fail("runtime::RealAsyncOptions", "max_events must be >= 0 (got ", max_events, ")");
    if (!finite_nonneg(duration)) detail::fail("runtime::RealAsyncOptions", "duration must be finite and >= 0 (got ", duration, ")");
    if (max_events == 0 && duration == 0)
      detail::fail("runtime::RealAsyncOptions", "a budget is needed: max_events or duration must be > 0");
    if (!finite_nonneg(record_period))
      detail::fail("runtime::RealAsyncOptions", "record_period must be finite and >= 0 (got ", record_period, ")");
    if (!(std::isfinite(slowdown) && slowdown >= 1))
      detail::fail("runtime::RealAsyncOptions", "slowdown must be finite and >= 1 (got ", slowdown, ")");
    if (!(std::isfinite(time_unit) && time_unit > 0))
      detail::fail("runtime::RealAsyncOptions", "time_unit must be finite and > 0 (got ", time_unit, ")");
    if (!(divergence_factor > 1))
      detail::fail("runtime::RealAsyncOptions", "divergence_factor must be > 1 (got ", divergence_factor, ")");
    if (!(drop >= 0 && drop < 1)) detail::fail("runtime::RealAsyncOptions", "drop must be in [0, 1) (got ", drop, ")");
    if (!(max_skew >= 0)) detail::fail("runtime::RealAsyncOptions", "max_skew must be >= 0 (got ", max_skew, ")");
    if (latency.enabled() && !(std::isfinite(latency.value) && latency.value > 0))
      detail::fail("runtime::RealAsyncOptions", "latency must be finite and > 0 (got ", latency.value, ")");
    churn.validate();
  }
  /// Whether latency, drops or churn are on (the MPI backend does not model them yet).
  bool unreliable() const noexcept { return latency.enabled() || drop > 0 || churn.enabled(); }
  /// The total rate Σ_i (compute_rate + R/n) of n nodes without straggler (compute_rate
  /// counts only if the rule computes).
  double total_rate(Index n, bool computes) const {
    return static_cast<double>(n) * (computes ? compute_rate : 0.0) + comm_rate;
  }
  /// The horizon in simulated time (infinity without max_events).
  double horizon(Index n, bool computes) const {
    return max_events > 0 ? static_cast<double>(max_events) / total_rate(n, computes)
                          : std::numeric_limits<double>::infinity();
  }
  /// The snapshot period in seconds.
  double period(Index n, bool computes) const {
    if (record_period > 0) return record_period;
    double wall = max_events > 0 ? horizon(n, computes) * time_unit : duration;
    if (duration > 0) wall = std::min(wall, duration);
    return std::max(1e-3, wall / 50);
  }
  /// Parses `--slowdown WORKER:FACTOR` into slow_worker and slowdown.
  /// @throws InvalidArgument naming the option and the value.
  void parse_slowdown(const std::string& spec) {
    const auto parts = detail::split(spec, ':');
    const std::string who = "--slowdown '" + spec + "'";
    if (parts.size() != 2) detail::fail(who, "expected RANK:FACTOR");
    slow_worker = detail::parse_number<int>(parts[0], who, "RANK");
    slowdown = detail::parse_number<double>(parts[1], who, "FACTOR");
    if (slow_worker < 0) detail::fail(who, "RANK must be >= 0 (got ", slow_worker, ")");
    if (!(std::isfinite(slowdown) && slowdown >= 1)) detail::fail(who, "FACTOR must be >= 1 (got ", slowdown, ")");
  }
};

/// What one worker (thread or rank) did.
struct WorkerStats {
  std::int64_t events = 0;     ///< clock ticks processed
  std::int64_t exchanges = 0;  ///< pairwise averagings it initiated
  std::int64_t gradients = 0;  ///< gradient steps of its nodes
  std::int64_t dropped = 0;    ///< exchanges it initiated that were dropped (counted in exchanges)
  std::int64_t offline = 0;    ///< ticks lost to churn (not counted in exchanges or gradients)
  double seconds = 0;          ///< wall time until it reached its budget (or was stopped)
  double clock_time = 0;       ///< simulated time its clocks reached
};

/// The outcome of a real asynchronous run: the usual result (counters: rounds = events of all
/// workers, time = wall seconds, messages = 2 per exchange) and every worker's share.
struct RealAsyncResult {
  RunResult run;
  std::vector<WorkerStats> workers;
};

/// How far behind its pace the slowest worker ended: max over workers of (its wall seconds −
/// the paced wall time of the horizon) / that paced time, 0 without an event budget. Above a few
/// tenths the workers could not apply the events as fast as the pace asked: they were applied
/// late and in bursts (a larger time_unit keeps the pace).
inline double pace_lag(const RealAsyncResult& r, const RealAsyncOptions& o, Index n, bool computes) {
  if (o.max_events <= 0) return 0;
  const double paced = o.horizon(n, computes) * o.time_unit;
  double lag = 0;
  for (const WorkerStats& w : r.workers) lag = std::max(lag, (w.seconds - paced) / paced);
  return lag;
}

/// One tick of a worker's clocks.
struct RealEvent {
  bool compute = false;  ///< computation tick of node i, else exchange of i with j
  Index i = 0, j = 0;
  Index edge = 0;        ///< the exchange's edge (index in Topology::edges)
};

/// The graph as the real backends use it: the sorted edge list (edge_list order, u < v), every
/// node's sorted neighbours and, aligned with them, the index of the edge to each.
struct Topology {
  std::vector<Edge> edges;
  std::vector<std::vector<Index>> adjacency, incident;
  explicit Topology(const Graph& g) : edges(edge_list(g)), adjacency(adjacency_lists(g)) {
    incident.resize(adjacency.size());
    for (std::size_t i = 0; i < adjacency.size(); ++i)
      for (Index j : adjacency[i]) {
        const Edge key{std::min(static_cast<Index>(i), j), std::max(static_cast<Index>(i), j)};
        incident[i].push_back(static_cast<Index>(std::lower_bound(edges.begin(), edges.end(), key) - edges.begin()));
      }
  }
  Index num_nodes() const noexcept { return static_cast<Index>(adjacency.size()); }
};

/// Edge clocks: the worker of every edge (edge list order) among p workers owning the node
/// blocks block_rows(n, p, w). An edge inside a block goes to its worker; then each edge between
/// two blocks goes to the worker of one of its ends, the less loaded so far, so that the workers
/// carry about the same rate: a worker with more edges than the
/// others falls behind its pace first, and its edges then fire alone while it catches up (on
/// asynchronous ADMM over torus:4x4, 2 workers with 20 and 12 edges at --time-unit 1e-4, the run
/// settled on the fixed point of the 20 edges: f(x̄) − f* 4e-5 instead of the simulator's 5e-6).
inline std::vector<int> edge_workers(const Topology& topology, int p) {
  const Index n = topology.num_nodes();
  std::vector<int> node_worker(static_cast<std::size_t>(n), 0);
  for (int w = 0; w < p; ++w) {
    const RowRange b = block_rows(n, p, w);
    for (Index i = b.begin; i < b.end; ++i) node_worker[static_cast<std::size_t>(i)] = w;
  }
  // the edges inside a block first (they have no choice), then each edge between two blocks
  std::vector<Index> load(static_cast<std::size_t>(p), 0);
  std::vector<int> out(topology.edges.size(), -1);
  for (std::size_t e = 0; e < out.size(); ++e) {
    const auto [u, v] = topology.edges[e];
    if (node_worker[static_cast<std::size_t>(u)] != node_worker[static_cast<std::size_t>(v)]) continue;
    out[e] = node_worker[static_cast<std::size_t>(u)];
    ++load[static_cast<std::size_t>(out[e])];
  }
  for (std::size_t e = 0; e < out.size(); ++e) {
    if (out[e] >= 0) continue;
    const auto [u, v] = topology.edges[e];
    const int a = node_worker[static_cast<std::size_t>(u)], b = node_worker[static_cast<std::size_t>(v)];
    out[e] = load[static_cast<std::size_t>(b)] < load[static_cast<std::size_t>(a)] ? b : a;
    ++load[static_cast<std::size_t>(out[e])];
  }
  return out;
}

/// The superposed Poisson clocks of one worker's nodes (and, with edge clocks, of its edges),
/// divided by the slowdown for the straggler. Node clocks:
/// every owned node ticks at compute_rate + R/n; a tick is at a uniformly chosen owned node, a
/// computation with probability compute_rate / (compute_rate + R/n), else an exchange with a
/// uniformly chosen neighbour. Edge clocks: every owned node computes at compute_rate and every
/// edge the worker owns (edge_workers) ticks at R/|E|; a tick is a computation with probability
/// |nodes|·compute_rate / (that + |edges|·R/|E|). Draws come from
/// SplitMix64(seed, stream 0x7e5a0000 + worker, 0).
class WorkerClocks {
 public:
  /// @param computes false for the rules without computation clocks.
  /// @throws InvalidTopology if an owned node has no neighbour.
  /// @param workers the number of workers p (worker w owns block_rows(n, p, w)).
  WorkerClocks(const Topology& topology, int workers, const RealAsyncOptions& o, int worker, bool computes)
      : m_topology(&topology), m_nodes(block_rows(topology.num_nodes(), workers, worker)),
        m_edge_clocks(o.clock == sim::ClockModel::edge),
        m_rng(o.seed, 0x7e5a0000ULL + static_cast<std::uint64_t>(worker), 0) {
    const auto& adjacency = topology.adjacency;
    const double compute = computes ? o.compute_rate : 0.0;
    const double slow = worker == o.slow_worker ? o.slowdown : 1.0;
    const RowRange nodes = m_nodes;
    for (Index i = nodes.begin; i < nodes.end; ++i)
      if (adjacency[static_cast<std::size_t>(i)].empty())
        detail::fail<InvalidTopology>("runtime::WorkerClocks", "node ", i, " has no neighbour to exchange with");
    if (!m_edge_clocks) {
      const double per_node = o.comm_rate / static_cast<double>(adjacency.size());
      m_compute_probability = compute / (compute + per_node);
      m_rate = static_cast<double>(nodes.size()) * (compute + per_node) / slow;
      return;
    }
    const std::vector<int> owner = edge_workers(topology, workers);
    for (std::size_t e = 0; e < owner.size(); ++e)
      if (owner[e] == worker) m_owned.push_back(static_cast<Index>(e));
    const double computing = static_cast<double>(nodes.size()) * compute;
    const double talking =
        static_cast<double>(m_owned.size()) * o.comm_rate / static_cast<double>(topology.edges.size());
    m_rate = (computing + talking) / slow;
    m_compute_probability = computing + talking > 0 ? computing / (computing + talking) : 0.0;
    if (!(m_rate > 0)) m_time = std::numeric_limits<double>::infinity();  // nothing to tick
  }
  /// The next tick; its simulated time is then time().
  RealEvent next() {
    if (!(m_rate > 0)) return {};
    m_time += -std::log1p(-m_rng.uniform()) / m_rate;
    RealEvent e;
    if (!m_edge_clocks) {
      e.i = m_nodes.begin + static_cast<Index>(m_rng.below(static_cast<std::uint64_t>(m_nodes.size())));
      e.compute = m_compute_probability > 0 && m_rng.uniform() < m_compute_probability;
      if (!e.compute) {
        const auto i = static_cast<std::size_t>(e.i);
        const auto k = static_cast<std::size_t>(m_rng.below(m_topology->adjacency[i].size()));
        e.j = m_topology->adjacency[i][k];
        e.edge = m_topology->incident[i][k];
      }
      return e;
    }
    e.compute = m_compute_probability > 0 && m_rng.uniform() < m_compute_probability;
    if (e.compute) {
      e.i = m_nodes.begin + static_cast<Index>(m_rng.below(static_cast<std::uint64_t>(m_nodes.size())));
    } else {
      e.edge = m_owned[static_cast<std::size_t>(m_rng.below(m_owned.size()))];
      std::tie(e.i, e.j) = m_topology->edges[static_cast<std::size_t>(e.edge)];
      if (!m_nodes.contains(e.i)) std::swap(e.i, e.j);  // i: the owned end (the initiator)
    }
    return e;
  }
  /// Simulated time of the last tick drawn (infinity for a worker without clocks).
  double time() const noexcept { return m_time; }

 private:
  const Topology* m_topology;
  RowRange m_nodes;
  bool m_edge_clocks;
  std::vector<Index> m_owned;  // edge clocks: the edges this worker ticks (edge_workers)
  SplitMix64 m_rng;
  double m_compute_probability = 0;
  double m_rate = 0;
  double m_time = 0;
};

/// Every node's online/offline periods under churn, on the simulator's schedule (sim/engine.hpp:
/// node i's stream SplitMix64(seed, 0x5e4, i), first toggle after an exponential time of rate
/// churn.rate, offline periods of mean churn.mean_offline), drawn once up to a time bound so
/// that every worker reads it without locks.
class ChurnSchedule {
 public:
  ChurnSchedule() = default;
  /// The toggles of n nodes up to time `until` (none when churn is off).
  ChurnSchedule(Index n, const sim::Churn& churn, std::uint64_t seed, double until) {
    if (!churn.enabled()) return;
    m_toggles.resize(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) {
      SplitMix64 rng(seed, 0x5e4, static_cast<std::uint64_t>(i));
      auto& t = m_toggles[static_cast<std::size_t>(i)];
      bool online = true;
      for (double at = -std::log1p(-rng.uniform()) / churn.rate;;) {
        t.push_back(at);
        if (!(at <= until)) break;  // one toggle past the bound closes the last period
        online = !online;
        at += -std::log1p(-rng.uniform()) * (online ? 1 / churn.rate : churn.mean_offline);
      }
    }
  }
  /// Whether node i is online at simulated time t (the simulator's rule: a toggle at t applies).
  bool online(Index i, double t) const {
    if (m_toggles.empty()) return true;
    const auto& t_i = m_toggles[static_cast<std::size_t>(i)];
    return (std::upper_bound(t_i.begin(), t_i.end(), t) - t_i.begin()) % 2 == 0;
  }
  bool enabled() const noexcept { return !m_toggles.empty(); }

 private:
  std::vector<std::vector<double>> m_toggles;
};

/// What a worker does next (WorkerEvents::next).
struct RealAction {
  enum class Kind : std::uint8_t {
    compute,   ///< node i's computation tick takes effect
    exchange,  ///< i and j exchange now (no latency): start and delivery at once
    post,      ///< i and j start an exchange whose delivery comes later: write its message into payload(token)
    deliver,   ///< a posted exchange arrives: apply payload(token), then release(token)
    skip,      ///< a tick lost to churn, or a dropped exchange (counted, nothing to do)
    end,       ///< the worker's budget is used
  };
  Kind kind = Kind::end;
  Index i = 0, j = 0, edge = 0;
  double time = 0;  ///< simulated time of the action
  std::uint32_t token = 0;
};

/// One worker's stream of actions on a real backend, with the simulator's semantics
/// (sim/engine.hpp): its clocks' ticks (WorkerClocks) up to the horizon, each checked against
/// churn (an offline end: nothing happens, nothing is sent) and drops (the messages count,
/// nobody changes; stream SplitMix64(seed, 0x7e5b0000 + worker)), exchanges delayed by the
/// latency (stream 0x7e5c0000 + worker) and delivered in time order before the first tick that
/// follows them (deliveries due after the horizon are never made: neither end has applied
/// them). It counts the worker's statistics; the backend paces and applies the actions.
class WorkerEvents {
 public:
  /// @param message_size doubles of one exchange's message (the payloads in flight).
  /// @param workers the number of workers p (worker w owns block_rows(n, p, w)).
  WorkerEvents(const Topology& topology, int workers, const RealAsyncOptions& o, int worker, bool computes,
               const ChurnSchedule& churn, Index message_size)
      : m_clocks(topology, workers, o, worker, computes), m_options(&o), m_churn(&churn),
        m_horizon(o.horizon(topology.num_nodes(), computes)),
        m_drop(o.seed, 0x7e5b0000ULL + static_cast<std::uint64_t>(worker), 0),
        m_latency(o.seed, 0x7e5c0000ULL + static_cast<std::uint64_t>(worker), 0), m_payloads(message_size) {}

  /// The next action; `time_is_up` ends the worker at its next tick (the wall-clock budget).
  RealAction next(bool time_is_up = false) {
    if (!m_have_tick) {
      m_tick = m_clocks.next();
      m_have_tick = true;
    }
    const double t = m_clocks.time();
    RealAction a;
    if (!m_pending.empty() && m_pending.top().time <= std::min(t, m_horizon)) {
      const Pending q = m_pending.top();
      m_pending.pop();
      a.kind = RealAction::Kind::deliver;
      a.i = q.i;
      a.j = q.j;
      a.edge = q.edge;
      a.time = q.time;
      a.token = q.token;
      return a;
    }
    m_have_tick = false;
    if (t > m_horizon && std::isfinite(m_horizon)) m_reached = m_horizon;  // its clocks ran to the horizon
    if (t > m_horizon || time_is_up || !std::isfinite(t)) return a;  // end (infinite: a worker without clocks)
    m_reached = t;
    ++m_stats.events;
    a.i = m_tick.i;
    a.j = m_tick.j;
    a.edge = m_tick.edge;
    a.time = t;
    a.kind = RealAction::Kind::skip;
    if (m_tick.compute) {
      if (!m_churn->online(a.i, t)) {
        ++m_stats.offline;
      } else {
        a.kind = RealAction::Kind::compute;
        ++m_stats.gradients;
      }
      return a;
    }
    if (!m_churn->online(a.i, t) || !m_churn->online(a.j, t)) {
      ++m_stats.offline;
      return a;
    }
    ++m_stats.exchanges;
    if (m_options->drop > 0 && m_drop.uniform() < m_options->drop) {
      ++m_stats.dropped;
      return a;
    }
    if (!m_options->latency.enabled()) {
      a.kind = RealAction::Kind::exchange;
      return a;
    }
    double delay = m_options->latency.value;
    if (m_options->latency.kind == sim::Latency::Kind::exponential)
      delay = -std::log1p(-m_latency.uniform()) * m_options->latency.value;
    a.kind = RealAction::Kind::post;
    a.token = m_payloads.acquire();
    m_pending.push({t + delay, m_posted++, a.token, a.i, a.j, a.edge});
    return a;
  }
  /// The message of a posted exchange (valid until release).
  double* payload(std::uint32_t token) { return m_payloads.row(token).data(); }
  void release(std::uint32_t token) { m_payloads.release(token); }
  /// The worker's counts so far (seconds and clock_time are the backend's to set).
  const WorkerStats& stats() const noexcept { return m_stats; }
  WorkerStats& stats() noexcept { return m_stats; }
  /// Simulated time its clocks reached: the horizon once they passed it, else the last tick's.
  double reached() const noexcept { return m_reached; }
  double horizon() const noexcept { return m_horizon; }

 private:
  struct Pending {
    double time;
    std::uint64_t order;  // ties broken by posting order
    std::uint32_t token;
    Index i, j, edge;
    bool operator>(const Pending& o) const { return time > o.time || (time == o.time && order > o.order); }
  };
  WorkerClocks m_clocks;
  const RealAsyncOptions* m_options;
  const ChurnSchedule* m_churn;
  double m_horizon;
  SplitMix64 m_drop, m_latency;
  PayloadPool m_payloads;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> m_pending;
  std::uint64_t m_posted = 0;
  RealEvent m_tick;
  bool m_have_tick = false;
  double m_reached = 0;
  WorkerStats m_stats;
};

/// Runs the clocks in wall-clock time: wait(t) returns once simulated time t is due (start +
/// t · time_unit). It waits only when at least 1 ms ahead (shorter sleeps overshoot), so ticks
/// may fire up to 1 ms early; a late worker does not wait at all and catches up.
class Pacer {
 public:
  Pacer(std::chrono::steady_clock::time_point start, double time_unit) : m_start(start), m_unit(time_unit) {}
  /// Sleeps until t is due.
  void wait(double t) const {
    wait(t, [] {});
  }
  /// Waits until t is due, calling idle() about every 100 µs meanwhile (the MPI backend polls
  /// MPI's progress engine there, so that the others' one-sided operations on its window do
  /// not wait for it to wake up).
  template <class Idle>
  void wait(double t, Idle&& idle) const {
    const auto due = m_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(t * m_unit));
    if (due - std::chrono::steady_clock::now() <= std::chrono::milliseconds(1)) return;
    for (auto now = std::chrono::steady_clock::now(); now < due; now = std::chrono::steady_clock::now()) {
      idle();
      std::this_thread::sleep_until(std::min(due, now + std::chrono::microseconds(100)));
    }
  }

 private:
  std::chrono::steady_clock::time_point m_start;
  double m_unit;
};

/// What a rule of the threads backend defines (runtime/threads.hpp; GossipRule, SgdRule here,
/// and the continuized methods, DADAO and asynchronous ADMM in runtime/accelerated.hpp). Every
/// node owns `state_rows` d-vectors (row 0 is its x_i), every edge `edge_rows` (0: none), and
/// an exchange carries `message_rows` d-vectors from its start to its delivery:
///   static constexpr bool computes, continuous; static constexpr Index state_rows, edge_rows,
///     message_rows;
///   init(x0, topology, nodes, edges)          the initial state (nodes: n·state_rows x d)
///   advance(s, d, Δt)                          the ODE between events over Δt > 0 (continuous)
///   x_at(s, d, Δt, x)                          x_i after Δt without touching s (continuous)
///   gradient(i, s, g, d, draw), apply_gradient(s, g, d, scale)   a computation tick, in two
///                                              phases: g at a copy of s, applied to the current s
///   start(i, j, e, s_i, s_j, m, d)             an exchange starts: the message m (it may write
///                                              s_i, s_j: ADMM's primal steps)
///   deliver(i, j, e, s_i, s_j, edge_e, m, d)   it takes effect on both ends
/// The backend holds the locks of the nodes involved (and of both ends of edge e) around each
/// call but gradient; the state of a continuous rule is advanced to the event's time first.

/// Randomized pairwise gossip (Boyd et al. 2006): exchanges only (compute_rate is ignored). An
/// exchange's message is Δ = (x_j − x_i)/2; its delivery adds +Δ to x_i and −Δ to x_j, the
/// simulator's delayed exchange (sim/async.hpp), exact averaging without latency.
struct GossipRule {
  static constexpr bool computes = false, continuous = false;
  static constexpr Index state_rows = 1, edge_rows = 0, message_rows = 1;
  /// Not called (no computation clocks).
  void gradient(Index, const double*, double*, Index, std::int64_t) const {}
  void apply_gradient(double*, const double*, Index, double) const {}
  double step_size() const noexcept { return 0; }
  void start(Index, Index, Index, const double* si, const double* sj, double* m, Index d) const {
    for (Index k = 0; k < d; ++k) m[k] = 0.5 * (sj[k] - si[k]);
  }
  void deliver(Index, Index, Index, double* si, double* sj, double*, const double* m, Index d) const {
    for (Index k = 0; k < d; ++k) {
      si[k] += m[k];
      sj[k] -= m[k];
    }
  }
};

/// Asynchronous gossip SGD (AD-PSGD, see algorithm/async_sgd.hpp): the gradient of node i at
/// the model it read, applied as x_i ← x_i − α g; minibatch k of node i comes from
/// SplitMix64(seed, async_gradient_stream + i, k), k counting node i's own gradients. Its
/// exchanges are GossipRule's.
/// @tparam Problem models DecentralizedObjective; it must outlive the rule and be safe to call
///         concurrently (const member functions without shared mutable state, as every
///         objective of problem/).
template <DecentralizedObjective Problem>
class SgdRule : public GossipRule {
 public:
  static constexpr bool computes = true;
  /// @throws InvalidArgument for invalid options (see AsyncGossipSgdOptions).
  SgdRule(const Problem& problem, AsyncGossipSgdOptions options, std::uint64_t seed)
      : m_problem(&problem), m_options(options), m_seed(seed) {
    m_options.validate();
    if (m_options.stochastic && !StochasticObjective<Problem>)
      detail::fail("runtime::SgdRule", "stochastic = true needs an objective with stochastic_gradient");
    if (m_options.step_size == 0)
      m_options.smoothness = detail::resolve_smoothness("runtime::SgdRule", m_options.smoothness, problem);
    m_step = m_options.step_size > 0 ? m_options.step_size : 1 / (8 * m_options.smoothness);
  }
  const Problem& problem() const noexcept { return *m_problem; }
  double step_size() const noexcept { return m_step; }
  /// g = ∇f_i(x) (or minibatch `draw` of node i), x and g of length d.
  void gradient(Index i, const double* x, double* g, Index d, std::int64_t draw) const {
    const Eigen::Map<const Vector<double>> xv(x, d);
    Eigen::Map<Vector<double>> gv(g, d);
    detail::async_gradient(*m_problem, i, xv, gv, m_options.stochastic, m_seed, draw);
  }
  /// x ← x − scale·α g.
  void apply_gradient(double* x, const double* g, Index d, double scale) const {
    const double step = m_step * scale;
    for (Index k = 0; k < d; ++k) x[k] -= step * g[k];
  }

 private:
  const Problem* m_problem;
  AsyncGossipSgdOptions m_options;
  std::uint64_t m_seed;
  double m_step = 0;
};

/// What the observers of a real run see (RoundView<SnapshotState>): a snapshot of X copied row
/// by row while the workers run (each row consistent, the rows not a consistent cut), and the
/// counters at that moment (rounds = events so far, time = wall seconds).
class SnapshotState {
 public:
  const Iterates<double>& iterates() const noexcept { return x; }
  const Counters& counters() const noexcept { return c; }
  Iterates<double> x;
  Counters c;
};

}  // namespace adonis::runtime

namespace adonis::detail {
/// Checks the common inputs of the real backends.
inline void check_real_inputs(const char* who, const Graph& g, const Iterates<double>& x,
                              const runtime::RealAsyncOptions& o) {
  o.validate();
  if (num_nodes(g) != x.rows())
    fail<DimensionMismatch>(who, "X has ", x.rows(), " rows, the graph ", num_nodes(g), " nodes");
  if (x.rows() < 2) fail<InvalidTopology>(who, "needs at least 2 nodes (got ", x.rows(), ")");
  if (!x.allFinite()) fail(who, "X_0 has a non-finite entry");
}
}  // namespace adonis::detail
