// SPDX-License-Identifier: BSD-3-Clause
/// @file multinomial.hpp
/// @brief l2-regularized multinomial logistic regression (softmax cross-entropy) over
///        partitioned data: the multiclass problem of the problems layer (issue 18).
///
/// Labels are the integers 0, …, K − 1 (K = the largest label + 1). The variable is
/// x = vec(W) for a K × d weight matrix W, stored class by class: x[k d + f] = W_{k f} (no
/// intercept: the `:intercept` modifier adds a constant feature). Node i owns m_i samples
/// (a_j, y_j) and
///
///     f_i(x) = (1/m_i) Σ_j [ log Σ_k exp(w_kᵀ a_j) − w_{y_j}ᵀ a_j ] + (λ/2) ‖x‖²,
///     ∇_W f_i = (1/m_i) (P − Y)ᵀ A_i + λ W,  P_{jk} = softmax(W a_j)_k, Y the one-hot labels,
///     ∇² f_i = (1/m_i) Σ_j (diag(p_j) − p_j p_jᵀ) ⊗ a_j a_jᵀ + λ I.
///
/// Curvature bounds (CurvatureBoundedObjective): diag(p) − p pᵀ ≼ ½ (I_K − 11ᵀ/K) ≼ ½ I_K
/// (Böhning 1992, "Multinomial logistic regression algorithm", Ann. Inst. Statist. Math. 44,
/// Lemma; also the bound of Krishnapuram et al. 2005), so
/// ∇² f_i ≼ ½ I_K ⊗ A_iᵀA_i/m_i + λ I and L_i = ½ λ_max(A_iᵀA_i/m_i) + λ. This is a bound on the
/// supremum of the Hessian over x, not its value: at x = 0 (p = 1/K) the Hessian is
/// (1/K)(I − 11ᵀ/K) ⊗ A_iᵀA_i/m_i + λ I, whose largest eigenvalue is λ_max(A_iᵀA_i/m_i)/K + λ.
/// The lower bound is λ I (μ = λ): the cross-entropy is flat along W → W + 1 cᵀ.
///
/// @code
///   auto p = adonis::make_problem_as<adonis::MultinomialProblem>("multinomial:digits:0.001", 4);
///   const adonis::ReferenceSolution ref = adonis::reference_solution(p);  // Newton, certified
///   // p.weights(ref.x) is W* (10 × 64); p.predict(ref.x, features) the classes of new rows
/// @endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/newton.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/softmax.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

/// The number of classes K of integer labels 0, …, K − 1 (the largest label + 1).
/// @throws ParseError naming the row of a label that is negative, not an integer, or ≥ 10⁶.
inline Index multiclass_labels(const Dataset& ds, std::string_view who) {
  double top = 0;
  for (Index j = 0; j < ds.samples(); ++j) {
    const double y = ds.y(j);
    if (!(y >= 0 && y < 1e6) || y != std::floor(y))
      detail::fail<ParseError>(who, ds.where(j), ": label must be an integer class 0, 1, ... (got ", y, ")");
    top = std::max(top, y);
  }
  return static_cast<Index>(top) + 1;
}

/// Multinomial logistic regression (see the file comment). Gradients cost O(m_i K d).
class MultinomialProblem {
 public:
  using Scalar = double;

  /// Distributes the rows of `data` to nodes by `parts` (partition_samples()).
  /// @throws InvalidArgument for lambda < 0 or not finite, a bad partition, non-finite data, or
  ///         fewer than 2 classes; ParseError naming file and line of a label that is not a class.
  MultinomialProblem(const Dataset& data, const Partition& parts, double lambda, StochasticOptions stochastic = {})
      : m_features(data.features()), m_lambda(lambda), m_stochastic(stochastic) {
    const char* who = "MultinomialProblem";
    validate_dataset(data, who);
    if (!(lambda >= 0) || !std::isfinite(lambda)) detail::fail(who, "lambda must be >= 0 and finite (got ", lambda, ")");
    validate_partition(parts, data.samples(), who);
    m_classes = multiclass_labels(data, who);
    if (m_classes < 2) detail::fail(who, "needs at least 2 classes (labels 0 and 1; got ", m_classes, ")");
    m_stochastic.validate();
    for (const auto& rows : parts) {
      const auto mi = static_cast<Index>(rows.size());
      RowMatrix<double> a(mi, m_features);
      std::vector<Index> y(rows.size());
      for (Index k = 0; k < mi; ++k) {
        a.row(k) = data.A.row(rows[static_cast<std::size_t>(k)]);
        y[static_cast<std::size_t>(k)] = static_cast<Index>(data.y(rows[static_cast<std::size_t>(k)]));
      }
      Matrix<double> gram = Matrix<double>::Zero(m_features, m_features);
      gram.selfadjointView<Eigen::Lower>().rankUpdate(a.transpose(), 1.0 / static_cast<double>(mi));
      m_gram.push_back(gram.selfadjointView<Eigen::Lower>());
      m_a.push_back(std::move(a));
      m_y.push_back(std::move(y));
      m_total += mi;
    }
  }

