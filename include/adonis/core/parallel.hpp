// SPDX-License-Identifier: BSD-3-Clause
/// @file parallel.hpp
/// @brief Synchronous rounds on several cores: a persistent pool of T − 1 worker threads that
///        splits the node rows of a round's per-row work (row i of W X, node i's gradient)
///        into T contiguous blocks, the calling thread computing the first.
///
/// Determinism. Every row is computed by exactly one thread, with the same arithmetic in the
/// same order as on one thread: row i of W X sums row i of W in storage order
/// (detail::mix_rows), node i's gradient reads row i only and draws from its own stream
/// SplitMix64(seed, i, t) (algorithm/first_order.hpp), and nothing is reduced across rows in
/// parallel. So a run is bit-identical for every T (tests/core/test_parallel.cpp checks T = 1
/// against T = 2 and 3 for each synchronous algorithm). Reductions across nodes (the trace's
/// f(x̄), the mean x̄) stay on the calling thread, in node order.
///
/// Use. `adonis::set_round_threads(T)` sets T for the process (like Eigen::setNbThreads or
/// omp_set_num_threads): 1, the default, runs everything on the calling thread; 0 takes the
/// cores this process may run on (its affinity mask). With T > 1, a user-defined objective's `gradient(i, …)`
/// and `stochastic_gradient(i, …)` are called concurrently for distinct nodes i, so they must
/// not write shared state (the library's problems do not). Work below `min_parallel_work`
/// (rows × columns × terms per row) runs on the calling thread: waking the workers costs a
/// few microseconds. A second thread that starts a round while the pool is busy, and a call
/// from inside a worker, run on their own thread: never a deadlock, the same numbers.
/// `adonis run --threads T` sets it (default: the cores; docs/performance.md).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// A contiguous block of node rows [begin, end): the rows one process computes when a run is
/// partitioned across processes (runtime/mpi.hpp), the rows one thread of the round pool
/// computes (core/parallel.hpp); all rows [0, n) otherwise.
struct RowRange {
  Index begin = 0, end = 0;
  Index size() const noexcept { return end - begin; }
  bool contains(Index i) const noexcept { return i >= begin && i < end; }
  bool operator==(const RowRange&) const = default;
};

namespace detail {

/// Block k of T of `rows`: contiguous, the first size mod T blocks one row longer.
inline RowRange row_block(RowRange rows, int blocks, int k) noexcept {
  const Index n = rows.size(), base = n / blocks, extra = n % blocks, r = k;
  const Index begin = rows.begin + r * base + std::min(r, extra);
  return RowRange{begin, begin + base + (r < extra ? 1 : 0)};
}

/// The pool behind for_row_blocks: T − 1 workers parked on an atomic generation counter
/// (futex wait, no spinning), woken once per parallel step; the caller computes block 0 and
/// waits for the others. One step at a time (a mutex; a concurrent caller runs serially).
class RowPool {
 public:
  /// A pool of `threads` ≥ 1 (threads − 1 workers).
  /// @throws InvalidArgument if threads < 1; the system's error if a thread cannot be started
  ///         (the ones already started are stopped and joined first).
  explicit RowPool(int threads) : m_threads(threads), m_errors(static_cast<std::size_t>(std::max(threads, 1))) {
    if (threads < 1) fail("RowPool", "threads must be >= 1 (got ", threads, ")");
    m_workers.reserve(static_cast<std::size_t>(threads - 1));
    try {
      for (int k = 1; k < threads; ++k) m_workers.emplace_back([this, k] { work(k); });
    } catch (...) {
      stop();
      throw;
    }
  }
  RowPool(const RowPool&) = delete;
  RowPool& operator=(const RowPool&) = delete;
  ~RowPool() { stop(); }
  int threads() const noexcept { return m_threads; }

