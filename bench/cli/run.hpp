// SPDX-License-Identifier: BSD-3-Clause
/// @file run.hpp
/// @brief `adonis run --algorithm NAME --graph SPEC [--problem SPEC] ...`: one run, a one-line
///        summary on stdout, and the trace as CSV with --csv.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/async_admm.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/catalog.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/dual_averaging.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/algorithm/msda.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/trace.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/measure.hpp"
#include "cli/common.hpp"
#include "adonis/runtime/threads.hpp"
#ifdef ADONIS_HAVE_MPI
#include "adonis/runtime/mpi.hpp"
#include "adonis/runtime/mpi_async.hpp"
#endif

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

/// Validates --start: zero, local, random for the optimization algorithms; slowest-mode for the
/// synchronous averaging algorithms on a static W; an averaging algorithm refuses any other
/// explicit --start (it would be ignored).
inline void check_start(const std::string& algorithm, const std::string& start, bool given, const std::string& sequence,
                        bool has_problem) {
  const AlgorithmInfo& info = algorithm_info(algorithm);
  if (start == "slowest-mode") {
    if (!info.slowest_mode)
      throw InvalidArgument("run: --start slowest-mode applies to " +
                            algorithm_names([](const AlgorithmInfo& a) { return a.slowest_mode; }) + " (got '" +
                            algorithm + "')");
    if (sequence != "static")
      throw InvalidArgument("run: --start slowest-mode needs --sequence static (the slowest mode of one fixed W; got '" +
                            sequence + "')");
    return;
  }
  if (start != "zero" && start != "local" && start != "random")
    throw InvalidArgument("run: --start must be zero, local, random or slowest-mode (got '" + start + "')");
  if (given && (info.averaging || (algorithm == "a2cid2" && !has_problem)))
    throw InvalidArgument("run: --start " + start + " is a start of the optimization algorithms; '" + algorithm +
                          "' averages iid N(0, I) rows or the local minimizers (only slowest-mode applies, on a "
                          "static W)");
}

/// The options of the real asynchronous backends (threads, mpi).
struct RealArgs {
  int workers = 0;
  double duration = 0, time_unit = 1e-4, record_period = 0;
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
    o.seed = seed;
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

/// The rank an MPI launcher gave this process (Open MPI, PMIx, PMI), 0 without a launcher. It is
/// known before MPI_Init: input errors, which every rank detects alike, are printed by rank 0 only.
inline int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"})
    if (const char* r = std::getenv(name); r != nullptr && *r != '\0') return std::atoi(r);
  return 0;
}

/// Ends the program after an error: under MPI, the whole job (a rank that leaves alone would
/// leave the others waiting), else a plain return of `code`.
inline int error_exit(int code) {
#ifdef ADONIS_HAVE_MPI
  runtime::abort_job(code);
#endif
  return code;
}

