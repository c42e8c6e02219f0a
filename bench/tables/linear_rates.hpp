// SPDX-License-Identifier: BSD-3-Clause
/// @file linear_rates.hpp
/// @brief The `linear-rates` rate table: the linear rates of DGD, gradient tracking (DIGing),
///        EXTRA and decentralized ADMM (theory-rates.md §4b, §6a, §6b, §7a).
///
/// Rows, per graph (Metropolis W):
/// - quadratic `quadratic:dim=2,L=4,mu=0.4,zeta=1`, each method at its default parameter and at
///   half of it (step α, or ADMM's penalty c): the round is an affine map whose Jacobian
///   (theory/linearized.hpp) gives the exact rate r1 = |λ1| [DER]. Each method runs from a random
///   start to its fixed point S̄, then from S̄ + s·Re(v1) on the Jacobian's slowest eigenvector,
///   where the v1-coordinate of its steps contracts by exactly |λ1| per round (theory/checks.hpp,
///   measure_mode_rate): equality of the exponent −ln r within 1e-4 relative (check_mode_rate).
///   The tail fit of the random start is noted (it sees r1 only once the faster modes faded).
///   d = 2 makes the Hessian's spectrum exactly {μ, L}.
/// - DGD's exact stability threshold (theory-rates.md §4b(b) [DER]): on identical quadratics
///   f_i = ½(x − b)² (`quadratic:dim=1,L=1,mu=1,zeta=0`) the Jacobian is W − α I, so DGD
///   diverges iff α > (1 + λn(W))/L. At 0.99x and 1.01x that threshold, the measured rate
///   on the slowest mode (below 1, resp. above 1) equals the Jacobian's (−ln r within 1e-4).
/// - logistic regression over heart_scale (λ = 0.01): no published linear-rate constant can be
///   evaluated at the default steps, so those rows are report-only, with the linearized rate
///   at the fixed point as reference value (the default table checks it [DER]): DGD's
///   Cor. 1 rate √(1 − α c2/2) needs the constants of Yuan et al.'s Lemma 3; EXTRA's Thm. 3.7
///   needs μ_g of an auxiliary function that was not transcribed; ADMM's δ is [REC] and
///   unverified; DIGing's Thm. 10 only holds below its step bound, which the default step
///   exceeds by orders of magnitude. The one checkable theorem is Thm. 10 itself at its own
///   step (half the bound, `--step theory`): its rate λ [REC; transcript] must bound the
///   asymptotic rate, the spectral radius of the linearized iteration at x* (a run at that
///   step would need ~1e7 rounds to show it, so the exact linearized rate is the measurement).
#pragma once

#include <chrono>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/linearized.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/round_jacobian.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/default.hpp"

namespace adonis::tables {

/// Graphs, problems and budgets of the linear-rates table.
struct LinearRatesTableSpec {
  std::vector<std::string> graphs{"ring:16", "torus:5x5", "hypercube:4", "star:16", "complete:16"};
  std::string quadratic = "quadratic:dim=2,L=4,mu=0.4,zeta=1";
  std::string identical = "quadratic:dim=1,L=1,mu=1,zeta=0";
  std::string logistic = "logistic:heart_scale:0.01";
  std::vector<double> multipliers{1, 0.5};  ///< x the default step (or ADMM penalty)
  Round max_rounds = 300000;
  /// Stop once ||X_t − X_{t−1}|| ≤ stop_below x the first step. 1e-11, not the default table's
  /// 1e-13: near 1e-13 the rounding noise of the iterates (~1e-16 ||X||, fed into the conserved
  /// modes of EXTRA and gradient tracking) flattens the last steps, which biased the fitted
  /// exponent of EXTRA by −0.14% (torus:5x5, α = 0.5 x default) in the first run of the table.
  double stop_below = 1e-11;
  double rel_tol = 1e-4;  ///< on −ln r measured on the slowest mode (check_mode_rate)

