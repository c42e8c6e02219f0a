// SPDX-License-Identifier: BSD-3-Clause
/// @file compression.hpp
/// @brief The `compression` rate table: CHOCO-Gossip's consensus rate at the consistent step γ*,
///        its scaling with the compression quality δ and the spectral gap ρ, and the erratum of
///        the step printed in ICLR'20 (Koloskova, Stich & Jaggi, ICML 2019; Koloskova, Lin, Stich
///        & Jaggi, ICLR 2020; theory-rates.md §10, "Empirical check" (a)–(d)).
///
/// ρ = 1 − ||W − J|| (ICLR'20's ρ), β = ||I − W||, D = 16ρ + ρ² + 4β² + 2ρβ² − 8ρδ; the
/// consistent step is γ* = ρδ/D (choco_theory_gamma), the printed one ρ²δ/D = ρ·γ*
/// (choco_printed_gamma). e_t = ||X − 1x̄ᵀ||² + ||X − X̂||². Metropolis W throughout.
/// - (a) at γ*, top-k and random-k (k = gap_k of d = 20), `seeds` seeds from X_0 = iid N(0, I_d)
///   rows (the seed's draw of `adonis run`): the contraction of e_t per round (log-linear fit of
///   the second half of the run to e_t ≤ ε e_0), mean over seeds, ≤ 1 − ρ²δ/82 ([DER] bound,
///   judged with 5 SE); the tightness (1 − r)/(ρ²δ/82) is reported.
/// - (b) at γ*, rounds to e_t ≤ ε e_0 (mean over seeds): log-log slope in 1/δ (top-k, torus:4x4)
///   ≤ 1.2 and in 1/ρ (top-k, the gap graphs) ≤ 2.2.
/// - identity compression (δ = 1) at γ*, from the slowest mode of W: the measured per-round
///   factor of e_t ≤ 1 − ρ²/82 ([DER] bound; fed the printed step on ring:24 and ring:32 it is
///   VIOLATED, tests/tables/test_compression_table.cpp).
/// - (c) the printed step, Q = identity, slowest-mode start, on ring:17, 24, 32, 64: the measured
///   decay 1 − r, r = (e_T/e_1)^{1/(T−1)}, equals the exact 1 − max_k(1 − γ(1 − λ_k))² to 1e-6
///   relative ([DER] evidence), shown against the printed claim ρ²/82 (verdict `erratum` where
///   it fails); beside it the bound 1 − ρ³δ/82 the printed step does support, and the slope of
///   the rounds to ε (ln(1/ε)/(−ln r)) in 1/ρ, ≤ 3.2.
/// - (d) Q = identity: after the first round X_{t+1} = ((1 − γ)I + γW) X_t, to 1e-12.
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
#include "tables/common.hpp"
#include "tables/scaling.hpp"

namespace adonis::tables {

/// Graphs, compressions and accuracy of the compression table.
struct CompressionTableSpec {
  Index dim = 20;
  std::string delta_graph = "torus:4x4";             ///< ρ fixed
  std::vector<Index> ks{1, 2, 5, 10, 20};            ///< top-k, δ = k/d
  std::vector<std::string> gap_graphs{"complete:16", "hypercube:4", "torus:5x5",
                                      "ring:8",      "ring:12",     "ring:16"};  ///< δ fixed
  Index gap_k = 5;                                   ///< k of the ρ regression and of the bound rows (a)
  std::vector<std::string> compressors{"top-k", "random-k"};  ///< of the bound rows (a)
  /// graphs of the identity-compression rows at γ* (δ = 1, slowest-mode start)
  std::vector<std::string> identity_graphs{"ring:8", "ring:16", "ring:24", "ring:32", "ring:64", "torus:8x8"};
  /// graphs of the erratum rows (printed γ, δ = 1, slowest-mode start)
  std::vector<std::string> erratum_graphs{"ring:17", "ring:24", "ring:32", "ring:64"};
  Round identity_rounds = 20000;  ///< T of the slowest-mode runs
  std::string recursion_graph = "ring:16";
  Round recursion_rounds = 500;
  int seeds = 20;
  double eps = 1e-4;                                 ///< on e_t / e_0
  Round max_rounds = 3'000'000;                      ///< not reaching ε is VIOLATED
  double delta_limit = 1.2, gap_limit = 2.2;         ///< theory-rates.md §10(b)
  double printed_gap_limit = 3.2;                    ///< §10(c)
  double exact_tol = 1e-6;                           ///< on the decay 1 − r, §10(c)

