// SPDX-License-Identifier: BSD-3-Clause
/// @file bench_async.cpp
/// @brief Pairwise-gossip events through the event engine against a plain hand-written loop in
///        the same binary (asynchrony issue; targets: library ≥ 0.45x the loop's speed at
///        d = 10, ≥ 0.5x at d = 1000), and a 10⁵-node instance with 10⁷ events (target: under
///        10 s, peak memory ≤ 2·n·d·8 bytes + 50 MB). Results: docs/performance.md.
///
/// - pairwise_gossip_torus32x32_d{10,1000}: 1024 events per iteration on the 32x32 torus with
///   edge clocks of equal rates. The library path draws each tick's exponential time and its
///   edge (alias method) and averages the two rows; the hand loop only draws a uniform edge
///   and averages the two rows (no clock, no counters): the strictest baseline.
/// - large_instance_torus316x316_d10: PairwiseGossip over 99 856 nodes, 10⁷ events, one run;
///   counters give the seconds, the process's peak resident memory and the limit.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "support/paired.hpp"

namespace {

using namespace adonis;

constexpr int kEventsPerIteration = 1024;

Iterates<double> random_rows(Index n, Index d, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = rng.uniform();
  return x;
}

void gossip_library(benchmark::State& state) {
  const Index d = state.range(0);
  PairwiseGossip alg(torus_graph(32, 32), sim::EngineOptions{});
  alg.init(random_rows(1024, d, 1));
  for (auto _ : state) {
    for (int k = 0; k < kEventsPerIteration; ++k) alg.step();
    benchmark::DoNotOptimize(alg.iterates().data());
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}

void gossip_hand(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  const std::vector<Edge> edges = edge_list(torus_graph(32, 32));
  const Iterates<double> x0 = random_rows(1024, static_cast<Index>(d), 1);
  std::vector<double> x(x0.data(), x0.data() + x0.size());
  SplitMix64 rng(1);
  for (auto _ : state) {
    for (int k = 0; k < kEventsPerIteration; ++k) {
      const auto& [i, j] = edges[rng.below(edges.size())];
      double* xi = x.data() + static_cast<std::size_t>(i) * d;
      double* xj = x.data() + static_cast<std::size_t>(j) * d;
      for (std::size_t c = 0; c < d; ++c) {
        const double m = 0.5 * (xi[c] + xj[c]);
        xi[c] = m;
        xj[c] = m;
      }
    }
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
}

/// Peak resident set size of this process, in bytes.
double peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

void large_instance(benchmark::State& state) {
  const Index d = 10;
  const Round events = 10'000'000;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    PairwiseGossip alg(torus_graph(316, 316), sim::EngineOptions{});
    const Index n = alg.num_nodes();
    Iterates<double> x = random_rows(n, d, 2);
    const RunResult r = alg.run(x, RunOptions{events});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    benchmark::DoNotOptimize(x.data());
    state.counters["nodes"] = static_cast<double>(n);
    state.counters["events"] = static_cast<double>(r.counters.rounds);
    state.counters["seconds"] = seconds;
    state.counters["peak_rss_MB"] = peak_rss_bytes() / 1e6;
    state.counters["limit_MB"] = (2.0 * static_cast<double>(n * d) * 8 + 50e6) / 1e6;
  }
}

}  // namespace

BENCHMARK(gossip_library)->Name("pairwise_gossip_torus32x32_d10/library")->Arg(10);
BENCHMARK(gossip_hand)->Name("pairwise_gossip_torus32x32_d10/hand")->Arg(10);
BENCHMARK(gossip_library)->Name("pairwise_gossip_torus32x32_d1000/library")->Arg(1000);
BENCHMARK(gossip_hand)->Name("pairwise_gossip_torus32x32_d1000/hand")->Arg(1000);
BENCHMARK(large_instance)->Name("large_instance_torus316x316_d10")->Iterations(1)->Repetitions(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv) { return adonis::bench::paired_main(argc, argv); }
