// SPDX-License-Identifier: BSD-3-Clause
/// @file time_varying.hpp
/// @brief The `time-varying` rate table (issue 16): what the connectivity sequence must satisfy,
///        and the optimal method over time-varying networks (theory-rates.md §4c, §9b).
///
/// Rows (this slice: (b), (c), (e); (a) the expected contraction of i.i.d. sequences, (d)
/// DIGing on B-connected schedules and (f) DADAO on time-varying edge sets are to come):
/// - (b) [DER] the one-peer exponential graph averages exactly in log2 n rounds when n = 2^k:
///   ||W_{k−1}⋯W_0 − J||₂ ≤ 1e-14; for other n the residual is reported.
/// - (c) [DER] a necessary condition: the cycle of path:16's edges one a round with the cut
///   edge (7, 8) replaced by an idle round never crosses the cut, so the gap between the two
///   halves' averages is invariant (≤ 1e-12 relative change over the run); its twin with the cut
///   edge once every cycle of B = 15 rounds converges: ||X_T − X̄||² ≤ (1 − p)^(T/B) ||X_0 − X̄||²
///   with p its exact periodic rate, and that bound is ≤ 1e-6 (a twin without the cut edge has
///   p = 0 and fails the row).
/// - (e) [REC: slopes] ADOM+'s communication rounds to a relative distance ε against χ̄ at fixed
///   κ (slope ≤ 1.2) over static and time-varying schedules (spanning trees, an adversarial
///   cycle of trees), and against κ on one time-varying schedule (slope ≤ 0.6); the lower bound's
///   ratio rounds/(χ̄ √κ ln(1/ε)) reported (its constant is [REC]); gradient tracking's rounds
///   (default step) on the same schedules reported beside it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/adom_plus.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/optimal.hpp"  // RelativeDistanceObserver
#include "tables/scaling.hpp"

namespace adonis::tables {

/// One schedule of row (e): a base graph and a sequence SPEC over it.
struct TimeVaryingSchedule {
  std::string graph, sequence;
};

/// Parameters of the time-varying table.
struct TimeVaryingTableSpec {
  std::vector<Index> one_peer_sizes{8, 16, 32, 64, 12, 24};  ///< (b): powers of two asserted, the others reported
  Round cut_cycles = 400;  ///< (c): cycles of path:16's 15 edges
  /// (e): schedules spanning χ̄ ∈ [4, 120] (static W: exact χ; spanning trees: their bound)
  std::vector<TimeVaryingSchedule> schedules{{"torus:4x4", "static"},
                                             {"ring:8", "static"},
                                             {"ring:6", "random-spanning-tree"},
                                             {"complete:5", "adversarial-tree:3"},
                                             {"ring:8", "random-spanning-tree"},
                                             {"ring:12", "random-spanning-tree"},
                                             {"complete:8", "random-spanning-tree"},
                                             {"ring:16", "adversarial-tree:4"}};
  double kappa = 10;                            ///< (e): κ = L/μ of the χ̄ sweep
  std::size_t kappa_schedule = 2;               ///< (e): the κ sweep's schedule, an index into `schedules`
  std::vector<double> kappas{10, 100, 1000};    ///< (e): the κ sweep
  double eps = 1e-6;                            ///< (e): relative distance ||X − 1x*ᵀ||/||X_0 − 1x*ᵀ||
  Round max_rounds = 2000000;                   ///< (e): per run; not reaching ε is VIOLATED (ADOM+)
  double chi_limit = 1.2, kappa_limit = 0.6;    ///< (e): issue 16, theory-rates §9b

