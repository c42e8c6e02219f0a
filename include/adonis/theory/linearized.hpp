// SPDX-License-Identifier: BSD-3-Clause
/// @file linearized.hpp
/// @brief Exact local rates of the synchronous first-order methods: the Jacobian of one round
///        at the fixed point, and its spectral radius on the non-conserved modes.
///
/// On quadratics the methods are affine maps, so the Jacobian is the iteration matrix and its
/// rate is exact at every round (theory-rates.md §4b, §6a, §6b [DER]). On smooth nonlinear
/// problems (logistic regression) the same matrix with the Hessians at the fixed point governs
/// the asymptotic rate (linearization, Ostrowski's theorem), which is what a fit of the tail of
/// a run measures. Stacked vectors are node-major: entry i·d + k is coordinate k of node i, the
/// layout of the row-major iterates; H = blockdiag(∇²f_i(x_i)), W ≡ W ⊗ I_d.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <vector>

#include <Eigen/Eigenvalues>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// W ⊗ I_d as a dense nd x nd matrix.
inline Matrix<double> kron_identity(const SparseMatrix& w, Index d) {
  const Index n = w.rows();
  Matrix<double> out = Matrix<double>::Zero(n * d, n * d);
  for (Index i = 0; i < w.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(w, i); it; ++it)
      for (Index k = 0; k < d; ++k) out(i * d + k, it.index() * d + k) = it.value();
  return out;
}

/// The consensus point 1 ⊗ xᵀ: `x` as every one of the n rows (node-major), e.g. x* stacked,
/// where stacked_hessian() and the Jacobians are evaluated at the optimum.
inline Iterates<double> stacked_rows(const Vector<double>& x, Index n) {
  Iterates<double> out(n, x.size());
  for (Index i = 0; i < n; ++i) out.row(i) = x.transpose();
  return out;
}

/// H = blockdiag(∇²f_i(x_i)) at the rows x_i of X; P must offer hessian(i, x, Matrix&).
template <class P>
Matrix<double> stacked_hessian(const P& p, const Iterates<double>& x) {
  const Index n = x.rows(), d = x.cols();
  Matrix<double> h = Matrix<double>::Zero(n * d, n * d), hi;
  for (Index i = 0; i < n; ++i) {
    p.hessian(i, x.row(i).transpose(), hi);
    h.block(i * d, i * d, d, d) = hi;
  }
  return h;
}

/// DGD (Yuan, Ling & Yin 2016): X ↦ W X − α ∇F(X); Jacobian W − α H (symmetric).
inline Matrix<double> dgd_jacobian(const SparseMatrix& w, const Matrix<double>& h, double alpha) {
  return kron_identity(w, h.rows() / w.rows()) - alpha * h;
}

/// DIGing (Nedić, Olshevsky & Shi 2017) in the state (X, Y):
/// [[W, −αI], [H(W − I), W − αH]] (theory-rates.md §6a).
inline Matrix<double> diging_jacobian(const SparseMatrix& w, const Matrix<double>& h, double alpha) {
  const Index m = h.rows();
  const Matrix<double> wk = kron_identity(w, m / w.rows()), id = Matrix<double>::Identity(m, m);
  Matrix<double> j(2 * m, 2 * m);
  j << wk, -alpha * id, h * (wk - id), wk - alpha * h;
  return j;
}

/// EXTRA (Shi, Ling, Wu & Yin 2015) with W̃ = (I + W)/2 in the state (X_{k+1}, X_k):
/// [[I + W − αH, −(W̃ − αH)], [I, 0]] (theory-rates.md §6b).
inline Matrix<double> extra_jacobian(const SparseMatrix& w, const Matrix<double>& h, double alpha) {
  const Index m = h.rows();
  const Matrix<double> wk = kron_identity(w, m / w.rows()), id = Matrix<double>::Identity(m, m);
  Matrix<double> j(2 * m, 2 * m);
  j << id + wk - alpha * h, -(0.5 * (id + wk) - alpha * h), id, Matrix<double>::Zero(m, m);
  return j;
}

/// Decentralized ADMM (Shi, Ling, Yuan, Wu & Yin 2014) as implemented in admm.hpp, in the state
/// (X, α): the primal step solves ∇f_i(x) + 2c d_i x = c (d_i x_i + Σ_j x_j) − α_i, the dual step
/// is α += c (D − A) X'. With P = (H + 2cD)^{-1}:
/// [[c P (D + A), −P], [c L c P (D + A), I − c L P]],  L = D − A (all ⊗ I_d).
/// @param adjacency the 0/1 adjacency matrix of the graph.
template <int = 0>  // its dense inverse is compiled only where it is called
Matrix<double> admm_jacobian(const SparseMatrix& adjacency, const Matrix<double>& h, double c) {
  const Index n = adjacency.rows(), m = h.rows(), d = m / n;
  const Matrix<double> a = kron_identity(adjacency, d);
  Matrix<double> deg = Matrix<double>::Zero(m, m);
  for (Index i = 0; i < m; ++i) deg(i, i) = a.row(i).sum();
  const Matrix<double> p = (h + 2 * c * deg).inverse(), lap = deg - a, id = Matrix<double>::Identity(m, m);
  const Matrix<double> jxx = c * p * (deg + a);
  Matrix<double> j(2 * m, 2 * m);
  j << jxx, -p, c * lap * jxx, id - c * lap * p;
  return j;
}

