// SPDX-License-Identifier: BSD-3-Clause
/// @file measure.hpp
/// @brief Per-round measurements the rate checks are made of, as a driver observer.
///
/// Recorded after every round t (and at t = 0):
///   step_norm[t]      = ||X_t − X_{t−1}||_F (t ≥ 1): decays at the asymptotic rate of any
///                       linearly convergent method, without knowing its limit;
///   consensus_norm[t] = ||X_t − 1 x̄_tᵀ||_F (the gossip error);
///   average_norm[t]   = ||x̄_t||, with x̄_t = (1/n) Σ_i x_i(t) (preserved by doubly stochastic
///                       mixing, theory-rates.md §1);
///   suboptimality[t]  = f(x̄_t) − f* when a problem is attached.
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/theory/fit.hpp"

namespace adonis {

/// The recorded series (see the file comment); index = round.
struct Measurements {
  std::vector<double> step_norm;  ///< step_norm[0] = 0 (no previous iterate)
  std::vector<double> consensus_norm, average_norm, suboptimality;
  Iterates<double> first, last;   ///< X_0 and the final iterates
  Vector<double> first_average;   ///< x̄_0

  /// max over t of consensus_norm[t+1]/consensus_norm[t], over the rounds whose error is above
  /// `floor` x max(consensus_norm[0], ||X_0||_F): the worst per-round contraction. Below that
  /// level the rounding of the iterates (about 1e-16 ||X||) would dominate the ratio.
  double max_contraction(double floor = 1e-6, std::size_t stride = 1) const {
    double worst = 0;
    const double scale = std::max(consensus_norm.empty() ? 0.0 : consensus_norm[0], first.norm());
    for (std::size_t t = 0; t + stride < consensus_norm.size(); t += stride)
      if (consensus_norm[t] > floor * scale)
        worst = std::max(worst, consensus_norm[t + stride] / consensus_norm[t]);
    return worst;
  }
};

/// Observer filling Measurements; with a problem attached it also records f(x̄_t) − f*.
/// It never stops the run unless `stop_below` > 0 and the step norm falls below
/// stop_below x the first step norm (the iteration has converged to rounding).
/// It owns its Measurements (read them with measurements() after the run; copies of the
/// observer share them), or fills the caller's when constructed with one.
template <class Problem = void>
class MeasureObserver {
  using ProblemType = std::conditional_t<std::is_void_v<Problem>, int, Problem>;

 public:
  /// Records into its own Measurements.
  explicit MeasureObserver(double stop_below = 0)
      : m_own(std::make_shared<Measurements>()), m_out(m_own.get()), m_stop(stop_below) {}
  /// Records f(x̄_t) − f* of p too, into its own Measurements.
  MeasureObserver(const ProblemType& p, double f_star, double stop_below = 0)
    requires(!std::is_void_v<Problem>)
      : m_own(std::make_shared<Measurements>()), m_out(m_own.get()), m_problem(&p), m_f_star(f_star),
        m_stop(stop_below) {}
  /// Records into `out` (which must outlive the run).
  explicit MeasureObserver(Measurements& out, double stop_below = 0) : m_out(&out), m_stop(stop_below) {}
  MeasureObserver(Measurements& out, const ProblemType& p, double f_star, double stop_below = 0)
    requires(!std::is_void_v<Problem>)
      : m_out(&out), m_problem(&p), m_f_star(f_star), m_stop(stop_below) {}

  /// What was recorded (the observer's own, or the caller's).
  const Measurements& measurements() const noexcept { return *m_out; }

  template <class A>
  void on_start(const RoundView<A>& v) {
    *m_out = {};
    m_out->first = v.iterates();
    m_out->first_average = v.average();
    m_prev = v.iterates();
    record(v, 0.0);
  }
  template <class A>
  bool on_round(const RoundView<A>& v) {
    const double step = (v.iterates() - m_prev).norm();
    m_prev = v.iterates();
    record(v, step);
    if (m_stop > 0 && m_out->step_norm.size() > 1) {
      const double first = m_out->step_norm[1];
      return first > 0 && step <= m_stop * first;
    }
    return false;
  }
  template <class A>
  void on_finish(const RunResult&, const RoundView<A>& v) {
    m_out->last = v.iterates();
  }

 private:
  template <class A>
  void record(const RoundView<A>& v, double step) {
    m_out->step_norm.push_back(step);
    m_out->consensus_norm.push_back(std::sqrt(v.consensus_error() * static_cast<double>(v.iterates().rows())));
    m_out->average_norm.push_back(v.average().norm());
    if constexpr (!std::is_void_v<Problem>) m_out->suboptimality.push_back(global_value(*m_problem, v.average()) - m_f_star);
  }

