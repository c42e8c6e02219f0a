// SPDX-License-Identifier: BSD-3-Clause
/// @file rates_compression.hpp
/// @brief The `compression` rate table: how CHOCO-Gossip's time to ε scales with the
///        compression quality δ and the spectral gap ρ (Koloskova, Stich & Jaggi, ICML 2019;
///        Koloskova, Lin, Stich & Jaggi, ICLR 2020; theory-rates.md §10).
///
/// Claim checked. With the theorem's consensus step γ (choco_theory_gamma), the Lyapunov error
/// e_t = ||X − 1x̄ᵀ||² + ||X − X̂||² decays at least like (1 − ρ²δ/82)^t (ICLR'20, [SRC]), so the
/// rounds to a relative accuracy ε are at most O(log(1/ε)/(ρ²δ)). The bound is an upper bound,
/// typically very loose, so only exponents are asserted (theory-rates.md §10(b), §12.4):
/// - with ρ fixed (torus:4x4), the log-log slope of T(ε) in 1/δ is ≤ 1 + 0.2;
/// - with δ fixed (top-k, k = d/4), the slope of T(ε) in 1/ρ over rings 8–24, tori, the
///   hypercube and the complete graph is ≤ 2 + 0.2.
/// - per graph of the ρ regression, the theorem's rate itself: the contraction of e_t per round,
///   a log-linear fit over the second half of the run (the first seed), ≤ 1 − ρ²δ/82 (bound).
/// - identity compression (δ = 1), exact: the asymptotic contraction of e_t, computed from the
///   spectrum of W ((1 − γ)I + γW is the iteration, §10(c) [DER]), ≤ 1 − ρ²/82.
/// T(ε) is the first round with e_t ≤ ε e_0, ε = 1e-4, from X_0 = iid N(0, I_d) rows
/// (d = 20, the seed's draw of `adonis run`), Metropolis W; means over 3 seeds. ρ = 1 − ||W − J||
/// (ICLR'20's ρ), δ = k/d for top-k.
#pragma once

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/choco.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/verdict.hpp"
#include "cli/common.hpp"
#include "cli/rates_scaling.hpp"

namespace adonis::cli {

/// Graphs, compressions and accuracy of the compression table.
struct CompressionTableSpec {
  Index dim = 20;
  std::string delta_graph = "torus:4x4";             ///< ρ fixed
  std::vector<Index> ks{1, 2, 5, 10, 20};            ///< top-k, δ = k/d
  std::vector<std::string> gap_graphs{"complete:16", "hypercube:4", "torus:5x5",
                                      "ring:8",      "ring:12",     "ring:16"};  ///< δ fixed
  Index gap_k = 5;                                   ///< top-k of the ρ regression
  /// graphs of the exact identity-compression rows (δ = 1, the theorem's γ)
  std::vector<std::string> exact_graphs{"ring:8", "ring:16", "ring:24", "ring:32", "ring:64", "torus:8x8"};
  std::vector<std::uint64_t> seeds{0, 1, 2};
  double eps = 1e-4;                                 ///< on e_t / e_0
  Round max_rounds = 3'000'000;                      ///< not reaching ε is VIOLATED
  double delta_limit = 1.2, gap_limit = 2.2;         ///< theory-rates.md §10(b)

