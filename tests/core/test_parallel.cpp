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
#include <limits>
#include <string>
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

TEST_CASE("when several blocks throw, the caller gets the lowest block's exception", "[parallel]") {
  const RoundThreads scope(3);
  for (int rep = 0; rep < 20; ++rep)
    CHECK_THROWS_WITH(detail::for_row_blocks(RowRange{0, 30}, detail::min_parallel_work,
                                             [](RowRange r) { throw std::runtime_error("block at " + std::to_string(r.begin)); }),
                      "block at 0");
}

TEST_CASE("set_round_threads: the previous count back, 0 for the cores, negative refused", "[parallel]") {
  const int start = round_threads();
  CHECK(set_round_threads(3) == start);
  CHECK(round_threads() == 3);
  CHECK(set_round_threads(0) == 3);
  CHECK(round_threads() == available_cores());
  CHECK(available_cores() >= 1);
  CHECK(available_cores() <= std::max(1, static_cast<int>(std::thread::hardware_concurrency())));
  CHECK_THROWS_WITH(set_round_threads(-1), Catch::Contains("set_round_threads") && Catch::Contains("got -1"));
  CHECK_THROWS_WITH(set_round_threads(max_round_threads + 1), Catch::Contains("[0, 1024]") && Catch::Contains("got 1025"));
  CHECK(round_threads() == available_cores());  // unchanged by the refused calls
  set_round_threads(start);
  CHECK(round_threads() == start);
}

TEST_CASE("the row kernel gives the bits of the plain loop: out = w0 x0, then out += wk xk", "[parallel]") {
  // rows of 0, 1, 31, 32, 33 (the kernel gathers 32 terms at a time) and 70 terms; widths around
  // the 16-column blocks
  const std::vector<Index> terms{0, 1, 31, 32, 33, 70};
  const Index n = 80;
  for (Index d : {1, 15, 16, 17, 40}) {
    INFO("d = " << d);
    const Iterates<double> x = parallel_start(n, d, static_cast<std::uint64_t>(d));
    SparseMatrix w(static_cast<Index>(terms.size()), n);
    std::vector<Triplet> t;
    SplitMix64 rng(99);
    for (std::size_t r = 0; r < terms.size(); ++r)
      for (Index k = 0; k < terms[r]; ++k) t.emplace_back(static_cast<Index>(r), (k * 7 + static_cast<Index>(r)) % n, 0.01 + rng.uniform());
    w.setFromTriplets(t.begin(), t.end());
    Iterates<double> want(w.rows(), d), got(w.rows(), d);
    for (Index i = 0; i < w.rows(); ++i) {
      SparseMatrix::InnerIterator it(w, i);
      if (!it) {
        want.row(i).setZero();
        continue;
      }
      for (Index c = 0; c < d; ++c) want(i, c) = it.value() * x(it.index(), c);
      for (++it; it; ++it)
        for (Index c = 0; c < d; ++c) {
          volatile double term = it.value() * x(it.index(), c);  // rounded on its own, never fused
          want(i, c) += term;
        }
    }
    got.setConstant(std::numeric_limits<double>::quiet_NaN());
    detail::mix_rows(w, RowRange{0, w.rows()}, [&x](Index j) { return x.row(j); }, got);
    CHECK(got.cwiseEqual(want).all());
    // both variants of the kernel directly, on the 70-term row
    std::vector<const double*> src;
    std::vector<double> val;
    for (SparseMatrix::InnerIterator it(w, 5); it; ++it) {
      src.push_back(x.row(it.index()).data());
      val.push_back(it.value());
    }
    Vector<double> y(d);
    detail::weighted_row_sum_body(y.data(), src.data(), val.data(), static_cast<Index>(src.size()), d, false);
    CHECK(y.transpose().cwiseEqual(want.row(5)).all());
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
      y.setZero();
      detail::weighted_row_sum_avx2(y.data(), src.data(), val.data(), static_cast<Index>(src.size()), d, false);
      CHECK(y.transpose().cwiseEqual(want.row(5)).all());
    }
#endif
  }
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
