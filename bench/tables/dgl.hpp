// SPDX-License-Identifier: BSD-3-Clause
/// @file dgl.hpp
/// @brief The `dgl` table of `adonis rates`: decoupled greedy learning (include/adonis/dgl/,
///        docs/dgl.md) measured against its exact greedy reference.
///
///  (a) [DER] full-batch synchronous decoupled descent with constant steps η_j = f_j/L_j: module
///      j converges at max_{i ≤ j} ρ(I − η_i H_i), checked on the exponent −log ρ (rel. 2 %) where
///      the slowest mode dominates the fit window (the second mode's weight (ρ₂/ρ)^start below
///      5 %; reported otherwise: t^k r^t terms of close modes bias the fit), and every module
///      reaches ‖A_j − A_j*‖/‖A_j*‖ ≤ 1e-8. Module 1 runs at 0.2/L_1 so that the slowest module is
///      not always the last (the step rule).
///  (b) [REC] synchronous decoupled SGD with steps c/(t + t0), c = 1/λ, t0 = cL_j: the log-log
///      slope of E‖A_j − A_j*‖² (mean over seeds) against t over the last decade is −1 ± 0.15.
///  (c) [REC] asynchronous decoupled SGD with uniform replay buffers of M ∈ {1, 16, 256} and module
///      2 on a clock 10× slower: every module converges (slope of E‖A_j − A_j*‖² against simulated
///      time over the last decade ≤ −½); test accuracy and distances at equal simulated time T
///      against the synchronous scheme (which advances at the slowest module's rate) and the
///      blocking pipeline without buffer, for several slowdowns (reported: arXiv 2106.06401's
///      claim that the buffer makes asynchronous DGL robust to a slow module).
///  (d) quantized activations: test accuracy and distance against bits per score (reported; the
///      note flags a drop of more than one point against 32 bits).
///  (e) the greedy optimum's test accuracy per module (reported; expected to rise with j, then
///      saturate).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/dgl/model.hpp"
#include "adonis/dgl/quantize.hpp"
#include "adonis/dgl/reference.hpp"
#include "adonis/dgl/train.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"
#include "tables/scaling.hpp"

namespace adonis::tables {

/// Parameters of the dgl table (full preset by default, quick() for `--quick`).
struct DglTableSpec {
  /// One configuration of row (a): η_j = step_factors[j]/L_j from zero heads.
  struct FullBatchCase {
    std::string data;
    dgl::HeadLoss loss = dgl::HeadLoss::ridge;
    Index width = 6;
    double lambda = 0.05;
  };
  Index modules = 3;
  double test_fraction = 0.2;  ///< of the seeded stratified split (seed 0)
  // (a)
  std::vector<FullBatchCase> full_batch{{"heart_scale", dgl::HeadLoss::ridge, 6, 0.05},
                                        {"heart_scale", dgl::HeadLoss::logistic, 16, 0.05},
                                        {"digits", dgl::HeadLoss::logistic, 32, 0.1}};
  std::vector<double> step_factors{0.2, 1, 1};  ///< f_j (one per module)
  double rate_tolerance = 0.02;  ///< relative, on −log ρ
  double mixing_limit = 0.05;    ///< the second mode's weight above which a fit is reported
  Index fit_window = 500;        ///< iterations of the rate fit
  // (b)
  std::string sgd_data = "heart_scale";
  Index sgd_width = 16;
  double sgd_lambda = 0.05;
  int sgd_seeds = 20;
  std::int64_t sgd_events = 200000;
  double slope_tolerance = 0.15;
  // (c), (d), (e): logistic heads on `data`
  std::string data = "digits";
  Index width = 64;
  double lambda = 1e-2;
  std::vector<Index> buffers{1, 16, 256};
  std::vector<double> slowdowns{1, 10, 30};  ///< of `slow_module`'s clock (the figure's x axis)
  double converge_slowdown = 10;             ///< where convergence is asserted
  Index slow_module = 1;                     ///< 0-based: module 2
  double time = 95000;                       ///< T, the simulated time of every scheme
  int seeds = 3;
  std::vector<int> bits{2, 4, 8, 16, 32};
  Index greedy_modules = 5;  ///< (e)

