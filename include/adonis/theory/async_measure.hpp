// SPDX-License-Identifier: BSD-3-Clause
/// @file async_measure.hpp
/// @brief Measurements of asynchronous runs in simulated time, shared by the tests and the
///        `async` rate table: the seed-averaged consensus-error curve on a time grid, the time
///        it crosses a level, its decay time constant, and the cost (events, exchanges,
///        gradients) to reach a target distance to x*.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/theory/fit.hpp"

namespace adonis {

/// ‖X − 1x̄ᵀ‖_F², the consensus error (times n) of the iterates.
inline double consensus_error2(const Iterates<double>& x) { return (x.rowwise() - x.colwise().mean()).squaredNorm(); }

/// Mean over seeds of ‖e(t)‖²/‖e_0‖² on the grid t_k = k·dt, for averaging algorithms built by
/// make(seed) (seeds 1000, 1001, ...). The state after the first event past a grid time stands
/// for the state at that time. A run stops once its own error is below `stop_below` (its later
/// grid points keep its last value) or after `max_events` events.
/// @throws InvalidArgument if dt or seeds are not positive.
template <class Make>
std::vector<double> mean_consensus_curve(Make make, const Iterates<double>& x0, double dt, int seeds,
                                         std::int64_t max_events = 50'000'000, double stop_below = 1e-9) {
  if (!(dt > 0) || seeds < 1)
    detail::fail("mean_consensus_curve", "dt and seeds must be > 0 (got dt = ", dt, ", seeds = ", seeds, ")");
  const double e0 = consensus_error2(x0);
  if (!(e0 > 0)) detail::fail("mean_consensus_curve", "x0 is already consensual (||e_0||² = ", e0, ")");
  std::vector<std::vector<double>> curves;
  std::size_t length = 0;
  for (int s = 0; s < seeds; ++s) {
    auto alg = make(1000 + static_cast<std::uint64_t>(s));
    alg.init(x0);
    std::vector<double> curve{1.0};
    while (curve.back() > stop_below && alg.counters().rounds < max_events) {
      alg.step();
      if (alg.counters().time > dt * static_cast<double>(curve.size())) {
        const double e = consensus_error2(alg.iterates()) / e0;
        while (alg.counters().time > dt * static_cast<double>(curve.size())) curve.push_back(e);
      }
    }
    length = std::max(length, curve.size());
    curves.push_back(std::move(curve));
  }
  std::vector<double> mean(length, 0.0);
  for (const auto& c : curves)
    for (std::size_t k = 0; k < length; ++k) mean[k] += (k < c.size() ? c[k] : c.back()) / seeds;
  return mean;
}

/// First time at which a curve on the grid t_k = k·dt is <= level (log-linear interpolation).
/// @throws RuntimeError if the curve never reaches the level.
inline double crossing_time(const std::vector<double>& curve, double dt, double level) {
  for (std::size_t k = 1; k < curve.size(); ++k)
    if (curve[k] <= level) {
      const double a = std::log(curve[k - 1]), b = std::log(curve[k]);
      return dt * (static_cast<double>(k - 1) + (a - std::log(level)) / (a - b));
    }
  detail::fail<RuntimeError>("crossing_time", "the curve never reaches ", level, " (last value ",
                             curve.empty() ? 0.0 : curve.back(), ")");
  return 0;
}

/// Decay time constant τ of a curve, curve(t) ∝ exp(−t/τ): least-squares slope of its log
/// against t over the points between `lower` and `upper`.
/// @throws RuntimeError if fewer than 10 points lie in the window.
inline double decay_time_constant(const std::vector<double>& curve, double dt, double upper = 1e-2,
                                  double lower = 1e-6) {
  std::vector<double> t, y;
  for (std::size_t k = 0; k < curve.size(); ++k)
    if (curve[k] <= upper && curve[k] >= lower) {
      t.push_back(dt * static_cast<double>(k));
      y.push_back(std::log(curve[k]));
    }
  if (t.size() < 10)
    detail::fail<RuntimeError>("decay_time_constant", "needs >= 10 points in [", lower, ", ", upper, "] (got ",
                               t.size(), ")");
  return -1 / detail::ordinary_least_squares(t, y).slope;
}

/// What an asynchronous run spent to reach its target.
struct CostToTarget {
  double events = 0, exchanges = 0, gradients = 0, time = 0;
  bool reached = false;
};

/// Runs alg from x0 until (1/n) Σ_i ‖x_i − x*‖² <= eps times its initial value (checked every
/// `period` events) or `max_events`, and returns the counters at that point.
template <class Algorithm>
CostToTarget cost_to_target(Algorithm& alg, Iterates<double> x0, const Vector<double>& x_star, double eps,
                            Round period, Round max_events) {
  struct Stop {
    const Vector<double>* x_star;
    double eps;
    Round period;
    double first = 0;
    double distance(const Iterates<double>& x) const {
      return (x.rowwise() - x_star->transpose()).squaredNorm() / static_cast<double>(x.rows());
    }
    void on_start(const RoundView<Algorithm>& v) { first = distance(v.iterates()); }
    bool on_round(const RoundView<Algorithm>& v) {
      return v.round() % period == 0 && distance(v.iterates()) <= eps * first;
    }
  };
  if (period < 1) detail::fail("cost_to_target", "period must be >= 1 (got ", period, ")");
  const RunResult r = run(alg, x0, RunOptions{.max_rounds = max_events}, Stop{&x_star, eps, period});
  return {static_cast<double>(r.counters.rounds), static_cast<double>(r.counters.messages) / 2,
          static_cast<double>(r.counters.gradients), r.counters.time, r.status == Status::stopped_by_observer};
}

}  // namespace adonis
