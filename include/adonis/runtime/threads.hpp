// SPDX-License-Identifier: BSD-3-Clause
/// @file threads.hpp
/// @brief The threads backend of the asynchronous algorithms: p std::thread workers, each
///        owning a block of nodes and running its nodes' clocks (runtime/async.hpp) with no
///        barrier, over one shared state with one mutex per node.
///
/// State: every node owns Rule::state_rows d-vectors (row 0 is x_i; A²CiD² adds x̃_i, DADAO five
/// more, ADMM s_i), every edge Rule::edge_rows (ADMM's z_e, λ_e), and a continuous rule's node
/// keeps the simulated time of its last update. Memory consistency: every access to node i's
/// rows holds node i's mutex, every access to edge e's rows holds both of its ends' mutexes.
/// An exchange locks both nodes (std::scoped_lock, deadlock-free), brings a continuous rule's
/// two nodes to the event's time (the ODE in closed form over the elapsed simulated time), and
/// applies the rule's start and delivery at once, or, with latency, posts the message and
/// applies the delivery when the initiating worker's clocks reach its time (locking both nodes
/// again and bringing them to that time): no other worker sees a pair half-updated, and what
/// the simulator preserves (Σ_i x_i for the averaging rules) is preserved to rounding. A
/// computation tick copies node i's rows under its lock, evaluates the gradient without it, and
/// applies it under the lock again (AD-PSGD: the gradient may be stale, the update applies to
/// the current rows). Time: a worker's events carry its clocks' simulated times, which the
/// pacing keeps within about a millisecond of wall time · time_unit⁻¹ on every worker; when a
/// node was already brought to a later time by another worker (its clocks slightly ahead), the
/// event applies at that later time instead (the one semantic that differs from the
/// simulator's single event order, docs/asynchrony.md). A worker that would run more than
/// RealAsyncOptions::skew() ahead of the earliest event another worker has yet to apply waits
/// for it (bounded skew: a late worker's backlog is not applied alone after the others have
/// finished). The main thread takes snapshots for the
/// observers (x of every node at the current simulated time, row by row, each under its lock)
/// every record_period seconds; it stops the workers when an observer returns true or X diverges.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "adonis/core/interrupt.hpp"
#include "adonis/core/run.hpp"
#include "adonis/runtime/async.hpp"

namespace adonis::runtime {

namespace threads_detail {

/// The state the workers of one threads_run share: the nodes' and edges' rows with one mutex per
/// node, each worker's clocks, its progress counters (read by the observer thread without
/// locks) and its error.
template <class Rule>
class ThreadsShared {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr Index K = Rule::state_rows;

  ThreadsShared(const Rule& rule, const Graph& g, const Iterates<double>& X, const RealAsyncOptions& options, int p)
      : m_rule(rule), m_options(options), m_topology(g), m_n(X.rows()), m_d(X.cols()), m_p(p),
        m_last(static_cast<std::size_t>(m_n), 0.0), m_locks(new std::mutex[static_cast<std::size_t>(m_n)]),
        m_running(p), m_stats(static_cast<std::size_t>(p)),
        m_progress(new std::atomic<std::int64_t>[static_cast<std::size_t>(3 * p)]),
        m_next(new std::atomic<double>[static_cast<std::size_t>(p)]),
        m_errors(static_cast<std::size_t>(p)) {
    if constexpr (requires { rule.init(X, m_topology, m_nodes, m_edges); }) {
      rule.init(X, m_topology, m_nodes, m_edges);
    } else {
      m_nodes = RowMatrix<double>::Zero(K * m_n, m_d);
      for (Index i = 0; i < m_n; ++i) m_nodes.row(K * i) = X.row(i);
    }
    const double horizon = options.horizon(m_n, Rule::computes);
    m_churn = ChurnSchedule(m_n, options.churn, options.seed,
                            std::isfinite(horizon) ? horizon : 1.1 * options.duration / options.time_unit + 1);
    m_events.reserve(static_cast<std::size_t>(p));
    for (int w = 0; w < p; ++w)
      m_events.emplace_back(m_topology, p, options, w, Rule::computes, m_churn,
                            Rule::message_rows * m_d);
    for (int k = 0; k < 3 * p; ++k) m_progress[static_cast<std::size_t>(k)].store(0);
    for (int k = 0; k < p; ++k) m_next[static_cast<std::size_t>(k)].store(0);
    m_skew = options.skew(m_n, Rule::computes);
    m_started = clock::now();
  }

