// SPDX-License-Identifier: BSD-3-Clause
/// @file mpi_async.hpp
/// @brief The MPI backend of the asynchronous algorithms (pairwise gossip, asynchronous gossip
///        SGD): every rank runs its nodes' clocks (runtime/async.hpp) in wall-clock time and
///        reads and updates its neighbours' rows through MPI-3 one-sided communication, with no
///        barrier per event (target `adonis::mpi`).
///
/// Each rank exposes its block of rows in a window (MPI_Win_allocate) and holds a shared
/// passive-target epoch on every rank for the whole run (MPI_Win_lock_all). Every access to a
/// row, its owner's included, is an accumulate operation, which MPI makes atomic element by
/// element: a read is MPI_Get_accumulate with MPI_NO_OP, an update MPI_Accumulate with MPI_SUM,
/// completed by MPI_Win_flush. An exchange of i (owned) with j reads x_i and x_j, computes
/// Δ = (x_j − x_i)/2, and adds +Δ to x_i and −Δ to x_j: whatever other ranks do to x_i and x_j
/// in between, the two additions cancel, so Σ_i x_i is preserved to rounding, exactly as the
/// simulator's delayed exchange (sim/async.hpp). A gradient step reads x_i, evaluates g at what
/// it read, and adds −α g (AD-PSGD's stale gradient). No rank waits for another during the
/// run: a rank that has reached its budget (the common horizon in simulated time, or the wall
/// duration) enters a non-blocking barrier (MPI_Ibarrier) and polls it, still serving the
/// others' one-sided requests, until every rank has arrived.
///
/// Rank 0 takes the observers' snapshots: every record_period seconds it reads every block
/// (one MPI_Get_accumulate per rank: each element atomic, the rows not a consistent cut) and the
/// ranks' published counters; when an observer returns true or X diverges, it raises a stop
/// flag in every rank's window, which the ranks poll every 32 events.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <mpi.h>

#include "adonis/algorithm/driver.hpp"
#include "adonis/runtime/async.hpp"
#include "adonis/runtime/mpi.hpp"

