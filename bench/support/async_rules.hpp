// SPDX-License-Identifier: BSD-3-Clause
/// @file async_rules.hpp
/// @brief The rules of the real asynchronous backends on one instance, for the events-per-second
///        benchmarks (bench_async: threads; bench_mpi: MPI ranks; issue 17, item 6): pairwise
///        gossip against continuized gossip, A²CiD², DADAO and asynchronous ADMM, whose events
///        add the ODE's closed form, the jumps, gradients or proxes (and, under MPI, the node
///        locks).
///
/// Instance: torus:32x32 (n = 1024), node clocks, communication rate 1 per node (R = 1024),
/// computation rate 1 per node for A²CiD² and DADAO, QuadraticProblem dim d (L = 1, μ = 0.1,
/// seed 1). The clocks are unpaced (time_unit 1e-12: they never wait), so a run measures how
/// fast the workers apply events.
#pragma once

#include <string>

#include "adonis/graph/generators.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/runtime/accelerated.hpp"

namespace adonis::bench {

/// The rules' names, in the order of AsyncRules::with_rule's `kind`.
inline constexpr const char* kAsyncRuleNames[] = {"pairwise_gossip", "continuized_gossip", "a2cid2", "dadao",
                                                  "async_admm"};

/// The instance and the options of the rule benchmarks (see the file comment).
struct AsyncRules {
  explicit AsyncRules(Index d, std::int64_t events)
      : g(torus_graph(32, 32)), p(1024, QuadraticOptions{.dim = d, .L = 1, .mu = 0.1, .seed = 1}) {
    engine.clock = sim::ClockModel::node;
    engine.comm_rate = 1024;
    options.clock = sim::ClockModel::node;
    options.comm_rate = 1024;
    options.max_events = events;
    options.time_unit = 1e-12;
  }
  /// Calls f(rule, options) with the rule of `kind` (0 gossip, 1 continuized gossip, 2 A²CiD²,
  /// 3 DADAO, 4 asynchronous ADMM), built from the simulator's algorithm on the same clocks, and
  /// the run's options (DADAO's communication rate rescaled as its default: 2 χ1* χ2* = 1).
  template <class F>
  void with_rule(int kind, F&& f) const {
    switch (kind) {
      case 0:
        f(runtime::GossipRule{}, options);
        break;
      case 1: {
        const ContinuizedGossip alg(g, engine);
        f(runtime::MomentumRule(alg, g), options);
        break;
      }
      case 2: {
        const A2cid2 alg(p, g, engine);
        f(runtime::A2cid2Rule(alg, p, g), options);
        break;
      }
      case 3: {
        const Dadao alg(p, g, engine);
        runtime::RealAsyncOptions o = options;
        o.comm_rate *= alg.comm_rate_scale();
        f(runtime::DadaoRule(alg, p), o);
        break;
      }
      default: {
        const AsyncAdmm alg(p, g, sim::without_compute(engine));
        f(runtime::AdmmRule(alg, p, g), options);
        break;
      }
    }
  }
  Graph g;
  QuadraticProblem p;
  sim::EngineOptions engine;
  runtime::RealAsyncOptions options;
};

}  // namespace adonis::bench
