// SPDX-License-Identifier: BSD-3-Clause
/// @file threads.hpp
/// @brief The threads backend of the asynchronous algorithms: p std::thread workers, each
///        owning a block of nodes and running its nodes' clocks (runtime/async.hpp) with no
///        barrier, over one shared X with one mutex per node.
///
/// Memory consistency: every access to a row x_i holds node i's mutex. An exchange locks both
/// rows (std::scoped_lock, deadlock-free) and averages them in place, so it is atomic: no other
/// worker sees the pair half-averaged, and Σ_i x_i changes only by rounding. A gradient step
/// copies x_i under its lock, evaluates the gradient without it, and subtracts α g under the lock
/// again (AD-PSGD: the gradient may be stale, the update applies to the current row). The main
/// thread takes snapshots for the observers (row by row, each under its lock) every
/// record_period seconds; it stops the workers when an observer returns true or X diverges.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
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

/// The state the workers of one threads_run share: X with one mutex per row, each worker's
/// clocks, its progress counters (read by the observer thread without locks) and its error.
template <class Rule>
class ThreadsShared {
 public:
  using clock = std::chrono::steady_clock;

  ThreadsShared(const Rule& rule, const Graph& g, const Iterates<double>& X, const RealAsyncOptions& options, int p)
      : m_rule(rule), m_options(options), m_n(X.rows()), m_d(X.cols()), m_p(p), m_x(X),
        m_locks(new std::mutex[static_cast<std::size_t>(m_n)]), m_running(p),
        m_stats(static_cast<std::size_t>(p)),
        m_progress(new std::atomic<std::int64_t>[static_cast<std::size_t>(3 * p)]),
        m_errors(static_cast<std::size_t>(p)), m_adjacency(adjacency_lists(g)), m_started(clock::now()) {
    for (int w = 0; w < p; ++w) m_clocks.emplace_back(m_adjacency, block_rows(m_n, p, w), options, w, Rule::computes);
    m_horizon = options.horizon(m_n, Rule::computes);
    for (int k = 0; k < 3 * p; ++k) m_progress[static_cast<std::size_t>(k)].store(0);
  }

  /// Wall seconds since the run started.
  double seconds() const { return std::chrono::duration<double>(clock::now() - m_started).count(); }

  /// Worker w's loop: its nodes' clock ticks, paced, until its budget or a stop; an exception
  /// is kept for the caller and stops every worker.
  void work(int w) {
    WorkerStats& s = m_stats[static_cast<std::size_t>(w)];
    try {
      WorkerClocks& c = m_clocks[static_cast<std::size_t>(w)];
      const Pacer pacer(m_started, m_options.time_unit);
      const double step = m_rule.step_size() * m_options.step_scale(w);
      const RowRange mine = block_rows(m_n, m_p, w);
      std::vector<std::int64_t> draws(static_cast<std::size_t>(mine.size()), 0);
      Vector<double> read(m_d), grad(m_d);
      while (!m_stop.load(std::memory_order_relaxed)) {
        const RealEvent e = c.next();
        if (c.time() > m_horizon) break;
        if (m_options.duration > 0 && s.events % 16 == 0 && seconds() >= m_options.duration) break;
        pacer.wait(c.time());
        if (!e.compute) {
          exchange(e.i, e.j);
          ++s.exchanges;
        } else {
          gradient_step(e.i, step, read, grad, draws[static_cast<std::size_t>(e.i - mine.begin)]++);
          ++s.gradients;
        }
        ++s.events;
        publish(w, s);
      }
    } catch (...) {
      m_errors[static_cast<std::size_t>(w)] = std::current_exception();
      m_stop.store(true);
    }
    s.seconds = seconds();
    s.clock_time = m_clocks[static_cast<std::size_t>(w)].time();
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

  /// Copies X into `state` row by row, each row under its lock, with the counters of now.
  void snapshot(SnapshotState& state) {
    state.x.resize(m_n, m_d);
    for (Index i = 0; i < m_n; ++i) {
      std::lock_guard<std::mutex> lock(m_locks[static_cast<std::size_t>(i)]);
      state.x.row(i) = m_x.row(i);
    }
    state.c = counters(seconds());
  }

  bool running() const { return m_running.load(std::memory_order_acquire) > 0; }
  void stop() { m_stop.store(true); }
  /// Rethrows the first worker's exception, if any (call after every thread has been joined).
  void rethrow() const {
    for (const auto& e : m_errors)
      if (e) std::rethrow_exception(e);
  }
  const Iterates<double>& x() const { return m_x; }  ///< X (only once the workers have stopped)
  const std::vector<WorkerStats>& stats() const { return m_stats; }

 private:
  void exchange(Index i, Index j) {
    std::scoped_lock both(m_locks[static_cast<std::size_t>(i)], m_locks[static_cast<std::size_t>(j)]);
    adonis::detail::pairwise_average(m_x.data() + i * m_d, m_x.data() + j * m_d, m_d);
  }
  // AD-PSGD: the gradient at a copy read under the lock, applied to the current row.
  void gradient_step(Index i, double step, Vector<double>& read, Vector<double>& grad, std::int64_t draw) {
    double* xi = m_x.data() + i * m_d;
    {
      std::lock_guard<std::mutex> lock(m_locks[static_cast<std::size_t>(i)]);
      std::copy_n(xi, m_d, read.data());
    }
    m_rule.gradient(i, read.data(), grad.data(), m_d, draw);
    std::lock_guard<std::mutex> lock(m_locks[static_cast<std::size_t>(i)]);
    for (Index k = 0; k < m_d; ++k) xi[k] -= step * grad[k];
  }
  void publish(int w, const WorkerStats& s) {
    m_progress[static_cast<std::size_t>(3 * w)].store(s.events, std::memory_order_relaxed);
    m_progress[static_cast<std::size_t>(3 * w + 1)].store(s.exchanges, std::memory_order_relaxed);
    m_progress[static_cast<std::size_t>(3 * w + 2)].store(s.gradients, std::memory_order_relaxed);
  }
  std::int64_t load(int k) const { return m_progress[static_cast<std::size_t>(k)].load(std::memory_order_relaxed); }

  const Rule& m_rule;
  const RealAsyncOptions& m_options;
  Index m_n, m_d;
  int m_p;
  Iterates<double> m_x;  // shared; row i guarded by m_locks[i]
  std::unique_ptr<std::mutex[]> m_locks;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_running;
  std::vector<WorkerStats> m_stats;
  std::unique_ptr<std::atomic<std::int64_t>[]> m_progress;
  std::vector<std::exception_ptr> m_errors;
  std::vector<std::vector<Index>> m_adjacency;  // m_clocks point into it
  std::vector<WorkerClocks> m_clocks;
  double m_horizon = 0;
  clock::time_point m_started;
};

}  // namespace threads_detail

/// Runs `rule` (GossipRule or SgdRule) over graph g with `workers` threads (at most n; 0 uses
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
  state.x = shared.x();
  state.c = shared.counters(shared.seconds());
  result.workers = shared.stats();
  result.run.counters = state.c;
  X = state.x;
  if (result.run.status == Status::max_rounds && diverged(X.norm())) result.run.status = Status::diverged;
  notify_finish(result.run, View(state), observers...);
  return result;
}

}  // namespace adonis::runtime
