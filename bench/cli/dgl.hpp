// SPDX-License-Identifier: BSD-3-Clause
/// @file dgl.hpp
/// @brief `adonis dgl`: decoupled greedy learning in the simulator (include/adonis/dgl/,
///        docs/dgl.md). Parses, then calls stratified_split, Model, greedy_reference and
///        simulate (or run_threads with --backend threads); prints the greedy reference and the final state per module, writes the
///        trace as CSV.
///
///   adonis dgl --data digits --modules 3 --width 256 --lambda 1e-3 --scheme async --buffer 256
///              --replay uniform --rates 1,1,0.1 --quantize qsgd:16 --events 1000000 --csv trace.csv
#pragma once

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/core/interrupt.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/dgl/model.hpp"
#include "adonis/dgl/reference.hpp"
#include "adonis/dgl/threads.hpp"
#include "adonis/dgl/train.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/report/atomic_file.hpp"

namespace adonis::cli {

/// Registers `adonis dgl` on `app`. SIGINT or SIGTERM stops the run at its next event with a last
/// record (status=interrupted, the CSV written) and sets exit_code to 128 + the signal.
inline void add_dgl(CLI::App& app, int& exit_code) {
  struct Args {
    std::string data = "digits", loss = "logistic", scheme = "async", replay = "uniform", rates, csv, backend = "sim";
    dgl::ThreadsOptions threads;
    dgl::ModelOptions model;
    dgl::TrainOptions train;
    double test_fraction = 0.2;
    std::uint64_t seed = 0;
    bool spectrum = false;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("dgl", "Decoupled greedy learning on convex modules, against the exact greedy optimum");
  sub->add_option("--data", args->data, "dataset: a shipped name (digits, heart_scale, breast_cancer) or a file")
      ->capture_default_str();
  sub->add_option("--modules", args->model.modules, "J, the number of modules")->capture_default_str();
  sub->add_option("--width", args->model.width, "m, random features per module")->capture_default_str();
  sub->add_option("--lambda", args->model.lambda, "λ of every head")->capture_default_str();
  sub->add_option("--loss", args->loss, "head loss: logistic | ridge")->capture_default_str();
  sub->add_option("--scheme", args->scheme, "sequential | sync | async")->capture_default_str();
  sub->add_option("--buffer", args->train.buffer, "M, each input buffer's capacity (0: blocking, no buffer)")
      ->capture_default_str();
  sub->add_option("--replay", args->replay, "fifo | uniform")->capture_default_str();
  sub->add_option("--rates", args->rates, "r_1,...,r_J of the asynchronous clocks (default 1 each)");
  sub->add_option("--quantize", args->train.quantize,
                  "what a module sends: identity | fp32 | fp16 | int8 | qsgd:S | top-k:K | random-k:K | sign")
      ->capture_default_str();
  sub->add_option("--step", args->train.step, "a constant step (0: c/(t + t0))")->capture_default_str();
  sub->add_option("--step-c", args->train.step_c, "c of c/(t + t0) (0: 1/λ)")->capture_default_str();
  sub->add_option("--step-t0", args->train.step_t0, "t0 of c/(t + t0) (< 0: c L_j per module)")->capture_default_str();
  sub->add_option("--events", args->train.events, "ticks of the simulation")->capture_default_str();
  sub->add_option("--record-every", args->train.record_every, "a trace row every K events (0: ten per decade)")
      ->capture_default_str();
  sub->add_option("--test-fraction", args->test_fraction, "stratified test split")->capture_default_str();
  sub->add_option("--seed", args->seed, "seed of the split, the random layers and the simulation")->capture_default_str();
  sub->add_option("--csv", args->csv, "write the trace (one line per record and module)");
  sub->add_option("--backend", args->backend,
                  "sim (the event simulator, bit-reproducible) | threads (one worker thread per module, async scheme)")
      ->capture_default_str();
  auto* time_unit = sub->add_option("--time-unit", args->threads.time_unit,
                                    "threads: wall seconds per unit of simulated time")
                        ->capture_default_str();
  sub->add_flag("--spectrum", args->spectrum,
                "also each greedy head's Hessian spectrum (the full-batch rates; an eigendecomposition of size ~K m)");
  sub->callback([args, time_unit, &exit_code] {
    Args& a = *args;
    if (a.backend != "sim" && a.backend != "threads")
      throw InvalidArgument("dgl: --backend must be sim or threads (got '" + a.backend + "')");
    if (a.backend == "sim" && time_unit->count() > 0)
      throw InvalidArgument("dgl: --time-unit is an option of --backend threads");
    a.model.loss = dgl::parse_head_loss(a.loss);
    a.model.seed = a.seed;
    a.train.scheme = dgl::parse_scheme(a.scheme);
    a.train.replay = dgl::parse_replay(a.replay);
    a.train.seed = a.seed;
    if (!a.rates.empty()) {
      a.train.rates.clear();
      for (const auto& r : adonis::detail::split(a.rates, ',')) {
        double v = 0;
        if (!adonis::detail::ds_parse_double(r, v)) throw InvalidArgument("dgl: --rates must be numbers R1,R2,... (got '" + a.rates + "')");
        a.train.rates.push_back(v);
      }
    }
    a.model.validate();
    a.threads.validate();
    if (a.backend == "threads" && a.train.scheme != dgl::Scheme::asynchronous)
      throw InvalidArgument("dgl: --backend threads runs --scheme async (got '" + a.scheme + "')");
    const auto start = std::chrono::steady_clock::now();
    const dgl::TrainTest data = dgl::stratified_split(load_dataset(a.data), a.test_fraction, a.seed);
    const dgl::Model model(data.train.x.cols(), data.train.classes, a.model);
    a.train.validate(model.modules(), model.classes());
    std::cerr << "dgl: greedy reference (" << model.modules() << " modules, " << data.train.rows() << " training rows)\n";
    const dgl::GreedyReference ref = dgl::greedy_reference(model, data, a.spectrum);
    for (std::size_t j = 0; j < ref.modules.size(); ++j) {
      const dgl::GreedyModule& g = ref.modules[j];
      std::printf("greedy module=%zu loss=%.10g grad_norm=%.3g L=%.6g hessian_min=%.6g hessian_max=%.6g train_accuracy=%.4f "
                  "test_accuracy=%.4f\n",
                  j + 1, g.loss, g.grad_norm, g.smoothness, g.hessian_min, g.hessian_max, g.train_accuracy,
                  g.test_accuracy);
    }
    const auto progress = [&](std::int64_t e) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cerr << "dgl: " << e << " / " << a.train.events << " events (" << static_cast<int>(s) << " s)\n";
    };
    const InterruptHandler on_signal;
    const dgl::Trace trace = a.backend == "threads" ? dgl::run_threads(model, data, ref, a.train, a.threads, progress)
                                                    : dgl::simulate(model, data, ref, a.train, progress);
    const dgl::TraceRow& last = trace.rows.back();
    for (std::size_t j = 0; j < last.modules.size(); ++j) {
      const dgl::ModuleRecord& m = last.modules[j];
      std::printf("final module=%zu events=%lld time=%.6g steps=%lld distance=%.6g loss_gap=%.6g test_accuracy=%.4f "
                  "mean_age=%.4g mean_staleness=%.4g bytes=%lld\n",
                  j + 1, static_cast<long long>(last.events), last.time, static_cast<long long>(m.steps), m.distance,
                  m.loss_gap, m.test_accuracy, m.mean_age, m.mean_staleness, static_cast<long long>(m.bytes));
    }
    std::printf("status=%s idle=%lld\n", trace.diverged ? "diverged" : trace.interrupted ? "interrupted" : "done",
                static_cast<long long>(trace.idle));
    if (trace.interrupted) exit_code = 128 + interrupt_requested();
    if (!a.csv.empty()) write_file_atomically(a.csv, dgl::trace_csv(trace), "dgl");
  });
}

}  // namespace adonis::cli
