// SPDX-License-Identifier: BSD-3-Clause
/// @file data.hpp
/// @brief Where the shipped files (datasets, graphs) are found: one lookup for both.
///
/// A kind of shipped file (datasets: variable ADONIS_DATA_DIR, installed directory
/// PREFIX/share/adonis/data; graphs: ADONIS_GRAPHS_DIR, PREFIX/share/adonis/graphs) is looked
/// up in this order, and the first existing directory wins:
///
///   1. the environment variable, if set and non-empty. It is authoritative: when it does not
///      name a directory the lookup fails (InvalidArgument) instead of falling through, so a
///      run never silently reads other data than the user asked for;
///   2. next to the running program: `DIR/../share/adonis/data` where DIR holds the executable
///      (`/proc/self/exe`), i.e. the installed layout: `PREFIX/bin/adonis` reads
///      `PREFIX/share/adonis/data`, wherever the prefix was installed, copied or unpacked;
///   3. the directory compiled in (the ADONIS_DATA_DIR / ADONIS_GRAPHS_DIR macros; CMake points
///      the build tree's program and tests at the source tree), else `problems/data` or `graphs`
///      relative to the working directory.
///
/// Nothing found: RuntimeError naming every place tried and why it was tried. Users: docs in
/// README.md ("Installing"); problem/spec.hpp data_directory(), graph/spec.hpp graphs_directory().
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "adonis/core/error.hpp"

namespace adonis {

/// How one kind of shipped file is looked up (see the file comment).
struct DataLookup {
  std::string variable;     ///< the overriding environment variable, e.g. "ADONIS_DATA_DIR"
  std::string installed;    ///< the directory under PREFIX/share/adonis, e.g. "data"
  std::string compiled_in;  ///< the build's directory (absolute) or a fallback relative to the working directory
};

/// A directory of the lookup and the reason it is (or was) tried.
struct DataDirectory {
  std::filesystem::path path;  ///< the directory
  std::string origin;          ///< e.g. "$ADONIS_DATA_DIR", "next to the program /usr/bin/adonis", "compiled in"
};

/// The running program's executable (the target of /proc/self/exe), or an empty path where
/// the platform does not say.
inline std::filesystem::path executable_path() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe;
}

/// The directories tried by find_data_directory(), in order, for the given value of the
/// environment variable (null or empty: unset) and executable path (empty: unknown).
inline std::vector<DataDirectory> data_candidates(const DataLookup& lookup, const char* env_value,
                                                  const std::filesystem::path& exe) {
  if (env_value != nullptr && *env_value != '\0') return {{env_value, "$" + lookup.variable}};
  std::vector<DataDirectory> out;
  if (!exe.empty())
    out.push_back({(exe.parent_path() / ".." / "share" / "adonis" / lookup.installed).lexically_normal(),
                   "next to the program " + exe.string()});
  const std::filesystem::path built(lookup.compiled_in);
  out.push_back({built, built.is_absolute() ? "compiled in" : "relative to the working directory"});
  return out;
}

/// The directory holding the shipped files of `lookup`: the first existing directory of
/// data_candidates(lookup, env_value, exe).
/// @throws InvalidArgument if the environment variable is set but names no directory;
///         RuntimeError naming every place tried if none exists.
inline DataDirectory find_data_directory(const DataLookup& lookup, const char* env_value,
                                         const std::filesystem::path& exe) {
  const std::vector<DataDirectory> tried = data_candidates(lookup, env_value, exe);
  std::error_code ec;
  for (const auto& c : tried)
    if (std::filesystem::is_directory(c.path, ec)) return c;
  if (env_value != nullptr && *env_value != '\0')
    detail::fail("find_data_directory", lookup.variable, " must name a directory (got '", env_value, "')");
  std::string places;
  for (const auto& c : tried) places += (places.empty() ? "'" : ", '") + c.path.string() + "' (" + c.origin + ")";
  detail::fail<RuntimeError>("find_data_directory", "the shipped '", lookup.installed,
                             "' directory must be one of ", places, " (none exists; set ", lookup.variable,
                             " to its location)");
}

/// find_data_directory() for this process: the environment variable and the running program.
inline DataDirectory find_data_directory(const DataLookup& lookup) {
  return find_data_directory(lookup, std::getenv(lookup.variable.c_str()), executable_path());
}

}  // namespace adonis
