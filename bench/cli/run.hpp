// SPDX-License-Identifier: BSD-3-Clause
/// @file run.hpp
/// @brief `adonis run --algorithm NAME --graph SPEC [--problem SPEC] ...`: one run, a one-line
///        summary on stdout, and the trace as CSV with --csv. The options are checked against
///        the algorithm catalog (cli/run_args.hpp); the run itself is in cli/run_averaging.hpp
///        and cli/run_optimizer.hpp.
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "adonis/algorithm/catalog.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/problem/spec.hpp"
#include "cli/run_args.hpp"
#include "cli/run_averaging.hpp"
#include "cli/run_optimizer.hpp"
#include "cli/run_session.hpp"

namespace adonis::cli {

/// Registers the options of the algorithm, the problem and the trace.
inline void add_run_problem_options(CLI::App* sub, RunArgs& a) {
  const std::string names = algorithm_names([](const AlgorithmInfo&) { return true; }, " | ");
  sub->add_option("--algorithm", a.algorithm, names)->required();
  sub->add_option("--graph", a.graph, "graph SPEC")->required();
  sub->add_option("--problem", a.problem, "problem SPEC (required by the optimization algorithms)");
  sub->add_option("--mixing", a.mixing, "metropolis | max-degree | laplacian | lazy-metropolis")->capture_default_str();
  sub->add_option("--sequence", a.sequence,
                  "static | random-matching | random-edge | random-spanning-tree | adversarial-tree:K | "
                  "b-connected:B | markov:FAIL:RECOVER | one-peer-exponential")
      ->capture_default_str();
  sub->add_option("--partition", a.partition, "iid | contiguous | sorted | dirichlet:ALPHA")->capture_default_str();
  a.iterations_option =
      sub->add_option("--iterations", a.iterations,
                      "rounds (synchronous) or events (asynchronous; with --backend threads|mpi the clocks stop at "
                      "the horizon N / total rate)")
          ->capture_default_str();
  sub->add_option("--seed", a.seed, "seed of X_0, the partition and random sequences")->capture_default_str();
  sub->add_option("--dim", a.dim, "dimension of the averaged vectors (averaging algorithms)")->capture_default_str();
  sub->add_option("--step", a.step,
                  "constant step size, or 'theory' for the theorem's own step (default: the algorithm's documented "
                  "rule; for dual-averaging the scale a of a/sqrt(t+1))");
  a.rho_option = sub->add_option("--rho", a.rho, "ADMM penalty c > 0")->capture_default_str();
  a.compressor_option =
      sub->add_option("--compressor", a.compressor,
                      "CHOCO compression: identity | top-k:K | random-k:K | random-k-unbiased:K | qsgd:S | sign")
          ->capture_default_str();
  sub->add_option("--gamma", a.gamma,
                  "CHOCO consensus step in (0, 1]; 'theory' for the consistent step γ* = ρδ/D of the proof, "
                  "'printed' for the step printed in ICLR'20, ρ²δ/D (default: the practical rule)");
  a.start_option =
      sub->add_option("--start", a.start,
                      "X_0 of the optimization algorithms: zero, local (each node's local minimizer), or random "
                      "(iid N(0, 1) entries drawn from --seed: a generic start that excites every mode); of gossip, "
                      "chebyshev-gossip and choco-gossip on a static W: slowest-mode (every column the unit "
                      "λ2-eigenvector of W, mean 0); of dgd, gradient-tracking, extra and admm on a static W: "
                      "slowest-mode (run from the random start to the fixed point, then --measure measures the "
                      "rate from there on the slowest mode of the round's Jacobian)")
          ->capture_default_str();
  sub->add_option("--batch", a.batch,
                  "stochastic gradients from minibatches of B samples (with replacement) for dgd (D-SGD) and "
                  "choco-sgd; 0 (default): exact local gradients")
      ->capture_default_str();
  sub->add_flag("--measure", a.measure,
                "add the measured rate quantities of `adonis rates` to the summary (fitted tail rate of "
                "||X_t − X_{t−1}||; for averaging: average drift and worst per-round contraction; for "
                "dual-averaging: max_i f(x̂_i) − f* over the nodes' running averages; for msda: "
                "||Θ_T − 1x*ᵀ|| / ||Θ_0 − 1x*ᵀ||)");
}

/// Registers the engine options (asynchronous algorithms), the backend and its options.
inline void add_run_engine_options(CLI::App* sub, RunArgs& a) {
  a.engine_options = {
      sub->add_option("--compute-rate", a.engine.compute_rate, "each node's gradient clock rate (asynchronous)")
          ->capture_default_str(),
      sub->add_option("--comm-rate", a.engine.comm_rate,
                      "total communication rate: each edge fires at R/|E| (edge clocks) or each node at R/n (node "
                      "clocks); R = 1 with edge clocks is graph-info's Λ = L/|E|")
          ->capture_default_str(),
      sub->add_option("--clock", a.engine.clock, "communication clocks: edge | node (Boyd et al.)")
          ->capture_default_str(),
      sub->add_option("--latency", a.engine.latency, "message latency: 0 | T (fixed) | exp:MEAN")
          ->capture_default_str(),
      sub->add_option("--drop", a.engine.drop, "probability that an exchange is lost")->capture_default_str(),
      sub->add_option("--churn", a.engine.churn,
                      "node churn RATE:MEAN_OFFLINE (an online node goes offline at RATE for an exponential time of "
                      "mean MEAN_OFFLINE)")
          ->capture_default_str(),
      sub->add_option("--segment", a.engine.segment,
                      "simulated duration of each graph of a time-varying --sequence (asynchronous)")
          ->capture_default_str()};
  a.every_option = sub->add_option("--every", a.every,
                                   "record every k-th round or event (default: a log-spaced schedule, ten rows per "
                                   "decade: 1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, …, and the last)");
  sub->add_flag("--worst-node", a.worst_node,
                "add max_i f(x_i) − f* to every row (n objective evaluations per row; else the column is nan)");
  sub->add_option("--target", a.target, "stop once f(x̄) − f* <= target");
  sub->add_option("--csv", a.csv, "write the trace to FILE");
  sub->add_option("--backend", a.backend,
                  "sim (one process, simulated time) | threads (the asynchronous algorithms: one thread per worker) | "
                  "mpi (under mpirun, each rank owns a block of nodes: gossip, dgd, gradient-tracking, extra, admm, "
                  "dual-averaging, choco-gossip, choco-sgd synchronously; the asynchronous algorithms with one-sided "
                  "communication); rank 0 writes the summary and the trace, with a wall_clock column")
      ->capture_default_str();
  a.threads_option =
      sub->add_option("--threads", a.threads,
                      "simulator, synchronous algorithms: threads of a round's mixing and per-node gradients "
                      "(0: one per core; bit-identical results for every count)")
          ->capture_default_str();
  a.real_options = {
      sub->add_option("--workers", a.real.workers, "threads backend: number of workers (default: one per core)"),
      sub->add_option("--duration", a.real.duration,
                      "threads/mpi asynchronous runs: wall-clock budget in seconds (without --iterations, the only "
                      "budget)"),
      sub->add_option("--time-unit", a.real.time_unit,
                      "threads/mpi asynchronous runs: wall seconds per unit of simulated time (clocks of rate 1 tick "
                      "1/UNIT times per second)")
          ->capture_default_str(),
      sub->add_option("--slowdown", a.real.slowdown,
                      "threads/mpi asynchronous runs: RANK:FACTOR, worker (rank) RANK's clocks tick FACTOR times "
                      "slower (a straggler; its gradient steps are scaled by FACTOR)"),
      sub->add_option("--record-period", a.real.record_period,
                      "threads/mpi asynchronous runs: seconds between two trace snapshots (default: 1/50 of the run)"),
      sub->add_option("--max-skew", a.real.max_skew,
                      "threads/mpi asynchronous runs: a worker waits rather than run more than this many units of "
                      "simulated time ahead of the latest one (0: the smaller of 2 ms of the pace and 4 events of a node; "
                      "inf: no bound)")
          ->capture_default_str()};
}

/// Registers the subcommand on `app`: parse, check against the catalog, run. A run stopped by
/// SIGINT or SIGTERM prints its summary (status=interrupted), writes its trace, and sets
/// exit_code to 128 + the signal.
inline void add_run(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Run one algorithm and record its trace");
  add_run_problem_options(sub, *args);
  add_run_engine_options(sub, *args);
  sub->callback([args, &exit_code] {
    RunArgs& a = *args;
    const AlgorithmInfo& info = algorithm_info(a.algorithm);  // throws for an unknown name
    check_algorithm_options(a, info);
    check_backend_options(a, info);
    // core/parallel.hpp; the event-driven algorithms and the real backends never use the pool
    set_round_threads(a.backend == "sim" && !info.asynchronous ? a.threads : 1);
    RunSession session(a);
    // SIGINT/SIGTERM: the run stops after its current round or event. Under MPI every rank
    // catches the SIGTERM that mpirun sends on Ctrl-C, and the ranks agree on the round
    // (runtime::mpi_run, mpi_async_run); a rank that saw no signal exits as if it got SIGINT.
    const InterruptHandler on_signal;
    if (info.averages(!a.problem.empty())) {
      run_averaging(session);
    } else {
      if (a.problem.empty()) throw InvalidArgument("run: --problem is required by '" + a.algorithm + "'");
      const ProblemInstance inst =
          make_problem(a.problem, session.n, parse_partition(a.partition), a.seed, std::max<Index>(a.batch, 1));
      std::visit([&](const auto& p) { run_optimizer(session, p); }, inst.problem);
    }
    if (session.result.status == Status::interrupted)
      exit_code = 128 + (interrupt_requested() != 0 ? interrupt_requested() : SIGINT);
  });
}

}  // namespace adonis::cli
