// SPDX-License-Identifier: BSD-3-Clause
/// @file bench_sync.cpp
/// @brief One synchronous round of the library's kernels against a plain hand-written loop
///        doing the same arithmetic, in the same binary (issue 4, criterion 9; target: library
///        within 1.25x of the loop). Results and how to reproduce them: docs/performance.md.
///
/// - gossip_round_torus32x32_d1000: X <- W X, W Metropolis on the 32x32 torus, X 1024 x 1000.
/// - dsgd_round_torus8x8_logistic: one D-SGD round X <- W X − α G on 64 nodes (8x8 torus),
///   logistic regression with 200 samples x 50 features per node, minibatch 16 drawn from
///   SplitMix64(seed, node, round) as the library does. The hand loop reproduces the library's
///   iterates; the counter `max_abs_diff` (after the timed rounds of a fresh pair of runs)
///   shows that both do the same work.
/// - gossip_round_torus32x32_d1000_2threads/threads, /one_thread, /floor (issue 20, item 3):
///   the gossip round with the round pool on 2 threads and on 1 (ratio one_thread/threads: the
///   speed-up, target >= 1.6), and two streaming floors of the same traffic (read 8 MB, write
///   8 MB on the same 2 threads in the same row blocks): /floor copies within the caches (the
///   16 MB L3 holds both matrices), /dram_floor streams from and to main memory (16 MB at the
///   streaming bandwidth, the floor of issue 20's text); ratios threads/floor and
///   threads/dram_floor (target <= 2).
/// - dgd200_torus32x32_ls4096x50/traced against /bare (issue 20, item 2: the trace costs at
///   most 10% of the run with `adonis run`'s defaults): a whole 200-round DGD run on the 32x32
///   torus (n = 1024), least squares on 4096 synthetic samples x 50 features (4 per node), with
///   the default TraceRecorder (log-spaced rows, no worst node: what `adonis run` records) and
///   with no observer. The line "ratio … traced/bare" is 1 + the trace's overhead. The pair
///   …_every_round records every round.
#include <algorithm>
#include <cmath>
#include <vector>

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/problem/glm.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/report/trace.hpp"
#include "support/paired.hpp"

namespace {

using namespace adonis;

/// W in compressed sparse rows, as a hand-written code would keep it.
struct Csr {
  std::vector<std::int64_t> start;
  std::vector<std::int64_t> col;
  std::vector<double> val;
  explicit Csr(const SparseMatrix& w) {
    start.push_back(0);
    for (Index i = 0; i < w.outerSize(); ++i) {
      for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
        col.push_back(it.index());
        val.push_back(it.value());
      }
      start.push_back(static_cast<std::int64_t>(col.size()));
    }
  }
};

Iterates<double> random_iterates(Index n, Index d, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
  return x;
}

// ---------------------------------------------------------------- gossip round, 32x32 torus

constexpr Index kGossipDim = 1000;

/// The library's gossip round with the round pool at `Threads` threads (core/parallel.hpp).
template <int Threads>
void gossip_threads(benchmark::State& state) {
  const int previous = set_round_threads(Threads);
  const SparseMatrix w = metropolis_weights(torus_graph(32, 32));
  Gossip alg(StaticSequence{w});
  alg.init(random_iterates(w.rows(), kGossipDim, 1));
  for (auto _ : state) {
    alg.step();
    benchmark::DoNotOptimize(alg.iterates().data());
  }
  set_round_threads(previous);
  state.SetBytesProcessed(state.iterations() * w.rows() * kGossipDim * 8);
}

/// The library's round as a user gets it by default: one thread.
void gossip_library(benchmark::State& state) { gossip_threads<1>(state); }

void gossip_hand(benchmark::State& state) {
  const SparseMatrix w = metropolis_weights(torus_graph(32, 32));
  const Csr csr(w);
  const auto n = static_cast<std::size_t>(w.rows());
  const auto d = static_cast<std::size_t>(kGossipDim);
  const Iterates<double> x0 = random_iterates(w.rows(), kGossipDim, 1);
  std::vector<double> x(x0.data(), x0.data() + x0.size()), next(n * d);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      double* y = next.data() + i * d;
      for (std::size_t c = 0; c < d; ++c) y[c] = 0;
      for (auto k = csr.start[i]; k < csr.start[i + 1]; ++k) {
        const double wk = csr.val[static_cast<std::size_t>(k)];
        const double* xj = x.data() + static_cast<std::size_t>(csr.col[static_cast<std::size_t>(k)]) * d;
        for (std::size_t c = 0; c < d; ++c) y[c] += wk * xj[c];
      }
    }
    x.swap(next);
    benchmark::DoNotOptimize(x.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * d * 8));
}

