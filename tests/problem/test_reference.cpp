// SPDX-License-Identifier: BSD-3-Clause
/// Reference solutions against certified values and independent solvers; exact constants
/// against brute force.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Eigenvalues>

#include "adonis/problem/constants.hpp"
#include "adonis/problem/gradcheck.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "support.hpp"

using namespace adonis;
using adonis::test::random_dataset;
using adonis::test::random_vector;

namespace {
/// NIST StRD Longley certified values (https://www.itl.nist.gov/div898/strd/lls/data/LINKS/DATA/Longley.dat).
const double kLongley[7] = {-3482258.63459582,  15.0618722713733,    -0.358191792925910E-01, -2.02022980381683,
                            -1.03322686717359,  -0.511041056535807E-01, 1829.15146461355};

double eig_max(const Matrix<double>& m) { return Eigen::SelfAdjointEigenSolver<Matrix<double>>(m).eigenvalues().maxCoeff(); }
double eig_min(const Matrix<double>& m) { return Eigen::SelfAdjointEigenSolver<Matrix<double>>(m).eigenvalues().minCoeff(); }

/// Plain gradient descent with step 1/L until the gradient norm stalls (at most `iterations`).
template <class P>
Vector<double> gradient_descent(const P& p, double L, int iterations) {
  Vector<double> x = Vector<double>::Zero(p.dim()), g(p.dim());
  for (int t = 0; t < iterations; ++t) {
    global_gradient(p, x, g);
    if (g.norm() <= 1e-11) break;
    x -= g / L;
  }
  return x;
}

/// The Hessian of f_i at x by central differences of the gradient (independent of hessian()).
template <class P>
Matrix<double> fd_hessian(const P& p, Index i, const Vector<double>& x) {
  const Index d = p.dim();
  Matrix<double> h(d, d);
  Vector<double> up(d), down(d), y = x;
  for (Index k = 0; k < d; ++k) {
    const double step = 1e-5;
    y(k) = x(k) + step;
    p.gradient(i, y, up);
    y(k) = x(k) - step;
    p.gradient(i, y, down);
    y(k) = x(k);
    h.col(k) = (up - down) / (2 * step);
  }
  return 0.5 * (h + h.transpose());
}
}  // namespace

TEST_CASE("least squares reproduces the NIST certified Longley coefficients", "[problem][reference][longley]") {
  for (const Index nodes : {1, 4}) {  // 16 rows, 4 equal nodes: the same objective up to scale
    INFO("nodes " << nodes);
    const ProblemInstance inst = make_problem("least-squares:longley:intercept", nodes, parse_partition("iid"), 3);
    const auto& p = std::get<LeastSquaresProblem>(inst.problem);
    REQUIRE(p.dim() == 7);
    const ReferenceSolution r = reference_solution(p);
    for (int k = 0; k < 7; ++k) {
      INFO("b" << k << " = " << r.x(k) << " certified " << kLongley[k]);
      CHECK(std::abs(r.x(k) - kLongley[k]) <= 1e-8 * std::abs(kLongley[k]));
    }
    CHECK(r.grad_norm_relative <= 1e-12);
    // NIST residual standard deviation 304.854073561965 (9 residual degrees of freedom)
    const double rss = 2 * 16 * r.f;
    CHECK(std::sqrt(rss / 9) == Approx(304.854073561965).epsilon(1e-8));
    if (nodes == 1) {
      // mu = sigma_min(A)^2 / 16 despite cond(A^T A) ~ 1e19: independently, 1/mu = 16 ||R^-1||^2
      // from a Householder QR of A (the largest eigenvalue of R^-1 R^-T is accurate)
      const auto& a = p.local_features(0);
      const Matrix<double> rr = Eigen::HouseholderQR<Matrix<double>>(a).matrixQR().topRows(7);
      const Matrix<double> rinv =
          rr.triangularView<Eigen::Upper>().solve(Matrix<double>::Identity(7, 7));
      const double mu = 1.0 / (16.0 * eig_max(rinv * rinv.transpose()));
      const ProblemConstants c = problem_constants(p, r.x);
      CHECK(c.mu == Approx(mu).epsilon(1e-6));
      CHECK(c.L == Approx(eig_max(a.transpose() * a / 16.0)).epsilon(1e-12));
    }
  }
}

