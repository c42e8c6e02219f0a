// SPDX-License-Identifier: BSD-3-Clause
/// @file threads.hpp
/// @brief Asynchronous decoupled greedy learning on real threads (issue 18; docs/dgl.md): one
///        worker thread per module, bounded buffers shared by neighbouring workers.
///
/// The semantics are those of simulate(…, Scheme::asynchronous) (dgl/train.hpp), run in wall
/// time: module j's worker ticks on its own Poisson clock of rate r_j, paced like the real
/// backends of decentralized optimization (runtime::Pacer: simulated time t is wall time
/// t · time_unit after the start), up to the horizon H = events / Σ_j r_j. On a tick, module 1
/// draws a training row; module j ≥ 2 draws an item from its input buffer (FIFO or uniform
/// replay; an empty buffer makes the tick idle); it takes the SGD step of detail::Stepper on
/// its own head and pushes its quantized output to the next buffer (a full buffer evicts its
/// oldest item; `buffer` 0: the blocking slot, a producer whose slot is still full idles).
/// Each buffer is a deque under its own mutex, each head under its module's mutex (held for the
/// step, and by the recorder for a copy): a worker never waits for another one's step.
/// What differs from the simulator: the order of ticks across modules is the machine's, so a
/// run is not reproducible bit for bit (each worker's own draws are: SplitMix64(seed, 0xd96, j)
/// for its clock, 0xd97 data, 0xd98 replay, 0xd99 quantizer); records are taken by the calling
/// thread at the simulated times of on_record_schedule(events) / Σ_j r_j, each when it is due
/// (late while the previous one is measured), with the time and total ticks at its copy.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/run.hpp"
#include "adonis/core/types.hpp"
#include "adonis/dgl/model.hpp"
#include "adonis/dgl/quantize.hpp"
#include "adonis/dgl/reference.hpp"
#include "adonis/dgl/train.hpp"
#include "adonis/runtime/async.hpp"

namespace adonis::dgl {

/// Options of run_threads() besides the TrainOptions.
struct ThreadsOptions {
  /// Wall seconds per unit of simulated time (a clock of rate 1 ticks 1/time_unit times per
  /// second on average), as runtime::RealAsyncOptions::time_unit.
  double time_unit = 1e-4;

