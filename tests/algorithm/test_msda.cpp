// SPDX-License-Identifier: BSD-3-Clause
/// MSDA (Scaman et al., ICML 2017, Alg. 2; theory-rates.md §3a, §9a) on heterogeneous
/// quadratics f_i = (a_i/2)||x − b_i||² with the closed-form ∇f_i*(x) = b_i + x/a_i: linear
/// convergence to x* at a rate no slower than the dual envelope 1 − 1/√κ_d, equal to the exact
/// rate of the (linear) dual iteration; dual steps ∝ √κ_l; the three ways of evaluating ∇f*
/// agree; bad options and non-static or non-symmetric graphs throw.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <vector>

#include <Eigen/Eigenvalues>

#include "adonis/algorithm/msda.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/theory/fit.hpp"
#include "distance.hpp"
#include "quadratics.hpp"

using namespace adonis;
using adonis::test::consensual;
using adonis::test::Distance;
using adonis::test::ScalarQuadratics;

namespace {
/// ScalarQuadratics through value and gradient only: MSDA falls back to Nesterov's method.
struct GradientOnly {
  const ScalarQuadratics* q;
  Index num_nodes() const { return q->num_nodes(); }
  Index dim() const { return q->dim(); }
  double value(Index i, Eigen::Ref<const Vector<double>> x) const { return q->value(i, x); }
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    q->gradient(i, x, g);
  }
};
/// The same with the Hessian a_i I: MSDA uses Newton's method.
struct WithHessian : GradientOnly {
  void hessian(Index i, Eigen::Ref<const Vector<double>>, Matrix<double>& h) const {
    h = q->a(i) * Matrix<double>::Identity(q->dim(), q->dim());
  }
};


/// Exact contraction of MSDA's dual iteration on scalar-curvature quadratics [DER]: with
/// D = diag(1/a_i) and P = P_K(I − W), every nonzero eigenvalue h of D^{1/2} P D^{1/2} gives
/// a mode z² − (1 + m)(1 − ηh) z + m(1 − ηh) = 0; the rate is the largest root modulus.
template <class A>
double exact_rate(const A& msda, const ScalarQuadratics& q, const SparseMatrix& w) {
  const Index n = q.num_nodes();
  ChebyshevGossip cheb(sparse_identity(n) - w, ChebyshevGossipOptions{.rounds_per_step = msda.chebyshev_steps()});
  const Iterates<double> eye = Iterates<double>::Identity(n, n);
  cheb.init(eye);
  cheb.step();
  const Matrix<double> p = eye - cheb.iterates();
  const Vector<double> s = q.a.cwiseInverse().cwiseSqrt();
  const Matrix<double> sym = s.asDiagonal() * (0.5 * (p + p.transpose())) * s.asDiagonal();
  const Vector<double> h = Eigen::SelfAdjointEigenSolver<Matrix<double>>(sym).eigenvalues();
  const double eta = msda.step_size(), m = msda.momentum();
  double rate = 0;
  for (Index k = 0; k < n; ++k) {
    if (h(k) < 1e-10 * h.maxCoeff()) continue;  // the kernel direction (the sum of the duals, kept at 0)
    const double c = 1 - eta * h(k);
    const std::complex<double> disc = std::sqrt(std::complex<double>((1 + m) * (1 + m) * c * c - 4 * m * c));
    rate = std::max({rate, std::abs(((1 + m) * c + disc) / 2.0), std::abs(((1 + m) * c - disc) / 2.0)});
  }
  return rate;
}

}  // namespace

