// SPDX-License-Identifier: BSD-3-Clause
/// @file mpi_async.hpp
/// @brief The MPI backend of the asynchronous algorithms (pairwise gossip, asynchronous gossip
///        SGD, and the rules of runtime/accelerated.hpp: continuized gossip, A²CiD², DADAO,
///        asynchronous ADMM): every rank runs its nodes' clocks (runtime/async.hpp) in
///        wall-clock time and reads and updates its neighbours' state through MPI-3 one-sided
///        communication, with no barrier per event (target `adonis::mpi`).
///
/// Each rank exposes its block of nodes in a window (MPI_Win_allocate, or
/// MPI_Win_allocate_shared on one node) and holds a shared passive-target epoch on every rank
/// for the whole run (MPI_Win_lock_all). Latency, drops and churn follow the simulator's
/// semantics (WorkerEvents, as the threads backend).
///
/// GossipRule and SgdRule run lock-free. Every access to a row, its owner's included, is an
/// accumulate operation, which MPI makes atomic element by element: a read is
/// MPI_Get_accumulate with MPI_NO_OP, an update MPI_Accumulate with MPI_SUM, completed by
/// MPI_Win_flush. An exchange of i (owned) with j reads x_i and x_j, computes
/// Δ = (x_j − x_i)/2, and adds +Δ to x_i and −Δ to x_j (at once, or at the delivery with
/// latency): whatever other ranks do to x_i and x_j in between, the two additions cancel, so
/// Σ_i x_i is preserved to rounding, exactly as the simulator's delayed exchange
/// (sim/async.hpp). A gradient step reads x_i, evaluates g at what it read, and adds −α g
/// (AD-PSGD's stale gradient).
///
/// The other rules keep several rows per node (and ADMM rows per edge), which an event must
/// transform together (the ODE's closed form, the jumps): each node has a lock word in its
/// owner's window. An event takes the locks of its nodes in increasing index order
/// (MPI_Compare_and_swap, deadlock-free: a holder never waits for a third lock), reads their
/// rows and last update times (MPI_Get), brings both to the latest of the event's time and
/// theirs, applies the rule (the simulator's kernels), writes them back (MPI_Put), and
/// releases the locks (MPI_Accumulate with MPI_REPLACE), each step completed by
/// MPI_Win_flush. A computation tick evaluates its gradient under the lock (the simulator's
/// update exactly, no staleness).
///
/// Bounded skew (RealAsyncOptions::max_skew): every 8 actions a rank publishes the time of its
/// next action in a slot of its window and reads the others'; it waits (serving requests) while
/// it is more than the bound ahead of the earliest.
///
/// No rank waits for another at each event: a rank that has reached its budget (the common
/// horizon in simulated time, or the wall duration) enters a non-blocking barrier
/// (MPI_Ibarrier) and polls it, still serving the others' one-sided requests, until every rank
/// has arrived.
///
/// Rank 0 takes the observers' snapshots: every record_period seconds it reads every node (the
/// lock-free rules: one MPI_Get_accumulate per rank, each element atomic, the rows not a
/// consistent cut; the locked rules: each node under its lock) and the ranks' published
/// counters; when an observer returns true, X diverges or rank 0 caught a
/// signal (an InterruptHandler, core/interrupt.hpp: Status::interrupted), it raises a stop flag
/// in every rank's window, which the ranks poll every 32 events.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
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
/// Slots after a rank's rows in its window: stop flag, events, exchanges, gradients, and the
/// simulated time of its next action (bounded skew, RealAsyncOptions::max_skew).
inline constexpr int kSlots = 5;

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

/// Where a rank's values sit in its window: its nodes' rows, then (locked rules) their last
/// update times and lock words, then the rows of the edges whose smaller end it owns, then the
/// kSlots slots.
struct WindowLayout {
  MPI_Aint times = 0, locks = 0, edges = 0, slots = 0, total = 0;
  Index first_edge = 0;  ///< index of its first owned edge (edges are sorted by smaller end)
};