TEST_CASE("ridge reference: QR of the stacked system satisfies the normal equations", "[problem][reference]") {
  const Dataset ds = random_dataset(37, 5, false, 8);
  const LeastSquaresProblem p(ds, partition_samples(ds.y, 4, parse_partition("dirichlet:0.5"), 2), 0.7);
  const ReferenceSolution r = reference_solution(p);
  // independent: the (1/n) sum_i (A_i^T A_i / m_i) + lambda I system solved by LU
  Matrix<double> h = Matrix<double>::Zero(5, 5);
  Vector<double> rhs = Vector<double>::Zero(5);
  for (Index i = 0; i < 4; ++i) {
    const auto& a = p.local_features(i);
    h += a.transpose() * a / static_cast<double>(a.rows()) / 4.0;
    rhs += a.transpose() * p.local_targets(i) / static_cast<double>(a.rows()) / 4.0;
  }
  h.diagonal().array() += 0.7;
  const Vector<double> x = h.fullPivLu().solve(rhs);
  CHECK((r.x - x).norm() <= 1e-10 * x.norm());
  CHECK(r.grad_norm <= 1e-12);
}

TEST_CASE("logistic Newton reference agrees with a long run of gradient descent", "[problem][reference][logistic]") {
  for (const char* spec : {"logistic:heart_scale:0.01", "logistic:breast_cancer:0.01:std"}) {
    INFO(spec);
    const ProblemInstance inst = make_problem(spec, 4, parse_partition("iid"), 1);
    const auto& p = std::get<LogisticProblem>(inst.problem);
    const ReferenceSolution r = reference_solution(p);
    INFO("grad norm " << r.grad_norm << " after " << r.iterations << " Newton iterations");
    CHECK(r.grad_norm <= 1e-12);
    CHECK(r.grad_norm_relative <= 1e-12);
    const ProblemConstants c = problem_constants(p, r.x);
    const Vector<double> x = gradient_descent(p, c.L, 200000);
    const double f_gd = global_value(p, x);
    INFO("f* = " << r.f << ", f(GD) = " << f_gd);
    CHECK(std::abs(f_gd - r.f) <= 1e-9);
    CHECK(r.f <= f_gd + 1e-14);  // Newton's point is at least as good
    CHECK((x - r.x).norm() <= 1e-5 * std::max(1.0, r.x.norm()));
  }
}

TEST_CASE("median reference is the coordinate-wise median, certified", "[problem][reference][median]") {
  const Dataset ds = random_dataset(40, 3, false, 4);
  // equal node sizes: the ordinary median (40 rows: mean of the 20th and 21st values)
  const MedianProblem p(ds, partition_samples(ds.y, 4, {}, 0));
  const ReferenceSolution r = reference_solution(p);
  for (Index k = 0; k < 3; ++k) {
    std::vector<double> v(ds.A.col(k).data(), ds.A.col(k).data() + 40);
    std::sort(v.begin(), v.end());
    CHECK(r.x(k) == Approx(0.5 * (v[19] + v[20])).epsilon(1e-15));
  }
  CHECK(r.grad_norm <= 1e-12);
  // unequal node sizes: a weighted median; check optimality by perturbation
  const MedianProblem w(ds, partition_samples(ds.y, 3, parse_partition("dirichlet:0.3"), 5));
  const ReferenceSolution rw = reference_solution(w);
  CHECK(rw.grad_norm <= 1e-12);
  for (Index k = 0; k < 3; ++k)
    for (const double delta : {-1e-3, 1e-3, -0.1, 0.1}) {
      Vector<double> y = rw.x;
      y(k) += delta;
      CHECK(global_value(w, y) >= rw.f - 1e-14);
    }
  CHECK(w.subdifferential_distance(rw.x + Vector<double>::Constant(3, 0.05)) > 1e-3);
}

