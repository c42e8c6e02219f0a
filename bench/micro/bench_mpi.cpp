// SPDX-License-Identifier: BSD-3-Clause
/// @file bench_mpi.cpp
/// @brief The synchronous halo exchange of the MPI backend against a plain MPI_Sendrecv loop,
///        in the same binary (issue 7, criterion 4; target: library within 1.5x of the loop).
///        Run under MPI: `mpirun -np 4 bench_mpi` (docs/performance.md, docs/distributed.md).
///
/// One round of X <- W X, W Metropolis on the 32x32 torus (n = 1024), X n x d, d in {10, 1000},
/// nodes in contiguous blocks of rows per rank:
/// - halo_round_dD/library: runtime::MpiSequence::mix, which checks W's pattern against the one
///   it planned for (the row lists are derived once for a static W), exchanges the rows with
///   non-blocking messages, and computes the owned rows;
/// - halo_round_dD/hand: the row lists computed once, then per round: pack, one MPI_Sendrecv per
///   neighbouring rank, and the owned rows of W X from a CSR copy of W.
/// Both sides exchange the same rows and compute the same rows; `max_abs_diff` (rank 0, after
/// the timed rounds) checks that they produce the same result.
/// The iteration counts are fixed (every rank must run the same number of exchanges) and the
/// repetitions are not interleaved at random (their order must be the same on every rank); rank
/// 0 reports, the other ranks run silently.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <mpi.h>

#include "adonis/core/rng.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/runtime/mpi.hpp"
#include "adonis/runtime/mpi_async.hpp"
#include "support/async_rules.hpp"
#include "support/paired.hpp"

namespace {

using namespace adonis;

Iterates<double> halo_iterates(Index n, Index d) {
  SplitMix64 rng(1);
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
  return x;
}

const SparseMatrix& halo_matrix() {
  static const SparseMatrix w = metropolis_weights(torus_graph(32, 32));
  return w;
}

double max_abs_diff_on_rank0(const Iterates<double>& a, const Iterates<double>& b, RowRange rows) {
  return (a.middleRows(rows.begin, rows.size()) - b.middleRows(rows.begin, rows.size())).cwiseAbs().maxCoeff();
}

// One round by the library.
void library_round(runtime::MpiSequence<StaticSequence>& seq, const Iterates<double>& x, Iterates<double>& out) {
  seq.mix(halo_matrix(), x, out);
}

// The hand-written exchange: static lists, pack, MPI_Sendrecv per peer, CSR product.
struct HandHalo {
  int rank = 0, size = 1;
  RowRange rows;
  std::vector<int> peers;
  std::vector<std::vector<Index>> send_rows, recv_rows;
  std::vector<std::vector<double>> send_buf, recv_buf;
  std::vector<const double*> where;
  std::vector<std::int64_t> start, col;
  std::vector<double> val;

  explicit HandHalo(Index d) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const SparseMatrix& w = halo_matrix();
    const Index n = w.rows();
    rows = runtime::block_rows(n, size, rank);
    std::vector<int> owner(static_cast<std::size_t>(n));
    for (int r = 0; r < size; ++r) {
      const RowRange b = runtime::block_rows(n, size, r);
      for (Index j = b.begin; j < b.end; ++j) owner[static_cast<std::size_t>(j)] = r;
    }
    auto needs = [&](RowRange block, int from) {
      std::vector<Index> out;
      for (Index i = block.begin; i < block.end; ++i)
        for (SparseMatrix::InnerIterator it(w, i); it; ++it)
          if (owner[static_cast<std::size_t>(it.index())] == from) out.push_back(it.index());
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    };
    for (int r = 0; r < size; ++r) {
      if (r == rank) continue;
      auto in = needs(rows, r), out = needs(runtime::block_rows(n, size, r), rank);
      if (in.empty() && out.empty()) continue;
      peers.push_back(r);
      recv_buf.emplace_back(in.size() * static_cast<std::size_t>(d));
      send_buf.emplace_back(out.size() * static_cast<std::size_t>(d));
      recv_rows.push_back(std::move(in));
      send_rows.push_back(std::move(out));
    }
    start.push_back(0);
    for (Index i = 0; i < n; ++i) {
      for (SparseMatrix::InnerIterator it(w, i); it; ++it) {
        col.push_back(it.index());
        val.push_back(it.value());
      }
      start.push_back(static_cast<std::int64_t>(col.size()));
    }
    where.assign(static_cast<std::size_t>(n), nullptr);
  }

