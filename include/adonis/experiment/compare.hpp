// SPDX-License-Identifier: BSD-3-Clause
/// @file compare.hpp
/// @brief Issue 19's comparison protocol: several methods on several instances (graph ×
///        problem), each method's hyperparameters tuned on *tuning seeds* disjoint from the
///        *evaluation seeds*, every method given the same budget in one cost unit, failures
///        counted (+∞ cost, never dropped), and the statistics of experiment/statistics.hpp
///        (median cost with an order-statistic interval, P(A beats B), performance profiles).
///        docs/evaluation.md states the rules and why each exists.
///
/// @code
///   adonis::experiment::CompareOptions o;
///   o.entries = {adonis::experiment::parse_entry("extra"), adonis::experiment::parse_entry("dgd:default")};
///   o.graphs = {"ring:16"};
///   o.problems = {"logistic:heart_scale:0.01"};
///   o.target = 1e-6;
///   o.unit = adonis::experiment::CostUnit::bytes;
///   o.budget = 3e7;
///   const adonis::experiment::Comparison c = adonis::experiment::run_comparison(o);
///   // c.cells[e][i]: success rate, median cost and its interval of entry e on instance i
/// @endcode
///
/// Tuning (a `tuned` entry): the documented default of each hyperparameter times the factors
/// of a log grid (TuningGrid, default 2^-4 … 2^6, 11 points); the factor with the least median cost to ε
/// over the tuning seeds wins (a failure costs +∞; ties, e.g. all failing, go to the least
/// median best suboptimality, then to the smaller factor). CHOCO-SGD is tuned coordinate-wise:
/// the step factor at the default γ, then γ (capped at 1) at that step factor (CHOCO's default step
/// depends on γ, so the numeric step follows γ). ADMM tunes its
/// penalty. `default` and `theory` entries are not tuned (the catalog's step rule; the
/// theorem's step on a static W).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/experiment/named_run.hpp"
#include "adonis/experiment/statistics.hpp"

