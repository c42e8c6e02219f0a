// SPDX-License-Identifier: BSD-3-Clause
/// @file table.hpp
/// @brief What a rate table is: a name, a description, parameters with quick and full presets,
///        and a run that returns judged rows (theory/verdict.hpp, built from theory/bounds.hpp's
///        theorem records) through a Context that carries the preset, the output directory, the
///        progress log and the provenance sink; a Registry that research code adds its own
///        tables to; and run_table / write_table_files, which the `adonis rates` command calls.
///
/// A table is a plain function of its parameters and a context:
/// @code
///   struct MySpec { int seeds = 20; static MySpec quick() { return {.seeds = 3}; } };
///   std::vector<adonis::RateRow> my_rows(const MySpec& s, adonis::experiment::Context& ctx);
///   adonis::experiment::Registry registry;
///   registry.add(adonis::experiment::make_table<MySpec>("mine", "what it checks", my_rows));
///   adonis::experiment::Context ctx(adonis::experiment::Preset::quick);
///   const auto result = adonis::experiment::run_table(registry.find("mine"), ctx);
/// @endcode
/// Several tables run side by side with run_tables (one thread per table, results in order).
/// Needs nlohmann-json (the provenance is a JSON object): link adonis::experiment.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/interrupt.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/report/atomic_file.hpp"
#include "adonis/report/rates.hpp"
#include "adonis/report/rates_json.hpp"
#include "adonis/theory/verdict.hpp"
#include "adonis/version.hpp"

namespace adonis::experiment {

/// The size of a run: `quick` (reduced sizes, each built-in table in seconds) or `full` (the
/// sizes of the committed docs/rates.md).
enum class Preset { quick, full };

/// What a table's run receives. The output directory may be empty (no figures are written);
/// progress goes to `progress` (stderr by default); everything needed to reproduce the rows
/// (seeds, graph hashes, problem constants, every run's `adonis run` command) goes into
/// `provenance()`.
class Context {
 public:
  explicit Context(Preset preset = Preset::full, std::filesystem::path out_dir = {},
                   std::ostream& progress = std::cerr)
      : m_preset(preset), m_out_dir(std::move(out_dir)), m_progress(&progress) {}

  Preset preset() const noexcept { return m_preset; }
  bool quick() const noexcept { return m_preset == Preset::quick; }
  /// Where figures go; empty: the table writes no files.
  const std::filesystem::path& out_dir() const noexcept { return m_out_dir; }
  std::ostream& progress() const noexcept { return *m_progress; }
  nlohmann::ordered_json& provenance() noexcept { return m_provenance; }
  const nlohmann::ordered_json& provenance() const noexcept { return m_provenance; }

 private:
  Preset m_preset;
  std::filesystem::path m_out_dir;
  std::ostream* m_progress;
  nlohmann::ordered_json m_provenance = nlohmann::ordered_json::object();
};

/// A rate table: `run` measures, judges (theory/) and returns its rows; it may write figures
/// into the context's output directory and fills its provenance. The rows' files (CSV, JSON)
/// and their printing are not its business (write_table_files, report/rates.hpp).
struct RateTable {
  std::string name{};         ///< as `adonis rates --table NAME` spells it
  std::string description{};  ///< one line, shown by `adonis rates --list`
  std::function<std::vector<RateRow>(Context&)> run{};
  /// The full preset's time in seconds on the machine it was measured on, 0 if unknown: only
  /// the order in which run_tables starts tables (costliest first, so that the longest one does
  /// not start last), never their output.
  double cost = 0;
};

/// A table whose parameters are `Spec` (default-constructed: the full preset; `Spec::quick()`:
/// the quick preset), run by `run(const Spec&, Context&)`.
/// `cost`: RateTable::cost.
template <class Spec, class Run>
RateTable make_table(std::string name, std::string description, Run run, double cost = 0) {
  return {std::move(name), std::move(description),
          [run](Context& ctx) {
            // two calls, not one on `quick ? Spec::quick() : Spec{}`: GCC 12 warned (-Wmaybe-uninitialized,
            // a false positive) on that ternary of temporaries for a Spec holding aggregates of strings
            if (ctx.quick()) return run(Spec::quick(), ctx);
            return run(Spec{}, ctx);
          },
          cost};
}

/// The tables, by name, in registration order.
class Registry {
 public:
  /// @throws InvalidArgument for an empty name, a table without a run, or a name already taken.
  void add(RateTable table) {
    if (table.name.empty() || table.name == "all")
      adonis::detail::fail("experiment::Registry", "table name must be non-empty and not 'all' (got '", table.name, "')");
    if (!table.run) adonis::detail::fail("experiment::Registry", "table '", table.name, "' has no run function");
    for (const RateTable& t : m_tables)
      if (t.name == table.name) adonis::detail::fail("experiment::Registry", "table name '", table.name, "' is already registered");
    m_tables.push_back(std::move(table));
  }
  /// The table called `name`, or nullptr if none is.
  const RateTable* lookup(std::string_view name) const noexcept {
    for (const RateTable& t : m_tables)
      if (t.name == name) return &t;
    return nullptr;
  }
  /// @throws InvalidArgument naming the known tables when `name` is not registered.
  const RateTable& find(std::string_view name) const {
    if (const RateTable* t = lookup(name)) return *t;
    adonis::detail::fail("experiment::Registry", "unknown table '", name, "' (known: ", names(), ")");
  }
  const std::vector<RateTable>& tables() const noexcept { return m_tables; }
  /// The names, comma-separated.
  std::string names() const {
    std::string s;
    for (const RateTable& t : m_tables) s += (s.empty() ? "" : ", ") + t.name;
    return s;
  }