TEST_CASE("constants: L and mu match Hessian eigenvalues computed by brute force", "[problem][constants]") {
  const Dataset reg = random_dataset(24, 4, false, 31), cls = random_dataset(24, 4, true, 32);
  const Partition parts = partition_samples(reg.y, 3, parse_partition("contiguous"), 0);
  SECTION("ridge: Hessians are constant") {
    const LeastSquaresProblem p(reg, parts, 0.25);
    const ProblemConstants c = problem_constants(p, reference_solution(p).x);
    Matrix<double> mean = Matrix<double>::Zero(4, 4);
    for (Index i = 0; i < 3; ++i) {
      const Matrix<double> h = fd_hessian(p, i, random_vector(4, static_cast<std::uint64_t>(i)));
      mean += h / 3;
      CHECK(c.L_i[static_cast<std::size_t>(i)] == Approx(eig_max(h)).epsilon(1e-7));
      CHECK(c.mu_i[static_cast<std::size_t>(i)] == Approx(eig_min(h)).epsilon(1e-7));
    }
    CHECK(c.L == Approx(eig_max(mean)).epsilon(1e-7));
    CHECK(c.mu == Approx(eig_min(mean)).epsilon(1e-7));
    CHECK(c.L_max == Approx(*std::max_element(c.L_i.begin(), c.L_i.end())));
    CHECK(c.L_mean == Approx((c.L_i[0] + c.L_i[1] + c.L_i[2]) / 3));
    CHECK(c.kappa == Approx(c.L / c.mu));
    CHECK(c.L <= c.L_mean * (1 + 1e-12));  // convexity of lambda_max
  }
  SECTION("logistic: the bound is attained at x = 0 and holds elsewhere; mu = lambda") {
    const LogisticProblem p(cls, parts, 0.05);
    const ProblemConstants c = problem_constants(p, reference_solution(p).x);
    Matrix<double> mean = Matrix<double>::Zero(4, 4);
    for (Index i = 0; i < 3; ++i) {
      const Matrix<double> h0 = fd_hessian(p, i, Vector<double>::Zero(4));  // l'' = 1/4 at z = 0
      mean += h0 / 3;
      CHECK(c.L_i[static_cast<std::size_t>(i)] == Approx(eig_max(h0)).epsilon(1e-7));
      for (std::uint64_t s = 0; s < 5; ++s)
        CHECK(eig_max(fd_hessian(p, i, random_vector(4, s))) <= c.L_i[static_cast<std::size_t>(i)] * (1 + 1e-7));
    }
    CHECK(c.L == Approx(eig_max(mean)).epsilon(1e-7));
    CHECK(c.mu == Approx(0.05).epsilon(1e-14));
  }
  SECTION("quadratic: the chosen L and mu") {
    QuadraticOptions o;
    o.dim = 5;
    o.L = 7;
    o.mu = 0.2;
    o.zeta = 1.5;
    const QuadraticProblem q(4, o);
    const ProblemConstants c = problem_constants(q, reference_solution(q).x);
    const Matrix<double> h = fd_hessian(q, 1, random_vector(5, 9));
    CHECK(eig_max(h) == Approx(7).epsilon(1e-7));
    CHECK(eig_min(h) == Approx(0.2).epsilon(1e-6));
    CHECK(c.L == Approx(7).epsilon(1e-12));
    CHECK(c.mu == Approx(0.2).epsilon(1e-12));
    CHECK(c.zeta2 == Approx(1.5 * 1.5).epsilon(1e-12));
    CHECK(c.sigma2 == 0);
  }
}

