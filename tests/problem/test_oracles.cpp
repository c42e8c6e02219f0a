// SPDX-License-Identifier: BSD-3-Clause
/// Every oracle against finite differences; Hessians, prox optimality; stochastic oracles
/// unbiased with the stated variance (Monte Carlo, 5 standard errors).
#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>

#include <cmath>
#include <functional>
#include <string>

#include "adonis/problem/concepts.hpp"
#include "adonis/problem/glm.hpp"
#include "adonis/problem/gradcheck.hpp"
#include "adonis/problem/multinomial.hpp"
#include "adonis/problem/median.hpp"
#include "adonis/problem/quadratic.hpp"
#include "support.hpp"

using namespace adonis;
using adonis::test::random_dataset;
using adonis::test::random_vector;

namespace {
constexpr Index kNodes = 3;

Partition split(const Dataset& ds, Index n = kNodes) { return partition_samples(ds.y, n, {}, 7); }

/// Test-side loss derivatives (independent of glm.hpp).
double sq_derivative(double z, double y) { return z - y; }
double logistic_derivative(double z, double y) { return -y / (1 + std::exp(y * z)); }

/// The per-sample gradient of sample j of node i, from the raw rows (independent of the code).
template <class P>
Vector<double> sample_gradient_by_hand(const P& p, Index i, Index j, const Vector<double>& x, bool logistic) {
  const auto a = p.local_features(i).row(j).transpose();
  const double z = a.dot(x), y = p.local_targets(i)(j);
  return (logistic ? logistic_derivative(z, y) : sq_derivative(z, y)) * a + p.lambda() * x;
}

/// E||g - grad f_i(x)||^2 for one sample (b = 1, no noise), by a direct sum.
template <class P>
double sample_variance_by_hand(const P& p, Index i, const Vector<double>& x) {
  Vector<double> g(p.dim()), gj(p.dim());
  p.gradient(i, x, g);
  double v = 0;
  for (Index j = 0; j < p.num_samples(i); ++j) {
    p.sample_gradient(i, j, x, gj);
    v += (gj - g).squaredNorm();
  }
  return v / static_cast<double>(p.num_samples(i));
}

/// Monte Carlo: mean within 5 standard errors of grad f_i(x) in every coordinate, and the mean
/// squared deviation within 5 standard errors of `variance`.
template <class P>
void check_stochastic(const P& p, Index i, const Vector<double>& x, double variance, std::uint64_t seed) {
  const int K = 20000;
  const Index d = p.dim();
  Vector<double> g(d), exact(d), sum = Vector<double>::Zero(d), sumsq = Vector<double>::Zero(d);
  p.gradient(i, x, exact);
  double q_sum = 0, q_sumsq = 0;
  SplitMix64 rng(seed);
  for (int k = 0; k < K; ++k) {
    p.stochastic_gradient(i, x, g, rng);
    const Vector<double> dev = g - exact;
    sum += dev;
    sumsq += dev.cwiseAbs2();
    const double q = dev.squaredNorm();
    q_sum += q;
    q_sumsq += q * q;
  }
  const Vector<double> mean = sum / K;
  const Vector<double> se = ((sumsq / K - mean.cwiseAbs2()) / K).cwiseSqrt();
  for (Index c = 0; c < d; ++c) {
    INFO("coordinate " << c << " mean deviation " << mean(c) << " se " << se(c));
    CHECK(std::abs(mean(c)) <= 5 * se(c) + 1e-15);
  }
  const double q_mean = q_sum / K, q_se = std::sqrt((q_sumsq / K - q_mean * q_mean) / K);
  INFO("variance " << q_mean << " expected " << variance << " se " << q_se);
  CHECK(std::abs(q_mean - variance) <= 5 * q_se + 1e-15);
  CHECK(variance > 0);
}

template <class P>
void check_hessian(const P& p, Index i, const Vector<double>& x) {
  Matrix<double> h, fd(p.dim(), p.dim());
  p.hessian(i, x, h);
  for (Index r = 0; r < p.dim(); ++r) {
    fd.row(r) = finite_difference_gradient(
                    [&](const Vector<double>& y) {
                      Vector<double> g(p.dim());
                      p.gradient(i, y, g);
                      return g(r);
                    },
                    x)
                    .transpose();
  }
  CHECK((h - fd).cwiseAbs().maxCoeff() <= 1e-6 * std::max(1.0, h.cwiseAbs().maxCoeff()));
}

template <class P>
void check_smooth_prox(const P& p, Index i, const Vector<double>& v, double step) {
  Vector<double> u(p.dim()), g(p.dim());
  p.prox(i, v, step, u);
  p.gradient(i, u, g);
  // optimality of argmin_u f_i(u) + ||u - v||^2 / (2 step): grad f_i(u) + (u - v)/step = 0
  CHECK((g + (u - v) / step).norm() <= 1e-10 * std::max(1.0, g.norm()));
}
}  // namespace

