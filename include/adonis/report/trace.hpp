// SPDX-License-Identifier: BSD-3-Clause
/// @file trace.hpp
/// @brief The trace recorder observer and its CSV writer.
///
/// Columns (architecture.md): round, time, gradients, messages, bytes, suboptimality,
/// consensus_error, distance_to_opt, then worst_suboptimality:
///   suboptimality       f(x̄) − f*
///   consensus_error     (1/n) Σ_i ||x_i − x̄||²
///   distance_to_opt     ||x̄ − x*||
///   worst_suboptimality max_i f(x_i) − f*   (the worst node's own iterate; NaN unless
///                       TraceOptions::worst_node: n objective evaluations per row)
///   wall_clock          seconds since the start (only with TraceOptions::wall_clock: MPI, threads)
/// Without a problem (pure averaging), suboptimality columns are NaN and distance_to_opt is
/// ||x̄_t − x̄_0||, which exact averaging keeps at 0.
///
/// Cost: a row evaluates f once at x̄ (about the gradient work of one synchronous round: every
/// sample once) plus O(n d) for the consensus error. Recording every round would double a run's
/// cost, so the default schedule is log-spaced (ten rows per decade: 22 rows for 200 rounds, 42
/// for 20000); TraceOptions::every = k records every k-th round. A target is checked at every
/// round whatever the schedule (one evaluation of f at x̄ per round: only runs with a target pay it).
#pragma once

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <ostream>
#include <vector>

#include "adonis/core/run.hpp"
#include "adonis/core/result.hpp"
#include "adonis/problem/concepts.hpp"

namespace adonis {

/// One recorded round.
struct TraceRow {
  Round round = 0;
  double time = 0;
  std::int64_t gradients = 0, messages = 0, bytes = 0;
  double suboptimality = 0, consensus_error = 0, distance_to_opt = 0, worst_suboptimality = 0;
  double wall_clock = 0;  ///< seconds since the run started (recorded with TraceOptions::wall_clock)
};

/// When to record, and an optional target that stops the run.
struct TraceOptions {
  /// 0 (default): the log-spaced schedule of on_record_schedule (core/run.hpp), ten rows per
  /// decade; k >= 1: every k-th round. Round 0 and the last round are always recorded.
  Round every = 0;
  double target = 0;        ///< stop once f(x̄) − f* <= target (0: never; needs a problem)
  bool worst_node = false;  ///< also max_i f(x_i) − f* (n objective evaluations per row; else NaN)
  bool wall_clock = false;  ///< add a last column wall_clock: seconds since on_start (real backends)
  void validate() const {
    if (every < 0) detail::fail("TraceOptions", "every must be >= 0 (got ", every, ")");
    if (!(target >= 0)) detail::fail("TraceOptions", "target must be >= 0 (got ", target, ")");
  }
};

/// Observer that records a trace; the first and the last round are always recorded.
class TraceRecorder {
 public:
  /// Averaging only (no objective): see the file comment.
  explicit TraceRecorder(TraceOptions options = {}) : m_options(options) { m_options.validate(); }

  /// Optimization: f* and x* come from the problem's reference solution.
  template <DecentralizedObjective P>
  TraceRecorder(const P& problem, Vector<double> x_star, double f_star, TraceOptions options = {})
      : m_options(options), m_x_star(std::move(x_star)), m_f_star(f_star) {
    m_options.validate();
    if (m_x_star.size() != problem.dim())
      detail::fail<DimensionMismatch>("TraceRecorder", "x_star must have size ", problem.dim(), " (got ",
                                      m_x_star.size(), ")");
    m_objective = [&problem](const Vector<double>& x) { return global_value(problem, x); };
  }

  template <class A>
  void on_start(const RoundView<A>& v) {
    m_rows.clear();
    m_start_average = v.average();
    m_started = std::chrono::steady_clock::now();
    record(v);
  }
  template <class A>
  bool on_round(const RoundView<A>& v) {
    const Round t = v.round();
    const bool due = on_record_schedule(t, m_options.every);
    if (m_options.target > 0 && m_objective) {
      const double sub = m_objective(v.average()) - m_f_star;
      if (sub <= m_options.target) {
        record(v);
        return true;
      }
    }
    if (due) record(v);
    return false;
  }
  template <class A>
  void on_finish(const RunResult&, const RoundView<A>& v) {
    if (m_rows.empty() || m_rows.back().round != v.round()) record(v);
  }

  const std::vector<TraceRow>& rows() const noexcept { return m_rows; }

  /// Writes the CSV header and one line per recorded round (17 significant digits).
  void write_csv(std::ostream& out) const {
    out << "round,time,gradients,messages,bytes,suboptimality,consensus_error,distance_to_opt,worst_suboptimality"
        << (m_options.wall_clock ? ",wall_clock\n" : "\n");
    const auto old = out.precision(17);
    for (const auto& r : m_rows) {
      out << r.round << ',' << r.time << ',' << r.gradients << ',' << r.messages << ',' << r.bytes << ','
          << r.suboptimality << ',' << r.consensus_error << ',' << r.distance_to_opt << ',' << r.worst_suboptimality;
      if (m_options.wall_clock) out << ',' << r.wall_clock;
      out << '\n';
    }
    out.precision(old);
  }

 private:
  template <class A>
  void record(const RoundView<A>& v) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    TraceRow r;
    const Counters& c = v.counters();
    r.round = c.rounds;
    r.time = c.time;
    r.gradients = c.gradients;
    r.messages = c.messages;
    r.bytes = c.bytes;
    if (m_options.wall_clock)
      r.wall_clock = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    r.consensus_error = v.consensus_error();
    if (m_objective) {
      r.suboptimality = m_objective(v.average()) - m_f_star;
      r.distance_to_opt = (v.average() - m_x_star).norm();
      r.worst_suboptimality = nan;
      if (m_options.worst_node) {
        double worst = -std::numeric_limits<double>::infinity();
        for (Index i = 0; i < v.iterates().rows(); ++i)
          worst = std::max(worst, m_objective(v.iterates().row(i).transpose()) - m_f_star);
        r.worst_suboptimality = worst;
      }
    } else {
      r.suboptimality = r.worst_suboptimality = nan;
      r.distance_to_opt = (v.average() - m_start_average).norm();
    }
    m_rows.push_back(r);
  }

  TraceOptions m_options;
  Vector<double> m_x_star;
  double m_f_star = 0;
  std::function<double(const Vector<double>&)> m_objective;
  std::vector<TraceRow> m_rows;
  Vector<double> m_start_average;
  std::chrono::steady_clock::time_point m_started;
};

}  // namespace adonis
