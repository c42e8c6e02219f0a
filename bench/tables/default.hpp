// SPDX-License-Identifier: BSD-3-Clause
/// @file default.hpp
/// @brief The `default` rate table: every synchronous algorithm on each graph family and a real
///        network, on a quadratic and on logistic regression over heart_scale, each row checked
///        against its theorem as theory-rates.md §12 prescribes.
///
/// Checks, per graph x problem (W = Metropolis weights, X_0 = 0 for the optimizers and the
/// nodes' local minimizers for the averaging algorithms):
/// - gossip (§1, [DER]): the network average is preserved (equal, rel. 1e-10) and the consensus
///   error contracts by at most ρ = ||W − J|| in every round (bound).
/// - chebyshev-gossip (§3a, [DER]): at most 1/T_K(c2) per outer step (bound), M = I − W.
/// - dgd, gradient-tracking, extra, admm (§4b, §6a, §6b, §7a): the asymptotic rate equals the
///   spectral rate r1 = |λ1| of one round's Jacobian at the fixed point (theory/linearized.hpp).
///   On the quadratic the iteration is affine and this is exact; on logistic regression the
///   Jacobian at the fixed point governs the tail (linearization). Each method runs from a random
///   start to its fixed point S̄, then from S̄ + s·Re(v1) on the Jacobian's slowest eigenvector
///   (s = max(1, ||S̄||) on the quadratic, 1e-3 x that on logistic regression): [DER] equality of
///   the exponent −ln(rate) per round of the v1-coordinate with −ln r1, relative tolerance 1e-4
///   (theory/checks.hpp, measure_mode_rate and check_mode_rate).
/// - msda (§9a): on the quadratic every mode contracts by at most 1 − 1/√κ_d per dual step
///   ([DER] bound, msda.hpp); on logistic regression reported only (Nesterov's rate bounds the
///   dual suboptimality, not the primal steps measured here).
/// - choco-gossip (§10, [SRC] ICLR'20): with the theorem's γ and top-k (k = ⌈d/2⌉), the
///   Lyapunov error ||X − X̄||² + ||X − X̂||² contracts on average by at most 1 − ρ²δ/82 per
///   round (bound; ρ = 1 − ||W − J||, δ = k/d).
/// - dual-averaging, choco-sgd: reported only (Thm. 2 of Duchi et al. is [REC]; CHOCO-SGD's
///   rate is big-O): their scalings are checked as slopes in their own tables.
#pragma once

#include <chrono>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/dual_averaging.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/algorithm/msda.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/linearized.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/round_jacobian.hpp"
#include "adonis/theory/verdict.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/report/plot.hpp"
#include "tables/common.hpp"

