// SPDX-License-Identifier: BSD-3-Clause
/// @file concepts.hpp
/// @brief Requirements on a decentralized objective f(x) = (1/n) sum_i f_i(x), and its optional
///        capabilities, detected at compile time (style.md §3.3).
///
/// Every node-indexed member takes the node i in [0, num_nodes()), x as
/// Eigen::Ref<const Vector<double>> of size dim(), and writes into g / out
/// (Eigen::Ref<Vector<double>>, already of size dim()). Members are const and may be called
/// concurrently from several threads.
#pragma once

#include <concepts>

#include <Eigen/Core>

#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// n local objectives f_i : R^d -> R of a common dimension, with values and (sub)gradients:
///   p.num_nodes(), p.dim(), p.value(i, x) -> double, p.gradient(i, x, g).
/// For a nonsmooth objective (see NonsmoothObjective) `gradient` returns a subgradient.
template <class P>
concept DecentralizedObjective =
    requires(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) {
      { p.num_nodes() } -> std::convertible_to<Index>;
      { p.dim() } -> std::convertible_to<Index>;
      { p.value(i, x) } -> std::convertible_to<double>;
      p.gradient(i, x, g);
    };

/// Adds an unbiased stochastic gradient, E[g] = grad f_i(x), drawn with a caller-owned RNG.
template <class P>
concept StochasticObjective =
    DecentralizedObjective<P> &&
    requires(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g, SplitMix64& rng) {
      p.stochastic_gradient(i, x, g, rng);
    };

/// Adds prox_{step f_i}(v) = argmin_u f_i(u) + ||u - v||^2 / (2 step), needed by ADMM.
template <class P>
concept ProximalObjective =
    DecentralizedObjective<P> &&
    requires(const P& p, Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) {
      p.prox(i, v, step, out);
    };

/// A nonsmooth objective: `subgradient(i, x, g)` writes an element of the subdifferential of f_i.
template <class P>
concept NonsmoothObjective =
    DecentralizedObjective<P> &&
    requires(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) {
      p.subgradient(i, x, g);
    };

/// f_i is a mean over m_i samples: f_i = (1/m_i) sum_j f_ij, with per-sample gradients
/// (regularizer included), so that minibatch variances can be computed exactly.
template <class P>
concept FiniteSumObjective =
    DecentralizedObjective<P> &&
    requires(const P& p, Index i, Index j, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) {
      { p.num_samples(i) } -> std::convertible_to<Index>;
      p.sample_gradient(i, j, x, g);
    };

/// Smooth objective with constant curvature bounds: lower_i <= hess f_i(x) <= upper_i for all x
/// (Loewner order), as d x d matrices. Smoothness and strong convexity constants are their
/// extreme eigenvalues (constants.hpp).
template <class P>
concept CurvatureBoundedObjective =
    DecentralizedObjective<P> && requires(const P& p, Index i) {
      { p.curvature_upper(i) } -> std::convertible_to<Matrix<double>>;
      { p.curvature_lower(i) } -> std::convertible_to<Matrix<double>>;
    };

/// The global objective f(x) = (1/n) sum_i f_i(x). Uses the objective's own
/// `global_value(x)` when it has a cheaper closed form.
template <DecentralizedObjective P>
double global_value(const P& p, Eigen::Ref<const Vector<double>> x) {
  if constexpr (requires { { p.global_value(x) } -> std::convertible_to<double>; }) {
    return p.global_value(x);
  } else {
    double s = 0;
    for (Index i = 0; i < p.num_nodes(); ++i) s += p.value(i, x);
    return s / static_cast<double>(p.num_nodes());
  }
}

/// The global (sub)gradient (1/n) sum_i grad f_i(x), written into g. Uses the objective's own
/// `global_gradient(x, g)` when it has a cheaper closed form.
template <DecentralizedObjective P>
void global_gradient(const P& p, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) {
  if constexpr (requires { p.global_gradient(x, g); }) {
    p.global_gradient(x, g);
  } else {
    Vector<double> gi(p.dim());
    g.setZero();
    for (Index i = 0; i < p.num_nodes(); ++i) {
      p.gradient(i, x, gi);
      g += gi;
    }
    g /= static_cast<double>(p.num_nodes());
  }
}

}  // namespace adonis
