// SPDX-License-Identifier: BSD-3-Clause
// Empirical fitting (theory/fit.hpp): linear-rate fits with their window and confidence
// interval, the Student t quantile, power laws, iterations to ε, aggregation over seeds.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "adonis/core/rng.hpp"
#include "adonis/theory/fit.hpp"

namespace {

/// A standard normal draw from two uniforms (Box–Muller), so the test does not depend on the
/// standard library's distribution implementations.
double normal(adonis::SplitMix64& rng) {
  const double u1 = 1.0 - rng.uniform();  // in (0, 1]
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
}

std::vector<double> iota_t(std::size_t n) {
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<double>(i);
  return t;
}

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST_CASE("Student t quantile matches the table values and the closed forms", "[theory][fit]") {
  using adonis::student_t_quantile;
  // Two-sided 95% table values, to their 3 printed decimals.
  CHECK(student_t_quantile(0.975, 1) == Approx(12.706).margin(5e-4));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.303).margin(5e-4));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.228).margin(5e-4));
  CHECK(student_t_quantile(0.975, 30) == Approx(2.042).margin(5e-4));
  CHECK(student_t_quantile(0.975, 1e6) == Approx(1.960).margin(5e-4));
  CHECK(student_t_quantile(0.975, std::numeric_limits<double>::infinity()) == Approx(1.959963984540054).epsilon(1e-12));
  // More digits (computed independently with mpmath's betainc at 30 digits).
  CHECK(student_t_quantile(0.975, 5) == Approx(2.570581835636315).epsilon(1e-12));
  CHECK(student_t_quantile(0.975, 10) == Approx(2.228138851986274).epsilon(1e-12));
  CHECK(student_t_quantile(0.975, 30) == Approx(2.042272456301238).epsilon(1e-12));
  // Closed forms: ν = 1 is Cauchy, t_p = tan(π(p − 1/2)); ν = 2, t_p = (2p − 1)/√(2p(1 − p)).
  for (double p : {0.01, 0.2, 0.6, 0.9, 0.975, 0.999}) {
    CHECK(student_t_quantile(p, 1) == Approx(std::tan(3.141592653589793 * (p - 0.5))).epsilon(1e-11));
    CHECK(student_t_quantile(p, 2) == Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).epsilon(1e-11));
  }
  // Symmetry, the median, and the CDF round trip (non-integer dof too).
  CHECK(student_t_quantile(0.5, 7) == 0.0);
  for (double dof : {0.5, 1.0, 3.5, 12.0, 250.0})
    for (double p : {0.001, 0.05, 0.3, 0.7, 0.95, 0.999}) {
      const double q = student_t_quantile(p, dof);
      CHECK(q == Approx(-student_t_quantile(1 - p, dof)).epsilon(1e-12));
      CHECK(adonis::student_t_cdf(q, dof) == Approx(p).epsilon(1e-12));
    }
  CHECK_THROWS_AS(student_t_quantile(1.0, 3), adonis::InvalidArgument);
  CHECK_THROWS_AS(student_t_quantile(0.0, 3), adonis::InvalidArgument);
  CHECK_THROWS_AS(student_t_quantile(0.9, 0), adonis::InvalidArgument);
  CHECK_THAT(message_of([] { student_t_quantile(0.9, -1); }), Catch::Contains("dof"));
}

