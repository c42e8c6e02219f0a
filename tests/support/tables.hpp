// SPDX-License-Identifier: BSD-3-Clause
/// Runs a built-in rate table through the built program, `adonis rates --table NAME --quick
/// --out DIR`, and reads back what it wrote. Through the program, not in-process: compiling
/// every built-in table into the test executable as well cost 105 s of compile CPU at -O1 and
/// 175 s under ASan + UBSan (bench/tables/builtin.hpp alone, 2026-12-07), CI's critical path.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace adonis::test {

/// The quick preset of built-in table `name`, figures and files into `dir`: returns NAME.json as
/// written (parsed), sets `status` to the program's exit status (1 iff a row is VIOLATED) and
/// `out` to its progress log (stderr) followed by the markdown (stdout).
inline nlohmann::json run_builtin_quick(const std::string& name, const std::filesystem::path& dir, int& status,
                                        std::string& out) {
  const ProcessResult r = run_cli("rates --table " + name + " --quick --jobs 1 --out " + dir.string());
  status = r.status;
  out = r.err + r.out;
  std::ifstream in(dir / (name + ".json"));
  if (!in) return nlohmann::json::object();  // the caller's checks on the status and rows then fail
  return nlohmann::json::parse(in);
}

}  // namespace adonis::test
