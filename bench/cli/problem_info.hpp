// SPDX-License-Identifier: BSD-3-Clause
/// @file problem_info.hpp
/// @brief `adonis problem-info --problem SPEC --nodes N [--partition P] [--batch B] [--seed S] [--json]`.
#pragma once

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <variant>

#include <CLI/CLI.hpp>

#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "cli/common.hpp"

namespace adonis::cli {

/// The JSON object of problem-info (keys listed in the problems issue, plus provenance).
inline nlohmann::ordered_json problem_info_json(const ProblemInstance& inst, const PartitionSpec& partition,
                                                std::uint64_t seed, const ReferenceSolution& r,
                                                const ProblemConstants& c) {
  nlohmann::ordered_json j;
  const auto nodes = std::visit([](const auto& p) { return p.num_nodes(); }, inst.problem);
  j["problem"] = inst.spec;
  j["family"] = inst.family;
  j["dataset"] = inst.dataset.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(inst.dataset);
  j["samples"] = inst.samples;
  j["features"] = inst.features;
  j["dim"] = std::visit([](const auto& p) { return p.dim(); }, inst.problem);  // K d for multinomial
  if (const auto* m = std::get_if<MultinomialProblem>(&inst.problem)) j["classes"] = m->classes();
  j["nodes"] = nodes;
  j["partition"] = inst.family == "quadratic" ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(to_string(partition));
  if (!inst.parts.empty()) {
    std::size_t lo = inst.parts[0].size(), hi = lo;
    for (const auto& part : inst.parts) {
      lo = std::min(lo, part.size());
      hi = std::max(hi, part.size());
    }
    j["node_samples_min"] = lo;
    j["node_samples_max"] = hi;
  }
  j["seed"] = seed;
  j["lambda"] = inst.lambda;
  j["batch"] = c.batch;
  j["L"] = number(c.L);
  j["L_max"] = number(c.L_max);
  j["L_mean"] = number(c.L_mean);
  j["mu"] = number(c.mu);
  j["kappa"] = number(c.kappa);
  j["lipschitz"] = number(c.lipschitz);
  j["f_star"] = number(r.f);
  j["x_star_norm"] = number(r.x.norm());
  j["grad_norm_at_x_star"] = number(r.grad_norm);
  j["grad_norm_relative"] = number(r.grad_norm_relative);
  j["reference_method"] = r.method;
  j["reference_iterations"] = r.iterations;
  j["zeta2"] = number(c.zeta2);
  j["sigma2"] = number(c.sigma2);
  j["sample_variance"] = number(c.sample_variance);
  j["noise_variance"] = number(c.noise_variance);
  return j;
}

/// Registers the subcommand on `app`.
inline void add_problem_info(CLI::App& app) {
  struct Args {
    std::string problem, partition = "iid";
    Index nodes = 0, batch = 1;
    std::uint64_t seed = 0;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("problem-info", "Constants and reference solution of a decentralized problem");
  sub->add_option("--problem", args->problem,
                  "problem SPEC: logistic:DATA:LAMBDA, ridge:DATA:LAMBDA, least-squares:DATA, median:DATA, "
                  "multinomial:DATA:LAMBDA "
                  "(optional :std, :intercept, :noise=S2), quadratic:dim=D,L=..,mu=..,zeta=..")
      ->required();
  sub->add_option("--nodes", args->nodes, "number of nodes n")->required();
  sub->add_option("--partition", args->partition, "iid | contiguous | sorted | dirichlet:ALPHA")->capture_default_str();
  sub->add_option("--batch", args->batch, "minibatch size B of sigma2")->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of the partition (and of a quadratic)")->capture_default_str();
  sub->add_flag("--json", args->json, "print one JSON object");
  sub->callback([args] {
    const PartitionSpec partition = parse_partition(args->partition);
    const ProblemInstance inst = make_problem(args->problem, args->nodes, partition, args->seed, args->batch);
    ReferenceSolution r;
    ProblemConstants c;
    std::visit(
        [&](const auto& p) {
          r = reference_solution(p);
          c = problem_constants(p, r.x, args->batch);
        },
        inst.problem);
    const nlohmann::ordered_json j = problem_info_json(inst, partition, args->seed, r, c);
    if (args->json) {
      std::cout << j.dump(2) << '\n';
      return;
    }
    print_key_values(std::cout, "problem " + args->problem, j, "-", {"problem"});
  });
}

}  // namespace adonis::cli