  /// Calls f(block) on the T blocks of `rows` (row_block), block 0 on this thread, and returns
  /// when all are done; rethrows the first exception a block threw. Returns false (nothing
  /// called) if another step holds the pool.
  template <class F>
  bool try_run(RowRange rows, F& f) {
    std::unique_lock lock(m_busy, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    m_call = [](void* ctx, RowRange r) { (*static_cast<F*>(ctx))(r); };
    m_context = &f;
    m_rows = rows;
    for (auto& e : m_errors) e = nullptr;
    m_remaining.store(m_threads - 1);
    m_generation.fetch_add(1);
    m_generation.notify_all();
    try {
      inside() = true;
      f(row_block(rows, m_threads, 0));
    } catch (...) {
      m_errors[0] = std::current_exception();
    }
    inside() = false;
    for (int left = m_remaining.load(); left != 0; left = m_remaining.load()) m_remaining.wait(left);
    // the lowest block's exception, as a run on one thread would have thrown first
    for (const auto& e : m_errors)
      if (e) std::rethrow_exception(e);
    return true;
  }

  /// True on a thread that is computing a block (nested steps run serially there).
  static bool& inside() noexcept {
    thread_local bool flag = false;
    return flag;
  }

 private:
  void work(int k) {
    inside() = true;
    std::uint64_t seen = 0;
    for (;;) {
      m_generation.wait(seen);
      seen = m_generation.load();
      if (m_stop.load()) return;
      try {
        m_call(m_context, row_block(m_rows, m_threads, k));
      } catch (...) {
        m_errors[static_cast<std::size_t>(k)] = std::current_exception();
      }
      if (m_remaining.fetch_sub(1) == 1) m_remaining.notify_one();
    }
  }

  void stop() {
    m_stop.store(true);
    m_generation.fetch_add(1);
    m_generation.notify_all();
    for (auto& t : m_workers) t.join();
  }

  int m_threads;
  std::vector<std::exception_ptr> m_errors;  // one slot per block: no lock, no race
  std::vector<std::thread> m_workers;
  std::mutex m_busy;
  std::atomic<std::uint64_t> m_generation{0};
  std::atomic<int> m_remaining{0};
  std::atomic<bool> m_stop{false};
  void (*m_call)(void*, RowRange) = nullptr;
  void* m_context = nullptr;
  RowRange m_rows;
};

/// The process's round pool and its thread count (set_round_threads).
struct RoundThreadsState {
  std::mutex mutex;
  int threads = 1;
  std::shared_ptr<RowPool> pool;  // null while threads == 1
  std::atomic<std::int64_t> parallel_steps{0};  // steps the pool ran (tests check it is used)
};
inline RoundThreadsState& round_threads_state() {
  static RoundThreadsState state;
  return state;
}

/// Below this much work (rows × columns × terms per row) a step runs on the calling thread.
inline constexpr std::int64_t min_parallel_work = std::int64_t{1} << 15;

/// Calls f(block) for blocks that tile `rows`, on the round pool's threads when it has more
/// than one and the step is worth it (work = rows.size() × `work_per_row` ≥ min_parallel_work),
/// else f(rows) on this thread. f must only write the rows of its block.
template <class F>
void for_row_blocks(RowRange rows, std::int64_t work_per_row, F&& f) {
  if (rows.size() < 2 || RowPool::inside() || static_cast<std::int64_t>(rows.size()) * work_per_row < min_parallel_work) {
    f(rows);
    return;
  }
  std::shared_ptr<RowPool> pool;
  {
    auto& s = round_threads_state();
    std::lock_guard g(s.mutex);
    pool = s.pool;
  }
  if (pool && pool->try_run(rows, f)) {
    round_threads_state().parallel_steps.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  f(rows);
}

/// How many steps the round pool has run on its threads since the process started.
inline std::int64_t round_pool_steps() { return round_threads_state().parallel_steps.load(); }

}  // namespace detail

/// The most threads set_round_threads accepts.
inline constexpr int max_round_threads = 1024;

/// The cores this process may run on: its CPU affinity mask on Linux (a container's or
/// taskset's limit), else std::thread::hardware_concurrency(); at least 1.
inline int available_cores() {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

namespace detail {
/// Runs `first()` on this thread and `second()` beside it on a new thread when `concurrent`
/// and this process may use more than one core (available_cores()), else `second()` after
/// `first()` on this thread (also when no thread can be started); returns when both are done.
/// Rethrows first()'s exception if it threw, else second()'s — as the serial order would (when
/// first() throws, second() still runs to its end: make it stoppable if it can run long). Two
/// independent halves of one computation (graph diagnostics: the two Laplacian ends, two
/// halves of a sketch's solves); the round pool (for_row_blocks) is for rounds.
template <class F0, class F1>
void run_pair(F0&& first, F1&& second, bool concurrent = true) {
  std::exception_ptr error;
  std::thread helper;
  if (concurrent && available_cores() > 1) {
    try {
      helper = std::thread([&] {
        try {
          second();
        } catch (...) {
          error = std::current_exception();
        }
      });
    } catch (const std::system_error&) {  // no thread: both here
    }
  }
  try {
    first();
  } catch (...) {
    if (helper.joinable()) helper.join();
    throw;
  }
  if (helper.joinable()) {
    helper.join();
    if (error) std::rethrow_exception(error);
  } else {
    second();
  }
}
}  // namespace detail

/// Sets the number of threads T of the synchronous rounds for this process and returns the
/// previous value: 1 (the default) computes everything on the calling thread, 0 takes the cores
/// this process may use (available_cores()). Results are bit-identical for every T
/// (core/parallel.hpp). Call it between runs, not during one.
/// @throws InvalidArgument unless 0 <= threads <= max_round_threads.
inline int set_round_threads(int threads) {
  if (threads < 0 || threads > max_round_threads)
    detail::fail("set_round_threads", "threads must be in [0, ", max_round_threads, "] (got ", threads, ")");
  if (threads == 0) threads = available_cores();
  auto& s = detail::round_threads_state();
  std::lock_guard g(s.mutex);
  const int previous = s.threads;
  if (threads != previous) {
    s.pool = threads > 1 ? std::make_shared<detail::RowPool>(threads) : nullptr;
    s.threads = threads;
  }
  return previous;
}

/// The number of threads of the synchronous rounds (set_round_threads; 1 by default).
inline int round_threads() {
  auto& s = detail::round_threads_state();
  std::lock_guard g(s.mutex);
  return s.threads;
}

}  // namespace adonis