  void round(const Iterates<double>& x, Iterates<double>& out) {
    const Index d = x.cols();
    for (std::size_t p = 0; p < peers.size(); ++p) {
      for (std::size_t k = 0; k < send_rows[p].size(); ++k)
        std::copy_n(x.data() + send_rows[p][k] * d, d, send_buf[p].data() + k * static_cast<std::size_t>(d));
      MPI_Sendrecv(send_buf[p].data(), static_cast<int>(send_buf[p].size()), MPI_DOUBLE, peers[p], 11,
                   recv_buf[p].data(), static_cast<int>(recv_buf[p].size()), MPI_DOUBLE, peers[p], 11, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE);
    }
    for (Index j = rows.begin; j < rows.end; ++j) where[static_cast<std::size_t>(j)] = x.data() + j * d;
    for (std::size_t p = 0; p < peers.size(); ++p)
      for (std::size_t k = 0; k < recv_rows[p].size(); ++k)
        where[static_cast<std::size_t>(recv_rows[p][k])] = recv_buf[p].data() + k * static_cast<std::size_t>(d);
    out.resize(x.rows(), d);
    for (Index i = rows.begin; i < rows.end; ++i) {
      double* o = out.data() + i * d;
      const double* src = where[static_cast<std::size_t>(col[static_cast<std::size_t>(start[i])])];
      const double a0 = val[static_cast<std::size_t>(start[i])];
      for (Index c = 0; c < d; ++c) o[c] = a0 * src[c];
      for (std::int64_t e = start[i] + 1; e < start[i + 1]; ++e) {
        const double a = val[static_cast<std::size_t>(e)];
        const double* s = where[static_cast<std::size_t>(col[static_cast<std::size_t>(e)])];
        for (Index c = 0; c < d; ++c) o[c] += a * s[c];
      }
    }
  }
};

