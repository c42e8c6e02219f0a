// SPDX-License-Identifier: BSD-3-Clause
/// @file quadratics.hpp
/// @brief Heterogeneous scalar-curvature quadratics f_i(x) = (a_i/2)||x − b_i||², the test
///        bed of theory-rates.md §4b and §6 (exact affine recursions).
#pragma once

#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis::test {

struct ScalarQuadratics {
  Vector<double> a;  ///< curvatures a_i
  Matrix<double> b;  ///< n x d, row i = b_i
  Index num_nodes() const { return a.size(); }
  Index dim() const { return b.cols(); }
  double value(Index i, Eigen::Ref<const Vector<double>> x) const {
    return 0.5 * a(i) * (x - b.row(i).transpose()).squaredNorm();
  }
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    g = a(i) * (x - b.row(i).transpose());
  }
  /// prox_{step f_i}(v) = argmin_u f_i(u) + ||u − v||²/(2 step) = (a_i b_i + v/step) / (a_i + 1/step).
  void prox(Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) const {
    out = (a(i) * b.row(i).transpose() + v / step) / (a(i) + 1.0 / step);
  }
  /// ∇f_i*(x) = argmin_θ f_i(θ) − <x, θ> = b_i + x / a_i (closed-form conjugate, for MSDA).
  void conjugate_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> out) const {
    out = b.row(i).transpose() + x / a(i);
  }
  /// x* = Σ a_i b_i / Σ a_i.
  Vector<double> x_star() const { return (b.transpose() * a) / a.sum(); }

  /// n nodes, dimension d, a_i uniform in [lo, hi], b_i uniform in [-1, 1]^d.
  static ScalarQuadratics random(Index n, Index d, double lo, double hi, std::uint64_t seed) {
    SplitMix64 rng(seed);
    ScalarQuadratics q{Vector<double>(n), Matrix<double>(n, d)};
    for (Index i = 0; i < n; ++i) {
      q.a(i) = lo + (hi - lo) * rng.uniform();
      for (Index k = 0; k < d; ++k) q.b(i, k) = 2 * rng.uniform() - 1;
    }
    return q;
  }
};

}  // namespace adonis::test
