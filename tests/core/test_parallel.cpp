// SPDX-License-Identifier: BSD-3-Clause
/// Synchronous rounds on several threads (core/parallel.hpp; issue 20, item 3): the round pool
/// tiles the rows exactly, passes exceptions on, never deadlocks when nested or shared, and every
/// synchronous algorithm gives bit-identical iterates and counters with T = 1, 2 and 3 threads.
/// Built into adonis_tsan_tests, so ThreadSanitizer checks the pool and the algorithms' parallel
/// steps for data races (halt_on_error) in CI's first step.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/dual_averaging.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/problem/quadratic.hpp"

using namespace adonis;

namespace {

/// Sets the round threads for a scope and restores the previous count.
struct RoundThreads {
  int previous;
  explicit RoundThreads(int t) : previous(set_round_threads(t)) {}
  ~RoundThreads() { set_round_threads(previous); }
};

/// X after `rounds` rounds and the counters, with T threads.
struct Trajectory {
  Iterates<double> x;
  Counters counters;
};
template <class Make>
Trajectory run_with(int threads, Make make, const Iterates<double>& x0, Round rounds) {
  const RoundThreads scope(threads);
  auto alg = make();
  Iterates<double> x = x0;
  const RunResult r = run(alg, x, RunOptions{.max_rounds = rounds});
  return {x, r.counters};
}

Iterates<double> parallel_start(Index n, Index d, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
  return x;
}

/// Bitwise equality of two trajectories, and the pool was used with T > 1.
template <class Make>
void check_bit_identical(const char* name, Make make, const Iterates<double>& x0, Round rounds) {
  INFO(name);
  const Trajectory one = run_with(1, make, x0, rounds);
  REQUIRE(one.x.allFinite());
  for (int t : {2, 3}) {
    INFO("threads " << t);
    const std::int64_t before = detail::round_pool_steps();
    const Trajectory many = run_with(t, make, x0, rounds);
    CHECK(detail::round_pool_steps() - before >= rounds);  // the parallel path ran
    CHECK(many.x.cwiseEqual(one.x).all());                 // bit for bit, not approximately
    CHECK(many.counters.gradients == one.counters.gradients);
    CHECK(many.counters.messages == one.counters.messages);
    CHECK(many.counters.bytes == one.counters.bytes);
  }
}

}  // namespace

TEST_CASE("the round pool tiles the rows exactly once, for any thread count", "[parallel]") {
  for (int t : {2, 3, 5}) {
    const RoundThreads scope(t);
    for (Index n : {2, 7, 64, 1001}) {
      INFO("threads " << t << ", rows " << n);
      std::vector<std::atomic<int>> seen(static_cast<std::size_t>(n));
      std::atomic<int> blocks{0};
      const std::int64_t before = detail::round_pool_steps();
      detail::for_row_blocks(RowRange{0, n}, detail::min_parallel_work, [&](RowRange b) {
        ++blocks;
        for (Index i = b.begin; i < b.end; ++i) ++seen[static_cast<std::size_t>(i)];
      });
      CHECK(detail::round_pool_steps() - before == 1);
      CHECK(blocks.load() == t);
      for (Index i = 0; i < n; ++i) CHECK(seen[static_cast<std::size_t>(i)].load() == 1);
    }
  }
}

