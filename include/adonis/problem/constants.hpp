// SPDX-License-Identifier: BSD-3-Clause
/// @file constants.hpp
/// @brief Exact problem constants: L_i, L_max, mean L, global L, mu, kappa and, at the optimum,
///        the heterogeneity zeta^2 and the minibatch variance sigma^2.
///
/// Smoothness and strong convexity come from the constant curvature bounds of the problem
/// (CurvatureBoundedObjective): L_i = lambda_max(upper_i), mu_i = lambda_min(lower_i),
/// L = lambda_max((1/n) sum_i upper_i), mu = lambda_min((1/n) sum_i lower_i), by a dense
/// symmetric eigensolver, or, when the problem gives square-root factors F (bound = F^T F +
/// shift I, as the linear models do), by singular values of F, which keeps mu accurate on
/// ill-conditioned data. zeta^2 and sigma^2 are finite sums evaluated at x*, not estimates.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/smoothness.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

namespace detail {
/// The largest (or smallest) squared singular value of F, i.e. an extreme eigenvalue of F^T F
/// computed to high relative accuracy by one-sided Jacobi SVD with a column-pivoting QR
/// preconditioner (Demmel and Veselic 1992); 0 for the smallest when F has fewer rows than columns.
/// (A template so that the Jacobi SVD, costly to compile, is compiled only where it is used.)
template <int = 0>
double extreme_sq_singular_value(const Matrix<double>& f, bool largest) {
  if (f.rows() == 0) return 0.0;
  if (!largest && f.rows() < f.cols()) return 0.0;
  const Vector<double> s = Eigen::JacobiSVD<Matrix<double>, Eigen::ColPivHouseholderQRPreconditioner>(f).singularValues();
  const double v = largest ? s.maxCoeff() : s.minCoeff();
  return v * v;
}
}  // namespace detail

/// The constants of a decentralized objective (docs/problems.md, "Constants").
struct ProblemConstants {
  std::vector<double> L_i;   ///< smoothness of each f_i (NaN when nonsmooth)
  std::vector<double> mu_i;  ///< strong convexity of each f_i
  double L_max = 0;          ///< max_i L_i
  double L_mean = 0;         ///< L-bar = (1/n) sum_i L_i
  double L = 0;              ///< smoothness of f = (1/n) sum_i f_i
  double mu = 0;             ///< strong convexity of f
  double kappa = 0;          ///< L / mu (infinite when mu = 0)
  double lipschitz = 0;      ///< bound on ||subgradient|| for nonsmooth problems (NaN when smooth)
  double zeta2 = 0;          ///< (1/n) sum_i ||grad f_i(x*)||^2
  double sample_variance = 0;  ///< (1/n) sum_i (1/m_i) sum_j ||grad f_ij(x*) - grad f_i(x*)||^2 (b = 1, no noise)
  double noise_variance = 0;   ///< s^2 of the additive Gaussian noise
  Index batch = 1;             ///< the minibatch size b of sigma2
  double sigma2 = 0;           ///< (sample_variance + noise_variance) / b: E||g_i - grad f_i(x*)||^2 averaged over i
};