// ------------------------------------------- the gossip round on 2 threads, and its floor

constexpr int kThreads = 2;

/// The streaming floor of a gossip round: its compulsory memory traffic (read X, write the new
/// X: 2 x 8 MB), as a copy split into the same row blocks on the same threads.
void gossip_floor(benchmark::State& state) {
  const int previous = set_round_threads(kThreads);
  const Index n = 1024;
  Iterates<double> x = random_iterates(n, kGossipDim, 1), y(n, kGossipDim);
  for (auto _ : state) {
    detail::for_row_blocks(RowRange{0, n}, detail::min_parallel_work, [&](RowRange b) {
      if (b.size() == 0) return;
      std::copy(x.row(b.begin).data(), x.row(b.begin).data() + b.size() * kGossipDim, y.row(b.begin).data());
    });
    x.swap(y);
    benchmark::DoNotOptimize(x.data());
  }
  set_round_threads(previous);
  state.SetBytesProcessed(state.iterations() * n * kGossipDim * 8);
}

/// The same compulsory traffic (read 8 MB, write 8 MB, 2 threads, the same row blocks) streamed
/// from and to main memory: each iteration copies the next of 16 slices of 8 MB between two
/// 128 MB pools, 16x the 16 MB L3 of the machine of docs/performance.md, so that no slice is
/// still cached when its turn comes back. This is "16 MB at the streaming bandwidth", the floor
/// of issue 20's text; gossip_floor is the stricter cache-resident copy.
void gossip_dram_floor(benchmark::State& state) {
  const int previous = set_round_threads(kThreads);
  const Index n = 1024, slices = 16;
  Iterates<double> from = random_iterates(n * slices, kGossipDim, 1), to(n * slices, kGossipDim);
  to.setZero();
  Index s = 0;
  for (auto _ : state) {
    const Index base = s * n;
    detail::for_row_blocks(RowRange{0, n}, detail::min_parallel_work, [&](RowRange b) {
      if (b.size() == 0) return;
      std::copy(from.row(base + b.begin).data(), from.row(base + b.begin).data() + b.size() * kGossipDim,
                to.row(base + b.begin).data());
    });
    benchmark::DoNotOptimize(to.data());
    s = (s + 1) % slices;
  }
  set_round_threads(previous);
  state.SetBytesProcessed(state.iterations() * n * kGossipDim * 8);
}

// ---------------------------------------------------------------- D-SGD round, 64 nodes

constexpr Index kNodes = 64, kSamples = 200, kFeatures = 50, kBatch = 16;
constexpr double kLambda = 0.01, kStep = 0.05;
constexpr std::uint64_t kSeed = 7;

/// Synthetic logistic data: Gaussian features, labels sign(<a, w> + noise); node i holds the
/// i-th block of 200 rows.
LogisticProblem make_logistic() {
  SplitMix64 rng(3);
  Dataset data;
  data.A.resize(kNodes * kSamples, kFeatures);
  data.y.resize(kNodes * kSamples);
  Vector<double> truth(kFeatures);
  for (Index k = 0; k < kFeatures; ++k) truth(k) = standard_normal(rng);
  for (Index r = 0; r < data.A.rows(); ++r) {
    for (Index k = 0; k < kFeatures; ++k) data.A(r, k) = standard_normal(rng);
    data.y(r) = data.A.row(r).dot(truth) + standard_normal(rng) > 0 ? 1.0 : -1.0;
  }
  Partition parts(static_cast<std::size_t>(kNodes));
  for (Index r = 0; r < data.A.rows(); ++r) parts[static_cast<std::size_t>(r / kSamples)].push_back(r);
  return LogisticProblem(data, parts, kLambda, StochasticOptions{.batch = kBatch});
}

SparseMatrix dsgd_mixing() { return metropolis_weights(torus_graph(8, 8)); }

