// SPDX-License-Identifier: BSD-3-Clause
/// @file gossip.hpp
/// @brief The `gossip` table of `adonis rates`: randomized pairwise gossip (Boyd, Ghosh,
///        Prabhakar, Shah 2006; theory-rates.md §2) on the event engine, node clocks with
///        uniform neighbour choice.
///
/// Per graph of §2's table (K8, ring16, path10, star8, torus4×4):
///  - λ2(W̄) of W̄ = I − L_P/(2n) and the exact per-tick rate r2 of E‖e_k‖² (spectral radius of
///    the lifted operator S ↦ Σ_e p_e W_e S W_e on {S1 = 0}), both [DER] and checked for
///    equality against the values printed in §2 (6 digits, rel. 5e-6);
///  - the sandwich λ2(W̄)² ≤ r2 ≤ λ2(W̄) ([DER], as bounds);
///  - the measured per-tick rate of the Monte Carlo mean of ‖e_k‖² (R seeds), checked against
///    Boyd's bound λ2(W̄) (measured ≤ bound·(1 + 5 SE)), with r2 (the truth) in the note:
///    §2 check (d) asks not to assert equality with λ2.
/// Averaging time against n: ticks until ‖e_k‖² ≤ ε²‖e_0‖² from the worst start, the slowest
/// eigenvector of W̄ (Boyd's averaging time is a sup over x_0; a random start puts a share ~1/n
/// of its energy there, which bends the log-log slope on tori), median over seeds, on rings,
/// m×m tori and complete graphs; the fitted log-log slope must be
/// 3, 2, 1 (±0.25): the exponents of 1/(1 − λ2(W̄)) (n·n², n·n, n·1 with §11's closed forms).
#pragma once

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/scaling.hpp"

