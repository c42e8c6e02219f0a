// SPDX-License-Identifier: BSD-3-Clause
/// Helpers shared by the problem tests.
#pragma once

#include <cstdint>
#include <string>

#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/random.hpp"

namespace adonis::test {

/// Path of a file in tests/data/problem.
inline std::string problem_data(const std::string& name) { return std::string(ADONIS_TEST_DATA) + "/problem/" + name; }

/// A small random dataset: m x d Gaussian features; y = +/-1 labels (classification) or
/// a noisy linear target.
inline Dataset random_dataset(Index m, Index d, bool classification, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Dataset ds;
  ds.A.resize(m, d);
  ds.y.resize(m);
  Vector<double> w(d);
  for (Index k = 0; k < d; ++k) w(k) = standard_normal(rng);
  for (Index j = 0; j < m; ++j) {
    for (Index k = 0; k < d; ++k) ds.A(j, k) = standard_normal(rng) + 0.3 * static_cast<double>(k);
    const double z = ds.A.row(j).dot(w) + 0.5 * standard_normal(rng);
    ds.y(j) = classification ? (z > 0 ? 1.0 : -1.0) : z;
  }
  return ds;
}

/// A random vector of N(0, s^2) entries.
inline Vector<double> random_vector(Index d, std::uint64_t seed, double s = 1.0) {
  SplitMix64 rng(seed, 99, 0);
  Vector<double> v(d);
  for (Index k = 0; k < d; ++k) v(k) = s * standard_normal(rng);
  return v;
}

}  // namespace adonis::test