TEST_CASE("MSDA on heterogeneous quadratics converges linearly to x*, within the dual envelope", "[algorithm][msda]") {
  const Index n = 16, d = 3;
  const ScalarQuadratics q = ScalarQuadratics::random(n, d, 1.0, 10.0, 31);
  const Iterates<double> star = consensual(q.x_star(), n);
  const MsdaOptions options{.mu = q.a.minCoeff(), .L = q.a.maxCoeff()};
  for (const char* spec : {"ring:16", "torus:4x4"}) {
    const Graph g = make_graph(spec);
    const SparseMatrix w = metropolis_weights(g);
    Msda msda(q, StaticSequence{w}, options);
    STATIC_REQUIRE(Msda<ScalarQuadratics, StaticSequence>::conjugate_method() == ConjugateMethod::closed_form);
    const Index k = msda.chebyshev_steps();
    CHECK(k == static_cast<Index>(std::floor(1 / std::sqrt(msda.gamma()) + 1e-9)));
    Distance obs{star, 1e-11, {}};
    Iterates<double> x = Iterates<double>::Zero(n, d);
    const RunResult r = run(msda, x, RunOptions{.max_rounds = 3000}, obs);
    const auto steps = static_cast<Round>(obs.d.size() - 1);
    const double measured = obs.rate(), exact = exact_rate(msda, q, w), envelope = msda.dual_rate_bound();
    INFO(spec << ": K = " << k << ", gamma = " << msda.gamma() << ", dual steps " << steps << ", gossip rounds "
              << r.counters.rounds << ", measured rate " << measured << ", exact " << exact << ", envelope "
              << envelope);
    CHECK(r.status == Status::stopped_by_observer);
    CHECK((x - star).norm() <= 1e-11 * obs.d.front());
    // the envelope holds for every mode [DER], so for the measured rate too
    CHECK(exact <= envelope + 1e-12);
    CHECK(measured <= envelope);
    // and the measured rate is the exact one of the linear dual iteration
    CHECK(std::abs(std::log(measured) / std::log(exact) - 1) <= 0.05);
    // counting: K gossip rounds of one d-vector per edge direction per dual step, n ∇f* per step (+ init)
    CHECK(r.counters.rounds == k * steps);
    CHECK(r.counters.time == static_cast<double>(r.counters.rounds));
    CHECK(r.counters.messages == 2 * static_cast<std::int64_t>(num_edges(g)) * r.counters.rounds);
    CHECK(r.counters.bytes == r.counters.messages * 8 * d);
    CHECK(r.counters.gradients == n * (steps + 1));
    CHECK(msda.inner_iterations() == 0);
    // the duals stay in the range of P_K: they sum to zero
    CHECK(msda.duals().colwise().sum().norm() <= 1e-12 * std::max(1.0, msda.duals().norm()));
  }
}

TEST_CASE("MSDA's dual steps to 1e-8 grow like sqrt(kappa_l) (slope 0.5 +- 0.1)", "[algorithm][msda]") {
  // theory-rates.md §9a: gradient steps ∝ √κ_l over κ_l ∈ [10, 1e4]; one ∇f* per node per step
  const Index n = 16, d = 2;
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  std::vector<double> kappas{10, 100, 1000, 10000}, steps;
  for (const double kappa : kappas) {
    ScalarQuadratics q = ScalarQuadratics::random(n, d, 1.0, kappa, 51);
    q.a(0) = 1;  // κ_l is exactly kappa
    q.a(1) = kappa;
    Msda msda(q, StaticSequence{w}, MsdaOptions{.mu = 1, .L = kappa});
    Distance obs{consensual(q.x_star(), n), 1e-8, {}};
    Iterates<double> x = Iterates<double>::Zero(n, d);
    const RunResult r = run(msda, x, RunOptions{.max_rounds = 100000}, obs);
    REQUIRE(r.status == Status::stopped_by_observer);
    steps.push_back(static_cast<double>(obs.d.size() - 1));
    CHECK(r.counters.gradients == n * (static_cast<Round>(steps.back()) + 1));
  }
  const double slope = fit_power_law(kappas, steps).slope;
  INFO("dual steps " << steps[0] << ' ' << steps[1] << ' ' << steps[2] << ' ' << steps[3] << ", slope " << slope);
  CHECK(slope >= 0.4);
  CHECK(slope <= 0.6);
}

