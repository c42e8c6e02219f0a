// SPDX-License-Identifier: BSD-3-Clause
/// The theorems as code (theory/bounds.hpp): their numbers agree with the algorithms' measured
/// contractions, and a row built from a recalled theorem cannot be judged for equality.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/theory/bounds.hpp"

using namespace adonis;

namespace {

/// A unit eigenvector of the symmetric m on 1⊥: the largest eigenvalue (largest = true) or the
/// smallest nonzero one.
Vector<double> bounds_slow_mode(const Matrix<double>& m, bool largest) {
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(m);
  const Index n = m.rows();
  Index best = -1;
  for (Index k = 0; k < n; ++k) {
    if (std::abs(es.eigenvectors().col(k).sum()) > 1e-8) continue;  // not on 1⊥
    const double lam = es.eigenvalues()(k);
    if (!largest && lam <= 1e-9) continue;
    if (best < 0 || (largest ? lam > es.eigenvalues()(best) : lam < es.eigenvalues()(best))) best = k;
  }
  Vector<double> v = es.eigenvectors().col(best);
  v.array() -= v.mean();
  return v / v.norm();
}

/// ||x − x̄||.
double bounds_disagreement(const Iterates<double>& x) { return (x.rowwise() - x.colwise().mean()).norm(); }

}  // namespace

// The theorems' numbers against measurements of the algorithms, not against the same formula
// written twice: the per-step contraction on the slowest eigenvector (where the rate is attained).
TEST_CASE("theorems: Chebyshev and gossip rates equal the measured contraction on the slowest mode",
          "[theory][bounds]") {
  const Graph g = ring_graph(20);
  const SparseMatrix w = metropolis_weights(g);
  const SparseMatrix m = sparse_identity(20) - w;
  ChebyshevGossip cheb(m);
  const Theorem th = theorems::chebyshev_gossip(cheb.gamma(), static_cast<double>(cheb.rounds_per_step()));
  CHECK(th.kind == TheoremKind::rate);
  CHECK(th.tag == Tag::DER);
  // on M's smallest nonzero eigenvalue λ2, c2(1 − c3 λ2) = 1: an outer step multiplies that
  // component by T_K(1)/T_K(c2) = 1/T_K(c2) exactly
  cheb.init(bounds_slow_mode(Matrix<double>(m), false));
  for (int t = 0; t < 3; ++t) {
    const double before = bounds_disagreement(cheb.iterates());
    cheb.step();
    INFO("outer step " << t);
    CHECK(bounds_disagreement(cheb.iterates()) / before == Approx(th.value).epsilon(1e-9));
  }
  // gossip: ||e_{t+1}|| = ρ ||e_t|| on W's slowest eigenvector (ring: the λ2 side)
  const double slem = 1 - laplacian_ends(m).lambda2;
  Gossip gossip(StaticSequence{w});
  gossip.init(bounds_slow_mode(Matrix<double>(w), true));
  for (int t = 0; t < 5; ++t) {
    const double before = bounds_disagreement(gossip.iterates());
    gossip.step();
    INFO("round " << t);
    CHECK(bounds_disagreement(gossip.iterates()) / before == Approx(theorems::gossip(slem).value).epsilon(1e-9));
  }
}

TEST_CASE("theorems: pairwise gossip's per-tick and continuous-time statements", "[theory][bounds]") {
  const Graph g = torus_graph(3, 4);
  const ClockQuantities q = clock_quantities(sim::EventEngine(g, sim::EngineOptions{}));
  const Theorem tick = theorems::pairwise_gossip(q.gossip_lambda2);
  // measured: from W̄'s slowest eigenvector v (W̄ = I − Λ/(2R) per tick), one tick gives
  // E||W_k v||² = vᵀ E[W_kᵀW_k] v = vᵀ W̄ v = λ2(W̄)||v||² (W_k is a projection): the bound is
  // attained. Monte Carlo over 10⁴ seeds (one tick each), 5-standard-error band (§12).
  const sim::EventEngine eng(g, sim::EngineOptions{});
  const Matrix<double> wbar = Matrix<double>::Identity(12, 12) -
                              Matrix<double>(rate_laplacian(eng)) / (2 * eng.total_comm_rate());
  const Iterates<double> v = bounds_slow_mode(wbar, true);
  const int runs = 10000;
  double sum = 0, sum2 = 0;
  for (int r = 0; r < runs; ++r) {
    sim::EngineOptions o;
    o.seed = static_cast<std::uint64_t>(r);
    PairwiseGossip pg(g, o);
    pg.init(v);
    pg.step();
    const double e = bounds_disagreement(pg.iterates());
    sum += e * e;
    sum2 += e * e * e * e;
  }
  const double mean = sum / runs, se = std::sqrt((sum2 / runs - mean * mean) / runs);
  INFO("E||e_1||²/||e_0||² " << mean << " ± " << se << ", theorem λ2(W̄) " << tick.value);
  CHECK(se > 0);
  CHECK(std::abs(mean - tick.value) <= 5 * se);
  const Theorem time = theorems::pairwise_gossip_time(q.chi1);
  REQUIRE(time.kind == TheoremKind::envelope);
  CHECK(time.envelope(0) == 1);
  CHECK(time.envelope(2 * q.chi1) == Approx(std::exp(-1.0)));
}