namespace adonis::experiment {

namespace detail {

/// Runs `batch` on `jobs` threads (0: the cores), outcomes by index: the same results whatever
/// the number of threads (each run is a pure function of its NamedRun).
template <class... Problems>
void run_batch(std::vector<CompareRun>& batch, int jobs, std::size_t done_before, std::size_t total,
               const CompareProgress& progress) {
  const auto threads = static_cast<std::size_t>(
      std::max(1, std::min<int>(jobs > 0 ? jobs : available_cores(),
                                static_cast<int>(batch.size()))));
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  std::size_t done = done_before;
  std::exception_ptr error;
  const auto work = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= batch.size()) return;
      try {
        batch[k].outcome = run_named<Problems...>(batch[k].run);
        const std::lock_guard<std::mutex> g(lock);
        ++done;
        if (progress) progress(done, total, batch[k].phase);
      } catch (...) {  // the first error ends the batch; it is rethrown on the calling thread
        const std::lock_guard<std::mutex> g(lock);
        if (!error) error = std::current_exception();
        next = batch.size();
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  try {
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  } catch (...) {  // a thread that could not start: the others finish, this one works too
  }
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

/// The run of entry e on instance i with seed s and hyperparameters h.
inline NamedRun make_run(const CompareOptions& o, std::size_t e, std::size_t i, std::uint64_t seed, const Hyper& h) {
  NamedRun r{.algorithm = o.entries[e].algorithm,
             .graph = o.graphs[i / o.problems.size()],
             .problem = o.problems[i % o.problems.size()],
             .sequence = o.sequence,
             .mixing = o.mixing,
             .partition = o.partition,
             .start = o.start,
             .compressor = o.compressor,
             .hyper = h,
             .seed = seed,
             .target = o.target,
             .unit = o.unit,
             .budget = o.budget,
             .max_rounds = o.max_rounds};
  r.hyper.theory = o.entries[e].mode == "theory";
  return r;
}

/// Failures and divergences as +∞ (the statistics refuse NaN).
inline double as_cost(double x) { return std::isnan(x) ? std::numeric_limits<double>::infinity() : x; }

}  // namespace detail

/// Runs the comparison: tuning (when an entry is tuned), then the evaluation runs, then the
/// statistics. `jobs` threads run independent runs (0: the cores); the results do not depend
/// on it. `progress` is called after every run.
/// @throws InvalidArgument from CompareOptions::validate, or for a spec a run refuses.
template <class... Problems>  // instantiated only where called; Problems...: as run_named's
Comparison run_comparison(const CompareOptions& options, int jobs = 1, const CompareProgress& progress = {}) {
  options.validate();
  // every spec read once before any run: bad input fails first, not after the tuning
  for (std::size_t g = 0; g < options.graphs.size(); ++g) {
    const Graph graph = make_graph(options.graphs[g]);
    (void)make_sequence(graph, options.sequence, options.mixing, options.seed_base);
    for (std::size_t p = 0; p < options.problems.size(); ++p) {
      const ProblemInstance inst = make_problem(options.problems[p], num_nodes(graph), parse_partition(options.partition));
      (void)parse_compressor(options.compressor, inst.features);
      check_problem_type<Problems...>(inst);
      for (std::size_t e = 0; e < options.entries.size(); ++e)
        detail::make_run(options, e, g * options.problems.size() + p, options.seed_base, Hyper{}).validate();
    }
  }
  Comparison c{.options = options};
  const std::size_t ne = options.entries.size(), ni = c.instances();
  const std::vector<double> factors = options.grid.factors();
  const auto tuning_seeds = options.tuning_seed_list();
  const auto eval_seeds = options.evaluation_seeds();
  // the runs planned: tuning stages (one per tuned parameter) then evaluation
  std::size_t stages = 0;
  for (const CompareEntry& e : options.entries)
    if (e.mode == "tuned") stages = std::max(stages, detail::tuned_parameters(e.algorithm).size());
  std::size_t total = ne * ni * eval_seeds.size();
  for (const CompareEntry& e : options.entries)
    if (e.mode == "tuned") total += ni * detail::tuned_parameters(e.algorithm).size() * factors.size() * tuning_seeds.size();
  std::vector<std::vector<Hyper>> chosen(ne, std::vector<Hyper>(ni));
  for (std::size_t e = 0; e < ne; ++e)
    if (options.entries[e].mode == "tuned")
      for (std::size_t i = 0; i < ni; ++i) c.tuning.push_back(TuningChoice{.entry = e, .instance = i});
  for (std::size_t stage = 0; stage < stages; ++stage) {
    std::vector<CompareRun> batch;
    for (std::size_t e = 0; e < ne; ++e) {
      const auto params = detail::tuned_parameters(options.entries[e].algorithm);
      if (options.entries[e].mode != "tuned" || stage >= params.size()) continue;
      for (std::size_t i = 0; i < ni; ++i)
        for (double f : factors)
          for (std::uint64_t s : tuning_seeds) {
            Hyper h = chosen[e][i];
            detail::factor_of(h, params[stage]) = f;
            batch.push_back(CompareRun{.phase = "tuning", .entry = e, .instance = i,
                                       .run = detail::make_run(options, e, i, s, h)});
          }
    }
    detail::run_batch<Problems...>(batch, jobs, c.runs.size(), total, progress);
    // choose per (entry, instance): least median cost, then least median best, then first factor
    for (TuningChoice& t : c.tuning) {
      const auto params = detail::tuned_parameters(options.entries[t.entry].algorithm);
      if (stage >= params.size()) continue;
      double best_cost = 0, best_sub = 0, best_factor = 0;
      bool first = true;
      for (double f : factors) {
        std::vector<double> cost, sub;
        for (const CompareRun& r : batch) {
          if (r.entry == t.entry && r.instance == t.instance && detail::factor_of(r.run.hyper, params[stage]) == f) {
            cost.push_back(detail::as_cost(r.outcome.cost));
            sub.push_back(detail::as_cost(r.outcome.best));
          }
        }
        const double mc = quantile(cost, 0.5), ms = quantile(sub, 0.5);
        t.trials.push_back({params[stage], f, mc, ms});
        if (first || mc < best_cost || (mc == best_cost && ms < best_sub)) {
          best_cost = mc;
          best_sub = ms;
          best_factor = f;
          first = false;
        }
      }
      detail::factor_of(chosen[t.entry][t.instance], params[stage]) = best_factor;
      t.chosen = chosen[t.entry][t.instance];
    }
    for (CompareRun& r : batch) c.runs.push_back(std::move(r));
  }
  {
    std::vector<CompareRun> batch;
    for (std::size_t e = 0; e < ne; ++e)
      for (std::size_t i = 0; i < ni; ++i)
        for (std::uint64_t s : eval_seeds)
          batch.push_back(CompareRun{.phase = "evaluation", .entry = e, .instance = i,
                                     .run = detail::make_run(options, e, i, s, chosen[e][i])});
    detail::run_batch<Problems...>(batch, jobs, c.runs.size(), total, progress);
    for (CompareRun& r : batch) c.runs.push_back(std::move(r));
  }
  // statistics
  c.cells.assign(ne, std::vector<CellSummary>(ni));
  std::vector<std::vector<double>> medians(ne, std::vector<double>(ni));
  for (std::size_t e = 0; e < ne; ++e)
    for (std::size_t i = 0; i < ni; ++i) {
      CellSummary& cell = c.cells[e][i];
      std::vector<double> cost, final;
      for (const CompareRun& r : c.runs)
        if (r.phase == "evaluation" && r.entry == e && r.instance == i) {
          cost.push_back(detail::as_cost(r.outcome.cost));
          final.push_back(r.outcome.status == Status::diverged ? std::numeric_limits<double>::infinity()
                                                               : detail::as_cost(r.outcome.final_suboptimality));
          cell.successes += r.outcome.reached ? 1 : 0;
          ++cell.runs;
        }
      cell.cost = median_interval(cost, options.level);
      cell.final_q10 = quantile(final, 0.1);
      cell.final_q50 = quantile(final, 0.5);
      cell.final_q90 = quantile(final, 0.9);
      medians[e][i] = cell.cost.median;
    }
  for (std::size_t i = 0; i < ni; ++i)
    for (std::size_t a = 0; a < ne; ++a)
      for (std::size_t b = a + 1; b < ne; ++b) {
        std::vector<double> ca = c.costs(a, i), cb = c.costs(b, i);
        for (double& x : ca) x = detail::as_cost(x);
        for (double& x : cb) x = detail::as_cost(x);
        c.beats.push_back(PairBeat{.instance = i, .a = a, .b = b, .p = probability_beats(ca, cb, options.level)});
      }
  c.profile = performance_profile(medians);
  return c;
}

}  // namespace adonis::experiment
