// SPDX-License-Identifier: BSD-3-Clause
/// @file stochastic.hpp
/// @brief Options of the stochastic oracles: minibatch size and additive Gaussian noise.
///
/// A stochastic gradient of node i is the mean of b per-sample gradients drawn uniformly with
/// replacement, plus Gaussian noise xi ~ N(0, (s^2 / (b d)) I), so that E||xi||^2 = s^2 / b:
/// the noise behaves like independent per-sample noise of total variance s^2, averaged over
/// the minibatch. The variance at x is therefore (V_i(x) + s^2) / b, V_i the single-sample
/// variance of node i (constants.hpp computes it exactly at x*).
#pragma once

#include <cmath>

#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/random.hpp"

namespace adonis {

/// Minibatch size and additive noise of stochastic_gradient().
struct StochasticOptions {
  Index batch = 1;            ///< minibatch size b >= 1 (samples drawn with replacement)
  double noise_variance = 0;  ///< s^2 >= 0: total variance E||xi||^2 of a single-sample noise

  /// @throws InvalidArgument for b < 1 or a negative or non-finite s^2.
  void validate() const {
    if (batch < 1) detail::fail("StochasticOptions", "batch must be >= 1 (got ", batch, ")");
    if (!(noise_variance >= 0) || !std::isfinite(noise_variance))
      detail::fail("StochasticOptions", "noise_variance must be >= 0 and finite (got ", noise_variance, ")");
  }
};

namespace detail {
/// Adds N(0, (s^2 / (b d)) I) to g (ziggurat_normal variates).
inline void add_minibatch_noise(Eigen::Ref<Vector<double>> g, const StochasticOptions& o, SplitMix64& rng) {
  if (o.noise_variance == 0) return;
  const double sd = std::sqrt(o.noise_variance / (static_cast<double>(o.batch) * static_cast<double>(g.size())));
  for (Index k = 0; k < g.size(); ++k) g(k) += sd * ziggurat_normal(rng);
}
}  // namespace detail

}  // namespace adonis