/// Runs `rounds` library rounds from X_0 (used both timed and for the equality check).
struct LibraryDsgd {
  const LogisticProblem& p;
  Dgd<LogisticProblem, StaticSequence> alg;
  explicit LibraryDsgd(const LogisticProblem& problem)
      : p(problem), alg(problem, StaticSequence{dsgd_mixing()},
                        DgdOptions{.step_size = kStep, .stochastic = true, .seed = kSeed}) {
    alg.init(random_iterates(kNodes, kFeatures, 2));
  }
};

/// The plain loop: row-major data per node, the same sampling, the same update order.
struct HandDsgd {
  Csr csr;
  std::vector<std::vector<double>> a, y;  // per node: samples x features (row-major), labels
  std::vector<double> x, next, g;
  std::int64_t round = 0;
  explicit HandDsgd(const LogisticProblem& p) : csr(dsgd_mixing()) {
    for (Index i = 0; i < kNodes; ++i) {
      const RowMatrix<double>& ai = p.local_features(i);
      std::vector<double> rows(static_cast<std::size_t>(ai.size()));
      for (Index r = 0; r < ai.rows(); ++r)
        for (Index k = 0; k < ai.cols(); ++k) rows[static_cast<std::size_t>(r * kFeatures + k)] = ai(r, k);
      a.push_back(std::move(rows));
      const Vector<double>& yi = p.local_targets(i);
      y.emplace_back(yi.data(), yi.data() + yi.size());
    }
    const Iterates<double> x0 = random_iterates(kNodes, kFeatures, 2);
    x.assign(x0.data(), x0.data() + x0.size());
    next.resize(x.size());
    g.resize(x.size());
  }
  void step() {
    constexpr auto d = static_cast<std::size_t>(kFeatures);
    for (std::size_t i = 0; i < static_cast<std::size_t>(kNodes); ++i) {
      SplitMix64 rng(kSeed, i, static_cast<std::uint64_t>(round));
      const double* xi = x.data() + i * d;
      double* gi = g.data() + i * d;
      for (std::size_t c = 0; c < d; ++c) gi[c] = 0;
      for (Index b = 0; b < kBatch; ++b) {
        const auto j = static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(kSamples)));
        const double* aj = a[i].data() + j * d;
        double z = 0;
        for (std::size_t c = 0; c < d; ++c) z += aj[c] * xi[c];
        const double t = -y[i][j] * z;  // l'(z) = −y σ(−y z), σ evaluated stably
        const double sigma = t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
        const double coef = -y[i][j] * sigma;
        for (std::size_t c = 0; c < d; ++c) gi[c] += coef * aj[c];
      }
      for (std::size_t c = 0; c < d; ++c) gi[c] = gi[c] / static_cast<double>(kBatch) + kLambda * xi[c];
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(kNodes); ++i) {
      double* yi = next.data() + i * d;
      for (std::size_t c = 0; c < d; ++c) yi[c] = 0;
      for (auto k = csr.start[i]; k < csr.start[i + 1]; ++k) {
        const double wk = csr.val[static_cast<std::size_t>(k)];
        const double* xj = x.data() + static_cast<std::size_t>(csr.col[static_cast<std::size_t>(k)]) * d;
        for (std::size_t c = 0; c < d; ++c) yi[c] += wk * xj[c];
      }
      const double* gi = g.data() + i * d;
      for (std::size_t c = 0; c < d; ++c) yi[c] -= kStep * gi[c];
    }
    x.swap(next);
    ++round;
  }
};

void dsgd_library(benchmark::State& state) {
  const LogisticProblem p = make_logistic();
  LibraryDsgd lib(p);
  for (auto _ : state) {
    lib.alg.step();
    benchmark::DoNotOptimize(lib.alg.iterates().data());
  }
  // Same work check: 50 fresh rounds of each, compared entry by entry.
  LibraryDsgd check(p);
  HandDsgd hand(p);
  double diff = 0;
  for (int t = 0; t < 50; ++t) {
    check.alg.step();
    hand.step();
  }
  for (std::size_t k = 0; k < hand.x.size(); ++k) diff = std::max(diff, std::abs(check.alg.iterates().data()[k] - hand.x[k]));
  state.counters["max_abs_diff"] = diff;
}

