// SPDX-License-Identifier: BSD-3-Clause
/// @file smoothness.hpp
/// @brief L_max = max_i L_i of a problem that states its curvature bounds: what the documented
///        default step rules of the first-order algorithms need, computed from the problem so
///        that a user need not pass it (docs/problems.md, "Constants").
#pragma once

#include <algorithm>
#include <limits>
#include <optional>

#include <Eigen/Eigenvalues>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// L_max = max_i λmax(H̄_i), H̄_i = p.curvature_upper(i) ⪰ ∇²f_i(x) for every x, of a problem
/// modelling CurvatureBoundedObjective (each f_i is then L_i-smooth with L_i = λmax(H̄_i));
/// std::nullopt for a problem that states no curvature bound (e.g. a nonsmooth one). Agrees
/// with problem_constants(p, x).L_max to rounding (that one uses an SVD of the factors when the
/// problem has them).
namespace detail {
/// The largest (or smallest) eigenvalue of each matrix of a sequence of symmetric matrices,
/// recomputed only when a matrix differs from the previous one: the quadratic's nodes share
/// H, and 10⁶ 10 x 10 eigensolves took 8 s (max_smoothness, problem_constants).
class RepeatedEigenvalue {
 public:
  explicit RepeatedEigenvalue(bool largest) : m_largest(largest) {}
  /// λmax(h) (or λmin(h)); h is symmetric.
  template <int = 0>  // the eigensolver compiled only where it is called (2.5 s of every includer)
  double operator()(const Matrix<double>& h) {
    if (!m_any || h.rows() != m_last.rows() || h.cols() != m_last.cols() || h != m_last) {
      const auto& ev = m_eig.compute(h, Eigen::EigenvaluesOnly).eigenvalues();
      m_value = m_largest ? ev.maxCoeff() : ev.minCoeff();
      m_last = h;
      m_any = true;
    }
    return m_value;
  }

 private:
  bool m_largest, m_any = false;
  double m_value = 0;
  Matrix<double> m_last;
  Eigen::SelfAdjointEigenSolver<Matrix<double>> m_eig;
};
}  // namespace detail

template <DecentralizedObjective P>
std::optional<double> max_smoothness(const P& p) {
  if constexpr (CurvatureBoundedObjective<P>) {
    double l_max = 0;
    detail::RepeatedEigenvalue largest(true);
    for (Index i = 0; i < p.num_nodes(); ++i) l_max = std::max(l_max, largest(p.curvature_upper(i)));
    return l_max;
  } else {
    (void)p;
    return std::nullopt;
  }
}

/// μ_min = min_i λmin(H_i), H_i = p.curvature_lower(i) ⪯ ∇²f_i(x) for every x: every f_i is
/// μ_min-strongly convex; std::nullopt for a problem that states no curvature bound.
template <DecentralizedObjective P>
std::optional<double> min_strong_convexity(const P& p) {
  if constexpr (CurvatureBoundedObjective<P>) {
    double mu_min = std::numeric_limits<double>::infinity();
    detail::RepeatedEigenvalue smallest(false);
    for (Index i = 0; i < p.num_nodes(); ++i) mu_min = std::min(mu_min, smallest(p.curvature_lower(i)));
    return mu_min;
  } else {
    (void)p;
    return std::nullopt;
  }
}

namespace detail {
/// The smoothness a default step rule uses: `given` when > 0, else L_max from the problem's
/// curvature bounds (max_smoothness). Called only when the step is left to the rule.
/// @throws InvalidArgument naming `who` when neither is available.
template <DecentralizedObjective P>
double resolve_smoothness(const char* who, double given, const P& p) {
  if (given > 0) return given;
  if (const std::optional<double> l = max_smoothness(p); l && *l > 0) return *l;
  fail(who, "smoothness must be > 0 when step_size is 0 (default rule), and the problem states no curvature bound "
            "to compute L_max from (got ", given, "): give step_size or smoothness");
}
}  // namespace detail

}  // namespace adonis
