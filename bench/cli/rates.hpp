// SPDX-License-Identifier: BSD-3-Clause
/// @file rates.hpp
/// @brief `adonis rates [--list] [--table NAME[,NAME...]|all] [--quick] [--jobs J] [--out DIR] [--format F]`: parses,
///        looks the tables up in the registry of the built-in tables (bench/tables/builtin.hpp),
///        runs them through the experiment layer and prints them.
///
/// Output: on a terminal a compact aligned view (report/rates.hpp, write_rates_terminal);
/// otherwise, or with `--format markdown`, the full markdown of docs/rates.md. With `--out DIR`,
/// DIR/NAME.csv and DIR/NAME.json (written atomically) and the figures. Exit status 1 if a row is
/// VIOLATED (erratum and report rows do not fail a table).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/core/interrupt.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/report/rates.hpp"
#include "adonis/version.hpp"
#include "tables/builtin.hpp"

namespace adonis::cli {

/// Registers the subcommand on `app`. Sets `exit_code` to 1 if any row is VIOLATED.
inline void add_rates(CLI::App& app, int& exit_code) {
  struct Args {
    bool list = false, quick = false;
    int jobs = 0;
    std::string table = "default", out, format = "auto";
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("rates", "Reproduce the theoretical rate tables and check them");
  sub->add_flag("--list", args->list, "list the tables");
  sub->add_option("--table", args->table, "table NAME, NAME,NAME,... or all")->capture_default_str();
  sub->add_flag("--quick", args->quick, "reduced sizes");
  sub->add_option("--jobs", args->jobs,
                  "tables run side by side on J threads (0: the cores); the output is the same for every J")
      ->capture_default_str();
  sub->add_option("--out", args->out, "directory for NAME.csv, NAME.json and the plots");
  sub->add_option("--format", args->format,
                  "auto (compact on a terminal, markdown otherwise) | markdown | compact")
      ->capture_default_str();
  sub->callback([args, &exit_code] {
    const experiment::Registry registry = tables::builtin_registry();
    if (args->list) {
      for (const auto& t : registry.tables()) std::cout << t.name << "  " << t.description << '\n';
      return;
    }
    if (args->format != "auto" && args->format != "markdown" && args->format != "compact")
      throw InvalidArgument("rates: --format must be auto, markdown or compact (got '" + args->format + "')");
    const bool terminal = ::isatty(STDOUT_FILENO) != 0;
    const bool markdown = args->format == "markdown" || (args->format == "auto" && !terminal);
    std::vector<const experiment::RateTable*> chosen;
    if (args->table == "all") {
      for (const auto& t : registry.tables()) chosen.push_back(&t);
    } else {  // NAME or NAME,NAME,...: in the order given, each once
      for (const std::string_view name : adonis::detail::split(args->table, ',')) {
        const experiment::RateTable* found = registry.lookup(name);
        if (found == nullptr)
          throw InvalidArgument("rates: unknown --table '" + std::string(name) + "' (known: " + registry.names() +
                                ", all)");
        if (std::find(chosen.begin(), chosen.end(), found) == chosen.end()) chosen.push_back(found);
      }
    }
    if (args->jobs < 0 || args->jobs > max_round_threads)
      throw InvalidArgument("rates: --jobs must be in [0, " + std::to_string(max_round_threads) + "] (got " +
                            std::to_string(args->jobs) + ")");
    const InterruptHandler on_signal;  // SIGINT/SIGTERM: the runs stop after their current round
    const auto preset = args->quick ? experiment::Preset::quick : experiment::Preset::full;
    // the tables run side by side (--jobs) and come out here in order, each once it is done
    const auto start = std::chrono::steady_clock::now();
    experiment::run_tables(chosen, preset, args->out, args->jobs, [&](experiment::TableOutcome&& o) {
      const experiment::RateTable* table = o.table;
      if (o.interrupted) {  // its runs were cut short: the table is dropped, not written
        std::cerr << "adonis: rates: interrupted during the " << table->name
                  << " table; the tables before it are complete and written\n";
        exit_code = 128 + interrupt_requested();
        return;
      }
      const experiment::TableResult& result = o.result;
      const std::string title = table->name + " table (adonis " + version_string + ")";
      if (markdown)
        write_rates_markdown(std::cout, result.rows, title);
      else
        write_rates_terminal(std::cout, result.rows, title, terminal);  // colours only on a terminal
      std::cout.flush();
      if (any_violated(result.rows)) exit_code = 1;
      if (!args->out.empty()) experiment::write_table_files(result, args->out);
    });
    if (exit_code < 128)  // not interrupted: the preset's wall time, for docs/performance.md
      std::cerr << "rates: " << chosen.size() << (chosen.size() == 1 ? " table" : " tables") << " ("
                << (args->quick ? "quick" : "full") << " preset) in "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
  });
}

}  // namespace adonis::cli
