// SPDX-License-Identifier: BSD-3-Clause
/// @file parse.hpp
/// @brief Small strict parsers shared by the SPEC grammars and the file readers.
#pragma once

#include <charconv>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "adonis/core/error.hpp"

namespace adonis::detail {

/// Splits `s` at every `sep` (empty fields kept: "a::b" gives {"a", "", "b"}).
inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

/// Parses the whole of `token` as T (integer or floating point); false if it is not one.
template <class T>
bool try_parse_number(std::string_view token, T& value) {
  if (token.empty()) return false;
  const auto* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  return ec == std::errc{} && ptr == end;
}

/// Parses the whole of `token` as T, or throws InvalidArgument "<who>: <what> must be a
/// (whole) number (got '<token>')".
template <class T>
T parse_number(std::string_view token, std::string_view who, std::string_view what) {
  T value{};
  if (!try_parse_number(token, value))
    fail(who, what, " must be a ", std::is_integral_v<T> ? "whole number" : "number", " (got '", token, "')");
  return value;
}

/// True iff `s` ends with `suffix`.
inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace adonis::detail

namespace adonis {

/// Parses the whole of a token as a number of type T, or throws InvalidArgument naming `who`,
/// the field `what` and the token (e.g. `parse_number<double>("0.5", "run", "--gamma")`).
using detail::parse_number;

}  // namespace adonis