TEST_CASE("fit_linear_rate recovers the rate of an exact geometric sequence", "[theory][fit]") {
  const auto t = iota_t(100);
  std::vector<double> err;
  for (double ti : t) err.push_back(3.0 * std::pow(0.9, ti));
  const adonis::LinearRateFit fit = adonis::fit_linear_rate(t, err);
  CHECK(std::abs(fit.rate - 0.9) <= 1e-12);
  CHECK(std::abs(fit.intercept - std::log(3.0)) <= 1e-10);
  CHECK(fit.slope_se < 1e-13);
  CHECK(fit.rate_lo <= fit.rate);
  CHECK(fit.rate_hi >= fit.rate);
  CHECK(fit.rate_hi - fit.rate_lo < 1e-12);
  CHECK(fit.r_squared == Approx(1.0).epsilon(1e-12));
  // Default window: the first 10% (10 of 100 points) is the transient, no floor is reached.
  CHECK(fit.first == 10);
  CHECK(fit.last == 99);
  CHECK(fit.points == 90);

  // Non-uniform sampling (log-spaced rounds) and a per-unit-time rate.
  std::vector<double> ts, es;
  for (double x = 1; x < 3000; x *= 1.3) {
    ts.push_back(0.01 * x);
    es.push_back(std::exp(-0.7 * ts.back()));
  }
  CHECK(std::abs(adonis::fit_linear_rate(ts, es).rate - std::exp(-0.7)) <= 1e-12);
}

TEST_CASE("fit_linear_rate excludes the transient and the floating-point floor", "[theory][fit]") {
  // err_t = 0.9^t (1 + 9·0.3^t): a fast transient on top of the asymptotic rate 0.9; from
  // t = 300 on a noisy floor at 1e-14 (below 1e-13·err_0 = 1e-12) that comes and goes.
  const auto t = iota_t(400);
  std::vector<double> err;
  for (double ti : t)
    err.push_back(ti < 300 ? std::pow(0.9, ti) * (1 + 9 * std::pow(0.3, ti)) : 1e-14 * (1.5 + std::sin(ti)));
  err[350] = 1e-3;  // a spike back above the floor must not be used: the window stops at the floor
  const adonis::LinearRateFit fit = adonis::fit_linear_rate(t, err);
  // Floor 1e-12 first reached at t = 263 (0.9^263 ≈ 9.4e-13); transient ⌊0.1·263⌋ = 26 points.
  CHECK(fit.floor == Approx(1e-12).epsilon(1e-15));
  CHECK(fit.last == 262);
  CHECK(fit.first == 26);
  CHECK(std::abs(fit.rate - 0.9) <= 1e-9);
  CHECK(fit.rate_lo <= 0.9);
  CHECK(fit.rate_hi >= 0.9);

  // Without the exclusions the fit is visibly wrong: these two checks fail if the options are
  // ignored.
  adonis::LinearFitOptions keep_transient;
  keep_transient.transient_fraction = 0;
  const auto biased = adonis::fit_linear_rate(t, err, keep_transient);
  CHECK(biased.first == 0);
  CHECK(std::abs(biased.rate - 0.9) > 1e-5);
  adonis::LinearFitOptions no_floor;
  no_floor.relative_floor = 0;
  const auto floored = adonis::fit_linear_rate(t, err, no_floor);
  CHECK(floored.last == 399);
  CHECK(std::abs(floored.rate - 0.9) > 1e-3);

  // Exact zeros (and negative values) are below any floor.
  std::vector<double> zero_tail = err;
  for (std::size_t i = 100; i < zero_tail.size(); ++i) zero_tail[i] = i == 100 ? 0.0 : -1.0;
  adonis::LinearFitOptions nothing_relative;
  nothing_relative.relative_floor = 0;
  CHECK(adonis::fit_linear_rate(t, zero_tail, nothing_relative).last == 99);
}

TEST_CASE("fit_linear_rate confidence interval covers the true rate about 95% of the time", "[theory][fit]") {
  // log err_t = log(2) + t·log(0.95) + 0.1·z_t, z_t iid N(0, 1); 200 seeded trials of 40 points.
  const double r = 0.95;
  const auto t = iota_t(40);
  int covered = 0;
  double mean_rate = 0;
  for (std::uint64_t trial = 0; trial < 200; ++trial) {
    adonis::SplitMix64 rng(2024, 7, trial);
    std::vector<double> err;
    for (double ti : t) err.push_back(2.0 * std::pow(r, ti) * std::exp(0.1 * normal(rng)));
    const auto fit = adonis::fit_linear_rate(t, err);
    REQUIRE(fit.points == 36);
    if (fit.rate_lo <= r && r <= fit.rate_hi) ++covered;
    mean_rate += fit.rate / 200;
  }
  INFO("covered " << covered << " of 200");
  CHECK(covered >= 180);  // >= 90%
  CHECK(covered <= 198);  // and not vacuously wide (an interval 3x too wide covers all 200)
  CHECK(mean_rate == Approx(r).epsilon(2e-3));
}

