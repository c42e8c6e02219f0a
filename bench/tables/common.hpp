// SPDX-License-Identifier: BSD-3-Clause
/// @file common.hpp
/// @brief Helpers shared by the built-in rate tables: number formatting for notes and
///        commands, the `adonis run` command that reproduces a single-run row, the seed and
///        mixing entries of the provenance, a graph with its Metropolis weights, a measured run
///        from a random start, and the wall time of a run for the progress log.
#pragma once

#include <chrono>
#include <string>

#include "adonis/algorithm/first_order.hpp"
#include "adonis/core/types.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis::tables {

/// A double in `digits` significant digits (as `adonis run` prints its summary).
inline std::string fmt(double x, int digits = 10) { return format_number(x, digits); }

/// The `adonis run` command that reproduces a single-run row (with --measure it prints the
/// numbers the row is made of).
inline std::string run_command(const std::string& algorithm, const std::string& graph, const std::string& problem,
                               Round rounds, const std::string& extra = {}) {
  return "adonis run --algorithm " + algorithm + " --graph " + graph + " --problem " + problem + " --iterations " +
         std::to_string(rounds) + (extra.empty() ? "" : " " + extra) + " --measure";
}

/// Writes the seed entry of the provenance and, with `mixing`, the mixing entry ("metropolis"),
/// as every built-in table has written them since 0.1 (first, before the table's own entries).
inline void record_seed(experiment::Context& ctx, bool mixing) {
  ctx.provenance()["seed"] = 0;
  if (mixing) ctx.provenance()["mixing"] = "metropolis";
}

/// A graph of a table with its Metropolis weights W and W's spectrum: what every run on it shares.
struct MetropolisGraph {
  std::string spec;
  Graph g;
  Index n;
  SparseMatrix w;
  MixingSpectrum ms;
  explicit MetropolisGraph(const std::string& graph_spec)
      : spec(graph_spec),
        g(make_graph(graph_spec)),
        n(num_nodes(g)),
        w(metropolis_weights(g)),
        ms(mixing_spectrum(w)) {}
};

/// Runs `alg` from `adonis run --start random --seed 0` (n x dim) until its steps
/// ||X_t − X_{t−1}|| fall below `stop_below` x the first (or `opt`'s budget ends).
template <class Alg>
Measurements measure_from_random_start(Alg& alg, Index n, Index dim, const RunOptions& opt, double stop_below) {
  Measurements m;
  Iterates<double> x = random_start(n, dim, 0);
  alg.run(x, opt, MeasureObserver<>(m, stop_below));
  return m;
}

/// Seconds of wall time since `start` (the progress log's timings).
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace adonis::tables
