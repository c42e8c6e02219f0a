// SPDX-License-Identifier: BSD-3-Clause
/// @file version.hpp
/// @brief The adonis version: the single source of truth, read by CMakeLists.txt.
#pragma once

#define ADONIS_VERSION_MAJOR 0
#define ADONIS_VERSION_MINOR 1
#define ADONIS_VERSION_PATCH 0

namespace adonis {
/// The library version as "MAJOR.MINOR.PATCH".
inline constexpr const char* version_string = "0.1.0";
}  // namespace adonis
