// SPDX-License-Identifier: BSD-3-Clause
/// @file spec.hpp
/// @brief The graph SPEC grammar of the `adonis` command line (architecture.md):
///
///   ring:N  path:N  star:N  complete:N  grid:RxC  torus:RxC  hypercube:D
///   erdos-renyi:N:P[:SEED]  geometric:N:R[:SEED]  regular:N:D[:SEED]  barbell:K  exponential:N
///   karate (Zachary's karate club, shipped in graphs/, see graphs/PROVENANCE.md)
///   or a file path ending in .edges, .graphml or .dot      (a missing SEED means 0)
///
/// Shipped graphs are looked up in $ADONIS_GRAPHS_DIR, else next to the running program
/// (PREFIX/share/adonis/graphs), else in the directory given by the ADONIS_GRAPHS_DIR macro at
/// compile time (CMake points the program and the tests at the source tree's graphs/), else in
/// ./graphs: see core/data.hpp.
///
/// Includes readers.hpp, so users of this header link `adonis::io`.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adonis/core/data.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/io.hpp"
#include "adonis/graph/readers.hpp"

namespace adonis {

/// The family names of the SPEC grammar, for help texts and error messages.
inline const std::vector<std::string>& graph_families() {
  static const std::vector<std::string> names{"ring", "path", "star", "complete", "grid", "torus",
                                              "hypercube", "erdos-renyi", "geometric", "regular",
                                              "barbell", "exponential"};
  return names;
}

/// How the shipped graphs are looked up (core/data.hpp): $ADONIS_GRAPHS_DIR, PREFIX/share/adonis/graphs,
/// then the ADONIS_GRAPHS_DIR macro (else graphs relative to the working directory).
inline DataLookup graphs_lookup() {
#ifdef ADONIS_GRAPHS_DIR
  return {"ADONIS_GRAPHS_DIR", "graphs", ADONIS_GRAPHS_DIR};
#else
  return {"ADONIS_GRAPHS_DIR", "graphs", "graphs"};
#endif
}

/// The directory holding the shipped graphs (find_data_directory(graphs_lookup())).
/// @throws InvalidArgument ($ADONIS_GRAPHS_DIR names no directory), RuntimeError (none found).
inline std::string graphs_directory() { return find_data_directory(graphs_lookup()).path.string(); }

/// The real networks shipped in graphs/ (name → file), usable as a graph SPEC.
inline const std::vector<std::pair<std::string, std::string>>& shipped_graphs() {
  static const std::vector<std::pair<std::string, std::string>> list{{"karate", "karate.edges"}};
  return list;
}

/// Builds the graph described by a SPEC string (see the file comment). A file reader writes
/// its one warning line (self loops dropped, duplicate edges merged) to `warnings`.
/// @throws InvalidArgument (InvalidTopology, ParseError) with a message that starts with
///         "graph spec '<spec>'" and names the field and the value at fault (a file reader's
///         message names the file instead); a generated graph whose memory estimate exceeds the
///         machine's available memory is refused before allocating (generators.hpp).
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
Graph make_graph(std::string_view spec, std::ostream& warnings = std::cerr) {
  const std::string who = detail::concat("graph spec '", spec, "'");
  if (detail::ends_with(spec, ".edges") || detail::ends_with(spec, ".txt"))
    return read_edge_list_file(std::string(spec), warnings);
  if (detail::ends_with(spec, ".graphml")) return read_graphml_file(std::string(spec), warnings);
  if (detail::ends_with(spec, ".dot") || detail::ends_with(spec, ".gv"))
    return read_dot_file(std::string(spec), warnings);

  for (const auto& [name, file] : shipped_graphs())
    if (spec == name)
      return read_edge_list_file((std::filesystem::path(graphs_directory()) / file).string(), warnings);

  const auto parts = detail::split(spec, ':');
  const std::string_view family = parts[0];
  auto arity = [&](std::size_t lo, std::size_t hi, const char* usage) {
    if (parts.size() - 1 < lo || parts.size() - 1 > hi)
      detail::fail(who, "expected ", usage);
  };
  auto integer = [&](std::size_t k, const char* what) {
    return detail::parse_number<long long>(parts[k], who, what);
  };
  auto real = [&](std::size_t k, const char* what) { return detail::parse_number<double>(parts[k], who, what); };
  auto seed = [&](std::size_t k) {
    return parts.size() > k ? detail::parse_number<std::uint64_t>(parts[k], who, "SEED") : std::uint64_t{0};
  };
  auto dims = [&](const char* usage) {
    arity(1, 1, usage);
    const auto rc = detail::split(parts[1], 'x');
    if (rc.size() != 2) detail::fail(who, "expected ", usage);
    return std::pair{detail::parse_number<long long>(rc[0], who, "R"), detail::parse_number<long long>(rc[1], who, "C")};
  };
  try {
    if (family == "ring") { arity(1, 1, "ring:N"); return ring_graph(integer(1, "N")); }
    if (family == "path") { arity(1, 1, "path:N"); return path_graph(integer(1, "N")); }
    if (family == "star") { arity(1, 1, "star:N"); return star_graph(integer(1, "N")); }
    if (family == "complete") { arity(1, 1, "complete:N"); return complete_graph(integer(1, "N")); }
    if (family == "barbell") { arity(1, 1, "barbell:K"); return barbell_graph(integer(1, "K")); }
    if (family == "exponential") { arity(1, 1, "exponential:N"); return exponential_graph(integer(1, "N")); }
    if (family == "hypercube") {
      arity(1, 1, "hypercube:D");
      const auto d = integer(1, "D");
      if (d < 1 || d > 24) detail::fail<InvalidTopology>(who, "D must lie in [1, 24] (got ", d, ")");
      return hypercube_graph(static_cast<int>(d));
    }
    if (family == "grid") { auto [r, c] = dims("grid:RxC"); return grid_graph(r, c); }
    if (family == "torus") { auto [r, c] = dims("torus:RxC"); return torus_graph(r, c); }
    if (family == "erdos-renyi") {
      arity(2, 3, "erdos-renyi:N:P[:SEED]");
      return erdos_renyi_graph(integer(1, "N"), real(2, "P"), seed(3));
    }
    if (family == "geometric") {
      arity(2, 3, "geometric:N:R[:SEED]");
      return geometric_graph(integer(1, "N"), real(2, "R"), seed(3));
    }
    if (family == "regular") {
      arity(2, 3, "regular:N:D[:SEED]");
      return random_regular_graph(integer(1, "N"), integer(2, "D"), seed(3));
    }
  } catch (const InvalidTopology& e) {
    throw InvalidTopology(who + ": " + e.what());
  }
  std::string known;
  for (const auto& f : graph_families()) known += (known.empty() ? "" : ", ") + f;
  for (const auto& g : shipped_graphs()) known += ", " + g.first;
  detail::fail(who, "unknown graph family '", family, "' (known: ", known,
               "; or a file ending in .edges, .graphml or .dot)");
}

}  // namespace adonis
