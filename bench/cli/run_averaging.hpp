// SPDX-License-Identifier: BSD-3-Clause
/// @file run_averaging.hpp
/// @brief `adonis run` for the averaging algorithms (gossip, chebyshev-gossip, choco-gossip,
///        pairwise-gossip, continuized-gossip, and a2cid2 without a problem).
#pragma once

#include <string>
#include <variant>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/spec.hpp"
#include "cli/run_session.hpp"

namespace adonis::cli {

/// X_0 of an averaging run: the slowest mode of W in every column, iid N(0, I_d) rows drawn from
/// the seed, or the nodes' local minimizers when a problem is given (architecture.md).
inline Iterates<double> averaging_start(const RunSession& s) {
  const RunArgs& a = s.a;
  if (a.target > 0) throw InvalidArgument("run: --target needs an optimization algorithm");
  if (a.dim < 1) throw InvalidArgument("run: --dim must be >= 1 (got " + std::to_string(a.dim) + ")");
  if (a.start == "slowest-mode") return slowest_mode(mixing_matrix(s.graph, a.mixing)).replicate(1, a.dim);
  if (a.problem.empty()) {
    SplitMix64 rng(a.seed, 101, 0);
    Iterates<double> x(s.n, a.dim);
    for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
    return x;
  }
  const ProblemInstance inst = make_problem(a.problem, s.n, parse_partition(a.partition), a.seed, std::max<Index>(a.batch, 1));
  return std::visit([](const auto& p) { return local_minimizers(p); }, inst.problem);
}

/// --measure of the synchronous averaging algorithms: the average's drift and the worst
/// per-round contraction (rank 0 alone observed the run under --backend mpi).
inline void measure_contraction(RunSession& s) {
  if (!s.root || s.meas.average_norm.empty()) return;
  s.add_measure("average_ratio", s.meas.average_norm.back() / s.meas.average_norm.front());
  s.add_measure("max_contraction", s.meas.max_contraction());
}

/// CHOCO-Gossip, with its Lyapunov rate in the summary (left out under MPI: it reads X̂, which
/// rank 0 does not gather).
inline void run_choco_gossip(RunSession& s, Iterates<double>& x, TraceRecorder& trace) {
  const Compressor comp = parse_compressor(s.a.compressor, x.cols());
  ChocoGossip alg(s.sequence(), ChocoGossipOptions{.gamma = s.choco_gamma(comp, x.cols()), .compressor = comp,
                                                   .seed = s.a.seed});
  if (s.a.mpi) {
    s.execute(alg, x, trace);
    return;
  }
  ChocoLyapunovObserver lyapunov;
  s.result = run(alg, x, s.run_options, trace, lyapunov);
  const LinearRateFit fit = lyapunov.fitted_rate();
  s.add_measure("lyapunov_rate", fit.rate);
  s.add_measure("lyapunov_exponent", -fit.slope);
  s.add_measure("gamma", alg.gamma());
}

/// The event-driven averaging algorithms (continuized gossip, A²CiD² as gossip, pairwise gossip).
inline void run_async_averaging(RunSession& s, Iterates<double>& x, TraceRecorder& trace) {
  const RunArgs& a = s.a;
  if (a.algorithm == "pairwise-gossip") {
    if (a.real_backend) {
      s.execute_real(runtime::GossipRule{}, x, trace);
    } else if (a.sequence == "static") {
      PairwiseGossip alg(s.graph, s.engine);
      s.execute(alg, x, trace);
    } else {
      PairwiseGossip alg(make_sequence(s.graph, a.sequence, a.mixing, a.seed), s.engine);
      s.execute(alg, x, trace);
    }
    return;
  }
  if (a.sequence != "static") throw InvalidArgument("run: " + a.algorithm + " needs --sequence static");
  // on real workers: the simulator's algorithm over the same clocks gives the rule its constants
  if (a.algorithm == "continuized-gossip") {
    ContinuizedGossip alg(s.graph, s.engine);
    if (!a.real_backend) return s.execute(alg, x, trace);
    s.warn_outside(alg);
    s.execute_real(runtime::MomentumRule(alg, s.graph), x, trace);
  } else {  // A²CiD² in pure gossip mode (no --problem)
    A2cid2<> alg(s.graph, s.engine);
    if (!a.real_backend) return s.execute(alg, x, trace);
    s.warn_outside(alg);
    s.execute_real(runtime::MomentumRule(alg, s.graph), x, trace);
  }
}

/// Runs an averaging algorithm and prints its summary.
inline void run_averaging(RunSession& s) {
  const RunArgs& a = s.a;
  Iterates<double> x = averaging_start(s);
  TraceRecorder trace(s.trace_options);
  if (a.algorithm == "gossip") {
    Gossip gossip(s.sequence());
    s.execute(gossip, x, trace, s.measure_observer());
    measure_contraction(s);
  } else if (a.algorithm == "chebyshev-gossip") {
    if (a.sequence != "static") throw InvalidArgument("run: chebyshev-gossip needs --sequence static (one fixed W)");
    ChebyshevGossip cheb(sparse_identity(s.n) - mixing_matrix(s.graph, a.mixing));
    s.execute(cheb, x, trace, s.measure_observer());
    measure_contraction(s);
  } else if (a.algorithm == "choco-gossip") {
    run_choco_gossip(s, x, trace);
  } else {
    run_async_averaging(s, x, trace);
  }
  s.finish(trace, a.problem.empty() ? "none" : a.problem);
}

}  // namespace adonis::cli
