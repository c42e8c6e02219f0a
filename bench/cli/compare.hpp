// SPDX-License-Identifier: BSD-3-Clause
/// @file compare.hpp
/// @brief Declares `adonis compare` (defined in compare.cpp, its own translation unit).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace adonis::cli {

/// Registers `adonis compare` on `app`; `invocation` (the program's command line) goes into the
/// comparison's JSON. Sets `exit_code` to 1 when a --replay differs.
void add_compare(CLI::App& app, int& exit_code, const std::string& invocation);

}  // namespace adonis::cli