  /// @throws InvalidArgument naming the value.
  void validate() const {
    if (!(time_unit > 0) || !std::isfinite(time_unit))
      adonis::detail::fail("dgl", "time unit must be > 0 and finite (got ", time_unit, ")");
  }
};

/// Runs asynchronous decoupled training on one thread per module (see the file comment) and
/// records its trace. `options.scheme` must be asynchronous. An interrupt (core/interrupt.hpp)
/// stops every worker at its next tick (Trace::interrupted).
/// @throws InvalidArgument (options.validate(), threads.validate(), another scheme); an
///         exception thrown by a worker is rethrown here after every worker stopped.
template <int = 0>  // compiled only where called
Trace run_threads(const Model& model, const TrainTest& data, const GreedyReference& ref, const TrainOptions& options,
                  const ThreadsOptions& threads = {}, const std::function<void(std::int64_t)>& progress = {}) {
  const Index J = model.modules(), K = model.classes();
  options.validate(J, K);
  threads.validate();
  if (options.scheme != Scheme::asynchronous)
    adonis::detail::fail("dgl", "the threads backend runs the async scheme (got ", to_string(options.scheme), ")");
  const auto nJ = static_cast<std::size_t>(J);
  const Quantizer quantizer(options.quantize);
  const detail::Stepper stepper(model, data, ref, options);
  const std::vector<double> rates = options.rates.empty() ? std::vector<double>(nJ, 1.0) : options.rates;
  double total_rate = 0;
  for (double r : rates) total_rate += r;
  const double horizon = static_cast<double>(options.events) / total_rate;
  const auto capacity = static_cast<std::size_t>(std::max<Index>(options.buffer, 1));
  const bool blocking = options.buffer == 0;

  struct Item {
    Index row;
    Vector<double> scores;
    std::int64_t version;
    double time;
  };
  struct Channel {  // the input buffer of a module
    std::mutex mutex;
    std::deque<Item> items;
    std::int64_t bytes = 0;
  };
  struct Module {  // what the recorder reads, under `mutex`
    std::mutex mutex;
    Matrix<double> head;
    std::int64_t steps = 0;
    double age_sum = 0, stale_sum = 0;
    std::int64_t consumed = 0;
  };
  std::vector<Channel> channels(nJ);
  std::vector<Module> modules(nJ);
  for (Module& m : modules) m.head = Matrix<double>::Zero(K, model.width());
  std::atomic<std::int64_t> ticks{0}, idle{0};
  std::atomic<bool> stop{false}, diverged{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto start = std::chrono::steady_clock::now();
  const runtime::Pacer pacer(start, threads.time_unit);
  const auto now_time = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / threads.time_unit;
  };

  const auto worker = [&](Index j) {
    try {
      const auto k = static_cast<std::size_t>(j);
      SplitMix64 clock(options.seed, 0xd96, k), draw(options.seed, 0xd97, k), replay(options.seed, 0xd98, k),
          quant(options.seed, 0xd99, k);
      const auto n_train = static_cast<std::uint64_t>(data.train.rows());
      double t = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (interrupt_requested()) {
          stop = true;
          break;
        }
        t += -std::log1p(-clock.uniform()) / rates[k];
        if (t > horizon) break;
        pacer.wait(t);
        ticks.fetch_add(1, std::memory_order_relaxed);
        Item in{};
        if (blocking && j + 1 < J) {
          const std::lock_guard<std::mutex> lock(channels[k + 1].mutex);
          if (!channels[k + 1].items.empty()) {  // its output slot is still full: the producer waits
            idle.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
        }
        if (j == 0) {
          in.row = static_cast<Index>(draw.below(n_train));
        } else {
          const std::lock_guard<std::mutex> lock(channels[k].mutex);
          auto& items = channels[k].items;
          if (items.empty()) {
            idle.fetch_add(1, std::memory_order_relaxed);
            continue;
          }
          std::size_t at = 0;
          if (options.replay == Replay::uniform && !blocking) at = static_cast<std::size_t>(replay.below(items.size()));
          in = items[at];
          if (options.replay == Replay::fifo || blocking) items.pop_front();
        }
        Vector<double> o;
        std::int64_t version = 0;
        {
          const std::lock_guard<std::mutex> lock(modules[k].mutex);
          Module& m = modules[k];
          if (j > 0) {
            m.age_sum += t - in.time;
            ++m.consumed;
          }
          o = stepper.step(j, m.head, m.steps, stepper.input(j, in.row, in.scores), in.row);
          version = m.steps;
          if (!m.head.allFinite()) {
            diverged = true;
            stop = true;
          }
        }
        if (j > 0) {  // staleness: the producer's steps since it made the item
          std::int64_t producer = 0;
          {
            const std::lock_guard<std::mutex> lock(modules[k - 1].mutex);
            producer = modules[k - 1].steps;
          }
          const std::lock_guard<std::mutex> lock(modules[k].mutex);
          modules[k].stale_sum += static_cast<double>(producer - in.version);
        }
        if (j + 1 < J) {
          quantizer.apply(o, quant);
          const std::lock_guard<std::mutex> lock(channels[k + 1].mutex);
          Channel& next = channels[k + 1];
          next.bytes += quantizer.bytes(K);
          if (next.items.size() >= capacity) next.items.pop_front();
          next.items.push_back(Item{in.row, std::move(o), version, t});
        }
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };

  Trace trace;
  const auto record = [&](std::int64_t events_hint) {
    TraceRow row;
    row.modules.resize(nJ);
    std::vector<Matrix<double>> heads(nJ);
    row.time = std::min(now_time(), horizon);
    row.events = events_hint < 0 ? ticks.load() : events_hint;
    for (std::size_t k = 0; k < nJ; ++k) {
      {
        const std::lock_guard<std::mutex> lock(modules[k].mutex);
        Module& m = modules[k];
        heads[k] = m.head;
        ModuleRecord& r = row.modules[k];
        r.steps = m.steps;
        r.mean_age = m.consumed > 0 ? m.age_sum / static_cast<double>(m.consumed) : std::numeric_limits<double>::quiet_NaN();
        r.mean_staleness =
            m.consumed > 0 ? m.stale_sum / static_cast<double>(m.consumed) : std::numeric_limits<double>::quiet_NaN();
        m.age_sum = m.stale_sum = 0;
        m.consumed = 0;
      }
      const std::lock_guard<std::mutex> lock(channels[k].mutex);
      row.modules[k].occupancy = static_cast<double>(channels[k].items.size());
      row.modules[k].bytes = channels[k].bytes;
    }
    detail::measure(model, data, ref, heads, row.modules);
    trace.rows.push_back(std::move(row));
    trace.heads = std::move(heads);
    if (progress) progress(trace.rows.back().events);
  };

  record(0);
  {
    std::vector<std::thread> pool;
    struct Joiner {  // stops and joins the workers on every way out of this block
      std::vector<std::thread>& pool;
      std::atomic<bool>& stop;
      ~Joiner() {
        stop = true;
        for (auto& th : pool)
          if (th.joinable()) th.join();
      }
    } joiner{pool, stop};
    for (Index j = 0; j < J; ++j) pool.emplace_back(worker, j);
    for (std::int64_t e = 1; e < options.events && !stop.load(); ++e) {
      if (!on_record_schedule(e, options.record_every)) continue;
      const double due = static_cast<double>(e) / total_rate;
      if (due >= horizon) break;
      pacer.wait(due);
      record(-1);
    }
    for (auto& th : pool) th.join();  // the workers stop at the horizon on their own
  }
  if (error) std::rethrow_exception(error);
  record(-1);
  trace.interrupted = interrupt_requested() != 0;
  if (!diverged.load() && !trace.interrupted) trace.rows.back().time = horizon;
  trace.idle = idle.load();
  trace.diverged = diverged.load();
  return trace;
}

}  // namespace adonis::dgl
