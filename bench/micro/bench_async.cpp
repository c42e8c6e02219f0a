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
/// - soak_faults_torus32x32_d10 (issue 21, item 6): PairwiseGossip on the 32x32 torus, every
///   edge's clock at rate 1, latency exp:0.5, drop 0.1, churn 0.1:1, for 10⁷ events (the
///   argument) in 10 chunks. After each chunk it measures the drift of the network average
///   (max over coordinates of |mean(X_t) − mean(X_0)|), the exchanges in flight (largest seen
///   after any event) and the resident memory (/proc/self/statm); progress on stderr, one line
///   per chunk. Counters: the largest drift, the largest in-flight count, the resident memory
///   after the first and the last chunk, and their difference. Run it alone:
///   `bench_async --benchmark_filter=soak`. Results: docs/reliability.md.
/// - threads_events_d10/RULE (issue 17, item 6): the threads backend's events per second per
///   worker for pairwise gossip, continuized gossip, A²CiD², DADAO and asynchronous ADMM
///   (bench/support/async_rules.hpp). Results: docs/performance.md.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/runtime/threads.hpp"
#include "support/async_rules.hpp"
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

/// Resident set size of this process now, in bytes (second field of /proc/self/statm), or 0.
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

void soak_faults(benchmark::State& state) {
  const Index d = 10;
  const Round events = state.range(0), chunks = 10;
  const Graph g = torus_graph(32, 32);
  sim::EngineOptions o;
  o.comm_rate = static_cast<double>(num_edges(g));  // every edge's clock at rate 1
  o.latency = sim::Latency::parse("exp:0.5");
  o.drop = 0.1;
  o.churn = sim::Churn::parse("0.1:1");
  o.seed = 21;
  for (auto _ : state) {
    PairwiseGossip alg(g, o);
    const Iterates<double> x0 = random_rows(alg.num_nodes(), d, 3);
    const Vector<double> mean0 = x0.colwise().mean().transpose();
    alg.init(x0);
    double drift = 0, rss_first = 0, rss_last = 0;
    std::size_t in_flight = 0;
    for (Round c = 0; c < chunks; ++c) {
      for (Round k = 0; k < events / chunks; ++k) {
        alg.step();
        in_flight = std::max(in_flight, alg.engine().in_flight());
      }
      const double chunk_drift = (alg.iterates().colwise().mean().transpose() - mean0).cwiseAbs().maxCoeff();
      drift = std::max(drift, chunk_drift);
      rss_last = resident_bytes();
      if (c == 0) rss_first = rss_last;
      std::fprintf(stderr, "soak: %lld/%lld events, time %.0f, in flight now %zu (max %zu), drift %.2e, resident %.1f MB\n",
                   static_cast<long long>((c + 1) * (events / chunks)), static_cast<long long>(events),
                   alg.engine().now(), alg.engine().in_flight(), in_flight, chunk_drift, rss_last / 1e6);
    }
    const sim::EngineStats& s = alg.engine().stats();
    state.counters["events"] = static_cast<double>(alg.counters().rounds);
    state.counters["dropped"] = static_cast<double>(s.dropped);
    state.counters["offline"] = static_cast<double>(s.offline);
    state.counters["max_drift"] = drift;
    state.counters["max_in_flight"] = static_cast<double>(in_flight);
    state.counters["rss_first_MB"] = rss_first / 1e6;
    state.counters["rss_last_MB"] = rss_last / 1e6;
    state.counters["rss_growth_MB"] = (rss_last - rss_first) / 1e6;
  }
}

}  // namespace

/// The threads backend's events per second per worker for each rule (bench/support/async_rules.hpp;
/// issue 17, item 6): 2 workers, 200 000 unpaced events on torus:32x32, d = 10. The ratio of a
/// rule's rate to pairwise gossip's is the cost of its event (ODE closed form, jumps, gradient
/// or prox) over a plain pairwise average, both under the same per-node locks.
void threads_rule(benchmark::State& state) {
  const bench::AsyncRules instance(10, 200000);
  const int kind = static_cast<int>(state.range(0));
  double events = 0, seconds = 0;
  bool finished = true;
  instance.with_rule(kind, [&](const auto& rule, const runtime::RealAsyncOptions& o) {
    for (auto _ : state) {
      Iterates<double> x = Iterates<double>::Zero(1024, 10);
      for (Index k = 0; k < x.size(); ++k) x.data()[k] = std::sin(0.37 * static_cast<double>(k));
      const auto t0 = std::chrono::steady_clock::now();
      const runtime::RealAsyncResult r = runtime::threads_run(rule, instance.g, x, o, 2);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      events += static_cast<double>(r.run.counters.rounds);
      finished = finished && r.run.status == Status::max_rounds;
    }
  });
  state.counters["events_per_s_per_worker"] = events / seconds / 2;
  state.counters["finished"] = finished ? 1 : 0;  // 0: a run stopped early (diverged)
}
BENCHMARK(threads_rule)->Name("threads_events_d10/pairwise_gossip")->Arg(0)->Iterations(3)->UseRealTime();
BENCHMARK(threads_rule)->Name("threads_events_d10/continuized_gossip")->Arg(1)->Iterations(3)->UseRealTime();
BENCHMARK(threads_rule)->Name("threads_events_d10/a2cid2")->Arg(2)->Iterations(3)->UseRealTime();
BENCHMARK(threads_rule)->Name("threads_events_d10/dadao")->Arg(3)->Iterations(3)->UseRealTime();
BENCHMARK(threads_rule)->Name("threads_events_d10/async_admm")->Arg(4)->Iterations(3)->UseRealTime();

BENCHMARK(gossip_library)->Name("pairwise_gossip_torus32x32_d10/library")->Arg(10);
BENCHMARK(gossip_hand)->Name("pairwise_gossip_torus32x32_d10/hand")->Arg(10);
BENCHMARK(gossip_library)->Name("pairwise_gossip_torus32x32_d1000/library")->Arg(1000);
BENCHMARK(gossip_hand)->Name("pairwise_gossip_torus32x32_d1000/hand")->Arg(1000);
BENCHMARK(large_instance)->Name("large_instance_torus316x316_d10")->Iterations(1)->Repetitions(1)->Unit(benchmark::kSecond);
BENCHMARK(soak_faults)->Name("soak_faults_torus32x32_d10")->Arg(10'000'000)->Iterations(1)->Repetitions(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv) { return adonis::bench::paired_main(argc, argv); }