TEST_CASE("least squares, ridge and logistic pass the gradient check on every node", "[problem][oracle][gradcheck]") {
  for (const bool logistic : {false, true}) {
    for (const double lambda : {0.0, 0.3}) {
      INFO((logistic ? "logistic" : "least squares") << " lambda " << lambda);
      const Dataset ds = random_dataset(40, 4, logistic, 11);
      const Partition parts = split(ds);
      auto check = [&](const auto& p) {
        REQUIRE(p.num_nodes() == kNodes);
        REQUIRE(p.dim() == 4);
        for (Index i = 0; i < kNodes; ++i) {
          for (std::uint64_t s = 0; s < 3; ++s) {
            const Vector<double> x = random_vector(4, 100 * s + static_cast<std::uint64_t>(i), 0.7);
            const GradientCheck r = check_gradient(p, i, x);
            INFO("node " << i << " error " << r.error);
            CHECK(r.passed(1e-7));
            check_hessian(p, i, x);
            check_smooth_prox(p, i, x, 0.37);
            // per-sample gradients: against the test's own formula, and their mean is the gradient
            Vector<double> g(4), gj(4), mean = Vector<double>::Zero(4);
            p.gradient(i, x, g);
            for (Index j = 0; j < p.num_samples(i); ++j) {
              p.sample_gradient(i, j, x, gj);
              CHECK((gj - sample_gradient_by_hand(p, i, j, x, logistic)).norm() <= 1e-12 * (1 + gj.norm()));
              mean += gj;
            }
            CHECK((mean / static_cast<double>(p.num_samples(i)) - g).norm() <= 1e-12 * (1 + g.norm()));
          }
        }
        // the global helpers are node averages
        const Vector<double> x = random_vector(4, 5);
        Vector<double> g(4), gi(4), sum = Vector<double>::Zero(4);
        double f = 0;
        for (Index i = 0; i < kNodes; ++i) {
          p.gradient(i, x, gi);
          sum += gi;
          f += p.value(i, x);
        }
        global_gradient(p, x, g);
        CHECK((g - sum / kNodes).norm() <= 1e-12 * (1 + g.norm()));
        CHECK(global_value(p, x) == Approx(f / kNodes).epsilon(1e-14));
        CHECK(check_gradient([&](const Vector<double>& y) { return global_value(p, y); }, g, x).passed(1e-7));
      };
      if (logistic) check(LogisticProblem(ds, parts, lambda));
      else check(LeastSquaresProblem(ds, parts, lambda));
    }
  }
}

