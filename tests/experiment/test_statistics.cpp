// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "adonis/core/rng.hpp"
#include "adonis/experiment/statistics.hpp"

using namespace adonis;
using namespace adonis::experiment;

namespace {
const double inf = std::numeric_limits<double>::infinity();

// Coverage of median_interval over `reps` samples of n exponential costs (median ln 2).
double simulated_coverage(std::size_t n, double level, int reps, std::uint64_t seed) {
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    SplitMix64 rng(seed, 0x57a7, static_cast<std::uint64_t>(r));
    std::vector<double> x(n);
    for (double& v : x) v = -std::log(1 - rng.uniform());
    const MedianInterval m = median_interval(x, level);
    if (m.lower <= std::log(2.0) && std::log(2.0) <= m.upper) ++covered;
  }
  return static_cast<double>(covered) / reps;
}
}  // namespace

TEST_CASE("quantile: Hyndman-Fan type 7 (numpy's default), failures sort last", "[experiment][statistics]") {
  const std::vector<double> x = {4, 1, 3, 2};
  CHECK(quantile(x, 0) == 1);
  CHECK(quantile(x, 1) == 4);
  CHECK(quantile(x, 0.5) == Approx(2.5).epsilon(1e-15));
  CHECK(quantile(x, 0.1) == Approx(1.3).epsilon(1e-15));  // numpy.quantile([1,2,3,4], 0.1) = 1.3
  CHECK(quantile({1, 2, inf}, 0.5) == 2);
  CHECK(std::isinf(quantile({1, 2, inf}, 0.75)));
  CHECK_THROWS_AS(quantile({}, 0.5), InvalidArgument);
  CHECK_THROWS_AS(quantile({1.0}, 1.5), InvalidArgument);
  CHECK_THROWS_AS(quantile({1.0, std::nan("")}, 0.5), InvalidArgument);
}

TEST_CASE("median_interval: exact order-statistic coverage, and the achieved level when none reaches it", "[experiment][statistics]") {
  // n = 5: no 95% interval exists; [min, max] covers with 1 - 2/32 = 0.9375
  const MedianInterval five = median_interval({5, 1, 4, 2, 3}, 0.95);
  CHECK(five.median == 3);
  CHECK(five.rank == 1);
  CHECK(five.lower == 1);
  CHECK(five.upper == 5);
  CHECK(five.confidence == Approx(0.9375).epsilon(1e-14));
  CHECK_FALSE(five.reached);
  // n = 20 at 95%: j = 6, coverage 1 - 2 * (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20
  std::vector<double> x(20);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(20 - i);
  const MedianInterval m = median_interval(x, 0.95);
  CHECK(m.rank == 6);
  CHECK(m.lower == 6);
  CHECK(m.upper == 15);
  CHECK(m.confidence == Approx(1 - 2 * 21700.0 / 1048576.0).epsilon(1e-13));
  CHECK(m.reached);
  CHECK(m.median == 10.5);
  // failures are +inf: counted, never dropped
  const MedianInterval f = median_interval({1, 2, 3, 4, 5, 6, 7, inf, inf, inf}, 0.8);
  CHECK(f.median == 5.5);
  CHECK(std::isinf(f.upper));
  CHECK(std::isinf(median_interval({1, 2, 3, 4, inf, inf, inf, inf, inf, inf}).median));
  CHECK_THROWS_AS(median_interval({}), InvalidArgument);
  CHECK_THROWS_AS(median_interval({1.0, 2.0}, 1.0), InvalidArgument);
  CHECK_THROWS_AS(median_interval({1.0, std::nan("")}), InvalidArgument);
}

TEST_CASE("median_interval: coverage over 2000 repetitions at n = 20 as stated, and an 80% interval detected as such", "[experiment][statistics]") {
  const int reps = 2000;
  const double c95 = simulated_coverage(20, 0.95, reps, 1);
  const double stated95 = median_interval(std::vector<double>(20, 1.0), 0.95).confidence;  // 0.9586
  CHECK(c95 >= 0.93);
  CHECK(c95 <= 0.98);
  CHECK(std::abs(c95 - stated95) <= 4 * std::sqrt(stated95 * (1 - stated95) / reps));
  // asked for 80%: j = 7, exact coverage 0.8847; the simulation finds that, not 95%
  const double stated80 = median_interval(std::vector<double>(20, 1.0), 0.80).confidence;
  CHECK(stated80 == Approx(0.884681).epsilon(1e-5));
  const double c80 = simulated_coverage(20, 0.80, reps, 2);
  CHECK(std::abs(c80 - stated80) <= 4 * std::sqrt(stated80 * (1 - stated80) / reps));
  CHECK(c80 < 0.93);
}

TEST_CASE("probability_beats: paired seeds, ties counted half, Clopper-Pearson bounds", "[experiment][statistics]") {
  // A better on every one of 10 seeds: estimate 1, lower bound (alpha/2)^(1/n)
  const std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, b = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const BeatProbability p = probability_beats(a, b, 0.95);
  CHECK(p.wins == 10);
  CHECK(p.estimate == 1);
  CHECK(p.lower == Approx(std::pow(0.025, 0.1)).epsilon(1e-10));
  CHECK(p.upper == 1);
  const BeatProbability q = probability_beats(b, a, 0.95);
  CHECK(q.estimate == 0);
  CHECK(q.lower == 0);
  CHECK(q.upper == Approx(1 - std::pow(0.025, 0.1)).epsilon(1e-10));
  // both fail on a seed: a tie
  const BeatProbability t = probability_beats({1, inf, 3, inf}, {2, inf, 1, 5}, 0.9);
  CHECK(t.wins == 1);
  CHECK(t.ties == 1);
  CHECK(t.estimate == Approx(1.5 / 4).epsilon(1e-15));
  CHECK(t.lower <= t.estimate);
  CHECK(t.upper >= t.estimate);
  CHECK_THROWS_AS(probability_beats({1, 2}, {1, 2, 3}), DimensionMismatch);
  CHECK_THROWS_AS(probability_beats({}, {}), DimensionMismatch);
}

TEST_CASE("performance_profile: Dolan-More ratios, a method best everywhere is 1 at tau = 1", "[experiment][statistics]") {
  // methods x instances; method 0 best on every instance, method 2 fails on two of three
  const std::vector<std::vector<double>> cost = {{1, 10, 100}, {2, 10, 300}, {inf, 40, inf}};
  const PerformanceProfile pp = performance_profile(cost);
  CHECK(pp.at(0, 1.0) == 1);
  CHECK(pp.at(1, 1.0) == Approx(1.0 / 3));  // ties count as best (instance 1)
  CHECK(pp.at(1, 2.0) == Approx(2.0 / 3));
  CHECK(pp.at(1, 3.0) == 1);
  CHECK(pp.at(2, 3.9) == 0);
  CHECK(pp.at(2, 4.0) == Approx(1.0 / 3));
  CHECK(pp.at(2, 1e300) == Approx(1.0 / 3));  // never more than it solved
  CHECK(pp.breakpoints() == std::vector<double>{1, 2, 3, 4});
  // an instance nobody solved is a failure for all
  const PerformanceProfile none = performance_profile({{inf, 1}, {inf, 2}});
  CHECK(none.at(0, 1e300) == 0.5);
  CHECK_THROWS_AS(performance_profile({{1, 2}, {1}}), DimensionMismatch);
  CHECK_THROWS_AS(performance_profile({{1, 0}}), InvalidArgument);
  CHECK_THROWS_AS(pp.at(3, 1.0), InvalidArgument);
}