namespace adonis::runtime {

namespace mpi_async_detail {
/// Slots after a rank's rows in its window: stop flag, events, exchanges, gradients.
inline constexpr int kSlots = 4;

/// The window and its lock_all epoch. Freed (a collective call) only on the normal path: when
/// an exception unwinds, the program aborts the job instead (see MpiSession).
class Window {
 public:
  /// @param shared allocate in shared memory if every rank of comm is on this node.
  Window(MPI_Aint values, MPI_Comm comm, bool shared) : m_comm(comm) {
    if (shared) {
      MPI_Comm node = MPI_COMM_NULL;
      mpi_check(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
      int all = 0, here = 0;
      MPI_Comm_size(comm, &all);
      MPI_Comm_size(node, &here);
      MPI_Comm_free(&node);
      shared = here == all;
    }
    const MPI_Aint bytes = values * static_cast<MPI_Aint>(sizeof(double));
    if (shared)
      mpi_check(MPI_Win_allocate_shared(bytes, sizeof(double), MPI_INFO_NULL, comm, &m_base, &m_win),
                "MPI_Win_allocate_shared");
    else
      mpi_check(MPI_Win_allocate(bytes, sizeof(double), MPI_INFO_NULL, comm, &m_base, &m_win), "MPI_Win_allocate");
    m_shared = shared;
    MPI_Win_set_errhandler(m_win, MPI_ERRORS_RETURN);
  }
  /// Whether the window is in shared memory.
  bool shared() const noexcept { return m_shared; }
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;
  ~Window() {
    if (std::uncaught_exceptions() > 0 || !mpi_active()) return;
    if (m_locked) MPI_Win_unlock_all(m_win);
    MPI_Win_free(&m_win);
  }
  double* base() const noexcept { return m_base; }
  MPI_Win get() const noexcept { return m_win; }
  void lock_all() {
    mpi_check(MPI_Win_lock_all(0, m_win), "MPI_Win_lock_all");
    m_locked = true;
  }
  void unlock_all() {
    mpi_check(MPI_Win_unlock_all(m_win), "MPI_Win_unlock_all");
    m_locked = false;
  }

 private:
  MPI_Comm m_comm;
  double* m_base = nullptr;
  MPI_Win m_win = MPI_WIN_NULL;
  bool m_locked = false;
  bool m_shared = false;
};
}  // namespace mpi_async_detail

/// Runs `rule` (GossipRule or SgdRule) over graph g on every rank of `comm`, rank r owning the
/// nodes block_rows(n, p, r), from X (the same on every rank), until every rank has used its
/// budget, an observer on rank 0 stops the run, or X diverges. Rank 0's observers see
/// RoundView<SnapshotState>; the others' are not called. On return, X holds the final
/// iterates on rank 0 and this rank's rows (the others as they started) elsewhere; the result's
/// status, counters and per-rank statistics are the same on every rank.
/// @throws InvalidArgument for bad input (the same on every rank, so every rank throws);
///         RuntimeError if an MPI call fails.
template <class Rule, class... Observers>
RealAsyncResult mpi_async_run(const Rule& rule, const Graph& g, Iterates<double>& X, const RealAsyncOptions& options,
                              MPI_Comm comm, Observers&&... observers) {
  using View = RoundView<SnapshotState>;
  using clock = std::chrono::steady_clock;
  using mpi_async_detail::kSlots;
  adonis::detail::check_real_inputs("runtime::mpi_async_run", g, X, options);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const Index n = X.rows(), d = X.cols();
  if (size > n)
    adonis::detail::fail("runtime::mpi_async_run", "more ranks (", size, ") than nodes (", n, ")");
  if (options.slow_worker >= size)
    adonis::detail::fail("runtime::mpi_async_run", "slow_worker must be < the number of ranks ", size, " (got ",
                         options.slow_worker, ")");
  const auto adjacency = adjacency_lists(g);
  WorkerClocks clocks(adjacency, block_rows(n, size, rank), options, rank, Rule::computes);
  const RowRange mine = block_rows(n, size, rank);
  std::vector<int> owner(static_cast<std::size_t>(n));
  std::vector<Index> first(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    const RowRange b = block_rows(n, size, r);
    first[static_cast<std::size_t>(r)] = b.begin;
    for (Index i = b.begin; i < b.end; ++i) owner[static_cast<std::size_t>(i)] = r;
  }
  const double horizon = options.horizon(n, Rule::computes);
  const double scale = std::max(X.norm(), 1.0);
  const double step = rule.step_size() * options.step_scale(rank);

  mpi_async_detail::Window window(static_cast<MPI_Aint>(mine.size() * d + kSlots), comm, options.shared_memory_window);
  const MPI_Win win = window.get();
  std::copy_n(X.data() + mine.begin * d, mine.size() * d, window.base());
  std::fill_n(window.base() + mine.size() * d, kSlots, 0.0);
  mpi_check(MPI_Barrier(comm), "MPI_Barrier");
  window.lock_all();

  auto where = [&](Index j) -> MPI_Aint { return (j - first[static_cast<std::size_t>(owner[static_cast<std::size_t>(j)])]) * d; };
  auto read_row = [&](Index j, double* into) {
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, into, static_cast<int>(d), MPI_DOUBLE,
                                 owner[static_cast<std::size_t>(j)], where(j), static_cast<int>(d), MPI_DOUBLE,
                                 MPI_NO_OP, win),
              "MPI_Get_accumulate");
  };
  auto add_row = [&](Index j, const double* values) {
    mpi_check(MPI_Accumulate(values, static_cast<int>(d), MPI_DOUBLE, owner[static_cast<std::size_t>(j)], where(j),
                             static_cast<int>(d), MPI_DOUBLE, MPI_SUM, win),
              "MPI_Accumulate");
  };
  auto flush = [&](int r) { mpi_check(MPI_Win_flush(r, win), "MPI_Win_flush"); };
  const MPI_Aint slots = static_cast<MPI_Aint>(mine.size() * d);

