// SPDX-License-Identifier: BSD-3-Clause
/// Rates measured on the slowest mode of the Jacobian (theory/checks.hpp, measure_mode_rate and
/// check_mode_rate; issue 22): the right Jacobian passes to ~1e-7, and a Jacobian ~10% off (the
/// step at 0.9x and 1.1x, W made 10% lazier) is VIOLATED at the tables' tolerance 1e-4, for DGD,
/// gradient tracking, EXTRA and ADMM on a quadratic and on logistic regression; the start scale
/// s on logistic regression obeys the linearization bound stated in docs/rates.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <functional>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/linearized.hpp"
#include "adonis/theory/measure.hpp"

using namespace adonis;

namespace {

const RateRow kModeBase{.table = "t", .algorithm = "a", .graph = "g", .problem = "p", .quantity = "q", .tag = Tag::DER};

/// x*, stacked n times (node-major).
template <class P>
Iterates<double> mode_stacked_solution(const P& p) {
  return stacked_rows(reference_solution(p).x, p.num_nodes());
}

/// Runs `alg` to its fixed point from a random start and returns state().
template <class Alg>
Vector<double> mode_fixed_point(Alg& alg, Index n, Index d) {
  Iterates<double> x = adonis::random_start(n, d, 5);
  run(alg, x, RunOptions{.max_rounds = 200000}, MeasureObserver<>(1e-13));
  return alg.state();
}

/// The exponent −ln r measured on the slowest mode of `jacobian`, judged at tolerance 1e-4.
template <class Alg>
RateRow mode_judged(Alg& alg, const Vector<double>& sbar, const Matrix<double>& jacobian, double s) {
  const SlowestMode mode = slowest_jacobian_mode(jacobian);
  return check_mode_rate(measure_mode_rate(alg, sbar, mode, s), mode, kModeBase, 1e-4);
}

/// One method: the right Jacobian passes within `exact_tol`, the Jacobian at 0.9x and 1.1x its
/// parameter is VIOLATED at 1e-4, and so is the Jacobian of a perturbed graph (jacobian(true, ·))
/// when `graph_matters` (the slowest mode is then a network mode; where it is the consensus mode
/// of the optimization, 1 − αμ-like, W does not enter r1 and no rate check can see it).
template <class Alg>
void mode_check_method(const std::string& name, Alg& alg, Index n, Index d, double parameter,
                       const std::function<Matrix<double>(bool, double)>& jacobian, double s_rel, double exact_tol,
                       bool graph_matters = false) {
  const Vector<double> sbar = mode_fixed_point(alg, n, d);
  const double s = s_rel * std::max(1.0, sbar.norm());
  const RateRow right = mode_judged(alg, sbar, jacobian(false, parameter), s);
  INFO(name << ": " << right.note);
  CHECK(right.verdict == Verdict::ok);
  CHECK(std::abs(right.ratio - 1) <= exact_tol);
  std::vector<std::pair<std::string, Matrix<double>>> wrong{{"0.9 x parameter", jacobian(false, 0.9 * parameter)},
                                                            {"1.1 x parameter", jacobian(false, 1.1 * parameter)}};
  if (graph_matters) wrong.emplace_back("a perturbed graph", jacobian(true, parameter));
  for (const auto& [label, j] : wrong) {
    const RateRow row = mode_judged(alg, sbar, j, s);
    INFO(name << ", Jacobian at " << label << ": " << row.note << " ratio " << row.ratio);
    CHECK(row.verdict == Verdict::violated);
  }
}

}  // namespace

