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
/// ranks' published counters; when an observer returns true, X diverges or rank 0 caught a
/// signal (an InterruptHandler, core/interrupt.hpp: Status::interrupted), it raises a stop flag
/// in every rank's window, which the ranks poll every 32 events.
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

#include "adonis/core/interrupt.hpp"
#include "adonis/core/run.hpp"
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

/// One rank's side of an mpi_async_run: its window (its block of rows, then the kSlots slots),
/// the owner of every row, its clocks and statistics, and the one-sided operations on them.
template <class Rule>
class AsyncRank {
 public:
  using clock = std::chrono::steady_clock;

  AsyncRank(const Rule& rule, const Graph& g, const Iterates<double>& X, const RealAsyncOptions& options,
            MPI_Comm comm, int rank, int size)
      : m_rule(rule), m_options(options), m_comm(comm), m_rank(rank), m_size(size), m_n(X.rows()), m_d(X.cols()),
        m_mine(block_rows(m_n, size, rank)), m_owner(static_cast<std::size_t>(m_n)),
        m_first(static_cast<std::size_t>(size)),
        m_adjacency(adjacency_lists(g)), m_clocks(m_adjacency, m_mine, options, rank, Rule::computes),
        m_horizon(options.horizon(m_n, Rule::computes)), m_step(rule.step_size() * options.step_scale(rank)),
        m_window(static_cast<MPI_Aint>(m_mine.size() * m_d + kSlots), comm, options.shared_memory_window),
        m_win(m_window.get()), m_slots(static_cast<MPI_Aint>(m_mine.size() * m_d)), m_a(m_d), m_b(m_d),
        m_delta(m_d), m_minus(m_d), m_draws(static_cast<std::size_t>(m_mine.size()), 0) {
    for (int r = 0; r < size; ++r) {
      const RowRange b = block_rows(m_n, size, r);
      m_first[static_cast<std::size_t>(r)] = b.begin;
      for (Index i = b.begin; i < b.end; ++i) m_owner[static_cast<std::size_t>(i)] = r;
    }
    std::copy_n(X.data() + m_mine.begin * m_d, m_mine.size() * m_d, m_window.base());
    std::fill_n(m_window.base() + m_mine.size() * m_d, kSlots, 0.0);
    mpi_check(MPI_Barrier(comm), "MPI_Barrier");
    m_window.lock_all();
    m_started = clock::now();
  }

  /// Wall seconds since every rank entered the epoch.
  double seconds() const { return std::chrono::duration<double>(clock::now() - m_started).count(); }
  const WorkerStats& stats() const { return m_stats; }

