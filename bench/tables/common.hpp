// SPDX-License-Identifier: BSD-3-Clause
/// @file common.hpp
/// @brief Helpers shared by the built-in rate tables: number formatting for notes and
///        commands, and the `adonis run` command that reproduces a single-run row.
#pragma once

#include <string>

#include "adonis/core/types.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis::tables {

/// A double in `digits` significant digits (as `adonis run` prints its summary).
inline std::string fmt(double x, int digits = 10) { return format_number(x, digits); }

/// The `adonis run` command that reproduces a single-run row (with --measure it prints the
/// numbers the row is made of).
inline std::string run_command(const std::string& algorithm, const std::string& graph, const std::string& problem,
                               Round rounds, const std::string& extra = {}) {
  return "adonis run --algorithm " + algorithm + " --graph " + graph + " --problem " + problem + " --iterations " +
         std::to_string(rounds) + (extra.empty() ? "" : " " + extra) + " --measure";
}

}  // namespace adonis::tables
