// SPDX-License-Identifier: BSD-3-Clause
/// @file run_args.hpp
/// @brief The options of `adonis run` and their validation against the algorithm catalog
///        (include/adonis/algorithm/catalog.hpp): every check names the option and the value.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/algorithm/catalog.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/types.hpp"
#include "adonis/runtime/async.hpp"
#include "adonis/sim/engine.hpp"
#include "cli/common.hpp"

namespace adonis::cli {

/// The engine options of `run` (architecture.md: --compute-rate, --comm-rate, --latency, --drop,
/// --churn; plus --clock and --segment).
struct EngineArgs {
  double compute_rate = 1, comm_rate = 1, drop = 0, segment = 1;
  std::string clock = "edge", latency = "0", churn = "0";
  /// The options, validated (InvalidArgument naming the option and the value).
  sim::EngineOptions options(std::uint64_t seed) const {
    sim::EngineOptions o;
    o.compute_rate = compute_rate;
    o.comm_rate = comm_rate;
    if (clock != "edge" && clock != "node") throw InvalidArgument("run: --clock must be edge or node (got '" + clock + "')");
    o.clock = clock == "edge" ? sim::ClockModel::edge : sim::ClockModel::node;
    o.latency = sim::Latency::parse(latency);
    o.drop = drop;
    o.churn = sim::Churn::parse(churn);
    o.segment = segment;
    o.seed = seed;
    return o;
  }
};

/// The options of the real asynchronous backends (threads, mpi).
struct RealArgs {
  int workers = 0;
  double duration = 0, time_unit = 1e-4, record_period = 0, max_skew = 0;
  std::string slowdown;
  /// The runtime options; `events` is the event budget (0: --duration only).
  runtime::RealAsyncOptions options(const EngineArgs& engine, std::int64_t events, std::uint64_t seed) const {
    runtime::RealAsyncOptions o;
    o.compute_rate = engine.compute_rate;
    o.comm_rate = engine.comm_rate;
    o.max_events = events;
    o.duration = duration;
    o.time_unit = time_unit;
    o.record_period = record_period;
    o.max_skew = max_skew;
    o.seed = seed;
    // the simulator's clock model and its unreliable devices (RealAsyncOptions documents the semantics)
    const sim::EngineOptions e = engine.options(seed);
    o.clock = e.clock;
    o.latency = e.latency;
    o.drop = e.drop;
    o.churn = e.churn;
    if (!slowdown.empty()) o.parse_slowdown(slowdown);
    o.validate();
    return o;
  }
  /// " workers=P worker_events=a,b,... worker_gradients=... worker_seconds=..." for the summary.
  static std::string summary(const runtime::RealAsyncResult& r) {
    std::string events, gradients, seconds;
    for (const auto& w : r.workers) {
      const char* sep = events.empty() ? "" : ",";
      events += sep + std::to_string(w.events);
      gradients += sep + std::to_string(w.gradients);
      seconds += sep + fmt(w.seconds, 4);
    }
    return " workers=" + std::to_string(r.workers.size()) + " worker_events=" + events +
           " worker_gradients=" + gradients + " worker_seconds=" + seconds;
  }
};

/// Everything `adonis run` was given, the CLI11 options whose presence matters, and what the
/// validation resolved (the numeric step and γ, the backend).
struct RunArgs {
  std::string algorithm, graph, problem, mixing = "metropolis", partition = "iid", sequence = "static", csv, step;
  std::string compressor = "identity", gamma, start = "zero", backend = "sim";
  bool measure = false, worst_node = false;
  int threads = 0;  ///< --threads: the round pool's threads (0: the cores; core/parallel.hpp)
  Round iterations = 1000, every = 0;  ///< every = 0: the trace's log-spaced schedule
  std::uint64_t seed = 0;
  Index dim = 10, batch = 0;
  double target = 0, rho = 1;
  EngineArgs engine;
  RealArgs real;
  CLI::Option *rho_option = nullptr, *compressor_option = nullptr, *start_option = nullptr;
  CLI::Option *every_option = nullptr, *iterations_option = nullptr, *threads_option = nullptr;
  std::vector<CLI::Option*> engine_options;  ///< --compute-rate, --comm-rate, --clock, --latency, --drop, --churn, --segment
  std::vector<CLI::Option*> real_options;    ///< --workers, --duration, --time-unit, --slowdown, --record-period
  // resolved by validate_run_args
  double step_value = 0;   ///< --step as a number (0: the documented default rule)
  double gamma_value = 0;  ///< --gamma as a number (0: the practical rule; theory/printed resolved later)
  bool theory = false;     ///< --step theory
  bool mpi = false;        ///< --backend mpi
  bool real_backend = false;  ///< a real asynchronous backend (threads, or mpi with one-sided windows)
  /// Whether --comm-rate was given explicitly (DADAO rescales its rates otherwise).
  bool comm_rate_given() const { return engine_options[1]->count() > 0; }
};

/// Validates --start: zero, local, random for the optimization algorithms; slowest-mode for the
/// synchronous averaging algorithms and for DGD, gradient tracking, EXTRA and ADMM (simulator),
/// on a static W; an averaging algorithm refuses any other explicit --start (it would be ignored).
inline void check_start(const RunArgs& a, const AlgorithmInfo& info) {
  if (a.start == "slowest-mode") {
    if (!info.slowest_mode)
      throw InvalidArgument("run: --start slowest-mode applies to " +
                            algorithm_names([](const AlgorithmInfo& x) { return x.slowest_mode; }) + " (got '" +
                            a.algorithm + "')");
    if (a.sequence != "static")
      throw InvalidArgument("run: --start slowest-mode needs --sequence static (the slowest mode of one fixed W; got '" +
                            a.sequence + "')");
    if (!info.averaging && a.backend != "sim")
      throw InvalidArgument("run: --start slowest-mode of '" + a.algorithm +
                            "' measures its round's Jacobian in the simulator (got --backend " + a.backend + ")");
    return;
  }
  if (a.start != "zero" && a.start != "local" && a.start != "random")
    throw InvalidArgument("run: --start must be zero, local, random or slowest-mode (got '" + a.start + "')");
  if (a.start_option->count() > 0 && info.averages(!a.problem.empty()))
    throw InvalidArgument("run: --start " + a.start + " is a start of the optimization algorithms; '" + a.algorithm +
                          "' averages iid N(0, I) rows or the local minimizers (only slowest-mode applies, on a "
                          "static W)");
}

/// Checks the options that depend on the algorithm (budget, penalty, batch, start, compression,
/// step) and resolves the numeric step and γ.
inline void check_algorithm_options(RunArgs& a, const AlgorithmInfo& info) {
  for (const CLI::Option* o : a.engine_options)
    if (!info.asynchronous && o->count() > 0)
      throw InvalidArgument("run: " + o->get_name() + " is an engine option of the asynchronous algorithms, not of '" +
                            a.algorithm + "'");
  if (a.iterations < 0) throw InvalidArgument("run: --iterations must be >= 0 (got " + std::to_string(a.iterations) + ")");
  if (a.every_option->count() > 0 && a.every < 1)
    throw InvalidArgument("run: --every must be >= 1 (got " + std::to_string(a.every) + ")");
  if (a.rho_option->count() > 0 && !info.penalty)
    throw InvalidArgument("run: --rho is the penalty of 'admm' and 'async-admm', not an option of '" + a.algorithm +
                          "'");
  if (!(a.rho > 0)) throw InvalidArgument("run: --rho must be > 0 (got " + fmt(a.rho) + ")");
  if (a.batch < 0) throw InvalidArgument("run: --batch must be >= 0 (got " + std::to_string(a.batch) + ")");
  if (a.batch > 0 && !info.stochastic)
    throw InvalidArgument("run: --batch (stochastic gradients) applies to " +
                          algorithm_names([](const AlgorithmInfo& x) { return x.stochastic; }) + ", not to '" +
                          a.algorithm + "'");
  check_start(a, info);
  if (!info.compressed && (a.compressor_option->count() > 0 || !a.gamma.empty()))
    throw InvalidArgument("run: --compressor and --gamma are options of " +
                          algorithm_names([](const AlgorithmInfo& x) { return x.compressed; }) + ", not of '" +
                          a.algorithm + "'");
  if (!a.gamma.empty() && a.gamma != "theory" && a.gamma != "printed") {
    a.gamma_value = parse_number<double>(a.gamma, "run", "--gamma");
    if (!(a.gamma_value > 0 && a.gamma_value <= 1))
      throw InvalidArgument("run: --gamma must lie in (0, 1] (got " + a.gamma + ")");
  }
  a.theory = a.step == "theory";
  if (!a.step.empty() && !info.step)
    throw InvalidArgument("run: '" + a.algorithm + "' has no step size (--step '" + a.step + "')" +
                          (info.penalty ? "; its parameter is --rho" : ""));
  if (a.theory && !info.theory_step)
    throw InvalidArgument("run: --step theory: '" + a.algorithm +
                          "' has no confirmed theorem step (theory-rates §5a, §9d are recalled); give a number");
  if (!a.step.empty() && !a.theory) {
    a.step_value = parse_number<double>(a.step, "run", "--step");
    if (!(a.step_value > 0)) throw InvalidArgument("run: --step must be > 0 (got " + a.step + ")");
  }
}

/// Checks --backend and the options of the real backends against the algorithm.
inline void check_backend_options(RunArgs& a, const AlgorithmInfo& info) {
  if (a.backend != "sim" && a.backend != "mpi" && a.backend != "threads")
    throw InvalidArgument("run: --backend must be sim, threads or mpi (got '" + a.backend + "')");
  a.mpi = a.backend == "mpi";
  a.real_backend = a.backend != "sim" && info.threads;  // runtime/threads.hpp, runtime/mpi_async.hpp
  const std::string real_names = algorithm_names([](const AlgorithmInfo& x) { return x.threads; });
  if (a.backend == "threads" && !a.real_backend)
    throw InvalidArgument("run: --backend threads runs " + real_names + " (got '" + a.algorithm + "')");
  if (a.mpi && !info.mpi)
    throw InvalidArgument("run: --backend mpi runs " + algorithm_names([](const AlgorithmInfo& x) { return x.mpi; }) +
                          " (got '" + a.algorithm + "')");
  for (const CLI::Option* o : a.real_options)
    if (o->count() > 0 && !a.real_backend)
      throw InvalidArgument("run: " + o->get_name() + " is an option of " + real_names +
                            " under --backend threads or mpi");
  if (a.threads < 0 || a.threads > max_round_threads)
    throw InvalidArgument("run: --threads must be in [0, " + std::to_string(max_round_threads) + "] (got " +
                          std::to_string(a.threads) + ")");
  if (a.threads_option->count() > 0 && a.backend != "sim")
    throw InvalidArgument("run: --threads is an option of the simulator's synchronous rounds (--backend " + a.backend +
                          (a.mpi ? ": the ranks are the workers)" : ": its workers are --workers)"));
  if (a.threads_option->count() > 0 && info.asynchronous)
    throw InvalidArgument("run: --threads applies to the synchronous algorithms ('" + a.algorithm +
                          "' runs one event at a time)");
  if (a.real_options[0]->count() > 0 && a.mpi)
    throw InvalidArgument("run: --workers is an option of --backend threads (under MPI, the ranks are the workers)");
  if (!a.real_backend) return;
  // node clocks unless --clock says otherwise: each worker then ticks its own nodes (balanced);
  // edge clocks give a worker the edges whose smaller end it owns. On a regular graph (rings,
  // tori) both models have the same Λ, hence the same constants and rates.
  if (a.engine_options[2]->count() == 0) a.engine.clock = "node";
  if (a.engine_options[6]->count() > 0)  // --segment
    throw InvalidArgument("run: --segment is an option of the simulator's time-varying edge sets, not of --backend " +
                          a.backend);
  if (a.sequence != "static")
    throw InvalidArgument("run: --backend " + a.backend + " runs " + a.algorithm + " over a static graph (got --sequence '" +
                          a.sequence + "')");
  if (a.every_option->count() > 0)
    throw InvalidArgument("run: --every is an option of the simulator; --backend " + a.backend +
                          " records a snapshot every --record-period seconds");
  if (a.real.workers < 0) throw InvalidArgument("run: --workers must be >= 0 (got " + std::to_string(a.real.workers) + ")");
}

/// The rank an MPI launcher gave this process (Open MPI, PMIx, PMI), 0 without a launcher. It is
/// known before MPI_Init: input errors, which every rank detects alike, are printed by rank 0 only.
inline int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* r = std::getenv(name); r != nullptr && *r != '\0') return std::atoi(r);
  return 0;
}

}  // namespace adonis::cli
