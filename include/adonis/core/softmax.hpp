// SPDX-License-Identifier: BSD-3-Clause
/// @file softmax.hpp
/// @brief The numerically stable softmax and softmax cross-entropy of one score vector, shared
///        by multinomial logistic regression (problem/multinomial.hpp) and the logistic heads of
///        decoupled greedy learning (dgl/model.hpp, dgl/train.hpp).
///
/// Both shift the scores by their maximum t = max_k z_k first (the log-sum-exp trick):
/// softmax(z)_k = exp(z_k − t) / Σ_l exp(z_l − t) and log Σ_k exp(z_k) = t + log Σ_k exp(z_k − t),
/// so no exponential overflows and the largest term is exp(0) = 1 (no 0/0).
#pragma once

#include <cmath>

#include <Eigen/Core>

#include "adonis/core/types.hpp"

namespace adonis {

/// z ← softmax(z) in place, for a row or column vector expression of scores (any finite values).
template <class Derived>
void softmax_in_place(Eigen::DenseBase<Derived>& z) {
  Derived& v = z.derived();
  const double top = v.maxCoeff();
  v.array() = (v.array() - top).exp();
  v /= v.sum();
}
/// Overload for temporaries such as `m.row(j)`.
template <class Derived>
void softmax_in_place(Eigen::DenseBase<Derived>&& z) {
  softmax_in_place(z);
}

/// The cross-entropy of scores z for the label y: log Σ_k exp(z_k) − z_y (≥ 0), stable.
template <class Derived>
double softmax_cross_entropy(const Eigen::DenseBase<Derived>& z, Index y) {
  const Derived& v = z.derived();
  const double top = v.maxCoeff();
  return top + std::log((v.array() - top).exp().sum()) - v(y);
}

}  // namespace adonis
