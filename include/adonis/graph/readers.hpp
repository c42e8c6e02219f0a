// SPDX-License-Identifier: BSD-3-Clause
/// @file readers.hpp
/// @brief GraphML and DOT readers built on Boost.Graph's parsers.
///
/// @warning Unlike the rest of adonis this header is not header-only: Boost 1.74's
/// `read_graphml` and `read_graphviz` live in the compiled Boost.Graph library. Link the
/// CMake target `adonis::io` (which brings `Boost::graph`) when you include it.
///
/// Both readers treat the graph as undirected, drop self-loops, merge parallel edges, ignore
/// every attribute, and number the nodes 0..n-1 in the order the file declares them. They
/// follow the policy of io.hpp: regular files only, and one warning line on `warnings` with
/// the counts of dropped self loops and merged duplicate edges (in a directed file, u -> v and
/// v -> u become one undirected edge and count as one merged duplicate).
///
/// GraphML is strict: every edge endpoint must be a node the file declares (`<node id=...>`).
/// Boost's compiled reader silently creates a node for an undeclared endpoint, so the file is
/// checked first by a light scan of the node ids and edge endpoints (graphml_check_endpoints).
#pragma once

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_map/dynamic_property_map.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/io.hpp"

namespace adonis {

namespace detail {

inline std::string read_whole_file(const std::string& path, const char* who) {
  std::ifstream in = open_input_file(who, path, std::ios::in | std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Copies any Boost graph into a simple undirected adonis::Graph; vertex v of src becomes
/// node order[v] (identity when `order` is empty). Dropped self loops and merged duplicates
/// are counted in `counts`.
template <class G>
Graph simple_copy(const G& src, SimpleGraphCounts& counts, const std::vector<Index>& order = {}) {
  Graph g(boost::num_vertices(src));
  auto id = [&](auto v) {
    const auto k = static_cast<Index>(boost::get(boost::vertex_index, src, v));
    return order.empty() ? k : order[static_cast<std::size_t>(k)];
  };
  for (auto [it, end] = boost::edges(src); it != end; ++it)
    add_edge_counted(g, id(boost::source(*it, src)), id(boost::target(*it, src)), counts);
  return g;
}

/// Decodes the five predefined XML entities (&amp; &lt; &gt; &quot; &apos;) of an attribute value.
inline std::string xml_unescape(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  static constexpr std::pair<std::string_view, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (std::size_t k = 0; k < v.size();) {
    bool decoded = false;
    if (v[k] == '&')
      for (const auto& [name, c] : entities)
        if (v.substr(k, name.size()) == name) {
          out += c;
          k += name.size();
          decoded = true;
          break;
        }
    if (!decoded) out += v[k++];
  }
  return out;
}

/// Checks that every GraphML `<edge>` names declared nodes, before Boost's reader (which would
/// create the missing node) sees the file. A light scan, not an XML parser: it skips comments,
/// CDATA, processing instructions and end tags, and reads the attributes of the `node` and
/// `edge` start tags (any namespace prefix); nodes may be declared after the edges that use
/// them, as in GraphML. Malformed XML is left to Boost's reader to report.
/// @throws ParseError `read_graphml: file 'F' line L: edge 'a' -- 'zz' names the undeclared node 'zz'`.
inline void graphml_check_endpoints(const std::string& text, const std::string& path) {
  struct EdgeRef {
    std::string source, target;
    long line;
  };
  std::unordered_set<std::string> declared;
  std::vector<EdgeRef> edges;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  long line = 1;
  std::size_t counted = 0;  // text[0, counted) has been scanned for newlines
  std::size_t i = 0;
  while ((i = text.find('<', i)) != std::string::npos) {
    auto skip_to = [&](std::string_view end) {
      const auto e = text.find(end, i);
      i = e == std::string::npos ? text.size() : e + end.size();
    };
    if (text.compare(i, 4, "<!--") == 0) { skip_to("-->"); continue; }
    if (text.compare(i, 9, "<![CDATA[") == 0) { skip_to("]]>"); continue; }
    if (i + 1 >= text.size() || text[i + 1] == '?' || text[i + 1] == '!' || text[i + 1] == '/') { ++i; continue; }
    std::size_t j = i + 1;
    while (j < text.size() && !space(text[j]) && text[j] != '/' && text[j] != '>') ++j;
    std::string_view name(text.data() + i + 1, j - i - 1);
    if (const auto colon = name.rfind(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    const bool is_node = name == "node", is_edge = name == "edge";
    if (!is_node && !is_edge) { i = j; continue; }
    for (; counted < i; ++counted) line += text[counted] == '\n';
    std::unordered_map<std::string, std::string> attrs;
    while (j < text.size()) {  // attributes: NAME = "VALUE" or NAME = 'VALUE'
      while (j < text.size() && space(text[j])) ++j;
      if (j >= text.size() || text[j] == '>' || text[j] == '/') break;
      const std::size_t a = j;
      while (j < text.size() && !space(text[j]) && text[j] != '=' && text[j] != '>') ++j;
      const std::string key = text.substr(a, j - a);
      while (j < text.size() && space(text[j])) ++j;
      if (j >= text.size() || text[j] != '=') break;
      ++j;
      while (j < text.size() && space(text[j])) ++j;
      if (j >= text.size() || (text[j] != '"' && text[j] != '\'')) break;
      const auto end = text.find(text[j], j + 1);
      if (end == std::string::npos) break;
      attrs[key] = xml_unescape(std::string_view(text).substr(j + 1, end - j - 1));
      j = end + 1;
    }
    if (is_node) {
      if (const auto it = attrs.find("id"); it != attrs.end()) declared.insert(it->second);
    } else if (attrs.count("source") && attrs.count("target")) {
      edges.push_back({attrs["source"], attrs["target"], line});
    }
    i = j;
  }
  for (const auto& e : edges)
    for (const auto* end : {&e.source, &e.target})
      if (!declared.count(*end))
        fail<ParseError>("read_graphml", "file '", path, "' line ", e.line, ": edge '", e.source, "' -- '", e.target,
                         "' names the undeclared node '", *end, "' (every edge endpoint must be a <node id=...>)");
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

/// Reads a GraphML file (for example an Internet Topology Zoo network); dropped self loops and
/// merged duplicate edges are reported in one line on `warnings`.
/// @throws ParseError naming the file: not a regular file, an edge naming an undeclared node
///         (with the line), or Boost's parser message (which gives the line).
inline Graph read_graphml_file(const std::string& path, std::ostream& warnings = std::cerr) {
  const std::string text = detail::read_whole_file(path, "read_graphml");
  detail::graphml_check_endpoints(text, path);
  SimpleGraphCounts counts;
  auto report = [&](Graph g) {
    detail::warn_simplified(warnings, "read_graphml", path, counts);
    return g;
  };
  // A directed file is read into a directed graph and then symmetrised.
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  try {
    std::istringstream in(text);
    boost::dynamic_properties dp(boost::ignore_other_properties);
    if (text.find("edgedefault=\"directed\"") != std::string::npos) {
      Directed d;
      boost::read_graphml(in, d, dp);
      return report(detail::simple_copy(d, counts));
    }
    Undirected u;
    boost::read_graphml(in, u, dp);
    return report(detail::simple_copy(u, counts));
  } catch (const std::exception& e) {
    detail::fail<ParseError>("read_graphml", "file '", path, "': ", e.what());
  }
}

/// Reads a Graphviz DOT file (`graph` or `digraph`; a digraph is symmetrised); dropped self
/// loops and merged duplicate edges are reported in one line on `warnings`.
/// @throws ParseError naming the file and Boost's parser message (or that it is not a regular file).
inline Graph read_dot_file(const std::string& path, std::ostream& warnings = std::cerr) {
  const std::string text = detail::read_whole_file(path, "read_dot");
  SimpleGraphCounts counts;
  auto report = [&](Graph g) {
    detail::warn_simplified(warnings, "read_dot", path, counts);
    return g;
  };
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
      return report(detail::simple_copy(d, counts, detail::rank_by_file_order(d, detail::dot_ids_in_file_order(text))));
    }
    Undirected u;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(boost::vertex_name, u));
    if (!boost::read_graphviz(text, u, dp, "node_id"))
      detail::fail<ParseError>("read_dot", "file '", path, "': not a valid DOT graph");
    return report(detail::simple_copy(u, counts, detail::rank_by_file_order(u, detail::dot_ids_in_file_order(text))));
  } catch (const ParseError&) {
    throw;
  } catch (const std::exception& e) {
    detail::fail<ParseError>("read_dot", "file '", path, "': ", e.what());
  }
}

}  // namespace adonis
