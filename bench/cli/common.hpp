// SPDX-License-Identifier: BSD-3-Clause
/// @file common.hpp
/// @brief Helpers shared by the `adonis` subcommands.
#pragma once

#include <algorithm>
#include <cmath>
#include <ostream>
#include <vector>
#include <iomanip>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"

namespace adonis::cli {

/// A double as JSON: a number, or null when it is infinite or NaN (JSON has neither).
inline nlohmann::ordered_json number(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); }

/// A double for human-readable output: 10 significant digits, "inf" when infinite (the tables'
/// own formatting, bench/tables/common.hpp).
using tables::fmt;

/// Prints a JSON object as aligned "key value" lines under a title line (the subcommands'
/// human-readable output); null prints as `null_text`, keys in `skip` are left out.
inline void print_key_values(std::ostream& out, const std::string& title, const nlohmann::ordered_json& j,
                             const std::string& null_text = "null", const std::vector<std::string>& skip = {}) {
  out << title << '\n';
  for (const auto& [key, value] : j.items()) {
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    out << "  " << std::left << std::setw(22) << key << ' ';
    if (value.is_number_float()) out << fmt(value.get<double>());
    else if (value.is_null()) out << null_text;
    else if (value.is_string()) out << value.get<std::string>();
    else out << value.dump();
    out << '\n';
  }
}

}  // namespace adonis::cli
