// SPDX-License-Identifier: BSD-3-Clause
/// @file train.hpp
/// @brief The training schemes of decoupled greedy learning (issue 18; docs/dgl.md), measured
///        against the exact greedy reference (dgl/reference.hpp):
///  - full_batch_decoupled: every module takes a full-batch gradient step at once, on inputs
///    from the upstream heads of the same iteration (the [DER] linear-rate check);
///  - simulate(…, Scheme::sequential): SGD on module 0, then module 1 on the frozen module 0, …
///    (the classical greedy baseline; each module gets events/J ticks);
///  - Scheme::synchronous: one sample flows forward through every module with their current
///    heads; each takes an SGD step on its own loss;
///  - Scheme::asynchronous: module j runs on its own Poisson clock of rate r_j; on a tick it
///    draws an item from its input buffer (capacity M; FIFO consumes the oldest, uniform replay
///    draws one and keeps it; a full buffer evicts the oldest), takes an SGD step and pushes its
///    quantized output, tagged with its step count (version) and the time, to the next buffer.
///    M = 0 is the blocking pipeline without buffer: one slot, a producer whose slot is still
///    full waits (its tick does nothing).
///
/// Steps decrease as η_j(t) = c / (t + t0_j), t module j's step count (c ≥ 1/λ and
/// t0_j ≥ c L_j give E‖A_j − A_j*‖² = O(1/t); defaults c = 1/λ, t0_j = c L_j), or are constant.
/// A module's step on item (z, y): φ = φ_j(z), o = A_j φ (the output it sends is computed
/// before the step), A_j ← A_j − η (r φᵀ + λ A_j) with r = softmax(o) − e_y (logistic) or
/// o − e_y (ridge). Every draw comes from SplitMix64 streams of the seed: the same seed gives a
/// bit-identical trace.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/run.hpp"
#include "adonis/core/softmax.hpp"
#include "adonis/core/types.hpp"
#include "adonis/dgl/model.hpp"
#include "adonis/dgl/quantize.hpp"
#include "adonis/dgl/reference.hpp"

namespace adonis::dgl {

/// The SGD training schemes of simulate().
enum class Scheme { sequential, synchronous, asynchronous };
/// How a module draws from its input buffer.
enum class Replay { fifo, uniform };

/// "sequential", "synchronous" (or "sync") or "asynchronous" (or "async").
/// @throws InvalidArgument naming the value otherwise.
inline Scheme parse_scheme(std::string_view s) {
  if (s == "sequential") return Scheme::sequential;
  if (s == "synchronous" || s == "sync") return Scheme::synchronous;
  if (s == "asynchronous" || s == "async") return Scheme::asynchronous;
  adonis::detail::fail("dgl", "scheme must be sequential, sync or async (got '", s, "')");
}
inline std::string_view to_string(Scheme s) {
  return s == Scheme::sequential ? "sequential" : s == Scheme::synchronous ? "sync" : "async";
}
/// "fifo" or "uniform".
inline Replay parse_replay(std::string_view s) {
  if (s == "fifo") return Replay::fifo;
  if (s == "uniform") return Replay::uniform;
  adonis::detail::fail("dgl", "replay must be fifo or uniform (got '", s, "')");
}

/// The options of simulate().
struct TrainOptions {
  Scheme scheme = Scheme::asynchronous;
  std::vector<double> rates{};      ///< r_j of the asynchronous clocks (empty: 1 each)
  Index buffer = 256;               ///< M, the capacity of each input buffer (0: blocking, no buffer)
  Replay replay = Replay::uniform;
  std::string quantize = "identity";  ///< what a module sends (dgl/quantize.hpp)
  double step = 0;                  ///< > 0: a constant step for every module
  double step_c = 0;                ///< c of c/(t + t0) (0: 1/λ)
  double step_t0 = -1;              ///< t0 of every module (< 0: c L_j per module)
  std::int64_t events = 100000;     ///< ticks (sequential and sync: samples)
  std::uint64_t seed = 0;
  std::int64_t record_every = 0;    ///< > 0: a row every that many events; 0: ten per decade (on_record_schedule)