  /// The reduced sizes of `--quick`.
  static TimeVaryingTableSpec quick() {
    TimeVaryingTableSpec s;
    s.one_peer_sizes = {8, 16, 12};
    s.cut_cycles = 300;  // (1 − p)^300 = 1.6e-8 ≤ 1e-6 (p = 0.058)
    s.schedules = {{"torus:4x4", "static"},
                   {"ring:8", "static"},
                   {"ring:6", "random-spanning-tree"},
                   {"ring:8", "adversarial-tree:3"},
                   {"ring:12", "random-spanning-tree"}};
    s.kappas = {10, 100, 1000};
    return s;
  }
};

// ---------------------------------------------------------------- (b) one-peer exponential

/// Row (b) for one n: ||W_{τ−1}⋯W_0 − J||₂ of the given rounds (τ = rounds.size()), asserted
/// ≤ 1e-14 when n is a power of two [DER], reported otherwise.
inline RateRow one_peer_row(Index n, const std::vector<SparseMatrix>& rounds) {
  const Theorem th = theorems::one_peer_exact_averaging();
  RateRow row = theorem_row(th, RateRow{.table = "time-varying"});
  row.graph = "one-peer-exponential, n = " + std::to_string(n);
  row.quantity = "||W_{" + std::to_string(rounds.size()) + "-1}...W_0 - J||_2 after log2 n rounds";
  Matrix<double> prod = Matrix<double>::Identity(n, n);
  for (const SparseMatrix& w : rounds) prod = Matrix<double>(w) * prod;
  prod.array() -= 1.0 / static_cast<double>(n);
  const double residual = Eigen::JacobiSVD<Matrix<double>>(prod).singularValues()(0);
  row.command = "adonis run --algorithm gossip --graph complete:" + std::to_string(n) +
                " --sequence one-peer-exponential --iterations " + std::to_string(rounds.size()) + " --measure";
  if ((n & (n - 1)) == 0) return judge_bound(row, th.value, residual, 0);
  return report_only(row, residual, "n is not a power of two: the rounds do not average exactly (residual reported)");
}

/// The rounds of OnePeerExponentialSequence(n) over one period, ⌈log2 n⌉ of them.
inline std::vector<SparseMatrix> one_peer_rounds(Index n) {
  const OnePeerExponentialSequence s(n);
  std::vector<SparseMatrix> rounds;
  for (Round t = 0; t < s.period(); ++t) rounds.push_back(s.mixing(t));
  return rounds;
}

// ---------------------------------------------------------------- (c) a cut never crossed

/// The cycle of path:n's edges (k, k+1), one a round (W = I − L_e/2), with the edge `cut`
/// replaced by an idle round (W = I) unless `with_cut`: row (c)'s sequence and its twin.
inline PeriodicSequence path_edge_cycle(Index n, Index cut, bool with_cut) {
  std::vector<SparseMatrix> rounds;
  for (Index k = 0; k + 1 < n; ++k) {
    Graph g(static_cast<std::size_t>(n));
    if (k != cut || with_cut) add_edge_unique(g, k, k + 1);
    rounds.push_back(laplacian_weights(g, 2.0));
  }
  return PeriodicSequence(std::move(rounds));
}

/// The measurements of row (c) on a sequence over path:n cut between `cut` and cut + 1.
struct CutRun {
  double gap_change = 0;  ///< max_t |gap_t − gap_0| / |gap_0|
  double disagreement = 1;  ///< ||X_T − X̄||² / ||X_0 − X̄||²
  double p = 0;           ///< the sequence's exact periodic p (blocks of its period)
  Round rounds = 0;
};

/// Runs `s` (n nodes, period τ) for `cycles` periods from X_0 = random_start(n, 1, 0) and
/// records the gap between the averages of nodes [0, cut] and [cut + 1, n), and the final
/// disagreement.
inline CutRun cut_run(const PeriodicSequence& s, Index cut, Round cycles) {
  const Index n = s.num_nodes();
  CutRun r;
  r.p = s.consensus_rate().p;
  r.rounds = cycles * s.period();
  Vector<double> x = random_start(n, 1, 0).col(0), next(n);
  const auto gap = [&](const Vector<double>& v) {
    return v.head(cut + 1).mean() - v.tail(n - cut - 1).mean();
  };
  const auto spread = [](const Vector<double>& v) { return (v.array() - v.mean()).matrix().squaredNorm(); };
  const double gap0 = gap(x), spread0 = spread(x);
  for (Round t = 0; t < r.rounds; ++t) {
    next.noalias() = s.mixing(t) * x;
    x.swap(next);
    r.gap_change = std::max(r.gap_change, std::abs(gap(x) - gap0) / std::abs(gap0));
  }
  r.disagreement = spread(x) / spread0;
  return r;
}

/// Row (c): `cut_free` never crosses the cut (the gap is invariant, [DER]: ≤ 1e-12), `twin`
/// does once a period and converges (its disagreement ≤ (1 − p)^cycles, and that bound ≤ 1e-6).
inline std::vector<RateRow> cut_rows(const PeriodicSequence& cut_free, const PeriodicSequence& twin, Index cut,
                                     Round cycles) {
  using adonis::detail::short_number;
  const Theorem th = theorems::cut_gap_invariance();
  const std::string graph = "path:" + std::to_string(cut_free.num_nodes()) + ", cut (" + std::to_string(cut) + ", " +
                            std::to_string(cut + 1) + ")";
  const CutRun a = cut_run(cut_free, cut, cycles);
  RateRow inv = theorem_row(th, RateRow{.table = "time-varying"});
  inv.graph = graph + ", the cut edge never used";
  inv.quantity = "max_t |gap_t - gap_0|/|gap_0| over " + std::to_string(a.rounds) + " rounds (gap: the halves' averages)";
  inv = judge_bound(inv, th.value, a.gap_change, 0);
  adonis::detail::append_note(inv, "exact p of the cycle = " + short_number(a.p) + ", final disagreement ratio " +
                                       short_number(a.disagreement));
  const CutRun b = cut_run(twin, cut, cycles);
  const double bound = std::pow(1 - b.p, static_cast<double>(cycles));
  RateRow conv = theorem_row(th, RateRow{.table = "time-varying"});
  conv.graph = graph + ", the cut edge once every " + std::to_string(twin.period()) + " rounds";
  conv.source = "derived: ||X_{kτ} - X̄||² <= ||W_block - J||^{2k} ||X_0 - X̄||² = (1 - p)^k ||X_0 - X̄||², p exact "
                "(theory-rates.md §4c)";
  conv.quantity = "||X_T - X̄||²/||X_0 - X̄||² after " + std::to_string(cycles) + " periods";
  conv = judge_bound(conv, bound, b.disagreement, 0);
  adonis::detail::append_note(conv, "p = " + short_number(b.p));
  if (!(bound <= 1e-6)) {
    conv.verdict = Verdict::violated;
    adonis::detail::append_note(conv, "VIOLATED: the twin does not converge: (1 - p)^" + std::to_string(cycles) +
                                          " = " + short_number(bound) + " > 1e-6");
  }
  return {inv, conv};
}

// ---------------------------------------------------------------- (e) ADOM+ against χ̄ and κ

/// One run of row (e): ADOM+ (and gradient tracking beside it) on a schedule and a κ quadratic.
struct AdomRun {
  TimeVaryingSchedule schedule{};
  double kappa = 0, chi = 0;
  std::string chi_source{};
  Round rounds = -1;     ///< ADOM+'s rounds to ε (−1: not reached)
  double best = 1;       ///< ADOM+'s smallest relative distance
  Round gt_rounds = -1;  ///< gradient tracking's (default step) rounds to ε (−1: not within its budget)
  double gt_best = 1;
  Round gt_budget = 0;
  std::string command{};
};

/// Rounds to a relative distance ≤ eps of `alg` from X_0 = 0, within `budget` rounds (−1 if
/// not reached); `best` gets the smallest relative distance.
template <class Alg>
Round rounds_to_eps(Alg& alg, Index n, Index d, const Vector<double>& x_star, double eps, Round budget, double& best) {
  std::vector<double> ratio;
  Iterates<double> x = Iterates<double>::Zero(n, d);
  alg.run(x, RunOptions{.max_rounds = budget}, RelativeDistanceObserver(ratio, x_star, eps));
  best = *std::min_element(ratio.begin(), ratio.end());
  return ratio.back() <= eps ? static_cast<Round>(ratio.size()) - 1 : -1;
}

/// ADOM+ and gradient tracking on `schedule` with quadratic:dim=5,L=κ,mu=1,zeta=1.
inline AdomRun adom_run(const TimeVaryingSchedule& schedule, double kappa, double eps, Round max_rounds) {
  AdomRun r{.schedule = schedule, .kappa = kappa};
  const Graph g = make_graph(schedule.graph);
  const Index n = num_nodes(g);
  const std::string problem = optimal_problem_spec(kappa);
  const ProblemInstance inst = make_problem(problem, n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const ReferenceSolution ref = reference_solution(p);
  const AdomGossipBound b = visit_sequence(g, schedule.sequence, "metropolis", 0,
                                           [](const auto& s) { return adom_gossip_bound(s); });
  r.chi = b.chi;
  r.chi_source = b.source;
  AdomPlus adom(p, make_sequence(g, schedule.sequence, "metropolis", 0),
                AdomPlusOptions{.chi = b.chi, .gossip_scale = b.scale, .check_rounds = false});
  r.rounds = rounds_to_eps(adom, n, p.dim(), ref.x, eps, max_rounds, r.best);
  // gradient tracking beside it, with a budget of 10x ADOM+'s rounds (its own if ADOM+ failed)
  r.gt_budget = 10 * (r.rounds > 0 ? r.rounds : max_rounds / 10);
  GradientTracking gt(p, make_sequence(g, schedule.sequence, "metropolis", 0));
  r.gt_rounds = rounds_to_eps(gt, n, p.dim(), ref.x, eps, r.gt_budget, r.gt_best);
  r.command = "adonis run --algorithm adom-plus --graph " + schedule.graph + " --sequence " + schedule.sequence +
              " --problem " + problem + " --iterations " + std::to_string(r.rounds > 0 ? r.rounds : max_rounds) +
              " --measure";
  return r;
}

/// Every run of row (e) (the χ̄ sweep, then the κ sweep), with progress and provenance.
inline std::vector<AdomRun> adom_run_all(const std::vector<TimeVaryingSchedule>& schedules,
                                         const std::vector<double>& kappas, const TimeVaryingTableSpec& spec,
                                         experiment::Context& ctx, const std::string& sweep) {
  std::vector<AdomRun> runs;
  for (const auto& sc : schedules)
    for (double kappa : kappas) {
      const auto start = std::chrono::steady_clock::now();
      AdomRun r = adom_run(sc, kappa, spec.eps, spec.max_rounds);
      ctx.progress() << "rates: time-varying adom-plus " << sc.graph << " " << sc.sequence << " kappa = " << kappa
                     << ": chi = " << r.chi << ", " << r.rounds << " rounds (gradient tracking " << r.gt_rounds
                     << ") (" << seconds_since(start) << " s)\n";
      ctx.provenance()["adom_plus_runs"].push_back({{"sweep", sweep},
                                                    {"graph", sc.graph},
                                                    {"sequence", sc.sequence},
                                                    {"kappa", kappa},
                                                    {"chi_bar", r.chi},
                                                    {"chi_bar_source", r.chi_source},
                                                    {"rounds", r.rounds},
                                                    {"best_ratio", r.best},
                                                    {"gradient_tracking_rounds", r.gt_rounds},
                                                    {"gradient_tracking_budget", r.gt_budget},
                                                    {"command", r.command}});
      runs.push_back(std::move(r));
    }
  return runs;
}

/// A slope row of (e): log-log slope of ADOM+'s rounds against `x` over the runs, ≤ limit;
/// a run that did not reach ε makes it VIOLATED.
inline RateRow adom_slope_row(const Theorem& th, const std::vector<AdomRun>& runs, bool against_chi, double limit,
                              double eps, ScalingGroup& group) {
  using adonis::detail::short_number;
  RateRow row = theorem_row(th, RateRow{.table = "time-varying"});
  group.predicted_slope = th.value;
  std::string missing;
  for (const AdomRun& r : runs) {
    if (r.rounds <= 0) {
      missing += (missing.empty() ? "" : "; ") + r.schedule.graph + " " + r.schedule.sequence + " κ = " +
                 short_number(r.kappa) + " (best ratio " + short_number(r.best) + ")";
      continue;
    }
    group.x.push_back(against_chi ? r.chi : r.kappa);
    group.y.push_back(static_cast<double>(r.rounds));
  }
  double lo = runs.front().chi, hi = lo;
  for (const AdomRun& r : runs) {
    lo = std::min(lo, r.chi);
    hi = std::max(hi, r.chi);
  }
  row.graph = against_chi ? std::to_string(runs.size()) + " schedules, chi_bar " + short_number(lo) + " ... " +
                                short_number(hi)
                          : runs.front().schedule.graph + " " + runs.front().schedule.sequence;
  row.problem = against_chi ? optimal_problem_spec(runs.front().kappa) : "quadratic:dim=5,L=κ,mu=1,zeta=1";
  row.quantity = "log-log slope of the rounds to ε = " + short_number(eps) + " vs " + (against_chi ? "chi_bar" : "κ");
  if (group.x.size() < 3) {
    row = judge_slope_at_most(row, limit, std::numeric_limits<double>::quiet_NaN());
  } else {
    group.fit = fit_power_law(group.x, group.y);
    row = judge_slope_at_most(row, limit, group.fit.slope);
    adonis::detail::append_note(row, describe_fit(group.fit) + "; expected ≈ " + short_number(th.value));
  }
  if (!missing.empty()) {
    row.verdict = Verdict::violated;
    adonis::detail::append_note(row, "VIOLATED: did not reach ε: " + missing);
  }
  return row;
}

/// Per run of the χ̄ sweep, a report row: the lower bound's ratio rounds/(χ̄ √κ ln(1/ε)) and
/// gradient tracking's rounds beside ADOM+'s.
inline RateRow adom_report_row(const AdomRun& r, double eps) {
  using adonis::detail::short_number;
  RateRow row = theorem_row(theorems::time_varying_lower_bound(), RateRow{.table = "time-varying"});
  row.graph = r.schedule.graph + " " + r.schedule.sequence;
  row.problem = optimal_problem_spec(r.kappa);
  row.quantity = "ADOM+ rounds to ε / (chi_bar √κ ln(1/ε))";
  row.command = r.command;
  const double ratio = r.rounds > 0 ? static_cast<double>(r.rounds) / (r.chi * std::sqrt(r.kappa) * std::log(1 / eps))
                                    : std::numeric_limits<double>::quiet_NaN();
  const std::string gt = r.gt_rounds > 0 ? std::to_string(r.gt_rounds) + " rounds"
                                         : "not within " + std::to_string(r.gt_budget) + " rounds (best ratio " +
                                               short_number(r.gt_best) + ")";
  const std::string winner = r.gt_rounds > 0 && r.gt_rounds < r.rounds ? "gradient tracking" : "ADOM+";
  return report_only(row, ratio,
                     "the lower bound's constant is [REC]: reported (chi_bar = " + short_number(r.chi) + ", " +
                         r.chi_source + "; ADOM+ " + std::to_string(r.rounds) + " rounds, gradient tracking " + gt +
                         ": fewer rounds by " + winner + ")");
}

/// The time-varying table: rows (b), (c), (e) (see the file comment); with an output directory
/// the ADOM+ scaling figure (rounds vs χ̄ and vs κ).
inline std::vector<RateRow> time_varying_rows(const TimeVaryingTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  ctx.provenance()["eps"] = spec.eps;
  std::vector<RateRow> rows;
  for (Index n : spec.one_peer_sizes) rows.push_back(one_peer_row(n, one_peer_rounds(n)));
  for (RateRow& r : cut_rows(path_edge_cycle(16, 7, false), path_edge_cycle(16, 7, true), 7, spec.cut_cycles))
    rows.push_back(std::move(r));
  const std::vector<AdomRun> chi_runs = adom_run_all(spec.schedules, {spec.kappa}, spec, ctx, "chi");
  if (spec.kappa_schedule >= spec.schedules.size())
    adonis::detail::fail("time-varying table", "kappa_schedule must index schedules (got ", spec.kappa_schedule,
                         " of ", spec.schedules.size(), ")");
  const TimeVaryingSchedule& kappa_schedule = spec.schedules[spec.kappa_schedule];
  const std::vector<AdomRun> kappa_runs = adom_run_all({kappa_schedule}, spec.kappas, spec, ctx, "kappa");
  ScalingGroup by_chi{.label = "ADOM+ vs chi_bar"}, by_kappa{.label = "ADOM+ vs kappa"};
  rows.push_back(adom_slope_row(theorems::adom_plus_rounds_chi(), chi_runs, true, spec.chi_limit, spec.eps, by_chi));
  rows.push_back(
      adom_slope_row(theorems::adom_plus_rounds_kappa(), kappa_runs, false, spec.kappa_limit, spec.eps, by_kappa));
  for (const AdomRun& r : chi_runs) rows.push_back(adom_report_row(r, spec.eps));
  if (!by_chi.x.empty())
    write_scaling_figure(ctx, "adom_plus_chi", "time_varying_adom_chi",
                         "ADOM+: rounds to eps = " + adonis::detail::short_number(spec.eps) + ", kappa = " +
                             adonis::detail::short_number(spec.kappa),
                         "chi_bar", "communication rounds to eps", {by_chi});
  if (!by_kappa.x.empty())
    write_scaling_figure(ctx, "adom_plus_kappa", "time_varying_adom_kappa",
                         "ADOM+ on " + kappa_schedule.graph + " " + kappa_schedule.sequence,
                         "kappa = L/mu", "communication rounds to eps", {by_kappa});
  return rows;
}

}  // namespace adonis::tables