  /// Publishes this rank's counters into its own slots (rank 0 reads them for the snapshots).
  void publish() {
    const double values[3] = {static_cast<double>(m_stats.events), static_cast<double>(m_stats.exchanges),
                              static_cast<double>(m_stats.gradients)};
    mpi_check(MPI_Accumulate(values, 3, MPI_DOUBLE, m_rank, m_slots + 1, 3, MPI_DOUBLE, MPI_REPLACE, m_win),
              "MPI_Accumulate");
    flush(m_rank);
  }
  /// Whether rank 0 has raised the stop flag in this rank's window.
  bool stop_raised() {
    double flag = 0;
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, &flag, 1, MPI_DOUBLE, m_rank, m_slots, 1, MPI_DOUBLE,
                                 MPI_NO_OP, m_win),
              "MPI_Get_accumulate");
    flush(m_rank);
    return flag > 0;
  }
  /// Raises the stop flag in every rank's window (rank 0).
  void raise_stop() {
    const double one = 1;
    for (int r = 0; r < m_size; ++r) {
      const RowRange b = block_rows(m_n, m_size, r);
      mpi_check(MPI_Accumulate(&one, 1, MPI_DOUBLE, r, static_cast<MPI_Aint>(b.size() * m_d), 1, MPI_DOUBLE,
                               MPI_REPLACE, m_win),
                "MPI_Accumulate");
      flush(r);
    }
  }
  /// Reads every block and the published counters into `state` (rank 0; one MPI_Get_accumulate
  /// per rank: each element atomic, the rows not a consistent cut).
  void snapshot(SnapshotState& state) {
    state.x.resize(m_n, m_d);
    Counters c;
    for (int r = 0; r < m_size; ++r) {
      const RowRange b = block_rows(m_n, m_size, r);
      m_block.resize(static_cast<std::size_t>(b.size() * m_d + kSlots));
      mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, m_block.data(), static_cast<int>(m_block.size()),
                                   MPI_DOUBLE, r, 0, static_cast<int>(m_block.size()), MPI_DOUBLE, MPI_NO_OP, m_win),
                "MPI_Get_accumulate");
      flush(r);
      std::copy_n(m_block.data(), b.size() * m_d, state.x.data() + b.begin * m_d);
      const double* k = m_block.data() + b.size() * m_d;
      c.rounds += static_cast<Round>(k[1]);
      c.messages += 2 * static_cast<std::int64_t>(k[2]);
      c.gradients += static_cast<std::int64_t>(k[3]);
    }
    c.bytes = c.messages * 8 * m_d;
    c.time = seconds();
    state.c = c;
  }

  /// Takes this rank's next tick, paced in wall time, and applies it; false once the rank's
  /// budget (the common horizon, or the wall duration) is used.
  bool next_event() {
    const RealEvent e = m_clocks.next();
    if (m_clocks.time() > m_horizon) return false;
    if (m_options.duration > 0 && seconds() >= m_options.duration) return false;
    Pacer(m_started, m_options.time_unit).wait(m_clocks.time(), [&] {  // serve the others' requests
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, m_comm, &flag, MPI_STATUS_IGNORE);
    });
    read_row(e.i, m_a.data());
    if (!e.compute) exchange(e.i, e.j);
    else gradient_step(e.i);
    ++m_stats.events;
    return true;
  }

  /// Records the rank's end, publishes it, and waits in a non-blocking barrier for every rank,
  /// calling observe() while polling (rank 0 keeps observing).
  template <class Observe>
  void finish(Observe&& observe) {
    m_stats.seconds = seconds();
    m_stats.clock_time = std::min(m_clocks.time(), m_horizon);
    publish();
    MPI_Request done = MPI_REQUEST_NULL;
    mpi_check(MPI_Ibarrier(m_comm, &done), "MPI_Ibarrier");
    for (int arrived = 0;;) {
      mpi_check(MPI_Test(&done, &arrived, MPI_STATUS_IGNORE), "MPI_Test");
      if (arrived) break;
      observe();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    m_window.unlock_all();
  }

  /// After finish(): this rank's rows in an n x d matrix (zero elsewhere).
  Iterates<double> local_rows() {
    Iterates<double> local = Iterates<double>::Zero(m_n, m_d);
    mpi_check(MPI_Win_lock(MPI_LOCK_SHARED, m_rank, 0, m_win), "MPI_Win_lock");
    std::copy_n(m_window.base(), m_mine.size() * m_d, local.data() + m_mine.begin * m_d);
    mpi_check(MPI_Win_unlock(m_rank, m_win), "MPI_Win_unlock");
    return local;
  }
  RowRange mine() const { return m_mine; }

 private:
  MPI_Aint where(Index j) const {
    return (j - m_first[static_cast<std::size_t>(m_owner[static_cast<std::size_t>(j)])]) * m_d;
  }
  int owner(Index j) const { return m_owner[static_cast<std::size_t>(j)]; }
  void flush(int r) { mpi_check(MPI_Win_flush(r, m_win), "MPI_Win_flush"); }
  void read_row(Index j, double* into) {
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, into, static_cast<int>(m_d), MPI_DOUBLE, owner(j), where(j),
                                 static_cast<int>(m_d), MPI_DOUBLE, MPI_NO_OP, m_win),
              "MPI_Get_accumulate");
  }
  void add_row(Index j, const double* values) {
    mpi_check(MPI_Accumulate(values, static_cast<int>(m_d), MPI_DOUBLE, owner(j), where(j), static_cast<int>(m_d),
                             MPI_DOUBLE, MPI_SUM, m_win),
              "MPI_Accumulate");
  }
  // x_i was read into m_a: read x_j, add ±(x_j − x_i)/2 (the two additions cancel in Σ x).
  void exchange(Index i, Index j) {
    read_row(j, m_b.data());
    flush(m_rank);
    flush(owner(j));
    m_delta = 0.5 * (m_b - m_a);
    m_minus = -m_delta;
    add_row(i, m_delta.data());
    add_row(j, m_minus.data());
    flush(m_rank);
    flush(owner(j));
    ++m_stats.exchanges;
  }
  // AD-PSGD: the gradient at what was read into m_a, added to the current row.
  void gradient_step(Index i) {
    flush(m_rank);
    m_rule.gradient(i, m_a.data(), m_b.data(), m_d, m_draws[static_cast<std::size_t>(i - m_mine.begin)]++);
    m_delta = -m_step * m_b;
    add_row(i, m_delta.data());
    flush(m_rank);
    ++m_stats.gradients;
  }

  const Rule& m_rule;
  const RealAsyncOptions& m_options;
  MPI_Comm m_comm;
  int m_rank, m_size;
  Index m_n, m_d;
  RowRange m_mine;
  std::vector<int> m_owner;
  std::vector<Index> m_first;
  std::vector<std::vector<Index>> m_adjacency;  // m_clocks points into it
  WorkerClocks m_clocks;
  double m_horizon, m_step;
  Window m_window;
  MPI_Win m_win;
  MPI_Aint m_slots;
  Vector<double> m_a, m_b, m_delta, m_minus;
  std::vector<std::int64_t> m_draws;
  std::vector<double> m_block;
  WorkerStats m_stats;
  clock::time_point m_started;
};

