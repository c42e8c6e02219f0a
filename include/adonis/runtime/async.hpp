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

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
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
  }
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
  double seconds = 0;          ///< wall time until it reached its budget (or was stopped)
  double clock_time = 0;       ///< simulated time its clocks reached
};

/// The outcome of a real asynchronous run: the usual result (counters: rounds = events of all
/// workers, time = wall seconds, messages = 2 per exchange) and every worker's share.
struct RealAsyncResult {
  RunResult run;
  std::vector<WorkerStats> workers;
};

/// One tick of a worker's clocks.
struct RealEvent {
  bool compute = false;  ///< computation tick of node i, else exchange of i with j
  Index i = 0, j = 0;
};

/// The superposed Poisson clocks of one worker's nodes: every owned node ticks at
/// compute_rate + R/n (divided by the slowdown for the straggler), so the ticks form a Poisson
/// process of rate |nodes| (compute_rate + R/n); each tick is at a uniformly chosen owned node, a
/// computation with probability compute_rate / (compute_rate + R/n), else an exchange with a
/// uniformly chosen neighbour. Draws come from SplitMix64(seed, stream 0x7e5a0000 + worker, 0).
class WorkerClocks {
 public:
  /// @param computes false for gossip (no computation clocks).
  /// @throws InvalidTopology if an owned node has no neighbour.
  WorkerClocks(const std::vector<std::vector<Index>>& adjacency, RowRange nodes, const RealAsyncOptions& o, int worker,
               bool computes)
      : m_adjacency(&adjacency), m_nodes(nodes), m_rng(o.seed, 0x7e5a0000ULL + static_cast<std::uint64_t>(worker), 0) {
    const double per_node = o.comm_rate / static_cast<double>(adjacency.size());
    const double compute = computes ? o.compute_rate : 0.0;
    m_compute_probability = compute / (compute + per_node);
    m_rate = static_cast<double>(nodes.size()) * (compute + per_node) / (worker == o.slow_worker ? o.slowdown : 1.0);
    for (Index i = nodes.begin; i < nodes.end; ++i)
      if (adjacency[static_cast<std::size_t>(i)].empty())
        detail::fail<InvalidTopology>("runtime::WorkerClocks", "node ", i, " has no neighbour to exchange with");
  }
  /// The next tick; its simulated time is then time().
  RealEvent next() {
    m_time += -std::log1p(-m_rng.uniform()) / m_rate;
    RealEvent e;
    e.i = m_nodes.begin + static_cast<Index>(m_rng.below(static_cast<std::uint64_t>(m_nodes.size())));
    e.compute = m_compute_probability > 0 && m_rng.uniform() < m_compute_probability;
    if (!e.compute) {
      const auto& nb = (*m_adjacency)[static_cast<std::size_t>(e.i)];
      e.j = nb[static_cast<std::size_t>(m_rng.below(nb.size()))];
    }
    return e;
  }
  /// Simulated time of the last tick drawn.
  double time() const noexcept { return m_time; }

 private:
  const std::vector<std::vector<Index>>* m_adjacency;
  RowRange m_nodes;
  SplitMix64 m_rng;
  double m_compute_probability = 0;
  double m_rate = 0;
  double m_time = 0;
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

/// Randomized pairwise gossip (Boyd et al. 2006): exchanges only (compute_rate is ignored).
struct GossipRule {
  static constexpr bool computes = false;
  /// Not called (no computation clocks).
  void gradient(Index, const double*, double*, Index, std::int64_t) const {}
  double step_size() const noexcept { return 0; }
};

/// Asynchronous gossip SGD (AD-PSGD, see algorithm/async_sgd.hpp): the gradient of node i at
/// the model it read, applied as x_i ← x_i − α g; minibatch k of node i comes from
/// SplitMix64(seed, async_gradient_stream + i, k), k counting node i's own gradients.
/// @tparam Problem models DecentralizedObjective; it must outlive the rule and be safe to call
///         concurrently (const member functions without shared mutable state, as every
///         objective of problem/).
template <DecentralizedObjective Problem>
class SgdRule {
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