  /// The reduced sizes of `--quick`.
  static CompressionTableSpec quick() {
    CompressionTableSpec s;
    s.ks = {1, 4, 20};
    s.gap_graphs = {"complete:16", "torus:4x4", "ring:8", "ring:12"};
    s.seeds = 4;
    s.identity_graphs = {"ring:16", "ring:24", "ring:32"};
    return s;
  }
};

/// One CHOCO-Gossip run: rounds until e_t ≤ eps e_0 (−1: not within max_rounds).
struct CompressionRun {
  std::string graph{}, compressor{};
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

/// Runs CHOCO-Gossip (compressor SPEC `compressor_spec`, at γ*) on `graph_spec` from
/// `adonis run`'s X_0 of `seed`, until e_t ≤ eps e_0.
inline CompressionRun compression_run(const std::string& graph_spec, Index d, const std::string& compressor_spec,
                                      std::uint64_t seed, double eps, Round max_rounds) {
  const Graph g = make_graph(graph_spec);
  const Index n = num_nodes(g);
  const SparseMatrix w = metropolis_weights(g);
  const Compressor comp = parse_compressor(compressor_spec, d);
  CompressionRun r{.graph = graph_spec, .compressor = compressor_spec, .seed = seed};
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
  r.command = "adonis run --algorithm choco-gossip --graph " + graph_spec + " --compressor " + compressor_spec +
              " --gamma theory --dim " + std::to_string(d) + " --seed " + std::to_string(seed) + " --iterations " +
              std::to_string(static_cast<Round>(e.size()) - 1) + " --measure";
  return r;
}

/// Which consensus step a slowest-mode run uses.
enum class ChocoStep { consistent, printed };

/// CHOCO-Gossip with Q = identity from the slowest mode of W (every column the unit
/// λ2-eigenvector, d = 1): the measured and the exact per-round decay of e_t.
struct SlowestModeRun {
  std::string graph{};
  ChocoStep step = ChocoStep::consistent;
  double gap = 0, gamma = 0;
  double decay = 0;        ///< 1 − r, r = (e_T/e_1)^{1/(T−1)} (computed as −expm1, no cancellation)
  double decay_exact = 0;  ///< min_{k≥2} γλ_k(2 − γλ_k) = 1 − max_k (1 − γλ_k)², λ_k of I − W
  Round rounds = 0;
  std::string command{};
};

/// Runs CHOCO-Gossip with Q = identity at the step `step` from the slowest mode of the Metropolis
/// W of `graph_spec` for `rounds` rounds, or fewer where e_t would fall by more than exp(−40)
/// (then X − X̄ nears its rounding floor), and measures its decay per round.
inline SlowestModeRun slowest_mode_run(const std::string& graph_spec, ChocoStep step, Round rounds) {
  const Graph g = make_graph(graph_spec);
  const SparseMatrix w = metropolis_weights(g);
  SlowestModeRun r{.graph = graph_spec, .step = step, .rounds = rounds};
  r.gap = 1 - adonis::detail::mixing_spectrum(w).slem;
  r.gamma = step == ChocoStep::consistent ? choco_theory_gamma(w, 1.0) : choco_printed_gamma(w, 1.0);
  const LaplacianEnds ends = laplacian_ends(sparse_identity(num_nodes(g)) - w);
  auto decay_at = [&](double lambda) { return r.gamma * lambda * (2 - r.gamma * lambda); };
  r.decay_exact = std::min(decay_at(ends.lambda2), decay_at(ends.lambda_max));
  // e_t falls by exp(−40) at most: far above the rounding floor of X − X̄ (~1e-33 e_1)
  r.rounds = std::min<Round>(rounds, std::max<Round>(100, static_cast<Round>(std::ceil(40 / r.decay_exact))));
  Iterates<double> x = slowest_mode(w);
  ChocoGossip alg(StaticSequence{w}, ChocoGossipOptions{.gamma = r.gamma, .compressor = parse_compressor("identity", 1)});
  ChocoLyapunovObserver lyapunov;
  alg.run(x, RunOptions{.max_rounds = r.rounds}, lyapunov);
  const auto& e = lyapunov.values();
  r.decay = -std::expm1(std::log(e.back() / e[1]) / static_cast<double>(e.size() - 2));
  r.command = "adonis run --algorithm choco-gossip --graph " + graph_spec + " --compressor identity --gamma " +
              (step == ChocoStep::consistent ? "theory" : "printed") + " --start slowest-mode --dim 1 --iterations " +
              std::to_string(r.rounds) + " --measure";
  return r;
}

namespace compression_detail {

using adonis::detail::short_number;

/// The rows' common identification.
inline RateRow base_row(const CompressionTableSpec& spec) {
  return {.table = "compression", .problem = "none (X_0 iid N(0, I_" + std::to_string(spec.dim) + "))"};
}

/// Mean rounds to ε over the seeds at one (graph, compressor), with every run's per-round tail
/// rate (x = 1/δ or 1/ρ of the slope regressions).
struct Point {
  std::string graph{}, compressor{};
  double delta = 0, gap = 0, hits = 0;
  bool reached = true;
  std::vector<double> rates{};  ///< the tail contraction of every seed
  std::string command{};        ///< of the first seed
  std::string where() const { return graph + " " + compressor; }
};

/// Runs CHOCO-Gossip with `compressor` on `graph` over spec.seeds seeds (each run in
/// provenance["runs"], progress on `log`): the mean rounds to ε and the per-seed tail rates.
inline Point measure_point(const CompressionTableSpec& spec, const std::string& graph, const std::string& compressor,
                           nlohmann::ordered_json& provenance, std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  Point p{.graph = graph, .compressor = compressor};
  std::vector<double> hits;
  for (int s = 0; s < spec.seeds; ++s) {
    const auto seed = static_cast<std::uint64_t>(s);
    const CompressionRun r = compression_run(graph, spec.dim, compressor, seed, spec.eps, spec.max_rounds);
    provenance["runs"].push_back({{"graph", r.graph}, {"compressor", r.compressor}, {"seed", r.seed},
                                  {"gap", r.gap},     {"delta", r.delta},           {"gamma", r.gamma},
                                  {"T", r.hit},       {"lyapunov_ratio", r.ratio_at_hit}, {"command", r.command}});
    p.delta = r.delta;
    p.gap = r.gap;
    if (p.command.empty()) p.command = r.command;
    if (r.hit < 0) p.reached = false;
    hits.push_back(static_cast<double>(r.hit));
    p.rates.push_back(r.tail.rate);
  }
  p.hits = aggregate(hits).mean;
  log << "rates: compression " << p.where() << ": mean T = " << p.hits << " over " << spec.seeds << " seeds ("
      << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s)\n";
  return p;
}

/// A slope row (b): log-log slope of the mean rounds to ε against 1/δ or 1/ρ, ≤ limit.
inline RateRow slope_row(const CompressionTableSpec& spec, const Theorem& th, RateRow row,
                         const std::vector<Point>& points, bool by_delta, double limit, ScalingGroup& group) {
  std::string missing;
  for (const auto& p : points) {
    if (!p.reached) {
      missing += (missing.empty() ? "" : ", ") + p.where();
      continue;
    }
    group.x.push_back(by_delta ? 1 / p.delta : 1 / p.gap);
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
  return row;
}

/// A bound row (a): the mean tail contraction over the seeds ≤ 1 − ρ²δ/82, with its tightness.
inline RateRow bound_row(const CompressionTableSpec& spec, const Point& p) {
  const Theorem th = theorems::choco_gossip(p.gap, p.delta);
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = p.graph;
  row.quantity = "contraction of e_t per round at γ*, fit of the second half of the run to e_t ≤ " +
                 short_number(spec.eps) + " e_0 (" + p.compressor + ", mean of " + std::to_string(p.rates.size()) +
                 " seeds), bound 1 − ρ²δ/82";
  row.command = p.command;
  const SeedStats stats = aggregate(p.rates);
  row = judge_bound(row, th.value, stats);
  adonis::detail::append_note(row, "tightness (1 − r)/(ρ²δ/82) = " + short_number((1 - stats.mean) / (1 - th.value)) +
                                       " (ρ = " + short_number(p.gap) + ", δ = " + short_number(p.delta) + ")");
  return row;
}

/// The identity-compression bound row at γ*: the measured factor r of a slowest-mode run
/// ≤ 1 − ρ²/82. Fed a run at the printed step instead, the same judge must say VIOLATED
/// where the printed statement fails (the row cannot hide the erratum).
inline RateRow identity_bound_row(const CompressionTableSpec& spec, const SlowestModeRun& run) {
  const Theorem th = theorems::choco_gossip(run.gap, 1.0);
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = run.graph;
  row.problem = "none (X_0 = slowest mode of W)";
  row.quantity = "per-round factor r of e_t, identity compression (δ = 1), γ = " + short_number(run.gamma) +
                 ", rounds 1…" + std::to_string(run.rounds) + ", bound 1 − ρ²δ/82";
  row.command = run.command;
  row = judge_bound(row, th.value, 1 - run.decay, 0.0);
  adonis::detail::append_note(row, "decay per round: measured " + adonis::detail::format_number(run.decay, 6) +
                                       ", exact " + adonis::detail::format_number(run.decay_exact, 6) +
                                       ", theorem " + short_number(1 - th.value) + " (ρ = " + short_number(run.gap) + ")");
  return row;
}

/// The erratum row (c): the measured decay equals the exact one (evidence), against the printed
/// claim decay ≥ ρ²/82.
inline RateRow erratum_row(const CompressionTableSpec& spec, const SlowestModeRun& run) {
  const Theorem th = theorems::choco_gossip_printed(run.gap, 1.0);
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = run.graph;
  row.problem = "none (X_0 = slowest mode of W)";
  row.quantity = "decay per round 1 − r of e_t at the printed γ = " + short_number(run.gamma) +
                 ", identity compression, r = (e_T/e_1)^(1/(T−1)), T = " + std::to_string(run.rounds) +
                 "; exact 1 − max_k (1 − γ(1 − λ_k))²";
  row.command = run.command;
  return judge_erratum(row, run.decay_exact, run.decay, spec.exact_tol,
                       PublishedClaim{.statement = "decay ≥ ρ²δ/82 = " + adonis::detail::format_number(th.value, 6) +
                                                   " at γ = ρ²δ/D (ICLR'20 Thm. 4.1)",
                                      .value = th.value,
                                      .at_least = true});
}

/// The twin of an erratum row: the bound 1 − ρ³δ/82 that the printed step does support.
inline RateRow printed_supported_row(const CompressionTableSpec& spec, const SlowestModeRun& run) {
  const Theorem th = theorems::choco_gossip_printed_supported(run.gap, 1.0);
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = run.graph;
  row.problem = "none (X_0 = slowest mode of W)";
  row.quantity = "per-round factor r of e_t at the printed γ = " + short_number(run.gamma) +
                 ", identity compression, bound 1 − ρ³δ/82";
  row.command = run.command;
  row = judge_bound(row, th.value, 1 - run.decay, 0.0);
  adonis::detail::append_note(row, "decay per round: measured " + adonis::detail::format_number(run.decay, 6) +
                                       ", supported bound ρ³/82 = " +
                                       adonis::detail::format_number(1 - th.value, 6));
  return row;
}

/// Slope (c) of the rounds to ε = ln(1/ε)/(−ln r) at the printed step, against 1/ρ, ≤ 3.2.
inline RateRow printed_slope_row(const CompressionTableSpec& spec, const std::vector<SlowestModeRun>& runs,
                                 ScalingGroup& group) {
  const Theorem th = theorems::choco_gossip_rounds_gap_printed();
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = std::to_string(runs.size()) + " rings (" + (runs.empty() ? std::string() : runs.front().graph) + " … " +
              (runs.empty() ? std::string() : runs.back().graph) + ")";
  row.problem = "none (X_0 = slowest mode of W)";
  row.quantity = "log-log slope of the rounds to e_t ≤ " + short_number(spec.eps) +
                 " e_1, ln(1/ε)/(−ln r) from the measured r, vs 1/ρ, printed γ, identity compression";
  for (const auto& r : runs) {
    group.x.push_back(1 / r.gap);
    group.y.push_back(std::log(1 / spec.eps) / -std::log1p(-r.decay));
  }
  if (group.x.size() >= 3) {
    group.fit = fit_power_law(group.x, group.y);
    row = judge_slope_at_most(row, spec.printed_gap_limit, group.fit.slope);
    adonis::detail::append_note(row, describe_fit(group.fit) + "; at γ*: exponent 2");
  } else {
    row = judge_slope_at_most(row, spec.printed_gap_limit, std::numeric_limits<double>::quiet_NaN());
  }
  return row;
}

/// (d): CHOCO-Gossip with Q = identity against the recursion X_{t+1} = ((1 − γ)I + γW) X_t
/// from X_1 = X_0; measured = max over t of ||X_t − X_t^rec||_F / ||X_t^rec||_F.
inline RateRow recursion_row(const CompressionTableSpec& spec) {
  const Graph g = make_graph(spec.recursion_graph);
  const SparseMatrix w = metropolis_weights(g);
  const double gamma = choco_theory_gamma(w, 1.0);
  Iterates<double> x(num_nodes(g), spec.dim);
  SplitMix64 rng(0, 101, 0);
  for (Index j = 0; j < x.size(); ++j) x.data()[j] = standard_normal(rng);
  ChocoGossip alg(StaticSequence{w}, ChocoGossipOptions{.gamma = gamma, .compressor = parse_compressor("identity", spec.dim)});
  alg.init(x);
  alg.step();  // the first round fills X̂ and leaves X unchanged
  Iterates<double> rec = x;
  double worst = (alg.iterates() - rec).norm() / rec.norm();
  for (Round t = 1; t < spec.recursion_rounds; ++t) {
    alg.step();
    rec = ((1 - gamma) * rec + gamma * (w * rec)).eval();
    worst = std::max(worst, (alg.iterates() - rec).norm() / rec.norm());
  }
  const Theorem th = theorems::choco_identity_recursion();
  RateRow row = theorem_row(th, base_row(spec));
  row.graph = spec.recursion_graph;
  row.quantity = "max_t ||X_t − X_t^rec|| / ||X_t^rec||, X^rec_{t+1} = ((1 − γ)I + γW) X^rec_t from X_1, γ = γ*, " +
                 std::to_string(spec.recursion_rounds) + " rounds (exact up to rounding)";
  row.command = "adonis run --algorithm choco-gossip --graph " + spec.recursion_graph +
                " --compressor identity --gamma theory --dim " + std::to_string(spec.dim) + " --iterations " +
                std::to_string(spec.recursion_rounds);
  return judge_bound(row, th.value, worst, 0.0);
}

/// Records a slowest-mode run in provenance["slowest_mode_runs"] with its command.
inline void record_slowest(nlohmann::ordered_json& provenance, const SlowestModeRun& r) {
  provenance["slowest_mode_runs"].push_back({{"graph", r.graph},
                                             {"step", r.step == ChocoStep::consistent ? "consistent" : "printed"},
                                             {"gap", r.gap},
                                             {"gamma", r.gamma},
                                             {"decay", r.decay},
                                             {"decay_exact", r.decay_exact},
                                             {"rounds", r.rounds},
                                             {"command", r.command}});
}

}  // namespace compression_detail

/// The compression table's measurements: the points of the δ and ρ scalings (top-k) and the
/// other compressors, and the slowest-mode runs at γ* and at the printed step.
struct CompressionRuns {
  std::vector<compression_detail::Point> by_delta{}, by_gap{}, others{};
  std::vector<SlowestModeRun> identity{}, printed{};
};

/// Runs every measurement of the compression table (progress on the context's log); every run
/// goes into the provenance with its command.
inline CompressionRuns compression_run_all(const CompressionTableSpec& spec, experiment::Context& ctx) {
  using namespace compression_detail;
  nlohmann::ordered_json& provenance = ctx.provenance();
  std::ostream& log = ctx.progress();
  CompressionRuns out;
  for (Index k : spec.ks)
    out.by_delta.push_back(measure_point(spec, spec.delta_graph, "top-k:" + std::to_string(k), provenance, log));
  for (const auto& graph : spec.gap_graphs)
    for (const auto& c : spec.compressors) {
      Point p = measure_point(spec, graph, c + ":" + std::to_string(spec.gap_k), provenance, log);
      (c == "top-k" ? out.by_gap : out.others).push_back(std::move(p));
    }
  for (const auto& graph : spec.identity_graphs)
    out.identity.push_back(slowest_mode_run(graph, ChocoStep::consistent, spec.identity_rounds));
  for (const auto& graph : spec.erratum_graphs)
    out.printed.push_back(slowest_mode_run(graph, ChocoStep::printed, spec.identity_rounds));
  for (const auto* runs : {&out.identity, &out.printed})
    for (const auto& r : *runs) record_slowest(provenance, r);
  log << "rates: compression: " << out.identity.size() + out.printed.size() << " slowest-mode runs of "
      << spec.identity_rounds << " rounds\n";
  return out;
}

/// The scaling groups of the compression figures, filled by the slope rows.
struct CompressionGroups {
  ScalingGroup delta{}, gap{}, printed{};
};

/// Judges the compression table: (b) the slopes at γ*, (a) the rate at γ* on every graph and
/// compressor, (c) the printed step's errata, the bound it supports and its slope, (d) the exact
/// identity recursion. Fills `groups` for the figures.
inline std::vector<RateRow> compression_judge(const CompressionTableSpec& spec, const CompressionRuns& runs,
                                              CompressionGroups& groups) {
  using namespace compression_detail;
  std::vector<RateRow> rows;
  // ---- (b) slopes at γ*
  const Theorem delta_th = theorems::choco_gossip_rounds_delta(), gap_th = theorems::choco_gossip_rounds_gap();
  groups.delta = ScalingGroup{.label = spec.delta_graph, .predicted_slope = delta_th.value};
  RateRow delta_row = theorem_row(delta_th, base_row(spec));
  delta_row.graph = spec.delta_graph;
  delta_row.quantity = "log-log slope of the rounds to e_t ≤ " + short_number(spec.eps) +
                       " e_0 vs 1/δ at γ* (top-k, δ = k/d, k = " + std::to_string(spec.ks.front()) + "–" +
                       std::to_string(spec.ks.back()) + " of d = " + std::to_string(spec.dim) + ")";
  rows.push_back(slope_row(spec, delta_th, delta_row, runs.by_delta, true, spec.delta_limit, groups.delta));
  groups.gap = ScalingGroup{.label = "top-k:" + std::to_string(spec.gap_k), .predicted_slope = gap_th.value};
  RateRow gap_row = theorem_row(gap_th, base_row(spec));
  gap_row.graph = std::to_string(spec.gap_graphs.size()) + " graphs (" + spec.gap_graphs.front() + " … " +
                  spec.gap_graphs.back() + ")";
  gap_row.quantity = "log-log slope of the rounds to e_t ≤ " + short_number(spec.eps) +
                     " e_0 vs 1/ρ at γ*, ρ = 1 − ||W − J|| (top-k:" + std::to_string(spec.gap_k) + ", δ = " +
                     short_number(static_cast<double>(spec.gap_k) / static_cast<double>(spec.dim)) + ")";
  rows.push_back(slope_row(spec, gap_th, gap_row, runs.by_gap, false, spec.gap_limit, groups.gap));
  // ---- (a) the rate at γ*, every graph and compressor
  for (const auto* points : {&runs.by_delta, &runs.by_gap, &runs.others})
    for (const auto& p : *points) rows.push_back(bound_row(spec, p));
  for (const auto& r : runs.identity) rows.push_back(identity_bound_row(spec, r));
  // ---- (c) the printed step: errata, the bound it supports, its slope in 1/ρ
  for (const auto& r : runs.printed) {
    rows.push_back(erratum_row(spec, r));
    rows.push_back(printed_supported_row(spec, r));
  }
  groups.printed = ScalingGroup{.label = "printed gamma, identity", .predicted_slope = 3.0};
  rows.push_back(printed_slope_row(spec, runs.printed, groups.printed));
  // ---- (d) the exact identity recursion
  rows.push_back(recursion_row(spec));
  return rows;
}

/// With an output directory, writes the `compression_delta` and `compression_gap` figures.
inline void compression_write_figures(const CompressionTableSpec& spec, const CompressionGroups& groups,
                                      experiment::Context& ctx) {
  if (!groups.delta.x.empty())
    write_scaling_figure(ctx, "delta", "compression_delta",
                         "CHOCO-Gossip on " + spec.delta_graph + " at gamma*: rounds to e_t <= eps e_0 vs 1/delta",
                         "1/delta (top-k, delta = k/d)", "rounds", {groups.delta});
  if (!groups.gap.x.empty())
    write_scaling_figure(ctx, "gap", "compression_gap",
                         "CHOCO-Gossip, top-k:" + std::to_string(spec.gap_k) +
                             ": rounds to e_t <= eps e_0 vs 1/rho (gamma* and printed gamma, identity)",
                         "1/rho, rho = 1 - ||W - J||", "rounds", {groups.gap, groups.printed});
}

/// The compression table: every measurement, then the judged rows; with an output directory
/// the scaling figures. Every run goes into the provenance with its command.
inline std::vector<RateRow> compression_rows(const CompressionTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  ctx.provenance()["eps"] = spec.eps;
  ctx.provenance()["dim"] = spec.dim;
  ctx.provenance()["seeds"] = spec.seeds;
  ctx.provenance()["gamma"] = "consistent γ* = ρδ/D (choco_theory_gamma); printed ρ²δ/D for the erratum rows";
  const CompressionRuns runs = compression_run_all(spec, ctx);
  CompressionGroups groups;
  std::vector<RateRow> rows = compression_judge(spec, runs, groups);
  compression_write_figures(spec, groups, ctx);
  return rows;
}

}  // namespace adonis::tables
