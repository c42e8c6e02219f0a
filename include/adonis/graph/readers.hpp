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

#include <fstream>
#include <sstream>
#include <string>

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

/// Copies any Boost graph into a simple undirected adonis::Graph.
template <class G>
Graph simple_copy(const G& src) {
  Graph g(boost::num_vertices(src));
  for (auto [it, end] = boost::edges(src); it != end; ++it)
    add_edge_unique(g, static_cast<Index>(boost::get(boost::vertex_index, src, boost::source(*it, src))),
                    static_cast<Index>(boost::get(boost::vertex_index, src, boost::target(*it, src))));
  return g;
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
      return detail::simple_copy(d);
    }
    Undirected u;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(boost::vertex_name, u));
    if (!boost::read_graphviz(text, u, dp, "node_id"))
      detail::fail<ParseError>("read_dot", "file '", path, "': not a valid DOT graph");
    return detail::simple_copy(u);
  } catch (const ParseError&) {
    throw;
  } catch (const std::exception& e) {
    detail::fail<ParseError>("read_dot", "file '", path, "': ", e.what());
  }
}

}  // namespace adonis
