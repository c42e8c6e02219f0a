// SPDX-License-Identifier: BSD-3-Clause
/// @file rates.hpp
/// @brief `adonis rates [--list] [--table NAME|all] [--quick] [--out DIR] [--format F]`: parses,
///        looks the tables up in the registry of the built-in tables (bench/tables/builtin.hpp),
///        runs them through the experiment layer and prints them.
///
/// Output: on a terminal a compact aligned view (report/rates.hpp, write_rates_terminal);
/// otherwise, or with `--format markdown`, the full markdown of docs/rates.md. With `--out DIR`,
/// DIR/NAME.csv and DIR/NAME.json (written atomically) and the figures. Exit status 1 if a row is
/// VIOLATED (erratum and report rows do not fail a table).
#pragma once

#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/core/interrupt.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/report/rates.hpp"
#include "adonis/version.hpp"
#include "tables/builtin.hpp"

namespace adonis::cli {

/// Registers the subcommand on `app`. Sets `exit_code` to 1 if any row is VIOLATED.
inline void add_rates(CLI::App& app, int& exit_code) {
  struct Args {
    bool list = false, quick = false;
    std::string table = "default", out, format = "auto";
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("rates", "Reproduce the theoretical rate tables and check them");
  sub->add_flag("--list", args->list, "list the tables");
  sub->add_option("--table", args->table, "table NAME, or all")->capture_default_str();
  sub->add_flag("--quick", args->quick, "reduced sizes");
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
    for (const auto& t : registry.tables())
      if (args->table == "all" || args->table == t.name) chosen.push_back(&t);
    if (chosen.empty())
      throw InvalidArgument("rates: unknown --table '" + args->table + "' (known: " + registry.names() + ", all)");
    const InterruptHandler on_signal;  // SIGINT/SIGTERM: the runs stop after their current round
    for (const experiment::RateTable* table : chosen) {
      experiment::Context ctx(args->quick ? experiment::Preset::quick : experiment::Preset::full, args->out);
      const experiment::TableResult result = experiment::run_table(*table, ctx);
      if (interrupt_requested() != 0) {  // its runs were cut short: the table is dropped, not written
        std::cerr << "adonis: rates: interrupted during the " << table->name
                  << " table; the tables before it are complete and written\n";
        exit_code = 128 + interrupt_requested();
        return;
      }
      const std::string title = table->name + " table (adonis " + version_string + ")";
      if (markdown)
        write_rates_markdown(std::cout, result.rows, title);
      else
        write_rates_terminal(std::cout, result.rows, title, terminal);  // colours only on a terminal
      std::cout.flush();
      if (any_violated(result.rows)) exit_code = 1;
      if (!args->out.empty()) experiment::write_table_files(result, args->out);
    }
  });
}

}  // namespace adonis::cli