/// Registers the subcommand on `app`.
inline void add_run(CLI::App& app) {
  struct Args {
    std::string algorithm, graph, problem, mixing = "metropolis", partition = "iid", sequence = "static", csv, step;
    std::string compressor = "identity", gamma, start = "zero", backend = "sim";
    bool measure = false;
    Round iterations = 1000, every = 1;
    std::uint64_t seed = 0;
    Index dim = 10, batch = 0;
    double target = 0, rho = 1;
    EngineArgs engine;
    RealArgs real;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("run", "Run one algorithm and record its trace");
  const std::string names = algorithm_names([](const AlgorithmInfo&) { return true; }, " | ");
  sub->add_option("--algorithm", args->algorithm, names)->required();
  sub->add_option("--graph", args->graph, "graph SPEC")->required();
  sub->add_option("--problem", args->problem, "problem SPEC (required by the optimization algorithms)");
  sub->add_option("--mixing", args->mixing, "metropolis | max-degree | laplacian | lazy-metropolis")->capture_default_str();
  sub->add_option("--sequence", args->sequence,
                  "static | random-matching | random-edge | b-connected:B | markov:FAIL:RECOVER | one-peer-exponential")
      ->capture_default_str();
  sub->add_option("--partition", args->partition, "iid | contiguous | sorted | dirichlet:ALPHA")->capture_default_str();
  auto* iterations_option =
      sub->add_option("--iterations", args->iterations,
                      "rounds (synchronous) or events (asynchronous; with --backend threads|mpi the clocks stop at "
                      "the horizon N / total rate)")
          ->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of X_0, the partition and random sequences")->capture_default_str();
  sub->add_option("--dim", args->dim, "dimension of the averaged vectors (averaging algorithms)")->capture_default_str();
  sub->add_option("--step", args->step,
                  "constant step size, or 'theory' for the theorem's own step (default: the algorithm's documented "
                  "rule; for dual-averaging the scale a of a/sqrt(t+1))");
  auto* rho_option = sub->add_option("--rho", args->rho, "ADMM penalty c > 0")->capture_default_str();
  auto* compressor_option =
      sub->add_option("--compressor", args->compressor,
                      "CHOCO compression: identity | top-k:K | random-k:K | random-k-unbiased:K | qsgd:S | sign")
          ->capture_default_str();
  sub->add_option("--gamma", args->gamma,
                  "CHOCO consensus step in (0, 1]; 'theory' for the consistent step γ* = ρδ/D of the proof, "
                  "'printed' for the step printed in ICLR'20, ρ²δ/D (default: the practical rule)");
  auto* start_option =
      sub->add_option("--start", args->start,
                      "X_0 of the optimization algorithms: zero, local (each node's local minimizer), or random "
                      "(iid N(0, 1) entries drawn from --seed: a generic start that excites every mode); of gossip, "
                      "chebyshev-gossip and choco-gossip on a static W: slowest-mode (every column the unit "
                      "λ2-eigenvector of W, mean 0)")
          ->capture_default_str();
  sub->add_option("--batch", args->batch,
                  "stochastic gradients from minibatches of B samples (with replacement) for dgd (D-SGD) and "
                  "choco-sgd; 0 (default): exact local gradients")
      ->capture_default_str();
  sub->add_flag("--measure", args->measure,
                "add the measured rate quantities of `adonis rates` to the summary (fitted tail rate of "
                "||X_t − X_{t−1}||; for averaging: average drift and worst per-round contraction; for "
                "dual-averaging: max_i f(x̂_i) − f* over the nodes' running averages; for msda: "
                "||Θ_T − 1x*ᵀ|| / ||Θ_0 − 1x*ᵀ||)");
  std::vector<CLI::Option*> engine_options{
      sub->add_option("--compute-rate", args->engine.compute_rate, "each node's gradient clock rate (asynchronous)")
          ->capture_default_str(),
      sub->add_option("--comm-rate", args->engine.comm_rate,
                      "total communication rate: each edge fires at R/|E| (edge clocks) or each node at R/n (node "
                      "clocks); R = 1 with edge clocks is graph-info's Λ = L/|E|")
          ->capture_default_str(),
      sub->add_option("--clock", args->engine.clock, "communication clocks: edge | node (Boyd et al.)")
          ->capture_default_str(),
      sub->add_option("--latency", args->engine.latency, "message latency: 0 | T (fixed) | exp:MEAN")
          ->capture_default_str(),
      sub->add_option("--drop", args->engine.drop, "probability that an exchange is lost")->capture_default_str(),
      sub->add_option("--churn", args->engine.churn,
                      "node churn RATE:MEAN_OFFLINE (an online node goes offline at RATE for an exponential time of "
                      "mean MEAN_OFFLINE)")
          ->capture_default_str(),
      sub->add_option("--segment", args->engine.segment,
                      "simulated duration of each graph of a time-varying --sequence (asynchronous)")
          ->capture_default_str()};
  auto* every_option = sub->add_option("--every", args->every,
                                       "record every k-th round (default 1; asynchronous: every n-th event)");
  sub->add_option("--target", args->target, "stop once f(x̄) − f* <= target");
  sub->add_option("--csv", args->csv, "write the trace to FILE");
  sub->add_option("--backend", args->backend,
                  "sim (one process, simulated time) | threads (pairwise-gossip, async-sgd: one thread per worker) | "
                  "mpi (under mpirun, each rank owns a block of nodes: gossip, dgd, gradient-tracking, extra, admm, "
                  "dual-averaging, choco-gossip, choco-sgd synchronously; pairwise-gossip, async-sgd with one-sided communication); rank 0 "
                  "writes the summary and the trace, with a wall_clock column")
      ->capture_default_str();
  std::vector<CLI::Option*> real_options{
      sub->add_option("--workers", args->real.workers, "threads backend: number of workers (default: one per core)"),
      sub->add_option("--duration", args->real.duration,
                      "threads/mpi asynchronous runs: wall-clock budget in seconds (without --iterations, the only "
                      "budget)"),
      sub->add_option("--time-unit", args->real.time_unit,
                      "threads/mpi asynchronous runs: wall seconds per unit of simulated time (clocks of rate 1 tick "
                      "1/UNIT times per second)")
          ->capture_default_str(),
      sub->add_option("--slowdown", args->real.slowdown,
                      "threads/mpi asynchronous runs: RANK:FACTOR, worker (rank) RANK's clocks tick FACTOR times "
                      "slower (a straggler; its gradient steps are scaled by FACTOR)"),
      sub->add_option("--record-period", args->real.record_period,
                      "threads/mpi asynchronous runs: seconds between two trace snapshots (default: 1/50 of the run)")};
  sub->callback([args, rho_option, compressor_option, start_option, engine_options, every_option, iterations_option,
                 real_options] {
    auto& a = *args;
    const AlgorithmInfo& info = algorithm_info(a.algorithm);  // throws for an unknown name
    const bool async = info.asynchronous;
    const bool comm_rate_given = engine_options[1]->count() > 0;
    for (const CLI::Option* o : engine_options)
      if (!async && o->count() > 0)
        throw InvalidArgument("run: " + o->get_name() + " is an engine option of the asynchronous algorithms, not of '" +
                              a.algorithm + "'");
    if (a.iterations < 0) throw InvalidArgument("run: --iterations must be >= 0 (got " + std::to_string(a.iterations) + ")");
    if (a.every < 1) throw InvalidArgument("run: --every must be >= 1 (got " + std::to_string(a.every) + ")");
    if (rho_option->count() > 0 && !info.penalty)
      throw InvalidArgument("run: --rho is the penalty of 'admm' and 'async-admm', not an option of '" + a.algorithm +
                            "'");
    if (!(a.rho > 0)) throw InvalidArgument("run: --rho must be > 0 (got " + fmt(a.rho) + ")");
    if (a.batch < 0) throw InvalidArgument("run: --batch must be >= 0 (got " + std::to_string(a.batch) + ")");
    if (a.batch > 0 && !info.stochastic)
      throw InvalidArgument("run: --batch (stochastic gradients) applies to " +
                            algorithm_names([](const AlgorithmInfo& x) { return x.stochastic; }) + ", not to '" +
                            a.algorithm + "'");
    check_start(a.algorithm, a.start, start_option->count() > 0, a.sequence, !a.problem.empty());
    if (!info.compressed && (compressor_option->count() > 0 || !a.gamma.empty()))
      throw InvalidArgument("run: --compressor and --gamma are options of choco-gossip and choco-sgd, not of '" +
                            a.algorithm + "'");
    double gamma = 0;
    if (!a.gamma.empty() && a.gamma != "theory" && a.gamma != "printed") {
      gamma = parse_number<double>(a.gamma, "run", "--gamma");
      if (!(gamma > 0 && gamma <= 1)) throw InvalidArgument("run: --gamma must lie in (0, 1] (got " + a.gamma + ")");
    }
    const bool theory = a.step == "theory";
    if (a.backend != "sim" && a.backend != "mpi" && a.backend != "threads")
      throw InvalidArgument("run: --backend must be sim, threads or mpi (got '" + a.backend + "')");
    const bool mpi = a.backend == "mpi";
    // pairwise-gossip and async-sgd on real threads or ranks (runtime/threads.hpp, mpi_async.hpp)
    const bool real = a.backend != "sim" && info.threads;
    if (a.backend == "threads" && !real)
      throw InvalidArgument("run: --backend threads runs " +
                            algorithm_names([](const AlgorithmInfo& x) { return x.threads; }) + " (got '" + a.algorithm +
                            "')");
    if (mpi && !info.mpi)
      throw InvalidArgument("run: --backend mpi runs " + algorithm_names([](const AlgorithmInfo& x) { return x.mpi; }) +
                            " (got '" + a.algorithm + "')");
    for (const CLI::Option* o : real_options)
      if (o->count() > 0 && !real)
        throw InvalidArgument("run: " + o->get_name() + " is an option of pairwise-gossip and async-sgd under --backend "
                              "threads or mpi");
    if (real_options[0]->count() > 0 && mpi)
      throw InvalidArgument("run: --workers is an option of --backend threads (under MPI, the ranks are the workers)");
    if (real) {
      for (std::size_t k = 2; k < engine_options.size(); ++k)  // --clock, --latency, --drop, --churn, --segment
        if (engine_options[k]->count() > 0)
          throw InvalidArgument("run: " + engine_options[k]->get_name() + " is an option of the simulator, not of --backend " +
                                a.backend + " (its latencies and failures are real)");
      if (a.sequence != "static")
        throw InvalidArgument("run: --backend " + a.backend + " runs " + a.algorithm + " over a static graph (got --sequence '" +
                              a.sequence + "')");
      if (every_option->count() > 0)
        throw InvalidArgument("run: --every is an option of the simulator; --backend " + a.backend +
                              " records a snapshot every --record-period seconds");
      if (a.real.workers < 0)
        throw InvalidArgument("run: --workers must be >= 0 (got " + std::to_string(a.real.workers) + ")");
    }
#ifdef ADONIS_HAVE_MPI
    std::optional<runtime::MpiSession> session;
    if (mpi) session.emplace();
    const bool root = !mpi || session->rank() == 0;
#else
    if (mpi) throw InvalidArgument("run: --backend mpi: this adonis was built without MPI (install libopenmpi-dev)");
    const bool root = true;
#endif
    if (!a.step.empty() && (a.algorithm == "gossip" || a.algorithm == "chebyshev-gossip" || a.algorithm == "admm" ||
                            a.algorithm == "msda" || a.algorithm == "choco-gossip" ||
                            a.algorithm == "pairwise-gossip" || a.algorithm == "continuized-gossip" ||
                            a.algorithm == "async-admm" || a.algorithm == "dadao"))
      throw InvalidArgument("run: '" + a.algorithm + "' has no step size (--step '" + a.step + "')" +
                            (a.algorithm == "admm" || a.algorithm == "async-admm" ? "; its parameter is --rho" : ""));
    if (theory && (a.algorithm == "async-sgd" || a.algorithm == "a2cid2"))
      throw InvalidArgument("run: --step theory: '" + a.algorithm +
                            "' has no confirmed theorem step (theory-rates §5a, §9d are recalled); give a number");
    double step = 0;
    if (!a.step.empty() && !theory) {
      step = parse_number<double>(a.step, "run", "--step");
      if (!(step > 0)) throw InvalidArgument("run: --step must be > 0 (got " + a.step + ")");
    }
    const Graph g = make_graph(a.graph);
    const Index n = num_nodes(g);
    if (async && every_option->count() == 0) a.every = real ? 1 : std::max<Round>(1, n);
    const sim::EngineOptions engine = a.engine.options(a.seed);
    const RunOptions run_options{.max_rounds = a.iterations};
    RunResult result;
    TraceOptions trace_options{.every = a.every, .target = a.target, .wall_clock = mpi || real};
    // the real backends' event budget: --iterations, unless only --duration was given
    const std::int64_t real_events = a.real.duration > 0 && iterations_option->count() == 0 ? 0 : a.iterations;
    std::string worker_summary;  // per-worker counts of the real backends
    // adonis::runtime::threads_run or mpi_async_run, for pairwise-gossip and async-sgd
    auto execute_real = [&](const auto& rule, Iterates<double>& x, auto&... observers) -> RunResult {
      const runtime::RealAsyncOptions o = a.real.options(a.engine, real_events, a.seed);
      runtime::RealAsyncResult r;
#ifdef ADONIS_HAVE_MPI
      if (mpi) r = runtime::mpi_async_run(rule, g, x, o, MPI_COMM_WORLD, observers...);
      else
#endif
      r = runtime::threads_run(rule, g, x, o, a.real.workers, observers...);
      worker_summary = RealArgs::summary(r);
      return r.run;
    };
    Measurements meas;          // always recorded (cheap); printed with --measure
    std::string measured;       // " key=value" pairs of --measure
    auto measure_rate = [&] {  // the linearly convergent optimizers (only for --measure)
      if (!a.measure || meas.step_norm.size() < 8) return;
      const LinearRateFit fit = fit_step_rate(meas);
      measured += " rate=" + fmt(fit.rate, 17) + " exponent=" + fmt(-fit.slope, 17);
    };
    // The sequence of a run: partitioned over the ranks under --backend mpi.
    auto sequence = [&]() -> AnySequence {
      AnySequence seq = make_sequence(g, a.sequence, a.mixing, a.seed);
#ifdef ADONIS_HAVE_MPI
      if (mpi) return AnySequence(runtime::MpiSequence<AnySequence>(std::move(seq)));
#endif
      return seq;
    };
    // adonis::run, or runtime::mpi_run under --backend mpi (the trace is gathered on rank 0 at
    // every recorded round; at every round with --target, checked each round, and --measure).
    auto execute = [&](auto& alg, Iterates<double>& x, auto&&... observers) -> RunResult {
#ifdef ADONIS_HAVE_MPI
      if (mpi) {
        return runtime::mpi_run(alg, x, run_options, MPI_COMM_WORLD, block_rows(n, session->size(), session->rank()),
                                a.target > 0 || a.measure ? 1 : a.every, observers...);
      }
#endif
      return run(alg, x, run_options, observers...);
    };
    auto finish = [&](const TraceRecorder& trace, const std::string& problem) {
      if (!root) return;
      const TraceRow& last = trace.rows().back();
      std::cout << "algorithm=" << a.algorithm << " graph=" << a.graph << " problem=" << problem
                << " status=" << to_string(result.status) << " rounds=" << result.counters.rounds
                << " time=" << fmt(result.counters.time)
                << " gradients=" << result.counters.gradients << " messages=" << result.counters.messages
                << " bytes=" << result.counters.bytes << " suboptimality=" << fmt(last.suboptimality)
                << " consensus_error=" << fmt(last.consensus_error) << " distance_to_opt=" << fmt(last.distance_to_opt)
                << (a.measure ? measured : std::string()) << worker_summary << '\n';
      if (!a.csv.empty()) {
        std::ofstream out(a.csv);
        if (!out) throw InvalidArgument("run: cannot write --csv file '" + a.csv + "'");
        trace.write_csv(out);
      }
    };
    if (info.averaging || (a.algorithm == "a2cid2" && a.problem.empty())) {
      if (a.target > 0) throw InvalidArgument("run: --target needs an optimization algorithm");
      if (a.dim < 1) throw InvalidArgument("run: --dim must be >= 1 (got " + std::to_string(a.dim) + ")");
      Iterates<double> x;
      if (a.start == "slowest-mode") {  // every column the unit λ2-eigenvector of W (mean 0)
        const Vector<double> v = slowest_mode(mixing_matrix(g, a.mixing));
        x = v.replicate(1, a.dim);
      } else if (a.problem.empty()) {  // X_0 = iid N(0, I_d) rows drawn from the seed
        SplitMix64 rng(a.seed, 101, 0);
        x.resize(n, a.dim);
        for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
      } else {  // the nodes' local minimizers (architecture.md, run defaults)
        const ProblemInstance inst =
        make_problem(a.problem, n, parse_partition(a.partition), a.seed, std::max<Index>(a.batch, 1));
        x = std::visit([](const auto& p) { return local_minimizers(p); }, inst.problem);
      }
      TraceRecorder trace(trace_options);
      auto contraction = [&] {  // rank 0 alone observed the run under --backend mpi
        if (!root || meas.average_norm.empty()) return;
        measured += " average_ratio=" + fmt(meas.average_norm.back() / meas.average_norm.front(), 17) +
                    " max_contraction=" + fmt(meas.max_contraction(), 17);
      };
      if (a.algorithm == "gossip") {
        Gossip gossip(sequence());
        MeasureObserver<> observer(meas);
        result = execute(gossip, x, trace, observer);
        contraction();
      } else if (a.algorithm == "chebyshev-gossip") {
        if (a.sequence != "static") throw InvalidArgument("run: chebyshev-gossip needs --sequence static (one fixed W)");
        ChebyshevGossip cheb(sparse_identity(n) - mixing_matrix(g, a.mixing));
        result = run(cheb, x, run_options, trace, MeasureObserver<>(meas));
        contraction();
      } else if (a.algorithm == "continuized-gossip" || a.algorithm == "a2cid2") {
        if (a.sequence != "static") throw InvalidArgument("run: " + a.algorithm + " needs --sequence static");
        if (a.algorithm == "continuized-gossip") {
          ContinuizedGossip alg(g, engine);
          result = run(alg, x, run_options, trace);
        } else {  // A²CiD² in pure gossip mode (no --problem)
          A2cid2<> alg(g, engine);
          result = run(alg, x, run_options, trace);
        }
      } else if (a.algorithm == "pairwise-gossip") {
        if (real) {
          result = execute_real(runtime::GossipRule{}, x, trace);
        } else if (a.sequence == "static") {
          PairwiseGossip alg(g, engine);
          result = run(alg, x, run_options, trace);
        } else {
          PairwiseGossip alg(make_sequence(g, a.sequence, a.mixing, a.seed), engine);
          result = run(alg, x, run_options, trace);
        }
      } else {  // choco-gossip
        const Compressor comp = parse_compressor(a.compressor, x.cols());
        if (a.gamma == "theory" || a.gamma == "printed") {
          if (a.sequence != "static")
            throw InvalidArgument("run: --gamma " + a.gamma + " needs --sequence static (the theorem is for one fixed W)");
          const SparseMatrix w = mixing_matrix(g, a.mixing);
          const double delta = comp.delta(x.cols());
          gamma = a.gamma == "theory" ? choco_theory_gamma(w, delta) : choco_printed_gamma(w, delta);
        }
        ChocoGossip alg(sequence(), ChocoGossipOptions{.gamma = gamma, .compressor = comp, .seed = a.seed});
        if (mpi) {  // the Lyapunov observer reads X̂, which rank 0 does not gather
          result = execute(alg, x, trace);
        } else {
          ChocoLyapunovObserver lyapunov;
          result = run(alg, x, run_options, trace, lyapunov);
          const LinearRateFit fit = lyapunov.fitted_rate();
          measured += " lyapunov_rate=" + fmt(fit.rate, 17) + " lyapunov_exponent=" + fmt(-fit.slope, 17) +
                      " gamma=" + fmt(alg.gamma(), 17);
        }
      }
      finish(trace, a.problem.empty() ? "none" : a.problem);
      return;
    }
    if (a.problem.empty()) throw InvalidArgument("run: --problem is required by '" + a.algorithm + "'");
    const ProblemInstance inst =
        make_problem(a.problem, n, parse_partition(a.partition), a.seed, std::max<Index>(a.batch, 1));
    std::visit(
        [&](const auto& p) {
          using P = std::decay_t<decltype(p)>;
          const ReferenceSolution ref = reference_solution(p);
          const ProblemConstants c = problem_constants(p, ref.x);
          const double smoothness = std::isfinite(c.L_max) ? c.L_max : 0.0;
          TraceRecorder trace(p, ref.x, ref.f, trace_options);
          Iterates<double> x = a.start == "local"    ? local_minimizers(p)
                               : a.start == "random" ? random_start(n, p.dim(), a.seed)
                                                     : Iterates<double>::Zero(n, p.dim());
          AnySequence seq = sequence();
          double mu_mean = 0;
          for (double m : c.mu_i) mu_mean += m / static_cast<double>(c.mu_i.size());
          // The theorems' steps are stated for one static W (theory-rates.md §4b, §6).
          auto static_spectrum = [&] {
            if (a.sequence != "static")
              throw InvalidArgument("run: --step theory for '" + a.algorithm +
                                    "' needs --sequence static (the theorem is for one fixed W)");
            return mixing_spectrum(mixing_matrix(g, a.mixing));
          };
          auto need_smooth = [&] {
            if (!(smoothness > 0))
              throw InvalidArgument("run: '" + a.algorithm + "' needs a smooth problem (got '" + a.problem + "')");
          };
          if (a.algorithm == "dgd") {
            if (theory) step = dgd_theory_step(static_spectrum().lambda_min, c.L_max, c.L_mean, mu_mean);
            if (step == 0) need_smooth();
            Dgd alg(p, std::move(seq),
                    DgdOptions{.step_size = step, .smoothness = smoothness, .stochastic = a.batch > 0, .seed = a.seed});
            MeasureObserver<> observer(meas);
            result = execute(alg, x, trace, observer);
            measure_rate();
          } else if (a.algorithm == "gradient-tracking") {
            if (theory) step = diging_theory_step(static_spectrum().slem, 1, c.L_max, mu_mean, n);
            if (step == 0) need_smooth();
            GradientTracking alg(p, std::move(seq), GradientTrackingOptions{.step_size = step, .smoothness = smoothness});
            MeasureObserver<> observer(meas);
            result = execute(alg, x, trace, observer);
            measure_rate();
          } else if (a.algorithm == "extra") {
            if (theory) step = extra_theory_step(static_spectrum().lambda_min, c.L_max, c.mu);
            if (step == 0) need_smooth();
            Extra alg(p, std::move(seq), ExtraOptions{.step_size = step, .smoothness = smoothness});
            MeasureObserver<> observer(meas);
            result = execute(alg, x, trace, observer);
            measure_rate();
          } else if (a.algorithm == "admm") {
            Admm alg(p, std::move(seq), AdmmOptions{.penalty = a.rho});
            MeasureObserver<> observer(meas);
            result = execute(alg, x, trace, observer);
            measure_rate();
          } else if (a.algorithm == "msda") {
            if (a.sequence != "static") throw InvalidArgument("run: msda needs --sequence static (one fixed W)");
            Msda alg(p, std::move(seq));
            // --iterations counts communication rounds: K per dual step
            const RunOptions steps{.max_rounds = std::max<Round>(1, a.iterations / alg.chebyshev_steps())};
            result = run(alg, x, steps, trace, MeasureObserver<>(meas));
            measure_rate();
            if (a.measure && meas.step_norm.size() >= 8) measured += " rate_double_root=" + fmt(fit_step_rate_double_root(meas).rate, 17);
            // ||Θ_T − 1x*ᵀ||_F / ||Θ_0 − 1x*ᵀ||_F (rates optimal: the dual steps to ε)
            auto distance = [&](const Iterates<double>& m) { return (m.rowwise() - ref.x.transpose()).norm(); };
            measured += " distance_ratio=" + fmt(distance(meas.last) / distance(meas.first), 17);
          } else if (a.algorithm == "choco-sgd") {
            // ICLR'20 Thm. 4.1's step η = √n / √(T + 1) for a horizon of T rounds
            if (theory) step = std::sqrt(static_cast<double>(n)) / std::sqrt(static_cast<double>(a.iterations) + 1);
            if (step == 0) need_smooth();
            const Compressor comp = parse_compressor(a.compressor, p.dim());
            if (a.gamma == "theory" || a.gamma == "printed") {
              if (a.sequence != "static")
                throw InvalidArgument("run: --gamma " + a.gamma + " needs --sequence static (the theorem is for one fixed W)");
              const SparseMatrix w = mixing_matrix(g, a.mixing);
              const double delta = comp.delta(p.dim());
              gamma = a.gamma == "theory" ? choco_theory_gamma(w, delta) : choco_printed_gamma(w, delta);
            }
            ChocoSgd alg(p, std::move(seq),
                         ChocoSgdOptions{.gamma = gamma, .step_size = step, .smoothness = smoothness,
                                         .compressor = comp, .stochastic = a.batch > 0, .seed = a.seed});
            result = execute(alg, x, trace);
          } else if (a.algorithm == "async-sgd") {
            if (step == 0) need_smooth();
            const AsyncGossipSgdOptions o{.step_size = step, .smoothness = smoothness, .stochastic = a.batch > 0};
            if (real) {
              result = execute_real(runtime::SgdRule(p, o, a.seed), x, trace);
            } else if (a.sequence == "static") {
              AsyncGossipSgd alg(p, g, engine, o);
              result = run(alg, x, run_options, trace);
            } else {
              AsyncGossipSgd alg(p, make_sequence(g, a.sequence, a.mixing, a.seed), engine, o);
              result = run(alg, x, run_options, trace);
            }
          } else if (a.algorithm == "a2cid2") {
            if (a.sequence != "static") throw InvalidArgument("run: a2cid2 needs --sequence static");
            if (step == 0) need_smooth();
            A2cid2 alg(p, g, engine, A2cid2Options{.step_size = step, .smoothness = smoothness, .stochastic = a.batch > 0});
            result = run(alg, x, run_options, trace);
          } else if (a.algorithm == "dadao") {
            if constexpr (CurvatureBoundedObjective<P>) {
              if (a.sequence != "static") throw InvalidArgument("run: dadao needs --sequence static (χ1*, χ2* of one graph)");
              // the authors' rate rescaling (2 χ1* χ2* = 1) unless --comm-rate is given explicitly
              Dadao alg(p, g, engine, DadaoOptions{.theory_comm_rate = !comm_rate_given});
              result = run(alg, x, run_options, trace);
            } else {
              throw InvalidArgument("run: dadao needs a smooth strongly convex problem with curvature bounds (got '" +
                                    a.problem + "')");
            }
          } else if (a.algorithm == "async-admm") {
            if constexpr (ProximalObjective<P>) {
              if (a.sequence != "static") throw InvalidArgument("run: async-admm needs --sequence static");
              AsyncAdmm alg(p, g, engine, AsyncAdmmOptions{.penalty = a.rho});
              result = run(alg, x, run_options, trace);
            } else {
              throw InvalidArgument("run: async-admm needs a problem with a proximal operator (got '" + a.problem + "')");
            }
          } else {  // dual-averaging: the Thm. 2 scale unless --step gives one
            if (step == 0) {
              // R² >= ψ(x*) = ||x*||²/2 (at least 1); G: the subgradient bound of a nonsmooth problem,
              // else a bound of ||∇f_i|| on the ball ||x|| <= ||x*||: max_i ||∇f_i(x*)|| + 2 L_max ||x*||.
              const double r = std::max(ref.x.norm() / std::sqrt(2.0), 1.0);
              double gmax = c.lipschitz;
              if (!std::isfinite(gmax)) {
                gmax = 0;
                Vector<double> gi(p.dim());
                for (Index i = 0; i < n; ++i) {
                  p.gradient(i, ref.x, gi);
                  gmax = std::max(gmax, gi.norm());
                }
                gmax += 2 * c.L_max * ref.x.norm();
              }
              step = dual_averaging_theory_scale(r, gmax > 0 ? gmax : 1.0,
                                                 mixing_spectrum(SparseMatrix(seq.mixing(0))).slem);
            }
            DualAveraging alg(p, std::move(seq), DualAveragingOptions{.step_scale = step});
            result = execute(alg, x, trace);
            // Thm. 2 bounds every node's running average: max_i f(x̂_i(T)) − f* (rates dual-averaging);
            // under MPI this rank holds only its own averages, so the measure is left out
            if (mpi) {
              finish(trace, a.problem);
              return;
            }
            double worst = -std::numeric_limits<double>::infinity();
            for (Index i = 0; i < n; ++i)
              worst = std::max(worst, global_value(p, alg.averages().row(i).transpose()) - ref.f);
            measured += " worst_node_suboptimality=" + fmt(worst, 17);
          }
          finish(trace, a.problem);
        },
        inst.problem);
  });
}

}  // namespace adonis::cli
