// SPDX-License-Identifier: BSD-3-Clause
// Example (c): a user's own rate table, registered and run through the experiment layer from
// its own main(), without the adonis program: parameters with quick/full presets, a run that
// measures and judges rows against theorem records, files written by the library
// (NAME.csv, NAME.json) and a figure (gnuplot, when installed). Built and run by ctest
// ("example: user rate table"); exits 1 if a row is VIOLATED.
//
// The table: synchronous gossip x ← W x (Metropolis W) from the slowest mode contracts by exactly
// ρ = ||W − J|| per round on rings (theory-rates.md §1, [DER]: theorems::gossip).
#include <adonis/algorithm/gossip.hpp>     // Gossip
#include <adonis/experiment/table.hpp>     // Registry, make_table, Context, run_table, run_tables
#include <adonis/graph/mixing.hpp>         // metropolis_weights
#include <adonis/graph/quantities.hpp>     // graph_quantities
#include <adonis/graph/spec.hpp>           // make_graph (adonis::io)
#include <adonis/graph/spectral.hpp>       // slowest_mode
#include <adonis/report/plot.hpp>          // PlotSpec, write_plot
#include <adonis/report/rates.hpp>         // write_rates_terminal
#include <adonis/theory/bounds.hpp>        // theorems::gossip, theorem_row
#include <adonis/theory/measure.hpp>       // Measurements, MeasureObserver

#include <filesystem>
#include <exception>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

struct RingGossipSpec {
  std::vector<adonis::Index> sizes{8, 16, 32, 64};
  adonis::Round rounds = 400;
  static RingGossipSpec quick() { return {.sizes = {8, 16}, .rounds = 100}; }
};

std::vector<adonis::RateRow> ring_gossip_rows(const RingGossipSpec& spec, adonis::experiment::Context& ctx) {
  using namespace adonis;
  std::vector<RateRow> rows;
  PlotSpec plot{.title = "gossip on rings from the slowest mode", .xlabel = "round", .ylabel = "||X_t - 1 xbar^T||"};
  for (const Index n : spec.sizes) {
    const std::string graph = "ring:" + std::to_string(n);
    ctx.progress() << "ring-gossip: " << graph << '\n';
    const SparseMatrix w = metropolis_weights(make_graph(graph));
    Gossip alg(StaticSequence{w});
    Measurements m;
    Iterates<double> x = slowest_mode(w);
    alg.run(x, RunOptions{.max_rounds = spec.rounds}, MeasureObserver<>(m));
    const double measured = m.consensus_norm.back() / m.consensus_norm[m.consensus_norm.size() - 2];
    const Theorem th = theorems::gossip(graph_quantities(make_graph(graph)).mixing_slem);
    rows.push_back(judge_equal(theorem_row(th, RateRow{.table = "ring-gossip", .graph = graph, .problem = "none",
                                                       .quantity = "per-round contraction on the slowest mode"}),
                               th.value, measured, 1e-9));
    ctx.provenance()["graphs"][graph] = {{"nodes", n}, {"rounds", spec.rounds}};
    Series curve{.title = graph};
    for (std::size_t t = 0; t < m.consensus_norm.size(); ++t) {
      curve.x.push_back(static_cast<double>(t));
      curve.y.push_back(m.consensus_norm[t]);
    }
    plot.series.push_back(std::move(curve));
  }
  if (!ctx.out_dir().empty()) {  // the figure: ring-gossip.svg/.png (with gnuplot), .gp and .dat always
    std::filesystem::create_directories(ctx.out_dir());
    const PlotOutput fig = write_plot(plot, ctx.out_dir() / "ring-gossip");
    ctx.provenance()["figure"] = fig.images ? "ring-gossip.svg, ring-gossip.png" : "ring-gossip.gp (gnuplot not found)";
  }
  return rows;
}

int main(int argc, char** argv) try {
  namespace ex = adonis::experiment;
  ex::Registry registry;
  registry.add(ex::make_table<RingGossipSpec>("ring-gossip", "synchronous gossip on rings: exact rate ρ",
                                              ring_gossip_rows));
  const std::filesystem::path out =
      argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::temp_directory_path() / "adonis_user_table";
  ex::Context ctx(ex::Preset::quick, out);
  const ex::TableResult result = ex::run_table(registry.find("ring-gossip"), ctx);
  ex::write_table_files(result, out);  // ring-gossip.csv, ring-gossip.json
  adonis::write_rates_terminal(std::cout, result.rows, "ring-gossip (quick)", false);
  std::cout << "files in " << out << '\n';
  // several tables side by side on the cores (what `adonis rates --jobs` does): here the same
  // table twice, handed back in order, with the same rows as the run above
  const ex::RateTable& table = registry.find("ring-gossip");
  bool same = true;
  ex::run_tables({&table, &table}, ex::Preset::quick, {}, 0, [&](ex::TableOutcome&& o) {
    same = same && !o.interrupted && o.result.rows.size() == result.rows.size();
    for (std::size_t k = 0; same && k < o.result.rows.size(); ++k) same = o.result.rows[k].measured == result.rows[k].measured;
  });
  if (!same) std::cerr << "user_table: run_tables gave other rows than run_table\n";
  return adonis::any_violated(result.rows) || !same ? 1 : 0;
} catch (const std::exception& e) {  // bad input (e.g. an output path that is a file): one line
  std::cerr << "user_table: error: " << e.what() << '\n';
  return 2;
}
