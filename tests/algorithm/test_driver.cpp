// SPDX-License-Identifier: BSD-3-Clause
/// The run loop: observers, stopping, traces, counters, and bit-identical reproducibility.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <vector>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/smoothness.hpp"
#include "adonis/runtime/async.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/trace.hpp"
#include "quadratics.hpp"

using namespace adonis;
using Catch::Matchers::Contains;

namespace {
/// Counts hook calls; asks to stop after round 7.
struct Counter {
  int starts = 0, rounds = 0, finishes = 0;
  template <class A>
  void on_start(const RoundView<A>&) { ++starts; }
  template <class A>
  bool on_round(const RoundView<A>& v) { ++rounds; return v.round() == 7; }
  void on_finish(const RunResult&) { ++finishes; }
};
}  // namespace

TEST_CASE("observers see every round, returning true stops, counters follow the message model", "[algorithm][driver]") {
  const Graph g = torus_graph(3, 4);
  Gossip gossip(StaticSequence{metropolis_weights(g)});
  Iterates<double> x = Iterates<double>::Random(12, 5);
  Counter counter;
  const RunResult r = run(gossip, x, RunOptions{.max_rounds = 100}, counter);
  REQUIRE(r.status == Status::stopped_by_observer);
  REQUIRE(counter.starts == 1);
  REQUIRE(counter.rounds == 7);
  REQUIRE(counter.finishes == 1);
  REQUIRE(r.counters.rounds == 7);
  REQUIRE(r.counters.messages == 7 * 2 * num_edges(g));
  REQUIRE(r.counters.bytes == 7 * 2 * num_edges(g) * 8 * 5);
  REQUIRE(x == gossip.iterates());
  REQUIRE_THROWS_AS(run(gossip, x, RunOptions{.max_rounds = -1}), InvalidArgument);
  Iterates<double> wrong = Iterates<double>::Zero(5, 2);
  REQUIRE_THROWS_WITH(run(gossip, wrong, RunOptions{}), Catch::Contains("12 rows (got 5 x 2)"));

  // member form: alg.run(X, observers...) uses the default options, alg.run(X, options, ...)
  Counter again;
  x = Iterates<double>::Random(12, 5);
  REQUIRE(gossip.run(x, again).counters.rounds == 7);
  REQUIRE(again.rounds == 7);
  const RunResult budget = gossip.run(x, RunOptions{.max_rounds = 3});
  REQUIRE(budget.status == Status::max_rounds);
  REQUIRE(budget.counters.rounds == 3);
  REQUIRE(gossip.run(x).counters.rounds == RunOptions{}.max_rounds);
}