 private:
  std::vector<RateTable> m_tables;
};

/// A table's judged rows with their provenance.
struct TableResult {
  std::string name{};
  std::vector<RateRow> rows{};
  nlohmann::ordered_json provenance{};
};

/// Runs `table` in `ctx` (creating its output directory, if any): provenance starts with the table's name, the adonis version and the
/// preset, then the run adds its own; every row must come out judged (count_verdicts throws
/// otherwise).
inline TableResult run_table(const RateTable& table, Context& ctx) {
  if (!ctx.out_dir().empty()) {
    std::error_code ec;
    std::filesystem::create_directories(ctx.out_dir(), ec);
    if (ec)
      adonis::detail::fail("experiment::run_table", "cannot create the output directory '", ctx.out_dir().string(),
                           "': ", ec.message());
  }
  nlohmann::ordered_json& p = ctx.provenance();
  p["table"] = table.name;
  p["version"] = version_string;
  p["quick"] = ctx.quick();
  TableResult result{.name = table.name, .rows = table.run(ctx), .provenance = {}};
  count_verdicts(result.rows);
  result.provenance = p;
  return result;
}

namespace detail {
/// A stream buffer that hands `out` whole lines, one at a time under one mutex shared by every
/// such buffer: the progress of tables running side by side interleaves by lines, never
/// inside one. A last line without '\n' is written when the buffer is destroyed.
class LineSyncBuf : public std::streambuf {
 public:
  explicit LineSyncBuf(std::ostream& out) : m_out(&out) {}
  LineSyncBuf(const LineSyncBuf&) = delete;
  LineSyncBuf& operator=(const LineSyncBuf&) = delete;
  ~LineSyncBuf() override {
    if (!m_line.empty()) emit();
  }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    m_line.push_back(traits_type::to_char_type(c));
    if (m_line.back() == '\n') emit();
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize k = 0; k < n; ++k) overflow(traits_type::to_int_type(s[k]));
    return n;
  }

 private:
  static std::mutex& lock() {
    static std::mutex m;
    return m;
  }
  void emit() {
    const std::lock_guard g(lock());
    m_out->write(m_line.data(), static_cast<std::streamsize>(m_line.size()));
    m_out->flush();
    m_line.clear();
  }
  std::ostream* m_out;
  std::string m_line;
};

/// The order in which run_tables starts `tables` on several threads: by RateTable::cost,
/// costliest first, ties in the given order.
inline std::vector<std::size_t> table_start_order(const std::vector<const RateTable*>& tables) {
  std::vector<std::size_t> order(tables.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return tables[a]->cost > tables[b]->cost; });
  return order;
}
}  // namespace detail

/// What run_tables hands its callback for each table, in the order of the tables.
struct TableOutcome {
  const RateTable* table = nullptr;
  TableResult result{};      ///< the judged rows and provenance (run_table's); cut short if interrupted
  bool interrupted = false;  ///< interrupt_requested() was set when the table returned: its runs stopped early
};

