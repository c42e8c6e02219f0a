// SPDX-License-Identifier: BSD-3-Clause
/// @file run_session.hpp
/// @brief One `adonis run` after its options were validated: the graph, the backend (simulator,
///        threads, MPI), the run loop to call, the measured quantities of --measure, and the
///        one-line summary and CSV trace at the end.
#pragma once

#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "adonis/algorithm/catalog.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/core/run.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/report/atomic_file.hpp"
#include "adonis/report/trace.hpp"
#include "adonis/runtime/accelerated.hpp"
#include "adonis/runtime/threads.hpp"
#include "adonis/sim/assumptions.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/measure.hpp"
#include "cli/common.hpp"
#include "cli/run_args.hpp"
#ifdef ADONIS_HAVE_MPI
#include "adonis/runtime/mpi.hpp"
#include "adonis/runtime/mpi_async.hpp"
#endif

namespace adonis::cli {

/// Ends the program after an error: under MPI, the whole job (a rank that leaves alone would
/// leave the others waiting), else a plain return of `code`.
inline int error_exit(int code) {
#ifdef ADONIS_HAVE_MPI
  runtime::abort_job(code);
#endif
  return code;
}

/// The MeasureObserver of --measure, attached only when it was asked for: it keeps two copies
/// of X and reads X three times a round, more than a gossip round costs (at 10⁶ nodes: 160 MB
/// and 4 passes over 80 MB a round). Without --measure its hooks do nothing.
struct MaybeMeasure {
  MeasureObserver<> observer;
  bool on;
  template <class A>
  void on_start(const RoundView<A>& v) {
    if (on) observer.on_start(v);
  }
  template <class A>
  bool on_round(const RoundView<A>& v) {
    return on && observer.on_round(v);
  }
  template <class A>
  void on_finish(const RunResult& r, const RoundView<A>& v) {
    if (on) observer.on_finish(r, v);
  }
};

/// The state of one run: what every algorithm's branch of `adonis run` shares.
class RunSession {
 public:
  /// Starts MPI under --backend mpi, then builds the graph and the engine options. MPI starts
  /// first: an input error found after it ends the whole job through MPI_Abort once rank 0 has
  /// reported it; before MPI_Init, a rank that exits first would let mpirun kill rank 0 before
  /// it prints (seen under ASan, whose start-up is slower).
  explicit RunSession(RunArgs& args) : a(args), info(algorithm_info(args.algorithm)) {
#ifdef ADONIS_HAVE_MPI
    if (a.mpi) m_session.emplace();
    root = !a.mpi || m_session->rank() == 0;
#else
    if (a.mpi) throw InvalidArgument("run: --backend mpi: this adonis was built without MPI (install libopenmpi-dev)");
#endif
    graph = make_graph(a.graph);
    n = num_nodes(graph);
    if (a.real_backend) a.every = 1;  // the real backends record a snapshot every --record-period seconds
    engine = a.engine.options(a.seed);
    run_options = RunOptions{.max_rounds = a.iterations};
    trace_options = TraceOptions{
        .every = a.every, .target = a.target, .worst_node = a.worst_node, .wall_clock = a.mpi || a.real_backend};
    // the real backends' event budget: --iterations, unless only --duration was given
    real_events = a.real.duration > 0 && a.iterations_option->count() == 0 ? 0 : a.iterations;
  }

  /// The mixing sequence of the run, partitioned over the ranks under --backend mpi.
  AnySequence sequence() const {
    AnySequence seq = make_sequence(graph, a.sequence, a.mixing, a.seed);
#ifdef ADONIS_HAVE_MPI
    if (a.mpi) return AnySequence(runtime::MpiSequence<AnySequence>(std::move(seq)));
#endif
    return seq;
  }

  /// The observer of --measure (MaybeMeasure: inert without it), recording into `meas`.
  MaybeMeasure measure_observer() { return MaybeMeasure{MeasureObserver<>(meas), a.measure}; }

  /// adonis::run, or runtime::mpi_run under --backend mpi (the iterates are gathered on rank 0
  /// on the trace's schedule; at every round with --target or --measure).
  template <class Algorithm, class... Observers>
  void execute(Algorithm& alg, Iterates<double>& x, Observers&&... observers) {
    warn_outside(alg);
#ifdef ADONIS_HAVE_MPI
    if (a.mpi) {
      result = runtime::mpi_run(alg, x, run_options, MPI_COMM_WORLD,
                                block_rows(n, m_session->size(), m_session->rank()),
                                a.target > 0 || a.measure ? 1 : a.every, observers...);
      return;
    }
#endif
    result = run(alg, x, run_options, observers...);
  }

  /// An event-driven run outside its theorem: say so first (rank 0, on stderr).
  template <class Algorithm>
  void warn_outside(const Algorithm& alg) const {
    if constexpr (requires { alg.engine(); })
      if (root)
        for (const std::string& w : outside_assumptions(a.algorithm, alg)) std::cerr << "adonis: warning: " << w << '\n';
  }