TEST_CASE("fit_linear_rate rejects bad input with the field named", "[theory][fit]") {
  const auto t = iota_t(10);
  std::vector<double> err(10, 1.0);
  for (std::size_t i = 0; i < err.size(); ++i) err[i] = std::pow(0.5, static_cast<double>(i));
  std::vector<double> with_nan = err;
  with_nan[4] = std::nan("");
  CHECK_THROWS_AS(adonis::fit_linear_rate(t, with_nan), adonis::InvalidArgument);
  CHECK_THAT(message_of([&] { adonis::fit_linear_rate(t, with_nan); }), Catch::Contains("err") && Catch::Contains("NaN"));
  std::vector<double> with_inf = err;
  with_inf[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(adonis::fit_linear_rate(t, with_inf), adonis::InvalidArgument);
  // Only 2 points above the floor.
  std::vector<double> short_err = err;
  for (std::size_t i = 2; i < short_err.size(); ++i) short_err[i] = 0;
  CHECK_THROWS_AS(adonis::fit_linear_rate(t, short_err), adonis::InvalidArgument);
  CHECK_THAT(message_of([&] { adonis::fit_linear_rate(t, short_err); }),
             Catch::Contains("err") && Catch::Contains("at least 3 points"));
  CHECK_THROWS_AS(adonis::fit_linear_rate(iota_t(9), err), adonis::DimensionMismatch);
  std::vector<double> unordered = t;
  std::swap(unordered[3], unordered[4]);
  CHECK_THAT(message_of([&] { adonis::fit_linear_rate(unordered, err); }), Catch::Contains("strictly increasing"));
  adonis::LinearFitOptions bad;
  bad.transient_fraction = 1.0;
  CHECK_THAT(message_of([&] { adonis::fit_linear_rate(t, err, bad); }), Catch::Contains("transient_fraction"));
  // Exactly 3 points is enough (1 degree of freedom, t quantile 12.706).
  const auto three = adonis::fit_linear_rate({0, 1, 2}, {1, 0.5, 0.25});
  CHECK(three.points == 3);
  CHECK(three.rate == Approx(0.5).epsilon(1e-14));
}

TEST_CASE("fit_power_law recovers exponents, with a confidence interval", "[theory][fit]") {
  std::vector<double> x, y;
  for (double n = 8; n <= 4096; n *= 2) {
    x.push_back(n);
    y.push_back(0.3 * std::pow(n, 2.75));
  }
  const adonis::PowerLawFit exact = adonis::fit_power_law(x, y);
  CHECK(std::abs(exact.slope - 2.75) <= 1e-12);
  CHECK(exact.intercept == Approx(std::log(0.3)).epsilon(1e-10));
  CHECK(exact.points == x.size());
  CHECK(exact.r_squared == Approx(1.0).epsilon(1e-12));

  adonis::SplitMix64 rng(11);
  std::vector<double> noisy;
  for (std::size_t i = 0; i < x.size(); ++i) noisy.push_back(y[i] * std::exp(0.05 * normal(rng)));
  const auto fit = adonis::fit_power_law(x, noisy);
  CHECK(fit.slope_lo < 2.75);
  CHECK(fit.slope_hi > 2.75);
  CHECK(std::abs(fit.slope - 2.75) < 0.05);
  CHECK(fit.slope_hi - fit.slope_lo ==
        Approx(2 * adonis::student_t_quantile(0.975, static_cast<double>(x.size() - 2)) * fit.slope_se));

  CHECK_THROWS_AS(adonis::fit_power_law({1, 2, 3}, {1, 2}), adonis::DimensionMismatch);
  CHECK_THAT(message_of([] { adonis::fit_power_law({1, 0, 3}, {1, 2, 3}); }), Catch::Contains("x must be finite and > 0"));
  CHECK_THAT(message_of([] { adonis::fit_power_law({1, 2, 3}, {1, -2, 3}); }), Catch::Contains("y must be finite and > 0"));
  CHECK_THAT(message_of([] { adonis::fit_power_law({1, 2}, {1, 2}); }), Catch::Contains("at least 3 points"));
  CHECK_THAT(message_of([] { adonis::fit_power_law({2, 2, 2}, {1, 2, 3}); }), Catch::Contains("distinct"));
}

TEST_CASE("first_hit interpolates exactly in log(err) on a geometric sequence", "[theory][fit]") {
  const auto t = iota_t(21);
  std::vector<double> err;
  for (double ti : t) err.push_back(2.0 * std::pow(0.5, ti));
  for (double target : {0.3, 7.3, 12.999, 19.5}) {
    const auto hit = adonis::first_hit(t, err, 2.0 * std::pow(0.5, target));
    REQUIRE(hit.has_value());
    CHECK(std::abs(*hit - target) <= 1e-12);
  }
  // Non-uniform spacing: still exact when err is geometric in t.
  const std::vector<double> ts{0, 1, 3, 7, 15, 31};
  std::vector<double> es;
  for (double ti : ts) es.push_back(std::exp(-0.4 * ti));
  CHECK(std::abs(*adonis::first_hit(ts, es, std::exp(-0.4 * 11.25)) - 11.25) <= 1e-12);
  // Already below eps at the start, exactly on a sample, never.
  CHECK(*adonis::first_hit(t, err, 5.0) == 0.0);
  CHECK(*adonis::first_hit(t, err, 2.0 * std::pow(0.5, 4)) == Approx(4.0).epsilon(1e-14));
  CHECK_FALSE(adonis::first_hit(t, err, 1e-9).has_value());
  // An exact zero: linear interpolation in err; a diverging trace never hits.
  CHECK(*adonis::first_hit({0, 1, 2}, {1.0, 0.5, 0.0}, 0.25) == Approx(1.5));
  CHECK_FALSE(adonis::first_hit({0, 1, 2}, {1.0, 1e10, std::numeric_limits<double>::infinity()}, 0.5).has_value());
  CHECK_THAT(message_of([&] { adonis::first_hit(t, err, 0.0); }), Catch::Contains("eps"));
  CHECK_THROWS_AS(adonis::first_hit({0, 1}, {1.0, std::nan("")}, 0.5), adonis::InvalidArgument);
}

TEST_CASE("aggregate computes mean, sample sd and standard error", "[theory][fit]") {
  const adonis::SeedStats s = adonis::aggregate({1, 2, 3, 4});
  CHECK(s.count == 4);
  CHECK(s.mean == Approx(2.5));
  // Σ(v − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5; sd = √(5/3); se = sd/√4.
  CHECK(s.sd == Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-15));
  CHECK(s.se == Approx(std::sqrt(5.0 / 3.0) / 2.0).epsilon(1e-15));
  CHECK(s.relative_se() == Approx(std::sqrt(5.0 / 3.0) / 2.0 / 2.5).epsilon(1e-15));
  const adonis::SeedStats one = adonis::aggregate({7.5});
  CHECK(one.mean == 7.5);
  CHECK(one.sd == 0.0);
  CHECK(one.se == 0.0);
  CHECK(one.count == 1);
  // Large offset: the two-pass formula keeps the spread exact.
  const adonis::SeedStats shifted = adonis::aggregate({1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4});
  CHECK(shifted.sd == Approx(std::sqrt(5.0 / 3.0)).epsilon(1e-12));
  CHECK_THAT(message_of([] { adonis::aggregate({}); }), Catch::Contains("values"));
  CHECK_THROWS_AS(adonis::aggregate({1.0, std::nan("")}), adonis::InvalidArgument);
}
