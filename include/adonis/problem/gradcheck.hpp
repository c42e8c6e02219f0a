// SPDX-License-Identifier: BSD-3-Clause
/// @file gradcheck.hpp
/// @brief Finite-difference gradient checks for any oracle.
///
/// Central differences (f(x + h_k e_k) - f(x - h_k e_k)) / (2 h_k), h_k = h max(1, |x_k|): the
/// error is O(h^2 f''') + O(eps |f| / h), about 1e-10 relative for h = 1e-6 (Nocedal and Wright,
/// Numerical Optimization, 2nd ed., §8.1).
#pragma once

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// The central-difference gradient of a callable f : Vector<double> -> double at x.
template <class F>
Vector<double> finite_difference_gradient(F&& f, Eigen::Ref<const Vector<double>> x, double h = 1e-6) {
  Vector<double> g(x.size()), y = x;
  for (Index k = 0; k < x.size(); ++k) {
    const double hk = h * std::max(1.0, std::abs(x(k)));
    y(k) = x(k) + hk;
    const double up = f(y);
    y(k) = x(k) - hk;
    const double down = f(y);
    y(k) = x(k);
    g(k) = (up - down) / (2 * hk);
  }
  return g;
}

/// The outcome of a gradient check.
struct GradientCheck {
  double max_abs_error = 0;  ///< ||g - g_fd||_inf
  double error = 0;          ///< ||g - g_fd||_inf / max(1, ||g||_inf)
  bool passed(double tolerance = 1e-6) const { return error <= tolerance; }
};

/// Compares an analytic gradient with the central-difference gradient of f at x.
/// @throws DimensionMismatch when the sizes differ.
template <class F>
GradientCheck check_gradient(F&& f, Eigen::Ref<const Vector<double>> analytic, Eigen::Ref<const Vector<double>> x,
                             double h = 1e-6) {
  if (analytic.size() != x.size())
    detail::fail<DimensionMismatch>("check_gradient", "gradient must have size ", x.size(), " (got ", analytic.size(), ")");
  const Vector<double> fd = finite_difference_gradient(f, x, h);
  GradientCheck r;
  r.max_abs_error = x.size() ? (analytic - fd).cwiseAbs().maxCoeff() : 0.0;
  r.error = r.max_abs_error / std::max(1.0, x.size() ? analytic.cwiseAbs().maxCoeff() : 0.0);
  return r;
}

/// Checks node i's gradient(i, x, g) against finite differences of value(i, .).
template <DecentralizedObjective P>
GradientCheck check_gradient(const P& p, Index i, Eigen::Ref<const Vector<double>> x, double h = 1e-6) {
  Vector<double> g(p.dim());
  p.gradient(i, x, g);
  return check_gradient([&](const Vector<double>& y) { return static_cast<double>(p.value(i, y)); }, g, x, h);
}

}  // namespace adonis
