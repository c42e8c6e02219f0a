// SPDX-License-Identifier: BSD-3-Clause
/// @file result.hpp
/// @brief How a run ended, and the communication/computation counters every algorithm keeps.
///
/// Divergence is a status, not an exception (architecture.md): a diverged run returns
/// Status::diverged and every observer has seen every round up to it, so nothing is lost.
#pragma once

#include <cstdint>
#include <string_view>

#include "adonis/core/types.hpp"

namespace adonis {

/// Why a run stopped.
enum class Status {
  max_rounds,           ///< the round budget was used up
  stopped_by_observer,  ///< an observer's on_round returned true (e.g. a target was reached)
  diverged,             ///< a non-finite value, or ||X_t||_F > divergence_factor * max(||X_0||_F, 1)
  interrupted,          ///< a signal asked the run to stop (core/interrupt.hpp), after a complete round
};

/// Printable name of a Status ("max_rounds", "stopped_by_observer", "diverged", "interrupted").
constexpr std::string_view to_string(Status s) {
  switch (s) {
    case Status::max_rounds: return "max_rounds";
    case Status::stopped_by_observer: return "stopped_by_observer";
    case Status::diverged: return "diverged";
    case Status::interrupted: return "interrupted";
  }
  return "unknown";
}

/// Cumulative cost counters. A synchronous round sends one message per edge direction of
/// W_t's support (2|E_t|); a message carrying k d-vectors uncompressed is 8·k·d bytes.
struct Counters {
  Round rounds = 0;          ///< rounds (synchronous) or events (asynchronous)
  double time = 0;           ///< the round number (synchronous) or simulated time (asynchronous)
  std::int64_t gradients = 0;  ///< local (stochastic) gradient evaluations, summed over nodes
  std::int64_t messages = 0;   ///< point-to-point messages
  std::int64_t bytes = 0;      ///< bytes in those messages
};

/// The outcome of run().
struct RunResult {
  Status status = Status::max_rounds;
  Counters counters;
};

}  // namespace adonis
