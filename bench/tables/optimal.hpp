// SPDX-License-Identifier: BSD-3-Clause
/// @file optimal.hpp
/// @brief The `optimal` rate table: MSDA against the optimal decentralized complexity
///        (Scaman, Bach, Bubeck, Lee & Massoulié, ICML 2017; theory-rates.md §3a, §9a).
///
/// Claim checked. The abstract ([SRC]): MSDA reaches accuracy ε in time
///   O(√κ_l (1 + τ/√γ) ln(1/ε)),
/// with unit-time local computations, communications of time τ, κ_l the local condition number
/// and γ the normalized eigengap of the gossip matrix; a lower bound of the same order holds for
/// every black-box gossip procedure (its constant is [REC] and worst-case over instances, so it
/// is not asserted: theory-rates.md §9a). With τ = 1 one dual step costs 1 + K time units
/// (one ∇f_i* evaluation, K = ⌊1/√γ⌋ Chebyshev gossip rounds). Rows (theory-rates.md §12.4):
/// - pooled: log-log slope of the time to ε, (1 + K)·steps, against √κ_l (1 + 1/√γ), over every
///   graph and condition number: ≤ 1.25 (an upper bound; expected ≈ 1);
/// - per graph: slope of the dual steps (= gradient steps) against κ_l: 0.5 ± 0.1;
/// - per κ_l, across rings: slope of the communication rounds K·steps against 1/γ:
///   0.5 ± 0.1 (i.e. −0.5 in γ);
/// - report: the range of time/(√κ_l (1 + 1/√γ) ln(1/ε)), the lower bound's unknown constant.
///
/// Setup. Metropolis W, M = I − W (γ = λ2⁺(M)/λmax(M)); problem
/// `quadratic:dim=5,L=KAPPA,mu=1,zeta=1` (one Hessian shared by the nodes, so κ_l = κ_g = KAPPA);
/// the dual starts at 0 (Θ_0 = the local minimizers). The steps to ε are the first dual step t
/// with ||Θ_t − 1x*ᵀ||_F ≤ ε ||Θ_0 − 1x*ᵀ||_F, ε = 1e-8 (`adonis run --algorithm msda ...
/// --measure` prints this ratio as distance_ratio).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/msda.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/scaling.hpp"

namespace adonis::tables {

/// Graphs, condition numbers and accuracy of the optimal table.
struct OptimalTableSpec {
  std::vector<std::string> graphs{"complete:16", "hypercube:4", "torus:4x4", "torus:8x8",
                                  "ring:16",     "ring:32",     "ring:64",   "ring:128"};
  std::vector<double> kappas{10, 100, 1000, 10000};  ///< κ_l = L/μ with μ = 1
  double eps = 1e-8;                                 ///< relative distance to the optimum
  Round max_steps = 20000;                           ///< dual steps (≥ 10x the need); not reaching ε is VIOLATED
  double pooled_limit = 1.25;                        ///< theory-rates.md §9a / issue 6: ≤ 1.25
  double slope_tol = 0.1;                            ///< theory-rates.md §9a: ±0.1

  /// The reduced sizes of `--quick`.
  static OptimalTableSpec quick() {
    OptimalTableSpec s;
    s.graphs = {"complete:16", "torus:4x4", "ring:16", "ring:32", "ring:64"};
    s.kappas = {10, 100, 1000};
    return s;
  }
};

/// The problem SPEC of a condition number κ: quadratic:dim=5,L=κ,mu=1,zeta=1.
inline std::string optimal_problem_spec(double kappa) {
  return "quadratic:dim=5,L=" + fmt(kappa, 17) + ",mu=1,zeta=1";
}

/// Observer: r_t = ||X_t − 1x*ᵀ||_F / ||X_0 − 1x*ᵀ||_F after every round; stops once r_t ≤ stop.
class RelativeDistanceObserver {
 public:
  RelativeDistanceObserver(std::vector<double>& out, Vector<double> target, double stop)
      : m_out(&out), m_target(std::move(target)), m_stop(stop) {}
  template <class A>
  void on_start(const RoundView<A>& v) {
    m_initial = distance(v.iterates());
    *m_out = {1.0};
  }
  template <class A>
  bool on_round(const RoundView<A>& v) {
    m_out->push_back(distance(v.iterates()) / m_initial);
    return m_out->back() <= m_stop;
  }

