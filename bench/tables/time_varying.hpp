// SPDX-License-Identifier: BSD-3-Clause
/// @file time_varying.hpp
/// @brief The `time-varying` rate table (issue 16): what the connectivity sequence must satisfy,
///        and the optimal method over time-varying networks (theory-rates.md §4c, §9b).
///
/// Rows:
/// - (a) [DER] i.i.d. sequences (random edge, random matching, random spanning tree of a ring,
///   n ≤ 20): from X_0 = the top eigenvector of (I − J)E[WᵀW](I − J), the mean of
///   ‖(W − J)X_0‖²/‖X_0‖² over 10⁴ draws equals 1 − p (the sequence's own exact p) within 5 SE;
///   the Monte Carlo E‖X_T − X̄‖² equals the lifted propagation Σ ↦ E[WΣWᵀ] (from the exact
///   law of a round) within 5 SE; and it is ≤ (1 − p)^T‖X_0 − X̄‖²(1 + 5 SE_rel), its fitted
///   decay reported beside 1 − p and the lifted rate. Markov link failures: report only.
/// - (b) [DER] the one-peer exponential graph averages exactly in log2 n rounds when n = 2^k:
///   ||W_{k−1}⋯W_0 − J||₂ ≤ 1e-14; for other n the residual is reported.
/// - (c) [DER] a necessary condition: the cycle of path:16's edges one a round with the cut
///   edge (7, 8) replaced by an idle round never crosses the cut, so the gap between the two
///   halves' averages is invariant (≤ 1e-12 relative change over the run); its twin with the cut
///   edge once every cycle of B = 15 rounds converges: ||X_T − X̄||² ≤ (1 − p)^(T/B) ||X_0 − X̄||²
///   with p its exact periodic rate, and that bound is ≤ 1e-6 (a twin without the cut edge has
///   p = 0 and fails the row).
/// - (d) gradient tracking (DIGing) on b-connected:B, B ∈ {1, 2, 4, 8}, one fixed step: each
///   reaches f(x̄) − f* ≤ 1e-10 ([SRC] abstract: exact convergence), its rate per round and per
///   B-block reported against Thm. 10's δ; the gap 1 − r_B does not grow with B (slope ≤ 0,
///   and monotone within 5 SE; theory-rates §6a check (c)).
/// - (e) [REC: slopes] ADOM+'s communication rounds to a relative distance ε against χ̄ at fixed
///   κ (slope ≤ 1.2) over static and time-varying schedules (spanning trees, an adversarial
///   cycle of trees), and against κ on one time-varying schedule (slope ≤ 0.6); the lower bound's
///   ratio rounds/(χ̄ √κ ln(1/ε)) reported (its constant is [REC]); gradient tracking's rounds
///   (default step) on the same schedules reported beside it.
/// - (f) DADAO on time-varying edge sets (each segment of one time unit a uniform spanning tree
///   of the base graph): exchanges to ε against √(χ1χ2), the sup over the segments at unit
///   total rate (slope ≤ 1.25, [SRC]), beside the same on the static base graphs.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <bit>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/algorithm/adom_plus.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/tree_sequence.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/report/trace.hpp"
#include "adonis/sim/async.hpp"
#include "adonis/theory/async_measure.hpp"
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
  /// (e): schedules spanning χ̄ ∈ [4, 104] (static W: exact χ; spanning trees: their bound)
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
  /// (f): DADAO (κ = 10, ε = 1e-8 on the mean squared distance) on random spanning trees of
  /// these base graphs, each segment (1 time unit) a tree, beside the static base graphs
  std::vector<std::string> dadao_graphs{"ring:8", "ring:16", "ring:24", "ring:32", "torus:4x4", "torus:6x6"};
  int dadao_seeds = 2;
  double dadao_eps = 1e-8;
  Index dadao_horizon = 4000;  ///< segments over which the sup of the χ's is taken (the run must end inside)
  /// (a): i.i.d. sequences over this ring (n ≤ 20: the lifted propagation is exact), the draws of
  /// the one-step check, and the Monte Carlo runs and rounds of the lifted and bound checks: each
  /// sequence runs T = min(mc_rounds, ⌈ln(mc_floor)/ln(1 − p)⌉) rounds, past which its
  /// (1 − p)^T ≤ mc_floor adds nothing to the fitted decay but time
  std::string iid_graph = "ring:16";
  Round one_step_draws = 10000, mc_rounds = 300;
  Index mc_runs = 2000;
  double mc_floor = 1e-4;
  /// (d): gradient tracking on b-connected:B over this graph and problem with one fixed step for
  /// every B, until f(x̄) − f* ≤ diging_target. λ = 1: at λ = 0.01 the problem's conditioning,
  /// not the network, sets the rate (torus:4x4, B = 1, 2, 4: the same 11704 rounds); 0.01 is
  /// stable for every B here (0.02 diverges at B = 8: Thm. 10's step shrinks like 1/B²)
  std::string diging_graph = "ring:16", diging_problem = "logistic:heart_scale:1";
  double diging_step = 0.01;
  std::vector<Index> windows{1, 2, 4, 8};
  double diging_target = 1e-10;
  Round diging_max_rounds = 400000;

  /// The reduced sizes of `--quick`.
  static TimeVaryingTableSpec quick() {
    TimeVaryingTableSpec s;
    s.mc_runs = 500;
    s.mc_rounds = 200;
    s.dadao_graphs = {"ring:8", "ring:16", "ring:24", "torus:4x4"};
    s.dadao_seeds = 1;
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

// ---------------------------------------------------------------- (a) i.i.d. sequences: expected contraction

/// 0, 1, …, size − 1: the rounds of a per-round curve, as fit_linear_rate's abscissae.
inline std::vector<double> round_axis(std::size_t size) {
  std::vector<double> t(size);
  for (std::size_t k = 0; k < size; ++k) t[k] = static_cast<double>(k);
  return t;
}

/// The law of one round of an i.i.d. sequence: (probability, W_t) pairs, exact.
using RoundLaw = std::vector<std::pair<double, SparseMatrix>>;

/// Random edge over g: each edge with probability 1/|E|, W = I − ½ b_e b_eᵀ.
inline RoundLaw random_edge_law(const Graph& g) {
  RoundLaw law;
  const std::vector<Edge> edges = edge_list(g);
  for (const Edge& e : edges)
    law.emplace_back(1.0 / static_cast<double>(edges.size()), detail::pairwise_averaging(num_nodes(g), {e}));
  return law;
}

/// Random maximal matching over g (RandomMatchingSequence: greedy over a uniform edge order):
/// the first edge of the order is uniform and always taken, the rest of the order is uniform on
/// the edges that do not touch it, so law(S) = mean over g ∈ S of {g} ∪ law(S minus g's
/// conflicts). Needs |E| ≤ 24.
inline RoundLaw random_matching_law(const Graph& g) {
  const std::vector<Edge> edges = edge_list(g);
  const std::size_t m = edges.size();
  if (m > 24) adonis::detail::fail("random_matching_law", "needs |E| <= 24 (got ", m, ")");
  std::vector<std::uint32_t> conflict(m, 0);
  for (std::size_t a = 0; a < m; ++a)
    for (std::size_t b = 0; b < m; ++b)
      if (edges[a].first == edges[b].first || edges[a].first == edges[b].second || edges[a].second == edges[b].first ||
          edges[a].second == edges[b].second)
        conflict[a] |= std::uint32_t{1} << b;
  std::map<std::uint32_t, std::map<std::uint32_t, double>> memo;
  auto law_of = [&](auto&& self, std::uint32_t set) -> const std::map<std::uint32_t, double>& {
    if (auto it = memo.find(set); it != memo.end()) return it->second;
    std::map<std::uint32_t, double> out;
    if (set == 0) out[0] = 1;
    const double count = std::popcount(set);
    for (std::size_t e = 0; e < m; ++e) {
      if (!(set >> e & 1U)) continue;
      for (const auto& [matching, q] : self(self, set & ~conflict[e])) out[matching | std::uint32_t{1} << e] += q / count;
    }
    return memo.emplace(set, std::move(out)).first->second;
  };
  RoundLaw law;
  for (const auto& [matching, q] : law_of(law_of, (std::uint32_t{1} << m) - 1)) {
    std::vector<Edge> pairs;
    for (std::size_t e = 0; e < m; ++e)
      if (matching >> e & 1U) pairs.push_back(edges[e]);
    law.emplace_back(q, detail::pairwise_averaging(num_nodes(g), pairs));
  }
  return law;
}

/// Uniform spanning trees of ring:n: the n paths left by removing one edge, W = I − L_T/3
/// (RandomSpanningTreeSequence's W_t, Δ = 2).
inline RoundLaw ring_tree_law(Index n) {
  RoundLaw law;
  for (Index k = 0; k < n; ++k) {
    Graph path(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i)
      if (i != k) add_edge_unique(path, i, (i + 1) % n);
    law.emplace_back(1.0 / static_cast<double>(n), laplacian_weights(path, 3.0));
  }
  return law;
}

/// E‖X_t − X̄‖² for t = 0, …, T from X_0 = x0 (one column), exactly: Σ_{t+1} = E[W Σ_t Wᵀ] over
/// the law, the value tr((I − J)Σ_t(I − J)).
inline std::vector<double> lifted_disagreement(const RoundLaw& law, const Vector<double>& x0, Round rounds) {
  const Index n = x0.size();
  const Matrix<double> c = Matrix<double>::Identity(n, n) - detail::averaging_matrix(n);
  Matrix<double> sigma = x0 * x0.transpose(), next(n, n);
  std::vector<double> out{(c * sigma * c).trace()};
  for (Round t = 0; t < rounds; ++t) {
    next.setZero();
    for (const auto& [q, w] : law) next.noalias() += q * (w * (w * sigma).transpose());  // W Σ Wᵀ (Σ symmetric)
    sigma.swap(next);
    out.push_back((c * sigma * c).trace());
  }
  return out;
}

/// The Monte Carlo mean and standard error of ‖X_t − X̄‖², t = 0, …, T, over `runs` runs of
/// make_sequence(g, spec, seed = run + 1) from x0.
struct DisagreementMc {
  std::vector<double> mean, se;
};
inline DisagreementMc mc_disagreement(const Graph& g, const std::string& spec, const Vector<double>& x0, Round rounds,
                                      Index runs) {
  std::vector<double> sum(static_cast<std::size_t>(rounds + 1), 0.0), sq(sum);
  Vector<double> x(x0.size()), next(x0.size());
  for (Index r = 0; r < runs; ++r) {
    const AnySequence s = make_sequence(g, spec, "metropolis", static_cast<std::uint64_t>(r + 1));
    x = x0;
    for (Round t = 0; t <= rounds; ++t) {
      const double v = (x.array() - x.mean()).matrix().squaredNorm();
      sum[static_cast<std::size_t>(t)] += v;
      sq[static_cast<std::size_t>(t)] += v * v;
      if (t == rounds) break;
      next.noalias() = s.mixing(t) * x;
      x.swap(next);
    }
  }
  DisagreementMc mc;
  const double k = static_cast<double>(runs);
  for (std::size_t t = 0; t < sum.size(); ++t) {
    const double mean = sum[t] / k;
    mc.mean.push_back(mean);
    mc.se.push_back(std::sqrt(std::max(0.0, sq[t] / k - mean * mean) / (k - 1)));
  }
  return mc;
}

/// Rows (a) for one i.i.d. sequence SPEC over g with round law `law` and the sequence's stated
/// p (`p_claimed`, its consensus_rate()): from X_0 = the top eigenvector of
/// (I − J)E[WᵀW](I − J),
/// - the mean of ‖(W_t − J)X_0‖²/‖X_0‖² over `draws` rounds equals 1 − p_claimed within 5 SE [DER];
/// - the Monte Carlo mean of ‖X_T − X̄‖² equals the lifted propagation within 5 SE [DER];
/// - it is ≤ (1 − p_claimed)^T ‖X_0 − X̄‖² (1 + 5 SE_rel) [DER], the fitted decay per round
///   reported beside 1 − p and the lifted rate.
inline std::vector<RateRow> iid_rows(const Graph& g, const std::string& graph_spec, const std::string& spec,
                                     const RoundLaw& law, double p_claimed, const TimeVaryingTableSpec& ts) {
  using adonis::detail::short_number;
  const Index n = num_nodes(g);
  const Matrix<double> c = Matrix<double>::Identity(n, n) - detail::averaging_matrix(n);
  Matrix<double> gram = Matrix<double>::Zero(n, n);
  for (const auto& [q, w] : law) gram.noalias() += q * Matrix<double>(SparseMatrix(w.transpose()) * w);
  const Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(c * gram * c);
  const Vector<double> x0 = eig.eigenvectors().col(n - 1);  // unit norm, ⊥ 1
  const std::string row_graph = graph_spec + " " + spec;
  // one step
  const AnySequence s = make_sequence(g, spec, "metropolis", 0);
  double sum = 0, sq = 0;
  for (Round t = 0; t < ts.one_step_draws; ++t) {
    const Vector<double> y = s.mixing(t) * x0;
    const double v = (y.array() - y.mean()).matrix().squaredNorm();
    sum += v;
    sq += v * v;
  }
  const double k = static_cast<double>(ts.one_step_draws), mean = sum / k;
  const double se = std::sqrt(std::max(0.0, sq / k - mean * mean) / (k - 1));
  const Theorem th = theorems::expected_contraction();
  RateRow one = theorem_row(th, RateRow{.table = "time-varying", .algorithm = "gossip"});
  one.graph = row_graph;
  one.quantity = "mean of ||(W_t - J)X_0||²/||X_0||² over " + std::to_string(ts.one_step_draws) +
                 " draws, X_0 the top eigenvector of (I - J)E[WᵀW](I - J), vs 1 - p";
  one = judge_equal(one, 1 - p_claimed, mean, 5 * se / (1 - p_claimed));
  adonis::detail::append_note(one, "5 SE = " + short_number(5 * se) + "; λmax of the law's (I - J)E[WᵀW](I - J) = " +
                                       short_number(eig.eigenvalues()(n - 1)));
  // lifted propagation and the bound, over T rounds
  Round rounds = ts.mc_rounds;
  if (p_claimed > 0 && p_claimed < 1)  // p = 0 or 1: the cap (a wrong p is then found by the checks)
    rounds = std::clamp(static_cast<Round>(std::ceil(std::log(ts.mc_floor) / std::log(1 - p_claimed))), Round{2},
                        ts.mc_rounds);
  const std::vector<double> lifted = lifted_disagreement(law, x0, rounds);
  const DisagreementMc mc = mc_disagreement(g, spec, x0, rounds, ts.mc_runs);
  const auto last = static_cast<std::size_t>(rounds);
  RateRow lift = theorem_row(theorems::lifted_second_moment(), RateRow{.table = "time-varying", .algorithm = "gossip"});
  lift.graph = row_graph;
  lift.quantity = "Monte Carlo E||X_T - X̄||² (" + std::to_string(ts.mc_runs) + " runs, T = " +
                  std::to_string(rounds) + ") vs the lifted propagation";
  lift = judge_equal(lift, lifted[last], mc.mean[last], 5 * mc.se[last] / lifted[last]);
  RateRow bound = theorem_row(th, RateRow{.table = "time-varying", .algorithm = "gossip"});
  bound.graph = row_graph;
  bound.quantity = "Monte Carlo E||X_T - X̄||²/||X_0 - X̄||² vs (1 - p)^T, T = " + std::to_string(rounds);
  bound = judge_bound(bound, std::pow(1 - p_claimed, static_cast<double>(rounds)), mc.mean[last], mc.se[last]);
  const std::vector<double> t = round_axis(last + 1);
  const LinearRateFit fit = fit_linear_rate(t, mc.mean);
  const LinearRateFit lifted_fit = fit_linear_rate(t, lifted);
  adonis::detail::append_note(bound, "fitted decay per round " + short_number(fit.rate) + " (lifted " +
                                         short_number(lifted_fit.rate) + ", 1 - p = " + short_number(1 - p_claimed) +
                                         ", (1 - p)² = " + short_number((1 - p_claimed) * (1 - p_claimed)) + ")");
  return {one, lift, bound};
}

/// Row (a) for Markov link failures (correlated rounds): report only, the fitted decay of the
/// Monte Carlo E||X_t − X̄||² beside the sequence's p.
inline RateRow markov_report_row(const Graph& g, const std::string& graph_spec, const std::string& spec, double p,
                                 const TimeVaryingTableSpec& ts) {
  using adonis::detail::short_number;
  Vector<double> x0 = random_start(num_nodes(g), 1, 0).col(0);
  x0.array() -= x0.mean();
  const DisagreementMc mc = mc_disagreement(g, spec, x0, ts.mc_rounds, ts.mc_runs / 4);
  const LinearRateFit fit = fit_linear_rate(round_axis(mc.mean.size()), mc.mean);
  RateRow row = theorem_row(theorems::expected_contraction(), RateRow{.table = "time-varying", .algorithm = "gossip"});
  row.graph = graph_spec + " " + spec;
  row.quantity = "fitted decay per round of the Monte Carlo E||X_t - X̄||²";
  return report_only(row, fit.rate,
                     "the rounds are correlated (a Markov chain per link): Koloskova et al.'s i.i.d. argument does not "
                     "apply; 1 - p = " + short_number(1 - p) + " reported beside it");
}

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

// ---------------------------------------------------------------- (d) DIGing on B-connected schedules

/// One run of row (d): gradient tracking on b-connected:B.
struct DigingWindowRun {
  Index b = 1;
  double step = 0;
  double delta = 0;      ///< Thm. 10's δ = max over block starts of σmax(W_{k+B−1}⋯W_k − J) (exact, periodic)
  LinearRateFit fit{};   ///< of ||X_t − 1x*ᵀ||_F per round
  double suboptimality = 0;  ///< f(x̄) − f* at the end
  Round rounds = 0;
  std::string command{};
  std::vector<double> curve_t{}, curve{};  ///< ||X_t − 1x*ᵀ||_F/||X_0 − 1x*ᵀ||_F, about 200 points (the figure)
};

/// Gradient tracking with step `step` on BConnectedSequence(g, B, 0) over the logistic problem
/// until f(x̄) − f* ≤ target (or max_rounds); the rate fitted on ||X_t − 1x*ᵀ||_F.
inline DigingWindowRun diging_window_run(const TimeVaryingTableSpec& spec, Index b, double step) {
  DigingWindowRun r{.b = b, .step = step};
  const Graph g = make_graph(spec.diging_graph);
  const Index n = num_nodes(g);
  const auto p = make_problem_as<LogisticProblem>(spec.diging_problem, n);
  const ReferenceSolution ref = reference_solution(p);
  const BConnectedSequence seq(g, b, 0);
  r.delta = std::sqrt(std::max(0.0, 1 - seq.consensus_rate().p));  // 1 − p = max over block starts of ‖W_block − J‖²
  GradientTracking alg(p, seq, GradientTrackingOptions{.step_size = step});
  std::vector<double> ratio;
  TraceRecorder trace(p, ref.x, ref.f, TraceOptions{.every = 100, .target = spec.diging_target});
  Iterates<double> x = Iterates<double>::Zero(n, p.dim());
  alg.run(x, RunOptions{.max_rounds = spec.diging_max_rounds}, RelativeDistanceObserver(ratio, ref.x, 0), trace);
  r.rounds = static_cast<Round>(ratio.size()) - 1;
  r.suboptimality = trace.rows().back().suboptimality;
  const std::vector<double> t = round_axis(ratio.size());
  r.fit = fit_linear_rate(t, ratio);
  const std::size_t stride = std::max<std::size_t>(1, ratio.size() / 200);
  for (std::size_t k = 0; k < ratio.size(); k += stride) {
    r.curve_t.push_back(t[k]);
    r.curve.push_back(ratio[k]);
  }
  r.command = "adonis run --algorithm gradient-tracking --graph " + spec.diging_graph + " --sequence b-connected:" +
              std::to_string(b) + " --seed 0 --problem " + spec.diging_problem + " --step " + fmt(step, 17) +
              " --target " + fmt(spec.diging_target) + " --iterations " + std::to_string(spec.diging_max_rounds);
  return r;
}

/// Row (d): per B, f(x̄) − f* ≤ target reached (exact convergence with a fixed step, [SRC]
/// abstract), with the rate per round, per B-block and δ in the note; then the gap 1 − r_B
/// against B: log-log slope ≤ 0 and monotone within 5 SE of the fits (theory-rates §6a, check (c)).
inline std::vector<RateRow> diging_window_rows(const TimeVaryingTableSpec& spec, const std::vector<DigingWindowRun>& runs) {
  using adonis::detail::short_number;
  std::vector<RateRow> rows;
  const Theorem th = theorems::diging_time_varying();
  for (const DigingWindowRun& r : runs) {
    RateRow row = theorem_row(th, RateRow{.table = "time-varying"});
    row.graph = spec.diging_graph + " b-connected:" + std::to_string(r.b);
    row.problem = spec.diging_problem;
    row.quantity = "f(x̄) - f* after " + std::to_string(r.rounds) + " rounds (fixed step " + short_number(r.step) + ")";
    row.command = r.command;
    row = judge_bound(row, spec.diging_target, r.suboptimality, 0);
    adonis::detail::append_note(row, "rate per round " + short_number(r.fit.rate) + " ± " + short_number(r.fit.rate_se) +
                                         ", per " + std::to_string(r.b) + "-round block " +
                                         short_number(std::pow(r.fit.rate, static_cast<double>(r.b))) +
                                         " against Thm. 10's delta = " + short_number(r.delta));
    rows.push_back(row);
  }
  RateRow mono = theorem_row(theorems::diging_window_degradation(), RateRow{.table = "time-varying"});
  mono.graph = spec.diging_graph + " b-connected:B, B = " + std::to_string(runs.front().b) + " ... " +
               std::to_string(runs.back().b);
  mono.problem = spec.diging_problem;
  mono.quantity = "log-log slope of the gap 1 - r_B (r_B: rate per round) vs B";
  std::vector<double> x, y;
  bool monotone = true;
  std::string rates;
  for (std::size_t k = 0; k < runs.size(); ++k) {
    x.push_back(static_cast<double>(runs[k].b));
    y.push_back(1 - runs[k].fit.rate);
    rates += (rates.empty() ? "" : ", ") + short_number(runs[k].fit.rate);
    if (k > 0 && runs[k].fit.rate < runs[k - 1].fit.rate - 5 * std::hypot(runs[k].fit.rate_se, runs[k - 1].fit.rate_se))
      monotone = false;  // faster at the larger B beyond 5 SE of the two fits
  }
  const PowerLawFit f = fit_power_law(x, y);
  mono = judge_slope_at_most(mono, 0, f.slope);
  adonis::detail::append_note(mono, "rates per round " + rates + "; " + describe_fit(f));
  if (!monotone) {
    mono.verdict = Verdict::violated;
    adonis::detail::append_note(mono, "VIOLATED: the rate per round is not monotone in B");
  }
  rows.push_back(mono);
  return rows;
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
  const std::string adom = r.rounds > 0 ? std::to_string(r.rounds) + " rounds"
                                        : "did not reach ε (best ratio " + short_number(r.best) + ")";
  const std::string winner = r.rounds <= 0 ? (r.gt_rounds > 0 ? "gradient tracking" : "neither")
                             : r.gt_rounds > 0 && r.gt_rounds < r.rounds ? "gradient tracking"
                                                                         : "ADOM+";
  return report_only(row, ratio,
                     "the lower bound's constant is [REC]: reported (chi_bar = " + short_number(r.chi) + ", " +
                         r.chi_source + "; ADOM+ " + adom + ", gradient tracking " + gt + ": fewer rounds by " +
                         winner + ")");
}

// ---------------------------------------------------------------- (f) DADAO on time-varying edge sets

/// One base graph of row (f): DADAO on its random spanning trees (segment k: the tree of round
/// k) and on the graph itself, the exchanges to ε and √(χ1χ2) at unit total rate (Λ = L/|E|;
/// for the trees the sup over the segments of the horizon).
struct DadaoSegmentsRun {
  std::string graph{};
  double root_sup = 0, chi1_sup = 0, chi2_sup = 0;  ///< sups over the segments (unit total rate)
  double exchanges = 0, time = 0;                   ///< mean over the seeds (time-varying)
  double static_root = 0, static_exchanges = 0;     ///< the static base graph
};

/// Row (f)'s runs on one base graph: the χ's of every segment of the horizon (clock_quantities
/// of the tree's edge clocks at unit total rate), then DADAO with its communication rate set
/// from the sups, R = √(2 χ1,sup χ2,sup) (each χ's own sup: R ≥ √2 · sup √(χ1χ2), the
/// abscissa), and χ1* = χ1,sup/R (DadaoOptions::chi1; the default would take segment 0's),
/// and the same on the static graph (DADAO's own rescaling).
inline DadaoSegmentsRun dadao_segments_run(const TimeVaryingTableSpec& spec, const std::string& graph_spec) {
  DadaoSegmentsRun r{.graph = graph_spec};
  const Graph g = make_graph(graph_spec);
  const Index n = num_nodes(g);
  const RandomSpanningTreeSequence trees(g, 0);
  std::map<std::vector<Edge>, ClockQuantities> seen;  // a ring has only n spanning trees
  for (Index k = 0; k < spec.dadao_horizon; ++k) {
    auto [it, fresh] = seen.try_emplace(trees.tree(k));
    if (fresh) it->second = clock_quantities(sim::EventEngine(support_graph(trees.mixing(k)), sim::EngineOptions{}));
    const ClockQuantities& q = it->second;
    r.chi1_sup = std::max(r.chi1_sup, q.chi1);
    r.chi2_sup = std::max(r.chi2_sup, q.chi2);
    r.root_sup = std::max(r.root_sup, std::sqrt(q.chi1 * q.chi2));
  }
  const QuadraticProblem p(n, QuadraticOptions{.dim = 4, .L = 10, .mu = 1, .zeta = 1, .seed = 11});
  const double rate = std::sqrt(2 * r.chi1_sup * r.chi2_sup);
  for (int seed = 0; seed < spec.dadao_seeds; ++seed) {
    sim::EngineOptions o;
    o.seed = static_cast<std::uint64_t>(seed);
    o.comm_rate = rate;
    Dadao a(p, AnySequence(RandomSpanningTreeSequence(g, 0)), o,
            DadaoOptions{.theory_comm_rate = false, .chi1 = r.chi1_sup / rate});
    const CostToTarget c = cost_to_target(a, Iterates<double>::Zero(n, p.dim()), p.x_star(), spec.dadao_eps, 32, 50'000'000);
    if (!c.reached || c.time >= static_cast<double>(spec.dadao_horizon))
      adonis::detail::fail<RuntimeError>("rates time-varying", "DADAO on the trees of ", graph_spec,
                                         " did not reach the target within the horizon of ", spec.dadao_horizon,
                                         " segments (time ", c.time, ")");
    r.exchanges += c.exchanges / spec.dadao_seeds;
    r.time += c.time / spec.dadao_seeds;
    o.comm_rate = 1;
    Dadao s(p, g, o);
    const CostToTarget cs = cost_to_target(s, Iterates<double>::Zero(n, p.dim()), p.x_star(), spec.dadao_eps, 32, 50'000'000);
    if (!cs.reached) adonis::detail::fail<RuntimeError>("rates time-varying", "DADAO on ", graph_spec, " did not reach the target");
    r.static_exchanges += cs.exchanges / spec.dadao_seeds;
    r.static_root = std::sqrt(s.chi1() * s.chi2()) * s.comm_rate_scale();
  }
  return r;
}

/// Row (f): the slopes of the exchanges to ε against √(χ1χ2) (the sup over the segments for
/// the trees), time-varying and static, each ≤ 1.25 (theorems::dadao_communications).
inline std::vector<RateRow> dadao_segments_rows(const TimeVaryingTableSpec& spec, const std::vector<DadaoSegmentsRun>& runs,
                                                ScalingGroup& varying, ScalingGroup& fixed) {
  using adonis::detail::short_number;
  std::string graphs;
  for (const DadaoSegmentsRun& r : runs) {
    graphs += (graphs.empty() ? "" : ", ") + r.graph;
    varying.x.push_back(r.root_sup);
    varying.y.push_back(r.exchanges);
    fixed.x.push_back(r.static_root);
    fixed.y.push_back(r.static_exchanges);
  }
  std::vector<RateRow> rows;
  for (ScalingGroup* group : {&varying, &fixed}) {
    const bool trees = group == &varying;
    group->fit = fit_power_law(group->x, group->y);
    group->predicted_slope = 1;
    RateRow row = theorem_row(theorems::dadao_communications(),
                              RateRow{.table = "time-varying", .problem = "quadratic:dim=4,L=10,mu=1,zeta=1"});
    row.graph = (trees ? "random-spanning-tree of " : "static ") + graphs;
    row.quantity = "slope of exchanges to ε = " + short_number(spec.dadao_eps) + " against √(χ1χ2)" +
                   (trees ? " (sup over the segments)" : "") + ", at most 1.25";
    row = judge_slope_at_most(row, 1.25, group->fit.slope);
    adonis::detail::append_note(row, describe_fit(group->fit));
    rows.push_back(row);
  }
  return rows;
}

/// The time-varying table: rows (a)–(f) (see the file comment); with an output directory the
/// figures time_varying_diging, time_varying_dadao, time_varying_adom_chi and
/// time_varying_adom_kappa.
inline std::vector<RateRow> time_varying_rows(const TimeVaryingTableSpec& spec, experiment::Context& ctx) {
  if (spec.kappa_schedule >= spec.schedules.size())
    adonis::detail::fail("time-varying table", "kappa_schedule must index schedules (got ", spec.kappa_schedule,
                         " of ", spec.schedules.size(), ")");
  if (spec.mc_runs < 8) adonis::detail::fail("time-varying table", "mc_runs must be >= 8 (got ", spec.mc_runs, ")");
  if (spec.mc_rounds < 2) adonis::detail::fail("time-varying table", "mc_rounds must be >= 2 (got ", spec.mc_rounds, ")");
  if (!(spec.mc_floor > 0 && spec.mc_floor < 1))
    adonis::detail::fail("time-varying table", "mc_floor must be in (0, 1) (got ", spec.mc_floor, ")");
  record_seed(ctx, true);
  ctx.provenance()["eps"] = spec.eps;
  std::vector<RateRow> rows;
  {
    const Graph g = make_graph(spec.iid_graph);
    const Index n = num_nodes(g);
    const auto add = [&](const std::string& kind, const RoundLaw& law, double p) {
      const auto start = std::chrono::steady_clock::now();
      for (RateRow& r : iid_rows(g, spec.iid_graph, kind, law, p, spec)) rows.push_back(std::move(r));
      ctx.progress() << "rates: time-varying " << kind << " on " << spec.iid_graph << " (" << seconds_since(start)
                     << " s)\n";
    };
    add("random-edge", random_edge_law(g), RandomEdgeSequence(g, 0).consensus_rate().p);
    add("random-matching", random_matching_law(g), RandomMatchingSequence(g, 0).consensus_rate().p);
    if (spec.iid_graph.rfind("ring:", 0) == 0)
      add("random-spanning-tree", ring_tree_law(n), RandomSpanningTreeSequence(g, 0).consensus_rate().p);
    rows.push_back(markov_report_row(g, spec.iid_graph, "markov:0.2:0.5", MarkovLinkSequence(g, 0.2, 0.5, 0).consensus_rate().p,
                                     spec));
  }
  for (Index n : spec.one_peer_sizes) rows.push_back(one_peer_row(n, one_peer_rounds(n)));
  for (RateRow& r : cut_rows(path_edge_cycle(16, 7, false), path_edge_cycle(16, 7, true), 7, spec.cut_cycles))
    rows.push_back(std::move(r));
  {
    const double step = spec.diging_step;
    std::vector<DigingWindowRun> diging;
    for (Index b : spec.windows) {
      const auto start = std::chrono::steady_clock::now();
      diging.push_back(diging_window_run(spec, b, step));
      const DigingWindowRun& r = diging.back();
      ctx.progress() << "rates: time-varying gradient-tracking b-connected:" << b << ": " << r.rounds
                     << " rounds, rate " << r.fit.rate << " (" << seconds_since(start) << " s)\n";
      ctx.provenance()["diging_runs"].push_back({{"B", b},
                                                 {"step", step},
                                                 {"delta", r.delta},
                                                 {"rate", r.fit.rate},
                                                 {"rounds", r.rounds},
                                                 {"suboptimality", r.suboptimality},
                                                 {"command", r.command}});
    }
    for (RateRow& r : diging_window_rows(spec, diging)) rows.push_back(std::move(r));
    if (!ctx.out_dir().empty()) {  // DIGing vs B: the relative distance against the rounds
      PlotSpec plot{.title = "gradient tracking on " + spec.diging_graph + " b-connected:B, " + spec.diging_problem +
                             ", step " + fmt(spec.diging_step, 3),
                    .xlabel = "round", .ylabel = "||X_t - 1x*'|| / ||X_0 - 1x*'||"};
      for (const DigingWindowRun& r : diging)
        plot.series.push_back(Series{.title = "B = " + std::to_string(r.b), .x = r.curve_t, .y = r.curve});
      record_plot(ctx.provenance(), "diging_windows", write_plot(plot, ctx.out_dir() / "time_varying_diging"),
                  "time_varying_diging", ctx.progress());
    }
  }
  ScalingGroup dadao_trees{.label = "DADAO, random spanning trees"}, dadao_static{.label = "DADAO, static graphs"};
  {
    std::vector<DadaoSegmentsRun> runs;
    for (const std::string& graph_spec : spec.dadao_graphs) {
      const auto start = std::chrono::steady_clock::now();
      runs.push_back(dadao_segments_run(spec, graph_spec));
      const DadaoSegmentsRun& r = runs.back();
      ctx.progress() << "rates: time-varying dadao " << graph_spec << ": sup sqrt(chi1 chi2) = " << r.root_sup
                     << ", " << r.exchanges << " exchanges (static " << r.static_exchanges << ") ("
                     << seconds_since(start) << " s)\n";
      ctx.provenance()["dadao_runs"].push_back({{"graph", graph_spec},
                                                {"sequence", "random-spanning-tree"},
                                                {"chi1_sup", r.chi1_sup},
                                                {"chi2_sup", r.chi2_sup},
                                                {"root_sup", r.root_sup},
                                                {"exchanges", r.exchanges},
                                                {"time", r.time},
                                                {"static_root", r.static_root},
                                                {"static_exchanges", r.static_exchanges}});
    }
    for (RateRow& row : dadao_segments_rows(spec, runs, dadao_trees, dadao_static)) rows.push_back(std::move(row));
  }
  const std::vector<AdomRun> chi_runs = adom_run_all(spec.schedules, {spec.kappa}, spec, ctx, "chi");
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
  if (!dadao_trees.x.empty())
    write_scaling_figure(ctx, "dadao_segments", "time_varying_dadao",
                         "DADAO: exchanges to eps = " + adonis::detail::short_number(spec.dadao_eps) +
                             ", random spanning trees vs static graphs",
                         "sqrt(chi1 chi2) (sup over the segments)", "exchanges to eps", {dadao_trees, dadao_static});
  if (!by_kappa.x.empty())
    write_scaling_figure(ctx, "adom_plus_kappa", "time_varying_adom_kappa",
                         "ADOM+ on " + kappa_schedule.graph + " " + kappa_schedule.sequence,
                         "kappa = L/mu", "communication rounds to eps", {by_kappa});
  return rows;
}

}  // namespace adonis::tables