TEST_CASE("theorem_row carries the source, the spectral quantity and the tag", "[theory][bounds]") {
  const RateRow row = theorem_row(theorems::dual_averaging(), RateRow{.table = "t", .graph = "ring:8"});
  CHECK(row.algorithm == "dual-averaging");
  CHECK(row.tag == Tag::REC);
  CHECK(row.source.find("Duchi") != std::string::npos);
  CHECK(row.source.find("1 − σ2(P)") != std::string::npos);
  // a recalled theorem is never checked for equality
  CHECK_THROWS_AS(judge_equal(row, 1.0, 1.0, 0.1), InvalidArgument);
  CHECK_THROWS_AS(theorems::linearized("gossip", 0.5), InvalidArgument);
}

// Hand-computed values below come from theory-rates.md §11's fixtures (10 significant digits):
// ring C_16 with Metropolis W: ρ = 0.9492530217, λmin(W) = −1/3; P_8: λmin(W) = −0.282586355;
// T_4x4: ρ = 0.6.

TEST_CASE("theorems: Chebyshev gossip on ring16 gives §3a's 1/T_K(c2) = 0.2719566", "[theory][bounds]") {
  // M = I − W: λ2⁺(M) = 1 − 0.9492530217, λmax(M) = 1 + 1/3, γ = 0.0380602337, K = ⌊1/√γ⌋ = 5
  const double gamma = (1 - 0.9492530217) / (4.0 / 3.0);
  CHECK(std::floor(1 / std::sqrt(gamma)) == 5);
  const Theorem th = theorems::chebyshev_gossip(gamma, 5);
  CHECK(th.value == Approx(0.2719566).epsilon(1e-6));
  CHECK(th.check == Check::bound);
  CHECK(theorems::chebyshev_gossip(1.0, 1).value == 0.0);  // complete graph: exact in one round
  // the §11 fixture ρ is gossip's measured contraction on C_16's slowest eigenvector
  const SparseMatrix w = metropolis_weights(ring_graph(16));
  Gossip gossip(StaticSequence{w});
  gossip.init(bounds_slow_mode(Matrix<double>(w), true));
  const double before = bounds_disagreement(gossip.iterates());
  gossip.step();
  CHECK(bounds_disagreement(gossip.iterates()) / before == Approx(theorems::gossip(0.9492530217).value).epsilon(1e-9));
}

TEST_CASE("theorems: the linearized rates name their Jacobian and are exact", "[theory][bounds]") {
  const Theorem dgd = theorems::linearized("dgd", 0.97);
  CHECK(dgd.value == 0.97);
  CHECK(dgd.tag == Tag::DER);
  CHECK(dgd.check == Check::equal);
  CHECK(dgd.source.find("W − αH") != std::string::npos);
  CHECK(dgd.source.find("§4b") != std::string::npos);
  CHECK(theorems::linearized("gradient-tracking", 0.5).source.find("§6a") != std::string::npos);
  CHECK(theorems::linearized("extra", 0.5).source.find("§6b") != std::string::npos);
  CHECK(theorems::linearized("admm", 0.5).source.find("§7a") != std::string::npos);
}

TEST_CASE("theorems: DGD's stability threshold (1 + λn(W))/L on §11's fixtures", "[theory][bounds]") {
  CHECK(theorems::dgd_stability_threshold(-1.0 / 3.0, 1.0).value == Approx(2.0 / 3.0).epsilon(1e-15));  // C_16
  CHECK(theorems::dgd_stability_threshold(-0.282586355, 2.0).value == Approx(0.3587068225).epsilon(1e-12));  // P_8, L = 2
  CHECK(theorems::dgd_stability_threshold(-1.0 / 3.0, 1.0).kind == TheoremKind::quantity);
  CHECK(theorems::dgd_corollary1().check == Check::report);
}

