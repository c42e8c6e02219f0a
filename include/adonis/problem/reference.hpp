// SPDX-License-Identifier: BSD-3-Clause
/// @file reference.hpp
/// @brief Reference solutions x*, f* = f(x*) with a certificate, the final gradient norm.
///
/// - least squares / ridge: a direct solve by column-pivoting Householder QR of the weighted,
///   stacked system (never the normal equations: Longley's design has cond ~ 5e9; Golub and
///   Van Loan, Matrix Computations, 4th ed., §5.3);
/// - logistic and multinomial logistic regression: Newton's method with Armijo backtracking from x = 0 to the
///   floating-point floor (Boyd and Vandenberghe, Convex Optimization, §9.5);
/// - quadratic: the closed-form optimum;
/// - median: the weighted coordinate-wise median, certified by the distance from 0 to the
///   subdifferential.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>

#include "adonis/core/types.hpp"
#include "adonis/problem/glm.hpp"
#include "adonis/problem/median.hpp"
#include "adonis/problem/multinomial.hpp"
#include "adonis/problem/quadratic.hpp"

namespace adonis {

/// A minimizer of f = (1/n) sum_i f_i and its certificate.
struct ReferenceSolution {
  Vector<double> x;             ///< x*
  double f = 0;                 ///< f(x*)
  double grad_norm = 0;         ///< ||grad f(x*)|| (for median: distance from 0 to the subdifferential)
  double grad_norm_relative = 0;  ///< grad_norm / ||grad f(0)|| (grad_norm itself when that is 0)
  int iterations = 0;           ///< Newton iterations (0 for direct methods)
  std::string method;           ///< how x* was computed
};

namespace detail {
template <class P>
void finish_reference(const P& p, ReferenceSolution& r) {
  Vector<double> g(p.dim());
  r.f = global_value(p, r.x);
  global_gradient(p, r.x, g);
  r.grad_norm = g.norm();
  global_gradient(p, Vector<double>::Zero(p.dim()), g);
  const double scale = g.norm();
  r.grad_norm_relative = scale > 0 ? r.grad_norm / scale : r.grad_norm;
}
}  // namespace detail

/// Least squares / ridge: minimizes f(x) = (1/n) sum_i (1/(2 m_i)) ||A_i x - y_i||^2 + (lambda/2)||x||^2
/// as one least-squares problem: rows scaled by sqrt(w_j), w_j = m_min / m_i (all 1 when node
/// sizes are equal), plus sqrt(lambda n m_min) I rows, solved by ColPivHouseholderQR.
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
ReferenceSolution reference_solution(const LeastSquaresProblem& p) {
  const Index n = p.num_nodes(), d = p.dim();
  Index m_min = p.num_samples(0);
  for (Index i = 1; i < n; ++i) m_min = std::min(m_min, p.num_samples(i));
  const Index rows = p.total_samples() + (p.lambda() > 0 ? d : 0);
  Matrix<double> a = Matrix<double>::Zero(rows, d);
  Vector<double> b = Vector<double>::Zero(rows);
  Index r0 = 0;
  for (Index i = 0; i < n; ++i) {
    const Index mi = p.num_samples(i);
    const double s = mi == m_min ? 1.0 : std::sqrt(static_cast<double>(m_min) / static_cast<double>(mi));
    a.middleRows(r0, mi) = s * p.local_features(i);
    b.segment(r0, mi) = s * p.local_targets(i);
    r0 += mi;
  }
  if (p.lambda() > 0)
    a.bottomRows(d).diagonal().setConstant(std::sqrt(p.lambda() * static_cast<double>(n) * static_cast<double>(m_min)));
  ReferenceSolution r;
  r.x = Eigen::ColPivHouseholderQR<Matrix<double>>(a).solve(b);
  r.method = p.lambda() > 0 ? "ColPivHouseholderQR (ridge, stacked sqrt(lambda) rows)" : "ColPivHouseholderQR";
  detail::finish_reference(p, r);
  return r;
}

namespace detail {
/// Newton's method with Armijo backtracking from x = 0 (see reference_solution(LogisticProblem)).
template <class P>
ReferenceSolution newton_reference(const P& p) {
  const Index d = p.dim();
  Vector<double> x = Vector<double>::Zero(d), g(d), trial(d), g_trial(d);
  Matrix<double> h;
  global_gradient(p, x, g);
  const double g0 = g.norm();
  ReferenceSolution r;
  r.method = "Newton (LDLT, Armijo backtracking)";
  r.x = x;
  double best = g0, f = global_value(p, x);
  int stalled = 0;
  for (int it = 1; it <= 200 && best > 1e-15 * g0 && stalled < 3; ++it) {
    p.global_hessian(x, h);
    const Vector<double> dir = -h.ldlt().solve(g);
    const double slope = g.dot(dir);
    double t = 1;
    trial = x + dir;
    double f_trial = global_value(p, trial);
    while (-slope > 1e-10 * (1 + std::abs(f)) && f_trial > f + 1e-4 * t * slope && t > 1e-10) {
      t /= 2;
      trial = x + t * dir;
      f_trial = global_value(p, trial);
    }
    global_gradient(p, trial, g_trial);
    x = trial;
    g = g_trial;
    f = f_trial;
    r.iterations = it;
    if (g.norm() < best) {
      best = g.norm();
      r.x = x;
      stalled = 0;
    } else {
      ++stalled;
    }
  }
  finish_reference(p, r);
  return r;
}
}  // namespace detail

/// Logistic regression: Newton's method on f from x = 0, Hessian solves by LDLT (f is lambda-
/// strongly convex), Armijo backtracking, until ||grad f|| stops decreasing at the rounding floor
/// or reaches 1e-15 ||grad f(0)||, at most 200 iterations. Returns the iterate with the smallest
/// gradient norm.
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
ReferenceSolution reference_solution(const LogisticProblem& p) {
  return detail::newton_reference(p);
}

/// Multinomial logistic regression: the same Newton method (Kd × Kd Hessians, LDLT); f is
/// λ-strongly convex.
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
ReferenceSolution reference_solution(const MultinomialProblem& p) {
  return detail::newton_reference(p);
}

/// The quadratic's closed-form optimum x* (quadratic.hpp).
inline ReferenceSolution reference_solution(const QuadraticProblem& p) {
  ReferenceSolution r;
  r.x = p.x_star();
  r.method = "closed form";
  detail::finish_reference(p, r);
  return r;
}

/// The weighted coordinate-wise median, weights w_j = 1/(n m_i) for the rows of node i: per
/// coordinate the smallest data value whose cumulative weight reaches half the total; when it
/// reaches exactly half (up to 1e-12 relative) every point up to the next value is optimal and
/// the midpoint is returned, which is the ordinary median for equal weights.
inline ReferenceSolution reference_solution(const MedianProblem& p) {
  const Index n = p.num_nodes(), d = p.dim();
  std::vector<std::pair<double, double>> values;
  ReferenceSolution r;
  r.x.resize(d);
  r.method = "weighted coordinate-wise median";
  for (Index k = 0; k < d; ++k) {
    values.clear();
    double total = 0;
    for (Index i = 0; i < n; ++i) {
      const auto& a = p.local_features(i);
      const double w = 1.0 / (static_cast<double>(n) * static_cast<double>(a.rows()));
      for (Index j = 0; j < a.rows(); ++j) values.emplace_back(a(j, k), w);
      total += w * static_cast<double>(a.rows());
    }
    std::sort(values.begin(), values.end());
    const double half = total / 2, tol = 1e-12 * total;
    double cumulative = 0;
    for (std::size_t t = 0; t < values.size();) {
      std::size_t end = t;
      while (end < values.size() && values[end].first == values[t].first) cumulative += values[end++].second;
      if (cumulative >= half - tol) {
        r.x(k) = (std::abs(cumulative - half) <= tol && end < values.size())
                     ? 0.5 * (values[t].first + values[end].first)
                     : values[t].first;
        break;
      }
      t = end;
    }
  }
  r.f = global_value(p, r.x);
  r.grad_norm = p.subdifferential_distance(r.x);
  const double scale = p.subdifferential_distance(Vector<double>::Zero(d));
  r.grad_norm_relative = scale > 0 ? r.grad_norm / scale : r.grad_norm;
  return r;
}

}  // namespace adonis
