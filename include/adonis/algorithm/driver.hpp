// SPDX-License-Identifier: BSD-3-Clause
/// @file driver.hpp
/// @brief The observers and the run loop shared by every algorithm. They live in core/run.hpp
///        (the run protocol sits below sim/ and algorithm/, so every backend shares it); this
///        header is kept so that code written against `adonis/algorithm/driver.hpp` still builds.
#pragma once

#include "adonis/core/run.hpp"