TEST_CASE("multinomial logistic regression: gradient, Hessian, prox, Böhning bound, stable softmax",
          "[problem][oracle][gradcheck][multinomial]") {
  // 3 classes, 4 features, 45 samples; labels 0, 1, 2 drawn from the test's own rule
  Dataset ds = random_dataset(45, 4, false, 13);
  for (Index j = 0; j < ds.samples(); ++j) ds.y(j) = static_cast<double>(j % 3);
  const Partition parts = split(ds);
  for (const double lambda : {0.0, 0.2}) {
    INFO("lambda " << lambda);
    const MultinomialProblem p(ds, parts, lambda);
    REQUIRE(p.classes() == 3);
    REQUIRE(p.dim() == 12);
    for (Index i = 0; i < kNodes; ++i) {
      const Vector<double> x = random_vector(12, 31 + static_cast<std::uint64_t>(i), 0.8);
      CHECK(check_gradient(p, i, x).passed(1e-7));
      check_hessian(p, i, x);
      if (lambda > 0) check_smooth_prox(p, i, x, 0.37);
      // f_i by hand: mean over samples of log Σ_k exp(w_kᵀa) − w_yᵀa
      double f = 0;
      const auto& a = p.local_features(i);
      for (Index j = 0; j < a.rows(); ++j) {
        double norm = 0, own = 0;
        for (Index k = 0; k < 3; ++k) {
          const double z = x.segment(4 * k, 4).dot(a.row(j).transpose());
          norm += std::exp(z);
          if (k == p.local_labels(i)[static_cast<std::size_t>(j)]) own = z;
        }
        f += std::log(norm) - own;
      }
      CHECK(p.value(i, x) == Approx(f / static_cast<double>(a.rows()) + 0.5 * lambda * x.squaredNorm()).epsilon(1e-12));
      // the Hessian lies between the curvature bounds (Böhning): upper − H and H − lower are PSD
      Matrix<double> h;
      p.hessian(i, x, h);
      const Eigen::SelfAdjointEigenSolver<Matrix<double>> up(p.curvature_upper(i) - h), lo(h - p.curvature_lower(i));
      CHECK(up.eigenvalues().minCoeff() >= -1e-12);
      CHECK(lo.eigenvalues().minCoeff() >= -1e-12);
      // sample gradients average to the gradient
      Vector<double> g(12), gj(12), mean = Vector<double>::Zero(12);
      p.gradient(i, x, g);
      for (Index j = 0; j < p.num_samples(i); ++j) {
        p.sample_gradient(i, j, x, gj);
        mean += gj;
      }
      CHECK((mean / static_cast<double>(p.num_samples(i)) - g).norm() <= 1e-12 * (1 + g.norm()));
    }
    // at x = 0 the Hessian's largest eigenvalue is λ_max(A_iᵀA_i/m_i)/K + λ, below the bound's
    Matrix<double> h0;
    p.hessian(0, Vector<double>::Zero(12), h0);
    const double gram_max = Eigen::SelfAdjointEigenSolver<Matrix<double>>(
                                p.local_features(0).transpose() * p.local_features(0) / static_cast<double>(p.num_samples(0)))
                                .eigenvalues()
                                .maxCoeff();
    CHECK(Eigen::SelfAdjointEigenSolver<Matrix<double>>(h0).eigenvalues().maxCoeff() ==
          Approx(gram_max / 3 + lambda).epsilon(1e-10));
    CHECK(Eigen::SelfAdjointEigenSolver<Matrix<double>>(p.curvature_upper(0)).eigenvalues().maxCoeff() ==
          Approx(gram_max / 2 + lambda).epsilon(1e-10));
  }
  // huge scores: finite value and gradient
  const MultinomialProblem p(ds, parts, 0.0);
  const Vector<double> big = Vector<double>::Constant(12, 1e4);
  Vector<double> g(12);
  p.gradient(0, big, g);
  CHECK(std::isfinite(p.value(0, big)));
  CHECK(g.allFinite());
  Dataset bad = ds;
  bad.y(3) = 1.5;
  CHECK_THROWS_WITH(MultinomialProblem(bad, parts, 0.1), Catch::Contains("MultinomialProblem") && Catch::Contains("row 3") &&
                                                            Catch::Contains("got 1.5"));
  CHECK_THROWS_WITH(MultinomialProblem(ds, parts, -1), Catch::Contains("lambda must be >= 0"));
}

TEST_CASE("logistic loss is stable for huge margins", "[problem][oracle]") {
  CHECK(LogisticLoss::value(1000, 1) == 0);
  CHECK(LogisticLoss::value(-1000, 1) == Approx(1000));
  CHECK(std::isfinite(LogisticLoss::derivative(-1e5, 1)));
  CHECK(LogisticLoss::derivative(-1e5, 1) == -1);
  CHECK(LogisticLoss::second_derivative(0, 1) == 0.25);
}

TEST_CASE("quadratic: gradient check, Hessian, prox, exact optimum and heterogeneity", "[problem][oracle][gradcheck]") {
  QuadraticOptions o;
  o.dim = 6;
  o.L = 10;
  o.mu = 0.1;
  o.zeta = 2;
  o.seed = 3;
  const QuadraticProblem q(5, o);
  for (Index i = 0; i < 5; ++i) {
    const Vector<double> x = random_vector(6, static_cast<std::uint64_t>(i));
    CHECK(check_gradient(q, i, x).passed(1e-7));
    check_hessian(q, i, x);
    check_smooth_prox(q, i, x, 0.2);
  }
  Vector<double> g(6);
  global_gradient(q, q.x_star(), g);
  CHECK(g.norm() <= 1e-12);
  double zeta2 = 0;
  for (Index i = 0; i < 5; ++i) {
    q.gradient(i, q.x_star(), g);
    zeta2 += g.squaredNorm() / 5;
  }
  CHECK(zeta2 == Approx(4).epsilon(1e-12));
  // the closed-form global value equals the mean of the local values; its floor is f(x*)
  for (std::uint64_t s : {7u, 8u, 9u}) {
    const Vector<double> x = random_vector(6, s) * 3.0;
    double mean = 0;
    for (Index i = 0; i < 5; ++i) mean += q.value(i, x) / 5;
    CHECK(q.global_value(x) == Approx(mean).epsilon(1e-13));
  }
  double at_star = 0;
  for (Index i = 0; i < 5; ++i) at_star += q.value(i, q.x_star()) / 5;
  CHECK(global_value(q, q.x_star()) == Approx(at_star).epsilon(1e-13));
  CHECK(global_value(q, q.x_star()) > 0);  // zeta = 2: the local optima differ
  // same seed, same problem; different seed, different problem
  CHECK(QuadraticProblem(5, o).centre(2) == q.centre(2));
  o.seed = 4;
  CHECK(QuadraticProblem(5, o).centre(2) != q.centre(2));
}

