// SPDX-License-Identifier: BSD-3-Clause
/// @file bench_spectral.cpp
/// @brief lambda2(L) through the sparse (Spectra) path on 20000-node graphs, and the dense
///        solver at n = 1024 for scale. Counters report the closed-form error on rings.
#include <cmath>
#include <numbers>

#include <benchmark/benchmark.h>

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/spectral.hpp"

namespace {

void report(benchmark::State& state, const adonis::LaplacianEnds& e, double exact) {
  state.counters["lambda2"] = e.lambda2;
  state.counters["sparse_path"] = e.sparse_path ? 1 : 0;
  if (exact > 0) state.counters["rel_error"] = std::abs(e.lambda2 - exact) / exact;
}

void BM_Lambda2_Ring(benchmark::State& state) {
  const auto n = static_cast<adonis::Index>(state.range(0));
  const adonis::SparseMatrix l = adonis::laplacian(adonis::ring_graph(n));
  adonis::LaplacianEnds e{};
  for (auto _ : state) benchmark::DoNotOptimize(e = adonis::laplacian_ends(l));
  report(state, e, adonis::ring_closed_form(n).laplacian_lambda2);
}
BENCHMARK(BM_Lambda2_Ring)->Arg(1024)->Arg(20000)->Unit(benchmark::kMillisecond);

void BM_Lambda2_Regular4(benchmark::State& state) {
  const auto n = static_cast<adonis::Index>(state.range(0));
  const adonis::SparseMatrix l = adonis::laplacian(adonis::random_regular_graph(n, 4, 1));
  adonis::LaplacianEnds e{};
  for (auto _ : state) benchmark::DoNotOptimize(e = adonis::laplacian_ends(l));
  report(state, e, 0.0);
}
BENCHMARK(BM_Lambda2_Regular4)->Arg(1024)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace
