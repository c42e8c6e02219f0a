// SPDX-License-Identifier: BSD-3-Clause
/// @file mpi.hpp
/// @brief The MPI backend of the synchronous algorithms: each rank owns a contiguous block of
///        nodes (rows of X), exchanges only the rows its neighbours need, and the run's trace is
///        gathered on rank 0 (target `adonis::mpi`, Open MPI or any MPI-3 library).
///
/// A synchronous algorithm sends every product W X through detail::mix(sequence, ...) and
/// computes its per-node work on detail::owned_rows(sequence) only (graph/sequence.hpp). Wrapping
/// its graph sequence in MpiSequence partitions it: rank r computes rows [b_r, e_r), and before
/// each product it receives the rows x_j, j not owned, that its rows of W reference, from the
/// ranks that own them (non-blocking point-to-point messages, one per neighbouring rank and
/// product, on a duplicate of the communicator). Every rank builds W_t itself from the seed and
/// t (no topology is broadcast), so both sides of every message derive the same row lists from
/// W_t. The owned rows are then summed in W's storage order, the same arithmetic as the
/// simulator's product, so an MPI run reproduces the simulator's iterates bit for bit.
/// Rows a rank does not own are kept at 0.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <mpi.h>

#include "adonis/core/run.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/sequence.hpp"

namespace adonis::runtime {

/// Throws RuntimeError naming `call` and MPI's error string unless rc is MPI_SUCCESS (the
/// communicators of this backend return errors instead of aborting: MPI_ERRORS_RETURN).
inline void mpi_check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  detail::fail<RuntimeError>("runtime::mpi", call, " failed: ", std::string(text, static_cast<std::size_t>(length)));
}

/// True between MPI_Init and MPI_Finalize.
inline bool mpi_active() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

/// MPI_Init on construction (unless MPI is already initialized) and MPI_Finalize on
/// destruction. When an exception is propagating, it does not finalize: the program reports the
/// error and then calls abort_job(), which ends every rank (a rank that leaves alone would make
/// the others wait forever in their next collective).
class MpiSession {
 public:
  MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      mpi_check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      m_owner = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  ~MpiSession() {
    if (m_owner && std::uncaught_exceptions() == 0 && mpi_active()) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
  }
  int size() const {
    int s = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
  }

 private:
  bool m_owner = false;
};

/// Ends the whole MPI job with `code` (MPI_Abort) if MPI is active; the command line calls it
/// after printing an error, so that no rank is left waiting.
inline void abort_job(int code) {
  if (mpi_active()) MPI_Abort(MPI_COMM_WORLD, code);
}

using adonis::block_rows;

/// What one rank's exchanges cost so far (this rank's side only).
struct ExchangeStats {
  std::int64_t products = 0;       ///< partitioned products W X computed
  std::int64_t messages_sent = 0;  ///< point-to-point messages sent
  std::int64_t rows_sent = 0;      ///< rows x_j sent
  std::int64_t bytes_sent = 0;     ///< 8 d bytes per row
  std::int64_t plans = 0;          ///< row lists derived from W (once per distinct sparsity pattern)
};