void halo_library(benchmark::State& state) {
  const Index d = state.range(0);
  runtime::MpiSequence<StaticSequence> seq{StaticSequence(halo_matrix())};
  const Iterates<double> x = halo_iterates(halo_matrix().rows(), d);
  Iterates<double> out;
  for (auto _ : state) {
    library_round(seq, x, out);
    benchmark::DoNotOptimize(out.data());
  }
  HandHalo hand(d);
  Iterates<double> ref;
  hand.round(x, ref);
  state.counters["max_abs_diff"] = max_abs_diff_on_rank0(out, ref, seq.rows());
  state.counters["rounds_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
  state.counters["ranks"] = seq.ranks();
}

void halo_hand(benchmark::State& state) {
  const Index d = state.range(0);
  HandHalo hand(d);
  const Iterates<double> x = halo_iterates(halo_matrix().rows(), d);
  Iterates<double> out;
  for (auto _ : state) {
    hand.round(x, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["rounds_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}

BENCHMARK(halo_library)->Name("halo_round_d10/library")->Arg(10)->Iterations(2000)->UseRealTime();
BENCHMARK(halo_hand)->Name("halo_round_d10/hand")->Arg(10)->Iterations(2000)->UseRealTime();
BENCHMARK(halo_library)->Name("halo_round_d1000/library")->Arg(1000)->Iterations(200)->UseRealTime();
BENCHMARK(halo_hand)->Name("halo_round_d1000/hand")->Arg(1000)->Iterations(200)->UseRealTime();

/// Asynchronous pairwise gossip over one-sided windows (runtime/mpi_async.hpp) on the 32x32
/// torus, d = range(0), unpaced (time_unit 1e-12: the clocks never wait), 20000 ticks of the
/// whole network per iteration; reports exchanges per second per rank (each exchange: two
/// MPI_Get_accumulate, two MPI_Accumulate and their flushes). range(1) = 1 for the shared-memory
/// window (one node), 0 for MPI_Win_allocate (the path between nodes).
void async_exchanges(benchmark::State& state) {
  const Index d = state.range(0);
  const Graph g = torus_graph(32, 32);
  runtime::RealAsyncOptions o;
  o.comm_rate = 1024;
  o.max_events = 20000;
  o.time_unit = 1e-12;
  o.shared_memory_window = state.range(1) == 1;
  const Iterates<double> x0 = halo_iterates(1024, d);
  double exchanges = 0, seconds = 0, drift = 0;
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  for (auto _ : state) {
    Iterates<double> x = x0;
    const auto t0 = std::chrono::steady_clock::now();
    const runtime::RealAsyncResult r = runtime::mpi_async_run(runtime::GossipRule{}, g, x, o, MPI_COMM_WORLD);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    exchanges += static_cast<double>(r.run.counters.messages) / 2;
    drift = std::max(drift, (x.colwise().mean() - x0.colwise().mean()).cwiseAbs().maxCoeff());
    ++o.seed;
  }
  state.counters["exchanges_per_s_per_rank"] = exchanges / seconds / ranks;
  state.counters["average_drift"] = drift;  // rank 0: the network average after the run
  state.counters["ranks"] = ranks;
}
BENCHMARK(async_exchanges)->Name("async_gossip_d10/shared_window")->Args({10, 1})->Iterations(5)->UseRealTime();
BENCHMARK(async_exchanges)->Name("async_gossip_d10/allocated_window")->Args({10, 0})->Iterations(5)->UseRealTime();
BENCHMARK(async_exchanges)->Name("async_gossip_d1000/shared_window")->Args({1000, 1})->Iterations(5)->UseRealTime();
BENCHMARK(async_exchanges)->Name("async_gossip_d1000/allocated_window")->Args({1000, 0})->Iterations(5)->UseRealTime();

/// Every rule of the MPI backend (bench/support/async_rules.hpp; issue 17, item 6) on the
/// shared-memory window: events per second per rank, 100 000 unpaced events on torus:32x32,
/// d = 10. Pairwise gossip runs lock-free (element-wise atomic accumulates); the others lock
/// their nodes (a compare-and-swap per node, MPI_Get and MPI_Put of the node's rows).
void mpi_rule(benchmark::State& state) {
  const bench::AsyncRules instance(10, 100000);
  const int kind = static_cast<int>(state.range(0));
  double events = 0, seconds = 0;
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  bool finished = true;
  instance.with_rule(kind, [&](const auto& rule, runtime::RealAsyncOptions o) {
    for (auto _ : state) {
      Iterates<double> x = halo_iterates(1024, 10);
      const auto t0 = std::chrono::steady_clock::now();
      const runtime::RealAsyncResult r = runtime::mpi_async_run(rule, instance.g, x, o, MPI_COMM_WORLD);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      events += static_cast<double>(r.run.counters.rounds);
      finished = finished && r.run.status == Status::max_rounds;
      ++o.seed;
    }
  });
  state.counters["events_per_s_per_rank"] = events / seconds / ranks;
  state.counters["finished"] = finished ? 1 : 0;  // 0: a run stopped early (diverged)
  state.counters["ranks"] = ranks;
}
BENCHMARK(mpi_rule)->Name("mpi_events_d10/pairwise_gossip")->Arg(0)->Iterations(3)->UseRealTime();
BENCHMARK(mpi_rule)->Name("mpi_events_d10/continuized_gossip")->Arg(1)->Iterations(3)->UseRealTime();
BENCHMARK(mpi_rule)->Name("mpi_events_d10/a2cid2")->Arg(2)->Iterations(3)->UseRealTime();
BENCHMARK(mpi_rule)->Name("mpi_events_d10/dadao")->Arg(3)->Iterations(3)->UseRealTime();
BENCHMARK(mpi_rule)->Name("mpi_events_d10/async_admm")->Arg(4)->Iterations(3)->UseRealTime();

/// Reports nothing: the ranks other than 0 run the benchmarks in lockstep, silently.
class SilentReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

}  // namespace

int main(int argc, char** argv) {
  adonis::runtime::MpiSession session;
  // fixed repetitions, in registration order on every rank (no random interleaving)
  std::string reps = "--benchmark_repetitions=7", aggr = "--benchmark_report_aggregates_only=true";
  std::vector<char*> args{argv[0], reps.data(), aggr.data()};
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  if (session.rank() == 0) {
    adonis::bench::PairedReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    SilentReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  return 0;
}
