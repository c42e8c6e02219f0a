// SPDX-License-Identifier: BSD-3-Clause
/// @file rates_async.hpp
/// @brief The `async` table of `adonis rates`: plain asynchronous (pairwise) gossip, continuized
///        accelerated gossip, A²CiD² and DADAO on the event engine, with their scalings in χ1
///        and χ2 (theory-rates.md §2, §3b, §9c, §9d). Edge clocks, total communication rate 1:
///        Λ = L/|E|, graph-info's normalization of χ1 and χ2.
///
/// - Rings n ∈ {16, 32, 64, 128}, start on the slowest Fourier mode: the time until the mean
///   over seeds of ‖e(t)‖²/‖e_0‖² is ≤ 1e-6. Plain gossip: log-log slope in n equal to 3 ± 0.2
///   (χ1 ∝ n³, [DER]); continuized gossip: slope ≤ 2.3 ([REC]: √(χ1χ2) ∝ n²).
/// - A²CiD² (pure gossip mode) against plain gossip: the ratio of decay time constants must be
///   > 1 and non-decreasing in n on rings, and within 3× of 1 on complete graphs (χ1 = χ2);
///   its log-log slope in n is reported (expected ≈ 1, [REC]).
/// - DADAO on a quadratic (κ = 10): exchanges to (1/n)Σ‖x_i − x*‖² ≤ 1e-8·initial across
///   ring:64, torus:8x8, hypercube:6 and complete:64: slope against √(χ1χ2) ≤ 1.25 ([SRC], big-O);
///   the slope against χ1 is reported. Gradients to ε against κ on torus:4x4: slope ≤ 0.6.
#pragma once

#include <cmath>
#include <filesystem>
#include <numbers>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/theory/async_measure.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "cli/rates_scaling.hpp"

namespace adonis::cli {

/// Sizes and seeds of the async table.
struct AsyncTableSpec {
  std::vector<Index> rings{16, 32, 64, 128};
  std::vector<Index> completes{16, 32, 64};
  int gossip_seeds = 30;
  std::vector<std::string> dadao_graphs{"ring:64", "torus:8x8", "hypercube:6", "complete:64"};
  std::vector<double> kappas{10, 40, 160, 640};
  int dadao_seeds = 5;
  double dadao_eps = 1e-8;
  static AsyncTableSpec quick() {
    AsyncTableSpec s;
    s.rings = {16, 32, 64};
    s.completes = {16, 32};
    s.gossip_seeds = 12;
    s.dadao_graphs = {"ring:32", "torus:6x6", "hypercube:5", "complete:32"};
    s.kappas = {10, 40, 160};
    s.dadao_seeds = 2;
    return s;
  }
};

namespace async_table_detail {

inline sim::EngineOptions edge_clocks(std::uint64_t seed) {
  sim::EngineOptions o;
  o.seed = seed;
  return o;
}

/// x0_i = cos(2π i/n + 0.3) (d = 1): the slowest Fourier mode of a ring (and a generic
/// non-consensual start on other graphs).
inline Iterates<double> ring_mode(Index n) {
  Iterates<double> x(n, 1);
  for (Index i = 0; i < n; ++i)
    x(i, 0) = std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n) + 0.3);
  return x;
}

inline std::string sizes_text(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + detail::short_number(x);
  return "{" + s + "}";
}

}  // namespace async_table_detail

