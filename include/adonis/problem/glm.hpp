// SPDX-License-Identifier: BSD-3-Clause
/// @file glm.hpp
/// @brief Linear-model objectives over partitioned data: least squares, ridge, logistic.
///
/// Node i owns m_i samples (a_j, y_j) and f_i(x) = (1/m_i) sum_j l(a_j^T x, y_j) + (lambda/2)||x||^2,
/// and the objective is f(x) = (1/n) sum_i f_i(x) (docs/problems.md). With
/// l(z, y) = (z - y)^2 / 2 this is least squares (lambda = 0) or ridge regression (lambda > 0);
/// with l(z, y) = log(1 + exp(-y z)), y in {-1, +1}, l2-regularized logistic regression.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/newton.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

/// l(z, y) = (z - y)^2 / 2: l' = z - y, l'' = 1.
struct SquaredLoss {
  static constexpr const char* problem_name = "LeastSquaresProblem";
  static constexpr bool classification = false;
  static constexpr double curvature_min = 1.0;  ///< inf of l''
  static constexpr double curvature_max = 1.0;  ///< sup of l''
  static double value(double z, double y) { return 0.5 * (z - y) * (z - y); }
  static double derivative(double z, double y) { return z - y; }
  static double second_derivative(double, double) { return 1.0; }
};

/// l(z, y) = log(1 + exp(-y z)) for y in {-1, +1}: l' = -y s(-y z), l'' = s(y z) s(-y z) <= 1/4,
/// s the logistic sigmoid; evaluated without overflow for any z.
struct LogisticLoss {
  static constexpr const char* problem_name = "LogisticProblem";
  static constexpr bool classification = true;
  static constexpr double curvature_min = 0.0;
  static constexpr double curvature_max = 0.25;
  /// log(1 + exp(t)) without overflow.
  static double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
  /// 1 / (1 + exp(-t)) without overflow.
  static double sigmoid(double t) {
    if (t >= 0) return 1.0 / (1.0 + std::exp(-t));
    const double e = std::exp(t);
    return e / (1.0 + e);
  }
  static double value(double z, double y) { return softplus(-y * z); }
  static double derivative(double z, double y) { return -y * sigmoid(-y * z); }
  static double second_derivative(double z, double y) { return sigmoid(y * z) * sigmoid(-y * z); }
};

/// f_i(x) = (1/m_i) sum_{j in node i} l(a_j^T x, y_j) + (lambda/2)||x||^2 over partitioned data.
///
/// Capabilities: value, gradient, exact Hessian, per-sample gradients (FiniteSumObjective),
/// minibatch stochastic gradients with optional Gaussian noise (stochastic.hpp), prox (closed
/// form for the squared loss, damped Newton for the logistic loss), and constant curvature
/// bounds: curvature_upper = sup l'' * A_i^T A_i / m_i + lambda I, curvature_lower =
/// inf l'' * A_i^T A_i / m_i + lambda I (so mu = lambda for the logistic loss).
template <class Loss>
class GlmProblem {
 public:
  using Scalar = double;
  using loss_type = Loss;

  /// Distributes the rows of `data` to nodes by `parts` (see partition_samples()).
  /// @throws InvalidArgument for lambda < 0 or not finite, a bad partition or non-finite data;
  ///         ParseError naming file and line for a label outside {-1, +1} (logistic loss).
  GlmProblem(const Dataset& data, const Partition& parts, double lambda, StochasticOptions stochastic = {})
      : m_dim(data.features()), m_lambda(lambda), m_stochastic(stochastic) {
    const char* who = Loss::problem_name;
    validate_dataset(data, who);
    if (!(lambda >= 0) || !std::isfinite(lambda)) detail::fail(who, "lambda must be >= 0 and finite (got ", lambda, ")");
    validate_partition(parts, data.samples(), who);
    if constexpr (Loss::classification) require_binary_labels(data, who);
    m_stochastic.validate();
    for (const auto& rows : parts) {
      const auto mi = static_cast<Index>(rows.size());
      RowMatrix<double> a(mi, m_dim);
      Vector<double> y(mi);
      for (Index k = 0; k < mi; ++k) {
        a.row(k) = data.A.row(rows[static_cast<std::size_t>(k)]);
        y(k) = data.y(rows[static_cast<std::size_t>(k)]);
      }
      Matrix<double> gram = Matrix<double>::Zero(m_dim, m_dim);
      gram.selfadjointView<Eigen::Lower>().rankUpdate(a.transpose(), 1.0 / static_cast<double>(mi));
      m_gram.push_back(gram.selfadjointView<Eigen::Lower>());
      m_aty.push_back(a.transpose() * y / static_cast<double>(mi));
      m_a.push_back(std::move(a));
      m_y.push_back(std::move(y));
      m_total += mi;
    }
  }