/// A GraphSequence partitioned over the ranks of a communicator (a PartitionedSequence).
/// Rank r computes block_rows(n, p, r); mix(W, X, out) exchanges halo rows and computes them.
/// Copies share the communicator and the buffers (an algorithm keeps one copy).
/// @tparam S models GraphSequence; every rank must construct the same sequence (same seed).
template <GraphSequence S>
class MpiSequence {
 public:
  /// @throws RuntimeError if MPI is not initialized or the communicator cannot be duplicated.
  explicit MpiSequence(S sequence, MPI_Comm comm = MPI_COMM_WORLD)
      : m_sequence(std::move(sequence)), m_state(std::make_shared<State>()) {
    if (!mpi_active()) detail::fail<RuntimeError>("runtime::MpiSequence", "MPI is not initialized (use MpiSession)");
    mpi_check(MPI_Comm_dup(comm, &m_state->comm), "MPI_Comm_dup");
    MPI_Comm_set_errhandler(m_state->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(m_state->comm, &m_state->rank);
    MPI_Comm_size(m_state->comm, &m_state->size);
    const Index n = m_sequence.num_nodes();
    m_state->rows = block_rows(n, m_state->size, m_state->rank);
    m_state->owner.resize(static_cast<std::size_t>(n));
    for (int r = 0; r < m_state->size; ++r) {
      const RowRange b = block_rows(n, m_state->size, r);
      for (Index j = b.begin; j < b.end; ++j) m_state->owner[static_cast<std::size_t>(j)] = r;
    }
    m_state->stamp.assign(static_cast<std::size_t>(n), -1);
    m_state->send.resize(static_cast<std::size_t>(m_state->size));
    m_state->recv.resize(static_cast<std::size_t>(m_state->size));
  }

  Index num_nodes() const { return m_sequence.num_nodes(); }
  decltype(auto) mixing(Round t) const { return m_sequence.mixing(t); }
  /// The rows this rank computes.
  RowRange rows() const { return m_state->rows; }
  int rank() const { return m_state->rank; }
  int ranks() const { return m_state->size; }
  /// The duplicated communicator the exchanges use.
  MPI_Comm communicator() const { return m_state->comm; }
  const ExchangeStats& stats() const { return m_state->stats; }

  /// Rows rows() of out = W X (the other rows 0), after receiving the rows of X they reference.
  /// Only the owned rows of X are read; W must be n x n.
  /// @throws DimensionMismatch if W or X do not have n rows; RuntimeError if MPI fails.
  void mix(const SparseMatrix& w, const Iterates<double>& x, Iterates<double>& out) {
    State& s = *m_state;
    const Index n = num_nodes(), d = x.cols();
    if (w.rows() != n || w.cols() != n || x.rows() != n)
      detail::fail<DimensionMismatch>("runtime::MpiSequence::mix", "W must be ", n, " x ", n, " and X must have ", n,
                                      " rows (got W ", w.rows(), " x ", w.cols(), ", X ", x.rows(), " x ", d, ")");
    plan(w);
    // post the receives, pack and send the rows the others need, wait
    s.requests.clear();
    for (int r = 0; r < s.size; ++r) {
      Peer& in = s.recv[static_cast<std::size_t>(r)];
      if (in.nodes.empty()) continue;
      in.buffer.resize(in.nodes.size() * static_cast<std::size_t>(d));
      s.requests.emplace_back();
      mpi_check(MPI_Irecv(in.buffer.data(), static_cast<int>(in.buffer.size()), MPI_DOUBLE, r, kTag, s.comm,
                          &s.requests.back()),
                "MPI_Irecv");
    }
    for (int r = 0; r < s.size; ++r) {
      Peer& to = s.send[static_cast<std::size_t>(r)];
      if (to.nodes.empty()) continue;
      to.buffer.resize(to.nodes.size() * static_cast<std::size_t>(d));
      for (std::size_t k = 0; k < to.nodes.size(); ++k)
        std::copy_n(x.data() + to.nodes[k] * d, d, to.buffer.data() + k * static_cast<std::size_t>(d));
      s.requests.emplace_back();
      mpi_check(MPI_Isend(to.buffer.data(), static_cast<int>(to.buffer.size()), MPI_DOUBLE, r, kTag, s.comm,
                          &s.requests.back()),
                "MPI_Isend");
      ++s.stats.messages_sent;
      s.stats.rows_sent += static_cast<std::int64_t>(to.nodes.size());
      s.stats.bytes_sent += static_cast<std::int64_t>(to.buffer.size() * sizeof(double));
    }
    mpi_check(MPI_Waitall(static_cast<int>(s.requests.size()), s.requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
    // where row j is: in X if owned, else in the buffer of its owner
    s.where.assign(static_cast<std::size_t>(n), nullptr);
    for (Index j = s.rows.begin; j < s.rows.end; ++j) s.where[static_cast<std::size_t>(j)] = x.data() + j * d;
    for (int r = 0; r < s.size; ++r) {
      const Peer& in = s.recv[static_cast<std::size_t>(r)];
      for (std::size_t k = 0; k < in.nodes.size(); ++k)
        s.where[static_cast<std::size_t>(in.nodes[k])] = in.buffer.data() + k * static_cast<std::size_t>(d);
    }
    out.resize(n, d);
    using Row = Eigen::Map<const Eigen::Matrix<double, 1, Eigen::Dynamic>>;
    detail::mix_rows(w, s.rows, [&s, d](Index j) { return Row(s.where[static_cast<std::size_t>(j)], d); }, out);
    detail::zero_other_rows(out, s.rows);
    ++s.stats.products;
  }

 private:
  static constexpr int kTag = 7201;
  struct Peer {
    std::vector<Index> nodes;  // rows exchanged with this peer, ascending
    std::vector<double> buffer;
  };
  struct State {
    MPI_Comm comm = MPI_COMM_NULL;
    int rank = 0, size = 1;
    RowRange rows;
    std::vector<int> owner;            // owner[j]: the rank computing row j
    std::vector<std::int64_t> stamp;   // de-duplication marks (one epoch per peer and product)
    std::int64_t epoch = 0;
    std::vector<Peer> send, recv;      // per peer rank
    std::vector<MPI_Request> requests;
    std::vector<const double*> where;
    std::vector<SparseMatrix::StorageIndex> planned_outer, planned_inner;  // pattern of the last plan
    ExchangeStats stats;
    State() = default;
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
      if (comm != MPI_COMM_NULL && mpi_active()) MPI_Comm_free(&comm);
    }
  };

  // The rows j of rank `from` that rows [b, e) of W reference, ascending and unique.
  void referenced(const SparseMatrix& w, RowRange block, int from, std::vector<Index>& nodes) {
    State& s = *m_state;
    nodes.clear();
    ++s.epoch;
    for (Index i = block.begin; i < block.end; ++i)
      for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
        const auto j = static_cast<std::size_t>(it.index());
        if (s.owner[j] == from && s.stamp[j] != s.epoch) {
          s.stamp[j] = s.epoch;
          nodes.push_back(it.index());
        }
      }
    std::sort(nodes.begin(), nodes.end());
  }
  // Both sides derive the same lists from W: what my rows need from r, what r's rows need from me.
  // The lists depend only on W's sparsity pattern: they are rebuilt only when the pattern
  // differs from the previous product's (a static W plans once; comparing the index arrays
  // costs O(nnz) integer compares, far less than planning).
  void plan(const SparseMatrix& w) {
    State& s = *m_state;
    const auto nnz = static_cast<std::size_t>(w.nonZeros());
    const auto outer = static_cast<std::size_t>(w.outerSize()) + 1;
    if (w.isCompressed() && s.planned_inner.size() == nnz && s.planned_outer.size() == outer &&
        std::equal(w.outerIndexPtr(), w.outerIndexPtr() + outer, s.planned_outer.begin()) &&
        std::equal(w.innerIndexPtr(), w.innerIndexPtr() + nnz, s.planned_inner.begin()))
      return;
    s.planned_outer.clear();
    s.planned_inner.clear();
    if (w.isCompressed()) {
      s.planned_outer.assign(w.outerIndexPtr(), w.outerIndexPtr() + outer);
      s.planned_inner.assign(w.innerIndexPtr(), w.innerIndexPtr() + nnz);
    }
    ++s.stats.plans;
    for (int r = 0; r < s.size; ++r) {
      if (r == s.rank) {
        s.recv[static_cast<std::size_t>(r)].nodes.clear();
        s.send[static_cast<std::size_t>(r)].nodes.clear();
        continue;
      }
      referenced(w, s.rows, r, s.recv[static_cast<std::size_t>(r)].nodes);
      referenced(w, block_rows(num_nodes(), s.size, r), s.rank, s.send[static_cast<std::size_t>(r)].nodes);
    }
  }

  S m_sequence;
  std::shared_ptr<State> m_state;
};

/// What rank 0's observers see in an MPI run: the gathered n x d iterates and the counters
/// (the same for every rank). Observers take RoundView<GatheredState>.
class GatheredState {
 public:
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }

 private:
  template <class A, class... O>
  friend RunResult mpi_run(A&, Iterates<double>&, const RunOptions&, MPI_Comm, RowRange, Round, O&&...);
  Iterates<double> m_x;
  Counters m_counters;
};

}  // namespace adonis::runtime

namespace adonis::detail {

// Rows [b_r, e_r) of x from every rank into `all` on rank 0 (MPI_Gatherv of row blocks).
inline void mpi_gather_rows(const Iterates<double>& x, RowRange rows, MPI_Comm comm, Iterates<double>& all) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const Index n = x.rows(), d = x.cols();
  std::vector<int> counts(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    const RowRange b = runtime::block_rows(n, size, r);
    counts[static_cast<std::size_t>(r)] = static_cast<int>(b.size() * d);
    offsets[static_cast<std::size_t>(r)] = static_cast<int>(b.begin * d);
  }
  if (rows != runtime::block_rows(n, size, rank))
    fail("runtime::mpi_run", "the algorithm's rows [", rows.begin, ", ", rows.end,
                         ") are not this rank's block of the communicator");
  if (rank == 0) all.resize(n, d);
  runtime::mpi_check(MPI_Gatherv(x.data() + rows.begin * d, static_cast<int>(rows.size() * d), MPI_DOUBLE,
                        rank == 0 ? all.data() : nullptr, counts.data(), offsets.data(), MPI_DOUBLE, 0, comm),
            "MPI_Gatherv");
}

}  // namespace adonis::detail

