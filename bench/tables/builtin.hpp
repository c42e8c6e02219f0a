// SPDX-License-Identifier: BSD-3-Clause
/// @file builtin.hpp
/// @brief The built-in rate tables of `adonis rates`, registered in an experiment::Registry
///        (include/adonis/experiment/table.hpp). Each is a function NAME_rows(const Spec&,
///        experiment::Context&) of its parameters (a Spec with full defaults and a quick() preset)
///        and a Context, registered as it is; research code can call them, or add its own tables to
///        the same registry.
#pragma once

#include "adonis/experiment/table.hpp"
#include "tables/async.hpp"
#include "tables/async_threads.hpp"
#include "tables/compression.hpp"
#include "tables/default.hpp"
#include "tables/dgl.hpp"
#include "tables/dsgd.hpp"
#include "tables/dual_averaging.hpp"
#include "tables/gossip.hpp"
#include "tables/linear_rates.hpp"
#include "tables/optimal.hpp"
#include "tables/spectral.hpp"
#include "tables/time_varying.hpp"

namespace adonis::tables {

/// Adds the twelve built-in tables to `registry`, in the order of `adonis rates --table all`, each
/// with its full preset's seconds on the 2-core machine of docs/performance.md (2026-12-07,
/// `rates --table NAME --jobs 1`), which only orders their start under `--jobs`.
inline void register_builtin_tables(experiment::Registry& registry) {
  using experiment::make_table;
  registry.add(make_table<DefaultTableSpec>(
      "default",
      "every synchronous algorithm x {ring, torus, hypercube, Erdős–Rényi, exponential, karate} x {quadratic, "
      "logistic heart_scale}: measured rate vs theorem",
      default_rows, 32));
  registry.add(make_table<SpectralTableSpec>(
      "spectral", "graph-family spectral quantities vs closed forms (theory-rates.md §11)",
      spectral_rows, 3));
  registry.add(make_table<DualAveragingTableSpec>(
      "dual-averaging",
      "Duchi et al. 2012 (§8): slope of the iterations to ε vs 1/(1 − σ2(P)) over rings, tori and 4-regular "
      "graphs for 3 step multipliers, and bounded iterations on expanders",
      dual_averaging_rows, 18));
  registry.add(make_table<OptimalTableSpec>(
      "optimal",
      "Scaman et al. 2017 (§9a): MSDA's time to ε vs the optimal complexity √κ_l (1 + 1/√γ) across graphs and "
      "condition numbers",
      optimal_rows, 1));
  registry.add(make_table<LinearRatesTableSpec>(
      "linear-rates",
      "DGD, gradient tracking, EXTRA, ADMM: exact rates on quadratics (Jacobian), DGD's stability threshold, "
      "and the contraction on logistic heart_scale",
      linear_rates_rows, 15));
  registry.add(make_table<AsyncTableSpec>(
      "async",
      "asynchronous gossip on the event engine (§3b, §5a, §9c, §9d): plain vs continuized gossip on rings (slopes 3 "
      "and ≤ 2.3), A²CiD²'s speed-up, DADAO's exchanges vs √(χ1χ2) and gradients vs κ, AD-PSGD's O(1/√K)",
      async_rows, 4));
  registry.add(make_table<GossipTableSpec>(
      "gossip",
      "Boyd et al. 2006 (§2): pairwise gossip's λ2(W̄) bound, exact lifted second moment and measured rate, and "
      "averaging time vs n on rings, tori and complete graphs (exponents 3, 2, 1)",
      gossip_rows, 1));
  registry.add(make_table<CompressionTableSpec>(
      "compression",
      "CHOCO-Gossip (§10): the rate ρ²δ/82 at the consistent γ*, slopes in 1/δ and 1/ρ, and the printed step's "
      "erratum (exact rates on rings 17–64)",
      compression_rows, 13));
  registry.add(make_table<DsgdTableSpec>(
      "dsgd",
      "Koloskova et al. 2020 (§4c): tuned rounds to ε of D-(S)GD vs 1/p and 1/ε, deterministic cases (a), (b), "
      "and D-SGD's linear speed-up in n, case (c)",
      dsgd_rows, 25));
  registry.add(make_table<TimeVaryingTableSpec>(
      "time-varying",
      "time-varying networks (§4c, §6a, §9b, §9c): p of i.i.d. sequences vs draws and the lifted second moment, "
      "exact averaging of the one-peer exponential graph, a cut never crossed keeps the gap, DIGing vs B, ADOM+'s "
      "rounds vs χ̄ and κ beside gradient tracking, DADAO's exchanges on spanning-tree segments",
      time_varying_rows, 10));
  registry.add(make_table<DglTableSpec>(
      "dgl",
      "decoupled greedy learning against the exact greedy optimum: full-batch rates max_{i<=j} rho(I - eta_i H_i), "
      "SGD's O(1/t) per module, asynchronous replay buffers with a slow module, bits per activation",
      dgl_rows, 53));
  registry.add(make_table<AsyncThreadsTableSpec>(
      "async-threads",
      "A²CiD²'s speed-up over plain asynchronous gossip on real threads in wall-clock time (rings 16, 32), beside "
      "the simulator's (§9d; issue 17 item 4)",
      async_threads_rows, 12));
}

/// A registry holding the built-in tables.
inline experiment::Registry builtin_registry() {
  experiment::Registry registry;
  register_builtin_tables(registry);
  return registry;
}

}  // namespace adonis::tables
