// SPDX-License-Identifier: BSD-3-Clause
/// @file run.hpp
/// @brief `adonis run --algorithm NAME --graph SPEC [--problem SPEC] ...`: one run, a one-line
///        summary on stdout, and the trace as CSV with --csv.
#pragma once

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/trace.hpp"
#include "cli/common.hpp"

namespace adonis::cli {

/// The algorithm names `run` accepts so far (architecture.md lists the full set).
inline const std::vector<std::string>& run_algorithms() {
  static const std::vector<std::string> names{"gossip", "chebyshev-gossip", "dgd", "gradient-tracking", "extra"};
  return names;
}

/// Builds the graph sequence of `--sequence KIND` over graph g with `--mixing`.
inline AnySequence make_sequence(const Graph& g, const std::string& kind, const std::string& mixing, std::uint64_t seed) {
  const auto parts = detail::split(kind, ':');
  const std::string who = "run: --sequence '" + kind + "'";
  auto arity = [&](std::size_t k, const char* usage) {
    if (parts.size() != k + 1) detail::fail(who, "expected ", usage);
  };
  if (parts[0] == "static") { arity(0, "static"); return AnySequence(StaticSequence(mixing_matrix(g, mixing))); }
  if (parts[0] == "random-matching") { arity(0, "random-matching"); return AnySequence(RandomMatchingSequence(g, seed)); }
  if (parts[0] == "random-edge") { arity(0, "random-edge"); return AnySequence(RandomEdgeSequence(g, seed)); }
  if (parts[0] == "b-connected") {
    arity(1, "b-connected:B");
    return AnySequence(BConnectedSequence(g, detail::parse_number<Index>(parts[1], who, "B"), seed));
  }
  if (parts[0] == "markov") {
    arity(2, "markov:FAIL:RECOVER");
    return AnySequence(MarkovLinkSequence(g, detail::parse_number<double>(parts[1], who, "FAIL"),
                                          detail::parse_number<double>(parts[2], who, "RECOVER"), seed));
  }
  if (parts[0] == "one-peer-exponential") {
    arity(0, "one-peer-exponential");
    return AnySequence(OnePeerExponentialSequence(num_nodes(g)));
  }
  detail::fail(who, "unknown sequence (known: static, random-matching, random-edge, b-connected:B, "
                    "markov:FAIL:RECOVER, one-peer-exponential)");
}

/// Registers the subcommand on `app`.
inline void add_run(CLI::App& app) {
  struct Args {
    std::string algorithm, graph, problem, mixing = "metropolis", partition = "iid", sequence = "static", csv, step;
    Round iterations = 1000, every = 1;
    std::uint64_t seed = 0;
    Index dim = 10;
    double target = 0;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("run", "Run one algorithm and record its trace");
  std::string names;
  for (const auto& n : run_algorithms()) names += (names.empty() ? "" : " | ") + n;
  sub->add_option("--algorithm", args->algorithm, names)->required();
  sub->add_option("--graph", args->graph, "graph SPEC")->required();
  sub->add_option("--problem", args->problem, "problem SPEC (required by the optimization algorithms)");
  sub->add_option("--mixing", args->mixing, "metropolis | max-degree | laplacian | lazy-metropolis")->capture_default_str();
  sub->add_option("--sequence", args->sequence,
                  "static | random-matching | random-edge | b-connected:B | markov:FAIL:RECOVER | one-peer-exponential")
      ->capture_default_str();
  sub->add_option("--partition", args->partition, "iid | contiguous | sorted | dirichlet:ALPHA")->capture_default_str();
  sub->add_option("--iterations", args->iterations, "rounds")->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of X_0, the partition and random sequences")->capture_default_str();
  sub->add_option("--dim", args->dim, "dimension of the averaged vectors (averaging algorithms)")->capture_default_str();
  sub->add_option("--step", args->step, "constant step size (default: the algorithm's documented rule)");
  sub->add_option("--every", args->every, "record every k-th round")->capture_default_str();
  sub->add_option("--target", args->target, "stop once f(x̄) − f* <= target");
  sub->add_option("--csv", args->csv, "write the trace to FILE");
  sub->callback([args] {
    const auto& a = *args;
    if (std::find(run_algorithms().begin(), run_algorithms().end(), a.algorithm) == run_algorithms().end())
      throw InvalidArgument("run: unknown --algorithm '" + a.algorithm + "' (known: " + names_of(run_algorithms()) + ")");
    if (a.iterations < 0) throw InvalidArgument("run: --iterations must be >= 0 (got " + std::to_string(a.iterations) + ")");
    if (a.every < 1) throw InvalidArgument("run: --every must be >= 1 (got " + std::to_string(a.every) + ")");
    double step = 0;
    if (!a.step.empty()) {
      if (a.step == "theory") throw InvalidArgument("run: --step theory is not implemented yet for '" + a.algorithm + "'");
      step = detail::parse_number<double>(a.step, "run", "--step");
      if (!(step > 0)) throw InvalidArgument("run: --step must be > 0 (got " + a.step + ")");
    }
    const Graph g = make_graph(a.graph);
    const Index n = num_nodes(g);
    const RunOptions run_options{.max_rounds = a.iterations};
    RunResult result;
    TraceOptions trace_options{.every = a.every, .target = a.target};
    auto finish = [&](const TraceRecorder& trace, const std::string& problem) {
      const TraceRow& last = trace.rows().back();
      std::cout << "algorithm=" << a.algorithm << " graph=" << a.graph << " problem=" << problem
                << " status=" << to_string(result.status) << " rounds=" << result.counters.rounds
                << " gradients=" << result.counters.gradients << " messages=" << result.counters.messages
                << " bytes=" << result.counters.bytes << " suboptimality=" << fmt(last.suboptimality)
                << " consensus_error=" << fmt(last.consensus_error) << " distance_to_opt=" << fmt(last.distance_to_opt)
                << '\n';
      if (!a.csv.empty()) {
        std::ofstream out(a.csv);
        if (!out) throw InvalidArgument("run: cannot write --csv file '" + a.csv + "'");
        trace.write_csv(out);
      }
    };
    if (a.algorithm == "gossip" || a.algorithm == "chebyshev-gossip") {
      if (!a.problem.empty())
        throw InvalidArgument("run: averaging the nodes' local minimizers (--problem with '" + a.algorithm +
                              "') is not implemented yet");
      if (a.target > 0) throw InvalidArgument("run: --target needs an optimization algorithm");
      if (a.dim < 1) throw InvalidArgument("run: --dim must be >= 1 (got " + std::to_string(a.dim) + ")");
      SplitMix64 rng(a.seed, 101, 0);
      Iterates<double> x(n, a.dim);
      for (Index k = 0; k < x.size(); ++k) x.data()[k] = standard_normal(rng);
      TraceRecorder trace(trace_options);
      if (a.algorithm == "gossip") {
        Gossip gossip(make_sequence(g, a.sequence, a.mixing, a.seed));
        result = run(gossip, x, run_options, trace);
      } else {
        if (a.sequence != "static") throw InvalidArgument("run: chebyshev-gossip needs --sequence static (one fixed W)");
        ChebyshevGossip cheb(sparse_identity(n) - mixing_matrix(g, a.mixing));
        result = run(cheb, x, run_options, trace);
      }
      finish(trace, "none");
      return;
    }
    if (a.problem.empty()) throw InvalidArgument("run: --problem is required by '" + a.algorithm + "'");
    const ProblemInstance inst = make_problem(a.problem, n, parse_partition(a.partition), a.seed);
    std::visit(
        [&](const auto& p) {
          const ReferenceSolution ref = reference_solution(p);
          const ProblemConstants c = problem_constants(p, ref.x);
          const double smoothness = std::isfinite(c.L_max) ? c.L_max : 0.0;
          TraceRecorder trace(p, ref.x, ref.f, trace_options);
          Iterates<double> x = Iterates<double>::Zero(n, p.dim());
          AnySequence seq = make_sequence(g, a.sequence, a.mixing, a.seed);
          if (a.algorithm == "dgd") {
            Dgd alg(p, std::move(seq), DgdOptions{.step_size = step, .smoothness = smoothness});
            result = run(alg, x, run_options, trace);
          } else if (a.algorithm == "gradient-tracking") {
            GradientTracking alg(p, std::move(seq), GradientTrackingOptions{.step_size = step, .smoothness = smoothness});
            result = run(alg, x, run_options, trace);
          } else {
            Extra alg(p, std::move(seq), ExtraOptions{.step_size = step, .smoothness = smoothness});
            result = run(alg, x, run_options, trace);
          }
          finish(trace, a.problem);
        },
        inst.problem);
  });
}

}  // namespace adonis::cli
