// SPDX-License-Identifier: BSD-3-Clause
/// @file readers.hpp
/// @brief GraphML and DOT readers built on Boost.Graph's parsers.
///
/// @warning Unlike the rest of adonis this header is not header-only: Boost 1.74's
/// `read_graphml` and `read_graphviz` live in the compiled Boost.Graph library. Link the
/// CMake target `adonis::io` (which brings `Boost::graph`) when you include it.
///
/// Both readers treat the graph as undirected, drop self-loops, merge parallel edges, ignore
/// every attribute, and number the nodes 0..n-1 in the order the file declares them.
#pragma once

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>

#include "adonis/core/error.hpp"
#include "adonis/graph/graph.hpp"

namespace adonis {

namespace detail {

inline std::string read_whole_file(const std::string& path, const char* who) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail<ParseError>(who, "cannot open file '", path, "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Copies any Boost graph into a simple undirected adonis::Graph; vertex v of src becomes
/// node order[v] (identity when `order` is empty).
template <class G>
Graph simple_copy(const G& src, const std::vector<Index>& order = {}) {
  Graph g(boost::num_vertices(src));
  auto id = [&](auto v) {
    const auto k = static_cast<Index>(boost::get(boost::vertex_index, src, v));
    return order.empty() ? k : order[static_cast<std::size_t>(k)];
  };
  for (auto [it, end] = boost::edges(src); it != end; ++it)
    add_edge_unique(g, id(boost::source(*it, src)), id(boost::target(*it, src)));
  return g;
}

/// Node ids of a DOT text in order of first appearance. Boost's reader numbers vertices in
/// its own (sorted) order; this light scanner recovers the file order. It skips comments,
/// attribute lists [...], `key = value` assignments and keywords; ids are quoted strings or
/// runs of letters, digits, '_' and '.'.
inline std::vector<std::string> dot_ids_in_file_order(const std::string& text) {
  std::vector<std::string> tokens;  // candidate ids, in order
  std::size_t i = text.find('{');
  if (i == std::string::npos) return {};
  ++i;
  int bracket = 0;
  bool skip_next_value = false;
  auto is_id_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') { i = text.find('\n', i); continue; }
    if (c == '#' ) { i = text.find('\n', i); continue; }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i = text.find("*/", i);
      i = i == std::string::npos ? i : i + 2;
      continue;
    }
    if (c == '[') { ++bracket; ++i; continue; }
    if (c == ']') { --bracket; ++i; continue; }
    std::string token;
    if (c == '"') {
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') {
        if (text[j] == '\\' && j + 1 < text.size()) ++j;
        token += text[j++];
      }
      i = j + 1;
    } else if (is_id_char(c)) {
      std::size_t j = i;
      while (j < text.size() && is_id_char(text[j])) token += text[j++];
      i = j;
    } else {
      if (c == '=' && bracket == 0) {
        if (!tokens.empty()) tokens.pop_back();  // `key = value` at graph level: not node ids
        skip_next_value = true;
      }
      ++i;
      continue;
    }
    if (bracket > 0) continue;
    if (skip_next_value) { skip_next_value = false; continue; }
    if (token == "graph" || token == "digraph" || token == "node" || token == "edge" || token == "subgraph" ||
        token == "strict")
      continue;
    tokens.push_back(token);
  }
  std::vector<std::string> order;
  std::unordered_map<std::string, bool> seen;
  for (auto& t : tokens)
    if (seen.emplace(t, true).second) order.push_back(t);
  return order;
}

/// Maps each vertex of a Boost graph with names to its rank in `file_order` (unknown names last).
template <class G>
std::vector<Index> rank_by_file_order(const G& g, const std::vector<std::string>& file_order) {
  std::unordered_map<std::string, Index> pos;
  for (std::size_t k = 0; k < file_order.size(); ++k) pos.emplace(file_order[k], static_cast<Index>(k));
  const auto n = boost::num_vertices(g);
  std::vector<std::pair<Index, std::size_t>> key(n);
  for (std::size_t v = 0; v < n; ++v) {
    const auto it = pos.find(boost::get(boost::vertex_name, g, v));
    key[v] = {it == pos.end() ? static_cast<Index>(file_order.size() + v) : it->second, v};
  }
  std::sort(key.begin(), key.end());
  std::vector<Index> order(n);
  for (std::size_t r = 0; r < n; ++r) order[key[r].second] = static_cast<Index>(r);
  return order;
}

}  // namespace detail

/// Reads a GraphML file (for example an Internet Topology Zoo network).
/// @throws ParseError naming the file and Boost's parser message (which gives the line).
inline Graph read_graphml_file(const std::string& path) {
  const std::string text = detail::read_whole_file(path, "read_graphml");
  // A directed file is read into a directed graph and then symmetrised.
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  try {
    std::istringstream in(text);
    boost::dynamic_properties dp(boost::ignore_other_properties);
    if (text.find("edgedefault=\"directed\"") != std::string::npos) {
      Directed d;
      boost::read_graphml(in, d, dp);
      return detail::simple_copy(d);
    }
    Undirected u;
    boost::read_graphml(in, u, dp);
    return detail::simple_copy(u);
  } catch (const std::exception& e) {
    detail::fail<ParseError>("read_graphml", "file '", path, "': ", e.what());
  }
}

/// Reads a Graphviz DOT file (`graph` or `digraph`; a digraph is symmetrised).
/// @throws ParseError naming the file and Boost's parser message.
inline Graph read_dot_file(const std::string& path) {
  const std::string text = detail::read_whole_file(path, "read_dot");
  using Named = boost::property<boost::vertex_name_t, std::string>;
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Named>;
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Named>;
  const auto first_brace = text.find('{');
  const bool directed = text.substr(0, first_brace).find("digraph") != std::string::npos;
  try {
    if (directed) {
      Directed d;
      boost::dynamic_properties dp(boost::ignore_other_properties);
      dp.property("node_id", boost::get(boost::vertex_name, d));
      if (!boost::read_graphviz(text, d, dp, "node_id"))
        detail::fail<ParseError>("read_dot", "file '", path, "': not a valid DOT graph");
      return detail::simple_copy(d, detail::rank_by_file_order(d, detail::dot_ids_in_file_order(text)));
    }
    Undirected u;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(boost::vertex_name, u));
    if (!boost::read_graphviz(text, u, dp, "node_id"))
      detail::fail<ParseError>("read_dot", "file '", path, "': not a valid DOT graph");
    return detail::simple_copy(u, detail::rank_by_file_order(u, detail::dot_ids_in_file_order(text)));
  } catch (const ParseError&) {
    throw;
  } catch (const std::exception& e) {
    detail::fail<ParseError>("read_dot", "file '", path, "': ", e.what());
  }
}

}  // namespace adonis