  /// The reduced sizes of `--quick`.
  static CompressionTableSpec quick() {
    CompressionTableSpec s;
    s.ks = {1, 4, 20};
    s.gap_graphs = {"complete:16", "torus:4x4", "ring:8", "ring:12"};
    s.seeds = {0, 1};
    s.exact_graphs = {"ring:16", "ring:32"};
    return s;
  }
};

/// One CHOCO-Gossip run: rounds until e_t ≤ eps e_0 (−1: not within max_rounds).
struct CompressionRun {
  std::string graph{};
  Index k = 0;
  std::uint64_t seed = 0;
  double gap = 0, delta = 0, gamma = 0;
  Round hit = -1;
  double ratio_at_hit = 0;  ///< e_T / e_0
  LinearRateFit tail{};     ///< log-linear fit of e_t over the second half of the run
  std::string command{};
};

/// Stops a CHOCO-Gossip run once e_t ≤ eps e_0 (e_t as ChocoLyapunovObserver).
class LyapunovTarget {
 public:
  LyapunovTarget(ChocoLyapunovObserver& lyapunov, double eps) : m_lyapunov(&lyapunov), m_eps(eps) {}
  template <class A>
  bool on_round(const RoundView<A>&) {
    const auto& e = m_lyapunov->values();
    return e.size() > 1 && e.back() <= m_eps * e.front();
  }

 private:
  ChocoLyapunovObserver* m_lyapunov;
  double m_eps;
};

/// Runs CHOCO-Gossip (top-k, the theorem's γ) on `graph_spec` from `adonis run`'s X_0 of `seed`.
inline CompressionRun compression_run(const std::string& graph_spec, Index d, Index k, std::uint64_t seed, double eps,
                                      Round max_rounds) {
  const Graph g = make_graph(graph_spec);
  const Index n = num_nodes(g);
  const SparseMatrix w = metropolis_weights(g);
  const Compressor comp = parse_compressor("top-k:" + std::to_string(k), d);
  CompressionRun r{.graph = graph_spec, .k = k, .seed = seed};
  r.gap = 1 - adonis::detail::mixing_spectrum(w).slem;
  r.delta = comp.delta(d);
  r.gamma = choco_theory_gamma(w, r.delta);
  SplitMix64 rng(seed, 101, 0);  // as `adonis run` draws X_0 for the averaging algorithms
  Iterates<double> x(n, d);
  for (Index j = 0; j < x.size(); ++j) x.data()[j] = standard_normal(rng);
  ChocoGossip alg(StaticSequence{w}, ChocoGossipOptions{.gamma = r.gamma, .compressor = comp, .seed = seed});
  ChocoLyapunovObserver lyapunov;
  alg.run(x, RunOptions{.max_rounds = max_rounds}, lyapunov, LyapunovTarget(lyapunov, eps));
  const auto& e = lyapunov.values();
  r.ratio_at_hit = e.back() / e.front();
  if (r.ratio_at_hit <= eps) r.hit = static_cast<Round>(e.size()) - 1;
  std::vector<double> t(e.size());
  for (std::size_t j = 0; j < t.size(); ++j) t[j] = static_cast<double>(j);
  r.tail = fit_linear_rate(t, e, LinearFitOptions{.transient_fraction = 0.5, .relative_floor = 0});
  r.command = "adonis run --algorithm choco-gossip --graph " + graph_spec + " --compressor top-k:" +
              std::to_string(k) + " --gamma theory --dim " + std::to_string(d) + " --seed " + std::to_string(seed) +
              " --iterations " + std::to_string(static_cast<Round>(e.size()) - 1) + " --measure";
  return r;
}

/// Runs the compression table (progress on `log`); with a non-empty `out_dir` it writes the two
/// scaling figures there. Every run goes into provenance["runs"] with its command.
inline std::vector<RateRow> compression_table(const CompressionTableSpec& spec, const std::filesystem::path& out_dir,
                                              nlohmann::ordered_json& provenance, std::ostream& log) {
  using adonis::detail::short_number;
  provenance["eps"] = spec.eps;
  provenance["dim"] = spec.dim;
  provenance["compressor"] = "top-k, theorem's gamma (choco_theory_gamma)";
  // mean T over the seeds at one (graph, k); x = 1/δ or 1/ρ
  struct Point {
    double inv_delta = 0, inv_gap = 0, hits = 0, delta = 0, gap = 0;
    bool reached = true;
    std::string where{}, command{};
    LinearRateFit tail{};  ///< of the first seed
  };
  auto point = [&](const std::string& graph_spec, Index k) {
    const auto start = std::chrono::steady_clock::now();
    Point p;
    std::vector<double> hits;
    for (auto seed : spec.seeds) {
      const CompressionRun r = compression_run(graph_spec, spec.dim, k, seed, spec.eps, spec.max_rounds);
      provenance["runs"].push_back({{"graph", r.graph},    {"k", r.k},
                                    {"seed", r.seed},      {"gap", r.gap},
                                    {"delta", r.delta},    {"gamma", r.gamma},
                                    {"T", r.hit},          {"lyapunov_ratio", r.ratio_at_hit},
                                    {"command", r.command}});
      p.inv_delta = 1 / r.delta;
      p.inv_gap = 1 / r.gap;
      p.delta = r.delta;
      p.gap = r.gap;
      if (hits.empty()) {
        p.tail = r.tail;
        p.command = r.command;
      }
      if (r.hit < 0) p.reached = false;
      hits.push_back(static_cast<double>(r.hit));
    }
    p.hits = aggregate(hits).mean;
    p.where = graph_spec + " top-k:" + std::to_string(k);
    log << "rates: compression " << p.where << ": mean T = " << p.hits << " ("
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s)\n";
    return p;
  };
  const RateRow base{.table = "compression", .problem = "none (X_0 iid N(0, I_" + std::to_string(spec.dim) + "))"};
  std::vector<RateRow> rows;
  // `th` predicts the exponent (an upper bound: the slope is checked ≤ limit)
  auto slope_row = [&](const Theorem& th, RateRow row, const std::vector<Point>& points, bool by_delta, double limit,
                       ScalingGroup& group) {
    std::string missing;
    for (const auto& p : points) {
      if (!p.reached) {
        missing += (missing.empty() ? "" : ", ") + p.where;
        continue;
      }
      group.x.push_back(by_delta ? p.inv_delta : p.inv_gap);
      group.y.push_back(p.hits);
    }
    if (group.x.size() >= 3) {
      group.fit = fit_power_law(group.x, group.y);
      row = judge_slope_at_most(row, limit, group.fit.slope);
      adonis::detail::append_note(row, describe_fit(group.fit) + "; the theorem's exponent " + short_number(th.value) +
                                           " is an upper bound");
    } else {
      row = judge_slope_at_most(row, limit, std::numeric_limits<double>::quiet_NaN());
    }
    if (!missing.empty()) {
      row.verdict = Verdict::violated;
      adonis::detail::append_note(row, "did not reach ε within " + std::to_string(spec.max_rounds) + " rounds: " + missing);
    }
    rows.push_back(row);
  };