  /// Wall seconds since the run started.
  double seconds() const { return std::chrono::duration<double>(clock::now() - m_started).count(); }

  /// Worker w's loop: its actions (WorkerEvents), paced, until its budget or a stop; an
  /// exception is kept for the caller and stops every worker.
  void work(int w) {
    WorkerEvents& events = m_events[static_cast<std::size_t>(w)];
    try {
      const Pacer pacer(m_started, m_options.time_unit);
      const double scale = m_options.step_scale(w);
      const RowRange mine = block_rows(m_n, m_p, w);
      std::vector<std::int64_t> draws(static_cast<std::size_t>(mine.size()), 0);
      Vector<double> read(K * m_d), grad(m_d), message(Rule::message_rows * m_d);
      bool time_is_up = false;
      while (!m_stop.load(std::memory_order_relaxed)) {
        if (m_options.duration > 0 && events.stats().events % 16 == 0) time_is_up = seconds() >= m_options.duration;
        const RealAction a = events.next(time_is_up);
        if (a.kind == RealAction::Kind::end) break;
        // bounded skew (RealAsyncOptions::max_skew): wait for a worker that fell behind
        m_next[static_cast<std::size_t>(w)].store(a.time, std::memory_order_release);
        while (a.time > earliest() + m_skew && !m_stop.load(std::memory_order_relaxed))
          std::this_thread::sleep_for(std::chrono::microseconds(50));
        pacer.wait(a.time);
        switch (a.kind) {
          case RealAction::Kind::compute:
            compute(a.i, a.time, scale, read, grad, draws[static_cast<std::size_t>(a.i - mine.begin)]++);
            break;
          case RealAction::Kind::exchange: {
            std::scoped_lock both(lock(a.i), lock(a.j));
            advance(a.i, a.j, a.time);
            m_rule.start(a.i, a.j, a.edge, node(a.i), node(a.j), message.data(), m_d);
            m_rule.deliver(a.i, a.j, a.edge, node(a.i), node(a.j), edge(a.edge), message.data(), m_d);
            break;
          }
          case RealAction::Kind::post: {
            std::scoped_lock both(lock(a.i), lock(a.j));
            advance(a.i, a.j, a.time);
            m_rule.start(a.i, a.j, a.edge, node(a.i), node(a.j), events.payload(a.token), m_d);
            break;
          }
          case RealAction::Kind::deliver: {
            std::scoped_lock both(lock(a.i), lock(a.j));
            advance(a.i, a.j, a.time);
            m_rule.deliver(a.i, a.j, a.edge, node(a.i), node(a.j), edge(a.edge), events.payload(a.token), m_d);
            events.release(a.token);
            break;
          }
          default:
            break;
        }
        publish(w, events.stats());
      }
    } catch (...) {
      m_errors[static_cast<std::size_t>(w)] = std::current_exception();
      m_stop.store(true);
    }
    m_next[static_cast<std::size_t>(w)].store(std::numeric_limits<double>::infinity(), std::memory_order_release);
    WorkerStats& s = m_stats[static_cast<std::size_t>(w)];
    s = events.stats();
    s.seconds = seconds();
    s.clock_time = events.reached();
    m_running.fetch_sub(1, std::memory_order_release);
  }

  /// The counters of all workers at wall time `at` (rounds = events; each exchange is 2 messages).
  Counters counters(double at) const {
    Counters c;
    for (int w = 0; w < m_p; ++w) {
      c.rounds += load(3 * w);
      c.messages += 2 * load(3 * w + 1);
      c.gradients += load(3 * w + 2);
    }
    c.bytes = c.messages * 8 * m_d;
    c.time = at;
    return c;
  }

  /// Writes every node's x at simulated time t into `out`, row by row, each under its lock.
  void read_x(double t, Iterates<double>& out) {
    out.resize(m_n, m_d);
    for (Index i = 0; i < m_n; ++i) {
      std::lock_guard<std::mutex> guard(lock(i));
      x_at(i, t, out.row(i).data());
    }
  }
  /// Copies X at the current simulated time into `state`, with the counters of now.
  void snapshot(SnapshotState& state) {
    const double now = seconds();
    read_x(now / m_options.time_unit, state.x);
    state.c = counters(now);
  }

