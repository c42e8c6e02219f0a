// SPDX-License-Identifier: BSD-3-Clause
// Example (a): gradient tracking on a ring, its fitted rate against the Jacobian's.
// DIGing (Nedić, Olshevsky & Shi 2017) on a heterogeneous quadratic over ring:16 with Metropolis
// weights: the iteration is affine, so its asymptotic rate is the spectral radius r1 of its
// Jacobian on the non-consensus space (theory-rates.md §6a, [DER]). Built and run by ctest
// ("example: gradient tracking rate"); exits 1 if the fit misses r1 by more than 1% in −ln r.
#include <adonis/adonis.hpp>
#include <adonis/graph/spec.hpp>  // make_graph (adonis::io)

#include <cmath>
#include <iostream>

int main() {
  using namespace adonis;
  const Graph g = make_graph("ring:16");
  const Index n = num_nodes(g);
  const SparseMatrix w = metropolis_weights(g);
  const QuadraticProblem p(n, QuadraticOptions{.dim = 2, .L = 4, .mu = 0.4, .zeta = 1});
  const ReferenceSolution ref = reference_solution(p);

  GradientTracking alg(p, StaticSequence{w});  // the documented default step, L_max taken from p
  MeasureObserver<> measure(1e-11);             // records ||X_t − X_{t−1}||, stops at rounding level
  Iterates<double> x = Iterates<double>::Zero(n, p.dim());
  alg.run(x, RunOptions{.max_rounds = 20000}, measure);
  const LinearRateFit fit = fit_step_rate(measure.measurements());  // log-linear fit of ||X_t − X_{t−1}||

  // the exact rate: the Jacobian of the affine iteration at x*
  const Iterates<double> x_star = ref.x.transpose().replicate(n, 1);
  const SpectralRates exact = spectral_rates(diging_jacobian(w, stacked_hessian(p, x_star), alg.step_size()));
  const double error = std::abs(std::log(fit.rate) / std::log(exact.r1) - 1);
  std::cout << "gradient tracking on ring:16, step " << alg.step_size() << ": fitted rate " << fit.rate
            << ", Jacobian's r1 " << exact.r1 << " (relative error in -ln r: " << error << ")\n";
  return error <= 0.01 ? 0 : 1;
}
