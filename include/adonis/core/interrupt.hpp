// SPDX-License-Identifier: BSD-3-Clause
/// @file interrupt.hpp
/// @brief Runs that stop cleanly on SIGINT or SIGTERM: a process-wide flag that a signal handler
///        sets and run() tests once per round or event, which then ends with
///        Status::interrupted, every observer having seen every round up to it (nothing lost).
///
/// The library never installs a handler by itself: a program that wants the behaviour creates
/// an InterruptHandler for the duration of its work (the `adonis` program does, for `run` and
/// `rates`). Code with its own handlers calls request_interrupt() from them.
#pragma once

#include <atomic>
#include <csignal>

namespace adonis {

namespace detail {
/// The signal that asked for a stop, 0 if none (the only object a handler may touch): a
/// lock-free atomic, which a signal handler may store to (C++17 [support.signal]) and which
/// threads read without a data race (runtime/threads.hpp's workers, experiment::run_tables).
inline std::atomic<int> interrupt_signal_number{0};
static_assert(std::atomic<int>::is_always_lock_free);
extern "C" inline void adonis_interrupt_handler(int signal) {
  interrupt_signal_number.store(signal, std::memory_order_relaxed);
  std::signal(signal, SIG_DFL);  // a second signal of the same kind ends the process as usual
}
}  // namespace detail

/// The signal that asked the runs to stop (SIGINT, SIGTERM), or 0.
inline int interrupt_requested() noexcept { return detail::interrupt_signal_number.load(std::memory_order_relaxed); }
/// Asks the runs to stop, as the handler does for `signal` (for tests, and for handlers of the
/// embedding program).
inline void request_interrupt(int signal) noexcept {
  detail::interrupt_signal_number.store(signal, std::memory_order_relaxed);
}
/// Forgets a request (before starting new work after an interrupted one).
inline void clear_interrupt() noexcept { detail::interrupt_signal_number.store(0, std::memory_order_relaxed); }

/// Installs the stopping handler for SIGINT and SIGTERM, and restores the previous handlers when
/// destroyed. The first signal sets the flag and restores the default action, so that a second
/// Ctrl-C ends a program that does not stop.
class InterruptHandler {
 public:
  InterruptHandler() noexcept
      : m_int(std::signal(SIGINT, detail::adonis_interrupt_handler)),
        m_term(std::signal(SIGTERM, detail::adonis_interrupt_handler)) {}
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;
  ~InterruptHandler() {
    std::signal(SIGINT, m_int == SIG_ERR ? SIG_DFL : m_int);
    std::signal(SIGTERM, m_term == SIG_ERR ? SIG_DFL : m_term);
  }

 private:
  using Handler = void (*)(int);
  Handler m_int, m_term;
};

}  // namespace adonis