  Index num_nodes() const { return static_cast<Index>(m_a.size()); }
  /// K d.
  Index dim() const { return m_classes * m_features; }
  Index classes() const { return m_classes; }
  Index features() const { return m_features; }
  double lambda() const { return m_lambda; }
  Index num_samples(Index i) const { return m_a[node(i)].rows(); }
  Index total_samples() const { return m_total; }
  const RowMatrix<double>& local_features(Index i) const { return m_a[node(i)]; }
  /// Node i's class labels.
  const std::vector<Index>& local_labels(Index i) const { return m_y[node(i)]; }
  const StochasticOptions& stochastic_options() const { return m_stochastic; }
  void set_stochastic_options(const StochasticOptions& o) {
    o.validate();
    m_stochastic = o;
  }

  /// W of x (K × d, row k = class k's weights), a view.
  Eigen::Map<const RowMatrix<double>> weights(Eigen::Ref<const Vector<double>> x) const {
    return {x.data(), m_classes, m_features};
  }

  /// f_i(x).
  double value(Index i, Eigen::Ref<const Vector<double>> x) const {
    const RowMatrix<double> z = scores(i, x);
    const auto& y = m_y[node(i)];
    double sum = 0;
    for (Index j = 0; j < z.rows(); ++j) sum += softmax_cross_entropy(z.row(j), y[static_cast<std::size_t>(j)]);
    return sum / static_cast<double>(z.rows()) + 0.5 * m_lambda * x.squaredNorm();
  }