/// One rank's side of an mpi_async_run: its window, the owner of every node and edge, its
/// actions (WorkerEvents: clocks, latency, drops, churn) and the one-sided operations on them.
/// GossipRule and SgdRule (one row per node, updates that are additions) run lock-free on
/// element-wise atomic accumulates; the other rules (several rows per node, an ODE, edge
/// state) lock the nodes an event touches with a lock word per node (MPI_Compare_and_swap),
/// read their rows (MPI_Get), apply the rule and write them back (MPI_Put) before unlocking.
template <class Rule>
class AsyncRank {
 public:
  using clock = std::chrono::steady_clock;
  /// Whether events lock their nodes (every rule but GossipRule and SgdRule).
  static constexpr bool kLocked = Rule::state_rows > 1 || Rule::continuous || Rule::edge_rows > 0;
  static constexpr Index K = Rule::state_rows, E = Rule::edge_rows;

  AsyncRank(const Rule& rule, const Graph& g, const Iterates<double>& X, const RealAsyncOptions& options,
            MPI_Comm comm, int rank, int size)
      : m_rule(rule), m_options(options), m_comm(comm), m_rank(rank), m_size(size), m_n(X.rows()), m_d(X.cols()),
        m_mine(block_rows(m_n, size, rank)), m_owner(static_cast<std::size_t>(m_n)),
        m_first(static_cast<std::size_t>(size)), m_layout(static_cast<std::size_t>(size)), m_topology(g),
        m_churn(m_n, options.churn, options.seed, churn_bound(options, m_n)),
        m_events(m_topology, size, options, rank, Rule::computes, m_churn, Rule::message_rows * m_d),
        m_scale(options.step_scale(rank)),
        m_window(layout_all(), comm, options.shared_memory_window), m_win(m_window.get()), m_a(m_d), m_b(m_d),
        m_delta(m_d), m_minus(m_d), m_si(K * m_d), m_sj(K * m_d), m_edge(std::max<Index>(E, 1) * m_d),
        m_message(Rule::message_rows * m_d), m_grad(m_d), m_draws(static_cast<std::size_t>(m_mine.size()), 0) {
    double* base = m_window.base();
    std::fill_n(base, m_layout[static_cast<std::size_t>(rank)].total, 0.0);
    if constexpr (kLocked) {
      RowMatrix<double> nodes, edges;
      rule.init(X, m_topology, nodes, edges);
      std::copy_n(nodes.data() + K * m_mine.begin * m_d, K * m_mine.size() * m_d, base);
      const WindowLayout& me = m_layout[static_cast<std::size_t>(rank)];
      if constexpr (E > 0)
        std::copy_n(edges.data() + E * me.first_edge * m_d, me.slots - me.edges, base + me.edges);
    } else {
      std::copy_n(X.data() + m_mine.begin * m_d, m_mine.size() * m_d, base);
    }
    mpi_check(MPI_Barrier(comm), "MPI_Barrier");
    m_window.lock_all();
    m_started = clock::now();
  }

  /// Wall seconds since every rank entered the epoch.
  double seconds() const { return std::chrono::duration<double>(clock::now() - m_started).count(); }
  /// This rank's statistics (seconds and clock_time once finished).
  WorkerStats stats() const {
    WorkerStats s = m_events.stats();
    s.seconds = m_seconds;
    s.clock_time = m_events.reached();
    return s;
  }

