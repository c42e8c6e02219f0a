// SPDX-License-Identifier: BSD-3-Clause
/// @file error.hpp
/// @brief The adonis exception hierarchy and the house message format.
///
/// Bad user input throws; a run that diverges returns a status instead (architecture.md).
/// Messages follow `<Component>[::<method>]: <what> must <constraint> (got <value>)`.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace adonis {

/// Base of every "bad value from the user" error (wrong option, size, spec, topology).
class InvalidArgument : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Sizes that must agree do not (nodes, dimensions, matrix shapes).
class DimensionMismatch : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// A graph that cannot be used as asked (too small, disconnected where connectivity is needed).
class InvalidTopology : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// Malformed or unreadable input data (graph or dataset files); the message names file and line.
class ParseError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// A failure that is not the caller's input: a solver that did not converge, an I/O failure.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

/// Concatenates `parts` with operator<< (g++ 12 has no <format>).
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream os;
  os.precision(10);
  (os << ... << parts);
  return os.str();
}

/// Throws E with the message "<where>: <parts...>".
template <class E = InvalidArgument, class... Parts>
[[noreturn]] void fail(std::string_view where, const Parts&... parts) {
  throw E(concat(where, ": ", parts...));
}

}  // namespace detail
}  // namespace adonis
