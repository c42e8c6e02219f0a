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
/// Needs nlohmann-json (the provenance is a JSON object): link adonis::experiment.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/core/error.hpp"
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
};

/// A table whose parameters are `Spec` (default-constructed: the full preset; `Spec::quick()`:
/// the quick preset), run by `run(const Spec&, Context&)`.
template <class Spec, class Run>
RateTable make_table(std::string name, std::string description, Run run) {
  return {std::move(name), std::move(description), [run](Context& ctx) {
            const Spec spec = ctx.quick() ? Spec::quick() : Spec{};
            return run(spec, ctx);
          }};
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
  /// @throws InvalidArgument naming the known tables when `name` is not registered.
  const RateTable& find(std::string_view name) const {
    for (const RateTable& t : m_tables)
      if (t.name == name) return t;
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