  bool running() const { return m_running.load(std::memory_order_acquire) > 0; }
  void stop() { m_stop.store(true); }
  /// Rethrows the first worker's exception, if any (call after every thread has been joined).
  void rethrow() const {
    for (const auto& e : m_errors)
      if (e) std::rethrow_exception(e);
  }
  /// The final X (once the workers have stopped): every node's x at the last time a worker's
  /// clocks reached (the horizon when the budget was events).
  Iterates<double> final_x() {
    double t = 0;
    for (const auto& s : m_stats) t = std::max(t, s.clock_time);
    Iterates<double> x;
    read_x(t, x);
    return x;
  }
  const std::vector<WorkerStats>& stats() const { return m_stats; }
  /// Every node's rows (n·state_rows x d, node i's at rows K i ..) and every edge's rows
  /// (|E|·edge_rows x d), as of each one's last update (once the workers have stopped).
  const RowMatrix<double>& nodes() const { return m_nodes; }
  const RowMatrix<double>& edges() const { return m_edges; }

 private:
  std::mutex& lock(Index i) { return m_locks[static_cast<std::size_t>(i)]; }
  double* node(Index i) { return m_nodes.data() + K * i * m_d; }
  double* edge(Index e) { return Rule::edge_rows > 0 ? m_edges.data() + Rule::edge_rows * e * m_d : nullptr; }
  // Brings nodes i and j (both locked) to the same time, the latest of t and their last
  // updates, so that an exchange's jumps apply to both at one time (what keeps a continuized
  // method's network average exact).
  void advance(Index i, Index j, double t) {
    if constexpr (Rule::continuous) {
      t = std::max({t, m_last[static_cast<std::size_t>(i)], m_last[static_cast<std::size_t>(j)]});
      advance(i, t);
      advance(j, t);
    }
  }
  // Brings node i to simulated time t (under its lock): a continuous rule's ODE over the
  // elapsed time; a node already at a later time stays there.
  void advance(Index i, double t) {
    if constexpr (Rule::continuous) {
      double& last = m_last[static_cast<std::size_t>(i)];
      if (t > last) {
        m_rule.advance(node(i), m_d, t - last);
        last = t;
      }
    }
  }
  // x_i at time t into out (under node i's lock), without changing the state.
  void x_at(Index i, double t, double* out) {
    if constexpr (Rule::continuous) {
      const double dt = t - m_last[static_cast<std::size_t>(i)];
      if (dt > 0) {
        m_rule.x_at(node(i), m_d, dt, out);
        return;
      }
    }
    std::copy_n(node(i), m_d, out);
  }
  // A computation tick (AD-PSGD): the gradient at a copy read under the lock, applied to the
  // current rows.
  void compute(Index i, double t, double scale, Vector<double>& read, Vector<double>& grad, std::int64_t draw) {
    {
      std::lock_guard<std::mutex> guard(lock(i));
      advance(i, t);
      std::copy_n(node(i), K * m_d, read.data());
    }
    m_rule.gradient(i, read.data(), grad.data(), m_d, draw);
    std::lock_guard<std::mutex> guard(lock(i));
    advance(i, t);
    m_rule.apply_gradient(node(i), grad.data(), m_d, scale);
  }
  void publish(int w, const WorkerStats& s) {
    m_progress[static_cast<std::size_t>(3 * w)].store(s.events, std::memory_order_relaxed);
    m_progress[static_cast<std::size_t>(3 * w + 1)].store(s.exchanges, std::memory_order_relaxed);
    m_progress[static_cast<std::size_t>(3 * w + 2)].store(s.gradients, std::memory_order_relaxed);
  }
  std::int64_t load(int k) const { return m_progress[static_cast<std::size_t>(k)].load(std::memory_order_relaxed); }
  // The earliest simulated time a worker has yet to apply an event at (infinity once done).
  double earliest() const {
    double t = std::numeric_limits<double>::infinity();
    for (int k = 0; k < m_p; ++k) t = std::min(t, m_next[static_cast<std::size_t>(k)].load(std::memory_order_acquire));
    return t;
  }

