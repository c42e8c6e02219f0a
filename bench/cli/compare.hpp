// SPDX-License-Identifier: BSD-3-Clause
/// @file compare.hpp
/// @brief `adonis compare`: parses, calls experiment::run_comparison (include/adonis/experiment/
///        compare.hpp) and prints or writes what compare_report.hpp makes of it. In the CLI's
///        one translation unit: its algorithms (Dgd, Extra, … over AnySequence) are the ones
///        `adonis run` instantiates already (a TU of its own cost 63 s of compile at -O1 in
///        release, 112 s under ASan, against CI's 20-minute budget).
///
///   adonis compare --algorithms A,B[:default|:theory],... --graphs G,... --problems P,...
///                  --target EPS --budget rounds|gradients|bytes|time --max COST
///                  [--seeds N] [--seed-base S] [--tuning-seeds T] [--tuning-base S]
///                  [--grid LOW:HIGH:POINTS] [--level L] [--max-rounds R] [--sequence S] [--mixing M]
///                  [--partition P] [--start S] [--compressor C] [--jobs K] [--out DIR]
///   adonis compare --replay DIR/compare.json [--jobs K]   (re-runs it; exit 1 if a run differs)
#pragma once

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/core/parse.hpp"
#include "adonis/experiment/compare.hpp"
#include "adonis/experiment/compare_report.hpp"

namespace adonis::cli {

namespace compare_detail {

/// A comma-separated list; a piece without ':' but with '=' continues the previous spec (the
/// quadratic's key=value,key=value fields: quadratic:dim=5,L=4 stays one problem).
inline std::vector<std::string> spec_list(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string_view piece : adonis::detail::split(text, ',')) {
    const std::string s(piece);
    if (!out.empty() && s.find(':') == std::string::npos && s.find('=') != std::string::npos)
      out.back() += "," + s;
    else if (!s.empty())
      out.push_back(s);
  }
  return out;
}

/// "compare: 120/256 runs (tuning), 12.3 s, about 10 s left" on stderr, at most twice a second.
class Progress {
 public:
  void operator()(std::size_t done, std::size_t total, const std::string& phase) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    if (done < total && elapsed - m_last < 0.5) return;
    m_last = elapsed;
    const double left = done > 0 ? elapsed * static_cast<double>(total - done) / static_cast<double>(done) : 0;
    std::fprintf(stderr, "compare: %zu/%zu runs (%s), %.1f s, about %.0f s left\n", done, total, phase.c_str(), elapsed,
                 left);
  }

 private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  double m_last = -1;
};

}  // namespace compare_detail

/// Registers `adonis compare` on `app`; `invocation` (the program's command line) goes into the
/// comparison's JSON. Sets `exit_code` to 1 when a --replay differs.
inline void add_compare(CLI::App& app, int& exit_code, const std::string& invocation) {
  using compare_detail::Progress;
  using compare_detail::spec_list;
  struct Args {
    std::string algorithms, graphs, problems, budget = "rounds", grid = "0.0625:64:11", out, replay;
    experiment::CompareOptions o;
    int jobs = 0;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("compare", "Compare methods: tuned on separate seeds, equal budgets, statistics");
  sub->add_option("--algorithms", args->algorithms,
                  "methods A,B,...: dgd, gradient-tracking, extra, admm, choco-sgd; NAME tuned, NAME:default "
                  "(documented rule), NAME:theory (the theorem's step)");
  sub->add_option("--graphs", args->graphs, "graph SPECs G,...");
  sub->add_option("--problems", args->problems, "problem SPECs P,...");
  sub->add_option("--sequence", args->o.sequence, "mixing sequence of every run")->capture_default_str();
  sub->add_option("--mixing", args->o.mixing, "metropolis | max-degree | laplacian | lazy-metropolis")->capture_default_str();
  sub->add_option("--partition", args->o.partition, "iid | contiguous | sorted | dirichlet:ALPHA")->capture_default_str();
  sub->add_option("--start", args->o.start, "zero | random | local")->capture_default_str();
  sub->add_option("--compressor", args->o.compressor, "compressor of choco-sgd")->capture_default_str();
  sub->add_option("--seeds", args->o.seeds, "evaluation seeds: seed-base, ..., seed-base + N - 1")->capture_default_str();
  sub->add_option("--seed-base", args->o.seed_base, "first evaluation seed")->capture_default_str();
  sub->add_option("--tuning-seeds", args->o.tuning_seeds, "tuning seeds (disjoint from the evaluation seeds)")
      ->capture_default_str();
  sub->add_option("--tuning-base", args->o.tuning_base, "first tuning seed")->capture_default_str();
  sub->add_option("--grid", args->grid, "tuning factors of the documented defaults, LOW:HIGH:POINTS (log-spaced)")
      ->capture_default_str();
  sub->add_option("--target", args->o.target, "reach f(x̄) − f* <= EPS");
  sub->add_option("--budget", args->budget, "cost unit: rounds | gradients | bytes | time (simulated)")
      ->capture_default_str();
  sub->add_option("--max", args->o.budget, "every method's budget in that unit");
  sub->add_option("--max-rounds", args->o.max_rounds,
                  "backstop of a run's rounds when --budget is not rounds (a run that hits it first is an error)")
      ->capture_default_str();
  sub->add_option("--level", args->o.level, "confidence level of the intervals")->capture_default_str();
  sub->add_option("--jobs", args->jobs, "runs side by side on K threads (0: the cores); results do not depend on it")
      ->capture_default_str();
  sub->add_option("--out", args->out, "directory for compare.csv, compare.json and the figures");
  sub->add_option("--replay", args->replay, "re-run the comparison of a compare.json and check it bit for bit");
  sub->callback([args, &exit_code, invocation] {
    Args& a = *args;
    if (a.jobs < 0) throw InvalidArgument("compare: --jobs must be >= 0 (got " + std::to_string(a.jobs) + ")");
    Progress progress;
    const auto report = [&](std::size_t d, std::size_t t, const std::string& p) { progress(d, t, p); };
    if (!a.replay.empty()) {
      const nlohmann::json recorded = experiment::read_comparison_json(a.replay);
      const experiment::Comparison c =
          experiment::run_comparison(experiment::options_from_json(recorded), a.jobs, report);
      const std::vector<std::string> diff = experiment::replay_differences(c, recorded);
      if (!a.out.empty()) experiment::write_comparison(c, a.out, invocation);
      if (diff.empty()) {
        std::cout << "compare: replay of " << a.replay << ": " << c.runs.size() << " runs, identical bit for bit\n";
        return;
      }
      for (const std::string& d : diff) std::cout << "compare: differs: " << d << '\n';
      std::cout << "compare: replay of " << a.replay << ": " << diff.size() << " of " << c.runs.size()
                << " runs differ\n";
      exit_code = 1;
      return;
    }
    if (a.algorithms.empty() || a.graphs.empty() || a.problems.empty())
      throw InvalidArgument("compare: --algorithms, --graphs, --problems, --target and --max are required (or --replay)");
    for (const std::string& m : spec_list(a.algorithms)) a.o.entries.push_back(experiment::parse_entry(m));
    a.o.graphs = spec_list(a.graphs);
    a.o.problems = spec_list(a.problems);
    a.o.unit = experiment::parse_cost_unit(a.budget);
    a.o.grid = experiment::parse_grid(a.grid);
    const experiment::Comparison c = experiment::run_comparison(a.o, a.jobs, report);
    std::cout << experiment::compare_markdown(c);
    if (!a.out.empty()) experiment::write_comparison(c, a.out, invocation);
  });
}

}  // namespace adonis::cli