TEST_CASE("MSDA's closed-form, Newton and gradient evaluations of grad f* agree", "[algorithm][msda]") {
  const Index n = 8, d = 3;
  const ScalarQuadratics q = ScalarQuadratics::random(n, d, 1.0, 5.0, 41);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const MsdaOptions options{.mu = q.a.minCoeff(), .L = q.a.maxCoeff()};
  STATIC_REQUIRE(Msda<WithHessian, StaticSequence>::conjugate_method() == ConjugateMethod::newton);
  STATIC_REQUIRE(Msda<GradientOnly, StaticSequence>::conjugate_method() == ConjugateMethod::gradient);
  const GradientOnly grad_only{&q};
  const WithHessian with_hessian{{&q}};
  Msda closed(q, StaticSequence{w}, options);
  Msda newton(with_hessian, StaticSequence{w}, options);
  Msda gradient(grad_only, StaticSequence{w}, options);
  Iterates<double> x1 = Iterates<double>::Zero(n, d), x2 = x1, x3 = x1;
  run(closed, x1, RunOptions{.max_rounds = 40});
  run(newton, x2, RunOptions{.max_rounds = 40});
  run(gradient, x3, RunOptions{.max_rounds = 40});
  INFO("newton " << (x2 - x1).norm() << ", gradient " << (x3 - x1).norm() << ", inner iterations "
                 << newton.inner_iterations() << " / " << gradient.inner_iterations());
  CHECK((x2 - x1).norm() <= 1e-9 * x1.norm());
  CHECK((x3 - x1).norm() <= 1e-9 * x1.norm());
  CHECK(newton.inner_iterations() > 0);
  CHECK(gradient.inner_iterations() > newton.inner_iterations());
  CHECK(newton.counters().gradients == closed.counters().gradients);

  // a problem with curvature bounds: α = min μ_i and β = max L_i are read from it
  const QuadraticProblem p(n, QuadraticOptions{.dim = 5, .L = 10, .mu = 1, .zeta = 1, .seed = 3});
  Msda msda(p, StaticSequence{w});
  CHECK(msda.strong_convexity() == Approx(1.0).epsilon(1e-10));
  CHECK(msda.smoothness() == Approx(10.0).epsilon(1e-10));
  Distance obs{consensual(p.x_star(), n), 1e-10, {}};
  Iterates<double> x = Iterates<double>::Zero(n, 5);
  const RunResult r = run(msda, x, RunOptions{.max_rounds = 2000}, obs);
  CHECK(r.status == Status::stopped_by_observer);
  CHECK((x - consensual(p.x_star(), n)).norm() <= 1e-10 * obs.d.front());
}

TEST_CASE("MSDA validates its options and its graph", "[algorithm][msda]") {
  const Index n = 16;
  const ScalarQuadratics q = ScalarQuadratics::random(n, 2, 1.0, 4.0, 7);
  const SparseMatrix w = metropolis_weights(ring_graph(n));
  const MsdaOptions good{.mu = 1, .L = 4};
  CHECK_NOTHROW(good.validate());
  CHECK_THROWS_WITH((MsdaOptions{.mu = -1}.validate()), Catch::Contains("mu must be >= 0"));
  CHECK_THROWS_AS((MsdaOptions{.mu = std::nan("")}.validate()), InvalidArgument);
  CHECK_THROWS_WITH((MsdaOptions{.mu = 2, .L = 1}.validate()), Catch::Contains("L must be >= mu"));
  CHECK_THROWS_WITH((MsdaOptions{.chebyshev_steps = -1}.validate()), Catch::Contains("chebyshev_steps"));
  CHECK_THROWS_WITH((MsdaOptions{.inner_tolerance = 0}.validate()), Catch::Contains("inner_tolerance"));
  CHECK_THROWS_WITH((MsdaOptions{.inner_max_iterations = -2}.validate()), Catch::Contains("inner_max_iterations"));
  // bad options reach the constructor
  CHECK_THROWS_AS((Msda(q, StaticSequence{w}, MsdaOptions{.mu = 1, .L = 4, .chebyshev_steps = -1})), InvalidArgument);
  // no curvature bounds and no constants given
  CHECK_THROWS_WITH((Msda(q, StaticSequence{w})), Catch::Contains("mu and L must be given"));
  // a chosen K is used
  CHECK(Msda(q, StaticSequence{w}, MsdaOptions{.mu = 1, .L = 4, .chebyshev_steps = 2}).chebyshev_steps() == 2);
  // node counts, time-varying sequences, non-symmetric W, disconnected graphs
  CHECK_THROWS_AS((Msda(q, StaticSequence{metropolis_weights(ring_graph(8))}, good)), DimensionMismatch);
  CHECK_THROWS_WITH((Msda(q, RandomMatchingSequence(ring_graph(n), 1), good)), Catch::Contains("static"));
  std::vector<Triplet> t;
  for (Index i = 0; i < n; ++i) {
    t.emplace_back(i, i, 0.5);
    t.emplace_back(i, (i + 1) % n, 0.5);  // doubly stochastic, not symmetric
  }
  SparseMatrix shift(n, n);
  shift.setFromTriplets(t.begin(), t.end());
  CHECK_THROWS_AS((Msda(q, StaticSequence{shift}, good)), InvalidTopology);
  CHECK_THROWS_AS((Msda(q, StaticSequence{sparse_identity(n)}, good)), InvalidTopology);
  // the iterate shape is checked at init
  Msda msda(q, StaticSequence{w}, good);
  CHECK_THROWS_AS(msda.init(Iterates<double>::Zero(n, 3)), DimensionMismatch);
}