  const Rule& m_rule;
  const RealAsyncOptions& m_options;
  Topology m_topology;
  Index m_n, m_d;
  int m_p;
  RowMatrix<double> m_nodes, m_edges;  // shared; node i's rows guarded by m_locks[i], edge e's by both ends'
  std::vector<double> m_last;          // continuous rules: node i's last update (guarded by m_locks[i])
  std::unique_ptr<std::mutex[]> m_locks;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_running;
  std::vector<WorkerStats> m_stats;
  std::unique_ptr<std::atomic<std::int64_t>[]> m_progress;
  std::unique_ptr<std::atomic<double>[]> m_next;  // each worker's next action time (bounded skew)
  double m_skew = 0;
  std::vector<std::exception_ptr> m_errors;
  ChurnSchedule m_churn;               // before m_events, which point to it
  std::vector<WorkerEvents> m_events;  // point into m_topology and m_churn
  clock::time_point m_started;
};

}  // namespace threads_detail

/// Runs `rule` (GossipRule, SgdRule, or a rule of runtime/accelerated.hpp) over graph g with `workers` threads (at most n; 0 uses
/// std::thread::hardware_concurrency()), starting from X, until every worker has used its budget
/// (options.max_events events or options.duration seconds), an observer stops the run, or X
/// diverges. Observers see RoundView<SnapshotState> (see SnapshotState), as with adonis::run,
/// through the same protocol (core/run.hpp). On return X holds the final iterates.
/// @throws InvalidArgument / DimensionMismatch / InvalidTopology for bad input; an exception
///         thrown inside a worker is rethrown here after every thread has been joined.
template <class Rule, class... Observers>
RealAsyncResult threads_run(const Rule& rule, const Graph& g, Iterates<double>& X, const RealAsyncOptions& options,
                            int workers, Observers&&... observers) {
  using View = RoundView<SnapshotState>;
  static_assert(observers_have_hooks<View, Observers...>,
                "every observer needs on_start, on_round or on_finish (is a hook misspelled?)");
  adonis::detail::check_real_inputs("runtime::threads_run", g, X, options);
  if (workers < 0) adonis::detail::fail("runtime::threads_run", "workers must be >= 0 (got ", workers, ")");
  if (workers == 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const Index n = X.rows();
  const int p = static_cast<int>(std::min<Index>(workers, n));
  if (options.slow_worker >= p)
    adonis::detail::fail("runtime::threads_run", "slow_worker must be < the number of workers ", p, " (got ",
                         options.slow_worker, ")");
  threads_detail::ThreadsShared<Rule> shared(rule, g, X, options, p);
  const DivergenceTest diverged(X.norm(), options.divergence_factor);
  SnapshotState state;
  state.x = X;
  state.c = shared.counters(0);
  notify_start(View(state), observers...);
  RealAsyncResult result;
  result.run.status = Status::max_rounds;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(p));
  for (int w = 0; w < p; ++w) threads.emplace_back([&shared, w] { shared.work(w); });
  // The observer loop: a snapshot every period until the workers are done.
  const double period = options.period(n, Rule::computes);
  double next = period;
  while (shared.running()) {
    if (interrupt_requested() != 0 && result.run.status == Status::max_rounds) {  // core/interrupt.hpp
      result.run.status = Status::interrupted;
      shared.stop();
    }
    const double wait = next - shared.seconds();
    if (wait > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait, 2e-3)));
      continue;
    }
    next += period;
    shared.snapshot(state);
    if (diverged(state.x.norm())) {
      result.run.status = Status::diverged;
      shared.stop();
    }
    if (notify_round(View(state), observers...)) {
      if (result.run.status != Status::diverged) result.run.status = Status::stopped_by_observer;
      shared.stop();
    }
  }
  for (auto& t : threads) t.join();
  shared.rethrow();
  // final state (every worker has stopped)
  state.x = shared.final_x();
  state.c = shared.counters(shared.seconds());
  result.workers = shared.stats();
  result.run.counters = state.c;
  X = state.x;
  if (result.run.status == Status::max_rounds && diverged(X.norm())) result.run.status = Status::diverged;
  notify_finish(result.run, View(state), observers...);
  return result;
}

}  // namespace adonis::runtime