  /// runtime::threads_run or runtime::mpi_async_run (the asynchronous algorithms on real
  /// workers); `comm_scale` multiplies the communication rate (DADAO's rescaling).
  template <class Rule, class... Observers>
  void execute_real(const Rule& rule, Iterates<double>& x, Observers&... observers) {
    execute_real(rule, 1.0, x, observers...);
  }
  template <class Rule, class... Observers>
  void execute_real(const Rule& rule, double comm_scale, Iterates<double>& x, Observers&... observers) {
    runtime::RealAsyncOptions o = a.real.options(a.engine, real_events, a.seed);
    o.comm_rate *= comm_scale;
    if (root)
      for (const std::string& w : outside_real_assumptions(a.algorithm, o.skew(n, Rule::computes)))
        std::cerr << "adonis: warning: " << w << '\n';
    runtime::RealAsyncResult r;
#ifdef ADONIS_HAVE_MPI
    if (a.mpi) r = runtime::mpi_async_run(rule, graph, x, o, MPI_COMM_WORLD, observers...);
    else
#endif
      r = runtime::threads_run(rule, graph, x, o, a.real.workers, observers...);
    if (const double lag = runtime::pace_lag(r, o, n, Rule::computes); root && lag > 0.5 && r.run.status == Status::max_rounds)
      std::cerr << "adonis: warning: the workers fell behind their pace (the slowest ended " << fmt(100 * lag, 3)
                << " % late): events were applied late and in bursts; a larger --time-unit keeps the pace\n";
    m_workers = RealArgs::summary(r);
    result = r.run;
  }

  /// The consensus step γ of CHOCO: --gamma theory (γ* = ρδ/D) or printed (ρ²δ/D) on the static
  /// W, else the number given (0: the practical rule).
  double choco_gamma(const Compressor& comp, Index dim) const {
    if (a.gamma != "theory" && a.gamma != "printed") return a.gamma_value;
    if (a.sequence != "static")
      throw InvalidArgument("run: --gamma " + a.gamma + " needs --sequence static (the theorem is for one fixed W)");
    const SparseMatrix w = mixing_matrix(graph, a.mixing);
    const double delta = comp.delta(dim);
    return a.gamma == "theory" ? choco_theory_gamma(w, delta) : choco_printed_gamma(w, delta);
  }

  /// Adds " key=value" to the --measure part of the summary.
  void add_measure(const std::string& key, double value) { m_measured += " " + key + "=" + fmt(value, 17); }

  /// --measure of the linearly convergent optimizers: the fitted tail rate of ||X_t − X_{t−1}||.
  void measure_rate() {
    if (!a.measure || meas.step_norm.size() < 8) return;
    const LinearRateFit fit = fit_step_rate(meas);
    add_measure("rate", fit.rate);
    add_measure("exponent", -fit.slope);
  }

  /// Rank 0 prints the one-line summary and writes the trace with --csv.
  void finish(const TraceRecorder& trace, const std::string& problem) const {
    if (!root) return;
    const TraceRow& last = trace.rows().back();
    std::cout << "algorithm=" << a.algorithm << " graph=" << a.graph << " problem=" << problem
              << " status=" << to_string(result.status) << " rounds=" << result.counters.rounds
              << " time=" << fmt(result.counters.time) << " gradients=" << result.counters.gradients
              << " messages=" << result.counters.messages << " bytes=" << result.counters.bytes
              << " suboptimality=" << fmt(last.suboptimality) << " consensus_error=" << fmt(last.consensus_error)
              << " distance_to_opt=" << fmt(last.distance_to_opt) << (a.measure ? m_measured : std::string())
              << m_workers << '\n';
    if (!a.csv.empty()) {  // atomically: an interrupted or killed run never leaves a cut file
      std::optional<AtomicFile> out;
      try {
        out.emplace(a.csv, "run");
      } catch (const RuntimeError&) {
        throw InvalidArgument("run: cannot write --csv file '" + a.csv + "'");
      }
      trace.write_csv(out->stream());
      out->commit();
    }
  }

  RunArgs& a;                     ///< the options (validated)
  const AlgorithmInfo& info;      ///< the algorithm's catalog entry
  Graph graph;                    ///< built once MPI has started
  Index n = 0;
  bool root = true;               ///< this process writes the output (rank 0 under MPI)
  sim::EngineOptions engine;      ///< the event engine's options (asynchronous algorithms)
  RunOptions run_options;
  TraceOptions trace_options;
  std::int64_t real_events = 0;   ///< the real backends' event budget (0: --duration only)
  RunResult result;
  Measurements meas;              ///< recorded and printed with --measure (measure_observer)

 private:
#ifdef ADONIS_HAVE_MPI
  std::optional<runtime::MpiSession> m_session;
#endif
  std::string m_measured;  // " key=value" pairs of --measure
  std::string m_workers;   // per-worker counts of the real backends
};

}  // namespace adonis::cli
