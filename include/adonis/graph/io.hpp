// SPDX-License-Identifier: BSD-3-Clause
/// @file io.hpp
/// @brief Header-only graph I/O: the edge-list reader, and edge-list and DOT writers.
///
/// Edge-list format: one `u v` pair of non-negative integer labels per line; a line with a
/// single label declares a node (so isolated nodes survive a round trip); `#` starts a
/// comment; blank lines are ignored. Nodes are relabelled 0..n-1 in order of first
/// appearance in the file; self-loops are dropped and parallel edges merged. (GraphML and DOT
/// readers are in readers.hpp, which needs the compiled Boost.Graph library.)
#pragma once

#include <cctype>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>
#include <string>
#include <unordered_map>

#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/graph/graph.hpp"

namespace adonis {

namespace detail {

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

/// Reads an edge list from a stream; `name` (a file name) is used in error messages.
/// @throws ParseError naming the file, the line number and the offending text.
inline Graph read_edge_list(std::istream& in, const std::string& name) {
  detail::NodeRelabeler<unsigned long long> relabel;
  std::vector<Edge> edges;
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
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
  return graph_from_edges(relabel.size(), edges);
}

/// Reads an edge-list file.
/// @throws ParseError if the file cannot be opened or is malformed.
inline Graph read_edge_list_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) detail::fail<ParseError>("read_edge_list", "cannot open file '", path, "'");
  return read_edge_list(in, path);
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
