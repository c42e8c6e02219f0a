// SPDX-License-Identifier: BSD-3-Clause
/// Tests of the threads backend (runtime/threads.hpp), issue 7 criterion 2 on threads, built
/// into adonis_tsan_tests under ThreadSanitizer (plain builds; criterion 5). The CLI's threads
/// tests (tests/cli/test_run.cpp) run in both presets. The clocks are paced in wall time (time_unit
/// 5e-4 s: 2000 ticks per second per unit rate, far below what an instrumented build sustains),
/// so a run's statistics do not depend on how the machine schedules the threads.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "adonis/graph/generators.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/runtime/accelerated.hpp"
#include "adonis/runtime/threads.hpp"

using namespace adonis;

namespace {

/// Network average and (1/n) Σ ||x_i − x̄||².
struct Spread {
  explicit Spread(const Iterates<double>& x)
      : mean(x.colwise().mean().transpose()),
        consensus((x.rowwise() - mean.transpose()).squaredNorm() / static_cast<double>(x.rows())) {}
  Vector<double> mean;
  double consensus;
};

/// x0_{ik} = sin(0.37 (i d + k)): a start with every mode excited.
Iterates<double> sine_start(Index n, Index d) {
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = std::sin(0.37 * static_cast<double>(k));
  return x;
}

runtime::RealAsyncOptions paced(std::int64_t events, double comm_rate, std::uint64_t seed) {
  runtime::RealAsyncOptions o;
  o.max_events = events;
  o.comm_rate = comm_rate;
  o.time_unit = 5e-4;
  o.seed = seed;
  return o;
}

/// The same clocks for the simulator: edge clocks, compute rate 1, communication rate R.
sim::EngineOptions edge_engine(double comm_rate, std::uint64_t seed) {
  sim::EngineOptions e;
  e.comm_rate = comm_rate;
  e.seed = seed;
  return e;
}

/// paced() with edge clocks and the unreliable devices: latency exp:0.1, 10 % of the
/// exchanges dropped, churn 0.01:5 (a node offline ~5 % of the time).
runtime::RealAsyncOptions unreliable(std::int64_t events, double comm_rate, std::uint64_t seed) {
  runtime::RealAsyncOptions o = paced(events, comm_rate, seed);
  o.clock = sim::ClockModel::edge;
  o.latency = sim::Latency::parse("exp:0.1");
  o.drop = 0.1;
  o.churn = sim::Churn::parse("0.01:5");
  return o;
}

/// logistic regression on heart_scale (λ = 0.01) split iid over 16 nodes, its solution and constants.
struct HeartScale {
  HeartScale()
      : graph(torus_graph(4, 4)),
        instance(make_problem("logistic:heart_scale:0.01", 16)),
        problem(std::get<LogisticProblem>(instance.problem)),
        ref(reference_solution(problem)),
        constants(problem_constants(problem, ref.x)) {}
  double gap(const Iterates<double>& x) const { return global_value(problem, x.colwise().mean().transpose()) - ref.f; }
  Graph graph;
  ProblemInstance instance;
  const LogisticProblem& problem;
  ReferenceSolution ref;
  ProblemConstants constants;
};

}  // namespace