/// Builds the async table; writes `async_rings` and `async_dadao` scaling plots into out_dir
/// when it is not empty.
inline std::vector<RateRow> async_table(const AsyncTableSpec& spec, const std::filesystem::path& out_dir,
                                        nlohmann::ordered_json& provenance, std::ostream& log) {
  namespace at = async_table_detail;
  std::vector<RateRow> rows;
  provenance["clocks"] = "edge clocks, total communication rate 1 (Λ = L/|E|); compute rate 1 per node (DADAO)";
  provenance["seeds"] = {{"gossip", spec.gossip_seeds}, {"dadao", spec.dadao_seeds}};

  // ---- rings: plain vs continuized gossip, A²CiD²'s speed-up
  std::vector<double> ns, t_plain, t_cont, speedup;
  for (const Index n : spec.rings) {
    log << "rates: async ring:" << n << '\n';
    const Graph g = ring_graph(n);
    const Iterates<double> x0 = at::ring_mode(n);
    const ClockQuantities q = clock_quantities(sim::EventEngine(g, at::edge_clocks(0)));
    const double dt_plain = q.chi1 / 20, dt_fast = std::sqrt(q.chi1 * q.chi2) / 20;
    const auto plain = mean_consensus_curve([&](std::uint64_t s) { return PairwiseGossip(g, at::edge_clocks(s)); },
                                            x0, dt_plain, spec.gossip_seeds);
    const auto cont = mean_consensus_curve([&](std::uint64_t s) { return ContinuizedGossip(g, at::edge_clocks(s)); },
                                           x0, dt_fast, spec.gossip_seeds);
    const auto acid = mean_consensus_curve([&](std::uint64_t s) { return A2cid2<>(g, at::edge_clocks(s)); }, x0,
                                           dt_fast, spec.gossip_seeds);
    ns.push_back(static_cast<double>(n));
    t_plain.push_back(crossing_time(plain, dt_plain, 1e-6));
    t_cont.push_back(crossing_time(cont, dt_fast, 1e-6));
    speedup.push_back(decay_time_constant(plain, dt_plain) / decay_time_constant(acid, dt_fast));
    provenance["rings"]["ring:" + std::to_string(n)] = {{"chi1", q.chi1},
                                                        {"chi2", q.chi2},
                                                        {"time_plain", t_plain.back()},
                                                        {"time_continuized", t_cont.back()},
                                                        {"a2cid2_speedup", speedup.back()}};
  }
  const std::string ring_sizes = "ring n ∈ " + at::sizes_text(ns);
  const std::string seeds_text = "mean of " + std::to_string(spec.gossip_seeds) + " seeds";
  const PowerLawFit fp = fit_power_law(ns, t_plain), fc = fit_power_law(ns, t_cont), fr = fit_power_law(ns, speedup);
  {
    const Theorem th = theorems::plain_gossip_ring_scaling();
    RateRow row = theorem_row(th, RateRow{.table = "async", .graph = ring_sizes, .problem = "none"});
    row.quantity = "slope in n of the time to E||e(t)||² ≤ 1e-6 ||e_0||² (" + seeds_text + ")";
    row.note = describe_fit(fp);
    rows.push_back(judge_slope(row, th.value, fp.slope, 0.2));
  }
  {
    RateRow row = theorem_row(theorems::continuized_gossip_ring_scaling(),
                              RateRow{.table = "async", .graph = ring_sizes, .problem = "none"});
    row.quantity = "slope in n of the time to E||e(t)||² ≤ 1e-6 ||e_0||² (" + seeds_text + "), at most 2.3";
    row.note = describe_fit(fc) + "; plain gossip's slope " + detail::short_number(fp.slope);
    rows.push_back(judge_slope_at_most(row, 2.3, fc.slope));
  }
  const Theorem acid_th = theorems::a2cid2_speedup();
  for (std::size_t k = 0; k < ns.size(); ++k) {
    RateRow row = theorem_row(acid_th, RateRow{.table = "async", .graph = "ring:" + detail::short_number(ns[k]),
                                               .problem = "none"});
    row.quantity = "speed-up τ_plain/τ_a2cid2 of the decay time constant (" + seeds_text + "): 1 < speed-up" +
                   (k > 0 ? " and ≥ the previous ring's" : "");
    // judged as a bound: the lower limit (1, or the previous ring's speed-up) ≤ the speed-up
    const double lower = k > 0 ? std::max(1.0, speedup[k - 1]) : 1.0;
    rows.push_back(judge_bound(row, speedup[k], lower, 0.0));
  }
  {
    RateRow row = theorem_row(acid_th, RateRow{.table = "async", .graph = ring_sizes, .problem = "none"});
    row.quantity = "slope in n of A²CiD²'s speed-up (expected ≈ 1: √(χ1/χ2) ∝ n)";
    rows.push_back(report_only(row, fr.slope, "recalled statement (theory-rates §9d): the slope is reported, "
                                              "only > 1 and non-decreasing are asserted; " + describe_fit(fr), 1.0));
  }
  for (const Index n : spec.completes) {
    log << "rates: async complete:" << n << '\n';
    const Graph g = complete_graph(n);
    const Iterates<double> x0 = at::ring_mode(n);
    const ClockQuantities q = clock_quantities(sim::EventEngine(g, at::edge_clocks(0)));
    const double dt = q.chi1 / 40;
    const auto plain = mean_consensus_curve([&](std::uint64_t s) { return PairwiseGossip(g, at::edge_clocks(s)); },
                                            x0, dt, spec.gossip_seeds);
    const auto acid = mean_consensus_curve([&](std::uint64_t s) { return A2cid2<>(g, at::edge_clocks(s)); }, x0, dt,
                                           spec.gossip_seeds);
    const double r = decay_time_constant(plain, dt) / decay_time_constant(acid, dt);
    RateRow row = theorem_row(acid_th, RateRow{.table = "async", .graph = "complete:" + std::to_string(n),
                                               .problem = "none"});
    row.quantity = "max(s, 1/s) of the speed-up s = τ_plain/τ_a2cid2 (χ1 = χ2: no acceleration), at most 3";
    row.note = "speed-up " + detail::short_number(r);
    rows.push_back(judge_bound(row, 3.0, std::max(r, 1 / r), 0.0));
  }

  // ---- DADAO: exchanges vs √(χ1χ2), gradients vs κ
  std::vector<double> root, chi1s, comms;
  const std::string dadao_problem = "quadratic:dim=4,L=10,mu=1,zeta=1";
  auto dadao_cost = [&](const Graph& g, double kappa) {
    const Index n = num_nodes(g);
    const QuadraticProblem p(n, QuadraticOptions{.dim = 4, .L = kappa, .mu = 1, .zeta = 1, .seed = 11});
    CostToTarget mean;
    double chi1 = 0, chi2 = 0;
    for (int s = 0; s < spec.dadao_seeds; ++s) {
      Dadao a(p, g, at::edge_clocks(static_cast<std::uint64_t>(s)));
      const CostToTarget c =
          cost_to_target(a, Iterates<double>::Zero(n, p.dim()), p.x_star(), spec.dadao_eps, 32, 50'000'000);
      if (!c.reached) detail::fail<RuntimeError>("rates async", "DADAO did not reach the target within 5e7 events");
      mean.exchanges += c.exchanges / spec.dadao_seeds;
      mean.gradients += c.gradients / spec.dadao_seeds;
      chi1 = a.chi1() * a.comm_rate_scale();  // at unit total rate: graph-info's χ's
      chi2 = a.chi2() * a.comm_rate_scale();
    }
    return std::make_tuple(mean, chi1, chi2);
  };
  for (const auto& gs : spec.dadao_graphs) {
    log << "rates: async dadao " << gs << '\n';
    const auto [cost, chi1, chi2] = dadao_cost(make_graph(gs), 10.0);
    root.push_back(std::sqrt(chi1 * chi2));
    chi1s.push_back(chi1);
    comms.push_back(cost.exchanges);
    provenance["dadao"][gs] = {{"chi1", chi1}, {"chi2", chi2}, {"exchanges", cost.exchanges},
                               {"gradients", cost.gradients}};
  }
  const PowerLawFit froot = fit_power_law(root, comms), fchi1 = fit_power_law(chi1s, comms);
  std::string graphs;
  for (const auto& gs : spec.dadao_graphs) graphs += (graphs.empty() ? "" : ", ") + gs;
  {
    RateRow row = theorem_row(theorems::dadao_communications(),
                              RateRow{.table = "async", .graph = graphs, .problem = dadao_problem});
    row.quantity = "slope of exchanges to ε = " + detail::short_number(spec.dadao_eps) + " against √(χ1χ2), at most 1.25";
    row.note = describe_fit(froot) + "; slope against χ1 " + detail::short_number(fchi1.slope) +
               " (non-accelerated gossip: 1)";
    rows.push_back(judge_slope_at_most(row, 1.25, froot.slope));
  }
  std::vector<double> kap, grads;
  for (double kappa : spec.kappas) {
    log << "rates: async dadao torus:4x4 kappa " << kappa << '\n';
    const auto [cost, chi1, chi2] = dadao_cost(make_graph("torus:4x4"), kappa);
    kap.push_back(kappa);
    grads.push_back(cost.gradients);
  }
  const PowerLawFit fk = fit_power_law(kap, grads);
  {
    RateRow row = theorem_row(theorems::dadao_gradients(),
                              RateRow{.table = "async", .graph = "torus:4x4",
                                      .problem = "quadratic:dim=4,L=κ,mu=1,zeta=1, κ ∈ " + at::sizes_text(kap)});
    row.quantity = "slope of gradients to ε = " + detail::short_number(spec.dadao_eps) + " against κ, at most 0.6";
    row.note = describe_fit(fk);
    rows.push_back(judge_slope_at_most(row, 0.6, fk.slope));
  }

  if (!out_dir.empty()) {
    std::vector<ScalingGroup> ring_groups{
        ScalingGroup{.label = "pairwise gossip", .x = ns, .y = t_plain, .fit = fp, .predicted_slope = 3},
        ScalingGroup{.label = "continuized gossip", .x = ns, .y = t_cont, .fit = fc, .predicted_slope = 2}};
    record_plot(provenance, "rings",
                plot_scaling("asynchronous gossip on rings: time to E||e||^2 <= 1e-6 ||e_0||^2", "n",
                             "simulated time", ring_groups, out_dir / "async_rings"),
                "async_rings", log);
    std::vector<ScalingGroup> dadao_groups{
        ScalingGroup{.label = "DADAO exchanges", .x = root, .y = comms, .fit = froot, .predicted_slope = 1}};
    record_plot(provenance, "dadao",
                plot_scaling("DADAO: exchanges to epsilon vs sqrt(chi1 chi2)", "sqrt(chi1 chi2)", "exchanges",
                             dadao_groups, out_dir / "async_dadao"),
                "async_dadao", log);
  }
  return rows;
}

}  // namespace adonis::cli
