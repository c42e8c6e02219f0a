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

#include "adonis/algorithm/driver.hpp"
#include "adonis/runtime/async.hpp"

namespace adonis::runtime {

/// Runs `rule` (GossipRule or SgdRule) over graph g with `workers` threads (at most n; 0 uses
/// std::thread::hardware_concurrency()), starting from X, until every worker has used its budget
/// (options.max_events events or options.duration seconds), an observer stops the run, or X
/// diverges. Observers see RoundView<SnapshotState> (see SnapshotState), as with adonis::run.
/// On return X holds the final iterates.
/// @throws InvalidArgument / DimensionMismatch / InvalidTopology for bad input; an exception
///         thrown inside a worker is rethrown here after every thread has been joined.
template <class Rule, class... Observers>
RealAsyncResult threads_run(const Rule& rule, const Graph& g, Iterates<double>& X, const RealAsyncOptions& options,
                            int workers, Observers&&... observers) {
  using View = RoundView<SnapshotState>;
  using clock = std::chrono::steady_clock;
  adonis::detail::check_real_inputs("runtime::threads_run", g, X, options);
  if (workers < 0) adonis::detail::fail("runtime::threads_run", "workers must be >= 0 (got ", workers, ")");
  if (workers == 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const Index n = X.rows(), d = X.cols();
  const int p = static_cast<int>(std::min<Index>(workers, n));
  if (options.slow_worker >= p)
    adonis::detail::fail("runtime::threads_run", "slow_worker must be < the number of workers ", p, " (got ",
                         options.slow_worker, ")");
  const auto adjacency = adjacency_lists(g);
  std::vector<WorkerClocks> clocks;
  for (int w = 0; w < p; ++w) clocks.emplace_back(adjacency, block_rows(n, p, w), options, w, Rule::computes);
  const double horizon = options.horizon(n, Rule::computes);

  Iterates<double> x = X;  // shared; row i guarded by locks[i]
  const std::unique_ptr<std::mutex[]> locks(new std::mutex[static_cast<std::size_t>(n)]);
  std::atomic<bool> stop{false};
  std::atomic<int> running{p};
  std::vector<WorkerStats> stats(static_cast<std::size_t>(p));
  const std::unique_ptr<std::atomic<std::int64_t>[]> progress(new std::atomic<std::int64_t>[static_cast<std::size_t>(3 * p)]);
  for (int k = 0; k < 3 * p; ++k) progress[static_cast<std::size_t>(k)].store(0);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(p));
  const double scale = std::max(X.norm(), 1.0);
  const auto started = clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(clock::now() - started).count(); };

  auto work = [&](int w) {
    WorkerStats& s = stats[static_cast<std::size_t>(w)];
    try {
      WorkerClocks& c = clocks[static_cast<std::size_t>(w)];
      const Pacer pacer(started, options.time_unit);
      const double step = rule.step_size() * options.step_scale(w);
      const RowRange mine = block_rows(n, p, w);
      std::vector<std::int64_t> draws(static_cast<std::size_t>(mine.size()), 0);
      Vector<double> read(d), grad(d);
      while (!stop.load(std::memory_order_relaxed)) {
        const RealEvent e = c.next();
        if (c.time() > horizon) break;
        if (options.duration > 0 && s.events % 16 == 0 && seconds() >= options.duration) break;
        pacer.wait(c.time());
        double* xi = x.data() + e.i * d;
        if (!e.compute) {
          double* xj = x.data() + e.j * d;
          std::scoped_lock both(locks[static_cast<std::size_t>(e.i)], locks[static_cast<std::size_t>(e.j)]);
          adonis::detail::pairwise_average(xi, xj, d);
          ++s.exchanges;
        } else {
          {
            std::lock_guard<std::mutex> lock(locks[static_cast<std::size_t>(e.i)]);
            std::copy_n(xi, d, read.data());
          }
          rule.gradient(e.i, read.data(), grad.data(), d, draws[static_cast<std::size_t>(e.i - mine.begin)]++);
          std::lock_guard<std::mutex> lock(locks[static_cast<std::size_t>(e.i)]);
          for (Index k = 0; k < d; ++k) xi[k] -= step * grad[k];
          ++s.gradients;
        }
        ++s.events;
        progress[static_cast<std::size_t>(3 * w)].store(s.events, std::memory_order_relaxed);
        progress[static_cast<std::size_t>(3 * w + 1)].store(s.exchanges, std::memory_order_relaxed);
        progress[static_cast<std::size_t>(3 * w + 2)].store(s.gradients, std::memory_order_relaxed);
      }
    } catch (...) {
      errors[static_cast<std::size_t>(w)] = std::current_exception();
      stop.store(true);
    }
    s.seconds = seconds();
    s.clock_time = clocks[static_cast<std::size_t>(w)].time();
    running.fetch_sub(1, std::memory_order_release);
  };

  SnapshotState state;
  auto counters = [&](double at) {
    Counters c;
    for (int w = 0; w < p; ++w) {
      c.rounds += progress[static_cast<std::size_t>(3 * w)].load(std::memory_order_relaxed);
      c.messages += 2 * progress[static_cast<std::size_t>(3 * w + 1)].load(std::memory_order_relaxed);
      c.gradients += progress[static_cast<std::size_t>(3 * w + 2)].load(std::memory_order_relaxed);
    }
    c.bytes = c.messages * 8 * d;
    c.time = at;
    return c;
  };
  auto snapshot = [&] {
    state.x.resize(n, d);
    for (Index i = 0; i < n; ++i) {
      std::lock_guard<std::mutex> lock(locks[static_cast<std::size_t>(i)]);
      state.x.row(i) = x.row(i);
    }
    state.c = counters(seconds());
  };

  state.x = X;
  state.c = counters(0);
  {
    const View v(state);
    (([&] {
       if constexpr (adonis::detail::has_on_start<std::remove_cvref_t<Observers>, View>) observers.on_start(v);
     }()),
     ...);
  }
  RealAsyncResult result;
  result.run.status = Status::max_rounds;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(p));
  for (int w = 0; w < p; ++w) threads.emplace_back(work, w);
  // The observer loop: a snapshot every period until the workers are done.
  const double period = options.period(n, Rule::computes);
  double next = period;
  while (running.load(std::memory_order_acquire) > 0) {
    const double wait = next - seconds();
    if (wait > 0) {
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(wait, 2e-3)));
      continue;
    }
    next += period;
    snapshot();
    const double norm = state.x.norm();
    if (!std::isfinite(norm) || norm > options.divergence_factor * scale) {
      result.run.status = Status::diverged;
      stop.store(true);
    }
    const View v(state);
    if ((false | ... | adonis::detail::notify_round(observers, v))) {
      if (result.run.status != Status::diverged) result.run.status = Status::stopped_by_observer;
      stop.store(true);
    }
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  // final state (every worker has stopped)
  state.x = x;
  state.c = counters(seconds());
  result.workers = stats;
  result.run.counters = state.c;
  X = x;
  const double norm = x.norm();
  if (result.run.status == Status::max_rounds && !(std::isfinite(norm) && norm <= options.divergence_factor * scale))
    result.run.status = Status::diverged;
  const View last(state);
  (([&] {
     using O = std::remove_cvref_t<Observers>;
     if constexpr (adonis::detail::has_on_finish_view<O, View>) observers.on_finish(result.run, last);
     else if constexpr (adonis::detail::has_on_finish<O, View>) observers.on_finish(result.run);
   }()),
   ...);
  return result;
}

}  // namespace adonis::runtime