  Index num_nodes() const { return static_cast<Index>(m_a.size()); }
  Index dim() const { return m_dim; }
  double lambda() const { return m_lambda; }
  /// m_i, the number of samples of node i.
  Index num_samples(Index i) const { return m_a[node(i)].rows(); }
  /// Total number of samples over all nodes.
  Index total_samples() const { return m_total; }
  /// Node i's features A_i (m_i x d) and targets y_i.
  const RowMatrix<double>& local_features(Index i) const { return m_a[node(i)]; }
  const Vector<double>& local_targets(Index i) const { return m_y[node(i)]; }
  /// A_i^T A_i / m_i.
  const Matrix<double>& local_gram(Index i) const { return m_gram[node(i)]; }
  const StochasticOptions& stochastic_options() const { return m_stochastic; }
  void set_stochastic_options(const StochasticOptions& o) {
    o.validate();
    m_stochastic = o;
  }

  /// f_i(x).
  double value(Index i, Eigen::Ref<const Vector<double>> x) const {
    const auto& a = m_a[node(i)];
    const auto& y = m_y[node(i)];
    const Vector<double> z = a * x;
    double sum = 0;
    for (Index j = 0; j < z.size(); ++j) sum += Loss::value(z(j), y(j));
    return sum / static_cast<double>(z.size()) + 0.5 * m_lambda * x.squaredNorm();
  }