TEST_CASE("theorems: DIGing Thm. 10's step bound and both branches of its rate", "[theory][bounds]") {
  // T_4x4 (δ = 0.6), L = 4, μ̄ = 0.4, n = 16: κ̄ = 10, J₁ = 3·10·(1 + 4·4·√10) = 1547.893277;
  // step bound 1.5·0.4²/(0.4 J₁) = 3.876236e-4; branch 1.5(√(J₁² + 0.64 J₁) − 0.6 J₁)²/(0.4 J₁ (J₁ + 1)²)
  // = 3.875235e-4
  const Theorem bound = theorems::diging_step_bound(0.6, 4, 0.4, 16);
  CHECK(bound.value == Approx(3.8762362299878e-4).epsilon(1e-10));
  CHECK(bound.kind == TheoremKind::quantity);
  // the algorithm's `--step theory` is half of it
  CHECK(2 * diging_theory_step(0.6, 1, 4, 0.4, 16) == Approx(bound.value).epsilon(1e-14));
  // α = 1.9e-4 ≤ branch: λ = √(1 − αμ̄/1.5)
  CHECK(theorems::diging_rate(1.9e-4, 0.6, 4, 0.4, 16).value == Approx(0.99997466634577).epsilon(1e-12));
  // α = 3.876e-4 > branch: λ = √(αμ̄J₁/1.5) + δ
  CHECK(theorems::diging_rate(3.876e-4, 0.6, 4, 0.4, 16).value == Approx(0.99998781118729).epsilon(1e-12));
  CHECK(theorems::diging_rate(1.9e-4, 0.6, 4, 0.4, 16).tag == Tag::REC);
}

TEST_CASE("theorems: CHOCO-Gossip's 1 − ρ²δ/82 uses the spectral gap, not ||W − J||", "[theory][bounds]") {
  // ring16: ρ = 1 − 0.9492530217 = 0.0507469783, top-k with δ = 1/4: ρ²δ/82 = 7.851390e-6
  const Theorem th = theorems::choco_gossip(1 - 0.9492530217, 0.25);
  CHECK(1 - th.value == Approx(7.8513896542e-6).epsilon(1e-9));
  CHECK(th.tag == Tag::DER);  // the corrected statement at γ* (theory-rates §10)
  CHECK(th.check == Check::bound);
  CHECK(theorems::choco_gossip_rounds_delta().value == 1.0);
  CHECK(theorems::choco_gossip_rounds_gap().value == 2.0);
  CHECK(theorems::choco_gossip_rounds_gap().check == Check::slope);
  CHECK(theorems::choco_sgd().check == Check::slope);
}

TEST_CASE("theorems: dual averaging's Thm. 2 envelope and scalings", "[theory][bounds]") {
  // R = G = 1, n = 16, σ2 = 0.9492530217 (ring16), T = 2000:
  // 8/√2000 · ln(2000·√16)/√(1 − σ2) = 0.178885 · 8.987197 / 0.225271 = 7.136646
  const Theorem th = theorems::dual_averaging_envelope(1, 1, 16, 0.9492530217);
  REQUIRE(th.kind == TheoremKind::envelope);
  CHECK(th.envelope(2000) == Approx(7.1366458909).epsilon(1e-9));
  CHECK(th.check == Check::report);  // its constants 8 and 1/4 are recalled
  CHECK(theorems::dual_averaging().value == 1.0);
  CHECK(theorems::dual_averaging_expanders().value == 0.0);
}

TEST_CASE("theorems: MSDA's rates and complexity exponents", "[theory][bounds]") {
  CHECK(theorems::msda(100).value == Approx(0.9).epsilon(1e-15));
  CHECK(theorems::msda(100).tag == Tag::DER);
  CHECK(theorems::msda_dual(100).value == theorems::msda(100).value);
  CHECK(theorems::msda_dual(100).tag == Tag::SRC);
  CHECK(theorems::msda_complexity().value == 1.0);
  CHECK(theorems::msda_gradient_steps().value == 0.5);
  CHECK(theorems::msda_communication_rounds().value == 0.5);
  CHECK(theorems::decentralized_lower_bound().check == Check::report);
}

