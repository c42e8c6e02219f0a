// SPDX-License-Identifier: BSD-3-Clause
/// @file graph_info.hpp
/// @brief `adonis graph-info --graph SPEC [--mixing NAME] [--sequence KIND [--rounds T]
///        [--window B] [--seed S]] [--json]`.
#pragma once

#include <cmath>
#include <cstdint>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "adonis/graph/quantities.hpp"
#include "adonis/graph/sequence_quantities.hpp"
#include "adonis/graph/spec.hpp"
#include "cli/common.hpp"

namespace adonis::cli {

/// The JSON object of graph-info (keys fixed by architecture.md).
inline nlohmann::ordered_json graph_info_json(const GraphQuantities& q) {
  nlohmann::ordered_json j;
  j["nodes"] = q.nodes;
  j["edges"] = q.edges;
  j["connected"] = q.connected;
  j["diameter"] = std::isfinite(q.diameter) ? nlohmann::ordered_json(static_cast<long long>(q.diameter)) : nlohmann::ordered_json(nullptr);
  if (q.diameter_bfs > 0) {  // a large graph: iFUB, which may leave bounds only (graph/quantities.hpp)
    j["diameter_method"] = "iFUB, " + std::to_string(q.diameter_bfs) + " BFS";
    if (std::isnan(q.diameter)) {
      j["diameter_lower"] = static_cast<long long>(q.diameter_lower);
      j["diameter_upper"] = static_cast<long long>(q.diameter_upper);
    }
  }
  j["laplacian_lambda2"] = number(q.laplacian_lambda2);
  j["laplacian_lambda_max"] = number(q.laplacian_lambda_max);
  j["laplacian_condition"] = number(q.laplacian_condition);
  j["mixing"] = q.mixing;
  j["mixing_lambda2"] = number(q.mixing_lambda2);
  j["mixing_lambda_min"] = number(q.mixing_lambda_min);
  j["mixing_slem"] = number(q.mixing_slem);
  j["mixing_spectral_gap"] = number(q.mixing_spectral_gap);
  j["koloskova_p"] = number(q.koloskova_p);
  j["gossip_lambda2"] = number(q.gossip_lambda2);
  j["chi1"] = number(q.chi1);
  j["chi2"] = number(q.chi2);
  if (q.chi2_sketch_solves > 0) {  // a large graph: max_edge_resistance (graph/quantities.hpp)
    j["chi2_method"] = "Spielman-Srivastava sketch, " + std::to_string(q.chi2_sketch_solves) + " solves, then " +
                       std::to_string(q.chi2_exact_solves) + " exact solves; " +
                       (std::isnan(q.chi2) ? "bounds" : "the maximum") + " hold with probability >= " +
                       fmt(1 - q.chi2_failure_probability);
    if (std::isnan(q.chi2)) {
      j["chi2_lower"] = number(q.chi2_lower);
      j["chi2_upper"] = number(q.chi2_upper);
    }
  }
  j["chi_normalization"] = "Lambda = L/|E| (uniform edge clocks, total communication rate 1)";
  j["spectral_method"] = q.sparse_path ? "sparse (Spectra shift-invert / Lanczos)" : "dense (Eigen)";
  return j;
}

/// The keys a sequence adds to graph-info's JSON (sequence_quantities; `p` as architecture.md
/// names it).
inline void add_sequence_json(nlohmann::ordered_json& j, const SequenceQuantities& s) {
  j["sequence"] = s.sequence;
  j["rounds"] = s.rounds;
  j["window"] = s.window;
  j["p"] = number(s.p);
  j["tau"] = s.tau;
  j["p_method"] = s.p_method;
  if (s.p_method == "monte-carlo") j["p_se"] = number(s.p_se);
  j["chi_bar"] = number(s.chi_bar);
  j["chi_bar_source"] = s.chi_bar_source;
  j["chi_sup"] = number(s.chi_sup);  // null: some round is disconnected (χ_t = ∞)
  j["chi_mean"] = number(s.chi_mean);
  j["disconnected_rounds"] = s.disconnected_rounds;
  j["windows_connected"] = s.windows_connected;
}

/// Registers the subcommand on `app`.
inline void add_graph_info(CLI::App& app) {
  struct Args {
    std::string graph, mixing = "metropolis", sequence;
    Index rounds = 100, window = 1;
    std::uint64_t seed = 0;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("graph-info", "Spectral quantities of a graph and a mixing matrix");
  sub->add_option("--graph", args->graph, "graph SPEC (ring:N, torus:RxC, ..., or a .edges/.graphml/.dot file)")
      ->required();
  sub->add_option("--mixing", args->mixing, "metropolis | max-degree | laplacian | lazy-metropolis")
      ->capture_default_str();
  sub->add_option("--sequence", args->sequence,
                  "also report a graph sequence over the graph: p and tau, the bound chi_bar, chi_t over the "
                  "rounds, window connectivity (static | random-matching | random-edge | random-spanning-tree | "
                  "adversarial-tree:K | b-connected:B | markov:FAIL:RECOVER | one-peer-exponential)");
  sub->add_option("--rounds", args->rounds, "rounds of the sequence observed (with --sequence)")->capture_default_str();
  sub->add_option("--window", args->window, "B: is every window of B rounds connected (with --sequence)")
      ->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of a random sequence (with --sequence)")->capture_default_str();
  sub->add_flag("--json", args->json, "print one JSON object");
  sub->callback([args] {
    const Graph g = make_graph(args->graph);
    // progress on stderr, step by step, for graphs large enough to take seconds
    const GraphQuantities q = graph_quantities(g, args->mixing, SpectralOptions{}, &std::cerr);
    nlohmann::ordered_json j = graph_info_json(q);
    if (!args->sequence.empty())
      add_sequence_json(j, sequence_quantities(g, args->sequence, args->mixing, args->seed, args->rounds, args->window));
    if (args->json) {
      std::cout << j.dump(2) << '\n';
      return;
    }
    nlohmann::ordered_json text = j;
    if (std::isnan(q.diameter))  // bounds only: say so, not "inf" (null is a disconnected graph's)
      text["diameter"] = "between " + std::to_string(static_cast<long long>(q.diameter_lower)) + " and " +
                         std::to_string(static_cast<long long>(q.diameter_upper));
    if (std::isnan(q.chi2))  // the sketch's certificate failed (ties: tori), bounds only
      text["chi2"] = "between " + fmt(q.chi2_lower) + " and " + fmt(q.chi2_upper);
    if (!args->sequence.empty() && text["chi_sup"].is_null()) text["chi_sup"] = "inf (a round is disconnected)";
    if (!args->sequence.empty() && text["chi_bar"].is_null()) text["chi_bar"] = "none";
    print_key_values(std::cout, "graph " + args->graph, text, "inf");
  });
}

}  // namespace adonis::cli