  std::shared_ptr<Measurements> m_own;  // null when recording into the caller's
  Measurements* m_out;
  const ProblemType* m_problem = nullptr;
  double m_f_star = 0, m_stop = 0;
  Iterates<double> m_prev;
};

/// The asymptotic rate of a linearly convergent run: a log-linear fit of ||X_t − X_{t−1}|| over
/// the last quarter of the rounds above 1e-14 x the first step (fit_linear_rate). The window
/// is late because modes whose rates are close to the slowest one fade slowly: on logistic
/// regression over ring:16 the local rate of EXTRA still creeps towards its limit after a
/// decay of 1e-9 (theory 0.994599; local 0.99425 at t = 1500, 0.99452 at t = 2900). Both
/// `adonis rates` and `adonis run --measure` report this fit.
inline LinearRateFit fit_step_rate(const Measurements& m) {
  std::vector<double> t, e;
  for (std::size_t k = 1; k < m.step_norm.size(); ++k) {
    t.push_back(static_cast<double>(k));
    e.push_back(m.step_norm[k]);
  }
  return fit_linear_rate(t, e, LinearFitOptions{.transient_fraction = 0.75, .relative_floor = 1e-14});
}

/// fit_step_rate of ||X_t − X_{t−1}|| / t: the spectral radius r when the slowest mode is a
/// double root, ||X_t − X_{t−1}|| ~ C t r^t. This is the case of Nesterov's method with the
/// momentum (√κ − 1)/(√κ + 1) on its least curved mode (the characteristic polynomial
/// z² − (1 + m)(1 − 1/κ) z + m (1 − 1/κ) has a double root 1 − 1/√κ), e.g. MSDA's dual
/// iteration; a plain fit over a finite window would overstate r by a factor ≈ (1 + 1/t).
inline LinearRateFit fit_step_rate_double_root(const Measurements& m) {
  Measurements scaled = m;
  for (std::size_t k = 1; k < scaled.step_norm.size(); ++k) scaled.step_norm[k] /= static_cast<double>(k);
  return fit_step_rate(scaled);
}

/// The Lyapunov error of CHOCO-Gossip (Koloskova et al., ICLR 2020; theory-rates.md §10),
/// e_t = ||X_t − 1x̄_tᵀ||² + ||X_t − X̂_t||², after every round; the algorithm must expose its
/// public estimates X̂ as `estimates()`.
class ChocoLyapunovObserver {
 public:
  template <class A>
  void on_start(const RoundView<A>& v) { m_e = {value(v)}; }
  template <class A>
  void on_round(const RoundView<A>& v) { m_e.push_back(value(v)); }
  const std::vector<double>& values() const noexcept { return m_e; }
  /// The mean contraction per round, (e_T / e_0)^(1/T) (1 before any round). Biased by the
  /// start: from a random start it mixes the fast modes' transient into the rate.
  double mean_rate() const {
    if (m_e.size() < 2 || !(m_e.front() > 0)) return 1.0;
    return std::pow(m_e.back() / m_e.front(), 1.0 / static_cast<double>(m_e.size() - 1));
  }
  /// The least-squares fit of ln e_t = a + t ln r over the rounds t = 2…T (the first round only
  /// fills X̂, from X̂_0 = 0), stopped at the floor 1e-13·e_2 (theory-rates.md §12.3); rate r,
  /// slope ln r. From a start on the slowest mode with Q = identity, e_t = e_1 r^{t−1} exactly
  /// (§10(c)), so the fit returns that r. With fewer than 3 points above the floor: the
  /// geometric mean of e_t/e_{t−1} over the rounds available (slope_se = 0).
  LinearRateFit fitted_rate() const {
    if (m_e.size() >= 5) {
      const std::vector<double> e(m_e.begin() + 2, m_e.end());
      std::vector<double> t(e.size());
      for (std::size_t j = 0; j < t.size(); ++j) t[j] = static_cast<double>(j + 2);
      std::size_t above = 0;
      while (above < e.size() && e[above] > 1e-13 * e.front() && e[above] > 0) ++above;
      if (above >= 3) return fit_linear_rate(t, e, LinearFitOptions{.transient_fraction = 0});
    }
    LinearRateFit fit;
    fit.rate = mean_rate();
    fit.slope = std::log(fit.rate);
    fit.rate_lo = fit.rate_hi = fit.rate;
    return fit;
  }

 private:
  template <class A>
  static double value(const RoundView<A>& v) {
    return (v.iterates().rowwise() - v.average().transpose()).squaredNorm() +
           (v.iterates() - v.algorithm().estimates()).squaredNorm();
  }
  std::vector<double> m_e;
};

}  // namespace adonis
