// SPDX-License-Identifier: BSD-3-Clause
/// @file async.hpp
/// @brief The `async` table of `adonis rates`: plain asynchronous (pairwise) gossip, continuized
///        accelerated gossip, A²CiD² and DADAO on the event engine, with their scalings in χ1
///        and χ2 (theory-rates.md §2, §3b, §9c, §9d). Edge clocks, total communication rate 1:
///        Λ = L/|E|, graph-info's normalization of χ1 and χ2.
///
/// - Rings n ∈ {16, 32, 64, 128}, start on the slowest Fourier mode: the time until the mean
///   over seeds of ‖e(t)‖²/‖e_0‖² is ≤ 1e-6. Plain gossip: log-log slope in n equal to 3 ± 0.2
///   (χ1 ∝ n³, [DER]); continuized gossip: slope ≤ 2.3 ([REC]: √(χ1χ2) ∝ n²).
/// - A²CiD² (pure gossip mode) against plain gossip: the ratio of decay time constants must be
///   > 1 and non-decreasing in n on rings; on complete graphs (χ1 = χ2, so β̃ = ½ and x̃ ≡ x)
///   A²CiD² *is* pairwise gossip: the same trajectory to 1e-12 after every event ([DER]);
///   its log-log slope in n is reported (expected ≈ 1, [REC]).
/// - DADAO on a quadratic (κ = 10): exchanges to (1/n)Σ‖x_i − x*‖² ≤ 1e-8·initial across
///   ring:64, torus:8x8, hypercube:6 and complete:64: slope against √(χ1χ2) ≤ 1.25 ([SRC], big-O);
///   the slope against χ1 is reported. Gradients to ε against κ on torus:4x4: slope ≤ 0.6.
/// - Asynchronous gossip SGD (AD-PSGD, §5a [REC]: slopes only) on an iid noisy quadratic
///   (`quadratic:dim=5,L=1,mu=0.5,zeta=0`, gradient noise σ² = 1), edge clocks at total rate n,
///   compute rate 1 per node, X_0 = 0. With K total updates and the node step η = c·n/√K (AD-PSGD's
///   γ ∝ n/√K; c such that η = 1/(8L) at the smallest K), the mean over seeds of
///   (1/K) Σ_k ||∇f(x̄_k)||² (x̄_k after the k-th update) has log-log slope −0.5 ± 0.1 in K on
///   complete:16; at K_w updates per worker on complete:n, the slope in n (expected −0.5: linear
///   speed-up) is reported and only its sign asserted.
#pragma once

#include <cmath>
#include <filesystem>
#include <numbers>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/theory/async_measure.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/scaling.hpp"

namespace adonis::tables {

/// Sizes and seeds of the async table.
struct AsyncTableSpec {
  std::vector<Index> rings{16, 32, 64, 128};
  std::vector<Index> completes{16, 32, 64};
  int gossip_seeds = 30;
  std::vector<std::string> dadao_graphs{"ring:64", "torus:8x8", "hypercube:6", "complete:64"};
  std::vector<double> kappas{10, 40, 160, 640};
  int dadao_seeds = 5;
  double dadao_eps = 1e-8;
  std::vector<double> sgd_updates{2000, 6000, 20000, 60000, 200000};  ///< K (total) of the §5a slope
  std::vector<Index> sgd_nodes{4, 8, 16, 32};                         ///< complete:n of the speed-up
  double sgd_updates_per_worker = 500;                               ///< K_w of the speed-up
  int sgd_seeds = 20;
  static AsyncTableSpec quick() {
    AsyncTableSpec s;
    s.rings = {16, 32, 64};
    s.completes = {16, 32};
    s.gossip_seeds = 12;
    s.dadao_graphs = {"ring:32", "torus:6x6", "hypercube:5", "complete:32"};
    s.kappas = {10, 40, 160};
    s.dadao_seeds = 2;
    s.sgd_updates = {2000, 6000, 20000};
    s.sgd_seeds = 6;
    return s;
  }
};

namespace async_table_detail {

/// Edge-clock engine options (the engine's default clocks, total communication rate 1) with the given seed.
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

/// "{a, b, c}": the values of a row's graph or problem column, in 6 significant digits.
inline std::string sizes_text(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + detail::short_number(x);
  return "{" + s + "}";
}

/// Accumulates ||∇f(x̄)||² = ||H(x̄ − x*)||² after every gradient update of a run on a
/// shared-Hessian quadratic, and stops it after `updates` updates.
class GradientNormAverage {
 public:
  GradientNormAverage(const QuadraticProblem& p, double updates) : m_p(&p), m_updates(updates) {}
  template <class A>
  bool on_round(const RoundView<A>& v) {
    const auto g = static_cast<double>(v.counters().gradients);
    if (g > m_seen) {
      m_seen = g;
      m_sum += (m_p->hessian_matrix() * (v.average() - m_p->x_star())).squaredNorm();
    }
    return m_seen >= m_updates;
  }
  double mean() const { return m_seen > 0 ? m_sum / m_seen : 0.0; }
  double updates() const { return m_seen; }