/// The two slowest rates of an iteration matrix: r1 = the largest |λ| and r2 = the largest |λ|
/// below r1 (1e-9 relative), over its eigenvalues not within `unit_tolerance` of 1 (the
/// conserved modes of gradient tracking, EXTRA and ADMM: the tracked gradient sum, the
/// consensus direction of the duals). r2 says how fast the slowest mode comes to dominate:
/// after t rounds the others weigh (r2/r1)^t relative to it. Symmetric input uses the
/// self-adjoint solver. @throws RuntimeError if the eigen-decomposition fails.
struct SpectralRates {
  double r1 = 0, r2 = 0;
};
template <int = 0>  // the eigen-solvers are compiled only where it is called
SpectralRates spectral_rates(const Matrix<double>& m, double unit_tolerance = 1e-8) {
  std::vector<double> moduli;
  if (m.isApprox(m.transpose(), 1e-14)) {
    Eigen::SelfAdjointEigenSolver<Matrix<double>> es(m, Eigen::EigenvaluesOnly);
    if (es.info() != Eigen::Success) detail::fail<RuntimeError>("spectral_rates", "eigensolver failed");
    for (Index k = 0; k < m.rows(); ++k)
      if (std::abs(es.eigenvalues()(k) - 1) > unit_tolerance) moduli.push_back(std::abs(es.eigenvalues()(k)));
  } else {
    Eigen::EigenSolver<Matrix<double>> es(m, false);
    if (es.info() != Eigen::Success) detail::fail<RuntimeError>("spectral_rates", "eigensolver failed");
    for (Index k = 0; k < m.rows(); ++k) {
      const std::complex<double> l = es.eigenvalues()(k);
      if (std::abs(l - 1.0) > unit_tolerance) moduli.push_back(std::abs(l));
    }
  }
  SpectralRates r;
  for (double x : moduli) r.r1 = std::max(r.r1, x);
  for (double x : moduli)
    if (x < r.r1 * (1 - 1e-9)) r.r2 = std::max(r.r2, x);
  return r;
}

/// The slowest mode of an iteration matrix J, for measuring a method's rate on it (theory
/// checks that resolve r1 exactly instead of fitting a tail where the faster modes still weigh):
/// λ1 = the eigenvalue of largest modulus r1 among those not within `unit_tolerance` of 1 (of a
/// complex pair, the one with Im λ ≥ 0), its right eigenvector v1 (unit norm, its largest entry
/// real and positive) and the coordinate functional c1, a left eigenvector with c1·v1 = 1 (the
/// row of V⁻¹, V = the eigenvectors, when λ1 is simple), so that c1·v = 0 for the eigenvectors v
/// of every other eigenvalue. Then c1·(J x) = λ1 (c1·x) for any x: the v1-coordinate of a state
/// contracts by exactly |λ1| per application of J, whatever its other components. `start()` is
/// Re(v1), a real unit direction whose v1-coordinate is 1 (λ1 real) or 1/(2||Re v1||) (complex
/// pair). r2 = the largest modulus below r1 (1e-9 relative), as in spectral_rates. Assumes J
/// diagonalizable (true of every Jacobian of this file on the tables' graphs; a defective J shows
/// as a badly conditioned mode: `condition` = ||c1||·||v1||, λ1's eigenvalue condition number
/// when simple, 1 for a symmetric J).
struct SlowestMode {
  std::complex<double> lambda{};
  double r1 = 0, r2 = 0, condition = 0;
  Vector<std::complex<double>> right, coordinate;
  /// The real start direction Re(v1), normalized to unit norm.
  Vector<double> start() const {
    Vector<double> v = right.real();
    return v / v.norm();
  }
  /// c1·x: the coefficient of v1 in x's expansion over the eigenvectors.
  std::complex<double> coefficient(const Vector<double>& x) const { return coordinate.cwiseProduct(x.cast<std::complex<double>>()).sum(); }
};