  /// grad f_i(x) = A_i^T l'(A_i x, y_i) / m_i + lambda x.
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    const auto& a = m_a[node(i)];
    const auto& y = m_y[node(i)];
    Vector<double> r = a * x;
    for (Index j = 0; j < r.size(); ++j) r(j) = Loss::derivative(r(j), y(j));
    g.noalias() = a.transpose() * r;
    g /= static_cast<double>(r.size());
    g += m_lambda * x;
  }

  /// The Hessian A_i^T diag(l''(A_i x, y_i)) A_i / m_i + lambda I, into the d x d matrix H.
  void hessian(Index i, Eigen::Ref<const Vector<double>> x, Matrix<double>& h) const {
    const auto& a = m_a[node(i)];
    const auto& y = m_y[node(i)];
    const Vector<double> z = a * x;
    Vector<double> w(z.size());
    for (Index j = 0; j < z.size(); ++j) w(j) = Loss::second_derivative(z(j), y(j)) / static_cast<double>(z.size());
    h = a.transpose() * w.asDiagonal() * a;
    h.diagonal().array() += m_lambda;
  }

  /// Gradient of the j-th sample of node i, regularizer included: l'(a_j^T x, y_j) a_j + lambda x.
  void sample_gradient(Index i, Index j, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    const auto& a = m_a[node(i)];
    const double z = a.row(j).dot(x);
    g = Loss::derivative(z, m_y[node(i)](j)) * a.row(j).transpose() + m_lambda * x;
  }

  /// Mean of b sample gradients drawn uniformly with replacement, plus N(0, s^2/(b d) I) noise.
  void stochastic_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                           SplitMix64& rng) const {
    const auto& a = m_a[node(i)];
    const auto& y = m_y[node(i)];
    g.setZero();
    const auto mi = static_cast<std::uint64_t>(a.rows());
    for (Index k = 0; k < m_stochastic.batch; ++k) {
      const auto j = static_cast<Index>(rng.below(mi));
      g += Loss::derivative(a.row(j).dot(x), y(j)) * a.row(j).transpose();
    }
    g /= static_cast<double>(m_stochastic.batch);
    g += m_lambda * x;
    detail::add_minibatch_noise(g, m_stochastic, rng);
  }

  /// prox_{step f_i}(v) = argmin_u f_i(u) + ||u - v||^2 / (2 step), step > 0. Squared loss: the
  /// linear system (A_i^T A_i / m_i + (lambda + 1/step) I) u = A_i^T y_i / m_i + v / step.
  /// Logistic loss: Newton's method with backtracking on the strongly convex prox objective,
  /// to a gradient norm of 1e-13 relative.
  void prox(Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) const {
    if (!(step > 0)) detail::fail(Loss::problem_name, "prox step must be > 0 (got ", step, ")");
    if constexpr (!Loss::classification) {
      Matrix<double> h = m_gram[node(i)];
      h.diagonal().array() += m_lambda + 1.0 / step;
      out = h.ldlt().solve(m_aty[node(i)] + v / step);
    } else {
      detail::smooth_prox(*this, i, v, step, out);
    }
  }

  /// Constant bounds on the Hessian of f_i (concepts.hpp, CurvatureBoundedObjective).
  Matrix<double> curvature_upper(Index i) const { return curvature(i, Loss::curvature_max); }
  Matrix<double> curvature_lower(Index i) const { return curvature(i, Loss::curvature_min); }
  /// Square-root factors F of the bounds, curvature_upper(i) = F^T F + curvature_shift() I (and
  /// likewise lower): F = sqrt(sup l'' / m_i) A_i. constants.hpp takes singular values of F
  /// instead of eigenvalues of F^T F, which would square the condition number (Longley: 5e9).
  Matrix<double> curvature_upper_factor(Index i) const { return factor(i, Loss::curvature_max); }
  Matrix<double> curvature_lower_factor(Index i) const { return factor(i, Loss::curvature_min); }
  double curvature_shift() const { return m_lambda; }

  /// hess f(x) = (1/n) sum_i hess f_i(x).
  void global_hessian(Eigen::Ref<const Vector<double>> x, Matrix<double>& h) const {
    Matrix<double> hi;
    h = Matrix<double>::Zero(m_dim, m_dim);
    for (Index i = 0; i < num_nodes(); ++i) {
      hessian(i, x, hi);
      h += hi;
    }
    h /= static_cast<double>(num_nodes());
  }

 private:
  static std::size_t node(Index i) { return static_cast<std::size_t>(i); }
  Matrix<double> factor(Index i, double c) const {
    if (c == 0) return Matrix<double>::Zero(0, m_dim);
    return std::sqrt(c / static_cast<double>(m_a[node(i)].rows())) * m_a[node(i)];
  }
  Matrix<double> curvature(Index i, double c) const {
    Matrix<double> h = c * m_gram[node(i)];
    h.diagonal().array() += m_lambda;
    return h;
  }

  Index m_dim;
  double m_lambda;
  StochasticOptions m_stochastic;
  Index m_total = 0;
  std::vector<RowMatrix<double>> m_a;  // row-major: minibatches read whole sample rows
  std::vector<Vector<double>> m_y;
  std::vector<Matrix<double>> m_gram;
  std::vector<Vector<double>> m_aty;
};

/// Least squares (lambda = 0) and ridge regression (lambda > 0): l(z, y) = (z - y)^2 / 2.
using LeastSquaresProblem = GlmProblem<SquaredLoss>;
/// l2-regularized logistic regression: l(z, y) = log(1 + exp(-y z)), y in {-1, +1}.
using LogisticProblem = GlmProblem<LogisticLoss>;

static_assert(StochasticObjective<LeastSquaresProblem> && ProximalObjective<LeastSquaresProblem> &&
              FiniteSumObjective<LeastSquaresProblem> && CurvatureBoundedObjective<LeastSquaresProblem>);
static_assert(StochasticObjective<LogisticProblem> && ProximalObjective<LogisticProblem> &&
              FiniteSumObjective<LogisticProblem> && CurvatureBoundedObjective<LogisticProblem>);
static_assert(!NonsmoothObjective<LogisticProblem>);

}  // namespace adonis
