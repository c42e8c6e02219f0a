// SPDX-License-Identifier: BSD-3-Clause
/// Property tests of the fault models (issue 21, item 5), in the library: every asynchronous
/// algorithm on random small graphs with random latency (fixed or exponential), drops, churn
/// and both clock models, random seeds. After every run:
///  - the counters agree with the engine, as docs/asynchrony.md defines them: rounds = ticks,
///    messages = 2 × (applied + dropped exchanges), gradients = computation ticks of online
///    nodes (async-admm, which has no computation clock: 2 proxes per applied exchange), and
///    every tick is exactly one of compute / exchange / dropped / offline;
///  - no NaN or infinity in the iterates;
///  - the averaging methods (pairwise gossip, continuized gossip, A²CiD² without a problem)
///    preserve the network average to 1e-12 (relative to the spread of X_0), at any event:
///    with latency both ends of an exchange apply it at its delivery;
///  - the same seed gives the same iterates bit for bit.
/// The configurations come from a fixed seed; the test runs under ASan + UBSan too.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/async_admm.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/problem/quadratic.hpp"

using namespace adonis;

namespace {

/// A uniform integer in [lo, hi].
int fault_uniform(SplitMix64& rng, int lo, int hi) { return lo + static_cast<int>(rng.uniform() * (hi - lo + 1)); }

/// A random connected graph of 4 to 12 nodes.
Graph fault_graph(SplitMix64& rng, std::string& name) {
  const int n = fault_uniform(rng, 4, 12);
  const auto seed = static_cast<std::uint64_t>(fault_uniform(rng, 1, 1000));
  switch (fault_uniform(rng, 0, 4)) {
    case 0: name = "ring:" + std::to_string(n); return ring_graph(n);
    case 1: name = "star:" + std::to_string(n); return star_graph(n);
    case 2: name = "torus:3x4"; return torus_graph(3, 4);
    case 3: name = "complete:" + std::to_string(n); return complete_graph(n);
    default:
      name = "erdos-renyi:12:0.5:" + std::to_string(seed);
      return erdos_renyi_graph(12, 0.5, seed);
  }
}

/// Random engine options inside the stable range: latency ≤ 0.05 (none, fixed or exponential),
/// drop ≤ 0.3, churn on half the time, edge or node clocks.
sim::EngineOptions fault_options(SplitMix64& rng, std::string& text) {
  sim::EngineOptions o;
  o.seed = static_cast<std::uint64_t>(fault_uniform(rng, 0, 100000));
  o.clock = fault_uniform(rng, 0, 1) == 0 ? sim::ClockModel::edge : sim::ClockModel::node;
  const int latency = fault_uniform(rng, 0, 2);
  if (latency > 0) {
    o.latency.kind = latency == 1 ? sim::Latency::Kind::fixed : sim::Latency::Kind::exponential;
    o.latency.value = 0.01 * fault_uniform(rng, 1, 5);
  }
  o.drop = 0.1 * fault_uniform(rng, 0, 3);
  if (fault_uniform(rng, 0, 1) == 1) o.churn = {0.1, 1.0};
  std::ostringstream s;
  s << "seed " << o.seed << (o.clock == sim::ClockModel::edge ? " edge" : " node") << " clocks, latency "
    << (latency == 0 ? "none" : latency == 1 ? "fixed " : "exp ") << o.latency.value << ", drop " << o.drop
    << ", churn " << o.churn.rate;
  text = s.str();
  return o;
}

/// The counter identities of docs/asynchrony.md between the algorithm's counters and its engine;
/// `oracle_per_exchange` local computations are counted per applied exchange (async-admm: 2).
template <class A>
void check_fault_counters(const A& alg, Round events, int oracle_per_exchange) {
  const Counters& c = alg.counters();
  const sim::EngineStats& s = alg.engine().stats();
  CHECK(c.rounds == events);
  CHECK(s.ticks == events);
  CHECK(s.compute + s.exchanges + s.dropped + s.offline == s.ticks);
  CHECK(c.messages == 2 * (s.exchanges + s.dropped));
  CHECK(c.gradients == s.compute + oracle_per_exchange * s.exchanges);
  if (alg.engine().options().drop == 0) CHECK(s.dropped == 0);
  if (!alg.engine().options().churn.enabled()) CHECK(s.offline == 0);
  if (!alg.engine().delayed()) CHECK(s.delivered == 0);
}

/// Runs `events` events, checks the counters, and returns the iterates.
template <class A>
Iterates<double> fault_run(A& alg, const Iterates<double>& x0, Round events, int oracle_per_exchange) {
  alg.init(x0);
  for (Round k = 0; k < events; ++k) alg.step();
  check_fault_counters(alg, events, oracle_per_exchange);
  const Iterates<double>& x = alg.iterates();
  CHECK(x.allFinite());
  return x;
}

/// The averaging property: the column means of X equal those of X_0 to 1e-12 of X_0's spread.
void check_average_kept(const Iterates<double>& x0, const Iterates<double>& x) {
  const double spread = (x0.rowwise() - x0.colwise().mean()).cwiseAbs().maxCoeff();
  const double drift = (x.colwise().mean() - x0.colwise().mean()).cwiseAbs().maxCoeff();
  INFO("average drift " << drift << ", spread of X_0 " << spread);
  CHECK(drift <= 1e-12 * spread);
}

/// Runs `make(options)` twice: the invariants on the first run, bit-identical iterates on the second.
template <class Make>
Iterates<double> fault_twice(Make make, const sim::EngineOptions& o, const Iterates<double>& x0, Round events,
                             int oracle_per_exchange = 0) {
  auto first = make(o);
  const Iterates<double> x = fault_run(first, x0, events, oracle_per_exchange);
  auto second = make(o);
  const Iterates<double> y = fault_run(second, x0, events, oracle_per_exchange);
  CHECK((x.array() == y.array()).all());
  return x;
}

}  // namespace

