// SPDX-License-Identifier: BSD-3-Clause
/// @file quadratic.hpp
/// @brief Synthetic quadratics with a chosen dimension, L, mu and heterogeneity zeta.
///
/// f_i(x) = (1/2) (x - c_i)^T H (x - c_i) with one Hessian H = Q diag(h) Q^T shared by all
/// nodes: Q a random orthogonal matrix (QR of a Gaussian matrix), h_1 = mu, h_d = L and the
/// other eigenvalues uniform in [mu, L]. The centres are c_i = x* + H^{-1} e_i with sum_i e_i = 0
/// and (1/n) sum_i ||e_i||^2 = zeta^2, so that the optimum is exactly x* (a Gaussian draw),
/// grad f_i(x*) = -e_i and the heterogeneity (1/n) sum_i ||grad f_i(x*)||^2 is exactly zeta^2.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

/// Parameters of QuadraticProblem.
struct QuadraticOptions {
  Index dim = 10;          ///< d >= 1
  double L = 1.0;          ///< largest Hessian eigenvalue, >= mu
  double mu = 0.1;         ///< smallest Hessian eigenvalue, > 0 (= L when d = 1)
  double zeta = 0.0;       ///< heterogeneity: sqrt((1/n) sum_i ||grad f_i(x*)||^2) >= 0
  std::uint64_t seed = 0;  ///< draws Q, the spectrum, x* and the e_i

  /// @throws InvalidArgument naming the field.
  void validate(Index nodes) const {
    const char* who = "QuadraticProblem";
    if (nodes < 1) detail::fail(who, "nodes must be >= 1 (got ", nodes, ")");
    if (dim < 1) detail::fail(who, "dim must be >= 1 (got ", dim, ")");
    if (!(mu > 0) || !std::isfinite(mu)) detail::fail(who, "mu must be > 0 and finite (got ", mu, ")");
    if (!(L >= mu) || !std::isfinite(L)) detail::fail(who, "L must be >= mu = ", mu, " and finite (got ", L, ")");
    if (dim == 1 && L != mu) detail::fail(who, "L must equal mu when dim = 1 (got L = ", L, ", mu = ", mu, ")");
    if (!(zeta >= 0) || !std::isfinite(zeta)) detail::fail(who, "zeta must be >= 0 and finite (got ", zeta, ")");
    if (nodes == 1 && zeta != 0) detail::fail(who, "zeta must be 0 with a single node (got ", zeta, ")");
  }
};

/// Synthetic quadratic objective (see the file comment). Its stochastic gradient is the exact
/// gradient plus N(0, s^2/(b d) I) noise: variance s^2 / b (stochastic.hpp).
class QuadraticProblem {
 public:
  using Scalar = double;

  /// (A template only so that the QR is compiled where a quadratic is built, not in every
  /// translation unit that includes this header: docs/performance.md, "Compile time".)
  template <int = 0>
  QuadraticProblem(Index nodes, const QuadraticOptions& options, StochasticOptions stochastic = {})
      : m_options(options), m_stochastic(stochastic) {
    options.validate(nodes);
    m_stochastic.validate();
    const Index d = options.dim;
    SplitMix64 rng(options.seed, 41, 0);
    Matrix<double> g(d, d);
    for (Index c = 0; c < d; ++c)
      for (Index r = 0; r < d; ++r) g(r, c) = standard_normal(rng);
    Matrix<double> q = Eigen::HouseholderQR<Matrix<double>>(g).householderQ();
    Vector<double> h(d);
    h(0) = options.mu;
    h(d - 1) = options.L;
    for (Index k = 1; k + 1 < d; ++k) h(k) = options.mu + (options.L - options.mu) * rng.uniform();
    m_h = q * h.asDiagonal() * q.transpose();
    m_h = (0.5 * (m_h + m_h.transpose())).eval();
    m_x_star.resize(d);
    for (Index k = 0; k < d; ++k) m_x_star(k) = standard_normal(rng);
    Matrix<double> e(d, nodes);
    for (Index i = 0; i < nodes; ++i)
      for (Index k = 0; k < d; ++k) e(k, i) = standard_normal(rng);
    e.colwise() -= e.rowwise().mean();
    const double spread = std::sqrt(e.squaredNorm() / static_cast<double>(nodes));
    if (spread > 0) e *= options.zeta / spread;
    else e.setZero();
    const Matrix<double> h_inv_e = (q * h.cwiseInverse().asDiagonal() * q.transpose()) * e;
    m_c = h_inv_e.colwise() + m_x_star;
    m_c_mean = m_c.rowwise().mean();
    double k = 0;  // column by column: no n x n (nor d x n) temporary at 10⁶ nodes
    Vector<double> r(d);
    for (Index i = 0; i < nodes; ++i) {
      r = m_c.col(i) - m_c_mean;
      k += r.dot(m_h * r);
    }
    m_value_floor = 0.5 * k / static_cast<double>(nodes);
  }

