// SPDX-License-Identifier: BSD-3-Clause
/// @file distance.hpp
/// @brief Test observer: the distance of the iterates to a known target, per round.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <vector>

#include "adonis/algorithm/driver.hpp"

namespace adonis::test {

/// The consensual iterate: every node (row) holds x.
inline Iterates<double> consensual(const Vector<double>& x, Index n) { return x.transpose().replicate(n, 1); }

/// Records ||X_t − target||_F and stops once it is below `stop` times the initial distance.
struct Distance {
  Iterates<double> target;
  double stop = 0;
  std::vector<double> d;
  template <class A>
  void on_start(const RoundView<A>& v) { d = {(v.iterates() - target).norm()}; }
  template <class A>
  bool on_round(const RoundView<A>& v) {
    d.push_back((v.iterates() - target).norm());
    return d.back() <= stop * d.front();
  }
  /// First round with distance <= frac times the initial one (d.size() if none).
  std::size_t first_below(double frac) const {
    std::size_t t = 0;
    while (t < d.size() && d[t] > frac * d.front()) ++t;
    return t;
  }
  /// Geometric mean rate between the first rounds below 1e-3 and 1e-9 of the initial distance.
  double rate() const {
    const std::size_t t0 = first_below(1e-3), t1 = first_below(1e-9);
    REQUIRE(t1 < d.size());
    REQUIRE(t1 > t0 + 5);
    return std::pow(d[t1] / d[t0], 1.0 / static_cast<double>(t1 - t0));
  }
};

}  // namespace adonis::test
