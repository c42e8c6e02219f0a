// SPDX-License-Identifier: BSD-3-Clause
/// @file io.hpp
/// @brief Header-only graph I/O: the edge-list reader, and edge-list and DOT writers.
///
/// Edge-list format: one `u v` pair of non-negative integer labels per line; a line with a
/// single label declares a node (so isolated nodes survive a round trip); `#` starts a
/// comment; blank lines are ignored. Nodes are relabelled 0..n-1 in order of first
/// appearance in the file; self-loops are dropped and parallel edges merged. (GraphML and DOT
/// readers are in readers.hpp, which needs the compiled Boost.Graph library.)
///
/// The policy shared by every graph reader (docs/graphs.md "Files"): the file must be a regular
/// file (core/input.hpp); a self loop is dropped and a repeated edge (u v again, or v u) merged,
/// and when either happened the reader writes ONE line to its `warnings` stream (std::cerr by
/// default) with the counts: `adonis: warning: read_edge_list: file 'g.edges': dropped 1 self
/// loop, merged 1 duplicate edge`. The edge-list reader caps lines at max_line_bytes (1 MiB).
#pragma once

#include <cctype>
#include <fstream>
#include <iostream>
#include <istream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/graph/graph.hpp"

namespace adonis {

/// What a graph reader dropped or merged to make the file's graph simple.
struct SimpleGraphCounts {
  Index self_loops = 0;       ///< edges u-u, dropped
  Index duplicate_edges = 0;  ///< edges already present (u v twice, or u v and v u), merged
};

namespace detail {

/// add_edge_unique(g, u, v), counting a dropped self loop or a merged duplicate in `counts`.
inline void add_edge_counted(Graph& g, Index u, Index v, SimpleGraphCounts& counts) {
  if (u == v) ++counts.self_loops;
  else if (!add_edge_unique(g, u, v)) ++counts.duplicate_edges;
}

/// "1 self loop" / "2 self loops".
inline std::string count_noun(Index k, const char* noun) { return concat(k, ' ', noun, k == 1 ? "" : "s"); }

/// Writes the readers' one warning line when anything was dropped or merged:
/// `adonis: warning: <who>: file '<name>': dropped 1 self loop, merged 2 duplicate edges`.
inline void warn_simplified(std::ostream& warnings, std::string_view who, std::string_view name,
                            const SimpleGraphCounts& counts) {
  if (counts.self_loops == 0 && counts.duplicate_edges == 0) return;
  warnings << "adonis: warning: " << who << ": file '" << name << "': ";
  if (counts.self_loops > 0) warnings << "dropped " << count_noun(counts.self_loops, "self loop");
  if (counts.self_loops > 0 && counts.duplicate_edges > 0) warnings << ", ";
  if (counts.duplicate_edges > 0) warnings << "merged " << count_noun(counts.duplicate_edges, "duplicate edge");
  warnings << " (adonis graphs are simple)\n";
}

/// Relabels arbitrary node labels to 0..n-1 in order of first appearance.
template <class Label>
class NodeRelabeler {
 public:
  Index operator()(const Label& label) {
    auto [it, inserted] = m_index.try_emplace(label, static_cast<Index>(m_index.size()));
    return it->second;
  }
  Index size() const { return static_cast<Index>(m_index.size()); }

 private:
  std::unordered_map<Label, Index> m_index;
};

}  // namespace detail

/// Reads an edge list from a stream; `name` (a file name) is used in error messages and in the
/// warning line written to `warnings` when self loops were dropped or duplicates merged.
/// @throws ParseError naming the file, the line number and the offending text (or the line
///         cap, for a line longer than max_line_bytes).
inline Graph read_edge_list(std::istream& in, const std::string& name, std::ostream& warnings = std::cerr) {
  detail::NodeRelabeler<unsigned long long> relabel;
  std::vector<std::pair<Index, Index>> edges;
  std::string line;
  long line_no = 0;
  while (read_capped_line(in, line, "read_edge_list", name, line_no + 1)) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream tokens(line);
    std::string a, b, extra;
    if (!(tokens >> a)) continue;  // blank or comment-only line
    unsigned long long u = 0, v = 0;
    const bool has_b = static_cast<bool>(tokens >> b);
    if ((has_b && (tokens >> extra)) || !detail::try_parse_number(a, u) || (has_b && !detail::try_parse_number(b, v)))
      detail::fail<ParseError>("read_edge_list", "file '", name, "' line ", line_no,
                               ": expected two non-negative integer node labels 'u v', got '", line, "'");
    if (!has_b) {  // a lone node
      relabel(u);
      continue;
    }
    const Index a_id = relabel(u);  // sequenced: first appearance order is the node order
    const Index b_id = relabel(v);
    edges.emplace_back(a_id, b_id);
  }
  if (in.bad()) detail::fail<ParseError>("read_edge_list", "file '", name, "': read error");
  Graph g(static_cast<std::size_t>(relabel.size()));
  SimpleGraphCounts counts;
  for (const auto& [u, v] : edges) detail::add_edge_counted(g, u, v, counts);
  detail::warn_simplified(warnings, "read_edge_list", name, counts);
  return g;
}

/// Reads an edge-list file (see read_edge_list).
/// @throws ParseError if the file is not a regular file, cannot be opened or is malformed.
inline Graph read_edge_list_file(const std::string& path, std::ostream& warnings = std::cerr) {
  std::ifstream in = open_input_file("read_edge_list", path);
  return read_edge_list(in, path, warnings);
}

/// Writes g as an edge list: a header comment, `u v` per line (u < v, sorted), then one line
/// per isolated node. Reading it back gives a graph isomorphic to g (the reader numbers nodes
/// in order of first appearance).
inline void write_edge_list(std::ostream& out, const Graph& g, std::string_view comment = {}) {
  if (!comment.empty()) out << "# " << comment << '\n';
  out << "# nodes " << num_nodes(g) << " edges " << num_edges(g) << '\n';
  for (const auto& [u, v] : edge_list(g)) out << u << ' ' << v << '\n';
  for (Index u = 0; u < num_nodes(g); ++u)
    if (degree(g, u) == 0) out << u << '\n';
}

/// Writes g in Graphviz DOT (`graph G { 0; 1; ... 0 -- 1; ... }`); isolated nodes are kept.
inline void write_dot(std::ostream& out, const Graph& g, std::string_view name = "G") {
  out << "graph " << name << " {\n";
  for (Index u = 0; u < num_nodes(g); ++u) out << "  " << u << ";\n";
  for (const auto& [u, v] : edge_list(g)) out << "  " << u << " -- " << v << ";\n";
  out << "}\n";
}

}  // namespace adonis