TEST_CASE("threads: pairwise gossip keeps the average to 1e-12 and reaches consensus 1e-10", "[runtime][threads]") {
  const Graph g = torus_graph(4, 4);
  for (int workers : {2, 4}) {
    Iterates<double> x = sine_start(16, 3);
    const Spread before(x);
    // 16 nodes at rate 1 each: 40000 ticks in 2500 time units (1.25 s)
    const runtime::RealAsyncResult r = runtime::threads_run(runtime::GossipRule{}, g, x, paced(40000, 16, 7), workers);
    const Spread after(x);
    INFO(workers << " workers, " << r.run.counters.rounds << " events, consensus " << after.consensus);
    CHECK(r.run.status == Status::max_rounds);
    REQUIRE(r.workers.size() == static_cast<std::size_t>(workers));
    CHECK((after.mean - before.mean).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK(after.consensus <= 1e-10);
    CHECK(before.consensus > 0.1);
    // the horizon is 40000 ticks on average: Poisson, so within 5 %
    CHECK(std::abs(static_cast<double>(r.run.counters.rounds) - 40000) <= 2000);
    CHECK(r.run.counters.messages == 2 * r.run.counters.rounds);
    CHECK(r.run.counters.gradients == 0);
  }
}

TEST_CASE("threads: asynchronous gossip SGD reduces f(x̄) − f* on heart_scale by 10²", "[runtime][threads]") {
  const HeartScale s;
  Iterates<double> x = Iterates<double>::Zero(16, s.problem.dim());
  const double gap0 = s.gap(x);
  // each node computes at rate 1 and wakes to exchange at rate 1: 150000 ticks (2.3 s)
  const runtime::SgdRule rule(s.problem, AsyncGossipSgdOptions{.smoothness = s.constants.L_max}, 3);
  const runtime::RealAsyncResult r = runtime::threads_run(rule, s.graph, x, paced(150000, 16, 3), 2);
  const double gap = s.gap(x);
  WARN("threads async SGD: f(x̄) − f* " << gap0 << " -> " << gap << " after " << r.run.counters.gradients
                                        << " gradients, " << r.run.counters.time << " s");
  CHECK(r.run.status == Status::max_rounds);
  // by 10², not 10³: the run ends in constant-step SGD's noise, and which point of it a real-time
  // run stops at depends on the threads' interleaving. Alone on the machine it ends near 4.3e-5
  // (8 runs: 4.23e-5 to 4.42e-5); under `ctest -j2` (another test on the other core, workers
  // descheduled) one run of the same 74898 gradients ended at 2.7e-3, above 10⁻³·gap0 = 3.1e-4
  // (as the CLI and MPI real-backend tests, tests/cli/test_run.cpp and test_mpi.cpp). The
  // simulator's seeded test keeps the 10³ claim.
  CHECK(gap <= 1e-2 * gap0);
  CHECK(r.run.counters.gradients > 0.4 * static_cast<double>(r.run.counters.rounds));
}

TEST_CASE("threads: a worker slowed 5x does not hold the others back, and the run still converges",
          "[runtime][threads]") {
  const Graph g = torus_graph(4, 4);
  runtime::RealAsyncOptions o = paced(40000, 16, 11);
  o.slow_worker = 1;
  o.slowdown = 5;
  Iterates<double> x = sine_start(16, 3);
  const Spread before(x);
  const runtime::RealAsyncResult r = runtime::threads_run(runtime::GossipRule{}, g, x, o, 4);
  const Spread after(x);
  std::ostringstream counts;
  for (const auto& w : r.workers) counts << ' ' << w.events;
  WARN("gossip, 4 workers, worker 1 slowed 5x: events per worker" << counts.str() << ", consensus " << after.consensus);
  CHECK((after.mean - before.mean).cwiseAbs().maxCoeff() <= 1e-12);
  CHECK(after.consensus <= 1e-10);
  // every worker reached the same horizon in simulated time, so the fast ones ticked as often as
  // without a straggler: ~4/(3 + 1/5) of 40000/4 each, the slow one ~1/5 of that
  const double horizon = o.horizon(16, false);
  for (std::size_t w = 0; w < r.workers.size(); ++w) {
    INFO("worker " << w);
    CHECK(r.workers[w].clock_time >= horizon);
    if (w != 1) CHECK(static_cast<double>(r.workers[w].events) >= 3.0 * static_cast<double>(r.workers[1].events));
    if (w != 1) CHECK(std::abs(static_cast<double>(r.workers[w].events) - 10000) <= 600);
  }
  // The same with gradients. The slow worker's nodes compute 5x less often: uncompensated,
  // asynchronous SGD drifts towards the minimizer of the rate-weighted objective Σ_i r_i f_i
  // (reported); with the default compensation (their steps scaled by 5) it converges as fast.
  const HeartScale s;
  const runtime::SgdRule rule(s.problem, AsyncGossipSgdOptions{.smoothness = s.constants.L_max}, 3);
  double gaps[2] = {0, 0};  // uncompensated, compensated
  for (bool compensate : {false, true}) {
    Iterates<double> y = Iterates<double>::Zero(16, s.problem.dim());
    const double gap0 = s.gap(y);
    runtime::RealAsyncOptions so = paced(150000, 16, 3);
    so.slow_worker = 1;
    so.slowdown = 5;
    so.compensate_rates = compensate;
    const runtime::RealAsyncResult rs = runtime::threads_run(rule, s.graph, y, so, 2);
    const double gap = s.gap(y);
    WARN("async SGD, worker 1 of 2 slowed 5x, " << (compensate ? "compensated" : "uncompensated") << ": events "
                                                << rs.workers[0].events << " / " << rs.workers[1].events
                                                << ", f(x̄) − f* " << gap0 << " -> " << gap);
    CHECK(rs.workers[0].events >= 3 * rs.workers[1].events);
    CHECK(std::isfinite(gap));
    if (compensate) CHECK(gap <= 1e-3 * gap0);
    gaps[compensate ? 1 : 0] = gap;
  }
  // the straggler's bias is visible without compensation: measured (TSan build, 3 runs) gaps of
  // 7.2e-3 uncompensated against 0.96e-4–1.1e-4 compensated, about 65×; asserted with room: 10×
  INFO("f(x̄) − f*: uncompensated " << gaps[0] << ", compensated " << gaps[1]);
  CHECK(gaps[0] >= 10 * gaps[1]);
}

TEST_CASE("threads: observers see snapshots and can stop the run, bad input is rejected", "[runtime][threads]") {
  const Graph g = torus_graph(4, 4);
  struct Stopper {
    int calls = 0;
    double last_time = 0;
    bool on_round(const RoundView<runtime::SnapshotState>& v) {
      ++calls;
      last_time = v.counters().time;
      return v.consensus_error() < 1e-6;
    }
  } stopper;
  Iterates<double> x = sine_start(16, 2);
  runtime::RealAsyncOptions o = paced(0, 16, 5);
  o.duration = 30;  // the observer stops it long before
  o.record_period = 0.01;
  const runtime::RealAsyncResult r = runtime::threads_run(runtime::GossipRule{}, g, x, o, 2, stopper);
  CHECK(r.run.status == Status::stopped_by_observer);
  CHECK(stopper.calls >= 1);
  CHECK(stopper.last_time < 10);
  CHECK(Spread(x).consensus < 1e-5);

  Iterates<double> bad = sine_start(8, 2);
  CHECK_THROWS_AS(runtime::threads_run(runtime::GossipRule{}, g, bad, paced(100, 16, 1), 2), DimensionMismatch);
  Iterates<double> y = sine_start(16, 2);
  runtime::RealAsyncOptions none = paced(0, 16, 1);
  CHECK_THROWS_WITH(runtime::threads_run(runtime::GossipRule{}, g, y, none, 2),
                    Catch::Contains("max_events or duration"));
  runtime::RealAsyncOptions slow = paced(100, 16, 1);
  slow.slow_worker = 4;
  CHECK_THROWS_WITH(runtime::threads_run(runtime::GossipRule{}, g, y, slow, 2), Catch::Contains("slow_worker"));
  y(3, 1) = std::nan("");
  CHECK_THROWS_WITH(runtime::threads_run(runtime::GossipRule{}, g, y, paced(100, 16, 1), 2),
                    Catch::Contains("non-finite"));
}

TEST_CASE("threads: the averaging methods keep the network average to 1e-12 under latency, drops and churn",
          "[runtime][threads][accelerated]") {
  const Graph g = torus_graph(4, 4);
  sim::EngineOptions e = edge_engine(16, 1);
  e.compute_rate = 0;
  const ContinuizedGossip continuized(g, e);
  const A2cid2<> a2cid2(g, e);
  auto check = [&](const auto& rule, const char* name) {
    Iterates<double> x = sine_start(16, 3);
    const Spread before(x);
    // 40000 exchanges at total rate 16: 2500 time units (1.25 s)
    const runtime::RealAsyncResult r = runtime::threads_run(rule, g, x, unreliable(40000, 16, 5), 2);
    const Spread after(x);
    std::int64_t exchanges = 0, dropped = 0, offline = 0, events = 0;
    for (const auto& w : r.workers) {
      exchanges += w.exchanges;
      dropped += w.dropped;
      offline += w.offline;
      events += w.events;
    }
    WARN(name << " on threads, latency exp:0.1, drop 0.1, churn 0.01:5: consensus " << before.consensus << " -> "
              << after.consensus << ", " << exchanges << " exchanges (" << dropped << " dropped), " << offline
              << " ticks offline");
    CHECK(r.run.status == Status::max_rounds);
    CHECK((after.mean - before.mean).cwiseAbs().maxCoeff() <= 1e-12);
    CHECK(after.consensus <= 1e-6 * before.consensus);
    // the simulator's counting: a dropped exchange's messages count, an offline tick sends nothing
    CHECK(r.run.counters.messages == 2 * exchanges);
    CHECK(exchanges + offline == events);
    // ~10 % dropped; offline ~2 · 5 % of the exchanges (either end): Poisson counts, wide margins
    CHECK(std::abs(static_cast<double>(dropped) / static_cast<double>(exchanges) - 0.1) <= 0.02);
    CHECK(offline >= events / 100);
  };
  check(runtime::MomentumRule(continuized, g), "continuized gossip");
  check(runtime::MomentumRule(a2cid2, g), "A²CiD² (gossip)");
  check(runtime::GossipRule{}, "pairwise gossip");
}

TEST_CASE("threads: A²CiD², DADAO and asynchronous ADMM reach the simulator's accuracy on heart_scale",
          "[runtime][threads][accelerated]") {
  const HeartScale s;
  const Index d = s.problem.dim();
  // 200000 events at total rate 16 (compute) + 16 (communication): 6250 time units, 3.1 s
  constexpr std::int64_t kEvents = 200000;
  const sim::EngineOptions e = edge_engine(16, 7);
  runtime::RealAsyncOptions o = paced(kEvents, 16, 7);
  o.clock = sim::ClockModel::edge;
  auto compare = [&](auto& alg, const auto& rule, const char* name, double factor, const runtime::RealAsyncOptions& opts) {
    Iterates<double> xs = Iterates<double>::Zero(16, d), xr = xs;
    const double gap0 = s.gap(xs);
    run(alg, xs, RunOptions{.max_rounds = opts.max_events});
    const runtime::RealAsyncResult r = runtime::threads_run(rule, s.graph, xr, opts, 2);
    const double sim_gap = s.gap(xs), real_gap = s.gap(xr);
    WARN(name << ": f(x̄) − f* from " << gap0 << " to " << sim_gap << " (simulator) and " << real_gap
              << " (threads, " << r.run.counters.time << " s)");
    CHECK(r.run.status == Status::max_rounds);
    CHECK(sim_gap <= 1e-3 * gap0);
    // DADAO reaches rounding level (|gap| ~ 1e-16) in both: compare above 1e-9 of the start
    CHECK(real_gap <= factor * std::max(sim_gap, 1e-9 * gap0));
  };
  A2cid2 a2cid2(s.problem, s.graph, e, A2cid2Options{.smoothness = s.constants.L_max});
  compare(a2cid2, runtime::A2cid2Rule(a2cid2, s.problem, s.graph), "A²CiD²", 10, o);
  Dadao dadao(s.problem, s.graph, e, DadaoOptions{.theory_comm_rate = false});
  compare(dadao, runtime::DadaoRule(dadao, s.problem), "DADAO", 10, o);
  AsyncAdmm admm(s.problem, s.graph, sim::without_compute(e));
  runtime::RealAsyncOptions oa = o;
  // gossip only, two proxes (Newton solves) per exchange: 100000 exchanges took 25 s under
  // TSan, so 20000 (1250 time units)
  oa.max_events = 20000;
  compare(admm, runtime::AdmmRule(admm, s.problem, s.graph), "asynchronous ADMM", 10, oa);
}

TEST_CASE("threads: A²CiD² on ring:16 with latency, drops and churn reaches 3.2e-4, a straggler compensated",
          "[runtime][threads][accelerated]") {
  // issue 17's acceptance run (adonis run --backend threads --algorithm a2cid2 --graph ring:16
  // --problem logistic:heart_scale:0.01 --comm-rate 16 --iterations 200000 --latency exp:0.1
  // --drop 0.1 --churn 0.01:5), paced at 5e-4 s per time unit (3.1 s), with node clocks
  const Graph ring = ring_graph(16);
  const ProblemInstance instance = make_problem("logistic:heart_scale:0.01", 16);
  const auto& problem = std::get<LogisticProblem>(instance.problem);
  const ReferenceSolution ref = reference_solution(problem);
  sim::EngineOptions e = edge_engine(16, 0);
  e.clock = sim::ClockModel::node;
  const A2cid2 alg(problem, ring, e);
  const runtime::A2cid2Rule rule(alg, problem, ring);
  for (int slow : {-1, 1}) {
    runtime::RealAsyncOptions o = unreliable(200000, 16, 0);
    o.clock = sim::ClockModel::node;
    o.slow_worker = slow;
    o.slowdown = slow < 0 ? 1 : 5;
    Iterates<double> x = Iterates<double>::Zero(16, problem.dim());
    const runtime::RealAsyncResult r = runtime::threads_run(rule, ring, x, o, 2);
    const double gap = global_value(problem, x.colwise().mean().transpose()) - ref.f;
    WARN("A²CiD² on threads, ring:16, faults" << (slow < 0 ? "" : ", worker 1 slowed 5x (compensated)")
                                              << ": f(x̄) − f* = " << gap << ", events " << r.workers[0].events << " / "
                                              << r.workers[1].events);
    CHECK(r.run.status == Status::max_rounds);
    if (slow < 0) {
      CHECK(gap <= 3.2e-4);  // the threshold, 1e-3 of f(0) − f* = 0.314 (measured 3.1e-5)
    } else {
      // the straggler's nodes step 5x longer, so the run still heads for f's minimizer, not the
      // fast nodes' (measured 2.7e-4 under TSan on one core: its nodes' fewer, larger steps are
      // noisier); asserted at 2e-3 of the start
      CHECK(gap <= 6.3e-4);
      CHECK(r.workers[0].events >= 3 * r.workers[1].events);
    }
  }
}