/// Runs `tables` side by side on up to `jobs` threads (0: available_cores(); never more threads
/// than tables), the costliest (RateTable::cost) started first, each table in its own
/// Context(preset, out_dir, progress) whose progress lines reach `progress` whole (detail::LineSyncBuf), and calls `on_outcome(TableOutcome&&)` on the
/// calling thread for each table in order, as soon as it and every table before it are done. The
/// tables are independent and deterministic, so the outcomes are the same for every `jobs`
/// (`jobs` = 1 runs them one after the other on the calling thread). After an interrupted
/// outcome no table starts and no further outcome is delivered; a table that an interrupt kept
/// from starting comes out as interrupted, with no rows. A table that throws: no table starts
/// after it, the running ones finish, and its exception is rethrown at its turn (or at the turn
/// of the first table that it kept from starting).
template <class OnOutcome>
void run_tables(const std::vector<const RateTable*>& tables, Preset preset, const std::filesystem::path& out_dir,
                int jobs, OnOutcome&& on_outcome, std::ostream& progress = std::cerr) {
  if (jobs < 0) adonis::detail::fail("experiment::run_tables", "jobs must be >= 0 (got ", jobs, ")");
  struct Slot {
    std::optional<TableOutcome> outcome{};
    std::exception_ptr error{};
    bool done = false;
  };
  const auto run_one = [&](std::size_t k) {
    Slot slot;
    try {
      detail::LineSyncBuf buf(progress);
      std::ostream lines(&buf);
      Context ctx(preset, out_dir, lines);
      TableResult result = run_table(*tables[k], ctx);
      slot.outcome = TableOutcome{.table = tables[k], .result = std::move(result), .interrupted = interrupt_requested() != 0};
    } catch (...) {
      slot.error = std::current_exception();
    }
    slot.done = true;
    return slot;
  };
  const std::size_t count = tables.size();
  const std::size_t threads =
      std::min(count, static_cast<std::size_t>(jobs == 0 ? available_cores() : jobs));
  if (threads <= 1) {  // one after the other on the calling thread, each delivered when done
    for (std::size_t k = 0; k < count; ++k) {
      Slot slot = run_one(k);
      if (slot.error) std::rethrow_exception(slot.error);
      const bool interrupted = slot.outcome->interrupted;
      on_outcome(std::move(*slot.outcome));
      if (interrupted) return;
    }
    return;
  }
  const std::vector<std::size_t> order = detail::table_start_order(tables);
  std::vector<Slot> slots(count);
  std::mutex m;
  std::condition_variable changed;
  std::size_t next = 0, running = threads;
  bool stop = false;
  const auto work = [&] {
    while (true) {
      std::size_t k = 0;
      {
        const std::lock_guard g(m);
        if (stop || next == count) break;
        k = order[next++];
      }
      Slot slot = run_one(k);
      const std::lock_guard g(m);
      if (slot.error || slot.outcome->interrupted) stop = true;
      slots[k] = std::move(slot);
      changed.notify_all();
    }
    const std::lock_guard g(m);
    --running;
    changed.notify_all();
  };
  std::vector<std::thread> workers;
  workers.reserve(threads);
  try {
    for (std::size_t t = 0; t < threads; ++t) workers.emplace_back(work);
  } catch (...) {  // a thread could not start: the started ones finish (running counts them)
    {
      const std::lock_guard g(m);
      stop = true;
      running -= threads - workers.size();
    }
    for (std::thread& w : workers) w.join();
    throw;
  }
  std::exception_ptr failure;
  for (std::size_t k = 0; k < count; ++k) {
    std::unique_lock lk(m);
    changed.wait(lk, [&] { return slots[k].done || running == 0; });
    if (!slots[k].done) {  // never started: a table started before it (costlier) stopped the rest
      for (const Slot& other : slots)  // the first failed table in the given order
        if (other.done && other.error) {
          failure = other.error;
          break;
        }
      if (failure) break;
      // an interrupt: table k is the first one cut short
      slots[k].outcome = TableOutcome{.table = tables[k], .result = {}, .interrupted = true};
      slots[k].done = true;
    }
    Slot slot = std::move(slots[k]);
    lk.unlock();
    if (slot.error) {
      failure = slot.error;
      break;
    }
    const bool interrupted = slot.outcome->interrupted;
    try {
      on_outcome(std::move(*slot.outcome));
    } catch (...) {
      failure = std::current_exception();
      break;
    }
    if (interrupted) break;
  }
  {
    const std::lock_guard g(m);
    stop = true;
  }
  for (std::thread& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
}

/// Writes DIR/NAME.csv (the architecture's columns) and DIR/NAME.json (summary, provenance,
/// rows), each atomically (report/atomic_file.hpp); creates DIR if needed.
/// @throws InvalidArgument naming DIR when it cannot be created; RuntimeError naming the file
///         when it cannot be written.
inline void write_table_files(const TableResult& result, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) adonis::detail::fail("experiment::write_table_files", "cannot create directory '", dir.string(), "': ", ec.message());
  std::ostringstream csv;
  write_rates_csv(csv, result.rows);
  write_file_atomically(dir / (result.name + ".csv"), csv.str(), "experiment::write_table_files");
  write_file_atomically(dir / (result.name + ".json"), rates_json(result.rows, result.provenance).dump(2) + "\n",
                        "experiment::write_table_files");
}

}  // namespace adonis::experiment