 private:
  double distance(const Iterates<double>& x) const { return (x.rowwise() - m_target.transpose()).norm(); }
  std::vector<double>* m_out;
  Vector<double> m_target;
  double m_stop, m_initial = 1;
};

/// One MSDA run of the table.
struct OptimalRun {
  std::string graph{}, problem{};
  double kappa = 0, gamma = 0;
  Index k = 0;           ///< Chebyshev rounds per dual step
  Round steps = -1;      ///< first dual step with relative distance ≤ ε (−1: not reached)
  double ratio_at_hit = 0;  ///< relative distance at the end of the run (the hit, when reached)
  double best_ratio = 1;  ///< the smallest relative distance of the run
  Round best_step = 0;    ///< where it was reached
  double dual_sum = 0;    ///< ||Σ_i x_i|| at the end: 0 in exact arithmetic (the duals stay in 1⊥)
  std::string command{};
  /// time with τ = 1: (1 + K) per dual step
  double time() const { return static_cast<double>(steps) * static_cast<double>(1 + k); }
  /// communication rounds K·steps
  double rounds() const { return static_cast<double>(steps) * static_cast<double>(k); }
  /// √κ_l (1 + 1/√γ)
  double complexity() const { return std::sqrt(kappa) * (1 + 1 / std::sqrt(gamma)); }
};

/// Runs MSDA on `graph_spec` (Metropolis W) and the κ quadratic until the relative distance
/// to 1x*ᵀ is ≤ eps.
inline OptimalRun optimal_run(const std::string& graph_spec, double kappa, double eps, Round max_steps) {
  const Graph g = make_graph(graph_spec);
  const Index n = num_nodes(g);
  OptimalRun r{.graph = graph_spec, .problem = optimal_problem_spec(kappa), .kappa = kappa};
  const ProblemInstance inst = make_problem(r.problem, n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const ReferenceSolution ref = reference_solution(p);
  Msda alg(p, StaticSequence{metropolis_weights(g)});
  r.gamma = alg.gamma();
  r.k = alg.chebyshev_steps();
  std::vector<double> ratio;
  Iterates<double> x = Iterates<double>::Zero(n, p.dim());
  alg.run(x, RunOptions{.max_rounds = max_steps}, RelativeDistanceObserver(ratio, ref.x, eps));
  r.dual_sum = alg.duals().colwise().sum().norm();
  for (std::size_t t = 0; t < ratio.size(); ++t)
    if (ratio[t] < r.best_ratio) {
      r.best_ratio = ratio[t];
      r.best_step = static_cast<Round>(t);
    }
  r.ratio_at_hit = ratio.back();
  if (ratio.back() <= eps) r.steps = static_cast<Round>(ratio.size()) - 1;
  // the run as measured: to the hit, or to the end of the budget
  r.command = "adonis run --algorithm msda --graph " + graph_spec + " --problem " + r.problem + " --iterations " +
              std::to_string((static_cast<Round>(ratio.size()) - 1) * r.k) + " --measure";
  return r;
}

/// Runs MSDA on every graph and condition number of `spec` (progress on the context's log); every
/// run goes into provenance["runs"] with its command.
inline std::vector<OptimalRun> optimal_run_all(const OptimalTableSpec& spec, experiment::Context& ctx) {
  std::vector<OptimalRun> runs;
  for (const auto& graph_spec : spec.graphs)
    for (double kappa : spec.kappas) {
      const auto start = std::chrono::steady_clock::now();
      OptimalRun r = optimal_run(graph_spec, kappa, spec.eps, spec.max_steps);
      ctx.progress() << "rates: optimal " << graph_spec << " kappa = " << kappa << ": " << r.steps
                     << " steps x (1 + K = " << 1 + r.k << ") (" << seconds_since(start) << " s)\n";
      ctx.provenance()["runs"].push_back({{"graph", r.graph},
                                          {"problem", r.problem},
                                          {"kappa", kappa},
                                          {"gamma", r.gamma},
                                          {"K", r.k},
                                          {"steps", r.steps},
                                          {"distance_ratio", r.ratio_at_hit},
                                          {"best_ratio", r.best_ratio},
                                          {"dual_sum", r.dual_sum},
                                          {"command", r.command}});
      runs.push_back(std::move(r));
    }
  return runs;
}

/// The note of a row some of whose runs did not reach ε: each such run with its smallest and
/// final distance ratios.
inline std::string optimal_not_reached(const OptimalTableSpec& spec, const std::vector<OptimalRun>& runs) {
  using adonis::detail::short_number;
  std::string list;
  std::size_t count = 0;
  for (const auto& r : runs) {
    if (r.steps >= 0) continue;
    ++count;
    list += (list.empty() ? "" : "; ") + r.graph + " κ = " + short_number(r.kappa) + " (smallest ratio " +
            short_number(r.best_ratio) + " at step " + std::to_string(r.best_step) + ", " +
            short_number(r.ratio_at_hit) + " at the end; ||Σ_i x_i|| = " + short_number(r.dual_sum) + ")";
  }
  return "VIOLATED: " + std::to_string(count) + " run(s) did not reach ε within " + std::to_string(spec.max_steps) +
         " dual steps: " + list + " (the fit uses the runs that did)";
}

/// A missing run makes the row VIOLATED whatever the fit of the others says.
inline void optimal_flag(RateRow& row, bool any_missing, const std::string& not_reached) {
  if (!any_missing) return;
  row.verdict = Verdict::violated;
  adonis::detail::append_note(row, not_reached);
}

/// The pooled points, time vs √κ_l (1 + 1/√γ) of every run that reached ε, and their fit.
inline ScalingGroup optimal_pooled_group(const std::vector<OptimalRun>& runs) {
  ScalingGroup pooled{.label = "MSDA, all graphs and kappas"};
  for (const auto& r : runs)
    if (r.steps > 0) {
      pooled.x.push_back(r.complexity());
      pooled.y.push_back(r.time());
    }
  pooled.fit = fit_power_law(pooled.x, pooled.y);
  return pooled;
}

/// Judges the pooled slope of the time to ε in √κ_l (1 + 1/√γ): at most spec.pooled_limit.
inline RateRow optimal_judge_pooled(const OptimalTableSpec& spec, const std::vector<OptimalRun>& runs,
                                    const ScalingGroup& pooled) {
  using adonis::detail::short_number;
  const Theorem pooled_th = theorems::msda_complexity();
  RateRow row = theorem_row(pooled_th, RateRow{.table = "optimal"});
  row.graph = std::to_string(spec.graphs.size()) + " graphs (" + spec.graphs.front() + " … " + spec.graphs.back() + ")";
  row.problem = "quadratic:dim=5,L=κ,mu=1,zeta=1, κ = " + short_number(spec.kappas.front()) + "–" +
                short_number(spec.kappas.back());
  row.quantity = "log-log slope of the time to ε = " + short_number(spec.eps) +
                 " ((1 + K)·steps, τ = 1) vs √κ_l (1 + 1/√γ)";
  row = judge_slope_at_most(row, spec.pooled_limit, pooled.fit.slope);
  adonis::detail::append_note(row, describe_fit(pooled.fit) + "; expected ≈ " + short_number(pooled_th.value));
  const bool any_missing = std::any_of(runs.begin(), runs.end(), [](const OptimalRun& r) { return r.steps < 0; });
  optimal_flag(row, any_missing, optimal_not_reached(spec, runs));
  return row;
}

/// Judges, per graph, the slope of the dual steps to ε in κ_l: 0.5 ± spec.slope_tol.
inline std::vector<RateRow> optimal_judge_steps(const OptimalTableSpec& spec, const std::vector<OptimalRun>& runs) {
  using adonis::detail::short_number;
  const Theorem steps_th = theorems::msda_gradient_steps();
  std::vector<RateRow> rows;
  for (const auto& graph_spec : spec.graphs) {
    std::vector<double> x, y;
    for (const auto& r : runs)
      if (r.graph == graph_spec && r.steps > 0) {
        x.push_back(r.kappa);
        y.push_back(static_cast<double>(r.steps));
      }
    RateRow row = theorem_row(steps_th, RateRow{.table = "optimal"});
    row.graph = graph_spec;
    row.problem = "quadratic:dim=5,L=κ,mu=1,zeta=1";
    row.quantity = "log-log slope of the gradient steps to ε = " + short_number(spec.eps) + " vs κ_l = " +
                   short_number(spec.kappas.front()) + "–" + short_number(spec.kappas.back());
    if (x.size() < 3) {  // too few condition numbers reached ε for a fit
      row = judge_slope(row, steps_th.value, std::numeric_limits<double>::quiet_NaN(), spec.slope_tol);
    } else {
      const PowerLawFit f = fit_power_law(x, y);
      row = judge_slope(row, steps_th.value, f.slope, spec.slope_tol);
      adonis::detail::append_note(row, describe_fit(f));
    }
    optimal_flag(row, x.size() != spec.kappas.size(), optimal_not_reached(spec, runs));
    rows.push_back(row);
  }
  return rows;
}

/// Judges, per κ_l across the rings of `spec` (at least 3), the slope of the communication
/// rounds to ε in 1/γ: 0.5 ± spec.slope_tol.
inline std::vector<RateRow> optimal_judge_rounds(const OptimalTableSpec& spec, const std::vector<OptimalRun>& runs) {
  const Theorem rounds_th = theorems::msda_communication_rounds();
  std::vector<std::string> rings;
  for (const auto& graph_spec : spec.graphs)
    if (graph_spec.rfind("ring:", 0) == 0) rings.push_back(graph_spec);
  std::vector<RateRow> rows;
  if (rings.size() < 3) return rows;
  for (double kappa : spec.kappas) {
    std::vector<double> x, y;
    for (const auto& r : runs)
      if (r.kappa == kappa && r.graph.rfind("ring:", 0) == 0 && r.steps > 0) {
        x.push_back(1 / r.gamma);
        y.push_back(r.rounds());
      }
    RateRow row = theorem_row(rounds_th, RateRow{.table = "optimal"});
    row.graph = rings.front() + " … " + rings.back();
    row.problem = optimal_problem_spec(kappa);
    row.quantity = "log-log slope of the communication rounds (K·steps) to ε = " +
                   adonis::detail::short_number(spec.eps) + " vs 1/γ";
    if (x.size() < 3) {  // too few rings reached ε for a fit
      row = judge_slope(row, rounds_th.value, std::numeric_limits<double>::quiet_NaN(), spec.slope_tol);
    } else {
      const PowerLawFit f = fit_power_law(x, y);
      row = judge_slope(row, rounds_th.value, f.slope, spec.slope_tol);
      adonis::detail::append_note(row, describe_fit(f) + " (−0.5 in γ)");
    }
    optimal_flag(row, x.size() != rings.size(), optimal_not_reached(spec, runs));
    rows.push_back(row);
  }
  return rows;
}

/// The lower bound's constant, report only: the range of time/(√κ_l (1 + 1/√γ) ln(1/ε)).
inline RateRow optimal_lower_bound_row(const OptimalTableSpec& spec, const std::vector<OptimalRun>& runs) {
  using adonis::detail::short_number;
  double lo = INFINITY, hi = 0;
  std::string at_lo, at_hi;
  for (const auto& r : runs) {
    if (r.steps < 0) continue;
    const double c = r.time() / (r.complexity() * std::log(1 / spec.eps));
    if (c < lo) {
      lo = c;
      at_lo = r.graph + ", κ = " + short_number(r.kappa);
    }
    if (c > hi) {
      hi = c;
      at_hi = r.graph + ", κ = " + short_number(r.kappa);
    }
  }
  RateRow row = theorem_row(theorems::decentralized_lower_bound(), RateRow{.table = "optimal"});
  row.graph = "all";
  row.problem = "quadratic:dim=5,L=κ,mu=1,zeta=1";
  row.quantity = "min over runs of time / (√κ_l (1 + 1/√γ) ln(1/ε))";
  return report_only(row, lo,
                     "the lower bound is worst-case over instances and its constant is [REC]: not "
                     "asserted (range " + short_number(lo) + " at " + at_lo + " to " + short_number(hi) +
                         " at " + at_hi + ")");
}

/// The optimal table: MSDA on every graph and κ_l, then the pooled, per-graph, per-κ and
/// lower-bound rows; with an output directory, the scaling figure. ε, τ and every run (with its
/// command) in the provenance.
inline std::vector<RateRow> optimal_rows(const OptimalTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  ctx.provenance()["eps"] = spec.eps;
  ctx.provenance()["tau"] = 1;
  const std::vector<OptimalRun> runs = optimal_run_all(spec, ctx);
  const ScalingGroup pooled = optimal_pooled_group(runs);
  std::vector<RateRow> rows{optimal_judge_pooled(spec, runs, pooled)};
  for (const RateRow& r : optimal_judge_steps(spec, runs)) rows.push_back(r);
  for (const RateRow& r : optimal_judge_rounds(spec, runs)) rows.push_back(r);
  rows.push_back(optimal_lower_bound_row(spec, runs));
  if (!pooled.x.empty())
    write_scaling_figure(ctx, "scaling", "optimal_scaling",
                         "MSDA: time to eps = " + adonis::detail::short_number(spec.eps) + " ((1 + K) steps, tau = 1)",
                         "sqrt(kappa_l) (1 + 1/sqrt(gamma))", "time to eps", {pooled});
  return rows;
}

}  // namespace adonis::tables