  WorkerStats s;
  auto publish = [&] {  // this rank's counters into its own slots (rank 0 reads them)
    const double values[3] = {static_cast<double>(s.events), static_cast<double>(s.exchanges),
                              static_cast<double>(s.gradients)};
    mpi_check(MPI_Accumulate(values, 3, MPI_DOUBLE, rank, slots + 1, 3, MPI_DOUBLE, MPI_REPLACE, win),
              "MPI_Accumulate");
    flush(rank);
  };
  auto stop_raised = [&] {
    double flag = 0;
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, &flag, 1, MPI_DOUBLE, rank, slots, 1, MPI_DOUBLE, MPI_NO_OP,
                                 win),
              "MPI_Get_accumulate");
    flush(rank);
    return flag > 0;
  };

  // rank 0: snapshots for the observers
  const auto started = clock::now();
  auto seconds = [&] { return std::chrono::duration<double>(clock::now() - started).count(); };
  SnapshotState state;
  RealAsyncResult result;
  result.run.status = Status::max_rounds;
  std::vector<double> block;
  auto snapshot = [&] {
    state.x.resize(n, d);
    Counters c;
    for (int r = 0; r < size; ++r) {
      const RowRange b = block_rows(n, size, r);
      block.resize(static_cast<std::size_t>(b.size() * d + kSlots));
      mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, block.data(), static_cast<int>(block.size()), MPI_DOUBLE,
                                   r, 0, static_cast<int>(block.size()), MPI_DOUBLE, MPI_NO_OP, win),
                "MPI_Get_accumulate");
      flush(r);
      std::copy_n(block.data(), b.size() * d, state.x.data() + b.begin * d);
      const double* k = block.data() + b.size() * d;
      c.rounds += static_cast<Round>(k[1]);
      c.messages += 2 * static_cast<std::int64_t>(k[2]);
      c.gradients += static_cast<std::int64_t>(k[3]);
    }
    c.bytes = c.messages * 8 * d;
    c.time = seconds();
    state.c = c;
  };
  auto raise_stop = [&] {
    const double one = 1;
    for (int r = 0; r < size; ++r) {
      const RowRange b = block_rows(n, size, r);
      mpi_check(MPI_Accumulate(&one, 1, MPI_DOUBLE, r, static_cast<MPI_Aint>(b.size() * d), 1, MPI_DOUBLE, MPI_REPLACE,
                               win),
                "MPI_Accumulate");
      flush(r);
    }
  };
  const double period = options.period(n, Rule::computes);
  double next_snapshot = period;
  bool stopping = false;  // rank 0: the stop flag has been raised
  auto observe = [&] {     // rank 0, when a snapshot is due
    if (rank != 0 || stopping || seconds() < next_snapshot) return;
    next_snapshot += period;
    snapshot();
    const double norm = state.x.norm();
    bool stop = false;
    if (!std::isfinite(norm) || norm > options.divergence_factor * scale) {
      result.run.status = Status::diverged;
      stop = true;
    }
    const View v(state);
    if ((false | ... | adonis::detail::notify_round(observers, v))) {
      if (result.run.status != Status::diverged) result.run.status = Status::stopped_by_observer;
      stop = true;
    }
    if (stop) {
      raise_stop();
      stopping = true;
    }
  };

  if (rank == 0) {
    state.x = X;
    state.c = Counters{};
    const View v(state);
    (([&] {
       if constexpr (adonis::detail::has_on_start<std::remove_cvref_t<Observers>, View>) observers.on_start(v);
     }()),
     ...);
  }
  const Pacer pacer(started, options.time_unit);
  Vector<double> a(d), b(d), delta(d), minus(d);
  std::vector<std::int64_t> draws(static_cast<std::size_t>(mine.size()), 0);
  for (;;) {
    if (s.events % 32 == 0) {
      publish();
      if (stop_raised()) break;
    }
    observe();
    const RealEvent e = clocks.next();
    if (clocks.time() > horizon) break;
    if (options.duration > 0 && seconds() >= options.duration) break;
    pacer.wait(clocks.time(), [&] {  // drive MPI's progress engine for the others' requests
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, MPI_STATUS_IGNORE);
    });
    read_row(e.i, a.data());
    if (!e.compute) {
      read_row(e.j, b.data());
      flush(rank);
      flush(owner[static_cast<std::size_t>(e.j)]);
      delta = 0.5 * (b - a);
      minus = -delta;
      add_row(e.i, delta.data());
      add_row(e.j, minus.data());
      flush(rank);
      flush(owner[static_cast<std::size_t>(e.j)]);
      ++s.exchanges;
    } else {
      flush(rank);
      rule.gradient(e.i, a.data(), b.data(), d, draws[static_cast<std::size_t>(e.i - mine.begin)]++);
      delta = -step * b;
      add_row(e.i, delta.data());
      flush(rank);
      ++s.gradients;
    }
    ++s.events;
  }
  s.seconds = seconds();
  s.clock_time = std::min(clocks.time(), horizon);
  publish();
  // Termination: a non-blocking barrier, polled while the others finish (rank 0 keeps observing).
  MPI_Request done = MPI_REQUEST_NULL;
  mpi_check(MPI_Ibarrier(comm, &done), "MPI_Ibarrier");
  for (int arrived = 0;;) {
    mpi_check(MPI_Test(&done, &arrived, MPI_STATUS_IGNORE), "MPI_Test");
    if (arrived) break;
    observe();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  window.unlock_all();
  // Every rank's operations are complete: gather the rows, the statistics and the status.
  Iterates<double> local(n, d);
  local.setZero();
  mpi_check(MPI_Win_lock(MPI_LOCK_SHARED, rank, 0, win), "MPI_Win_lock");
  std::copy_n(window.base(), mine.size() * d, local.data() + mine.begin * d);
  mpi_check(MPI_Win_unlock(rank, win), "MPI_Win_unlock");
  Iterates<double> all;
  adonis::detail::mpi_gather_rows(local, mine, comm, all);
  const double mystats[5] = {static_cast<double>(s.events), static_cast<double>(s.exchanges),
                             static_cast<double>(s.gradients), s.seconds, s.clock_time};
  std::vector<double> every(static_cast<std::size_t>(5 * size));
  mpi_check(MPI_Allgather(mystats, 5, MPI_DOUBLE, every.data(), 5, MPI_DOUBLE, comm), "MPI_Allgather");
  int status = static_cast<int>(result.run.status);
  if (rank == 0 && status == static_cast<int>(Status::max_rounds)) {
    const double norm = all.norm();
    if (!(std::isfinite(norm) && norm <= options.divergence_factor * scale)) status = static_cast<int>(Status::diverged);
  }
  mpi_check(MPI_Bcast(&status, 1, MPI_INT, 0, comm), "MPI_Bcast");
  result.run.status = static_cast<Status>(status);
  Counters c;
  for (int r = 0; r < size; ++r) {
    const double* k = every.data() + 5 * r;
    WorkerStats w;
    w.events = static_cast<std::int64_t>(k[0]);
    w.exchanges = static_cast<std::int64_t>(k[1]);
    w.gradients = static_cast<std::int64_t>(k[2]);
    w.seconds = k[3];
    w.clock_time = k[4];
    result.workers.push_back(w);
    c.rounds += w.events;
    c.messages += 2 * w.exchanges;
    c.gradients += w.gradients;
    c.time = std::max(c.time, w.seconds);
  }
  c.bytes = c.messages * 8 * d;
  result.run.counters = c;
  if (rank == 0) {
    X = all;
    state.x = all;
    state.c = c;
    const View last(state);
    (([&] {
       using O = std::remove_cvref_t<Observers>;
       if constexpr (adonis::detail::has_on_finish_view<O, View>) observers.on_finish(result.run, last);
       else if constexpr (adonis::detail::has_on_finish<O, View>) observers.on_finish(result.run);
     }()),
     ...);
  } else {
    X.middleRows(mine.begin, mine.size()) = local.middleRows(mine.begin, mine.size());
  }
  return result;
}

}  // namespace adonis::runtime
