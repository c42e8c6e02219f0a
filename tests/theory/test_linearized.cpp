// SPDX-License-Identifier: BSD-3-Clause
/// The Jacobians of theory/linearized.hpp against the implementations: on quadratics (affine
/// iterations) the measured rate equals the spectral rate of the Jacobian; on logistic
/// regression the tail of a run converges at the rate of the Jacobian at x* (linearization).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/linearized.hpp"

using namespace adonis;

namespace {

/// ||X_{t+1} − X_t||_F for t = 0..rounds−1 (no fixed point needed: the differences decay at
/// the asymptotic rate too).
template <class Alg>
std::vector<double> differences(Alg& alg, const Iterates<double>& x0, int rounds) {
  alg.init(x0);
  std::vector<double> diffs;
  Iterates<double> prev = alg.iterates();
  for (int t = 0; t < rounds; ++t) {
    alg.step();
    diffs.push_back((alg.iterates() - prev).norm());
    prev = alg.iterates();
  }
  return diffs;
}

/// Envelope rate over the last part of the sequence above `floor` x the first value: ratio of
/// the maxima of the first and last `width` values of the window (robust to complex pairs).
double tail_rate(const std::vector<double>& d, double floor, std::size_t width = 20) {
  std::size_t end = d.size();
  while (end > 0 && d[end - 1] < floor * d[0]) --end;
  REQUIRE(end > 4 * width);
  const std::size_t begin = end / 2;
  const double a = *std::max_element(d.begin() + static_cast<std::ptrdiff_t>(begin),
                                     d.begin() + static_cast<std::ptrdiff_t>(begin + width));
  const double b = *std::max_element(d.begin() + static_cast<std::ptrdiff_t>(end - width),
                                     d.begin() + static_cast<std::ptrdiff_t>(end));
  return std::pow(b / a, 1.0 / static_cast<double>(end - width - begin));
}


}  // namespace

TEST_CASE("linearized rates equal the measured rates on quadratics", "[theory][linearized]") {
  const Graph g = ring_graph(8);
  const SparseMatrix w = metropolis_weights(g);
  const ProblemInstance inst = make_problem("quadratic:dim=3,L=2,mu=0.2,zeta=1", 8);
  const auto& p = std::get<QuadraticProblem>(inst.problem);
  const Iterates<double> x0 = Iterates<double>::Zero(8, 3);
  const Iterates<double> xs = Iterates<double>::Zero(8, 3);  // Hessians are constant
  const Matrix<double> h = stacked_hessian(p, xs);
  const double alpha = 0.3;

  SECTION("DGD") {
    Dgd alg(p, StaticSequence{w}, DgdOptions{.step_size = alpha});
    const double theory = asymptotic_rate(dgd_jacobian(w, h, alpha));
    CHECK(tail_rate(differences(alg, x0, 3000), 1e-10) == Approx(theory).margin(1e-4));
  }
  SECTION("gradient tracking") {
    GradientTracking alg(p, StaticSequence{w}, GradientTrackingOptions{.step_size = alpha / 3});
    const double theory = asymptotic_rate(diging_jacobian(w, h, alpha / 3));
    CHECK(theory < 1);
    CHECK(asymptotic_rate(diging_jacobian(w, h, alpha)) > 1);  // α = 0.3 diverges: the Jacobian says so
    CHECK(tail_rate(differences(alg, x0, 3000), 1e-10) == Approx(theory).margin(1e-4));
  }
  SECTION("EXTRA") {
    Extra alg(p, StaticSequence{w}, ExtraOptions{.step_size = alpha});
    const double theory = asymptotic_rate(extra_jacobian(w, h, alpha));
    CHECK(tail_rate(differences(alg, x0, 3000), 1e-10) == Approx(theory).margin(1e-4));
  }
  SECTION("ADMM") {
    for (double c : {0.3, 1.0, 3.0}) {
      INFO("c = " << c);
      Admm alg(p, StaticSequence{w}, AdmmOptions{.penalty = c});
      const double theory = asymptotic_rate(admm_jacobian(adjacency_matrix(g), h, c));
      CHECK(theory < 1);
      CHECK(tail_rate(differences(alg, x0, 3000), 1e-10) == Approx(theory).margin(1e-4));
    }
  }
  SECTION("a wrong Jacobian is detected: DGD's rate with the step 10% off differs") {
    // 0.9α and 1.1α are both stable (the threshold is (1 + λn(W))/L = 1/3); the measured rate
    // 0.94 is 1e-4 from the right Jacobian's, and the wrong ones are 6e-3 (0.9α) and 5e-2 (1.1α:
    // its slowest mode becomes λn(W) − 1.1αL) away
    Dgd alg(p, StaticSequence{w}, DgdOptions{.step_size = alpha});
    const double measured = tail_rate(differences(alg, x0, 3000), 1e-10);
    for (double wrong_alpha : {0.9 * alpha, 1.1 * alpha}) {
      const double wrong = asymptotic_rate(dgd_jacobian(w, h, wrong_alpha));
      INFO("alpha " << wrong_alpha << ": wrong rate " << wrong << ", measured " << measured);
      CHECK(std::abs(measured - wrong) > 3e-3);
    }
  }
}

TEST_CASE("linearized rates govern the tail on logistic regression", "[theory][linearized]") {
  const Graph g = ring_graph(6);
  const SparseMatrix w = metropolis_weights(g);
  const ProblemInstance inst = make_problem("logistic:heart_scale:0.05", 6);
  const auto& p = std::get<LogisticProblem>(inst.problem);
  const ReferenceSolution ref = reference_solution(p);
  Iterates<double> xs(6, p.dim());
  for (Index i = 0; i < 6; ++i) xs.row(i) = ref.x.transpose();
  const Matrix<double> h = stacked_hessian(p, xs);
  GradientTracking alg(p, StaticSequence{w},
                       GradientTrackingOptions{.smoothness = problem_constants(p, ref.x).L_max});  // default rule
  const double alpha = alg.step_size();
  const SpectralRates theory = spectral_rates(diging_jacobian(w, h, alpha));
  const double measured = tail_rate(differences(alg, Iterates<double>::Zero(6, p.dim()), 4000), 1e-9);
  INFO("theory r1 " << theory.r1 << " r2 " << theory.r2 << " measured " << measured);
  // The slowest two modes are close (r2/r1 > 0.999): within double precision the tail is a
  // blend of them, so the measured exponent lies between theirs (2% slack for the fit).
  CHECK(-std::log(measured) >= 0.98 * -std::log(theory.r1));
  CHECK(-std::log(measured) <= 1.02 * -std::log(theory.r2));
  CHECK(theory.r2 < theory.r1);
}