TEST_CASE("the round pool runs small steps, nested steps and a busy pool's steps on the caller", "[parallel]") {
  const RoundThreads scope(2);
  const std::thread::id me = std::this_thread::get_id();
  int calls = 0;
  // below min_parallel_work: one call, on this thread
  detail::for_row_blocks(RowRange{0, 100}, 1, [&](RowRange b) {
    ++calls;
    CHECK(b == RowRange{0, 100});
    CHECK(std::this_thread::get_id() == me);
  });
  CHECK(calls == 1);
  // nested inside a block: the inner step runs whole on the block's thread
  std::atomic<int> inner{0};
  detail::for_row_blocks(RowRange{0, 10}, detail::min_parallel_work, [&](RowRange) {
    const std::thread::id here = std::this_thread::get_id();
    detail::for_row_blocks(RowRange{0, 10}, detail::min_parallel_work, [&](RowRange b) {
      CHECK(b == RowRange{0, 10});
      CHECK(std::this_thread::get_id() == here);
      ++inner;
    });
  });
  CHECK(inner.load() == 2);
  // two threads stepping at once: both complete, every row of each exactly once
  std::vector<int> a(5000, 0), b(5000, 0);
  auto fill = [](std::vector<int>& v) {
    for (int rep = 0; rep < 200; ++rep)
      detail::for_row_blocks(RowRange{0, 5000}, detail::min_parallel_work, [&](RowRange r) {
        for (Index i = r.begin; i < r.end; ++i) ++v[static_cast<std::size_t>(i)];
      });
  };
  std::thread other(fill, std::ref(a));
  fill(b);
  other.join();
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i] == 200);
    REQUIRE(b[i] == 200);
  }
}

TEST_CASE("an exception thrown in any block reaches the caller, and the pool still works", "[parallel]") {
  const RoundThreads scope(3);
  for (int bad : {0, 1, 2}) {
    INFO("throwing block " << bad);
    CHECK_THROWS_WITH(detail::for_row_blocks(RowRange{0, 30}, detail::min_parallel_work,
                                             [&](RowRange r) {
                                               if (r == detail::row_block(RowRange{0, 30}, 3, bad))
                                                 throw std::runtime_error("block failed");
                                             }),
                      "block failed");
  }
  int total = 0;
  std::mutex m;
  detail::for_row_blocks(RowRange{0, 30}, detail::min_parallel_work, [&](RowRange r) {
    std::lock_guard g(m);
    total += static_cast<int>(r.size());
  });
  CHECK(total == 30);
}

TEST_CASE("set_round_threads: the previous count back, 0 for the cores, negative refused", "[parallel]") {
  const int start = round_threads();
  CHECK(set_round_threads(3) == start);
  CHECK(round_threads() == 3);
  CHECK(set_round_threads(0) == 3);
  CHECK(round_threads() == std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  CHECK_THROWS_WITH(set_round_threads(-1), Catch::Contains("set_round_threads") && Catch::Contains("got -1"));
  set_round_threads(start);
  CHECK(round_threads() == start);
}

TEST_CASE("every synchronous algorithm is bit-identical on 1, 2 and 3 threads", "[parallel]") {
  // n = 256, d = 32: above min_parallel_work for the product and for the gradients
  const SparseMatrix w = metropolis_weights(torus_graph(16, 16));
  const Index n = w.rows(), d = 32;
  const QuadraticProblem q(n, QuadraticOptions{.dim = d, .L = 4, .mu = 0.4, .zeta = 1, .seed = 11},
                           StochasticOptions{.noise_variance = 0.5});
  const Iterates<double> x0 = parallel_start(n, d, 3);
  const Round rounds = 12;
  const StaticSequence seq{w};
  check_bit_identical("gossip", [&] { return Gossip(seq); }, x0, rounds);
  check_bit_identical("dgd", [&] { return Dgd(q, seq); }, x0, rounds);
  check_bit_identical(
      "d-sgd", [&] { return Dgd(q, seq, DgdOptions{.stochastic = true, .seed = 5}); }, x0, rounds);
  check_bit_identical("gradient-tracking", [&] { return GradientTracking(q, seq); }, x0, rounds);
  check_bit_identical("extra", [&] { return Extra(q, seq); }, x0, rounds);
  check_bit_identical("admm", [&] { return Admm(q, seq); }, x0, rounds);
  check_bit_identical(
      "dual-averaging", [&] { return DualAveraging(q, seq, DualAveragingOptions{.step_scale = 0.1}); }, x0, rounds);
  check_bit_identical(
      "choco-sgd",
      [&] {
        return ChocoSgd(q, seq,
                        ChocoSgdOptions{.compressor = parse_compressor("random-k:8", d), .stochastic = true, .seed = 9});
      },
      x0, rounds);
}