/// slowest_jacobian_mode(J): see SlowestMode. The eigenvalues come from the real Schur form
/// alone (no eigenvector matrix); v1 and c1 by inverse iteration (Wilkinson, The Algebraic
/// Eigenvalue Problem, 1965, ch. 9; Golub & Van Loan, Matrix Computations, §7.6.1) with one
/// complex LU of J − λ1 I: v1 from (J − λ1 I) v = b, c1 ∝ u from (J − λ1 I)ᵀ u = conj(v1)
/// (u = v1 for a symmetric J), scaled so that c1·v1 = 1. u is a left eigenvector (uᵀ J = λ1 uᵀ),
/// hence c1·v = 0 for the eigenvectors v of every other eigenvalue; if λ1 is repeated, c1 is one
/// functional of its eigenspace, with the same exact contraction. About half the time of the
/// full eigen-decomposition plus the LU of V. A template so that the complex eigen- and LU
/// solvers are compiled only where it is called. @throws RuntimeError if the eigen-decomposition
/// fails, every eigenvalue is within unit_tolerance of 1, or the inverse iteration does not give
/// finite vectors.
template <class Derived>
SlowestMode slowest_jacobian_mode(const Eigen::MatrixBase<Derived>& j, double unit_tolerance = 1e-8) {
  using C = std::complex<double>;
  const Matrix<double> m = j;
  Eigen::EigenSolver<Matrix<double>> es(m, false);
  if (es.info() != Eigen::Success) detail::fail<RuntimeError>("slowest_jacobian_mode", "eigensolver failed");
  const Vector<C> lambda = es.eigenvalues();
  Index k1 = -1;
  for (Index k = 0; k < lambda.size(); ++k) {
    if (std::abs(lambda(k) - 1.0) <= unit_tolerance) continue;
    const double r = std::abs(lambda(k));
    if (k1 < 0 || r > std::abs(lambda(k1)) * (1 + 1e-12) ||
        (r >= std::abs(lambda(k1)) * (1 - 1e-12) && lambda(k).imag() > lambda(k1).imag()))
      k1 = k;
  }
  if (k1 < 0) detail::fail<RuntimeError>("slowest_jacobian_mode", "every eigenvalue is within ", unit_tolerance, " of 1");
  SlowestMode out;
  out.lambda = lambda(k1);
  out.r1 = std::abs(out.lambda);
  for (Index k = 0; k < lambda.size(); ++k)
    if (std::abs(lambda(k) - 1.0) > unit_tolerance && std::abs(lambda(k)) < out.r1 * (1 - 1e-9))
      out.r2 = std::max(out.r2, std::abs(lambda(k)));
  // inverse iteration from a fixed pseudo-random b (a structured b such as the ones vector is
  // orthogonal to whole eigenspaces of W on regular graphs); the shift is λ1 itself, nudged by
  // a few ulps of ||J|| if the LU meets an exactly zero pivot
  const Index n = m.rows();
  const bool symmetric = m.isApprox(m.transpose(), 1e-14);
  Vector<C> b(n);
  SplitMix64 rng(0x5eed, 155, 0);
  for (Index k = 0; k < n; ++k) b(k) = C(rng.uniform() - 0.5, 0);
  Vector<C> r, c;
  const double nudge = 4 * std::numeric_limits<double>::epsilon() * std::max(1.0, m.cwiseAbs().rowwise().sum().maxCoeff());
  for (int attempt = 0; attempt < 2; ++attempt) {
    Matrix<C> a = m.cast<C>();
    a.diagonal().array() -= out.lambda + C(attempt * nudge, 0);
    const Eigen::PartialPivLU<Matrix<C>> lu(a);
    r = b;
    for (int it = 0; it < 3; ++it) {  // the first solve already lands on λ1's eigenspace; two more polish
      r = lu.solve(r);
      r /= r.norm();
    }
    // the left vector: v1 itself when J is symmetric (condition 1 even when λ1 is repeated, where
    // inverse iteration would turn within the eigenspace by rounding); else from conj(v1)
    c = r.conjugate();
    if (!symmetric)
      for (int it = 0; it < 3; ++it) {
        c = lu.transpose().solve(c);
        c /= c.norm();
      }
    if (r.allFinite() && c.allFinite() && std::abs(c.cwiseProduct(r).sum()) > 0) break;
    if (attempt == 1) detail::fail<RuntimeError>("slowest_jacobian_mode", "inverse iteration failed at lambda = ", out.lambda);
  }
  c /= c.cwiseProduct(r).sum();  // c1·v1 = 1 (unconjugated: c1 is a row of V⁻¹)
  Index big = 0;
  r.cwiseAbs().maxCoeff(&big);
  const C phase = std::conj(r(big)) / std::abs(r(big));  // makes the largest entry real and positive
  const double scale = r.norm();
  out.right = r * (phase / scale);
  out.coordinate = c * (scale / phase);  // keeps c1·v1 = 1
  out.condition = out.coordinate.norm() * out.right.norm();
  return out;
}

/// The asymptotic rate of an iteration matrix: spectral_rates(m).r1.
template <int = 0>
double asymptotic_rate(const Matrix<double>& m, double unit_tolerance = 1e-8) {
  return spectral_rates(m, unit_tolerance).r1;
}

}  // namespace adonis
