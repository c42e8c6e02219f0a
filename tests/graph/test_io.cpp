// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/graph/isomorphism.hpp>

#include "adonis/graph/io.hpp"
#include "adonis/graph/readers.hpp"
#include "adonis/graph/spec.hpp"
#include "process.hpp"

using namespace adonis;
using adonis::test::data_file;

TEST_CASE("edge lists: comments, relabelling in file order, merging", "[graph][io]") {
  const Graph g = read_edge_list_file(data_file("tiny.edges"));
  REQUIRE(num_nodes(g) == 5);
  REQUIRE(num_edges(g) == 5);
  // labels 10, 20, 30, 40, 50 become 0..4 in order of first appearance
  REQUIRE(edge_list(g) == std::vector<Edge>{{0, 1}, {0, 3}, {1, 2}, {2, 3}, {3, 4}});
  const Graph d = read_edge_list_file(data_file("duplicates.edges"));
  REQUIRE(num_nodes(d) == 3);
  REQUIRE(edge_list(d) == std::vector<Edge>{{0, 1}, {1, 2}});
}

TEST_CASE("a malformed edge list names the file and the line", "[graph][io][errors]") {
  REQUIRE_THROWS_AS(read_edge_list_file(data_file("malformed.edges")), ParseError);
  REQUIRE_THROWS_WITH(read_edge_list_file(data_file("malformed.edges")),
                      Catch::Contains("malformed.edges' line 3") && Catch::Contains("'1 x'"));
  REQUIRE_THROWS_WITH(read_edge_list_file(data_file("no-such-file.edges")), Catch::Contains("cannot open file"));
  std::istringstream three_tokens("0 1 2\n");
  REQUIRE_THROWS_WITH(read_edge_list(three_tokens, "inline"), Catch::Contains("line 1"));
  std::istringstream lone("0 1\n7\n");
  REQUIRE(num_nodes(read_edge_list(lone, "inline")) == 3);
  std::istringstream negative("0 -1\n");
  REQUIRE_THROWS_AS(read_edge_list(negative, "inline"), ParseError);
}

TEST_CASE("GraphML: attributes ignored, parallel edges merged, file order kept", "[graph][io][graphml]") {
  const Graph g = read_graphml_file(data_file("tiny.graphml"));
  REQUIRE(num_nodes(g) == 4);
  REQUIRE(edge_list(g) == std::vector<Edge>{{0, 1}, {0, 3}, {1, 2}, {2, 3}});
  REQUIRE_THROWS_AS(read_graphml_file(data_file("malformed.graphml")), ParseError);
  REQUIRE_THROWS_WITH(read_graphml_file(data_file("malformed.graphml")), Catch::Contains("malformed.graphml"));
}

TEST_CASE("DOT: undirected and directed files", "[graph][io][dot]") {
  const Graph g = read_dot_file(data_file("tiny.dot"));
  REQUIRE(num_nodes(g) == 4);
  REQUIRE(edge_list(g) == std::vector<Edge>{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {2, 3}});
  // nodes are numbered in the order the file first names them, not Boost's sorted order
  const Graph o = read_dot_file(data_file("order.dot"));
  REQUIRE(num_nodes(o) == 4);  // "10", 2, x1, 7
  REQUIRE(edge_list(o) == std::vector<Edge>{{0, 1}, {0, 2}, {1, 2}});
  REQUIRE(degree(o, 3) == 0);
  const Graph d = read_dot_file(data_file("tiny_directed.dot"));
  REQUIRE(edge_list(d) == std::vector<Edge>{{0, 1}, {1, 2}});
}

TEST_CASE("writers round-trip through the readers", "[graph][io]") {
  Graph g = torus_graph(3, 4);
  boost::add_vertex(g);  // an isolated node must survive
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_io_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "t.edges");
    write_edge_list(out, g, "torus 3x4");
  }
  {
    std::ofstream out(dir / "t.dot");
    write_dot(out, g);
  }
  // the edge-list reader renumbers nodes by first appearance: same graph up to isomorphism
  const Graph back = read_edge_list_file((dir / "t.edges").string());
  REQUIRE(num_nodes(back) == num_nodes(g));
  REQUIRE(num_edges(back) == num_edges(g));
  REQUIRE(boost::isomorphism(back, g));
  REQUIRE_FALSE(boost::isomorphism(back, torus_graph(3, 4)));
  // DOT declares every node first, so the numbering is kept exactly
  REQUIRE(edge_list(make_graph((dir / "t.dot").string())) == edge_list(g));
  REQUIRE(num_nodes(make_graph((dir / "t.dot").string())) == 13);
  std::filesystem::remove_all(dir);
}
