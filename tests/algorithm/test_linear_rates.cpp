// SPDX-License-Identifier: BSD-3-Clause
/// Acceptance: DGD follows its affine recursion (rate r(W − αA), exact fixed point) and its
/// divergence threshold (1 + λn(W))/L (theory-rates.md §4b); DIGing and EXTRA converge at the
/// second-largest |eigenvalue| of their block iteration matrices (§6a, §6b).
#include <catch2/catch.hpp>

#include <algorithm>

#include <Eigen/Eigenvalues>

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/graph/generators.hpp"
#include "distance.hpp"
#include "process.hpp"
#include "quadratics.hpp"

using namespace adonis;
using adonis::test::consensual;
using adonis::test::ScalarQuadratics;

namespace {
/// Records ||X_t − target||_F after every round (target: one row per node).
struct DistanceTo {
  Iterates<double> target;
  std::vector<double> d;
  template <class A>
  void on_start(const RoundView<A>& v) { d = {(v.iterates() - target).norm()}; }
  template <class A>
  void on_round(const RoundView<A>& v) { d.push_back((v.iterates() - target).norm()); }
  /// Rate of the envelope over [t0, t1]: the ratio of the largest distances in the first and
  /// last `width` rounds of the window, so that a complex pair of eigenvalues (an oscillating
  /// error) does not bias the estimate.
  /// With width 1 this is the geometric mean rate (d[t1]/d[t0])^(1/(t1 − t0)).
  double rate(std::size_t t0, std::size_t t1, std::size_t width) const {
    const double a = *std::max_element(d.begin() + static_cast<std::ptrdiff_t>(t0),
                                       d.begin() + static_cast<std::ptrdiff_t>(t0 + width));
    const double b = *std::max_element(d.begin() + static_cast<std::ptrdiff_t>(t1 + 1 - width),
                                       d.begin() + static_cast<std::ptrdiff_t>(t1 + 1));
    return std::pow(b / a, 1.0 / static_cast<double>(t1 + 1 - width - t0));
  }
  /// Last round whose distance is still above `floor` times the first.
  std::size_t last_above(double floor) const {
    std::size_t t = 0;
    while (t + 1 < d.size() && d[t + 1] > floor * d[0]) ++t;
    return t;
  }
};

/// Remembers the last round it saw.
struct LastRound {
  Round rounds = 0;
  template <class A>
  void on_round(const RoundView<A>& v) { rounds = v.round(); }
};

/// Second-largest |eigenvalue| (the largest is the conserved mode, |λ| = 1).
double second_largest_modulus(const Matrix<double>& m) {
  Eigen::EigenSolver<Matrix<double>> es(m, false);
  std::vector<double> mod;
  for (Index k = 0; k < m.rows(); ++k) mod.push_back(std::abs(es.eigenvalues()(k)));
  std::sort(mod.rbegin(), mod.rend());
  REQUIRE(std::abs(mod[0] - 1) < 1e-9);
  return mod[1];
}
}  // namespace

TEST_CASE("DGD on heterogeneous quadratics is the affine map x <- (W - aA)x + aAb", "[algorithm][dgd]") {
  const Index n = 16;
  const ScalarQuadratics q = ScalarQuadratics::random(n, 2, 0.5, 2.0, 7);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const Matrix<double> wd(w), a = q.a.asDiagonal();
  for (double alpha : {0.05, 0.1, 0.2}) {
    INFO("alpha = " << alpha);
    // exact fixed point and rate
    const Matrix<double> fixed = (Matrix<double>::Identity(n, n) - wd + alpha * a).lu().solve(alpha * a * q.b);
    Eigen::SelfAdjointEigenSolver<Matrix<double>> es(wd - alpha * a);
    const double r = es.eigenvalues().cwiseAbs().maxCoeff();
    Dgd dgd(q, StaticSequence{w}, DgdOptions{.step_size = alpha});
    DistanceTo obs{Iterates<double>(fixed), {}};
    Iterates<double> x = Iterates<double>::Zero(n, 2);
    // iterate-by-iterate agreement with the affine recursion
    Iterates<double> y = x;
    dgd.init(x);
    for (int t = 0; t < 50; ++t) {
      dgd.step();
      y = (wd - alpha * a) * y + alpha * a * q.b;
      REQUIRE((dgd.iterates() - y).cwiseAbs().maxCoeff() < 1e-12);
    }
    run(dgd, x, RunOptions{.max_rounds = 4000}, obs);
    CHECK((x - fixed).norm() < 1e-10 * fixed.norm());
    // generic start: the per-round ratio approaches r (the contamination by the second mode
    // enters squared); measured well above the rounding floor
    const std::size_t t1 = obs.last_above(1e-7);
    REQUIRE(t1 > 20);
    CHECK(std::abs(obs.d[t1] / obs.d[t1 - 1] - r) < 1e-4);
    // start on the slowest mode: the distance to the fixed point is exactly r^t (rel. 1e-9)
    Index top = 0;
    es.eigenvalues().cwiseAbs().maxCoeff(&top);
    Iterates<double> pure = fixed + es.eigenvectors().col(top) * Vector<double>::Ones(2).transpose();
    DistanceTo mode{Iterates<double>(fixed), {}};
    Dgd dgd2(q, StaticSequence{w}, DgdOptions{.step_size = alpha});
    run(dgd2, pure, RunOptions{.max_rounds = 60}, mode);
    for (std::size_t t = 1; t < mode.d.size(); ++t)
      CHECK(adonis::test::close(mode.d[t] / mode.d[0], std::pow(r, static_cast<double>(t)), 1e-9));
  }
}

