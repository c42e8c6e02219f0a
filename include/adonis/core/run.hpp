// SPDX-License-Identifier: BSD-3-Clause
/// @file run.hpp
/// @brief The run protocol, written once for every backend (style.md §3.5): the observer hooks,
///        the divergence test, and the run loop of the simulator's algorithms.
///
/// An algorithm exposes the stepwise API
///   a.init(X0)                    start from the n x d iterates X0 (row i = node i)
///   a.step()                      one round (synchronous) or one event (asynchronous)
///   a.iterates() -> const Iterates<double>&,   a.counters() -> const Counters&
/// and run(a, X, observers...) loops over step(), notifying observers after every round and
/// stopping on the round budget, an observer's request, or divergence.
///
/// An observer implements any subset of
///   void on_start(const RoundView<A>&)          before the first round (round 0 = X0)
///   bool|void on_round(const RoundView<A>&)     after every round; returning true stops
///   void on_finish(const RunResult&)            once, at the end (or on_finish(result, view)
///                                               to also see the final iterates)
/// and must implement at least one of them: a misspelled hook is a compile error.
///
/// The real backends (runtime/mpi.hpp, runtime/threads.hpp, runtime/mpi_async.hpp) run their
/// own loops (ranks, worker threads) but notify observers and test divergence through the same
/// primitives below (notify_start, notify_round, notify_finish, DivergenceTest), so an observer
/// sees the same protocol on every backend. This header sits in core/: it needs no algorithm,
/// graph or problem, and sim/ and runtime/ build on it.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

#include "adonis/core/error.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// What an observer sees: cheap fields, and the network average and consensus error computed
/// on first use and cached (so a run without observers pays nothing for them).
template <class Algorithm>
class RoundView {
 public:
  explicit RoundView(const Algorithm& a) : m_algorithm(&a) {}
  /// The algorithm (read-only).
  const Algorithm& algorithm() const noexcept { return *m_algorithm; }
  /// The n x d iterates after this round.
  const Iterates<double>& iterates() const { return m_algorithm->iterates(); }
  /// Cumulative counters (round, time, gradients, messages, bytes).
  const Counters& counters() const { return m_algorithm->counters(); }
  Round round() const { return counters().rounds; }
  /// x̄ = (1/n) Σ_i x_i.
  const Vector<double>& average() const {
    if (!m_has_average) {
      m_average = iterates().colwise().mean().transpose();
      m_has_average = true;
    }
    return m_average;
  }
  /// (1/n) Σ_i ||x_i − x̄||².
  double consensus_error() const {
    if (!m_consensus) m_consensus = (iterates().rowwise() - average().transpose()).squaredNorm() /
                                    static_cast<double>(iterates().rows());
    return *m_consensus;
  }

 private:
  const Algorithm* m_algorithm;
  // a flag, not std::optional<Vector>: GCC 12 warns (falsely) about optional<Eigen::Matrix>
  // destructors under -O1 with sanitizers
  mutable Vector<double> m_average;
  mutable bool m_has_average = false;
  mutable std::optional<double> m_consensus;
};

namespace detail {

template <class O, class View>
constexpr bool has_on_start = requires(O& o, const View& v) { o.on_start(v); };
template <class O, class View>
constexpr bool has_on_round = requires(O& o, const View& v) { o.on_round(v); };
template <class O, class View>
constexpr bool has_on_finish_view = requires(O& o, const RunResult& r, const View& v) { o.on_finish(r, v); };
template <class O, class View>
constexpr bool has_on_finish = has_on_finish_view<O, View> || requires(O& o, const RunResult& r) { o.on_finish(r); };

template <class O, class View>
bool notify_one_round(O& o, const View& v) {
  if constexpr (requires { { o.on_round(v) } -> std::same_as<bool>; }) return o.on_round(v);
  else if constexpr (has_on_round<O, View>) { o.on_round(v); return false; }
  else return false;
}

}  // namespace detail

/// True when every observer type implements at least one hook for views of type View (each
/// backend static_asserts it, so a misspelled hook is a compile error, not a silent no-op).
template <class View, class... Observers>
inline constexpr bool observers_have_hooks =
    ((detail::has_on_start<std::remove_cvref_t<Observers>, View> ||
      detail::has_on_round<std::remove_cvref_t<Observers>, View> ||
      detail::has_on_finish<std::remove_cvref_t<Observers>, View>) && ...);

/// Calls on_start(view) on every observer that has the hook (round 0, before any step).
template <class View, class... Observers>
void notify_start(const View& view, Observers&... observers) {
  (([&] { if constexpr (detail::has_on_start<std::remove_cvref_t<Observers>, View>) observers.on_start(view); }()),
   ...);
}

/// Calls on_round(view) on every observer that has the hook — all of them see the round, even
/// after one has asked to stop — and returns true if any asked to stop.
template <class View, class... Observers>
bool notify_round(const View& view, Observers&... observers) {
  return (false | ... | detail::notify_one_round(observers, view));  // '|', not '||': no short circuit
}

/// Calls on_finish(result, view) or on_finish(result) on every observer that has one, once.
template <class View, class... Observers>
void notify_finish(const RunResult& result, const View& view, Observers&... observers) {
  (([&] {
     using O = std::remove_cvref_t<Observers>;
     if constexpr (detail::has_on_finish_view<O, View>) observers.on_finish(result, view);
     else if constexpr (detail::has_on_finish<O, View>) observers.on_finish(result);
   }()),
   ...);
}

