// SPDX-License-Identifier: BSD-3-Clause
/// @file common.hpp
/// @brief Helpers shared by the `adonis` subcommands.
#pragma once

#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace adonis::cli {

/// A double as JSON: a number, or null when it is infinite or NaN (JSON has neither).
inline nlohmann::ordered_json number(double x) { return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr); }

/// A double for human-readable output: 10 significant digits, "inf" when infinite.
inline std::string fmt(double x, int digits = 10) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::ostringstream os;
  os << std::setprecision(digits) << x;
  return os.str();
}

}  // namespace adonis::cli
