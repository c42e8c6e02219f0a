// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <set>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"

TEST_CASE("error messages follow the house format", "[core][errors]") {
  try {
    adonis::detail::fail("GradientTracking", "step_size must be > 0 (got ", -0.1, ")");
    FAIL("fail() returned");
  } catch (const adonis::InvalidArgument& e) {
    REQUIRE(std::string(e.what()) == "GradientTracking: step_size must be > 0 (got -0.1)");
  }
  REQUIRE_THROWS_AS(adonis::detail::fail<adonis::InvalidTopology>("x", "y"), std::invalid_argument);
  REQUIRE_THROWS_AS(adonis::detail::fail<adonis::RuntimeError>("x", "y"), std::runtime_error);
}

TEST_CASE("counter-based seeding is a pure function of (seed, stream, counter)", "[core][rng]") {
  adonis::SplitMix64 a(7, 1, 100), b(7, 1, 100);
  for (int i = 0; i < 10; ++i) REQUIRE(a() == b());
  std::set<std::uint64_t> firsts;
  for (std::uint64_t s = 0; s < 4; ++s)
    for (std::uint64_t stream = 0; stream < 4; ++stream)
      for (std::uint64_t c = 0; c < 4; ++c) firsts.insert(adonis::SplitMix64(s, stream, c)());
  REQUIRE(firsts.size() == 64);  // no collisions among neighbouring (seed, stream, counter)
}

TEST_CASE("SplitMix64 uniform() and below() have the right range and mean", "[core][rng]") {
  adonis::SplitMix64 rng(3);
  double sum = 0;
  const int n = 200000;
  std::vector<int> counts(7, 0);
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    ++counts[rng.below(7)];
  }
  // mean 1/2, standard error sqrt(1/12/n): 5 standard errors
  REQUIRE(std::abs(sum / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  for (int c : counts) REQUIRE(std::abs(c - n / 7.0) < 5 * std::sqrt(n / 7.0));
}