namespace adonis::tables {

/// Sizes and seeds of the gossip table.
struct GossipTableSpec {
  /// §2's table: graph SPEC with its printed λ2(W̄) and r2.
  struct Printed {
    std::string graph;
    double lambda2, r2;
  };
  std::vector<Printed> printed{{"complete:8", 0.857143, 0.857143},
                               {"ring:16", 0.995242, 0.990581},
                               {"path:10", 0.995044, 0.990164},
                               {"star:8", 0.928571, 0.901677},
                               {"torus:4x4", 0.968750, 0.948795}};
  int mc_runs = 2000;  ///< seeds of the Monte Carlo second moment
  std::vector<Index> rings{8, 16, 32, 64, 128};
  std::vector<Index> tori{4, 6, 8, 12, 16};  ///< m of the m×m tori
  std::vector<Index> completes{8, 16, 32, 64, 128};
  int time_seeds = 16;       ///< seeds per averaging-time point (median)
  double epsilon = 1e-3;     ///< ‖e_k‖ ≤ ε‖e_0‖
  static GossipTableSpec quick() {
    GossipTableSpec s;
    s.printed = {s.printed[0], s.printed[1], s.printed[4]};
    s.mc_runs = 500;
    s.rings = {8, 16, 32, 64};
    s.tori = {4, 6, 8, 12};
    s.completes = {8, 16, 32, 64};
    s.time_seeds = 8;
    return s;
  }
};

namespace gossip_table_detail {

/// Spectral radius of S ↦ Σ_e p_e W_e S W_e restricted to {S = Sᵀ, S1 = 0}, the exact per-tick
/// rate of E‖e_k‖² (theory-rates §2): the n²×n² operator Σ_e p_e (W_e ⊗ W_e) with the consensus
/// directions projected out, (P ⊗ P)·op·(P ⊗ P), P = I − J.
inline double lifted_second_moment_rate(const sim::EventEngine& eng) {
  const Index n = eng.num_nodes();
  const Index n2 = n * n;
  Matrix<double> op = Matrix<double>::Zero(n2, n2);
  const double total = eng.total_comm_rate();
  for (std::size_t e = 0; e < eng.edges().size(); ++e) {
    const auto [i, j] = eng.edges()[e];
    Matrix<double> w = Matrix<double>::Identity(n, n);
    w(i, i) = w(j, j) = w(i, j) = w(j, i) = 0.5;
    // vec(W S W) = (W ⊗ W) vec(S)
    const double p = eng.edge_rates()[e] / total;
    for (Index a = 0; a < n; ++a)
      for (Index b = 0; b < n; ++b) {
        const double wab = w(a, b);
        if (wab == 0) continue;
        op.block(a * n, b * n, n, n) += p * wab * w;
      }
  }
  Matrix<double> proj = Matrix<double>::Identity(n, n) - Matrix<double>::Constant(n, n, 1.0 / static_cast<double>(n));
  Matrix<double> pp(n2, n2);
  for (Index a = 0; a < n; ++a)
    for (Index b = 0; b < n; ++b) pp.block(a * n, b * n, n, n) = proj(a, b) * proj;
  const Matrix<double> restricted = pp * op * pp;
  Eigen::EigenSolver<Matrix<double>> es(restricted, false);
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

/// Node-clock engine options (Boyd's model) with the given seed.
inline sim::EngineOptions boyd_clocks(std::uint64_t seed) {
  sim::EngineOptions o;
  o.clock = sim::ClockModel::node;
  o.seed = seed;
  return o;
}

/// The worst start of Boyd's averaging time (a sup over x_0): the eigenvector of λ2(W̄), with
/// W̄ = I − Λ/(2R) for node clocks (dense symmetric eigensolve; the table's graphs are small).
inline Vector<double> slowest_mode(const Graph& g) {
  const sim::EventEngine eng(g, boyd_clocks(0));
  const Matrix<double> lap = Matrix<double>(rate_laplacian(eng));
  const Matrix<double> wbar =
      Matrix<double>::Identity(lap.rows(), lap.cols()) - lap / (2 * eng.total_comm_rate());
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(wbar);
  return es.eigenvectors().col(lap.rows() - 2);  // eigenvalues ascending: the last is 1 (consensus)
}

/// Ticks until ‖e_k‖² ≤ ε²‖e_0‖² from x_0 (checked every max(1, n/4) ticks).
inline double gossip_averaging_ticks(const Graph& g, const Vector<double>& x0, double epsilon, std::uint64_t seed) {
  PairwiseGossip alg(g, boyd_clocks(seed));
  const Index n = num_nodes(g);
  Iterates<double> x = x0;
  alg.init(x);
  auto e2 = [&] { return (alg.iterates().array() - alg.iterates().mean()).square().sum(); };
  const double target = epsilon * epsilon * e2();
  const Index every = std::max<Index>(1, n / 4);
  for (Round k = 1;; ++k) {
    alg.step();
    if (k % every == 0 && e2() <= target) return static_cast<double>(k);
    if (k > Round{2'000'000'000}) detail::fail<RuntimeError>("gossip table", "averaging did not finish on ", n, " nodes");
  }
}

}  // namespace gossip_table_detail

/// The measurements of one graph of §2's table: λ2(W̄), the exact rate r2 and the fit of the
/// Monte Carlo mean of ||e_k||².
struct GossipSpectralRun {
  GossipTableSpec::Printed printed{};
  double lambda2 = 0, r2 = 0;
  LinearRateFit fit{};
};

/// Computes λ2(W̄) and r2 of `pr.graph` and fits the per-tick rate of the Monte Carlo mean of
/// ||e_k||² over spec.mc_runs seeds from a fixed start (progress on `log`).
inline GossipSpectralRun gossip_run_spectral(const GossipTableSpec& spec, const GossipTableSpec::Printed& pr,
                                             std::ostream& log) {
  log << "rates: gossip " << pr.graph << '\n';
  const Graph g = make_graph(pr.graph);
  const Index n = num_nodes(g);
  const sim::EventEngine eng(g, gossip_table_detail::boyd_clocks(0));
  GossipSpectralRun out{.printed = pr,
                        .lambda2 = clock_quantities(eng).gossip_lambda2,
                        .r2 = gossip_table_detail::lifted_second_moment_rate(eng)};
  // Monte Carlo E||e_k||² from a fixed start (the slowest eigenvector of W̄ would make the
  // one-step bound tight; a generic start shows the asymptotic rate r2)
  Iterates<double> x0(n, 1);
  for (Index i = 0; i < n; ++i) x0(i, 0) = std::sin(1.0 + 2.0 * static_cast<double>(i));
  const double e0 = (x0.array() - x0.mean()).square().sum();
  const int K = static_cast<int>(std::ceil(std::log(1e-6) / std::log(out.r2)));
  std::vector<double> mean(static_cast<std::size_t>(K) + 1, 0.0), ticks(mean.size());
  for (int r = 0; r < spec.mc_runs; ++r) {
    PairwiseGossip alg(g, gossip_table_detail::boyd_clocks(1000 + static_cast<std::uint64_t>(r)));
    alg.init(x0);
    mean[0] += e0 / spec.mc_runs;
    for (int k = 1; k <= K; ++k) {
      alg.step();
      mean[static_cast<std::size_t>(k)] += (alg.iterates().array() - alg.iterates().mean()).square().sum() / spec.mc_runs;
    }
  }
  for (std::size_t k = 0; k < ticks.size(); ++k) ticks[k] = static_cast<double>(k);
  out.fit = fit_linear_rate(ticks, mean, LinearFitOptions{.transient_fraction = 0.3});
  return out;
}

/// Judges one graph of §2's table: λ2(W̄) and r2 against the printed values, the sandwich
/// λ2² ≤ r2 ≤ λ2, and the measured rate against Boyd's bound λ2(W̄).
inline std::vector<RateRow> gossip_judge_spectral(const GossipTableSpec& spec, const GossipSpectralRun& m) {
  const RateRow base = theorem_row(theorems::pairwise_gossip(m.lambda2),
                                   RateRow{.table = "gossip", .graph = m.printed.graph, .problem = "none"});
  std::vector<RateRow> rows;
  RateRow row = base;
  row.quantity = "λ2(W̄), W̄ = I − L_P/(2n), vs §2's printed value";
  rows.push_back(judge_equal(row, m.printed.lambda2, m.lambda2, 5e-6));
  row.quantity = "exact per-tick rate r2 of E||e_k||² (lifted operator) vs §2's printed value";
  rows.push_back(judge_equal(row, m.printed.r2, m.r2, 5e-6));
  row.quantity = "r2 ≤ λ2(W̄) (Boyd's bound)";
  rows.push_back(judge_bound(row, m.lambda2, m.r2, 0.0));
  row.quantity = "λ2(W̄)² ≤ r2";
  rows.push_back(judge_bound(row, m.r2, m.lambda2 * m.lambda2, 0.0));
  row = base;
  row.quantity = "measured per-tick rate of the MC mean of ||e_k||² (" + std::to_string(spec.mc_runs) +
                 " seeds) vs Boyd's λ2(W̄)";
  row.note = "exact rate r2 = " + detail::short_number(m.r2) + ", measured/r2 = " + detail::short_number(m.fit.rate / m.r2);
  rows.push_back(judge_bound(row, m.lambda2, m.fit));
  return rows;
}

/// A family of the averaging-time scaling: its graphs, their node counts and the predicted
/// exponent of n.
struct GossipFamily {
  std::string name, label;
  std::vector<std::string> specs;
  std::vector<double> n;
  double predicted;
};

/// Rings (exponent 3), m×m tori (2) and complete graphs (1) of `spec`.
inline std::vector<GossipFamily> gossip_families(const GossipTableSpec& spec) {
  GossipFamily ring{"ring", "rings", {}, {}, 3};
  for (Index n : spec.rings) {
    ring.specs.push_back("ring:" + std::to_string(n));
    ring.n.push_back(static_cast<double>(n));
  }
  GossipFamily torus{"torus", "m×m tori", {}, {}, 2};
  for (Index m : spec.tori) {
    torus.specs.push_back("torus:" + std::to_string(m) + "x" + std::to_string(m));
    torus.n.push_back(static_cast<double>(m * m));
  }
  GossipFamily complete{"complete", "complete graphs", {}, {}, 1};
  for (Index n : spec.completes) {
    complete.specs.push_back("complete:" + std::to_string(n));
    complete.n.push_back(static_cast<double>(n));
  }
  return {ring, torus, complete};
}

/// Measures the median averaging time (ticks, from the slowest mode, over spec.time_seeds seeds)
/// of every graph of `f`: the points of its scaling group, unfitted (medians in the context's
/// provenance, progress on its log).
inline ScalingGroup gossip_run_times(const GossipTableSpec& spec, const GossipFamily& f, experiment::Context& ctx) {
  ScalingGroup group{.label = f.label, .predicted_slope = f.predicted};
  for (std::size_t k = 0; k < f.specs.size(); ++k) {
    ctx.progress() << "rates: gossip averaging time " << f.specs[k] << '\n';
    const Graph g = make_graph(f.specs[k]);
    const Vector<double> x0 = gossip_table_detail::slowest_mode(g);
    std::vector<double> t;
    for (int s = 0; s < spec.time_seeds; ++s)
      t.push_back(gossip_table_detail::gossip_averaging_ticks(g, x0, spec.epsilon, static_cast<std::uint64_t>(s)));
    std::sort(t.begin(), t.end());
    const double median = t.size() % 2 ? t[t.size() / 2] : 0.5 * (t[t.size() / 2 - 1] + t[t.size() / 2]);
    group.x.push_back(f.n[k]);
    group.y.push_back(median);
    ctx.provenance()["averaging_ticks"][f.specs[k]] = median;
  }
  return group;
}

/// Judges the averaging-time slope of family `f` (its group fitted): the predicted exponent ± 0.25.
inline RateRow gossip_judge_times(const GossipTableSpec& spec, const GossipFamily& f, const ScalingGroup& group) {
  std::string sizes;
  for (double v : f.n) sizes += (sizes.empty() ? "" : ", ") + detail::short_number(v);
  RateRow row = theorem_row(theorems::pairwise_gossip_ticks_scaling(f.predicted),
                            RateRow{.table = "gossip", .graph = f.name + " n ∈ {" + sizes + "}", .problem = "none"});
  row.quantity = "slope of ticks to ||e|| ≤ " + detail::short_number(spec.epsilon) +
                 "||e_0|| from the slowest mode of W̄ (median of " + std::to_string(spec.time_seeds) + " seeds) in n";
  row.note = describe_fit(group.fit);
  return judge_slope(row, f.predicted, group.fit.slope, 0.25);
}

/// The gossip table: §2's graphs (spectral quantities, measured rate), then the averaging time
/// against n per family; with an output directory, the `gossip_scaling` figure.
inline std::vector<RateRow> gossip_rows(const GossipTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, false);
  ctx.provenance()["clocks"] = "node clocks, uniform neighbour choice (Boyd's model); one tick = one exchange";
  std::vector<RateRow> rows;
  for (const auto& pr : spec.printed)
    for (const RateRow& r : gossip_judge_spectral(spec, gossip_run_spectral(spec, pr, ctx.progress())))
      rows.push_back(r);
  // averaging time against n
  std::vector<ScalingGroup> groups;
  for (const auto& f : gossip_families(spec)) {
    ScalingGroup group = gossip_run_times(spec, f, ctx);
    group.fit = fit_power_law(group.x, group.y);
    rows.push_back(gossip_judge_times(spec, f, group));
    groups.push_back(std::move(group));
  }
  write_scaling_figure(ctx, "scaling", "gossip_scaling", "pairwise gossip: averaging time (ticks) vs n", "n",
                       "ticks to epsilon", groups);
  return rows;
}

}  // namespace adonis::tables