  Index num_nodes() const { return m_c.cols(); }
  Index dim() const { return m_options.dim; }
  const QuadraticOptions& options() const { return m_options; }
  /// The common Hessian H.
  const Matrix<double>& hessian_matrix() const { return m_h; }
  /// The centre c_i of node i.
  Vector<double> centre(Index i) const { return m_c.col(i); }
  /// The exact minimizer of f = (1/n) sum_i f_i.
  const Vector<double>& x_star() const { return m_x_star; }
  const StochasticOptions& stochastic_options() const { return m_stochastic; }
  void set_stochastic_options(const StochasticOptions& o) {
    o.validate();
    m_stochastic = o;
  }

  /// f_i(x) = (1/2)(x - c_i)^T H (x - c_i).
  double value(Index i, Eigen::Ref<const Vector<double>> x) const {
    const Vector<double> r = x - m_c.col(i);
    return 0.5 * r.dot(m_h * r);
  }
  /// grad f_i(x) = H (x - c_i).
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    g.noalias() = m_h * (x - m_c.col(i));
  }
  /// f(x) = (1/n) Σ_i f_i(x) = ½ (x − c̄)ᵀ H (x − c̄) + K, c̄ = (1/n) Σ_i c_i,
  /// K = (1/2n) Σ_i (c_i − c̄)ᵀ H (c_i − c̄) (the cross terms vanish since Σ_i (c_i − c̄) = 0):
  /// one d x d product instead of n (global_value dispatches here; tables that sum f over the
  /// nodes' iterates paid n² of them), and f(x) − f* = ½ (x − c̄)ᵀ H (x − c̄) carries no
  /// cancellation against f* = K near x* = c̄.
  double global_value(Eigen::Ref<const Vector<double>> x) const {
    const Vector<double> r = x - m_c_mean;
    return 0.5 * r.dot(m_h * r) + m_value_floor;
  }
  /// hess f_i = H.
  void hessian(Index, Eigen::Ref<const Vector<double>>, Matrix<double>& h) const { h = m_h; }
  /// Exact gradient plus N(0, s^2 / (b d) I).
  void stochastic_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                           SplitMix64& rng) const {
    gradient(i, x, g);
    detail::add_minibatch_noise(g, m_stochastic, rng);
  }
  /// prox_{step f_i}(v): (H + I/step) u = H c_i + v / step.
  template <int = 0>  // the LDLT is compiled only where a prox is called
  void prox(Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) const {
    if (!(step > 0)) detail::fail("QuadraticProblem", "prox step must be > 0 (got ", step, ")");
    Matrix<double> a = m_h;
    a.diagonal().array() += 1.0 / step;
    out = a.ldlt().solve(m_h * m_c.col(i) + v / step);
  }
  Matrix<double> curvature_upper(Index) const { return m_h; }
  Matrix<double> curvature_lower(Index) const { return m_h; }

  /// grad f(x) = H (x - mean_i c_i).
  void global_gradient(Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    g.noalias() = m_h * (x - m_c_mean);
  }

 private:
  QuadraticOptions m_options;
  StochasticOptions m_stochastic;
  Matrix<double> m_h;
  Vector<double> m_x_star;
  Matrix<double> m_c;  ///< d x n, column i = c_i
  Vector<double> m_c_mean;     ///< c̄ = (1/n) Σ_i c_i
  double m_value_floor = 0;    ///< K = (1/2n) Σ_i (c_i − c̄)ᵀ H (c_i − c̄) = f(c̄)
};

static_assert(StochasticObjective<QuadraticProblem> && ProximalObjective<QuadraticProblem> &&
              CurvatureBoundedObjective<QuadraticProblem> && !FiniteSumObjective<QuadraticProblem>);

}  // namespace adonis