TEST_CASE("slowest_jacobian_mode: eigenvalue, eigenvectors and coordinate of a known matrix", "[theory][mode_rate]") {
  // blockdiag(0.9 R(0.3), 0.5, 1): slowest mode 0.9 e^{0.3i}, second 0.5, the unit mode skipped
  const double c = 0.9 * std::cos(0.3), s = 0.9 * std::sin(0.3);
  Matrix<double> j = Matrix<double>::Zero(4, 4);
  j << c, -s, 0, 0, s, c, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1;
  Matrix<double> basis(4, 4);
  basis << 4, 1, 0.5, -1, 0.3, 3, 1, 0.2, -0.7, 0.4, 5, 1, 0.1, -0.2, 0.6, 2;
  const Matrix<double> similar = basis * j * basis.inverse();  // non-normal, same spectrum
  const SlowestMode mode = slowest_jacobian_mode(similar);
  CHECK(mode.lambda.real() == Approx(c).epsilon(1e-12));
  CHECK(mode.lambda.imag() == Approx(s).epsilon(1e-12));
  CHECK(mode.r1 == Approx(0.9).epsilon(1e-12));
  CHECK(mode.r2 == Approx(0.5).epsilon(1e-12));
  CHECK(std::abs(mode.coordinate.cwiseProduct(mode.right).sum() - 1.0) < 1e-12);
  CHECK((similar.cast<std::complex<double>>() * mode.right - mode.lambda * mode.right).norm() < 1e-12);
  // the coordinate of J x is λ1 times that of x, for any x
  const Vector<double> x{{0.3, -1.2, 0.7, 2.0}};
  CHECK(std::abs(mode.coefficient(similar * x) - mode.lambda * mode.coefficient(x)) < 1e-12);
  CHECK(mode.start().norm() == Approx(1).epsilon(1e-14));
  CHECK(mode.condition > 1);  // non-normal
  // c1 is a left eigenvector: it annihilates the eigenvectors B(e1 + i e2) (the conjugate), B e3
  // (0.5) and B e4 (the unit mode) of the other eigenvalues
  using C = std::complex<double>;
  const Matrix<C> b = basis.cast<C>();
  const Vector<C> conjugate = b.col(0) + C(0, 1) * b.col(1);
  CHECK(std::abs(mode.coordinate.cwiseProduct(conjugate).sum()) < 1e-12);
  CHECK(std::abs(mode.coordinate.cwiseProduct(b.col(2)).sum()) < 1e-12);
  CHECK(std::abs(mode.coordinate.cwiseProduct(b.col(3)).sum()) < 1e-12);
  // and `condition` is λ1's eigenvalue condition number ||c1|| ||v1|| = ||row of V⁻¹|| ||column of V||
  const Vector<C> v1 = b.col(0) - C(0, 1) * b.col(1);
  Matrix<C> eig(4, 4);
  eig << v1, conjugate, b.col(2), b.col(3);
  CHECK(mode.condition == Approx(eig.inverse().row(0).norm() * v1.norm()).epsilon(1e-10));
  CHECK_THROWS_AS(slowest_jacobian_mode(Matrix<double>::Identity(3, 3)), RuntimeError);
}

TEST_CASE("slowest_jacobian_mode on a repeated eigenvalue: the coordinate still contracts by exactly λ1", "[theory][mode_rate]") {
  // W of ring:8 (Metropolis: 1/3 on the diagonal and to each neighbour): λ2 = (1 + 2 cos(2π/8))/3,
  // a double eigenvalue, slowest below the consensus mode 1
  const Index n = 8;
  Matrix<double> w = Matrix<double>::Zero(n, n);
  for (Index i = 0; i < n; ++i) {
    w(i, i) = 1.0 / 3;
    w(i, (i + 1) % n) = 1.0 / 3;
    w(i, (i + n - 1) % n) = 1.0 / 3;
  }
  const double lambda2 = (1 + 2 * std::cos(2 * std::numbers::pi / 8)) / 3;
  const SlowestMode mode = slowest_jacobian_mode(w);
  CHECK(mode.lambda.real() == Approx(lambda2).epsilon(1e-12));
  CHECK(mode.lambda.imag() == 0);
  CHECK(mode.r2 < mode.r1 * (1 - 1e-6));
  CHECK((w.cast<std::complex<double>>() * mode.right - mode.lambda * mode.right).norm() < 1e-12);
  CHECK(std::abs(mode.coordinate.cwiseProduct(mode.right).sum() - 1.0) < 1e-12);
  for (int k = 0; k < 3; ++k) {
    Vector<double> x(n);
    for (Index i = 0; i < n; ++i) x(i) = std::sin(1.7 * static_cast<double>(i * (k + 1)) + 0.3);
    CHECK(std::abs(mode.coefficient(w * x) - mode.lambda * mode.coefficient(x)) < 1e-12);
  }
  CHECK(mode.condition == Approx(1).epsilon(1e-10));  // symmetric W: left = right eigenvector
}