/// Every rank's statistics (one MPI_Allgather), and the counters they add up to.
inline std::vector<WorkerStats> gather_stats(const WorkerStats& s, MPI_Comm comm, int size, Index d, Counters& c) {
  const double mine[5] = {static_cast<double>(s.events), static_cast<double>(s.exchanges),
                          static_cast<double>(s.gradients), s.seconds, s.clock_time};
  std::vector<double> every(static_cast<std::size_t>(5 * size));
  mpi_check(MPI_Allgather(mine, 5, MPI_DOUBLE, every.data(), 5, MPI_DOUBLE, comm), "MPI_Allgather");
  std::vector<WorkerStats> out;
  c = Counters{};
  for (int r = 0; r < size; ++r) {
    const double* k = every.data() + 5 * r;
    WorkerStats w;
    w.events = static_cast<std::int64_t>(k[0]);
    w.exchanges = static_cast<std::int64_t>(k[1]);
    w.gradients = static_cast<std::int64_t>(k[2]);
    w.seconds = k[3];
    w.clock_time = k[4];
    out.push_back(w);
    c.rounds += w.events;
    c.messages += 2 * w.exchanges;
    c.gradients += w.gradients;
    c.time = std::max(c.time, w.seconds);
  }
  c.bytes = c.messages * 8 * d;
  return out;
}
}  // namespace mpi_async_detail

/// Runs `rule` (GossipRule or SgdRule) over graph g on every rank of `comm`, rank r owning the
/// nodes block_rows(n, p, r), from X (the same on every rank), until every rank has used its
/// budget, an observer on rank 0 stops the run, or X diverges. Rank 0's observers see
/// RoundView<SnapshotState> through the protocol of core/run.hpp; the others' are not called.
/// On return, X holds the final iterates on rank 0 and this rank's rows (the others as they
/// started) elsewhere; the result's status, counters and per-rank statistics are the same on
/// every rank.
/// @throws InvalidArgument for bad input (the same on every rank, so every rank throws);
///         RuntimeError if an MPI call fails.
template <class Rule, class... Observers>
RealAsyncResult mpi_async_run(const Rule& rule, const Graph& g, Iterates<double>& X, const RealAsyncOptions& options,
                              MPI_Comm comm, Observers&&... observers) {
  using View = RoundView<SnapshotState>;
  static_assert(observers_have_hooks<View, Observers...>,
                "every observer needs on_start, on_round or on_finish (is a hook misspelled?)");
  adonis::detail::check_real_inputs("runtime::mpi_async_run", g, X, options);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const Index n = X.rows();
  if (size > n) adonis::detail::fail("runtime::mpi_async_run", "more ranks (", size, ") than nodes (", n, ")");
  if (options.slow_worker >= size)
    adonis::detail::fail("runtime::mpi_async_run", "slow_worker must be < the number of ranks ", size, " (got ",
                         options.slow_worker, ")");
  const DivergenceTest diverged(X.norm(), options.divergence_factor);
  mpi_async_detail::AsyncRank<Rule> me(rule, g, X, options, comm, rank, size);
  SnapshotState state;
  RealAsyncResult result;
  result.run.status = Status::max_rounds;
  const double period = options.period(n, Rule::computes);
  double next_snapshot = period;
  bool stopping = false;  // rank 0: the stop flag has been raised
  auto observe = [&] {     // rank 0, when a snapshot is due: the same test and hooks as adonis::run
    if (rank != 0 || stopping) return;
    if (interrupt_requested() != 0) {  // a signal caught on rank 0 (core/interrupt.hpp): stop every rank
      result.run.status = Status::interrupted;
      me.raise_stop();
      stopping = true;
      return;
    }
    if (me.seconds() < next_snapshot) return;
    next_snapshot += period;
    me.snapshot(state);
    if (diverged(state.x.norm())) result.run.status = Status::diverged;
    if (notify_round(View(state), observers...) && result.run.status != Status::diverged)
      result.run.status = Status::stopped_by_observer;
    if (result.run.status != Status::max_rounds) {
      me.raise_stop();
      stopping = true;
    }
  };
  if (rank == 0) {
    state.x = X;
    state.c = Counters{};
    notify_start(View(state), observers...);
  }
  for (;;) {
    if (me.stats().events % 32 == 0) {
      me.publish();
      if (me.stop_raised()) break;
    }
    observe();
    if (!me.next_event()) break;
  }
  me.finish(observe);
  // Every rank's operations are complete: gather the rows, the statistics and the status.
  const Iterates<double> local = me.local_rows();
  Iterates<double> all;
  adonis::detail::mpi_gather_rows(local, me.mine(), comm, all);
  result.workers = mpi_async_detail::gather_stats(me.stats(), comm, size, X.cols(), result.run.counters);
  int status = static_cast<int>(result.run.status);
  if (rank == 0 && result.run.status == Status::max_rounds && diverged(all.norm()))
    status = static_cast<int>(Status::diverged);
  mpi_check(MPI_Bcast(&status, 1, MPI_INT, 0, comm), "MPI_Bcast");
  result.run.status = static_cast<Status>(status);
  if (rank == 0) {
    X = all;
    state.x = all;
    state.c = result.run.counters;
    notify_finish(result.run, View(state), observers...);
  } else {
    X.middleRows(me.mine().begin, me.mine().size()) = local.middleRows(me.mine().begin, me.mine().size());
  }
  return result;
}

}  // namespace adonis::runtime
