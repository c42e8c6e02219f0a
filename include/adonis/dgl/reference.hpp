// SPDX-License-Identifier: BSD-3-Clause
/// @file reference.hpp
/// @brief The exact greedy reference of decoupled greedy learning (issue 18; docs/dgl.md):
///        module 0 solved to optimality, its exact outputs fed to module 1, solved, and so on.
///        Every training scheme of dgl/train.hpp is measured against these heads A_j*.
///
/// Logistic heads are solved by the Newton method of multinomial logistic regression
/// (problem/multinomial.hpp, reference_solution: LDLT of the Km × Km Hessian, Armijo
/// backtracking, certified by the gradient norm); ridge heads in closed form,
/// Aᵀ = (ΦᵀΦ/N + λI)⁻¹ ΦᵀY/N by LDLT. Each module also records its Hessian's extreme eigenvalues
/// at the optimum (H_j, Km × Km; ridge: I_K ⊗ (ΦᵀΦ/N + λI)) on the directions the iteration
/// moves in (GreedyModule::hessian_min), which set the linear rate of
/// full-batch gradient descent on it, ρ(I − η H_j) = max(|1 − η h_min|, |1 − η h_max|), and its
/// curvature bound L_j (logistic: ½ λ_max(ΦᵀΦ/N) + λ, Böhning's bound; ridge: the exact
/// λ_max(ΦᵀΦ/N) + λ).
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include "adonis/dgl/model.hpp"
#include "adonis/problem/multinomial.hpp"
#include "adonis/problem/reference.hpp"

namespace adonis::dgl {

/// One module of the greedy reference.
struct GreedyModule {
  Matrix<double> head;            ///< A_j* (K × m)
  double loss = 0;                ///< its training loss L_j(A_j*) (regularizer included)
  double grad_norm = 0;           ///< ‖∇L_j(A_j*)‖_F, the certificate
  double train_accuracy = 0;      ///< argmax of O_j* on the training rows
  double test_accuracy = 0;       ///< and on the test rows (inputs from the reference's modules)
  double smoothness = 0;          ///< L_j, the curvature bound of the head's loss
  /// extreme eigenvalues of H_j = ∇²L_j(A_j*) on the directions gradient descent from zero
  /// heads moves in: not W → W + 1cᵀ (logistic: softmax is invariant, every gradient has
  /// 1ᵀG = 0) and not a feature that is 0 on every training row (its gradient is 0)
  double hessian_min = std::numeric_limits<double>::quiet_NaN();
  double hessian_max = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> spectrum;   ///< all those eigenvalues, ascending (with `spectrum` only)
  int iterations = 0;             ///< Newton iterations (0: closed form)

