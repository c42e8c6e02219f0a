// SPDX-License-Identifier: BSD-3-Clause
/// The checks of `adonis rates` can fail: a broken algorithm (a mixing step that loses mass)
/// and a wrong theorem (a rate twice too fast, a Jacobian with the wrong step) give VIOLATED,
/// while the real algorithm with the right theorem passes (issue 6, criterion 3).
#include <catch2/catch.hpp>

#include <cmath>

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/linearized.hpp"

using namespace adonis;

namespace {

/// Gossip whose mixing step loses 1% of the mass every round: X ← 0.99 W X.
class LossyGossip {
 public:
  explicit LossyGossip(SparseMatrix w) : m_w(std::move(w)) {}
  void init(const Iterates<double>& x0) {
    m_x = x0;
    m_counters = {};
  }
  void step() {
    m_next = 0.99 * (m_w * m_x);
    std::swap(m_x, m_next);
    ++m_counters.rounds;
  }
  const Iterates<double>& iterates() const { return m_x; }
  const Counters& counters() const { return m_counters; }

 private:
  SparseMatrix m_w;
  Iterates<double> m_x, m_next;
  Counters m_counters;
};

Iterates<double> random_start(Index n, Index d) {
  SplitMix64 rng(5);
  Iterates<double> x(n, d);
  for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
  return x;
}

const RateRow kBase{.table = "test", .algorithm = "gossip", .graph = "ring:12", .problem = "none",
                    .source = "derived", .tag = Tag::DER};

}  // namespace

TEST_CASE("check_averaging: real gossip passes, a lossy mixing step and a too-fast bound fail", "[theory][checks]") {
  const SparseMatrix w = metropolis_weights(ring_graph(12));
  const double rho = detail::mixing_spectrum(w).slem;
  const Iterates<double> x0 = random_start(12, 3);

  Gossip gossip(StaticSequence{w});
  const auto good = check_averaging(gossip, x0, rho, 200, kBase, "rho");
  REQUIRE(good.size() == 2);
  CHECK(good[0].verdict == Verdict::ok);
  CHECK(good[1].verdict == Verdict::ok);
  CHECK(good[1].measured <= rho * (1 + 1e-9));  // equality up to rounding along the slowest mode
  CHECK(good[1].measured > 0.9 * rho);  // a generic start sees the slowest mode

  LossyGossip lossy(w);
  const auto broken = check_averaging(lossy, x0, rho, 200, kBase, "rho");
  CHECK(broken[0].verdict == Verdict::violated);  // the average shrinks by 0.99^200
  CHECK(any_violated(broken));

  // a claimed rate twice too fast: exponent −ln ρ doubled, i.e. bound ρ²
  const auto wrong = check_averaging(gossip, x0, rho * rho, 200, kBase, "rho^2");
  CHECK(wrong[0].verdict == Verdict::ok);
  CHECK(wrong[1].verdict == Verdict::violated);

  // errors of 10% (issue 22): a bound whose exponent is 10% too fast (ρ^1.1), and gossip on a W
  // whose spectral gap is 10% smaller than the bound's (W' = 0.9 W + 0.1 I: 1 − ρ' = 0.9 (1 − ρ))
  const auto fast = check_averaging(gossip, x0, std::pow(rho, 1.1), 200, kBase, "rho^1.1");
  CHECK(fast[1].verdict == Verdict::violated);
  Gossip lazier(StaticSequence{SparseMatrix(0.9 * w + 0.1 * sparse_identity(12))});
  const auto perturbed = check_averaging(lazier, x0, rho, 200, kBase, "rho");
  CHECK(perturbed[0].verdict == Verdict::ok);  // still doubly stochastic
  CHECK(perturbed[1].verdict == Verdict::violated);
}

TEST_CASE("check_exponent: the right Jacobian passes, a step 10% off fails", "[theory][checks]") {
  const SparseMatrix w = metropolis_weights(ring_graph(8));
  const ProblemInstance inst = make_problem("quadratic:dim=3,L=2,mu=0.2,zeta=1", 8);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const double alpha = 0.3;
  Dgd dgd(p, StaticSequence{w}, DgdOptions{.step_size = alpha});
  Measurements m;
  Iterates<double> x = Iterates<double>::Zero(8, 3);
  run(dgd, x, RunOptions{.max_rounds = 5000}, MeasureObserver<>(m, 1e-11));
  const Matrix<double> h = stacked_hessian(p, x);
  RateRow base = kBase;
  base.algorithm = "dgd";
  const RateRow right = check_exponent(m, asymptotic_rate(dgd_jacobian(w, h, alpha)), base);
  CHECK(right.verdict == Verdict::ok);
  CHECK(right.ratio == Approx(1).margin(1e-2));
  // a Jacobian at 0.9α or 1.1α (both stable: DGD's threshold here is (1 + λn(W))/L = 1/3)
  for (double wrong_alpha : {0.9 * alpha, 1.1 * alpha}) {
    const RateRow wrong = check_exponent(m, asymptotic_rate(dgd_jacobian(w, h, wrong_alpha)), base);
    INFO("alpha " << wrong_alpha << ": " << wrong.note);
    CHECK(wrong.verdict == Verdict::violated);
  }
  base.tag = Tag::REC;  // a recalled result is never checked for equality
  CHECK_THROWS_AS(check_exponent(m, 0.5, base), InvalidArgument);
}