 private:
  const QuadraticProblem* m_p;
  double m_updates, m_seen = 0, m_sum = 0;
};

/// The mean over `seeds` seeds of (1/K) Σ_k ||∇f(x̄_k)||² for asynchronous gossip SGD with K
/// total updates and node step `step` on complete:n (edge clocks at total rate n).
inline double async_sgd_gradient_average(const QuadraticProblem& p, const Graph& g, double step, double updates,
                                         int seeds) {
  const Index n = num_nodes(g);
  double total = 0;
  for (int s = 0; s < seeds; ++s) {
    sim::EngineOptions engine = edge_clocks(static_cast<std::uint64_t>(s));
    engine.comm_rate = static_cast<double>(n);
    AsyncGossipSgd alg(p, g, engine, AsyncGossipSgdOptions{.step_size = step, .stochastic = true});
    GradientNormAverage avg(p, updates);
    Iterates<double> x = Iterates<double>::Zero(n, p.dim());
    run(alg, x, RunOptions{.max_rounds = static_cast<Round>(8 * updates)}, avg);
    if (avg.updates() < updates)
      detail::fail<RuntimeError>("rates async", "async-sgd made ", avg.updates(), " of ", updates, " updates");
    total += avg.mean() / seeds;
  }
  return total;
}

/// §5a's problem on n nodes: quadratic:dim=5,L=1,mu=0.5,zeta=0 (seed 3) with gradient noise of variance 1.
inline QuadraticProblem async_sgd_problem(Index n) {
  return QuadraticProblem(n, QuadraticOptions{.dim = 5, .L = 1, .mu = 0.5, .zeta = 0, .seed = 3},
                          StochasticOptions{.noise_variance = 1});
}

}  // namespace async_table_detail

/// The §5a measurements: (x, mean gradient average) per K (complete:16) or per n (complete:n).
struct AsyncSgdRuns {
  std::vector<double> x{}, avg{};
};

/// Runs §5a's slope in K on complete:16, η = (1/(8L))·√(K_min/K) = c·n/√K (provenance
/// `async_sgd.K`, progress on the context's log).
inline AsyncSgdRuns async_run_sgd_updates(const AsyncTableSpec& spec, experiment::Context& ctx) {
  namespace at = async_table_detail;
  const Index n = 16;
  const Graph g = complete_graph(n);
  const QuadraticProblem p = at::async_sgd_problem(n);
  AsyncSgdRuns out;
  for (double k : spec.sgd_updates) {
    const double step = std::sqrt(spec.sgd_updates.front() / k) / 8;
    out.x.push_back(k);
    out.avg.push_back(at::async_sgd_gradient_average(p, g, step, k, spec.sgd_seeds));
    ctx.progress() << "rates: async async-sgd complete:16 K = " << k << ": " << out.avg.back() << '\n';
    ctx.provenance()["async_sgd"]["K"].push_back({{"K", k}, {"step", step}, {"gradient_average", out.avg.back()}});
  }
  return out;
}

/// Runs §5a's slope in n at K_w updates per worker, η = (1/(8L))·√(n/n_max) = c·n/√(n K_w)
/// (provenance `async_sgd.n`, progress on the context's log).
inline AsyncSgdRuns async_run_sgd_nodes(const AsyncTableSpec& spec, experiment::Context& ctx) {
  namespace at = async_table_detail;
  AsyncSgdRuns out;
  const auto n_max = static_cast<double>(spec.sgd_nodes.back());
  for (const Index n : spec.sgd_nodes) {
    const QuadraticProblem p = at::async_sgd_problem(n);
    const double step = std::sqrt(static_cast<double>(n) / n_max) / 8;
    out.x.push_back(static_cast<double>(n));
    out.avg.push_back(at::async_sgd_gradient_average(p, complete_graph(n), step,
                                                     spec.sgd_updates_per_worker * static_cast<double>(n),
                                                     spec.sgd_seeds));
    ctx.progress() << "rates: async async-sgd complete:" << n << ": " << out.avg.back() << '\n';
    ctx.provenance()["async_sgd"]["n"].push_back({{"n", n}, {"step", step}, {"gradient_average", out.avg.back()}});
  }
  return out;
}

/// The problem column of the §5a rows.
inline std::string async_sgd_problem_text() {
  return "quadratic:dim=5,L=1,mu=0.5,zeta=0 + N(0, I/5) gradient noise (σ² = 1)";
}

/// Judges §5a's slope in K: −0.5 ± 0.1.
inline RateRow async_judge_sgd_updates(const AsyncTableSpec& spec, const AsyncSgdRuns& m) {
  const PowerLawFit f = fit_power_law(m.x, m.avg);
  const Theorem th = theorems::async_sgd_rate();
  RateRow row = theorem_row(th, RateRow{.table = "async", .graph = "complete:16", .problem = async_sgd_problem_text()});
  row.quantity = "slope in K of (1/K) Σ_k ||∇f(x̄_k)||² (mean of " + std::to_string(spec.sgd_seeds) +
                 " seeds), node step η = c·n/√K, K ∈ " + async_table_detail::sizes_text(m.x);
  row.note = describe_fit(f);
  return judge_slope(row, th.value, f.slope, 0.1);
}

/// Judges §5a's slope in n: its sign (≤ 0) asserted, its value reported.
inline RateRow async_judge_sgd_nodes(const AsyncTableSpec& spec, const AsyncSgdRuns& m) {
  const PowerLawFit f = fit_power_law(m.x, m.avg);
  RateRow row = theorem_row(theorems::async_sgd_speedup(),
                            RateRow{.table = "async", .graph = "complete:n, n ∈ " + async_table_detail::sizes_text(m.x),
                                    .problem = async_sgd_problem_text()});
  row.quantity = "slope in n of (1/(nK)) Σ_k ||∇f(x̄_k)||² at K = " + detail::short_number(spec.sgd_updates_per_worker) +
                 " updates per worker (mean of " + std::to_string(spec.sgd_seeds) + " seeds), negative";
  // the sign is asserted (a slope ≤ 0 as a one-sided check), the value reported
  row = judge_slope_at_most(row, 0.0, f.slope);
  detail::append_note(row, describe_fit(f) + "; expected −0.5 (linear speed-up, [REC]), only the sign is asserted");
  return row;
}

/// The §5a rows of the async table: the slope in K at a step ∝ 1/√K, and the speed-up in n.
inline std::vector<RateRow> async_sgd_rows(const AsyncTableSpec& spec, experiment::Context& ctx) {
  const AsyncSgdRuns updates = async_run_sgd_updates(spec, ctx);
  std::vector<RateRow> rows{async_judge_sgd_updates(spec, updates)};
  rows.push_back(async_judge_sgd_nodes(spec, async_run_sgd_nodes(spec, ctx)));
  return rows;
}

/// The ring measurements: per n, the times to 1e-6 of plain and continuized gossip and
/// A²CiD²'s speed-up of the decay time constant.
struct AsyncRingRuns {
  std::vector<double> ns{}, t_plain{}, t_cont{}, speedup{};
};

/// Runs plain gossip, continuized gossip and A²CiD² on the rings of `spec` from the slowest
/// Fourier mode (provenance `rings`, progress on the context's log).
inline AsyncRingRuns async_run_rings(const AsyncTableSpec& spec, experiment::Context& ctx) {
  namespace at = async_table_detail;
  AsyncRingRuns out;
  for (const Index n : spec.rings) {
    ctx.progress() << "rates: async ring:" << n << '\n';
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
    out.ns.push_back(static_cast<double>(n));
    out.t_plain.push_back(crossing_time(plain, dt_plain, 1e-6));
    out.t_cont.push_back(crossing_time(cont, dt_fast, 1e-6));
    out.speedup.push_back(decay_time_constant(plain, dt_plain) / decay_time_constant(acid, dt_fast));
    ctx.provenance()["rings"]["ring:" + std::to_string(n)] = {{"chi1", q.chi1},
                                                              {"chi2", q.chi2},
                                                              {"time_plain", out.t_plain.back()},
                                                              {"time_continuized", out.t_cont.back()},
                                                              {"a2cid2_speedup", out.speedup.back()}};
  }
  return out;
}

/// Judges the rings: plain gossip's slope 3 ± 0.2, continuized gossip's ≤ 2.3, A²CiD²'s speed-up
/// > 1 and non-decreasing in n (its slope reported).
inline std::vector<RateRow> async_judge_rings(const AsyncTableSpec& spec, const AsyncRingRuns& m) {
  const std::string ring_sizes = "ring n ∈ " + async_table_detail::sizes_text(m.ns);
  const std::string seeds_text = "mean of " + std::to_string(spec.gossip_seeds) + " seeds";
  const PowerLawFit fp = fit_power_law(m.ns, m.t_plain), fc = fit_power_law(m.ns, m.t_cont),
                    fr = fit_power_law(m.ns, m.speedup);
  const RateRow base{.table = "async", .graph = ring_sizes, .problem = "none"};
  std::vector<RateRow> rows;
  const Theorem th = theorems::plain_gossip_ring_scaling();
  RateRow row = theorem_row(th, base);
  row.quantity = "slope in n of the time to E||e(t)||² ≤ 1e-6 ||e_0||² (" + seeds_text + ")";
  row.note = describe_fit(fp);
  rows.push_back(judge_slope(row, th.value, fp.slope, 0.2));
  row = theorem_row(theorems::continuized_gossip_ring_scaling(), base);
  row.quantity = "slope in n of the time to E||e(t)||² ≤ 1e-6 ||e_0||² (" + seeds_text + "), at most 2.3";
  row.note = describe_fit(fc) + "; plain gossip's slope " + detail::short_number(fp.slope);
  rows.push_back(judge_slope_at_most(row, 2.3, fc.slope));
  const Theorem acid_th = theorems::a2cid2_speedup();
  for (std::size_t k = 0; k < m.ns.size(); ++k) {
    row = theorem_row(acid_th, RateRow{.table = "async", .graph = "ring:" + detail::short_number(m.ns[k]),
                                       .problem = "none"});
    row.quantity = "speed-up τ_plain/τ_a2cid2 of the decay time constant (" + seeds_text + "): 1 < speed-up" +
                   (k > 0 ? " and ≥ the previous ring's" : "");
    // judged as a bound: the lower limit (1, or the previous ring's speed-up) ≤ the speed-up
    const double lower = k > 0 ? std::max(1.0, m.speedup[k - 1]) : 1.0;
    rows.push_back(judge_bound(row, m.speedup[k], lower, 0.0));
  }
  row = theorem_row(acid_th, base);
  row.quantity = "slope in n of A²CiD²'s speed-up (expected ≈ 1: √(χ1/χ2) ∝ n)";
  rows.push_back(report_only(row, fr.slope, "recalled statement (theory-rates §9d): the slope is reported, "
                                            "only > 1 and non-decreasing are asserted; " + describe_fit(fr), 1.0));
  return rows;
}

/// The complete-graph identity: the largest |x_a2cid2 − x_pairwise| over the events compared.
struct AsyncIdentityRun {
  Index n = 0;
  double worst = 0;
  Round events = 0;
};

/// Runs A²CiD² and pairwise gossip on complete:n with the same event stream (seeds 1, 2, 40n
/// events each) and records their largest difference. χ1 = χ2 gives β̃ = ½, so x̃ takes the same
/// jumps as x from x̃(0) = x(0) and the ODE term η(x̃ − x) vanishes: A²CiD² is pairwise gossip on
/// the same event stream. A speed-up band around 1 could not fail; the identity can (any β̃ ≠ ½
/// breaks it at once).
inline AsyncIdentityRun async_run_identity(Index n, std::ostream& log) {
  namespace at = async_table_detail;
  log << "rates: async complete:" << n << '\n';
  const Graph g = complete_graph(n);
  AsyncIdentityRun out{.n = n};
  for (std::uint64_t seed : {1, 2}) {
    A2cid2<> acid(g, at::edge_clocks(seed));
    PairwiseGossip plain(g, at::edge_clocks(seed));
    Iterates<double> x0 = at::ring_mode(n);
    acid.init(x0);
    plain.init(x0);
    for (Round e = 0; e < 40 * n; ++e, ++out.events) {
      acid.step();
      plain.step();
      out.worst = std::max(out.worst, (acid.iterates() - plain.iterates()).cwiseAbs().maxCoeff());
    }
  }
  return out;
}

/// Judges the complete-graph identity: the difference is at most the theorem's tolerance.
inline RateRow async_judge_identity(const AsyncIdentityRun& m) {
  const Theorem th = theorems::a2cid2_complete_identity();
  RateRow row = theorem_row(th, RateRow{.table = "async", .graph = "complete:" + std::to_string(m.n),
                                        .problem = "none"});
  row.quantity = "max |x_a2cid2 − x_pairwise| after every event (same event stream, " + std::to_string(m.events) +
                 " events over 2 seeds): A²CiD² is pairwise gossip when χ1 = χ2";
  return judge_bound(row, th.value, m.worst, 0.0);
}

/// DADAO's mean cost to ε over the seeds on one graph, and the graph's χ1, χ2 at unit total rate.
struct AsyncDadaoCost {
  CostToTarget cost{};
  double chi1 = 0, chi2 = 0;
};

/// Runs DADAO from 0 on the κ quadratic over `g` until (1/n)Σ‖x_i − x*‖² ≤ spec.dadao_eps·initial.
inline AsyncDadaoCost async_dadao_cost(const AsyncTableSpec& spec, const Graph& g, double kappa) {
  const Index n = num_nodes(g);
  const QuadraticProblem p(n, QuadraticOptions{.dim = 4, .L = kappa, .mu = 1, .zeta = 1, .seed = 11});
  AsyncDadaoCost out;
  for (int s = 0; s < spec.dadao_seeds; ++s) {
    Dadao a(p, g, async_table_detail::edge_clocks(static_cast<std::uint64_t>(s)));
    const CostToTarget c =
        cost_to_target(a, Iterates<double>::Zero(n, p.dim()), p.x_star(), spec.dadao_eps, 32, 50'000'000);
    if (!c.reached) detail::fail<RuntimeError>("rates async", "DADAO did not reach the target within 5e7 events");
    out.cost.exchanges += c.exchanges / spec.dadao_seeds;
    out.cost.gradients += c.gradients / spec.dadao_seeds;
    out.chi1 = a.chi1() * a.comm_rate_scale();  // at unit total rate: graph-info's χ's
    out.chi2 = a.chi2() * a.comm_rate_scale();
  }
  return out;
}

/// DADAO across graphs: √(χ1χ2), χ1 and the exchanges to ε per graph.
struct AsyncDadaoGraphRuns {
  std::vector<double> root{}, chi1s{}, comms{};
};

/// Runs DADAO (κ = 10) on spec.dadao_graphs (provenance `dadao`, progress on the context's log).
inline AsyncDadaoGraphRuns async_run_dadao_graphs(const AsyncTableSpec& spec, experiment::Context& ctx) {
  AsyncDadaoGraphRuns out;
  for (const auto& gs : spec.dadao_graphs) {
    ctx.progress() << "rates: async dadao " << gs << '\n';
    const AsyncDadaoCost c = async_dadao_cost(spec, make_graph(gs), 10.0);
    out.root.push_back(std::sqrt(c.chi1 * c.chi2));
    out.chi1s.push_back(c.chi1);
    out.comms.push_back(c.cost.exchanges);
    ctx.provenance()["dadao"][gs] = {{"chi1", c.chi1}, {"chi2", c.chi2}, {"exchanges", c.cost.exchanges},
                                     {"gradients", c.cost.gradients}};
  }
  return out;
}

/// Judges DADAO's exchanges to ε against √(χ1χ2): slope at most 1.25 (the slope in χ1 reported).
inline RateRow async_judge_dadao_graphs(const AsyncTableSpec& spec, const AsyncDadaoGraphRuns& m) {
  const PowerLawFit froot = fit_power_law(m.root, m.comms), fchi1 = fit_power_law(m.chi1s, m.comms);
  std::string graphs;
  for (const auto& gs : spec.dadao_graphs) graphs += (graphs.empty() ? "" : ", ") + gs;
  RateRow row = theorem_row(theorems::dadao_communications(),
                            RateRow{.table = "async", .graph = graphs, .problem = "quadratic:dim=4,L=10,mu=1,zeta=1"});
  row.quantity = "slope of exchanges to ε = " + detail::short_number(spec.dadao_eps) + " against √(χ1χ2), at most 1.25";
  row.note = describe_fit(froot) + "; slope against χ1 " + detail::short_number(fchi1.slope) +
             " (non-accelerated gossip: 1)";
  return judge_slope_at_most(row, 1.25, froot.slope);
}

/// Runs DADAO on torus:4x4 for every κ of `spec`: the mean gradients to ε per κ.
inline AsyncSgdRuns async_run_dadao_kappas(const AsyncTableSpec& spec, std::ostream& log) {
  AsyncSgdRuns out;
  for (double kappa : spec.kappas) {
    log << "rates: async dadao torus:4x4 kappa " << kappa << '\n';
    out.x.push_back(kappa);
    out.avg.push_back(async_dadao_cost(spec, make_graph("torus:4x4"), kappa).cost.gradients);
  }
  return out;
}

/// Judges DADAO's gradients to ε against κ on torus:4x4: slope at most 0.6.
inline RateRow async_judge_dadao_kappas(const AsyncTableSpec& spec, const AsyncSgdRuns& m) {
  const PowerLawFit fk = fit_power_law(m.x, m.avg);
  RateRow row = theorem_row(theorems::dadao_gradients(),
                            RateRow{.table = "async", .graph = "torus:4x4",
                                    .problem = "quadratic:dim=4,L=κ,mu=1,zeta=1, κ ∈ " +
                                               async_table_detail::sizes_text(m.x)});
  row.quantity = "slope of gradients to ε = " + detail::short_number(spec.dadao_eps) + " against κ, at most 0.6";
  row.note = describe_fit(fk);
  return judge_slope_at_most(row, 0.6, fk.slope);
}

/// Writes the `async_rings` and `async_dadao` scaling figures (with an output directory).
inline void async_write_figures(const AsyncRingRuns& rings, const AsyncDadaoGraphRuns& dadao,
                                experiment::Context& ctx) {
  write_scaling_figure(
      ctx, "rings", "async_rings", "asynchronous gossip on rings: time to E||e||^2 <= 1e-6 ||e_0||^2", "n",
      "simulated time",
      {ScalingGroup{.label = "pairwise gossip", .x = rings.ns, .y = rings.t_plain,
                    .fit = fit_power_law(rings.ns, rings.t_plain), .predicted_slope = 3},
       ScalingGroup{.label = "continuized gossip", .x = rings.ns, .y = rings.t_cont,
                    .fit = fit_power_law(rings.ns, rings.t_cont), .predicted_slope = 2}});
  write_scaling_figure(ctx, "dadao", "async_dadao", "DADAO: exchanges to epsilon vs sqrt(chi1 chi2)",
                       "sqrt(chi1 chi2)", "exchanges",
                       {ScalingGroup{.label = "DADAO exchanges", .x = dadao.root, .y = dadao.comms,
                                     .fit = fit_power_law(dadao.root, dadao.comms), .predicted_slope = 1}});
}

/// The async table: rings (plain vs continuized gossip, A²CiD²'s speed-up), the complete-graph
/// identity, DADAO's exchanges and gradients, AD-PSGD's slopes, each run then judged; with an
/// output directory, the `async_rings` and `async_dadao` scaling figures.
inline std::vector<RateRow> async_rows(const AsyncTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, false);
  ctx.provenance()["clocks"] = "edge clocks, total communication rate 1 (Λ = L/|E|); compute rate 1 per node (DADAO)";
  ctx.provenance()["seeds"] = {{"gossip", spec.gossip_seeds}, {"dadao", spec.dadao_seeds}};
  // ---- rings: plain vs continuized gossip, A²CiD²'s speed-up
  const AsyncRingRuns rings = async_run_rings(spec, ctx);
  std::vector<RateRow> rows = async_judge_rings(spec, rings);
  // ---- complete graphs: A²CiD² is pairwise gossip
  for (const Index n : spec.completes) rows.push_back(async_judge_identity(async_run_identity(n, ctx.progress())));
  // ---- DADAO: exchanges vs √(χ1χ2), gradients vs κ
  const AsyncDadaoGraphRuns dadao = async_run_dadao_graphs(spec, ctx);
  rows.push_back(async_judge_dadao_graphs(spec, dadao));
  rows.push_back(async_judge_dadao_kappas(spec, async_run_dadao_kappas(spec, ctx.progress())));
  // ---- AD-PSGD (§5a)
  for (RateRow& r : async_sgd_rows(spec, ctx)) rows.push_back(std::move(r));
  async_write_figures(rings, dadao, ctx);
  return rows;
}

}  // namespace adonis::tables