  std::vector<Point> by_delta, by_gap;
  for (Index k : spec.ks) by_delta.push_back(point(spec.delta_graph, k));
  for (const auto& graph_spec : spec.gap_graphs) by_gap.push_back(point(graph_spec, spec.gap_k));

  const Theorem delta_th = theorems::choco_gossip_rounds_delta(), gap_th = theorems::choco_gossip_rounds_gap();
  ScalingGroup delta_group{.label = spec.delta_graph, .predicted_slope = delta_th.value};
  {
    RateRow row = theorem_row(delta_th, base);
    row.graph = spec.delta_graph;
    row.quantity = "log-log slope of the rounds to e_t ≤ " + short_number(spec.eps) +
                   " e_0 vs 1/δ (top-k, δ = k/d, k = " + std::to_string(spec.ks.front()) + "–" +
                   std::to_string(spec.ks.back()) + " of d = " + std::to_string(spec.dim) + ")";
    slope_row(delta_th, row, by_delta, true, spec.delta_limit, delta_group);
  }
  ScalingGroup gap_group{.label = "top-k:" + std::to_string(spec.gap_k), .predicted_slope = gap_th.value};
  {
    RateRow row = theorem_row(gap_th, base);
    row.graph = std::to_string(spec.gap_graphs.size()) + " graphs (" + spec.gap_graphs.front() + " … " +
                spec.gap_graphs.back() + ")";
    row.quantity = "log-log slope of the rounds to e_t ≤ " + short_number(spec.eps) +
                   " e_0 vs 1/ρ, ρ = 1 − ||W − J|| (top-k:" + std::to_string(spec.gap_k) + ", δ = " +
                   short_number(static_cast<double>(spec.gap_k) / static_cast<double>(spec.dim)) + ")";
    slope_row(gap_th, row, by_gap, false, spec.gap_limit, gap_group);
  }
  // the theorem's rate itself, per graph of the ρ regression: the tail contraction of e_t
  for (const auto& p : by_gap) {
    const Theorem th = theorems::choco_gossip(p.gap, p.delta);
    RateRow row = theorem_row(th, base);
    row.graph = p.where.substr(0, p.where.find(' '));
    row.quantity = "contraction of e_t per round, fit of the second half of the run to e_t ≤ " + short_number(spec.eps) +
                   " e_0 (top-k:" + std::to_string(spec.gap_k) + "), bound 1 − ρ²δ/82";
    row.command = p.command;
    row = judge_bound(row, th.value, p.tail);
    adonis::detail::append_note(row, "decay per round: measured " + short_number(1 - p.tail.rate) + ", theorem " +
                                         short_number(1 - th.value) + " (ρ = " +
                                         short_number(p.gap) + ", δ = " + short_number(p.delta) + ")");
    rows.push_back(row);
  }
  // identity compression (δ = 1): CHOCO-Gossip is x ← ((1 − γ)I + γW)x after its first round
  // (theory-rates.md §10(c), [DER]), so e_t contracts asymptotically by exactly
  // max_k (1 − γ(1 − λ_k(W)))² over k ≥ 2, from the spectrum of W
  for (const auto& graph_spec : spec.exact_graphs) {
    const Graph g = make_graph(graph_spec);
    const SparseMatrix w = metropolis_weights(g);
    const LaplacianEnds ends = laplacian_ends(sparse_identity(num_nodes(g)) - w);
    const double gap = 1 - adonis::detail::mixing_spectrum(w).slem, gamma = choco_theory_gamma(w, 1.0);
    const double slow = std::max(std::abs(1 - gamma * ends.lambda2), std::abs(1 - gamma * ends.lambda_max));
    const Theorem th = theorems::choco_gossip(gap, 1.0);
    RateRow row = theorem_row(th, base);
    row.graph = graph_spec;
    row.quantity = "exact asymptotic contraction of e_t per round, identity compression (δ = 1, theorem's γ = " +
                   short_number(gamma) + "): max_k (1 − γ(1 − λ_k(W)))², bound 1 − ρ²δ/82";
    row = judge_bound(row, th.value, slow * slow, 0.0);
    adonis::detail::append_note(row, "decay per round: exact " + short_number(1 - slow * slow) + ", theorem " +
                                         short_number(1 - th.value) + " (ρ = " + short_number(gap) +
                                         "; the exact decay ≈ 2γρ with γ = O(ρ²) is O(ρ³))");
    rows.push_back(row);
  }
  if (!out_dir.empty()) {
    if (!delta_group.x.empty())
      record_plot(provenance, "delta",
                  plot_scaling("CHOCO-Gossip on " + spec.delta_graph + ": rounds to e_t <= eps e_0 vs 1/delta",
                               "1/delta (top-k, delta = k/d)", "rounds", {delta_group},
                               out_dir / "compression_delta"),
                  "compression_delta", log);
    if (!gap_group.x.empty())
      record_plot(provenance, "gap",
                  plot_scaling("CHOCO-Gossip, top-k:" + std::to_string(spec.gap_k) + ": rounds to e_t <= eps e_0 vs 1/rho",
                               "1/rho, rho = 1 - ||W - J||", "rounds", {gap_group}, out_dir / "compression_gap"),
                  "compression_gap", log);
  }
  return rows;
}

}  // namespace adonis::cli