namespace adonis::runtime {

/// Runs a synchronous algorithm whose sequence is an MpiSequence (or an AnySequence wrapping
/// one) on every rank of `comm`: the same loop as adonis::run. On the rounds of the schedule
/// on_record_schedule(t, gather_every) (core/run.hpp: 0 is the trace's log-spaced default, k >= 1
/// every k-th round) and at the first and last, the owned rows are gathered on rank 0, whose observers then see the
/// full iterates through RoundView<GatheredState>; the other ranks' observers are not called.
/// Divergence (‖X_t‖_F from the ranks' partial sums), an observer's stop and an interrupt
/// request (a signal caught by an InterruptHandler on any rank, core/interrupt.hpp: mpirun
/// turns Ctrl-C into SIGTERM for every rank) are decided together by one MPI_Allreduce per
/// round, so every rank leaves the loop in the same round (Status::interrupted).
/// On return, X holds the gathered iterates on rank 0 and this rank's rows elsewhere.
/// @param rows detail::owned_rows of the algorithm's sequence (this rank's block).
template <class Algorithm, class... Observers>
RunResult mpi_run(Algorithm& algorithm, Iterates<double>& X, const RunOptions& options, MPI_Comm comm,
                  RowRange rows, Round gather_every, Observers&&... observers) {
  using View = RoundView<GatheredState>;
  static_assert(observers_have_hooks<View, Observers...>,
                "every observer needs on_start, on_round or on_finish (is a hook misspelled?)");
  options.validate();
  if (gather_every < 0) adonis::detail::fail("runtime::mpi_run", "gather_every must be >= 0 (got ", gather_every, ")");
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  GatheredState state;
  auto owned_sqnorm = [&] { return algorithm.iterates().middleRows(rows.begin, rows.size()).squaredNorm(); };
  auto gather = [&] {
    adonis::detail::mpi_gather_rows(algorithm.iterates(), rows, comm, state.m_x);
    state.m_counters = algorithm.counters();
  };
  algorithm.init(X);
  double start_sq = 0, mine = owned_sqnorm();
  mpi_check(MPI_Allreduce(&mine, &start_sq, 1, MPI_DOUBLE, MPI_SUM, comm), "MPI_Allreduce");
  const DivergenceTest diverged(std::sqrt(start_sq), options.divergence_factor);
  gather();
  if (rank == 0) notify_start(View(state), observers...);
  RunResult result;
  result.status = Status::max_rounds;
  for (Round t = 0; t < options.max_rounds; ++t) {
    algorithm.step();
    bool stop = false;
    if (on_record_schedule(t + 1, gather_every) || t + 1 == options.max_rounds) {
      gather();
      if (rank == 0) stop = notify_round(View(state), observers...);
    }
    double local[3] = {owned_sqnorm(), stop ? 1.0 : 0.0, interrupt_requested() != 0 ? 1.0 : 0.0};
    double global[3] = {0, 0, 0};
    mpi_check(MPI_Allreduce(local, global, 3, MPI_DOUBLE, MPI_SUM, comm), "MPI_Allreduce");
    if (diverged(std::sqrt(global[0]))) {
      result.status = Status::diverged;
      break;
    }
    if (global[1] > 0) {
      result.status = Status::stopped_by_observer;
      break;
    }
    if (global[2] > 0) {
      result.status = Status::interrupted;
      break;
    }
  }
  gather();
  result.counters = algorithm.counters();
  if (rank == 0) {
    X = state.m_x;
    notify_finish(result, View(state), observers...);
  } else {
    X = algorithm.iterates();
  }
  return result;
}

}  // namespace adonis::runtime