  /// ρ(I − η H_j): the linear rate of full-batch gradient descent with step η near A_j*.
  double gd_rate(double step) const { return std::max(std::abs(1 - step * hessian_min), std::abs(1 - step * hessian_max)); }
};

/// The greedy optimum of every module, with the reference outputs that fed it.
struct GreedyReference {
  std::vector<GreedyModule> modules;
  std::vector<Matrix<double>> train_scores;  ///< O_j* on the training rows (N × K)
  std::vector<Matrix<double>> test_scores;   ///< O_j* on the test rows
};

namespace detail {
/// An orthonormal basis (K × (K − 1)) of the vectors of ℝ^K orthogonal to 1.
template <int = 0>  // compiled only where called
Matrix<double> centred_basis(Index k) {
  Matrix<double> c = Matrix<double>::Identity(k, k);
  c.array() -= 1.0 / static_cast<double>(k);
  Eigen::HouseholderQR<Matrix<double>> qr(c.leftCols(k - 1));
  return qr.householderQ() * Matrix<double>::Identity(k, k - 1);
}
/// The unit vectors (m × alive) of the features that are nonzero on some row of Φ.
template <int = 0>  // compiled only where called
Matrix<double> alive_basis(const Matrix<double>& phi) {
  std::vector<Index> alive;
  for (Index f = 0; f < phi.cols(); ++f)
    if (phi.col(f).cwiseAbs().maxCoeff() > 0) alive.push_back(f);
  Matrix<double> b = Matrix<double>::Zero(phi.cols(), static_cast<Index>(alive.size()));
  for (std::size_t k = 0; k < alive.size(); ++k) b(alive[k], static_cast<Index>(k)) = 1;
  return b;
}
/// The Kronecker product a ⊗ b, matching x[k m + f] = W_kf (class-major).
template <int = 0>  // compiled only where called
Matrix<double> kron(const Matrix<double>& a, const Matrix<double>& b) {
  Matrix<double> out(a.rows() * b.rows(), a.cols() * b.cols());
  for (Index r = 0; r < a.rows(); ++r)
    for (Index c = 0; c < a.cols(); ++c) out.block(r * b.rows(), c * b.cols(), b.rows(), b.cols()) = a(r, c) * b;
  return out;
}

/// Solves one head on features Φ (N × m) with labels y: returns A* and fills the module.
template <int = 0>
GreedyModule solve_head(HeadLoss loss, const Matrix<double>& phi, const std::vector<Index>& y, Index classes,
                        double lambda, bool spectrum) {
  GreedyModule g;
  const Index n = phi.rows(), m = phi.cols();
  const Matrix<double> gram = phi.transpose() * phi / static_cast<double>(n);
  Eigen::SelfAdjointEigenSolver<Matrix<double>> eig(gram, Eigen::EigenvaluesOnly);
  const double gram_max = eig.eigenvalues().maxCoeff();
  if (loss == HeadLoss::ridge) {
    Matrix<double> h = gram;
    h.diagonal().array() += lambda;
    Matrix<double> rhs = Matrix<double>::Zero(m, classes);
    for (Index j = 0; j < n; ++j) rhs.col(y[static_cast<std::size_t>(j)]) += phi.row(j).transpose() / static_cast<double>(n);
    g.head = h.ldlt().solve(rhs).transpose();
    g.smoothness = gram_max + lambda;
    if (spectrum) {
      const Matrix<double> alive = alive_basis(phi);  // a feature 0 on every row is never moved
      Eigen::SelfAdjointEigenSolver<Matrix<double>> hs(alive.transpose() * h * alive, Eigen::EigenvaluesOnly);
      g.hessian_min = hs.eigenvalues().minCoeff();
      g.hessian_max = hs.eigenvalues().maxCoeff();
      g.spectrum.assign(hs.eigenvalues().data(), hs.eigenvalues().data() + hs.eigenvalues().size());
    }
  } else {
    Dataset ds;
    ds.A = phi;
    ds.y.resize(n);
    for (Index j = 0; j < n; ++j) ds.y(j) = static_cast<double>(y[static_cast<std::size_t>(j)]);
    std::vector<Index> all(static_cast<std::size_t>(n));
    for (Index j = 0; j < n; ++j) all[static_cast<std::size_t>(j)] = j;
    const MultinomialProblem p(ds, Partition{all}, lambda);
    if (p.classes() != classes)
      adonis::detail::fail("dgl", "the training rows hold ", p.classes(), " classes, the model ", classes);
    const ReferenceSolution ref = reference_solution(p);
    g.head = p.weights(ref.x);
    g.iterations = ref.iterations;
    if (spectrum) {
      Matrix<double> h;
      p.hessian(0, ref.x, h);
      // restricted to the directions gradient descent from 0 moves in: not W → W + 1cᵀ (softmax
      // invariance: every gradient has 1ᵀG = 0) and not a feature that is 0 on every row
      const Matrix<double> basis = kron(centred_basis(classes), alive_basis(phi));
      Eigen::SelfAdjointEigenSolver<Matrix<double>> hs(basis.transpose() * h * basis, Eigen::EigenvaluesOnly);
      g.hessian_min = hs.eigenvalues().minCoeff();
      g.hessian_max = hs.eigenvalues().maxCoeff();
      g.spectrum.assign(hs.eigenvalues().data(), hs.eigenvalues().data() + hs.eigenvalues().size());
    }
    g.smoothness = 0.5 * gram_max + lambda;
  }
  g.loss = head_loss(loss, g.head, phi, y, lambda);
  g.grad_norm = head_gradient(loss, g.head, phi, y, lambda).norm();
  return g;
}
}  // namespace detail

/// Solves module 0 to optimality, feeds its exact outputs to module 1, and so on.
/// @throws InvalidArgument when the training rows miss a class of the model.
/// With `spectrum`, each module's Hessian spectrum at the optimum (hessian_min, hessian_max; an
/// eigendecomposition of size about K m: 2300 for K = 10, m = 256, seconds each), else NaN.
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
GreedyReference greedy_reference(const Model& model, const TrainTest& data, bool spectrum = false) {
  GreedyReference r;
  const ModelOptions& o = model.options();
  Matrix<double> train_prev, test_prev;
  for (Index j = 0; j < model.modules(); ++j) {
    const Matrix<double> phi = model.features(j, model.module_input(j, data.train.x, train_prev));
    GreedyModule g = detail::solve_head(o.loss, phi, data.train.y, model.classes(), o.lambda, spectrum);
    train_prev = head_scores(g.head, phi);
    g.train_accuracy = accuracy(train_prev, data.train.y);
    if (data.test.rows() > 0) {
      test_prev = head_scores(g.head, model.features(j, model.module_input(j, data.test.x, test_prev)));
      g.test_accuracy = accuracy(test_prev, data.test.y);
    } else {
      g.test_accuracy = std::numeric_limits<double>::quiet_NaN();
    }
    r.train_scores.push_back(train_prev);
    r.test_scores.push_back(test_prev);
    r.modules.push_back(std::move(g));
  }
  return r;
}

}  // namespace adonis::dgl