  /// @throws InvalidArgument naming the field and the value.
  void validate(Index modules, Index classes) const {
    if (!rates.empty() && static_cast<Index>(rates.size()) != modules)
      adonis::detail::fail("dgl", "rates needs one rate per module: ", modules, " (got ", rates.size(), ")");
    for (double r : rates)
      if (!(r > 0) || !std::isfinite(r)) adonis::detail::fail("dgl", "rates must be > 0 and finite (got ", r, ")");
    if (buffer < 0) adonis::detail::fail("dgl", "buffer must be >= 0 (got ", buffer, ")");
    if (!(step >= 0) || !std::isfinite(step)) adonis::detail::fail("dgl", "step must be >= 0 and finite (got ", step, ")");
    if (!(step_c >= 0) || !std::isfinite(step_c)) adonis::detail::fail("dgl", "step c must be >= 0 and finite (got ", step_c, ")");
    if (!std::isfinite(step_t0)) adonis::detail::fail("dgl", "step t0 must be finite (got ", step_t0, ")");
    if (events < 1) adonis::detail::fail("dgl", "events must be >= 1 (got ", events, ")");
    if (record_every < 0) adonis::detail::fail("dgl", "record_every must be >= 0 (got ", record_every, ")");
    Quantizer(quantize).validate(classes);
  }
};

/// One module's measurements at a record.
struct ModuleRecord {
  double distance = 0;       ///< ‖A_j − A_j*‖_F / ‖A_j*‖_F
  double loss_gap = 0;       ///< L_j(A_j) − L_j(A_j*), inputs from the current upstream heads
  double test_accuracy = 0;  ///< with the current upstream heads
  std::int64_t steps = 0;    ///< SGD steps taken
  double mean_age = 0;       ///< mean simulated age of the items consumed since the last record
  double mean_staleness = 0; ///< mean producer steps since the item was produced (same items)
  double occupancy = 0;      ///< items in its input buffer at the record
  std::int64_t bytes = 0;    ///< activation bytes it received so far
};

/// One row of a trace.
struct TraceRow {
  std::int64_t events = 0;
  double time = 0;  ///< simulated time (sequential and sync: samples)
  std::vector<ModuleRecord> modules;
};

/// A run's trace and its final heads.
struct Trace {
  std::vector<TraceRow> rows;
  std::vector<Matrix<double>> heads;
  std::int64_t idle = 0;  ///< ticks that found an empty input buffer or a full output slot
  bool diverged = false;  ///< a head became non-finite (the trace stops there)
  /// SIGINT or SIGTERM (core/interrupt.hpp) stopped the run early; the last row is where it stopped
  bool interrupted = false;
};

namespace detail {

/// Forward pass of the current heads: Φ_j and O_j of every module on rows x.
struct Forward {
  std::vector<Matrix<double>> phi, scores;
};
template <int = 0>  // compiled only where called
Forward forward(const Model& model, const std::vector<Matrix<double>>& heads, const Matrix<double>& x) {
  Forward f;
  Matrix<double> prev;
  for (Index j = 0; j < model.modules(); ++j) {
    f.phi.push_back(model.features(j, model.module_input(j, x, prev)));
    prev = head_scores(heads[static_cast<std::size_t>(j)], f.phi.back());
    f.scores.push_back(prev);
  }
  return f;
}

/// Distance, loss gap and test accuracy of every module (the costly part of a record).
template <int = 0>  // compiled only where called
void measure(const Model& model, const TrainTest& data, const GreedyReference& ref,
                    const std::vector<Matrix<double>>& heads, std::vector<ModuleRecord>& out) {
  const Forward train = forward(model, heads, data.train.x);
  const Forward test = data.test.rows() > 0 ? forward(model, heads, data.test.x) : Forward{};
  for (Index j = 0; j < model.modules(); ++j) {
    const auto k = static_cast<std::size_t>(j);
    const Matrix<double>& star = ref.modules[k].head;
    out[k].distance = (heads[k] - star).norm() / star.norm();
    out[k].loss_gap = head_loss(model.options().loss, heads[k], train.phi[k], data.train.y, model.options().lambda) -
                      ref.modules[k].loss;
    out[k].test_accuracy = data.test.rows() > 0 ? accuracy(test.scores[k], data.test.y)
                                                : std::numeric_limits<double>::quiet_NaN();
  }
}

/// What an SGD step of a module needs, shared by simulate() and the threads backend
/// (dgl/threads.hpp): the steps η_j(t) = c/(t + t0_j) (or the constant options.step), the feature
/// maps and the module inputs. Read-only after construction (safe to share between threads).
/// A class template only so that it is compiled where used (docs/performance.md).
template <int = 0>
class BasicStepper {
 public:
  BasicStepper(const Model& model, const TrainTest& data, const GreedyReference& ref, const TrainOptions& o)
      : m_model(&model), m_data(&data), m_constant(o.step), m_c(o.step_c > 0 ? o.step_c : 1 / model.options().lambda) {
    for (const GreedyModule& g : ref.modules) m_t0.push_back(o.step_t0 >= 0 ? o.step_t0 : m_c * g.smoothness);
  }
  /// η_j after `steps` steps of module j.
  double step_size(Index j, std::int64_t steps) const {
    return m_constant > 0 ? m_constant : m_c / (static_cast<double>(steps) + m_t0[static_cast<std::size_t>(j)]);
  }
  /// φ_j(z) = ReLU(R_j z + b_j).
  Vector<double> features(Index j, const Eigen::Ref<const Vector<double>>& z) const {
    const RandomLayer& layer = m_model->layer(j);
    return (layer.weights * z + layer.offsets).cwiseMax(0.0);
  }
  /// z_j of training row `row`: x for module 0, [x ; prev] (prev = o_{j−1} as received) after.
  Vector<double> input(Index j, Index row, const Vector<double>& prev) const {
    if (j == 0) return m_data->train.x.row(row).transpose();
    const Index d = m_model->input_dim();
    Vector<double> z(d + m_model->classes());
    z.head(d) = m_data->train.x.row(row).transpose();
    z.tail(m_model->classes()) = prev;
    return z;
  }
  /// The label of training row `row`.
  Index label(Index row) const { return m_data->train.y[static_cast<std::size_t>(row)]; }
  /// Module j's SGD step on training row `row` with input z: A ← (1 − ηλ)A − η r φᵀ, r = softmax(o) − e_y
  /// (ridge: o − e_y), η = step_size(j, steps), then ++steps. Returns o = A φ computed before the step.
  Vector<double> step(Index j, Matrix<double>& head, std::int64_t& steps, const Eigen::Ref<const Vector<double>>& z,
                      Index row) const {
    const ModelOptions& mo = m_model->options();
    const Vector<double> phi = features(j, z);
    const Vector<double> o = head * phi;
    Vector<double> r = o;
    if (mo.loss == HeadLoss::logistic) softmax_in_place(r);
    r(label(row)) -= 1;
    const double eta = step_size(j, steps);
    head *= (1 - eta * mo.lambda);
    head.noalias() -= eta * r * phi.transpose();
    ++steps;
    return o;
  }