TEST_CASE("constants: zeta^2 and sigma^2 equal their direct sums at x*", "[problem][constants]") {
  const Dataset cls = random_dataset(30, 3, true, 41);
  const Partition parts = partition_samples(cls.y, 4, parse_partition("sorted"), 0);
  const LogisticProblem p(cls, parts, 0.1, StochasticOptions{1, 0.3});
  const ReferenceSolution r = reference_solution(p);
  const Vector<double>& x = r.x;
  // direct sums from the raw rows with the test's own logistic derivative
  double zeta2 = 0, var = 0;
  for (Index i = 0; i < 4; ++i) {
    const auto& a = p.local_features(i);
    const auto& y = p.local_targets(i);
    const auto m = static_cast<double>(a.rows());
    std::vector<Vector<double>> gs;
    Vector<double> mean = Vector<double>::Zero(3);
    for (Index j = 0; j < a.rows(); ++j) {
      const double z = a.row(j).dot(x);
      gs.push_back((-y(j) / (1 + std::exp(y(j) * z))) * a.row(j).transpose() + 0.1 * x);
      mean += gs.back() / m;
    }
    zeta2 += mean.squaredNorm() / 4;
    for (const auto& g : gs) var += (g - mean).squaredNorm() / m / 4;
  }
  for (const Index b : {1, 3, 8}) {
    const ProblemConstants c = problem_constants(p, x, b);
    CHECK(c.zeta2 == Approx(zeta2).epsilon(1e-12));
    CHECK(c.sample_variance == Approx(var).epsilon(1e-12));
    CHECK(c.sigma2 == Approx((var + 0.3) / static_cast<double>(b)).epsilon(1e-12));
  }
  CHECK(zeta2 > 1e-4);  // sorted partition: heterogeneous
  // Monte Carlo: a uniform node's stochastic gradient at x* has mean squared error sigma^2
  LogisticProblem pb = p;
  pb.set_stochastic_options({2, 0.3});
  const double sigma2 = problem_constants(pb, x, 2).sigma2;
  SplitMix64 rng(5);
  const int K = 40000;
  double s = 0, ss = 0;
  Vector<double> g(3), gi(3);
  for (int k = 0; k < K; ++k) {
    const auto i = static_cast<Index>(rng.below(4));
    pb.gradient(i, x, gi);
    pb.stochastic_gradient(i, x, g, rng);
    const double q = (g - gi).squaredNorm();
    s += q;
    ss += q * q;
  }
  const double mean = s / K, se = std::sqrt((ss / K - mean * mean) / K);
  CHECK(std::abs(mean - sigma2) <= 5 * se);
}

TEST_CASE("constants of the median problem: nonsmooth", "[problem][constants][median]") {
  const Dataset ds = random_dataset(20, 4, false, 2);
  const MedianProblem p(ds, partition_samples(ds.y, 2, {}, 0));
  const ProblemConstants c = problem_constants(p, reference_solution(p).x, 2);
  CHECK(std::isnan(c.L));
  CHECK(c.mu == 0);
  CHECK(c.lipschitz == 2);
  CHECK(c.sigma2 > 0);
  CHECK(c.sigma2 <= 4.0 / 2);  // ||sign(.)||^2 <= d, halved by b = 2
}

TEST_CASE("local minimizers: the proximal point method zeroes each f_i's gradient", "[problem][local]") {
  const Index n = 5;
  for (const char* spec : {"logistic:heart_scale:0.01", "ridge:heart_scale:0.1"}) {
    INFO(spec);
    const ProblemInstance inst = make_problem(spec, n);
    std::visit(
        [&](const auto& p) {
          const Iterates<double> x = local_minimizers(p);
          Vector<double> g(p.dim());
          for (Index i = 0; i < n; ++i) {
            p.gradient(i, x.row(i).transpose(), g);
            CHECK(g.norm() < 1e-9);
          }
          CHECK((x.row(0) - x.row(1)).norm() > 1e-3);  // heterogeneous nodes, distinct minimizers
        },
        inst.problem);
  }
  // Nonsmooth: node i's minimizer of mean_j ||x − a_j||_1 is its coordinate-wise median.
  const ProblemInstance med = make_problem("median:heart_scale", 3);
  const auto& p = std::get<MedianProblem>(med.problem);
  const Iterates<double> x = local_minimizers(p);
  for (Index i = 0; i < 3; ++i) {
    const auto& a = p.local_features(i);
    for (Index k = 0; k < p.dim(); ++k) {
      std::vector<double> col(a.col(k).data(), a.col(k).data() + a.rows());
      std::sort(col.begin(), col.end());
      const double lo = col[(col.size() - 1) / 2], hi = col[col.size() / 2];
      CHECK(x(i, k) >= lo - 1e-9);
      CHECK(x(i, k) <= hi + 1e-9);
    }
  }
  CHECK_THROWS_AS(local_minimizers(p, LocalMinimizerOptions{.prox_step = -1}), InvalidArgument);
}
