// SPDX-License-Identifier: BSD-3-Clause
/// @file local.hpp
/// @brief Local minimizers x_i* ∈ argmin f_i by the proximal point method (Rockafellar 1976):
///        u_{k+1} = prox_{s f_i}(u_k). For a μ_i-strongly convex f_i each step contracts the
///        distance to x_i* by 1/(1 + s μ_i); without strong convexity it converges to a
///        minimizer (for least squares from u_0 = 0: the minimum-norm one). It needs only the
///        oracle's prox, so it covers every shipped problem, smooth or not.
#pragma once

#include <cmath>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// Options of local_minimizers().
struct LocalMinimizerOptions {
  double prox_step = 1e6;     ///< s > 0 of the proximal point iteration
  double tolerance = 1e-13;   ///< stop when ||u_{k+1} − u_k|| <= tolerance (1 + ||u_k||)
  Index max_iterations = 1000;
  void validate() const {
    if (!(prox_step > 0)) detail::fail("LocalMinimizerOptions", "prox_step must be > 0 (got ", prox_step, ")");
    if (!(tolerance > 0)) detail::fail("LocalMinimizerOptions", "tolerance must be > 0 (got ", tolerance, ")");
    if (max_iterations < 1)
      detail::fail("LocalMinimizerOptions", "max_iterations must be >= 1 (got ", max_iterations, ")");
  }
};

/// Row i = a minimizer of f_i, from u_0 = 0.
/// @throws RuntimeError naming the node if the iteration has not converged after
///         max_iterations (f_i without a minimizer, e.g. separable logistic data with λ = 0).
template <ProximalObjective P>
Iterates<double> local_minimizers(const P& p, LocalMinimizerOptions options = {}) {
  options.validate();
  Iterates<double> x = Iterates<double>::Zero(p.num_nodes(), p.dim());
  Vector<double> u(p.dim()), next(p.dim());
  for (Index i = 0; i < p.num_nodes(); ++i) {
    u.setZero();
    bool converged = false;
    for (Index k = 0; k < options.max_iterations && !converged; ++k) {
      p.prox(i, u, options.prox_step, next);
      converged = (next - u).norm() <= options.tolerance * (1 + u.norm());
      u.swap(next);
    }
    if (!converged || !u.allFinite())
      detail::fail<RuntimeError>("local_minimizers", "the proximal point iteration for node ", i,
                                 " did not converge in ", options.max_iterations,
                                 " steps (does f_i have a minimizer?)");
    x.row(i) = u.transpose();
  }
  return x;
}

}  // namespace adonis