TEST_CASE("the trace recorder: columns, schedule, target, consensus-only mode", "[algorithm][trace]") {
  const Index n = 8;
  const auto q = test::ScalarQuadratics::random(n, 3, 0.5, 1.5, 1);
  Dgd dgd(q, StaticSequence{metropolis_weights(ring_graph(n))}, DgdOptions{.step_size = 0.1});
  const Vector<double> xs = q.x_star();
  TraceRecorder trace(q, xs, global_value(q, xs), TraceOptions{.every = 10, .worst_node = true});
  Iterates<double> x = Iterates<double>::Zero(n, 3);
  run(dgd, x, RunOptions{.max_rounds = 95}, trace);
  REQUIRE(trace.rows().size() == 11);  // 0, 10, ..., 90, and the last round 95
  REQUIRE(trace.rows().front().round == 0);
  REQUIRE(trace.rows().back().round == 95);
  REQUIRE(trace.rows()[1].gradients == 10 * n);
  for (const auto& row : trace.rows()) {
    REQUIRE(row.suboptimality >= -1e-15);
    REQUIRE(row.worst_suboptimality >= row.suboptimality - 1e-12);
  }
  std::ostringstream csv;
  trace.write_csv(csv);
  REQUIRE(csv.str().rfind("round,time,gradients,messages,bytes,suboptimality,consensus_error,distance_to_opt", 0) == 0);
  // the default schedule: log-spaced (R10 preferred numbers), the last round, no worst node
  TraceRecorder logged(q, xs, global_value(q, xs));
  Iterates<double> x3 = Iterates<double>::Zero(n, 3);
  Dgd dgd3(q, StaticSequence{metropolis_weights(ring_graph(n))}, DgdOptions{.step_size = 0.1});
  run(dgd3, x3, RunOptions{.max_rounds = 207}, logged);
  std::vector<Round> rounds;
  for (const auto& row : logged.rows()) {
    rounds.push_back(row.round);
    REQUIRE(std::isnan(row.worst_suboptimality));
  }
  REQUIRE(rounds == std::vector<Round>{0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 31, 40, 50, 63, 80, 100, 125, 160,
                                       200, 207});
  REQUIRE(on_record_schedule(31500, 0));
  REQUIRE(on_record_schedule(8000000000000000000, 0));
  REQUIRE(!on_record_schedule(31501, 0));
  REQUIRE(!on_record_schedule(0, 0));
  REQUIRE(on_record_schedule(0, 7));
  REQUIRE(!on_record_schedule(22, 7));
  // a target stops the run
  TraceRecorder target(q, xs, global_value(q, xs), TraceOptions{.target = 1e-3});
  Iterates<double> y = Iterates<double>::Zero(n, 3);
  Dgd dgd2(q, StaticSequence{metropolis_weights(ring_graph(n))}, DgdOptions{.step_size = 0.1});
  const RunResult r = run(dgd2, y, RunOptions{.max_rounds = 100000}, target);
  REQUIRE(r.status == Status::stopped_by_observer);
  REQUIRE(target.rows().back().suboptimality <= 1e-3);
  // averaging: the average does not move
  TraceRecorder avg;
  Gossip gossip(StaticSequence{metropolis_weights(ring_graph(n))});
  Iterates<double> z = Iterates<double>::Random(n, 2);
  run(gossip, z, RunOptions{.max_rounds = 50}, avg);
  REQUIRE(std::isnan(avg.rows().back().suboptimality));
  REQUIRE(avg.rows().back().distance_to_opt < 1e-14);
  REQUIRE(avg.rows().back().consensus_error < avg.rows().front().consensus_error);
}

TEST_CASE("same seed, same trace, bit for bit, another seed, another trace", "[algorithm][determinism]") {
  const auto inst = make_problem("quadratic:dim=4,L=2,mu=0.5,zeta=1,noise=0.5", 10);
  const auto& q = std::get<QuadraticProblem>(inst.problem);
  auto trace_of = [&](std::uint64_t seed, std::uint64_t graph_seed) {
    Dgd dgd(q, RandomMatchingSequence(erdos_renyi_graph(10, 0.4, 1), graph_seed),
            DgdOptions{.step_size = 0.05, .stochastic = true, .seed = seed});
    TraceRecorder trace(q, q.x_star(), global_value(q, q.x_star()));
    Iterates<double> x = Iterates<double>::Zero(10, 4);
    run(dgd, x, RunOptions{.max_rounds = 300}, trace);
    std::ostringstream csv;
    trace.write_csv(csv);
    return csv.str();
  };
  REQUIRE(trace_of(1, 2) == trace_of(1, 2));
  REQUIRE(trace_of(1, 2) != trace_of(3, 2));
  REQUIRE(trace_of(1, 2) != trace_of(1, 4));
}