TEST_CASE("theorems: D-SGD's exponents (Koloskova et al. 2020, Thm. 2)", "[theory][bounds]") {
  CHECK(theorems::dsgd_linear_in_p().value == 1.0);
  CHECK(theorems::dsgd_bias_in_eps().value == 0.5);
  CHECK(theorems::dsgd_bias_in_p().value == 1.0);
  CHECK(theorems::dsgd_noise_in_eps().value == 1.0);
  CHECK(theorems::dsgd_noise_in_n().value == -1.0);
  CHECK(theorems::dsgd_bias_in_eps().spectral_quantity.find("p = 1 − ||W − J||₂²") != std::string::npos);
}

TEST_CASE("theorems: every record names its source and claims equality only when derived", "[theory][bounds]") {
  const std::vector<Theorem> all{theorems::spectral_closed_form(1.0),
                                 theorems::gossip(0.5),
                                 theorems::chebyshev_gossip(0.1, 3),
                                 theorems::pairwise_gossip(0.9),
                                 theorems::pairwise_gossip_time(2.0),
                                 theorems::pairwise_gossip_ticks_scaling(3),
                                 theorems::plain_gossip_ring_scaling(),
                                 theorems::continuized_gossip_ring_scaling(),
                                 theorems::linearized("dgd", 0.9),
                                 theorems::dgd_stability_threshold(0, 1),
                                 theorems::dgd_corollary1(),
                                 theorems::diging_rate(1e-5, 0.5, 1, 0.1, 8),
                                 theorems::diging_step_bound(0.5, 1, 0.1, 8),
                                 theorems::extra_linear(),
                                 theorems::admm_linear(),
                                 theorems::dsgd_linear_in_p(),
                                 theorems::dsgd_bias_in_eps(),
                                 theorems::dsgd_bias_in_p(),
                                 theorems::dsgd_noise_in_eps(),
                                 theorems::dsgd_noise_in_n(),
                                 theorems::dual_averaging(),
                                 theorems::dual_averaging_expanders(),
                                 theorems::dual_averaging_envelope(1, 1, 8, 0.5),
                                 theorems::msda(10),
                                 theorems::msda_dual(10),
                                 theorems::msda_complexity(),
                                 theorems::msda_gradient_steps(),
                                 theorems::msda_communication_rounds(),
                                 theorems::decentralized_lower_bound(),
                                 theorems::choco_gossip(0.1, 0.5),
                                 theorems::choco_gossip_rounds_delta(),
                                 theorems::choco_gossip_rounds_gap(),
                                 theorems::choco_gossip_printed(0.1, 1.0),
                                 theorems::choco_gossip_printed_supported(0.1, 1.0),
                                 theorems::choco_gossip_rounds_gap_printed(),
                                 theorems::choco_identity_recursion(),
                                 theorems::choco_sgd(),
                                 theorems::dadao_communications(),
                                 theorems::dadao_gradients(),
                                 theorems::a2cid2_speedup()};
  for (const Theorem& th : all) {
    INFO(th.source);
    CHECK(!th.algorithm.empty());
    CHECK(!th.statement.empty());
    CHECK(th.source.find("theory-rates.md §") != std::string::npos);
    if (th.check == Check::equal) CHECK(th.tag == Tag::DER);
    if (th.kind == TheoremKind::envelope)
      CHECK(static_cast<bool>(th.envelope));
    else if (th.check != Check::report)
      CHECK(std::isfinite(th.value));
    CHECK_NOTHROW(theorem_row(th, RateRow{}));
  }
  // a recalled statement that claims an equality check is refused
  Theorem wrong = theorems::dsgd_bias_in_eps();
  wrong.check = Check::equal;
  CHECK_THROWS_AS(theorem_row(wrong, RateRow{}), InvalidArgument);
  // an erratum whose evidence is not a [DER] equality is refused: a noisy fit or a bound
  // cannot show a published statement false
  Theorem erratum = theorems::choco_gossip_printed(0.1, 1.0);
  CHECK_NOTHROW(theorem_row(erratum, RateRow{}));
  erratum.check = Check::bound;
  CHECK_THROWS_WITH(theorem_row(erratum, RateRow{}), Catch::Matchers::Contains("needs a [DER] equality"));
  erratum = theorems::choco_gossip_printed(0.1, 1.0);
  erratum.tag = Tag::SRC;
  CHECK_THROWS_AS(theorem_row(erratum, RateRow{}), InvalidArgument);
}