namespace {

/// The four methods on ring:8 and a quadratic (mode_check_method each, in its own section); DGD
/// at `dgd_step` (0: its default). The perturbed graph: W → 0.9 W + 0.1 I (spectral gap 10%
/// smaller); for ADMM, whose round depends on the adjacency only, the ring with one edge removed
/// (a path: one chord more would not do, as the λ2 eigenspace of a ring is two-dimensional and
/// always holds a vector the chord leaves alone).
void mode_check_quadratic(const std::string& problem, bool graph_matters, double dgd_step) {
  const Index n = 8;
  const Graph g = ring_graph(n);
  const SparseMatrix w = metropolis_weights(g);
  const ProblemInstance inst = make_problem(problem, n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const Index d = p.dim();
  const Matrix<double> h = stacked_hessian(p, mode_stacked_solution(p));
  const SparseMatrix lazier = SparseMatrix(0.9 * w + 0.1 * sparse_identity(n));
  const SparseMatrix a = adjacency_matrix(g), a_path = adjacency_matrix(path_graph(n));
  auto graph = [&](bool perturbed) { return perturbed ? lazier : w; };
  SECTION("dgd") {
    Dgd alg(p, StaticSequence{w}, DgdOptions{.step_size = dgd_step});
    mode_check_method("dgd", alg, n, d, alg.step_size(),
                      [&](bool b, double s) { return Matrix<double>(dgd_jacobian(graph(b), h, s)); }, 1, 1e-7,
                      graph_matters);
  }
  SECTION("gradient tracking") {
    GradientTracking alg(p, StaticSequence{w});
    mode_check_method("gradient-tracking", alg, n, d, alg.step_size(),
                      [&](bool b, double s) { return diging_jacobian(graph(b), h, s); }, 1, 1e-7, graph_matters);
  }
  SECTION("extra") {
    Extra alg(p, StaticSequence{w});
    mode_check_method("extra", alg, n, d, alg.step_size(),
                      [&](bool b, double s) { return extra_jacobian(graph(b), h, s); }, 1, 1e-7, graph_matters);
  }
  SECTION("admm") {
    Admm alg(p, StaticSequence{w});
    mode_check_method("admm", alg, n, d, alg.penalty(),
                      [&](bool b, double c) { return admm_jacobian(b ? a_path : a, h, c); }, 1, 1e-7, graph_matters);
  }
}

}  // namespace

TEST_CASE("mode rate on a quadratic: exact for the right Jacobian, VIOLATED at 10% off", "[theory][mode_rate]") {
  // (no perturbed graph here: every method's slowest mode is the consensus mode of the
  // optimization, which W does not enter; see the next test case)
  mode_check_quadratic("quadratic:dim=2,L=4,mu=0.4,zeta=1", false, 0);
}

TEST_CASE("mode rate: a 10%-perturbed W is VIOLATED where the slowest mode is a network mode", "[theory][mode_rate]") {
  // identical f_i = ½(x − b)² (H = I) on ring:8: the Jacobians split over the eigenvalues λ of W.
  // DGD at 0.9x its threshold 1 + λn(W): slowest |λn − α| (λn = −1/3); gradient tracking at its
  // default step: the λ2 mode 0.9026, just above the consensus mode 1 − α = 0.9024; EXTRA at its
  // default step 1/3: the complex λ2 pair of modulus √((1 + λ2)/2 − α) = 0.7545; ADMM: its graph.
  mode_check_quadratic("quadratic:dim=1,L=1,mu=1,zeta=0", true, 0.9 * (1 - 1.0 / 3));
}

namespace {
/// Logistic regression over heart_scale on ring:6 (the two logistic test cases).
struct ModeLogisticRing {
  const Index n = 6;
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const ProblemInstance inst = make_problem("logistic:heart_scale:0.05", n);
  const LogisticProblem& p = std::get<LogisticProblem>(inst.problem);
  const Index d = p.dim();
};
}  // namespace

TEST_CASE("mode rate on logistic regression: resolved at s = 1e-3, VIOLATED at 10% off", "[theory][mode_rate]") {
  const ModeLogisticRing fx;
  const auto& [n, w, inst, p, d] = fx;
  const Matrix<double> h = stacked_hessian(p, mode_stacked_solution(p));
  SECTION("dgd (Jacobian at its own fixed point)") {
    Dgd alg(p, StaticSequence{w});
    const Vector<double> sbar = mode_fixed_point(alg, n, d);
    const Matrix<double> hd = stacked_hessian(p, detail::state_block("test", sbar, 0, 1, n, d));
    mode_check_method("dgd", alg, n, d, alg.step_size(),
                      [&](bool, double a) { return Matrix<double>(dgd_jacobian(w, hd, a)); }, 1e-3, 1e-5);
  }
  SECTION("gradient tracking") {
    GradientTracking alg(p, StaticSequence{w});
    mode_check_method("gradient-tracking", alg, n, d, alg.step_size(),
                      [&](bool, double a) { return diging_jacobian(w, h, a); }, 1e-3, 1e-5);
  }
  SECTION("extra") {
    Extra alg(p, StaticSequence{w});
    mode_check_method("extra", alg, n, d, alg.step_size(), [&](bool, double a) { return extra_jacobian(w, h, a); },
                      1e-3, 1e-5);
  }
}

TEST_CASE("mode rate on logistic regression: the start obeys the linearization bound", "[theory][mode_rate]") {
  // DGD: S_{t+1} − S̄ = J (S_t − S̄) − α R(S_t), ||R|| ≤ (L_H/2)||S_t − S̄||², with L_H =
  // max_j ||a_j||³ / (6√3) the Lipschitz constant of the logistic Hessians (|σ''| ≤ 1/(6√3)).
  // From S_0 = S̄ + s v1 (c1·v1 = 1), the first step's coordinate ratio a_1/a_0 deviates from λ1
  // by at most ||c1|| α L_H s / 2: second order, so it shrinks tenfold with s.
  const ModeLogisticRing fx;
  const auto& [n, w, inst, p, d] = fx;
  double max_norm = 0;
  for (Index i = 0; i < n; ++i) max_norm = std::max(max_norm, p.local_features(i).rowwise().norm().maxCoeff());
  const double l_h = max_norm * max_norm * max_norm / (6 * std::sqrt(3.0));
  Dgd alg(p, StaticSequence{w});
  const Vector<double> sbar = mode_fixed_point(alg, n, d);
  const SlowestMode mode =
      slowest_jacobian_mode(dgd_jacobian(w, stacked_hessian(p, detail::state_block("test", sbar, 0, 1, n, d)), alg.step_size()));
  REQUIRE(mode.lambda.imag() == 0);  // DGD's Jacobian is symmetric
  auto deviation = [&](double s) {
    alg.init_state(sbar + s * mode.start());
    alg.step();
    const std::complex<double> a1 = mode.coefficient(alg.state() - sbar);
    return std::abs(a1 / s - mode.lambda);
  };
  const double s = 1e-3 * std::max(1.0, sbar.norm());
  const double bound = mode.coordinate.norm() * alg.step_size() * l_h * s / 2;
  const double dev = deviation(s), dev10 = deviation(s / 10);
  INFO("deviation " << dev << " at s = " << s << ", " << dev10 << " at s/10; bound " << bound);
  CHECK(dev <= bound);
  CHECK(dev > 0);
  CHECK(dev / dev10 >= 5);
  CHECK(dev / dev10 <= 20);
  // the window (skip 2 decades) removes it: the exponents at s and s/10 agree within 1e-6
  const ModeRate at_s = measure_mode_rate(alg, sbar, mode, s), at_s10 = measure_mode_rate(alg, sbar, mode, s / 10);
  CHECK(at_s.fit.slope == Approx(at_s10.fit.slope).epsilon(1e-6));
}

TEST_CASE("measure_mode_rate: bad input and a diverging method", "[theory][mode_rate]") {
  const Index n = 6;
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const ProblemInstance inst = make_problem("quadratic:dim=1,L=1,mu=1,zeta=0", n);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const Matrix<double> h = stacked_hessian(p, mode_stacked_solution(p));
  Dgd alg(p, StaticSequence{w}, DgdOptions{.step_size = 0.5});
  const Vector<double> sbar = Eigen::Map<const Vector<double>>(mode_stacked_solution(p).data(), n);
  const SlowestMode mode = slowest_jacobian_mode(dgd_jacobian(w, h, 0.5));
  CHECK_THROWS_AS(measure_mode_rate(alg, sbar, mode, 0.0), InvalidArgument);
  CHECK_THROWS_AS(measure_mode_rate(alg, Vector<double>::Zero(n + 1), mode, 1.0), DimensionMismatch);
  CHECK_THROWS_AS(alg.init_state(Vector<double>::Zero(n + 1)), DimensionMismatch);
  // past the stability threshold (1 + λn(W))/L the mode grows, by exactly |λ1| per round
  const double unstable = 1.05 * (1 + Eigen::SelfAdjointEigenSolver<Matrix<double>>(Matrix<double>(w)).eigenvalues()(0));
  Dgd diverging(p, StaticSequence{w}, DgdOptions{.step_size = unstable});
  const SlowestMode grows = slowest_jacobian_mode(dgd_jacobian(w, h, unstable));
  REQUIRE(grows.r1 > 1);
  const RateRow row = check_mode_rate(measure_mode_rate(diverging, sbar, grows, 1.0), grows, kModeBase, 1e-4);
  INFO(row.note);
  CHECK(row.verdict == Verdict::ok);
  CHECK(std::abs(row.ratio - 1) < 1e-7);
}