TEST_CASE("median: subgradient check away from kinks, exact prox", "[problem][oracle][gradcheck]") {
  const Dataset ds = random_dataset(31, 3, false, 5);
  const MedianProblem p(ds, split(ds));
  for (Index i = 0; i < kNodes; ++i) {
    const Vector<double> x = random_vector(3, 40 + static_cast<std::uint64_t>(i));
    // f_i is piecewise linear: central differences are exact unless a kink lies within h
    CHECK(check_gradient(p, i, x, 1e-7).passed(1e-6));
    Vector<double> g(3), s(3);
    p.gradient(i, x, g);
    p.subgradient(i, x, s);
    CHECK(g == s);
    CHECK(g.cwiseAbs().maxCoeff() <= 1.0);
    for (const double step : {1e-3, 0.1, 10.0}) {
      Vector<double> u(3);
      p.prox(i, x, step, u);
      // 0 must lie in (u - v)/step + (1/m) [#below - #above - #equal, #below - #above + #equal]
      const auto& a = p.local_features(i);
      for (Index k = 0; k < 3; ++k) {
        double below = 0, above = 0, equal = 0;
        for (Index j = 0; j < a.rows(); ++j) (a(j, k) < u(k) ? below : a(j, k) > u(k) ? above : equal) += 1;
        const double m = static_cast<double>(a.rows()), base = (u(k) - x(k)) / step + (below - above) / m;
        INFO("node " << i << " step " << step << " coordinate " << k);
        CHECK(base - equal / m <= 1e-12);
        CHECK(base + equal / m >= -1e-12);
      }
    }
  }
}

TEST_CASE("stochastic oracles are unbiased with the stated variance", "[problem][oracle][stochastic]") {
  const Dataset reg = random_dataset(30, 3, false, 21), cls = random_dataset(30, 3, true, 22);
  std::uint64_t seed = 1;
  for (const Index b : {1, 4}) {
    for (const double noise : {0.0, 0.5}) {
      INFO("batch " << b << " noise " << noise);
      const StochasticOptions so{b, noise};
      const LeastSquaresProblem ls(reg, split(reg), 0.2, so);
      const LogisticProblem lg(cls, split(cls), 0.1, so);
      const MedianProblem md(reg, split(reg), so);
      const Vector<double> x = random_vector(3, 77);
      for (Index i : {0, 2}) {
        check_stochastic(ls, i, x, (sample_variance_by_hand(ls, i, x) + noise) / static_cast<double>(b), seed++);
        check_stochastic(lg, i, x, (sample_variance_by_hand(lg, i, x) + noise) / static_cast<double>(b), seed++);
        check_stochastic(md, i, x, (sample_variance_by_hand(md, i, x) + noise) / static_cast<double>(b), seed++);
      }
      if (noise > 0) {
        QuadraticOptions o;
        o.dim = 3;
        const QuadraticProblem q(2, o, so);
        check_stochastic(q, 1, x, noise / static_cast<double>(b), seed++);
      }
    }
  }
}

TEST_CASE("problem constructors reject bad input", "[problem][oracle][errors]") {
  const Dataset ds = random_dataset(10, 2, true, 1);
  const Partition parts = split(ds);
  CHECK_THROWS_WITH(LogisticProblem(ds, parts, -0.5), Catch::Contains("lambda must be >= 0") && Catch::Contains("-0.5"));
  CHECK_THROWS_AS(LeastSquaresProblem(ds, parts, std::nan("")), InvalidArgument);
  Dataset bad = ds;
  bad.y(3) = 0.5;
  CHECK_THROWS_WITH(LogisticProblem(bad, parts, 0.1), Catch::Contains("label must be -1 or +1"));
  bad = ds;
  bad.A(2, 1) = INFINITY;
  CHECK_THROWS_AS(MedianProblem(bad, parts), InvalidArgument);
  bad = ds;
  bad.y.resize(9);
  CHECK_THROWS_AS(LeastSquaresProblem(bad, parts, 0), DimensionMismatch);
  CHECK_THROWS_AS(LeastSquaresProblem(ds, parts, 0, StochasticOptions{0, 0}), InvalidArgument);
  QuadraticOptions o;
  o.mu = 2;
  o.L = 1;
  CHECK_THROWS_WITH(QuadraticProblem(3, o), Catch::Contains("L must be >= mu"));
  o = {};
  o.zeta = 1;
  CHECK_THROWS_WITH(QuadraticProblem(1, o), Catch::Contains("zeta must be 0 with a single node"));
}