 private:
  const Model* m_model;
  const TrainTest* m_data;
  double m_constant, m_c;
  std::vector<double> m_t0;
};
using Stepper = BasicStepper<>;

}  // namespace detail

/// Full-batch synchronous decoupled training with constant steps η_j from zero heads: at every
/// iteration all modules step at once on inputs from the upstream heads of that iteration.
/// Returns ‖A_j^t − A_j*‖_F / ‖A_j*‖_F for t = 0, …, iterations (rows t, columns j); rows after
/// an interrupt (core/interrupt.hpp) are NaN.
/// @throws InvalidArgument for a step count other than J or a step ≤ 0.
template <int = 0>  // compiled only where called
Matrix<double> full_batch_decoupled(const Model& model, const TrainTest& data, const GreedyReference& ref,
                                    const std::vector<double>& steps, Index iterations) {
  const Index J = model.modules();
  if (static_cast<Index>(steps.size()) != J)
    adonis::detail::fail("dgl", "full-batch steps: one per module: ", J, " (got ", steps.size(), ")");
  for (double s : steps)
    if (!(s > 0) || !std::isfinite(s)) adonis::detail::fail("dgl", "full-batch steps must be > 0 (got ", s, ")");
  std::vector<Matrix<double>> heads(static_cast<std::size_t>(J), Matrix<double>::Zero(model.classes(), model.width()));
  Matrix<double> dist(iterations + 1, J);
  const ModelOptions& o = model.options();
  const Matrix<double> phi0 = model.features(0, data.train.x);  // module 0's input never changes
  for (Index t = 0;; ++t) {
    for (Index j = 0; j < J; ++j) {
      const auto k = static_cast<std::size_t>(j);
      dist(t, j) = (heads[k] - ref.modules[k].head).norm() / ref.modules[k].head.norm();
    }
    if (t == iterations) break;
    if (interrupt_requested()) {  // the remaining rows stay NaN
      dist.bottomRows(iterations - t).setConstant(std::numeric_limits<double>::quiet_NaN());
      break;
    }
    std::vector<Matrix<double>> next = heads;
    Matrix<double> prev;
    for (Index j = 0; j < J; ++j) {
      const auto k = static_cast<std::size_t>(j);
      const Matrix<double> phi = j == 0 ? phi0 : model.features(j, model.module_input(j, data.train.x, prev));
      next[k] -= steps[k] * head_gradient(o.loss, heads[k], phi, data.train.y, o.lambda);
      prev = head_scores(heads[k], phi);  // the input of module j + 1 at this iteration
    }
    heads = std::move(next);
  }
  return dist;
}

/// Runs an SGD scheme for options.events events and records the trace (see the file comment);
/// an interrupt (core/interrupt.hpp) ends it early with a last record and Trace::interrupted.
/// `progress` (if set) is called with the events done at every record.
/// @throws InvalidArgument (options.validate()).
template <int = 0>  // compiled only where called
Trace simulate(const Model& model, const TrainTest& data, const GreedyReference& ref, const TrainOptions& options,
               const std::function<void(std::int64_t)>& progress = {}) {
  const Index J = model.modules(), K = model.classes();
  options.validate(J, K);
  const Quantizer quantizer(options.quantize);
  const detail::Stepper stepper(model, data, ref, options);
  std::vector<double> rates = options.rates.empty() ? std::vector<double>(static_cast<std::size_t>(J), 1.0) : options.rates;
  double total_rate = 0;
  for (double r : rates) total_rate += r;

  struct Item {
    Index row;
    Vector<double> scores;  // o_{j−1} as received (quantized)
    std::int64_t version;
    double time;
  };
  std::vector<std::deque<Item>> buffers(static_cast<std::size_t>(J));
  const auto capacity = static_cast<std::size_t>(std::max<Index>(options.buffer, 1));
  const bool blocking = options.buffer == 0;

  Trace trace;
  trace.heads.assign(static_cast<std::size_t>(J), Matrix<double>::Zero(K, model.width()));
  std::vector<std::int64_t> steps(static_cast<std::size_t>(J), 0), bytes(static_cast<std::size_t>(J), 0);
  std::vector<double> age_sum(static_cast<std::size_t>(J), 0), stale_sum(static_cast<std::size_t>(J), 0);
  std::vector<std::int64_t> consumed(static_cast<std::size_t>(J), 0);
  SplitMix64 clock_rng(options.seed, 0xd92, 0), data_rng(options.seed, 0xd93, 0), replay_rng(options.seed, 0xd94, 0),
      quant_rng(options.seed, 0xd95, 0);
  const auto n_train = static_cast<std::uint64_t>(data.train.rows());

  const auto sgd_step = [&](Index j, const Eigen::Ref<const Vector<double>>& z, Index row) {
    const auto k = static_cast<std::size_t>(j);
    return stepper.step(j, trace.heads[k], steps[k], z, row);
  };
  const auto input_of = [&](Index j, Index row, const Vector<double>& prev) { return stepper.input(j, row, prev); };
  const auto send = [&](Index to, Vector<double> o) {  // quantize, count the bytes
    quantizer.apply(o, quant_rng);
    bytes[static_cast<std::size_t>(to)] += quantizer.bytes(K);
    return o;
  };

  const auto push = [&](Index to, Item item) {  // a full buffer evicts its oldest item
    auto& next = buffers[static_cast<std::size_t>(to)];
    if (next.size() >= capacity) next.pop_front();
    next.push_back(std::move(item));
  };
  double time = 0;
  const auto record = [&](std::int64_t events) {
    TraceRow row;
    row.events = events;
    row.time = time;
    row.modules.resize(static_cast<std::size_t>(J));
    detail::measure(model, data, ref, trace.heads, row.modules);
    for (Index j = 0; j < J; ++j) {
      const auto k = static_cast<std::size_t>(j);
      ModuleRecord& m = row.modules[k];
      m.steps = steps[k];
      m.bytes = bytes[k];
      m.occupancy = static_cast<double>(buffers[k].size());
      m.mean_age = consumed[k] > 0 ? age_sum[k] / static_cast<double>(consumed[k]) : std::numeric_limits<double>::quiet_NaN();
      m.mean_staleness = consumed[k] > 0 ? stale_sum[k] / static_cast<double>(consumed[k]) : std::numeric_limits<double>::quiet_NaN();
      age_sum[k] = stale_sum[k] = 0;
      consumed[k] = 0;
    }
    trace.rows.push_back(std::move(row));
    if (progress) progress(events);
  };

  record(0);
  for (std::int64_t e = 1; e <= options.events; ++e) {
    if (options.scheme == Scheme::synchronous) {
      time += 1;
      const auto row = static_cast<Index>(data_rng.below(n_train));
      Vector<double> prev;
      for (Index j = 0; j < J; ++j) {
        Vector<double> o = sgd_step(j, input_of(j, row, prev), row);
        if (j + 1 < J) prev = send(j + 1, std::move(o));
      }
    } else if (options.scheme == Scheme::sequential) {
      time += 1;
      const Index active = std::min<Index>(J - 1, static_cast<Index>((e - 1) * J / options.events));
      const auto row = static_cast<Index>(data_rng.below(n_train));
      Vector<double> prev;
      for (Index j = 0; j < active; ++j) {  // the frozen modules: forward only
        prev = send(j + 1, trace.heads[static_cast<std::size_t>(j)] * stepper.features(j, input_of(j, row, prev)));
      }
      (void)sgd_step(active, input_of(active, row, prev), row);
    } else {
      time += -std::log1p(-clock_rng.uniform()) / total_rate;
      double pick = clock_rng.uniform() * total_rate;
      Index j = 0;
      while (j + 1 < J && pick >= rates[static_cast<std::size_t>(j)]) pick -= rates[static_cast<std::size_t>(j++)];
      const auto k = static_cast<std::size_t>(j);
      if (blocking && j + 1 < J && !buffers[k + 1].empty()) {
        ++trace.idle;  // its output slot is still full: the producer waits
      } else if (j == 0) {
        const auto row = static_cast<Index>(data_rng.below(n_train));
        Vector<double> o = sgd_step(0, input_of(0, row, {}), row);
        if (J > 1) push(1, Item{row, send(1, std::move(o)), steps[0], time});
      } else if (buffers[k].empty()) {
        ++trace.idle;
      } else {
        auto& in = buffers[k];
        std::size_t at = 0;
        if (options.replay == Replay::uniform && !blocking) at = static_cast<std::size_t>(replay_rng.below(in.size()));
        const Item item = in[at];
        if (options.replay == Replay::fifo || blocking) in.pop_front();
        age_sum[k] += time - item.time;
        stale_sum[k] += static_cast<double>(steps[k - 1] - item.version);
        ++consumed[k];
        Vector<double> o = sgd_step(j, input_of(j, item.row, item.scores), item.row);
        if (j + 1 < J) push(j + 1, Item{item.row, send(j + 1, std::move(o)), steps[k], time});
      }
    }
    const bool interrupted = interrupt_requested() != 0;
    if (on_record_schedule(e, options.record_every) || e == options.events || interrupted) {
      bool finite = true;
      for (const auto& h : trace.heads) finite = finite && h.allFinite();
      record(e);
      if (!finite) {
        trace.diverged = true;
        break;
      }
    }
    if (interrupted) {
      trace.interrupted = true;
      break;
    }
  }
  return trace;
}

/// The trace as CSV, one line per (record, module): events, time, module (1-based, as in
/// docs/dgl.md), distance, loss_gap, test_accuracy, steps, mean_age, mean_staleness, occupancy,
/// bytes. Non-finite values are written as nan.
template <int = 0>  // compiled only where called
std::string trace_csv(const Trace& trace) {
  std::string out = "events,time,module,distance,loss_gap,test_accuracy,steps,mean_age,mean_staleness,occupancy,bytes\n";
  char line[512];
  for (const TraceRow& row : trace.rows)
    for (std::size_t k = 0; k < row.modules.size(); ++k) {
      const ModuleRecord& m = row.modules[k];
      std::snprintf(line, sizeof line, "%lld,%.17g,%zu,%.17g,%.17g,%.17g,%lld,%.17g,%.17g,%.17g,%lld\n",
                    static_cast<long long>(row.events), row.time, k + 1, m.distance, m.loss_gap, m.test_accuracy,
                    static_cast<long long>(m.steps), m.mean_age, m.mean_staleness, m.occupancy,
                    static_cast<long long>(m.bytes));
      out += line;
    }
  return out;
}

}  // namespace adonis::dgl