  /// ∇f_i(x) = vec((P − Y)ᵀ A_i / m_i) + λ x.
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    RowMatrix<double> r = scores(i, x);
    softmax_minus_onehot(i, r);
    Eigen::Map<RowMatrix<double>> gw(g.data(), m_classes, m_features);
    gw.noalias() = r.transpose() * m_a[node(i)];
    g /= static_cast<double>(r.rows());
    g += m_lambda * x;
  }

  /// ∇²f_i(x) = (1/m_i) Σ_j (diag(p_j) − p_j p_jᵀ) ⊗ a_j a_jᵀ + λ I, into the Kd × Kd matrix h
  /// (block (k, l) = A_iᵀ diag(δ_kl p_jk − p_jk p_jl) A_i / m_i).
  void hessian(Index i, Eigen::Ref<const Vector<double>> x, Matrix<double>& h) const {
    const auto& a = m_a[node(i)];
    RowMatrix<double> p = scores(i, x);
    softmax(p);
    const Index d = m_features, kk = m_classes, m = a.rows();
    h.resize(dim(), dim());
    Vector<double> w(m);
    for (Index k = 0; k < kk; ++k)
      for (Index l = k; l < kk; ++l) {
        w = -p.col(k).cwiseProduct(p.col(l));
        if (k == l) w += p.col(k);
        w /= static_cast<double>(m);
        h.block(k * d, l * d, d, d).noalias() = a.transpose() * w.asDiagonal() * a;
        if (l != k) h.block(l * d, k * d, d, d) = h.block(k * d, l * d, d, d).transpose();
      }
    h.diagonal().array() += m_lambda;
  }

  /// Gradient of sample j of node i, regularizer included: vec((p_j − e_{y_j}) a_jᵀ) + λ x.
  void sample_gradient(Index i, Index j, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    g = m_lambda * x;
    add_sample_gradient(i, j, x, 1.0, g);
  }

  /// Mean of b sample gradients drawn uniformly with replacement, plus N(0, s²/(b d) I) noise.
  void stochastic_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                           SplitMix64& rng) const {
    g.setZero();
    const auto mi = static_cast<std::uint64_t>(m_a[node(i)].rows());
    const double share = 1.0 / static_cast<double>(m_stochastic.batch);
    for (Index k = 0; k < m_stochastic.batch; ++k) add_sample_gradient(i, static_cast<Index>(rng.below(mi)), x, share, g);
    g += m_lambda * x;
    detail::add_minibatch_noise(g, m_stochastic, rng);
  }

  /// prox_{step f_i}(v) = argmin_u f_i(u) + ‖u − v‖²/(2 step), step > 0: damped Newton on the
  /// strongly convex prox objective to a gradient norm of 1e-13 relative.
  void prox(Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) const {
    if (!(step > 0)) detail::fail("MultinomialProblem", "prox step must be > 0 (got ", step, ")");
    detail::smooth_prox(*this, i, v, step, out);
  }

  /// Constant Hessian bounds: ½ I_K ⊗ A_iᵀA_i/m_i + λ I (Böhning) and λ I.
  Matrix<double> curvature_upper(Index i) const {
    Matrix<double> h = Matrix<double>::Zero(dim(), dim());
    for (Index k = 0; k < m_classes; ++k) h.block(k * m_features, k * m_features, m_features, m_features) = 0.5 * m_gram[node(i)];
    h.diagonal().array() += m_lambda;
    return h;
  }
  Matrix<double> curvature_lower(Index) const {
    Matrix<double> h = Matrix<double>::Zero(dim(), dim());
    h.diagonal().setConstant(m_lambda);
    return h;
  }

  /// ∇²f(x) = (1/n) Σ_i ∇²f_i(x).
  void global_hessian(Eigen::Ref<const Vector<double>> x, Matrix<double>& h) const {
    Matrix<double> hi;
    h = Matrix<double>::Zero(dim(), dim());
    for (Index i = 0; i < num_nodes(); ++i) {
      hessian(i, x, hi);
      h += hi;
    }
    h /= static_cast<double>(num_nodes());
  }

  /// The predicted class argmax_k w_kᵀ a of each row of `a` (ties: the smallest k).
  std::vector<Index> predict(Eigen::Ref<const Vector<double>> x, const Matrix<double>& a) const {
    const Matrix<double> z = a * weights(x).transpose();
    std::vector<Index> out(static_cast<std::size_t>(z.rows()));
    for (Index j = 0; j < z.rows(); ++j) z.row(j).maxCoeff(&out[static_cast<std::size_t>(j)]);
    return out;
  }

 private:
  static std::size_t node(Index i) { return static_cast<std::size_t>(i); }
  /// Z = A_i Wᵀ (m_i × K).
  RowMatrix<double> scores(Index i, Eigen::Ref<const Vector<double>> x) const {
    return m_a[node(i)] * weights(x).transpose();
  }
  /// Rows of z to softmax(z), stable for any scores.
  static void softmax(RowMatrix<double>& z) {
    for (Index j = 0; j < z.rows(); ++j) softmax_in_place(z.row(j));
  }
  void softmax_minus_onehot(Index i, RowMatrix<double>& z) const {
    softmax(z);
    const auto& y = m_y[node(i)];
    for (Index j = 0; j < z.rows(); ++j) z(j, y[static_cast<std::size_t>(j)]) -= 1;
  }
  void add_sample_gradient(Index i, Index j, Eigen::Ref<const Vector<double>> x, double scale,
                           Eigen::Ref<Vector<double>> g) const {
    const auto a = m_a[node(i)].row(j);
    RowMatrix<double> p = a * weights(x).transpose();
    softmax(p);
    p(0, m_y[node(i)][static_cast<std::size_t>(j)]) -= 1;
    Eigen::Map<RowMatrix<double>> gw(g.data(), m_classes, m_features);
    gw.noalias() += scale * p.transpose() * a;
  }

  Index m_features;
  Index m_classes = 0;
  double m_lambda;
  StochasticOptions m_stochastic;
  Index m_total = 0;
  std::vector<RowMatrix<double>> m_a;
  std::vector<std::vector<Index>> m_y;
  std::vector<Matrix<double>> m_gram;
};

static_assert(StochasticObjective<MultinomialProblem> && ProximalObjective<MultinomialProblem> &&
              FiniteSumObjective<MultinomialProblem> && CurvatureBoundedObjective<MultinomialProblem>);

}  // namespace adonis
