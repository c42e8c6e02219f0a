// SPDX-License-Identifier: BSD-3-Clause
/// The run loop: observers, stopping, traces, counters, and bit-identical reproducibility.
#include <catch2/catch.hpp>

#include <sstream>

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/trace.hpp"
#include "quadratics.hpp"

using namespace adonis;

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
  TraceRecorder trace(q, xs, global_value(q, xs), TraceOptions{.every = 10});
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