/// Computes the constants of `p` at its minimizer `x_star` for minibatches of size `batch`
/// (sampled with replacement, so the single-sample variance divides by b exactly). The noise
/// variance is taken from p.stochastic_options() when the problem has one.
/// @throws DimensionMismatch when x_star.size() != p.dim(); InvalidArgument for batch < 1.
template <DecentralizedObjective P>
ProblemConstants problem_constants(const P& p, Eigen::Ref<const Vector<double>> x_star, Index batch = 1) {
  if (x_star.size() != p.dim())
    detail::fail<DimensionMismatch>("problem_constants", "x_star must have size ", p.dim(), " (got ", x_star.size(), ")");
  if (batch < 1) detail::fail("problem_constants", "batch must be >= 1 (got ", batch, ")");
  const Index n = p.num_nodes(), d = p.dim();
  const auto nd = static_cast<double>(n);
  ProblemConstants c;
  c.batch = batch;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if constexpr (CurvatureBoundedObjective<P> && requires(Index i) {
                  { p.curvature_upper_factor(i) } -> std::convertible_to<Matrix<double>>;
                  { p.curvature_lower_factor(i) } -> std::convertible_to<Matrix<double>>;
                  { p.curvature_shift() } -> std::convertible_to<double>;
                }) {
    // bounds F^T F + shift I: squared singular values of F (and of the stacked F_i / sqrt(n))
    const double shift = p.curvature_shift();
    std::vector<Matrix<double>> up, lo;
    Index up_rows = 0, lo_rows = 0;
    for (Index i = 0; i < n; ++i) {
      up.push_back(p.curvature_upper_factor(i));
      lo.push_back(p.curvature_lower_factor(i));
      c.L_i.push_back(detail::extreme_sq_singular_value(up.back(), true) + shift);
      c.mu_i.push_back(detail::extreme_sq_singular_value(lo.back(), false) + shift);
      up_rows += up.back().rows();
      lo_rows += lo.back().rows();
    }
    auto stack = [&](const std::vector<Matrix<double>>& parts, Index rows) {
      Matrix<double> all(rows, d);
      Index r = 0;
      for (const auto& f : parts) {
        all.middleRows(r, f.rows()) = f / std::sqrt(nd);
        r += f.rows();
      }
      return all;
    };
    c.L = detail::extreme_sq_singular_value(stack(up, up_rows), true) + shift;
    c.mu = detail::extreme_sq_singular_value(stack(lo, lo_rows), false) + shift;
    c.L_max = *std::max_element(c.L_i.begin(), c.L_i.end());
    double sum = 0;
    for (const double l : c.L_i) sum += l;
    c.L_mean = sum / nd;
    c.kappa = c.mu > 0 ? c.L / c.mu : std::numeric_limits<double>::infinity();
    c.lipschitz = nan;
  } else if constexpr (CurvatureBoundedObjective<P>) {
    Matrix<double> upper = Matrix<double>::Zero(d, d), lower = Matrix<double>::Zero(d, d);
    Eigen::SelfAdjointEigenSolver<Matrix<double>> eig;
    detail::RepeatedEigenvalue largest(true), smallest(false);  // nodes sharing bounds: one eigensolve
    for (Index i = 0; i < n; ++i) {
      const Matrix<double> ui = p.curvature_upper(i), li = p.curvature_lower(i);
      c.L_i.push_back(largest(ui));
      c.mu_i.push_back(std::max(0.0, smallest(li)));
      upper += ui;
      lower += li;
    }
    c.L = eig.compute(upper / nd, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
    c.mu = std::max(0.0, eig.compute(lower / nd, Eigen::EigenvaluesOnly).eigenvalues().minCoeff());
    c.L_max = *std::max_element(c.L_i.begin(), c.L_i.end());
    double sum = 0;
    for (const double l : c.L_i) sum += l;
    c.L_mean = sum / nd;
    c.kappa = c.mu > 0 ? c.L / c.mu : std::numeric_limits<double>::infinity();
    c.lipschitz = nan;
  } else {
    c.L_i.assign(static_cast<std::size_t>(n), nan);
    c.mu_i.assign(static_cast<std::size_t>(n), 0.0);
    c.L_max = c.L_mean = c.L = nan;
    c.mu = 0;
    c.kappa = std::numeric_limits<double>::infinity();
    if constexpr (requires { p.lipschitz(); }) c.lipschitz = p.lipschitz();
    else c.lipschitz = nan;
  }
  Vector<double> gi(d), gij(d);
  double zeta = 0, variance = 0;
  for (Index i = 0; i < n; ++i) {
    p.gradient(i, x_star, gi);
    zeta += gi.squaredNorm();
    if constexpr (FiniteSumObjective<P>) {
      const Index m = p.num_samples(i);
      double vi = 0;
      for (Index j = 0; j < m; ++j) {
        p.sample_gradient(i, j, x_star, gij);
        vi += (gij - gi).squaredNorm();
      }
      variance += vi / static_cast<double>(m);
    }
  }
  c.zeta2 = zeta / nd;
  c.sample_variance = variance / nd;
  if constexpr (requires { p.stochastic_options(); }) c.noise_variance = p.stochastic_options().noise_variance;
  c.sigma2 = (c.sample_variance + c.noise_variance) / static_cast<double>(batch);
  return c;
}

}  // namespace adonis
