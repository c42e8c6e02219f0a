// SPDX-License-Identifier: BSD-3-Clause
/// Runs a built-in rate table in-process through the experiment layer (bench/tables/builtin.hpp),
/// as `adonis rates --table NAME --quick --out DIR` would, without spawning the program.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adonis/experiment/table.hpp"
#include "adonis/report/rates.hpp"
#include "tables/builtin.hpp"

namespace adonis::test {

/// The quick preset of built-in table `name`, figures and files into `dir`: returns NAME.json as
/// written (parsed back), sets `status` as `adonis rates` would exit (1 iff a row is VIOLATED)
/// and `out` to the progress log followed by the markdown.
inline nlohmann::json run_builtin_quick(const std::string& name, const std::filesystem::path& dir, int& status,
                                        std::string& out) {
  const experiment::Registry registry = tables::builtin_registry();
  std::ostringstream log, markdown;
  experiment::Context ctx(experiment::Preset::quick, dir, log);
  const experiment::TableResult result = experiment::run_table(registry.find(name), ctx);
  experiment::write_table_files(result, dir);
  write_rates_markdown(markdown, result.rows, name + " table");
  status = any_violated(result.rows) ? 1 : 0;
  out = log.str() + markdown.str();
  std::ifstream in(dir / (name + ".json"));
  return nlohmann::json::parse(in);
}

}  // namespace adonis::test
