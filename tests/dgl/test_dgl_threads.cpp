// SPDX-License-Identifier: BSD-3-Clause
/// Decoupled greedy learning on real threads (dgl/threads.hpp, issue 18): one worker per module,
/// bounded buffers between neighbours. Built into the ThreadSanitizer executable (a data race
/// fails the test): the heads converge toward the greedy ones, the clocks' rates set the steps,
/// the blocking pipeline keeps one item in flight, and bad options are refused.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "adonis/dgl/model.hpp"
#include "adonis/dgl/reference.hpp"
#include "adonis/dgl/threads.hpp"
#include "adonis/dgl/train.hpp"
#include "adonis/problem/spec.hpp"
#include "dgl_data.hpp"

using namespace adonis;

using adonis::test::heart_split;

TEST_CASE("DGL threads: one worker per module, replay buffers, every head moves toward the greedy optimum",
          "[dgl][threads]") {
  const dgl::TrainTest& data = heart_split();
  const dgl::Model model(13, 2, {.modules = 3, .width = 16, .lambda = 0.05, .seed = 2});
  const dgl::GreedyReference ref = dgl::greedy_reference(model, data);
  // module 2 on a clock 4× slower; 20 000 ticks in 20000 / 2.25 ≈ 8900 time units = 0.9 s of wall
  const dgl::TrainOptions o{.rates = {1, 0.25, 1}, .buffer = 16, .quantize = "qsgd:16", .events = 20000, .seed = 1};
  const dgl::Trace t = dgl::run_threads(model, data, ref, o, {.time_unit = 1e-4});
  REQUIRE_FALSE(t.diverged);
  REQUIRE(t.rows.size() >= 2);
  const dgl::TraceRow& last = t.rows.back();
  CHECK(last.time == Approx(20000 / 2.25));
  // Module 1 reads the training set: its steps are its own clock's ticks (about 8900; Poisson,
  // ±94 at one SD), whatever the machine does, and it converges like in the simulator. The
  // others read what their producer made, when the machine ran it: on a loaded machine a late
  // worker catches up in a burst (it does not sleep), finds its buffer empty or replays the same
  // few items, so only "moves toward A_j*" and most ticks used are asserted there.
  CHECK(std::abs(last.modules[0].steps - 8889) < 500);
  CHECK(last.modules[0].distance < 0.5 * t.rows.front().modules[0].distance);
  CHECK(last.modules[1].steps > 1500);  // about 2222 ticks
  CHECK(last.modules[2].steps > 4444);
  for (std::size_t j = 0; j < 3; ++j) {
    INFO("module " << j + 1 << ": distance " << last.modules[j].distance << ", steps " << last.modules[j].steps);
    CHECK(last.modules[j].distance < t.rows.front().modules[j].distance);
    CHECK(std::isfinite(last.modules[j].test_accuracy));
  }
  CHECK(last.modules[1].bytes > 0);
  CHECK(last.modules[2].occupancy <= 16);
}

TEST_CASE("DGL threads: the blocking pipeline and bad options", "[dgl][threads]") {
  const dgl::TrainTest& data = heart_split();
  const dgl::Model model(13, 2, {.modules = 2, .width = 8, .lambda = 0.05, .seed = 2});
  const dgl::GreedyReference ref = dgl::greedy_reference(model, data);
  const dgl::TrainOptions o{.rates = {1, 1}, .buffer = 0, .events = 6000, .seed = 3};
  const dgl::Trace t = dgl::run_threads(model, data, ref, o, {.time_unit = 4e-5});
  const dgl::TraceRow& last = t.rows.back();
  CHECK(t.idle > 0);
  CHECK(last.modules[1].occupancy <= 1);
  CHECK(std::abs(last.modules[0].steps - last.modules[1].steps) <= 1);  // one item in flight at most
  CHECK_THROWS_WITH(dgl::run_threads(model, data, ref, dgl::TrainOptions{.scheme = dgl::Scheme::synchronous}),
                    Catch::Contains("the threads backend runs the async scheme (got sync)"));
  CHECK_THROWS_WITH(dgl::run_threads(model, data, ref, o, {.time_unit = 0}), Catch::Contains("time unit must be > 0"));
}