  /// Publishes this rank's counters into its own slots (rank 0 reads them for the snapshots).
  void publish() {
    const WorkerStats& s = m_events.stats();
    const double values[3] = {static_cast<double>(s.events), static_cast<double>(s.exchanges),
                              static_cast<double>(s.gradients)};
    mpi_check(MPI_Accumulate(values, 3, MPI_DOUBLE, m_rank, slots(m_rank) + 1, 3, MPI_DOUBLE, MPI_REPLACE, m_win),
              "MPI_Accumulate");
    flush(m_rank);
  }
  /// Whether rank 0 has raised the stop flag in this rank's window.
  bool stop_raised() {
    double flag = 0;
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, &flag, 1, MPI_DOUBLE, m_rank, slots(m_rank), 1, MPI_DOUBLE,
                                 MPI_NO_OP, m_win),
              "MPI_Get_accumulate");
    flush(m_rank);
    return flag > 0;
  }
  /// Raises the stop flag in every rank's window (rank 0).
  void raise_stop() {
    const double one = 1;
    for (int r = 0; r < m_size; ++r) {
      mpi_check(MPI_Accumulate(&one, 1, MPI_DOUBLE, r, slots(r), 1, MPI_DOUBLE, MPI_REPLACE, m_win), "MPI_Accumulate");
      flush(r);
    }
  }
  /// Reads every node's x and the published counters into `state` (rank 0). Lock-free rules:
  /// one MPI_Get_accumulate per rank (each element atomic, the rows not a consistent cut);
  /// locked rules: each node under its lock, its x brought to the current simulated time.
  void snapshot(SnapshotState& state) {
    state.x.resize(m_n, m_d);
    Counters c;
    const double now = seconds();
    for (int r = 0; r < m_size; ++r) {
      double k[kSlots];
      mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, k, kSlots, MPI_DOUBLE, r, slots(r), kSlots, MPI_DOUBLE,
                                   MPI_NO_OP, m_win),
                "MPI_Get_accumulate");
      if constexpr (!kLocked) {
        const RowRange b = block_rows(m_n, m_size, r);
        mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, state.x.data() + b.begin * m_d,
                                     static_cast<int>(b.size() * m_d), MPI_DOUBLE, r, 0,
                                     static_cast<int>(b.size() * m_d), MPI_DOUBLE, MPI_NO_OP, m_win),
                  "MPI_Get_accumulate");
      }
      flush(r);
      c.rounds += static_cast<Round>(k[1]);
      c.messages += 2 * static_cast<std::int64_t>(k[2]);
      c.gradients += static_cast<std::int64_t>(k[3]);
    }
    if constexpr (kLocked) {
      for (Index i = 0; i < m_n; ++i) {
        acquire(i);
        double t = load(i, m_si.data());
        release(i);
        x_at(m_si.data(), now / m_options.time_unit - t, state.x.row(i).data());
      }
    }
    c.bytes = c.messages * 8 * m_d;
    c.time = now;
    state.c = c;
  }

  /// Takes this rank's next action, paced in wall time, and applies it; false once the rank's
  /// budget (the common horizon, or the wall duration) is used.
  bool next_event() {
    if (m_options.duration > 0 && m_events.stats().events % 16 == 0)
      m_time_is_up = seconds() >= m_options.duration;
    const RealAction a = m_events.next(m_time_is_up);
    if (a.kind == RealAction::Kind::end) return false;
    // bounded skew (RealAsyncOptions::max_skew), checked every 8 actions: wait for a rank that
    // fell behind, still serving the others' requests
    if (m_actions++ % 8 == 0) {
      publish_next(a.time);
      while (a.time > earliest() + m_options.skew(m_n, Rule::computes) && !stop_raised()) {
        progress();
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
    }
    Pacer(m_started, m_options.time_unit).wait(a.time, [&] { progress(); });  // serve the others' requests
    switch (a.kind) {
      case RealAction::Kind::compute:
        compute(a.i, a.time);
        break;
      case RealAction::Kind::exchange:
        exchange(a, m_message.data());
        break;
      case RealAction::Kind::post:
        exchange(a, m_events.payload(a.token));
        break;
      case RealAction::Kind::deliver:
        exchange(a, m_events.payload(a.token));
        m_events.release(a.token);
        break;
      default:
        break;
    }
    return true;
  }

  /// Records the rank's end, publishes it, and waits in a non-blocking barrier for every rank,
  /// calling observe() while polling (rank 0 keeps observing).
  template <class Observe>
  void finish(Observe&& observe) {
    m_seconds = seconds();
    publish();
    publish_next(std::numeric_limits<double>::infinity());  // no rank waits for this one any more
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

  /// After finish() (collective): this rank's x_i in an n x d matrix (zero elsewhere), a locked
  /// rule's brought to the latest time any rank's clocks reached.
  Iterates<double> local_rows() {
    double t_end = m_events.reached();
    if constexpr (kLocked)
      mpi_check(MPI_Allreduce(MPI_IN_PLACE, &t_end, 1, MPI_DOUBLE, MPI_MAX, m_comm), "MPI_Allreduce");
    Iterates<double> local = Iterates<double>::Zero(m_n, m_d);
    mpi_check(MPI_Win_lock(MPI_LOCK_SHARED, m_rank, 0, m_win), "MPI_Win_lock");
    const double* base = m_window.base();
    const WindowLayout& me = m_layout[static_cast<std::size_t>(m_rank)];
    for (Index i = m_mine.begin; i < m_mine.end; ++i) {
      const Index k = i - m_mine.begin;
      if constexpr (kLocked) x_at(base + K * k * m_d, t_end - base[me.times + k], local.row(i).data());
      else std::copy_n(base + k * m_d, m_d, local.row(i).data());
    }
    mpi_check(MPI_Win_unlock(m_rank, m_win), "MPI_Win_unlock");
    return local;
  }
  RowRange mine() const { return m_mine; }

 private:
  // The churn schedule's bound: the horizon, or the wall budget in simulated time.
  static double churn_bound(const RealAsyncOptions& o, Index n) {
    const double h = o.horizon(n, Rule::computes);
    return std::isfinite(h) ? h : 1.1 * o.duration / o.time_unit + 1;
  }
  // Fills the owners and every rank's layout; returns this rank's window size.
  MPI_Aint layout_all() {
    Index edge = 0;
    for (int r = 0; r < m_size; ++r) {
      const RowRange b = block_rows(m_n, m_size, r);
      m_first[static_cast<std::size_t>(r)] = b.begin;
      for (Index i = b.begin; i < b.end; ++i) m_owner[static_cast<std::size_t>(i)] = r;
      WindowLayout& l = m_layout[static_cast<std::size_t>(r)];
      const auto nodes = static_cast<MPI_Aint>(b.size());
      l.times = nodes * K * m_d;
      l.locks = l.times + (kLocked ? nodes : 0);
      l.edges = l.locks + (kLocked ? nodes : 0);
      l.first_edge = edge;
      while (edge < static_cast<Index>(m_topology.edges.size()) &&
             b.contains(m_topology.edges[static_cast<std::size_t>(edge)].first))
        ++edge;
      l.slots = l.edges + static_cast<MPI_Aint>((edge - l.first_edge) * E * m_d);
      l.total = l.slots + kSlots;
    }
    return m_layout[static_cast<std::size_t>(m_rank)].total;
  }
  MPI_Aint slots(int r) const { return m_layout[static_cast<std::size_t>(r)].slots; }
  // Publishes the time of this rank's next action; reads the earliest of every rank's.
  void publish_next(double t) {
    mpi_check(MPI_Accumulate(&t, 1, MPI_DOUBLE, m_rank, slots(m_rank) + 4, 1, MPI_DOUBLE, MPI_REPLACE, m_win),
              "MPI_Accumulate");
    flush(m_rank);
  }
  double earliest() {
    m_times.resize(static_cast<std::size_t>(m_size));
    for (int r = 0; r < m_size; ++r)
      mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, &m_times[static_cast<std::size_t>(r)], 1, MPI_DOUBLE, r,
                                   slots(r) + 4, 1, MPI_DOUBLE, MPI_NO_OP, m_win),
                "MPI_Get_accumulate");
    for (int r = 0; r < m_size; ++r) flush(r);
    return *std::min_element(m_times.begin(), m_times.end());
  }
  int owner(Index j) const { return m_owner[static_cast<std::size_t>(j)]; }
  Index local(Index j) const { return j - m_first[static_cast<std::size_t>(owner(j))]; }
  const WindowLayout& layout_of(Index j) const { return m_layout[static_cast<std::size_t>(owner(j))]; }
  void flush(int r) { mpi_check(MPI_Win_flush(r, m_win), "MPI_Win_flush"); }
  void progress() {
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, m_comm, &flag, MPI_STATUS_IGNORE);
  }
  void x_at(const double* s, double dt, double* out) const {
    if constexpr (Rule::continuous) {
      if (dt > 0) {
        m_rule.x_at(s, m_d, dt, out);
        return;
      }
    }
    std::copy_n(s, m_d, out);
  }

  // --- lock-free rules (GossipRule, SgdRule): element-wise atomic accumulates
  void read_row(Index j, double* into) {
    mpi_check(MPI_Get_accumulate(nullptr, 0, MPI_DOUBLE, into, static_cast<int>(m_d), MPI_DOUBLE, owner(j),
                                 local(j) * m_d, static_cast<int>(m_d), MPI_DOUBLE, MPI_NO_OP, m_win),
              "MPI_Get_accumulate");
  }
  void add_row(Index j, const double* values) {
    mpi_check(MPI_Accumulate(values, static_cast<int>(m_d), MPI_DOUBLE, owner(j), local(j) * m_d,
                             static_cast<int>(m_d), MPI_DOUBLE, MPI_SUM, m_win),
              "MPI_Accumulate");
  }

  // --- locked rules: a lock word per node, rows read and written under it
  void acquire(Index j) {
    const std::int64_t mine = m_rank + 1, unlocked = 0;
    for (std::int64_t seen = -1;;) {
      mpi_check(MPI_Compare_and_swap(&mine, &unlocked, &seen, MPI_INT64_T, owner(j), layout_of(j).locks + local(j),
                                     m_win),
                "MPI_Compare_and_swap");
      flush(owner(j));
      if (seen == 0) return;
      progress();
      std::this_thread::yield();
    }
  }
  void release(Index j) {
    const std::int64_t unlocked = 0;
    mpi_check(MPI_Accumulate(&unlocked, 1, MPI_INT64_T, owner(j), layout_of(j).locks + local(j), 1, MPI_INT64_T,
                             MPI_REPLACE, m_win),
              "MPI_Accumulate");
    flush(owner(j));
  }
  // Reads node j's rows into s (j locked); returns its last update time.
  double load(Index j, double* s) {
    double t = 0;
    const int r = owner(j);
    mpi_check(MPI_Get(s, static_cast<int>(K * m_d), MPI_DOUBLE, r, local(j) * K * m_d, static_cast<int>(K * m_d),
                      MPI_DOUBLE, m_win),
              "MPI_Get");
    mpi_check(MPI_Get(&t, 1, MPI_DOUBLE, r, layout_of(j).times + local(j), 1, MPI_DOUBLE, m_win), "MPI_Get");
    flush(r);
    return t;
  }
  void store(Index j, const double* s, double t) {
    const int r = owner(j);
    mpi_check(MPI_Put(s, static_cast<int>(K * m_d), MPI_DOUBLE, r, local(j) * K * m_d, static_cast<int>(K * m_d),
                      MPI_DOUBLE, m_win),
              "MPI_Put");
    mpi_check(MPI_Put(&t, 1, MPI_DOUBLE, r, layout_of(j).times + local(j), 1, MPI_DOUBLE, m_win), "MPI_Put");
    flush(r);
  }
  // Edge e's rows (both ends locked): owned by its smaller end's rank.
  MPI_Aint edge_at(Index e, int& r) const {
    r = owner(m_topology.edges[static_cast<std::size_t>(e)].first);
    const WindowLayout& l = m_layout[static_cast<std::size_t>(r)];
    return l.edges + static_cast<MPI_Aint>((e - l.first_edge) * E * m_d);
  }
  void edge_io(Index e, bool write) {
    int r = 0;
    const MPI_Aint at = edge_at(e, r);
    const int count = static_cast<int>(E * m_d);
    if (write) mpi_check(MPI_Put(m_edge.data(), count, MPI_DOUBLE, r, at, count, MPI_DOUBLE, m_win), "MPI_Put");
    else mpi_check(MPI_Get(m_edge.data(), count, MPI_DOUBLE, r, at, count, MPI_DOUBLE, m_win), "MPI_Get");
    flush(r);
  }
  // Node i at time t after its last update ti (the rule's ODE, continuous rules).
  void advance(double* s, double& ti, double t) {
    if constexpr (Rule::continuous) {
      if (t > ti) {
        m_rule.advance(s, m_d, t - ti);
        ti = t;
      }
    }
  }

  // A computation tick of node i at time t.
  void compute(Index i, double t) {
    const std::int64_t draw = m_draws[static_cast<std::size_t>(i - m_mine.begin)]++;
    if constexpr (kLocked) {  // the gradient under the lock: the simulator's update exactly
      acquire(i);
      double ti = load(i, m_si.data());
      advance(m_si.data(), ti, t);
      m_rule.gradient(i, m_si.data(), m_grad.data(), m_d, draw);
      m_rule.apply_gradient(m_si.data(), m_grad.data(), m_d, m_scale);
      store(i, m_si.data(), ti);
      release(i);
    } else {  // AD-PSGD: the gradient at what was read, added to the current row
      read_row(i, m_a.data());
      flush(m_rank);
      m_rule.gradient(i, m_a.data(), m_b.data(), m_d, draw);
      m_delta.setZero();  // the rule's step as an addition: −α·scale·g
      m_rule.apply_gradient(m_delta.data(), m_b.data(), m_d, m_scale);
      add_row(i, m_delta.data());
      flush(m_rank);
    }
  }
  // An exchange's start and/or delivery (a.kind: exchange, post, deliver); `message` is the
  // scratch message or the payload in flight.
  void exchange(const RealAction& a, double* message) {
    const bool start = a.kind != RealAction::Kind::deliver, finish = a.kind != RealAction::Kind::post;
    if constexpr (kLocked) {
      acquire(std::min(a.i, a.j));
      acquire(std::max(a.i, a.j));
      double ti = load(a.i, m_si.data()), tj = load(a.j, m_sj.data());
      const double t = std::max({a.time, ti, tj});  // both ends at one time (threads.hpp)
      advance(m_si.data(), ti, t);
      advance(m_sj.data(), tj, t);
      if (start) m_rule.start(a.i, a.j, a.edge, m_si.data(), m_sj.data(), message, m_d);
      if (finish) {
        if constexpr (E > 0) edge_io(a.edge, false);
        m_rule.deliver(a.i, a.j, a.edge, m_si.data(), m_sj.data(), m_edge.data(), message, m_d);
        if constexpr (E > 0) edge_io(a.edge, true);
      }
      store(a.i, m_si.data(), ti);
      store(a.j, m_sj.data(), tj);
      release(std::max(a.i, a.j));
      release(std::min(a.i, a.j));
    } else {  // Δ = (x_j − x_i)/2 read now; +Δ to x_i and −Δ to x_j (the additions cancel in Σ x)
      if (start) {
        read_row(a.i, m_a.data());
        read_row(a.j, m_b.data());
        flush(m_rank);
        flush(owner(a.j));
        m_rule.start(a.i, a.j, a.edge, m_a.data(), m_b.data(), message, m_d);
      }
      if (finish) {
        const Eigen::Map<const Vector<double>> delta(message, m_d);
        m_minus = -delta;
        add_row(a.i, message);
        add_row(a.j, m_minus.data());
        flush(m_rank);
        flush(owner(a.i));
        flush(owner(a.j));
      }
    }
  }

  const Rule& m_rule;
  const RealAsyncOptions& m_options;
  MPI_Comm m_comm;
  int m_rank, m_size;
  Index m_n, m_d;
  RowRange m_mine;
  std::vector<int> m_owner;
  std::vector<Index> m_first;
  std::vector<WindowLayout> m_layout;
  Topology m_topology;    // m_events points into it
  ChurnSchedule m_churn;  // and into it
  WorkerEvents m_events;
  double m_scale;
  Window m_window;
  MPI_Win m_win;
  Vector<double> m_a, m_b, m_delta, m_minus, m_si, m_sj, m_edge, m_message, m_grad;
  std::vector<std::int64_t> m_draws;
  bool m_time_is_up = false;
  std::int64_t m_actions = 0;
  std::vector<double> m_times;  // every rank's next action time (earliest)
  double m_seconds = 0;
  clock::time_point m_started;
};