/// The divergence test every backend applies: a run has diverged once ‖X_t‖_F is not finite or
/// exceeds factor · max(‖X_0‖_F, 1) (RunOptions::divergence_factor; the max keeps a start at
/// the origin from making every later iterate "divergent").
class DivergenceTest {
 public:
  /// @param start_norm ‖X_0‖_F;  @param factor RunOptions::divergence_factor (> 1).
  DivergenceTest(double start_norm, double factor) : m_limit(factor * std::max(start_norm, 1.0)) {}
  /// True if the iterates of norm `norm` = ‖X_t‖_F count as diverged.
  bool operator()(double norm) const noexcept { return !std::isfinite(norm) || norm > m_limit; }
  /// The threshold factor · max(‖X_0‖_F, 1).
  double limit() const noexcept { return m_limit; }

 private:
  double m_limit;
};

/// Run-loop settings shared by all algorithms.
struct RunOptions {
  Round max_rounds = 1000;           ///< round (or event) budget; must be >= 0
  double divergence_factor = 1e10;   ///< diverged once ||X_t||_F > factor * max(||X_0||_F, 1)
  void validate() const {
    if (max_rounds < 0) detail::fail("RunOptions", "max_rounds must be >= 0 (got ", max_rounds, ")");
    if (!(divergence_factor > 1)) detail::fail("RunOptions", "divergence_factor must be > 1 (got ", divergence_factor, ")");
  }
};

/// Whether round (or event) t ≥ 1 is on the recording schedule `every`, the schedule a trace
/// records on and runtime::mpi_run gathers on. every = k ≥ 1: every k-th round. every = 0: a
/// log-spaced schedule, the rounds ⌊m·10^j/100⌋ for the R10 preferred numbers
/// m ∈ {100, 125, 160, 200, 250, 315, 400, 500, 630, 800} (ISO 3) and j ≥ 0, i.e. 1, 2, 3, 4, 5, 6,
/// 8, 10, 12, 16, 20, 25, 31, 40, 50, 63, 80, 100, 125, …: ten rows per decade, so a trace of T
/// rounds costs O(log T) objective evaluations instead of T. Integer arithmetic only: the same
/// rounds on every machine.
inline bool on_record_schedule(Round t, Round every) {
  if (every > 0) return t % every == 0;
  if (t < 1) return false;
  Round scale = 1;  // 10^j <= t < 10^(j+1)
  while (t / scale >= 10) scale *= 10;
  static constexpr Round kR10[] = {100, 125, 160, 200, 250, 315, 400, 500, 630, 800};
  for (const Round m : kR10)
    if (scale >= 100 ? t == m * (scale / 100) : t == m * scale / 100) return true;
  return false;
}

/// Runs `algorithm` from X (n x d) for at most options.max_rounds rounds and leaves the final
/// iterates in X. Every observer sees round 0 (on_start) and every later round (on_round). A
/// signal caught by an InterruptHandler (core/interrupt.hpp) ends it after the current round
/// with Status::interrupted.
template <class Algorithm, class... Observers>
RunResult run(Algorithm& algorithm, Iterates<double>& X, const RunOptions& options, Observers&&... observers) {
  using View = RoundView<Algorithm>;
  static_assert(observers_have_hooks<View, Observers...>,
                "every observer needs on_start, on_round or on_finish (is a hook misspelled?)");
  options.validate();
  algorithm.init(X);
  const DivergenceTest diverged(algorithm.iterates().norm(), options.divergence_factor);
  // Divergence is checked every round, or every divergence_check_period() rounds for the
  // asynchronous algorithms (one event touches two rows; a full norm per event would cost
  // O(n d)), and always at the last round and when an observer stops the run.
  Round check_period = 1;
  if constexpr (requires { { algorithm.divergence_check_period() } -> std::convertible_to<Round>; })
    check_period = std::max<Round>(1, algorithm.divergence_check_period());
  notify_start(View(algorithm), observers...);
  RunResult result;
  result.status = Status::max_rounds;
  for (Round t = 0; t < options.max_rounds; ++t) {
    algorithm.step();
    const bool stop = notify_round(View(algorithm), observers...);
    if ((stop || (t + 1) % check_period == 0 || t + 1 == options.max_rounds) && diverged(algorithm.iterates().norm())) {
      result.status = Status::diverged;
      break;
    }
    if (stop) {
      result.status = Status::stopped_by_observer;
      break;
    }
    if (interrupt_requested() != 0) {  // a signal (core/interrupt.hpp): stop after this round
      result.status = Status::interrupted;
      break;
    }
  }
  X = algorithm.iterates();
  result.counters = algorithm.counters();
  notify_finish(result, View(algorithm), observers...);
  return result;
}

/// Member form of run() for the algorithm classes (CRTP): `alg.run(X, observers...)` with the
/// default RunOptions, or `alg.run(X, options, observers...)`.
template <class Derived>
class Runnable {
 public:
  template <class... Observers>
  RunResult run(Iterates<double>& X, const RunOptions& options, Observers&&... observers) {
    return adonis::run(static_cast<Derived&>(*this), X, options, std::forward<Observers>(observers)...);
  }
  template <class... Observers>
    requires(!(std::is_same_v<std::remove_cvref_t<Observers>, RunOptions> || ...))
  RunResult run(Iterates<double>& X, Observers&&... observers) {
    return adonis::run(static_cast<Derived&>(*this), X, RunOptions{}, std::forward<Observers>(observers)...);
  }
};

}  // namespace adonis