void dsgd_hand(benchmark::State& state) {
  const LogisticProblem p = make_logistic();
  HandDsgd hand(p);
  for (auto _ : state) {
    hand.step();
    benchmark::DoNotOptimize(hand.x.data());
  }
}

// ---------------------------------------------------------------- the trace's cost in a run

constexpr Index kTraceFeatures = 50, kTraceSamplesPerNode = 4;
constexpr Round kTraceRounds = 200;

/// Synthetic least squares: Gaussian features, targets <a, truth> + noise, 4 samples per node.
LeastSquaresProblem make_least_squares(Index n) {
  SplitMix64 rng(5);
  Dataset data;
  data.A.resize(n * kTraceSamplesPerNode, kTraceFeatures);
  data.y.resize(data.A.rows());
  Vector<double> truth(kTraceFeatures);
  for (Index k = 0; k < kTraceFeatures; ++k) truth(k) = standard_normal(rng);
  for (Index r = 0; r < data.A.rows(); ++r) {
    for (Index k = 0; k < kTraceFeatures; ++k) data.A(r, k) = standard_normal(rng);
    data.y(r) = data.A.row(r).dot(truth) + 0.1 * standard_normal(rng);
  }
  Partition parts(static_cast<std::size_t>(n));
  for (Index r = 0; r < data.A.rows(); ++r) parts[static_cast<std::size_t>(r / kTraceSamplesPerNode)].push_back(r);
  return LeastSquaresProblem(data, parts, 0.0);
}

/// Traced: 0 none, 1 the defaults of `adonis run`, 2 every round (without the worst node, which
/// made the former defaults 295x the bare run: docs/performance.md).
template <int Traced>
void dgd_run(benchmark::State& state) {
  const SparseMatrix w = metropolis_weights(torus_graph(32, 32));
  const LeastSquaresProblem p = make_least_squares(w.rows());
  // x* = 0 and f* = 0 stand in for the reference solution: a row's cost does not depend on
  // them (one evaluation of f, one distance), and the benchmark needs no QR solve to build
  const Vector<double> x_star = Vector<double>::Zero(p.dim());
  std::size_t rows = 0;
  for (auto _ : state) {
    Dgd alg(p, StaticSequence{w}, DgdOptions{.step_size = 0.01});
    Iterates<double> x = Iterates<double>::Zero(w.rows(), p.dim());
    if constexpr (Traced > 0) {
      TraceRecorder trace(p, x_star, 0.0, Traced == 1 ? TraceOptions{} : TraceOptions{.every = 1});
      run(alg, x, RunOptions{.max_rounds = kTraceRounds}, trace);
      rows = trace.rows().size();
    } else {
      run(alg, x, RunOptions{.max_rounds = kTraceRounds});
    }
    benchmark::DoNotOptimize(x.data());
  }
  if constexpr (Traced > 0) state.counters["rows"] = static_cast<double>(rows);
}

const bool registered = [] {
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000/library", gossip_library)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000/hand", gossip_hand)->Unit(benchmark::kMicrosecond);
  // issue 20, item 3: speed-up of 2 threads (ratio one_thread/threads, target >= 1.6) and the
  // ratio to the streaming floor (threads/floor, target <= 2); real time, the workers included
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000_2threads/threads", gossip_threads<kThreads>)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000_2threads/one_thread", gossip_threads<1>)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000_2threads/floor", gossip_floor)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("gossip_round_torus32x32_d1000_2threads/dram_floor", gossip_dram_floor)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("dsgd_round_torus8x8_logistic200x50_b16/library", dsgd_library)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("dsgd_round_torus8x8_logistic200x50_b16/hand", dsgd_hand)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("dgd200_torus32x32_ls4096x50/traced", dgd_run<1>)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dgd200_torus32x32_ls4096x50/bare", dgd_run<0>)->Unit(benchmark::kMillisecond);
  // every round, for the record (docs/performance.md): not a target
  benchmark::RegisterBenchmark("dgd200_torus32x32_ls4096x50_every_round/traced", dgd_run<2>)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("dgd200_torus32x32_ls4096x50_every_round/bare", dgd_run<0>)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace

int main(int argc, char** argv) { return adonis::bench::paired_main(argc, argv); }
