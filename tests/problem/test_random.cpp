// SPDX-License-Identifier: BSD-3-Clause
/// @file test_random.cpp
/// @brief The normal variates of problem/random.hpp: Box–Muller (standard_normal) and the
///        ziggurat (ziggurat_normal, the gradient noise) against N(0, 1) — moments, tails and a
///        Kolmogorov–Smirnov distance on 2·10⁵ seeded draws — and reproducible per seed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "adonis/problem/random.hpp"

using namespace adonis;

namespace {

/// Checks 2·10⁵ draws of `draw` against N(0, 1). Thresholds: the mean within 5 standard errors
/// (5/√N = 0.011), the variance and E z⁴ within 5 of their standard errors (√(2/N), √(96/N)),
/// the two-sided 3σ tail 0.0027 within 5 binomial standard errors, and the KS distance below its
/// 0.1% critical value 1.95/√N (Kolmogorov's limit law).
void check_standard_normal(const std::function<double(SplitMix64&)>& draw, std::uint64_t seed) {
  constexpr int count = 200000;
  SplitMix64 rng(seed);
  std::vector<double> z(count);
  for (double& v : z) v = draw(rng);
  double m1 = 0, m2 = 0, m4 = 0, tail = 0;
  for (const double v : z) {
    m1 += v;
    m2 += v * v;
    m4 += v * v * v * v;
    tail += std::abs(v) > 3 ? 1 : 0;
  }
  const double n = count;
  m1 /= n;
  m2 /= n;
  m4 /= n;
  tail /= n;
  CHECK(std::abs(m1) < 5 / std::sqrt(n));
  CHECK(std::abs(m2 - 1) < 5 * std::sqrt(2 / n));
  CHECK(std::abs(m4 - 3) < 5 * std::sqrt(96 / n));
  const double p3 = std::erfc(3 / std::sqrt(2.0));
  CHECK(std::abs(tail - p3) < 5 * std::sqrt(p3 * (1 - p3) / n));
  std::sort(z.begin(), z.end());
  double ks = 0;
  for (int k = 0; k < count; ++k) {
    const double cdf = 0.5 * std::erfc(-z[static_cast<std::size_t>(k)] / std::sqrt(2.0));
    ks = std::max({ks, std::abs(cdf - k / n), std::abs(cdf - (k + 1) / n)});
  }
  CHECK(ks < 1.95 / std::sqrt(n));
}

}  // namespace

TEST_CASE("standard_normal and ziggurat_normal draw N(0, 1): moments, 3σ tails, Kolmogorov–Smirnov", "[problem][random]") {
  check_standard_normal([](SplitMix64& r) { return standard_normal(r); }, 11);
  check_standard_normal([](SplitMix64& r) { return ziggurat_normal(r); }, 11);
  check_standard_normal([](SplitMix64& r) { return ziggurat_normal(r); }, 12);
}

TEST_CASE("ziggurat_normal: the same seed gives the same variates, another seed others", "[problem][random]") {
  SplitMix64 a(5, 1, 2), b(5, 1, 2), c(5, 1, 3);
  bool differs = false;
  for (int k = 0; k < 1000; ++k) {
    const double x = ziggurat_normal(a), y = ziggurat_normal(b), z = ziggurat_normal(c);
    CHECK(x == y);
    differs = differs || x != z;
  }
  CHECK(differs);
}
