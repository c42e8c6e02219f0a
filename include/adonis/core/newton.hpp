// SPDX-License-Identifier: BSD-3-Clause
/// @file newton.hpp
/// @brief Damped Newton's method with Armijo backtracking (Boyd & Vandenberghe, Convex
///        Optimization, §9.5) for the small strongly convex inner problems of the library:
///        the proximal steps of logistic and multinomial regression (smooth_prox) and conjugate
///        gradients ∇f_i* (MSDA).
#pragma once

#include <cmath>

#include <Eigen/Cholesky>

#include "adonis/core/types.hpp"

namespace adonis::detail {

/// Minimizes a strongly convex φ from x (in place): x ← x + t·Δ, Δ = −∇²φ(x)⁻¹∇φ(x), with t
/// halved from 1 until φ(x + tΔ) ≤ φ(x) + 10⁻⁴ t ∇φ(x)ᵀΔ. A tiny Newton decrement
/// (−∇φᵀΔ ≤ 10⁻¹⁰(1 + |φ|)) means the quadratic-convergence region: the full step is taken
/// there (an Armijo test would only compare rounding errors of φ). Stops when ‖∇φ(x)‖ ≤ tol,
/// when a step leaves x unchanged (the floating-point floor), or after `cap` iterations.
/// `value(x)` returns φ(x); `gradient(x, g)` and `hessian(x, h)` fill g and h. Returns the
/// number of Newton iterations.
template <class Value, class Gradient, class Hessian>
Index damped_newton(Value&& value, Gradient&& gradient, Hessian&& hessian, Vector<double>& x, double tol, Index cap) {
  const Index d = x.size();
  Vector<double> g(d), trial(d), dir(d);
  Matrix<double> h;
  gradient(x, g);
  Index it = 0;
  for (; it < cap && g.norm() > tol; ++it) {
    hessian(x, h);
    dir = -h.ldlt().solve(g);
    const double f0 = value(x), slope = g.dot(dir);
    double t = 1;
    trial = x + dir;
    while (-slope > 1e-10 * (1 + std::abs(f0)) && value(trial) > f0 + 1e-4 * t * slope && t > 1e-12) {
      t /= 2;
      trial = x + t * dir;
    }
    if (trial == x) break;
    x = trial;
    gradient(x, g);
  }
  return it;
}

/// prox_{step f_i}(v) = argmin_u f_i(u) + ‖u − v‖²/(2 step) of a smooth objective with a
/// Hessian (logistic and multinomial regression): damped_newton from u = v on the strongly
/// convex prox objective, to a gradient norm of 1e-13 (1 + ‖∇f_i(v)‖), at most 100 iterations.
template <class P>
void smooth_prox(const P& p, Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) {
  Vector<double> u = v, g0(v.size());
  p.gradient(i, u, g0);  // ∇ of the prox objective at u = v is ∇f_i(v)
  damped_newton([&](const Vector<double>& w) { return p.value(i, w) + (w - v).squaredNorm() / (2 * step); },
                [&](const Vector<double>& w, Vector<double>& g) {
                  p.gradient(i, w, g);
                  g += (w - v) / step;
                },
                [&](const Vector<double>& w, Matrix<double>& hw) {
                  p.hessian(i, w, hw);
                  hw.diagonal().array() += 1.0 / step;
                },
                u, 1e-13 * (1.0 + g0.norm()), 100);
  out = u;
}

}  // namespace adonis::detail