namespace adonis::tables {

/// The graphs and problems of the default table, and the run budgets.
struct DefaultTableSpec {
  std::vector<std::string> graphs{"ring:16", "torus:4x4", "hypercube:4", "erdos-renyi:16:0.3:1", "exponential:16",
                                  "karate"};
  std::vector<std::string> problems{"quadratic:dim=5,L=4,mu=0.4,zeta=1", "logistic:heart_scale:0.01"};
  Round max_rounds = 300000;  ///< per optimization run (the slowest, gradient tracking on karate, needs ~1.3e5)
  double stop_below = 1e-13;  ///< stop once ||X_t − X_{t−1}|| <= stop_below x the first step
  Round gossip_rounds = 300;  ///< averaging runs
  /// The (graph, problem) whose convergence curves are kept for the figure.
  std::string curve_graph = "torus:4x4", curve_problem = "logistic:heart_scale:0.01";
  /// `--quick`: a smoke run, two graphs and the quadratic only.
  static DefaultTableSpec quick() {
    DefaultTableSpec spec;
    spec.graphs = {"ring:16", "karate"};
    spec.problems = {spec.problems.front()};
    spec.curve_graph = "ring:16";
    spec.curve_problem = spec.problems.front();
    return spec;
  }
};

/// One measured curve ||X_t − X_{t−1}|| and the theory's rate, for the convergence figure.
struct ConvergenceCurve {
  std::string algorithm;
  std::vector<double> step_norm;
  double theory_rate = 0;
  LinearRateFit fit;
};

/// The solution of a (graph, problem) of the default table and its constants: what the
/// optimizer runs and their theorems share.
template <class P>
struct DefaultProblem {
  const P& p;
  ReferenceSolution ref;
  ProblemConstants c;
  explicit DefaultProblem(const P& problem)
      : p(problem), ref(reference_solution(problem)), c(problem_constants(problem, ref.x)) {}
};

/// Gossip (bound ρ = ||W − J||) and Chebyshev gossip (bound 1/T_K(c2)) from the local
/// minimizers: theory/checks.hpp's check_averaging runs each and judges its two rows (average
/// preserved, contraction per step).
inline std::vector<RateRow> default_averaging_rows(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                                   const std::string& problem_spec, const Iterates<double>& local,
                                                   const RateRow& base) {
  std::vector<RateRow> rows;
  {
    Gossip alg(StaticSequence{gr.w});
    const Theorem th = theorems::gossip(gr.ms.slem);
    RateRow r = theorem_row(th, base);
    r.command = run_command("gossip", gr.spec, problem_spec, spec.gossip_rounds);
    for (auto& row : check_averaging(alg, local, th.value, spec.gossip_rounds, r, "ρ = ||W − J||")) rows.push_back(row);
  }
  {
    ChebyshevGossip alg(sparse_identity(gr.n) - gr.w);
    const Round steps = std::max<Round>(5, spec.gossip_rounds / alg.rounds_per_step());
    const Theorem th = theorems::chebyshev_gossip(alg.gamma(), static_cast<double>(alg.rounds_per_step()));
    RateRow r = theorem_row(th, base);
    r.command = run_command("chebyshev-gossip", gr.spec, problem_spec, steps);
    for (auto& row : check_averaging(alg, local, th.value, steps, r,
                                     "1/T_K(c2), K = " + std::to_string(alg.rounds_per_step())))
      rows.push_back(row);
  }
  return rows;
}

/// A linearly convergent optimizer's run: its name, the measured steps from a random start
/// (the convergence figure and a note), and the rate measured on the slowest mode of its round
/// Jacobian at the fixed point where that run ended (theory/round_jacobian.hpp).
struct DefaultOptimizerRun {
  std::string name;
  Measurements m;
  JacobianModeRun on_mode;
};

/// Runs `alg` from a random start to its fixed point S̄ (the steps fall by stop_below), then on
/// the slowest mode of its round Jacobian there (measure_on_slowest_mode; `adonis run --start
/// slowest-mode` does the same).
template <class P, class Alg>
DefaultOptimizerRun default_measure_optimizer(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                              const std::string& name, Alg& alg, const P& p) {
  Measurements m = measure_from_random_start(alg, gr.n, p.dim(), RunOptions{.max_rounds = spec.max_rounds},
                                             spec.stop_below);
  JacobianModeRun on_mode = measure_on_slowest_mode(alg, p, gr.w, alg.state());
  return {name, std::move(m), std::move(on_mode)};
}

/// Runs DGD, gradient tracking, EXTRA and ADMM at their default parameters, each measured on
/// the slowest mode of its Jacobian at the fixed point (DGD's at its own, biased fixed point).
template <class P>
std::vector<DefaultOptimizerRun> default_run_optimizers(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                                        const DefaultProblem<P>& d) {
  const P& p = d.p;
  const SparseMatrix& w = gr.w;
  const double smooth = d.c.L_max;
  std::vector<DefaultOptimizerRun> runs;
  {
    Dgd alg(p, StaticSequence{w}, DgdOptions{.smoothness = smooth});
    runs.push_back(default_measure_optimizer(spec, gr, "dgd", alg, p));
  }
  {
    GradientTracking alg(p, StaticSequence{w}, GradientTrackingOptions{.smoothness = smooth});
    runs.push_back(default_measure_optimizer(spec, gr, "gradient-tracking", alg, p));
  }
  {
    Extra alg(p, StaticSequence{w}, ExtraOptions{.smoothness = smooth});
    runs.push_back(default_measure_optimizer(spec, gr, "extra", alg, p));
  }
  {
    Admm alg(p, StaticSequence{w}, AdmmOptions{});
    runs.push_back(default_measure_optimizer(spec, gr, "admm", alg, p));
  }
  return runs;
}

/// Judges an optimizer's run: the exponent −ln(rate) measured on the slowest mode equals its
/// Jacobian's within 1e-4 (check_mode_rate; the random start's tail fit is noted);
/// VIOLATED if the default step diverges (spectral rate ≥ 1).
inline RateRow default_judge_exponent(const RateRow& base, bool quadratic, const DefaultOptimizerRun& run) {
  const Theorem th = theorems::linearized(run.name, run.on_mode.mode.r1);
  const double theory_rate = th.value;
  RateRow r = theorem_row(th, base);
  r.quantity = std::string("-ln(rate) per round on the slowest mode, ") +
               (quadratic ? "affine iteration: exact" : "linearized at the fixed point");
  const Round rounds = static_cast<Round>(run.m.step_norm.size()) - 1;
  r.command = run_command(run.name, base.graph, base.problem, rounds, "--start slowest-mode");
  RateRow row = check_mode_rate(run.on_mode.rate, run.on_mode.mode, r, 1e-4);
  adonis::detail::append_note(row, "tail fit from the random start: rate " +
                                       adonis::detail::short_number(fit_step_rate(run.m).rate));
  if (!(theory_rate < 1)) {  // the default step must converge on every graph and problem of the table
    row.verdict = Verdict::violated;
    adonis::detail::append_note(row, "the default step diverges: spectral rate " +
                                         adonis::detail::short_number(theory_rate) + " >= 1");
  }
  return row;
}

/// MSDA's run: the measured steps, its dual condition number and Chebyshev rounds per step.
struct DefaultMsdaRun {
  Measurements m;
  double dual_condition;
  Index chebyshev_steps;
};

/// Runs MSDA from a random start for at most 2000 dual steps (its inner solver stops at 1e-12:
/// the steps cannot fall much below that, so the run stops at 1e-9 x the first).
template <class P>
DefaultMsdaRun default_run_msda(const MetropolisGraph& gr, const P& p) {
  Msda alg(p, StaticSequence{gr.w});
  Measurements m = measure_from_random_start(alg, gr.n, p.dim(), RunOptions{.max_rounds = 2000}, 1e-9);
  return {std::move(m), alg.dual_condition(), alg.chebyshev_steps()};
}

/// Judges MSDA: on the quadratic every mode contracts by 1 − 1/√κ_d [DER] (bound on the
/// double-root fit); in general Nesterov's rate bounds the dual suboptimality [SRC], not the
/// primal steps measured here (report).
inline RateRow default_judge_msda(const RateRow& base, bool quadratic, const DefaultMsdaRun& run) {
  const Theorem th = quadratic ? theorems::msda(run.dual_condition) : theorems::msda_dual(run.dual_condition);
  RateRow r = theorem_row(th, base);
  const Round rounds = static_cast<Round>(run.m.step_norm.size()) - 1;
  r.command = run_command("msda", base.graph, base.problem, rounds * run.chebyshev_steps, "--start random");
  const LinearRateFit fit = fit_step_rate(run.m);
  if (quadratic) {
    r.quantity = "rate per dual step (K = " + std::to_string(run.chebyshev_steps) +
                 " rounds) of ||ΔX_t||/t (double root), bound 1 − 1/√κ_d";
    RateRow judged = judge_bound(r, th.value, fit_step_rate_double_root(run.m));
    adonis::detail::append_note(judged, "plain fit of ||ΔX_t||: " + adonis::detail::short_number(fit.rate));
    return judged;
  }
  r.quantity = "rate per dual step (K = " + std::to_string(run.chebyshev_steps) + " rounds)";
  return report_only(r, fit.rate,
                     "Nesterov's rate bounds the dual suboptimality, not the primal steps measured here; reference "
                     "value 1 − 1/√κ_d",
                     th.value);
}

/// A compressed or subgradient run measured at a fixed budget: top-k's k and δ, the measured
/// value, and (dual averaging) Thm. 2's R and G.
struct DefaultFixedRun {
  Index k = 0;
  double delta = 0, measured = 0, r_bound = 0, gmax = 0;
};

/// CHOCO-Gossip from the local minimizers, top-k (k = ⌈d/2⌉) at the consistent γ*: the mean
/// Lyapunov contraction per round.
inline DefaultFixedRun default_run_choco_gossip(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                                const Iterates<double>& local) {
  const Index d = local.cols(), k = (d + 1) / 2;
  const Compressor comp = parse_compressor("top-k:" + std::to_string(k), d);
  const double delta = comp.delta(d), gamma = choco_theory_gamma(gr.w, delta);
  ChocoGossip alg(StaticSequence{gr.w}, ChocoGossipOptions{.gamma = gamma, .compressor = comp});
  ChocoLyapunovObserver lyap;
  Iterates<double> x = local;
  alg.run(x, RunOptions{.max_rounds = spec.gossip_rounds}, lyap);
  return {.k = k, .delta = delta, .measured = lyap.mean_rate()};
}

/// Judges CHOCO-Gossip: the mean Lyapunov contraction is at most 1 − ρ²δ/82.
inline RateRow default_judge_choco_gossip(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                          const RateRow& base, const DefaultFixedRun& run) {
  const Theorem th = theorems::choco_gossip(1 - gr.ms.slem, run.delta);
  RateRow r = theorem_row(th, base);
  r.quantity = "mean Lyapunov contraction per round (top-k:" + std::to_string(run.k) +
               ", consistent γ*), bound 1 − ρ²δ/82";
  r.command = run_command("choco-gossip", base.graph, base.problem, spec.gossip_rounds,
                          "--compressor top-k:" + std::to_string(run.k) + " --gamma theory");
  return judge_bound(r, th.value, run.measured, 0.0);
}

/// CHOCO-SGD from 0 for 2000 rounds, top-k (k = ⌈d/2⌉), default γ and η: f(x̄_T) − f*.
template <class P>
DefaultFixedRun default_run_choco_sgd(const MetropolisGraph& gr, const DefaultProblem<P>& d) {
  const P& p = d.p;
  const Index k = (p.dim() + 1) / 2;
  const Compressor comp = parse_compressor("top-k:" + std::to_string(k), p.dim());
  ChocoSgd alg(p, StaticSequence{gr.w}, ChocoSgdOptions{.smoothness = d.c.L_max, .compressor = comp});
  Measurements m;
  Iterates<double> x = Iterates<double>::Zero(gr.n, p.dim());
  alg.run(x, RunOptions{.max_rounds = 2000}, MeasureObserver<P>(m, p, d.ref.f));
  return {.k = k, .measured = m.suboptimality.back()};
}

/// CHOCO-SGD's row: reported (its rate is big-O with decreasing steps).
inline RateRow default_report_choco_sgd(const RateRow& base, const DefaultFixedRun& run) {
  RateRow r = theorem_row(theorems::choco_sgd(), base);
  r.quantity = "f(x̄_T) − f* at T = 2000 (top-k:" + std::to_string(run.k) + ", default γ and η)";
  r.command = run_command("choco-sgd", base.graph, base.problem, 2000,
                          "--compressor top-k:" + std::to_string(run.k) + " --start zero");
  return report_only(r, run.measured,
                     "O(1/(nT) + 1/(T δ² ω)²) is big-O with decreasing steps; with a constant step CHOCO-SGD "
                     "stops at an O(η) neighbourhood like DGD (slopes: the compression table)");
}

/// Dual averaging from 0 for 2000 rounds at Thm. 2's step, R = max(||x*||/√2, 1),
/// G = max_i ||∇f_i(x*)|| + 2 L_max ||x*||: f(x̂(T)) − f*.
template <class P>
DefaultFixedRun default_run_dual_averaging(const MetropolisGraph& gr, const DefaultProblem<P>& d) {
  const P& p = d.p;
  double gmax = 0;
  Vector<double> gi(p.dim());
  for (Index i = 0; i < gr.n; ++i) {
    p.gradient(i, d.ref.x, gi);
    gmax = std::max(gmax, gi.norm());
  }
  gmax += 2 * d.c.L_max * d.ref.x.norm();
  const double r_bound = std::max(d.ref.x.norm() / std::sqrt(2.0), 1.0);
  DualAveraging alg(p, StaticSequence{gr.w},
                    DualAveragingOptions{.step_scale = dual_averaging_theory_scale(r_bound, gmax, gr.ms.slem)});
  Measurements m;
  Iterates<double> x = Iterates<double>::Zero(gr.n, p.dim());
  alg.run(x, RunOptions{.max_rounds = 2000}, MeasureObserver<P>(m, p, d.ref.f));
  return {.measured = m.suboptimality.back(), .r_bound = r_bound, .gmax = gmax};
}

/// Dual averaging's row: reported, with Thm. 2's envelope at T = 2000 as reference ([REC]).
inline RateRow default_report_dual_averaging(const MetropolisGraph& gr, const RateRow& base, const DefaultFixedRun& run) {
  const Theorem th = theorems::dual_averaging_envelope(run.r_bound, run.gmax, gr.n, gr.ms.slem);
  RateRow r = theorem_row(th, base);
  r.quantity = "f(x̂(T)) − f* at T = 2000 (network average of the running averages)";
  r.command = run_command("dual-averaging", base.graph, base.problem, 2000);
  return report_only(r, run.measured,
                     "Thm. 2's constants are [REC] (not confirmed): reference value 8RG log(T√n)/√(T(1−σ2)), checked "
                     "as slopes in the dual-averaging table",
                     th.envelope(2000.0));
}

/// The rows of one (graph, problem) of the default table, in the table's order: gossip,
/// Chebyshev gossip, DGD, gradient tracking, EXTRA, ADMM, MSDA, CHOCO-Gossip, CHOCO-SGD, dual
/// averaging. The optimizers' convergence curves go into `curves` when it is the figure's pair.
template <class P>
std::vector<RateRow> default_problem_rows(const DefaultTableSpec& spec, const MetropolisGraph& gr,
                                          const std::string& problem_spec, const P& p, bool quadratic,
                                          std::vector<ConvergenceCurve>* curves) {
  const DefaultProblem<P> d(p);
  const RateRow base{.table = "default", .graph = gr.spec, .problem = problem_spec};
  const Iterates<double> local = local_minimizers(p);
  std::vector<RateRow> rows = default_averaging_rows(spec, gr, problem_spec, local, base);
  const bool keep = curves != nullptr && gr.spec == spec.curve_graph && problem_spec == spec.curve_problem;
  for (const DefaultOptimizerRun& run : default_run_optimizers(spec, gr, d)) {
    rows.push_back(default_judge_exponent(base, quadratic, run));
    if (keep) curves->push_back({run.name, run.m.step_norm, theorems::linearized(run.name, run.on_mode.mode.r1).value,
                                 fit_step_rate(run.m)});
  }
  rows.push_back(default_judge_msda(base, quadratic, default_run_msda(gr, p)));
  rows.push_back(default_judge_choco_gossip(spec, gr, base, default_run_choco_gossip(spec, gr, local)));
  rows.push_back(default_report_choco_sgd(base, default_run_choco_sgd(gr, d)));
  rows.push_back(default_report_dual_averaging(gr, base, default_run_dual_averaging(gr, d)));
  return rows;
}

/// FNV-1a hash of a graph's sorted edge list (provenance: identifies the exact topology).
inline std::string graph_hash(const Graph& g) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) {
    for (int k = 0; k < 8; ++k) {
      h ^= (v >> (8 * k)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(static_cast<std::uint64_t>(num_nodes(g)));
  for (const auto& [u, v] : edge_list(g)) {
    mix(static_cast<std::uint64_t>(u));
    mix(static_cast<std::uint64_t>(v));
  }
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

/// The convergence figure of the default table: measured ||X_t − X_{t−1}|| and, dashed, the
/// theory's envelope C r^t anchored at the start of the fit window.
inline PlotOutput plot_convergence(const std::vector<ConvergenceCurve>& curves, const DefaultTableSpec& spec,
                                   const std::filesystem::path& stem) {
  PlotSpec plot{.title = "default table: " + spec.curve_graph + ", " + spec.curve_problem +
                         " (dashed: theory's rate)",
                .xlabel = "round t",
                .ylabel = "||X_t - X_{t-1}||_F"};
  for (const auto& c : curves) {
    Series measured{.title = c.algorithm};
    for (std::size_t t = 1; t < c.step_norm.size(); ++t)
      if (c.step_norm[t] > 0) {
        measured.x.push_back(static_cast<double>(t));
        measured.y.push_back(c.step_norm[t]);
      }
    Series envelope{.title = c.algorithm + " theory", .dashed = true};
    const std::size_t t0 = c.fit.first + 1;
    if (t0 < c.step_norm.size()) {
      for (std::size_t t = 1; t < c.step_norm.size(); t += std::max<std::size_t>(1, c.step_norm.size() / 200)) {
        envelope.x.push_back(static_cast<double>(t));
        envelope.y.push_back(c.step_norm[t0] * std::pow(c.theory_rate, static_cast<double>(t) - static_cast<double>(t0)));
      }
    }
    plot.series.push_back(std::move(measured));
    if (!envelope.x.empty()) plot.series.push_back(std::move(envelope));
  }
  return write_plot(plot, stem);
}

/// Records the graphs (with their hashes) and the problems (with their constants) of the
/// default table in the context's provenance.
inline void default_record_provenance(const DefaultTableSpec& spec, experiment::Context& ctx) {
  nlohmann::ordered_json& provenance = ctx.provenance();
  for (const auto& gs : spec.graphs) {
    const Graph g = make_graph(gs);
    provenance["graphs"][gs] = {{"nodes", num_nodes(g)}, {"edges", num_edges(g)}, {"hash", graph_hash(g)}};
    for (const auto& ps : spec.problems) {
      const ProblemInstance inst = make_problem(ps, num_nodes(g));
      std::visit(
          [&](const auto& p) {
            if constexpr (std::is_same_v<std::decay_t<decltype(p)>, MultinomialProblem>) {
              adonis::detail::fail("rates default", "problem '", ps, "': the default table runs binary and regression problems");
            } else {
              const ReferenceSolution ref = reference_solution(p);
              const ProblemConstants c = problem_constants(p, ref.x);
              provenance["problems"][ps][gs] = {{"f_star", ref.f},       {"L_max", c.L_max}, {"L", c.L},
                                                {"mu", c.mu},            {"kappa", c.kappa}, {"zeta2", c.zeta2},
                                                {"reference", ref.method}};
            }
          },
          inst.problem);
    }
  }
}

/// With an output directory and curves, writes the convergence figure and records it in the
/// provenance.
inline void default_write_figure(const DefaultTableSpec& spec, const std::vector<ConvergenceCurve>& curves,
                                 experiment::Context& ctx) {
  if (ctx.out_dir().empty() || curves.empty()) return;
  const PlotOutput plot = plot_convergence(curves, spec, ctx.out_dir() / "default_convergence");
  ctx.provenance()["plots"] = {{"convergence", plot.images ? "default_convergence.svg, default_convergence.png"
                                                           : "gnuplot not found: default_convergence.gp only"}};
  if (!plot.images) ctx.progress() << "rates: gnuplot not found; wrote the script " << plot.script << " only\n";
}

/// The default table: every (graph, problem) run and judged (progress on the context's log),
/// its provenance (graphs with their hashes, problems with their constants) and, with an output
/// directory, the convergence figure.
inline std::vector<RateRow> default_rows(const DefaultTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  std::vector<ConvergenceCurve> curves;
  std::vector<RateRow> rows;
  for (const auto& graph_spec : spec.graphs) {
    const MetropolisGraph gr(graph_spec);
    for (const auto& problem_spec : spec.problems) {
      const auto start = std::chrono::steady_clock::now();
      const ProblemInstance inst = make_problem(problem_spec, gr.n);
      const bool quadratic = inst.family == "quadratic";
      std::visit(
          [&](const auto& p) {
            if constexpr (std::is_same_v<std::decay_t<decltype(p)>, MedianProblem>)
              adonis::detail::fail("rates default", "problem '", problem_spec,
                                   "' is nonsmooth: the default table needs Hessians");
            else if constexpr (std::is_same_v<std::decay_t<decltype(p)>, MultinomialProblem>)
              adonis::detail::fail("rates default", "problem '", problem_spec,
                                   "': the default table runs binary and regression problems");
            else
              for (RateRow& r : default_problem_rows(spec, gr, problem_spec, p, quadratic,
                                                     ctx.out_dir().empty() ? nullptr : &curves))
                rows.push_back(std::move(r));
          },
          inst.problem);
      ctx.progress() << "rates: default " << graph_spec << " x " << problem_spec << " (" << seconds_since(start)
                     << " s)\n";
    }
  }
  default_record_provenance(spec, ctx);
  default_write_figure(spec, curves, ctx);
  return rows;
}

}  // namespace adonis::tables