TEST_CASE("the default step computes L_max from the problem's curvature bounds when smoothness is not given",
          "[algorithm][step]") {
  const Graph g = ring_graph(8);
  const SparseMatrix w = metropolis_weights(g);
  const MixingSpectrum m = mixing_spectrum(w);
  for (const std::string spec : {"quadratic:dim=3,L=4,mu=0.4,zeta=1", "logistic:heart_scale:0.01"}) {
    const ProblemInstance inst = make_problem(spec, 8);
    std::visit(
        [&](const auto& p) {
          using P = std::decay_t<decltype(p)>;
          if constexpr (CurvatureBoundedObjective<P> && !std::is_same_v<P, MultinomialProblem>) {  // not in the list
            const double l_max = problem_constants(p, reference_solution(p).x).L_max;
            REQUIRE(max_smoothness(p).value() == Approx(l_max).epsilon(1e-12));
            // every rule uses the computed L_max exactly as it would use the one passed in
            const double given = 0.5 * l_max;  // another value: the given one must win
            REQUIRE(Dgd(p, StaticSequence{w}).step_size() == Approx((1 + m.lambda_min) / (2 * l_max)).epsilon(1e-12));
            REQUIRE(Dgd(p, StaticSequence{w}, {.smoothness = given}).step_size() ==
                    Approx((1 + m.lambda_min) / (2 * given)).epsilon(1e-14));
            REQUIRE(Extra(p, StaticSequence{w}).step_size() == Approx((1 + m.lambda_min) / (2 * l_max)).epsilon(1e-12));
            REQUIRE(GradientTracking(p, StaticSequence{w}).step_size() ==
                    Approx(GradientTracking(p, StaticSequence{w}, {.smoothness = l_max}).step_size()).epsilon(1e-12));
            REQUIRE(ChocoSgd(p, StaticSequence{w}).step_size() ==
                    Approx(ChocoSgd(p, StaticSequence{w}, {.smoothness = l_max}).step_size()).epsilon(1e-12));
            REQUIRE(AsyncGossipSgd(p, g, sim::EngineOptions{}).step_size() == Approx(1 / (8 * l_max)).epsilon(1e-12));
            REQUIRE(runtime::SgdRule(p, {}, 0).step_size() == Approx(1 / (8 * l_max)).epsilon(1e-12));
            REQUIRE(A2cid2(p, g, sim::EngineOptions{}).step_size() == Approx(1 / (8 * l_max)).epsilon(1e-12));
          }
        },
        inst.problem);
  }
  // a problem without curvature bounds (the median is nonsmooth): the rule names what is missing
  const ProblemInstance median = make_problem("median:heart_scale", 8);
  std::visit(
      [&](const auto& p) {
        REQUIRE_FALSE(max_smoothness(p).has_value());
        REQUIRE_THROWS_WITH(Dgd(p, StaticSequence{w}), Contains("Dgd") && Contains("smoothness must be > 0") &&
                                                           Contains("no curvature bound"));
        REQUIRE_NOTHROW(Dgd(p, StaticSequence{w}, {.step_size = 0.1}));
      },
      median.problem);
  REQUIRE_THROWS_WITH(Dgd(test::ScalarQuadratics::random(8, 2, 1, 2, 3), StaticSequence{w}, {.smoothness = -1}),
                      Contains("smoothness must be >= 0 (got -1)"));
}

TEST_CASE("the divergence test and the observer protocol shared by every backend", "[algorithm][driver]") {
  const DivergenceTest diverged(0.5, 10);  // the start's norm counts as at least 1
  REQUIRE(diverged.limit() == 10);
  REQUIRE_FALSE(diverged(10));
  REQUIRE(diverged(10.000001));
  REQUIRE(diverged(std::numeric_limits<double>::quiet_NaN()));
  REQUIRE(diverged(std::numeric_limits<double>::infinity()));
  REQUIRE(DivergenceTest(3, 10).limit() == 30);
  // notify_round: every observer sees the round even after one asked to stop
  struct Stopper {
    int rounds = 0;
    bool on_round(const RoundView<Gossip<StaticSequence>>&) { return ++rounds > 0; }
  };
  Gossip gossip(StaticSequence{metropolis_weights(ring_graph(4))});
  Iterates<double> x = Iterates<double>::Random(4, 2);
  gossip.init(x);
  Stopper a, b;
  Counter c;
  REQUIRE(notify_round(RoundView<Gossip<StaticSequence>>(gossip), a, b, c));
  REQUIRE(a.rounds == 1);
  REQUIRE(b.rounds == 1);
  REQUIRE(c.rounds == 1);
  Counter quiet;
  REQUIRE_FALSE(notify_round(RoundView<Gossip<StaticSequence>>(gossip), quiet));
  STATIC_REQUIRE(observers_have_hooks<RoundView<Gossip<StaticSequence>>, Counter, Stopper>);
  STATIC_REQUIRE_FALSE(observers_have_hooks<RoundView<Gossip<StaticSequence>>, Counter, int>);
}
