// SPDX-License-Identifier: BSD-3-Clause
// Example (g): A²CiD² on real threads with unreliable devices (docs/distributed.md) — the
// simulator's algorithm gives the rule its constants (η, β̃, α for these clocks), two worker
// threads run it on paced Poisson clocks with a latency, dropped exchanges and churn. Prints
// f(x̄) − f* before and after and each worker's events; exits 1 unless f(x̄) − f* fell by 10³.
// Built and run by ctest ("example: a2cid2 on threads"); `adonis run --backend threads
// --algorithm a2cid2 ...` is the same on the command line.
#include <adonis/graph/generators.hpp>       // ring_graph
#include <adonis/problem/reference.hpp>      // reference_solution, global_value
#include <adonis/problem/spec.hpp>           // make_problem
#include <adonis/runtime/accelerated.hpp>    // A2cid2Rule
#include <adonis/runtime/threads.hpp>        // threads_run

#include <cstdio>
#include <variant>

int main() {
  using namespace adonis;
  const Graph ring = ring_graph(16);
  const ProblemInstance instance = make_problem("logistic:heart_scale:0.01", 16);
  const auto& problem = std::get<LogisticProblem>(instance.problem);
  const double f_star = reference_solution(problem).f;
  // the clocks of the run: node i computes at rate 1 and wakes to exchange at rate 1
  sim::EngineOptions clocks;
  clocks.clock = sim::ClockModel::node;
  clocks.comm_rate = 16;
  const A2cid2 alg(problem, ring, clocks);
  const runtime::A2cid2Rule rule(alg, problem, ring);
  runtime::RealAsyncOptions o;
  o.clock = sim::ClockModel::node;
  o.comm_rate = 16;
  o.max_events = 100000;  // 3125 units of simulated time
  o.time_unit = 2e-4;     // 0.6 s of wall time
  o.latency = sim::Latency::parse("exp:0.1");
  o.drop = 0.1;
  o.churn = sim::Churn::parse("0.01:5");
  Iterates<double> x = Iterates<double>::Zero(16, problem.dim());
  const double gap0 = global_value(problem, x.colwise().mean().transpose()) - f_star;
  const runtime::RealAsyncResult r = runtime::threads_run(rule, ring, x, o, /*workers=*/2);
  const double gap = global_value(problem, x.colwise().mean().transpose()) - f_star;
  std::printf("f(x̄) − f*: %.3g -> %.3g after %.2f s; events per worker %lld, %lld (%lld dropped, %lld offline)\n",
              gap0, gap, r.run.counters.time, static_cast<long long>(r.workers[0].events),
              static_cast<long long>(r.workers[1].events),
              static_cast<long long>(r.workers[0].dropped + r.workers[1].dropped),
              static_cast<long long>(r.workers[0].offline + r.workers[1].offline));
  return r.run.status == Status::max_rounds && gap <= 1e-3 * gap0 ? 0 : 1;
}