  static DglTableSpec quick() {
    DglTableSpec s;
    s.full_batch.resize(2);  // heart_scale only
    s.sgd_seeds = 10;
    s.sgd_events = 50000;
    s.slowdowns = {1, 10};
    s.time = 40000;
    s.seeds = 2;
    s.greedy_modules = 3;
    return s;
  }
};

namespace dgl_table_detail {

inline dgl::TrainTest split_of(const DglTableSpec& spec, const std::string& data) {
  return dgl::stratified_split(load_dataset(data), spec.test_fraction, 0);
}

/// "digits logistic width 64 lambda 0.01": the problem column of a row.
inline std::string model_label(const std::string& data, dgl::HeadLoss loss, Index width, double lambda) {
  return data + " " + std::string(dgl::to_string(loss)) + " width " + std::to_string(width) + " lambda " + fmt(lambda, 3);
}

inline std::string join(const std::vector<double>& v, int digits = 4) {
  std::string s;
  for (std::size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + fmt(v[k], digits);
  return s;
}

// ---------------------------------------------------------------- (a) full batch

struct FullBatchResult {
  DglTableSpec::FullBatchCase c{};
  std::vector<double> steps{}, alone{};  ///< η_j and ρ(I − η_j H_j)
  std::vector<double> expected{}, second{}, fitted{}, weight{}, final_distance{};
  std::vector<Index> start{}, end{};  ///< the fit windows
  Index iterations = 0;
};

inline FullBatchResult full_batch_run(const DglTableSpec& spec, const DglTableSpec::FullBatchCase& c) {
  const dgl::TrainTest data = split_of(spec, c.data);
  const dgl::Model model(data.train.x.cols(), data.train.classes,
                         {.modules = spec.modules, .width = c.width, .lambda = c.lambda, .loss = c.loss, .seed = 0});
  const dgl::GreedyReference ref = dgl::greedy_reference(model, data, true);
  FullBatchResult r{.c = c};
  const auto J = static_cast<std::size_t>(spec.modules);
  for (std::size_t j = 0; j < J; ++j) {
    r.steps.push_back(spec.step_factors.at(j) / ref.modules[j].smoothness);
    r.alone.push_back(ref.modules[j].gd_rate(r.steps.back()));
  }
  // long enough for the slowest module to fall 13 decades, then the fit window
  const double slowest = *std::max_element(r.alone.begin(), r.alone.end());
  r.iterations = static_cast<Index>(std::ceil(std::log(1e-13) / std::log(slowest))) + spec.fit_window;
  const Matrix<double> dist = dgl::full_batch_decoupled(model, data, ref, r.steps, r.iterations);
  for (std::size_t j = 0; j < J; ++j) {
    std::vector<double> modes;  // every |1 − η_i h|, i ≤ j
    for (std::size_t i = 0; i <= j; ++i)
      for (double h : ref.modules[i].spectrum) modes.push_back(std::abs(1 - r.steps[i] * h));
    std::sort(modes.rbegin(), modes.rend());
    r.expected.push_back(modes[0]);
    r.second.push_back(modes.size() > 1 ? modes[1] : 0.0);
    // the window ends where the distance is still above 1e-12 (the rounding floor of A_j*)
    const auto col = static_cast<Index>(j);
    Index b = r.iterations;
    while (b > spec.fit_window && dist(b, col) < 1e-12) --b;
    const Index a = std::max<Index>(b - spec.fit_window, b / 2);
    r.start.push_back(a);
    r.end.push_back(b);
    r.fitted.push_back(std::exp((std::log(dist(b, col)) - std::log(dist(a, col))) / static_cast<double>(b - a)));
    r.weight.push_back(std::pow(r.second.back() / r.expected.back(), static_cast<double>(a)));
    r.final_distance.push_back(dist(r.iterations, col));
  }
  return r;
}

inline std::vector<RateRow> full_batch_rows(const DglTableSpec& spec, const FullBatchResult& r) {
  std::vector<RateRow> rows;
  const std::string problem = model_label(r.c.data, r.c.loss, r.c.width, r.c.lambda);
  for (std::size_t j = 0; j < r.expected.size(); ++j) {
    const std::string module = "module " + std::to_string(j + 1);
    const Theorem th = theorems::dgl_full_batch_rate(r.expected[j]);
    RateRow base = theorem_row(th, RateRow{.table = "dgl", .graph = "none", .problem = problem,
                                           .quantity = module + ": -log(rate) per full-batch iteration"});
    base.note = "eta_i L_i = " + join(spec.step_factors, 3) + "; rho(I - eta_i H_i) alone = " + join(r.alone, 6) +
                "; second mode " + fmt(r.second[j], 6) + ", weight " + fmt(r.weight[j], 3) + " at the window [" +
                std::to_string(r.start[j]) + ", " + std::to_string(r.end[j]) + "]; fitted rate " + fmt(r.fitted[j], 6) +
                " vs " + fmt(r.expected[j], 6);
    const double expected = -std::log(r.expected[j]), fitted = -std::log(r.fitted[j]);
    if (r.weight[j] < spec.mixing_limit) {
      rows.push_back(judge_equal(std::move(base), expected, fitted, spec.rate_tolerance));
    } else {
      std::string reason = base.note + ": a second mode within the window's reach (weight >= " +
                           fmt(spec.mixing_limit, 2) + ") biases the fit (t^k r^t terms): reported";
      rows.push_back(report_only(std::move(base), fitted, std::move(reason), expected));
    }
    RateRow conv = theorem_row(theorems::dgl_full_batch_convergence(),
                               RateRow{.table = "dgl", .graph = "none", .problem = problem,
                                       .quantity = module + ": ||A_j - A_j*|| / ||A_j*|| after " +
                                                   std::to_string(r.iterations) + " full-batch iterations"});
    rows.push_back(judge_bound(std::move(conv), theorems::dgl_full_batch_convergence().value, r.final_distance[j], 0));
  }
  return rows;
}

// ---------------------------------------------------------------- SGD runs, averaged over seeds

/// A scheme's runs over seeds: E‖A_j − A_j*‖² at the records (mean over seeds; the records are
/// at the same events in every seed), against the mean simulated time; final accuracy and
/// distance per module (means); steps of seed 0.
struct SchemeRun {
  std::string label{}, command{};
  std::vector<double> time{};
  std::vector<std::vector<double>> mean_sq{};  ///< [module][record]
  std::vector<double> accuracy{}, distance{}, steps{};
  std::int64_t bytes = 0;  ///< activation bytes into the last module (seed 0)
  bool diverged = false;
};

/// Runs `o` for seeds 0…seeds−1; `time_scale` converts the trace's time to simulated time (the
/// synchronous scheme's samples at the slowest module's rate).
inline SchemeRun scheme_run(const dgl::Model& model, const dgl::TrainTest& data, const dgl::GreedyReference& ref,
                            dgl::TrainOptions o, int seeds, double time_scale, std::string label) {
  SchemeRun run{.label = std::move(label)};
  const auto J = static_cast<std::size_t>(model.modules());
  run.mean_sq.assign(J, {});
  run.accuracy.assign(J, 0.0);
  run.distance.assign(J, 0.0);
  for (int s = 0; s < seeds && !interrupt_requested(); ++s) {
    o.seed = static_cast<std::uint64_t>(s);
    const dgl::Trace t = dgl::simulate(model, data, ref, o);
    run.diverged = run.diverged || t.diverged;
    if (s == 0) {
      run.time.assign(t.rows.size(), 0.0);
      for (auto& m : run.mean_sq) m.assign(t.rows.size(), 0.0);
      for (std::size_t j = 0; j < J; ++j) run.steps.push_back(static_cast<double>(t.rows.back().modules[j].steps));
      run.bytes = t.rows.back().modules[J - 1].bytes;
    }
    const std::size_t n = std::min(run.time.size(), t.rows.size());
    for (std::size_t r = 0; r < n; ++r) {
      run.time[r] += t.rows[r].time * time_scale / seeds;
      for (std::size_t j = 0; j < J; ++j) {
        const double d = t.rows[r].modules[j].distance;
        run.mean_sq[j][r] += d * d / seeds;
      }
    }
    for (std::size_t j = 0; j < J; ++j) {
      run.accuracy[j] += t.rows.back().modules[j].test_accuracy / seeds;
      run.distance[j] += t.rows.back().modules[j].distance / seeds;
    }
  }
  return run;
}

/// Log-log fit of run.mean_sq[j] against `x` over the records with x in [x_end/10, x_end].
inline PowerLawFit last_decade_fit(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> fx, fy;
  const double end = x.back();
  for (std::size_t r = 0; r < x.size(); ++r)
    if (x[r] >= end / 10 && x[r] > 0 && y[r] > 0) {
      fx.push_back(x[r]);
      fy.push_back(y[r]);
    }
  return fit_power_law(fx, fy);
}

/// The `adonis dgl` command of a run (seed 0).
inline std::string dgl_command(const DglTableSpec& spec, const dgl::TrainOptions& o) {
  std::ostringstream c;
  c << "adonis dgl --data " << spec.data << " --modules " << spec.modules << " --width " << spec.width << " --lambda "
    << fmt(spec.lambda) << " --test-fraction " << fmt(spec.test_fraction) << " --scheme " << dgl::to_string(o.scheme);
  if (o.scheme == dgl::Scheme::asynchronous) {
    c << " --buffer " << o.buffer << " --replay " << (o.replay == dgl::Replay::uniform ? "uniform" : "fifo") << " --rates ";
    for (std::size_t j = 0; j < o.rates.size(); ++j) c << (j ? "," : "") << fmt(o.rates[j]);
  }
  if (o.quantize != "identity") c << " --quantize " << o.quantize;
  c << " --events " << o.events << " --seed 0";
  return c.str();
}

// ---------------------------------------------------------------- (c) schemes at equal time

struct SlowdownRuns {
  double slowdown = 1;
  std::vector<double> rates{};
  std::vector<SchemeRun> runs{};  ///< sync, blocking, then one per buffer size
};

inline SlowdownRuns slowdown_runs(const DglTableSpec& spec, const dgl::Model& model, const dgl::TrainTest& data,
                                  const dgl::GreedyReference& ref, double slowdown) {
  SlowdownRuns out{.slowdown = slowdown, .rates = std::vector<double>(static_cast<std::size_t>(spec.modules), 1.0)};
  out.rates.at(static_cast<std::size_t>(spec.slow_module)) = 1 / slowdown;
  const double total = std::accumulate(out.rates.begin(), out.rates.end(), 0.0);
  const double slowest = *std::min_element(out.rates.begin(), out.rates.end());
  // synchronous: one sample through every module per round, a round waits for the slowest module
  dgl::TrainOptions sync{.scheme = dgl::Scheme::synchronous,
                         .events = std::max<std::int64_t>(1, std::llround(spec.time * slowest))};
  out.runs.push_back(scheme_run(model, data, ref, sync, spec.seeds, 1 / slowest, "sync"));
  out.runs.back().command = dgl_command(spec, sync);
  std::vector<Index> buffers{0};
  buffers.insert(buffers.end(), spec.buffers.begin(), spec.buffers.end());
  for (Index m : buffers) {
    dgl::TrainOptions o{.scheme = dgl::Scheme::asynchronous, .rates = out.rates, .buffer = m,
                        .replay = dgl::Replay::uniform, .events = std::llround(spec.time * total)};
    out.runs.push_back(scheme_run(model, data, ref, o, spec.seeds, 1, m == 0 ? "blocking" : "async M=" + std::to_string(m)));
    out.runs.back().command = dgl_command(spec, o);
  }
  return out;
}

}  // namespace dgl_table_detail

/// The dgl table: rows (a)–(e) of the file comment, figures dgl_schemes (distance per module
/// against simulated time for the schemes at the asserted slowdown), dgl_slowdown (the last
/// module's test accuracy at time T against the slowdown, per buffer size) and dgl_bits (test
/// accuracy and distance against bits per activation).
inline std::vector<RateRow> dgl_rows(const DglTableSpec& spec, experiment::Context& ctx) {
  using namespace dgl_table_detail;
  record_seed(ctx, false);
  auto& prov = ctx.provenance();
  prov["split"] = {{"test_fraction", spec.test_fraction}, {"seed", 0}, {"kind", "stratified"}};
  prov["modules"] = spec.modules;
  std::vector<RateRow> rows;
  // (a)
  // an interrupt (core/interrupt.hpp) stops the runs; the rows so far are returned and the
  // table comes out interrupted (experiment::run_tables does not write it)
  for (const auto& c : spec.full_batch) {
    if (interrupt_requested()) return rows;
    const auto start = std::chrono::steady_clock::now();
    const FullBatchResult r = full_batch_run(spec, c);
    ctx.progress() << "rates: dgl full batch " << model_label(c.data, c.loss, c.width, c.lambda) << ": "
                   << r.iterations << " iterations (" << seconds_since(start) << " s)\n";
    prov["full_batch"].push_back({{"data", c.data},
                                  {"loss", dgl::to_string(c.loss)},
                                  {"width", c.width},
                                  {"lambda", c.lambda},
                                  {"steps", r.steps},
                                  {"alone", r.alone},
                                  {"expected", r.expected},
                                  {"fitted", r.fitted},
                                  {"iterations", r.iterations}});
    for (RateRow& row : full_batch_rows(spec, r)) rows.push_back(std::move(row));
  }
  // (b)
  if (interrupt_requested()) return rows;
  {
    const auto start = std::chrono::steady_clock::now();
    const dgl::TrainTest data = split_of(spec, spec.sgd_data);
    const dgl::Model model(data.train.x.cols(), data.train.classes,
                           {.modules = spec.modules, .width = spec.sgd_width, .lambda = spec.sgd_lambda, .seed = 0});
    const dgl::GreedyReference ref = dgl::greedy_reference(model, data);
    const dgl::TrainOptions o{.scheme = dgl::Scheme::synchronous, .events = spec.sgd_events};
    const SchemeRun run = scheme_run(model, data, ref, o, spec.sgd_seeds, 1, "sync");
    ctx.progress() << "rates: dgl sgd " << spec.sgd_seeds << " seeds x " << spec.sgd_events << " steps ("
                   << seconds_since(start) << " s)\n";
    const std::string problem = model_label(spec.sgd_data, dgl::HeadLoss::logistic, spec.sgd_width, spec.sgd_lambda);
    for (std::size_t j = 0; j < run.mean_sq.size(); ++j) {
      const PowerLawFit fit = last_decade_fit(run.time, run.mean_sq[j]);
      RateRow row = theorem_row(theorems::dgl_sgd_rate(),
                                RateRow{.table = "dgl", .graph = "none", .problem = problem,
                                        .quantity = "module " + std::to_string(j + 1) +
                                                    ": slope of E||A_j - A_j*||² vs steps, last decade (" +
                                                    std::to_string(spec.sgd_seeds) + " seeds)"});
      row.note = "c = 1/lambda = " + fmt(1 / spec.sgd_lambda, 4) + ", t0 = c L_j = " +
                 fmt(ref.modules[j].smoothness / spec.sgd_lambda, 4) + "; " + describe_fit(fit);
      rows.push_back(judge_slope(std::move(row), theorems::dgl_sgd_rate().value, fit.slope, spec.slope_tolerance));
    }
    prov["sgd"] = {{"data", spec.sgd_data}, {"width", spec.sgd_width}, {"lambda", spec.sgd_lambda},
                   {"seeds", spec.sgd_seeds}, {"events", spec.sgd_events},
                   {"command", dgl_command(spec, o)}};
  }
  // (c), (d), (e) on the main model
  const dgl::TrainTest data = split_of(spec, spec.data);
  const dgl::Model model(data.train.x.cols(), data.train.classes,
                         {.modules = spec.modules, .width = spec.width, .lambda = spec.lambda, .seed = 0});
  const dgl::GreedyReference ref = dgl::greedy_reference(model, data);
  const std::string problem = model_label(spec.data, dgl::HeadLoss::logistic, spec.width, spec.lambda);
  const auto J = static_cast<std::size_t>(spec.modules);
  std::vector<SlowdownRuns> sweeps;
  for (double s : spec.slowdowns) {
    if (interrupt_requested()) return rows;
    const auto start = std::chrono::steady_clock::now();
    sweeps.push_back(slowdown_runs(spec, model, data, ref, s));
    ctx.progress() << "rates: dgl schemes at slowdown " << fmt(s) << " (" << seconds_since(start) << " s)\n";
  }
  for (const SlowdownRuns& sw : sweeps) {
    const SchemeRun& sync = sw.runs.front();
    for (const SchemeRun& run : sw.runs) {
      std::vector<double> steps = run.steps;
      RateRow row = theorem_row(theorems::dgl_buffer_robustness(),
                                RateRow{.table = "dgl", .algorithm = "dgl-" + run.label, .graph = "none", .problem = problem,
                                        .quantity = "module " + std::to_string(J) + " test accuracy at time " +
                                                    fmt(spec.time) + ", module " + std::to_string(spec.slow_module + 1) +
                                                    " " + fmt(sw.slowdown) + "x slower"});
      row.command = run.command;
      rows.push_back(report_only(std::move(row), run.accuracy.back(),
                                 "distances " + join(run.distance) + "; steps " + join(steps, 7) + "; accuracies " +
                                     join(run.accuracy) + " (sync: " + join(sync.accuracy) + "; greedy: " +
                                     fmt(ref.modules.back().test_accuracy, 4) + "), mean of " +
                                     std::to_string(spec.seeds) + " seeds" + (run.diverged ? "; DIVERGED" : ""),
                                 sync.accuracy.back()));
    }
    if (sw.slowdown != spec.converge_slowdown) continue;
    for (const SchemeRun& run : sw.runs) {
      if (run.label.rfind("async", 0) != 0) continue;
      for (std::size_t j = 0; j < J; ++j) {
        const PowerLawFit fit = last_decade_fit(run.time, run.mean_sq[j]);
        RateRow row = theorem_row(theorems::dgl_async_converges(),
                                  RateRow{.table = "dgl", .algorithm = "dgl-" + run.label, .graph = "none",
                                          .problem = problem,
                                          .quantity = "module " + std::to_string(j + 1) +
                                                      ": slope of E||A_j - A_j*||² vs time, last decade (module " +
                                                      std::to_string(spec.slow_module + 1) + " " + fmt(sw.slowdown) +
                                                      "x slower)"});
        row.note = describe_fit(fit) + "; final distance " + fmt(run.distance[j], 4);
        row.command = run.command;
        rows.push_back(judge_slope_at_most(std::move(row), theorems::dgl_async_converges().value, fit.slope));
      }
    }
  }
  // (d) bits per activation, every clock at rate 1, the largest buffer
  std::vector<SchemeRun> bit_runs;
  {
    const auto start = std::chrono::steady_clock::now();
    for (int b : spec.bits) {
      if (interrupt_requested()) return rows;
      dgl::TrainOptions o{.scheme = dgl::Scheme::asynchronous,
                          .rates = std::vector<double>(J, 1.0),
                          .buffer = spec.buffers.back(),
                          .replay = dgl::Replay::uniform,
                          .quantize = dgl::quantizer_for_bits(b),
                          .events = std::llround(spec.time * static_cast<double>(J))};
      bit_runs.push_back(scheme_run(model, data, ref, o, spec.seeds, 1, std::to_string(b) + " bits"));
      bit_runs.back().command = dgl_command(spec, o);
    }
    ctx.progress() << "rates: dgl bits per activation (" << seconds_since(start) << " s)\n";
  }
  const double full_precision = bit_runs.back().accuracy.back();
  for (std::size_t k = 0; k < bit_runs.size(); ++k) {
    const SchemeRun& run = bit_runs[k];
    const bool drop = full_precision - run.accuracy.back() > 0.01;
    RateRow row = theorem_row(theorems::dgl_buffer_robustness(),
                              RateRow{.table = "dgl", .algorithm = "dgl-async", .graph = "none", .problem = problem,
                                      .quantity = "module " + std::to_string(J) + " test accuracy, " +
                                                  std::to_string(spec.bits[k]) + " bits per activation (" +
                                                  dgl::quantizer_for_bits(spec.bits[k]) + ")"});
    row.command = run.command;
    rows.push_back(report_only(std::move(row), run.accuracy.back(),
                               std::string(drop ? "more than 1 point below 32 bits; " : "") + "distances " +
                                   join(run.distance) + "; accuracies " + join(run.accuracy) + "; " +
                                   std::to_string(run.bytes) + " activation bytes into module " + std::to_string(J) +
                                   " (seed 0)",
                               full_precision));
  }
  // (e) the greedy optimum per module
  if (interrupt_requested()) return rows;
  {
    const dgl::Model deep(data.train.x.cols(), data.train.classes,
                          {.modules = spec.greedy_modules, .width = spec.width, .lambda = spec.lambda, .seed = 0});
    const dgl::GreedyReference greedy = dgl::greedy_reference(deep, data);
    for (std::size_t j = 0; j < greedy.modules.size(); ++j) {
      const dgl::GreedyModule& g = greedy.modules[j];
      RateRow row{.table = "dgl", .algorithm = "dgl-greedy", .graph = "none", .problem = problem,
                  .quantity = "module " + std::to_string(j + 1) + " of " + std::to_string(spec.greedy_modules) +
                              ": test accuracy of the greedy optimum",
                  .source = "Belilovsky, Eickenberg & Oyallon, ICML 2020 (greedy layerwise training)"};
      row.command = "adonis dgl --data " + spec.data + " --modules " + std::to_string(spec.greedy_modules) +
                    " --width " + std::to_string(spec.width) + " --lambda " + fmt(spec.lambda) + " --events 1";
      rows.push_back(report_only(std::move(row), g.test_accuracy,
                                 "train accuracy " + fmt(g.train_accuracy, 4) + ", certificate ||grad|| = " +
                                     fmt(g.grad_norm, 3) + ", L_j = " + fmt(g.smoothness, 4) +
                                     " (expected to rise with j, then saturate)"));
    }
    prov["greedy"] = nlohmann::ordered_json::array();
    for (const auto& g : greedy.modules)
      prov["greedy"].push_back({{"test_accuracy", g.test_accuracy}, {"train_accuracy", g.train_accuracy},
                                {"grad_norm", g.grad_norm}, {"smoothness", g.smoothness}});
  }
  prov["model"] = {{"data", spec.data}, {"width", spec.width}, {"lambda", spec.lambda}, {"time", spec.time},
                   {"seeds", spec.seeds}, {"slow_module", spec.slow_module + 1}};
  // figures
  if (!ctx.out_dir().empty()) {
    for (const SlowdownRuns& sw : sweeps) {
      if (sw.slowdown != spec.converge_slowdown) continue;
      PlotSpec plot{.title = "DGL on " + problem + ", module " + std::to_string(spec.slow_module + 1) + " " +
                             fmt(sw.slowdown) + "x slower",
                    .xlabel = "simulated time", .ylabel = "E||A_j - A_j*||^2 / ||A_j*||^2", .logx = true};
      int color = 1;
      for (const SchemeRun& run : sw.runs) {
        if (run.label != "sync" && run.label != "blocking" && run.label != "async M=" + std::to_string(spec.buffers.back()))
          continue;
        for (std::size_t j = 0; j < J; ++j) {
          // module 1 solid, module 2 dashed, module 3 (and later) markers; a colour per scheme
          Series s{.title = run.label + ", module " + std::to_string(j + 1), .dashed = j == 1, .points = j > 1,
                   .color = color};
          for (std::size_t r = 0; r < run.time.size(); ++r)
            if (run.time[r] > 0 && run.mean_sq[j][r] > 0) {
              s.x.push_back(run.time[r]);
              s.y.push_back(run.mean_sq[j][r]);
            }
          plot.series.push_back(std::move(s));
        }
        ++color;
      }
      record_plot(prov, "schemes", write_plot(plot, ctx.out_dir() / "dgl_schemes"), "dgl_schemes", ctx.progress());
    }
    PlotSpec slow{.title = "DGL: module " + std::to_string(J) + " test accuracy at time " + fmt(spec.time) +
                           " vs the slowdown of module " + std::to_string(spec.slow_module + 1),
                  .xlabel = "slowdown", .ylabel = "test accuracy", .logx = true, .logy = false};
    for (std::size_t k = 0; k < sweeps.front().runs.size(); ++k) {
      Series s{.title = sweeps.front().runs[k].label, .points = true};
      for (const SlowdownRuns& sw : sweeps) {
        s.x.push_back(sw.slowdown);
        s.y.push_back(sw.runs[k].accuracy.back());
      }
      slow.series.push_back(std::move(s));
    }
    record_plot(prov, "slowdown", write_plot(slow, ctx.out_dir() / "dgl_slowdown"), "dgl_slowdown", ctx.progress());
    PlotSpec bits{.title = "DGL: test accuracy vs bits per activation (" + problem + ")",
                  .xlabel = "bits per score", .ylabel = "test accuracy", .logx = true, .logy = false};
    for (std::size_t j = 1; j < J; ++j) {
      Series s{.title = "module " + std::to_string(j + 1), .points = true};
      for (std::size_t k = 0; k < bit_runs.size(); ++k) {
        s.x.push_back(spec.bits[k]);
        s.y.push_back(bit_runs[k].accuracy[j]);
      }
      bits.series.push_back(std::move(s));
    }
    record_plot(prov, "bits", write_plot(bits, ctx.out_dir() / "dgl_bits"), "dgl_bits", ctx.progress());
  }
  return rows;
}

}  // namespace adonis::tables