TEST_CASE("property: every asynchronous algorithm under random faults keeps its counters and its average",
          "[sim][property][faults]") {
  SplitMix64 rng(21);
  int configurations = 0;
  for (int k = 0; k < 12; ++k) {
    std::string graph_name, options_text;
    const Graph g = fault_graph(rng, graph_name);
    const sim::EngineOptions o = fault_options(rng, options_text);
    const Index n = num_nodes(g);
    const Index d = fault_uniform(rng, 1, 3);
    INFO(graph_name << ", d = " << d << ", " << options_text);
    Iterates<double> x0(n, d);
    for (Index e = 0; e < x0.size(); ++e) x0.data()[e] = 2 * rng.uniform() - 1;
    const Round events = 3000;
    {
      INFO("pairwise-gossip");
      check_average_kept(x0, fault_twice([&](const auto& opt) { return PairwiseGossip(g, opt); }, o, x0, events));
    }
    {
      INFO("continuized-gossip");
      check_average_kept(x0, fault_twice([&](const auto& opt) { return ContinuizedGossip(g, opt); }, o, x0, events));
    }
    {
      INFO("a2cid2 without a problem");
      check_average_kept(x0, fault_twice([&](const auto& opt) { return A2cid2<>(g, opt); }, o, x0, events));
    }
    const QuadraticProblem p(n, QuadraticOptions{.dim = d == 1 ? 2 : d, .L = 4, .mu = 0.4, .zeta = 1,
                                                 .seed = static_cast<std::uint64_t>(k)});
    Iterates<double> z0(n, p.dim());
    for (Index e = 0; e < z0.size(); ++e) z0.data()[e] = 2 * rng.uniform() - 1;
    {
      INFO("async-sgd");
      fault_twice([&](const auto& opt) { return AsyncGossipSgd(p, g, opt); }, o, z0, events);
    }
    {
      INFO("a2cid2");
      fault_twice([&](const auto& opt) { return A2cid2(p, g, opt); }, o, z0, events);
    }
    {
      INFO("dadao");
      fault_twice([&](const auto& opt) { return Dadao(p, g, opt); }, o, z0, events);
    }
    {
      INFO("async-admm");
      fault_twice([&](const auto& opt) { return AsyncAdmm(p, g, opt); }, o, z0, events, 2);
    }
    ++configurations;
  }
  CHECK(configurations == 12);
}