TEST_CASE("DGD's bias grows linearly in the step size", "[algorithm][dgd]") {
  const Index n = 16;
  const ScalarQuadratics q = ScalarQuadratics::random(n, 2, 0.5, 2.0, 8);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  std::vector<double> alphas{1e-3, 2e-3, 4e-3, 8e-3}, bias;
  for (double alpha : alphas) {
    Dgd dgd(q, StaticSequence{w}, DgdOptions{.step_size = alpha});
    // start at x*: the distance to the fixed point is then the bias itself, O(α)
    Iterates<double> x = consensual(q.x_star(), n);
    run(dgd, x, RunOptions{.max_rounds = 40000});
    bias.push_back((x - consensual(q.x_star(), n)).norm());
  }
  const double slope = std::log(bias.back() / bias.front()) / std::log(alphas.back() / alphas.front());
  INFO("slope " << slope);
  CHECK(std::abs(slope - 1) < 0.1);
}

TEST_CASE("DGD's divergence threshold (1 + lambda_n(W))/L is reproduced", "[algorithm][dgd]") {
  const Index n = 16;
  ScalarQuadratics q = ScalarQuadratics::random(n, 2, 1.0, 1.0, 9);  // identical curvature L = 1
  const SparseMatrix w = metropolis_weights(ring_graph(n));            // λn(W) = −1/3
  const double threshold = (1 + detail::mixing_spectrum(w).lambda_min) / 1.0;
  REQUIRE(std::abs(threshold - 2.0 / 3) < 1e-12);
  Iterates<double> x = Iterates<double>::Zero(n, 2);
  Dgd stable(q, StaticSequence{w}, DgdOptions{.step_size = 0.99 * threshold});
  const RunResult ok = run(stable, x, RunOptions{.max_rounds = 20000});
  CHECK(ok.status == Status::max_rounds);
  CHECK(x.allFinite());
  Iterates<double> y = Iterates<double>::Zero(n, 2);
  Dgd unstable(q, StaticSequence{w}, DgdOptions{.step_size = 1.01 * threshold});
  LastRound last;
  const RunResult bad = run(unstable, y, RunOptions{.max_rounds = 20000}, last);
  CHECK(bad.status == Status::diverged);
  CHECK(bad.counters.rounds < 20000);
  CHECK(last.rounds == bad.counters.rounds);  // the observer saw every round, the partial run is kept
}

TEST_CASE("DIGing converges at the second-largest |eigenvalue| of its block matrix", "[algorithm][gradient-tracking]") {
  const Index n = 16;
  const ScalarQuadratics q = ScalarQuadratics::random(n, 1, 0.5, 1.5, 10);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const Matrix<double> wd(w), a = q.a.asDiagonal(), eye = Matrix<double>::Identity(n, n);
  for (double alpha : {0.01, 0.02}) {
    INFO("alpha = " << alpha);
    Matrix<double> m(2 * n, 2 * n);
    m << wd, -alpha * eye, a * (wd - eye), wd - alpha * a;
    const double r = second_largest_modulus(m);
    GradientTracking gt(q, StaticSequence{w}, GradientTrackingOptions{.step_size = alpha});
    DistanceTo obs{consensual(q.x_star(), n), {}};
    Iterates<double> x = Iterates<double>::Zero(n, 1);
    run(gt, x, RunOptions{.max_rounds = 6000}, obs);
    const std::size_t t1 = obs.last_above(1e-10);
    REQUIRE(t1 > 200);
    CHECK(std::abs(obs.rate(t1 / 2, t1, 20) - r) < 1e-3);
    CHECK(obs.d.back() < 1e-9 * obs.d.front());  // exact convergence, unlike DGD
  }
}

TEST_CASE("EXTRA converges at the second-largest |eigenvalue| of its block matrix", "[algorithm][extra]") {
  const Index n = 16;
  const ScalarQuadratics q = ScalarQuadratics::random(n, 1, 0.5, 1.5, 11);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const Matrix<double> wd(w), a = q.a.asDiagonal(), eye = Matrix<double>::Identity(n, n);
  const Matrix<double> wt = (eye + wd) / 2;
  const double bound = (1 + detail::mixing_spectrum(w).lambda_min) / q.a.maxCoeff();
  for (double frac : {0.3, 0.6, 0.9}) {
    const double alpha = frac * bound;
    INFO("alpha = " << alpha);
    Matrix<double> m(2 * n, 2 * n);
    m << eye + wd - alpha * a, -(wt - alpha * a), eye, Matrix<double>::Zero(n, n);
    const double r = second_largest_modulus(m);
    Extra extra(q, StaticSequence{w}, ExtraOptions{.step_size = alpha});
    DistanceTo obs{consensual(q.x_star(), n), {}};
    Iterates<double> x = Iterates<double>::Zero(n, 1);
    run(extra, x, RunOptions{.max_rounds = 8000}, obs);
    const std::size_t t1 = obs.last_above(1e-10);
    REQUIRE(t1 > 100);
    CHECK(std::abs(obs.rate(t1 / 4, t1, 20) - r) < 1e-3);  // complex pairs: envelope
    CHECK(obs.d[t1 + 1] < 1e-10 * obs.d.front());  // exact convergence (then the rounding floor)
  }
}