/// Every rank's statistics (one MPI_Allgather), and the counters they add up to.
inline std::vector<WorkerStats> gather_stats(const WorkerStats& s, MPI_Comm comm, int size, Index d, Counters& c) {
  constexpr int kFields = 7;
  const double mine[kFields] = {static_cast<double>(s.events),    static_cast<double>(s.exchanges),
                                static_cast<double>(s.gradients), s.seconds,
                                s.clock_time,                     static_cast<double>(s.dropped),
                                static_cast<double>(s.offline)};
  std::vector<double> every(static_cast<std::size_t>(kFields * size));
  mpi_check(MPI_Allgather(mine, kFields, MPI_DOUBLE, every.data(), kFields, MPI_DOUBLE, comm), "MPI_Allgather");
  std::vector<WorkerStats> out;
  c = Counters{};
  for (int r = 0; r < size; ++r) {
    const double* k = every.data() + kFields * r;
    WorkerStats w;
    w.events = static_cast<std::int64_t>(k[0]);
    w.exchanges = static_cast<std::int64_t>(k[1]);
    w.gradients = static_cast<std::int64_t>(k[2]);
    w.seconds = k[3];
    w.clock_time = k[4];
    w.dropped = static_cast<std::int64_t>(k[5]);
    w.offline = static_cast<std::int64_t>(k[6]);
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

/// Runs `rule` (GossipRule, SgdRule, or a rule of runtime/accelerated.hpp) over graph g on every rank of `comm`, rank r owning the
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