  /// The reduced sizes of `--quick`.
  static LinearRatesTableSpec quick() {
    LinearRatesTableSpec s;
    s.graphs = {"ring:16", "torus:5x5"};
    return s;
  }
};

/// One run whose exponent is checked against its Jacobian's: the theorem (the linearization,
/// or DGD's stability threshold on either side of which it runs), the problem, the steps from a
/// random start (noted), the rate measured on the Jacobian's slowest mode, the row's quantity,
/// the extra `adonis run` options and its start.
struct LinearRatesRun {
  Theorem theorem;
  std::string problem;
  Measurements m;
  JacobianModeRun on_mode;
  std::string quantity, extra, start = "--start slowest-mode";
};

/// Runs `alg` from a random start (its steps are noted; a converged run's final state is the
/// fixed point S̄ unless `fixed_point` is given), then on the slowest mode of its round Jacobian
/// at S̄ (measure_on_slowest_mode: the quadratics' rounds are affine, the start scale is
/// max(1, ||S̄||)).
template <class Alg>
LinearRatesRun linear_rates_measure(const LinearRatesTableSpec& spec, const MetropolisGraph& gr, Alg& alg,
                                    const QuadraticProblem& p, const RunOptions& opt,
                                    const Vector<double>* fixed_point = nullptr) {
  LinearRatesRun run;
  run.m = measure_from_random_start(alg, gr.n, p.dim(), opt, spec.stop_below);
  run.on_mode = measure_on_slowest_mode(alg, p, gr.w, fixed_point != nullptr ? *fixed_point : alg.state(),
                                        ModeRateOptions{.max_rounds = spec.max_rounds});
  return run;
}

/// Runs DGD, gradient tracking, EXTRA and ADMM on the quadratic at each multiplier of their
/// default parameter, each measured on the slowest mode of its Jacobian.
inline std::vector<LinearRatesRun> linear_rates_run_quadratic(const LinearRatesTableSpec& spec,
                                                              const MetropolisGraph& gr) {
  using adonis::detail::short_number;
  const Index n = gr.n;
  const ProblemInstance inst = make_problem(spec.quadratic, n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const ProblemConstants c = problem_constants(p, reference_solution(p).x);
  const std::string q = "-ln(rate) per round on the slowest mode, affine iteration: exact";
  const RunOptions opt{.max_rounds = spec.max_rounds};
  std::vector<LinearRatesRun> runs;
  auto add = [&](const std::string& name, LinearRatesRun run, const std::string& quantity, const std::string& extra) {
    run.theorem = theorems::linearized(name, run.on_mode.mode.r1);
    run.problem = spec.quadratic;
    run.quantity = quantity;
    run.extra = extra;
    runs.push_back(std::move(run));
  };
  for (double s : spec.multipliers) {
    const std::string at = s == 1 ? " (default)" : " (" + short_number(s) + " x default)";
    {
      const double alpha = s * Dgd(p, StaticSequence{gr.w}, DgdOptions{.smoothness = c.L_max}).step_size();
      Dgd alg(p, StaticSequence{gr.w}, DgdOptions{.step_size = alpha});
      add("dgd", linear_rates_measure(spec, gr, alg, p, opt),
          q + ", α = " + short_number(alpha) + at, "--step " + fmt(alpha, 17) + " ");
    }
    {
      const double alpha =
          s * GradientTracking(p, StaticSequence{gr.w}, GradientTrackingOptions{.smoothness = c.L_max}).step_size();
      GradientTracking alg(p, StaticSequence{gr.w}, GradientTrackingOptions{.step_size = alpha});
      add("gradient-tracking", linear_rates_measure(spec, gr, alg, p, opt),
          q + ", α = " + short_number(alpha) + at, "--step " + fmt(alpha, 17) + " ");
    }
    {
      const double alpha = s * Extra(p, StaticSequence{gr.w}, ExtraOptions{.smoothness = c.L_max}).step_size();
      Extra alg(p, StaticSequence{gr.w}, ExtraOptions{.step_size = alpha});
      add("extra", linear_rates_measure(spec, gr, alg, p, opt),
          q + ", α = " + short_number(alpha) + at, "--step " + fmt(alpha, 17) + " ");
    }
    {
      const double penalty = s * AdmmOptions{}.penalty;
      Admm alg(p, StaticSequence{gr.w}, AdmmOptions{.penalty = penalty});
      add("admm", linear_rates_measure(spec, gr, alg, p, opt), q + ", c = " + short_number(penalty) + at, "--rho " + fmt(penalty, 17) + " ");
    }
  }
  return runs;
}

/// Runs DGD on identical quadratics at 0.99x and 1.01x its exact stability threshold
/// (1 + λn(W))/L, each measured on the slowest mode of its Jacobian W − αH from the common
/// minimizer 1x*ᵀ, DGD's fixed point here (the theorem gives the threshold; the rows check the
/// Jacobian's rate on either side of it: the mode decays, resp. grows, by exactly |λ1| per round).
inline std::vector<LinearRatesRun> linear_rates_run_stability(const LinearRatesTableSpec& spec,
                                                              const MetropolisGraph& gr) {
  using adonis::detail::short_number;
  const Index n = gr.n;
  const ProblemInstance inst = make_problem(spec.identical, n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const ReferenceSolution ref = reference_solution(p);
  const ProblemConstants c = problem_constants(p, ref.x);
  const Theorem stability = theorems::dgd_stability_threshold(gr.ms.lambda_min, c.L_max);
  const Iterates<double> xstar = stacked_rows(ref.x, n);
  const Vector<double> fixed_point = Eigen::Map<const Vector<double>>(xstar.data(), xstar.size());
  std::vector<LinearRatesRun> runs;
  for (double s : {0.99, 1.01}) {
    const double alpha = s * stability.value;
    Dgd alg(p, StaticSequence{gr.w}, DgdOptions{.step_size = alpha});
    // a diverging run stops at ||X|| > 1e10 max(||X_0||, 1): its steps grow by 1e10 first
    LinearRatesRun run = linear_rates_measure(
        spec, gr, alg, p, RunOptions{.max_rounds = spec.max_rounds, .divergence_factor = 1e10}, &fixed_point);
    run.theorem = stability;
    run.problem = spec.identical;
    run.quantity = "-ln(rate) per round on the slowest mode at α = " + short_number(s) + " x (1 + λn(W))/L = " +
                   short_number(alpha) + (s < 1 ? " (converges)" : " (diverges)");
    run.extra = "--step " + fmt(alpha, 17) + " ";
    run.start = "--start random";  // the fixed point 1x*ᵀ is given, not the end of the run
    runs.push_back(std::move(run));
  }
  return runs;
}

/// Judges an exact-rate run: equality of −ln r measured on the slowest mode with the Jacobian's
/// within spec.rel_tol (check_mode_rate); the random start's tail fit is noted.
inline RateRow linear_rates_judge_exact(const LinearRatesTableSpec& spec, const std::string& graph_spec,
                                        const LinearRatesRun& run) {
  RateRow r = theorem_row(run.theorem, RateRow{.table = "linear-rates", .graph = graph_spec, .problem = run.problem,
                                               .quantity = run.quantity});
  const Round rounds = static_cast<Round>(run.m.step_norm.size()) - 1;
  r.command = run_command(r.algorithm, graph_spec, run.problem, rounds, run.extra + run.start);
  r = check_mode_rate(run.on_mode.rate, run.on_mode.mode, r, spec.rel_tol);
  adonis::detail::append_note(r, "tail fit from the random start: rate " +
                                     adonis::detail::short_number(fit_step_rate(run.m).rate));
  return r;
}

/// A report-only run on logistic regression: the theorem named, the measured steps, the
/// linearized rate at the fixed point (reference value) and why no theorem is checked.
struct LinearRatesReport {
  Theorem theorem;
  Measurements m;
  double reference;
  std::string reason;
};

/// The logistic measurements: DIGing's Thm. 10 at its own step (its rate λ and the linearized
/// rate at x*), and the four methods at their default parameter.
struct LinearRatesLogistic {
  Theorem thm10;
  double alpha = 0, linearized = 0;
  std::vector<LinearRatesReport> reports{};
};

/// Runs DGD, gradient tracking, EXTRA and ADMM on logistic regression at their default
/// parameter, and computes Thm. 10's rate and step and the linearized rate there.
inline LinearRatesLogistic linear_rates_run_logistic(const LinearRatesTableSpec& spec, const MetropolisGraph& gr) {
  using adonis::detail::short_number;
  const Index n = gr.n;
  const SparseMatrix& w = gr.w;
  const ProblemInstance inst = make_problem(spec.logistic, n);
  const auto& p = std::get<LogisticProblem>(inst.problem);
  const ReferenceSolution ref = reference_solution(p);
  const ProblemConstants c = problem_constants(p, ref.x);
  const Matrix<double> h_star = stacked_hessian(p, stacked_rows(ref.x, n));
  double mu_mean = 0;
  for (double mu : c.mu_i) mu_mean += mu / static_cast<double>(n);
  const double alpha = diging_theory_step(gr.ms.slem, 1, c.L_max, mu_mean, n);
  LinearRatesLogistic out{.thm10 = theorems::diging_rate(alpha, gr.ms.slem, c.L_max, mu_mean, n),
                          .alpha = alpha,
                          .linearized = spectral_rates(diging_jacobian(w, h_star, alpha)).r1};
  const RunOptions opt{.max_rounds = spec.max_rounds};
  {
    Dgd alg(p, StaticSequence{w}, DgdOptions{.smoothness = c.L_max});
    Measurements m = measure_from_random_start(alg, n, p.dim(), opt, spec.stop_below);
    const double reference = spectral_rates(dgd_jacobian(w, stacked_hessian(p, m.last), alg.step_size())).r1;
    out.reports.push_back({theorems::dgd_corollary1(), std::move(m), reference,
                           "Cor. 1's rate √(1 − αc2/2) needs the constants of Lemma 3, not available"});
  }
  {
    GradientTracking alg(p, StaticSequence{w}, GradientTrackingOptions{.smoothness = c.L_max});
    Measurements m = measure_from_random_start(alg, n, p.dim(), opt, spec.stop_below);
    const Theorem bound = theorems::diging_step_bound(gr.ms.slem, c.L_max, mu_mean, n);
    out.reports.push_back({bound, std::move(m), spectral_rates(diging_jacobian(w, h_star, alg.step_size())).r1,
                           "the default step exceeds Thm. 10's bound " + short_number(bound.value) + " (" +
                               short_number(alg.step_size() / bound.value) + "x): no rate is guaranteed"});
  }
  {
    Extra alg(p, StaticSequence{w}, ExtraOptions{.smoothness = c.L_max});
    Measurements m = measure_from_random_start(alg, n, p.dim(), opt, spec.stop_below);
    out.reports.push_back({theorems::extra_linear(), std::move(m),
                           spectral_rates(extra_jacobian(w, h_star, alg.step_size())).r1,
                           "Thm. 3.7's δ needs μ_g, the restricted strong convexity of an auxiliary function that "
                           "was not transcribed"});
  }
  {
    Admm alg(p, StaticSequence{w}, AdmmOptions{});
    Measurements m = measure_from_random_start(alg, n, p.dim(), opt, spec.stop_below);
    out.reports.push_back({theorems::admm_linear(), std::move(m),
                           spectral_rates(admm_jacobian(adjacency_matrix(gr.g), h_star, alg.penalty())).r1,
                           "the rate δ of the paper is [REC] and unverified (its exact expression is not confirmed)"});
  }
  return out;
}

/// Judges the logistic rows: Thm. 10's λ bounds the linearized rate at its own step (compared
/// through −1/ln r, as these rates are close to 1); the default-parameter runs are reported.
inline std::vector<RateRow> linear_rates_judge_logistic(const LinearRatesTableSpec& spec, const std::string& graph_spec,
                                                        const LinearRatesLogistic& lg) {
  using adonis::detail::short_number;
  std::vector<RateRow> rows;
  const double lambda = lg.thm10.value;
  RateRow r = theorem_row(
      lg.thm10, RateRow{.table = "linear-rates", .graph = graph_spec, .problem = spec.logistic,
                        .quantity = "rounds per e-fold −1/ln r at Thm. 10's step α = " + short_number(lg.alpha) +
                                    " (r: spectral radius of the linearized iteration at x*), bound −1/ln λ of Thm. 10"});
  // rates this close to 1 are compared through −1/ln r (≈ 1/(1 − r)): r ≤ λ iff −1/ln r ≤ −1/ln λ
  r = judge_bound(r, -1 / std::log(lambda), -1 / std::log(lg.linearized), 0.0);
  adonis::detail::append_note(r, "λ = 1 − " + short_number(1 - lambda) + ", r = 1 − " + short_number(1 - lg.linearized));
  rows.push_back(r);
  for (const LinearRatesReport& rep : lg.reports) {
    RateRow row = theorem_row(rep.theorem, RateRow{.table = "linear-rates", .graph = graph_spec,
                                                   .problem = spec.logistic,
                                                   .quantity = "measured rate per round (default parameter; tail fit "
                                                               "of ||X_t − X_{t−1}||)"});
    row.command = run_command(row.algorithm, graph_spec, spec.logistic,
                              static_cast<Round>(rep.m.step_norm.size()) - 1, "--start random");
    rows.push_back(report_only(row, fit_step_rate(rep.m).rate,
                               rep.reason + "; reference value: the linearized rate at the fixed point",
                               rep.reference));
  }
  return rows;
}

/// The linear-rates table: per graph, the quadratic's exact rates, DGD's stability threshold and
/// the logistic rows, each run then judged (progress on the context's log). Single-run rows
/// carry their command; the graphs' spectra go into the provenance.
inline std::vector<RateRow> linear_rates_rows(const LinearRatesTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  ctx.provenance()["start"] = "random (--start random, seed 0)";
  std::vector<RateRow> rows;
  for (const auto& graph_spec : spec.graphs) {
    const auto start = std::chrono::steady_clock::now();
    const MetropolisGraph gr(graph_spec);
    ctx.provenance()["graphs"][graph_spec] = {{"nodes", gr.n}, {"edges", num_edges(gr.g)},
                                              {"lambda_min", gr.ms.lambda_min}, {"slem", gr.ms.slem}};
    // ---- quadratic: exact rates at the default parameter and at half of it
    for (const LinearRatesRun& run : linear_rates_run_quadratic(spec, gr))
      rows.push_back(linear_rates_judge_exact(spec, graph_spec, run));
    // ---- DGD's exact stability threshold (1 + λn(W))/L on identical quadratics
    for (const LinearRatesRun& run : linear_rates_run_stability(spec, gr))
      rows.push_back(linear_rates_judge_exact(spec, graph_spec, run));
    // ---- logistic regression: Thm. 10 at its own step, and the default steps reported
    for (const RateRow& r : linear_rates_judge_logistic(spec, graph_spec, linear_rates_run_logistic(spec, gr)))
      rows.push_back(r);
    ctx.progress() << "rates: linear-rates " << graph_spec << " (" << seconds_since(start) << " s)\n";
  }
  return rows;
}

}  // namespace adonis::tables
