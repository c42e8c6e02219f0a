// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>

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

namespace {
/// A scratch directory for the issue-21 reader tests, removed at the end of the scope.
struct IoScratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("adonis_io21_" + std::to_string(::getpid()));
  IoScratch() { std::filesystem::create_directories(dir); }
  ~IoScratch() { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};
}  // namespace

TEST_CASE("graph readers: one warning line with the counts of dropped self loops and merged duplicates",
          "[graph][io][warnings]") {
  std::ostringstream w;
  const Graph g = read_edge_list_file(data_file("loops_duplicates.edges"), w);  // 0 1, 1 0, 0 0
  CHECK(num_nodes(g) == 2);
  CHECK(edge_list(g) == std::vector<Edge>{{0, 1}});
  CHECK(w.str() == "adonis: warning: read_edge_list: file '" + data_file("loops_duplicates.edges") +
                       "': dropped 1 self loop, merged 1 duplicate edge (adonis graphs are simple)\n");
  std::ostringstream w2;
  read_edge_list_file(data_file("duplicates.edges"), w2);  // 0 1, 1 0, 0 1, 1 1, 1 2
  CHECK_THAT(w2.str(), Catch::EndsWith("dropped 1 self loop, merged 2 duplicate edges (adonis graphs are simple)\n"));
  std::ostringstream quiet;  // a simple file: no warning
  read_edge_list_file(data_file("tiny.edges"), quiet);
  make_graph("ring:5", quiet);
  CHECK(quiet.str().empty());
  // the same policy and line for GraphML and DOT
  std::ostringstream wg;
  CHECK(num_edges(read_graphml_file(data_file("tiny.graphml"), wg)) == 4);  // 1 0 repeats 0 1
  CHECK(wg.str() == "adonis: warning: read_graphml: file '" + data_file("tiny.graphml") +
                        "': merged 1 duplicate edge (adonis graphs are simple)\n");
  std::ostringstream wd;
  CHECK(num_edges(read_dot_file(data_file("tiny_directed.dot"), wd)) == 2);  // x -> y and y -> x
  CHECK_THAT(wd.str(), Catch::StartsWith("adonis: warning: read_dot: file '") &&
                           Catch::EndsWith("': merged 1 duplicate edge (adonis graphs are simple)\n"));
  const IoScratch tmp;
  std::ostringstream wl;
  const Graph d = make_graph(tmp.write("loops.dot", "graph G { a -- a; a -- b; b -- b; b -- a; }\n"), wl);
  CHECK(edge_list(d) == std::vector<Edge>{{0, 1}});
  CHECK_THAT(wl.str(),
             Catch::EndsWith("': dropped 2 self loops, merged 1 duplicate edge (adonis graphs are simple)\n"));
  const std::string line = wl.str();
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
}

TEST_CASE("GraphML: an edge naming an undeclared node is refused, naming the file, the edge and the id",
          "[graph][io][graphml][errors]") {
  REQUIRE_THROWS_AS(read_graphml_file(data_file("undeclared.graphml")), ParseError);
  REQUIRE_THROWS_WITH(read_graphml_file(data_file("undeclared.graphml")),
                      Catch::Contains("undeclared.graphml' line 8") && Catch::Contains("edge 'a' -- 'zz'") &&
                          Catch::Contains("undeclared node 'zz'"));
  const IoScratch tmp;
  auto graphml = [](const std::string& body) {
    return "<?xml version=\"1.0\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
           "<graph edgedefault=\"undirected\">\n" + body + "</graph>\n</graphml>\n";
  };
  // a node declared after the edge that uses it is fine (GraphML allows it), and so is an
  // undeclared id inside a comment; single quotes and entities are read
  const Graph late = read_graphml_file(tmp.write(
      "late.graphml", graphml("<edge source='a&amp;b' target=\"c\"/>\n<!-- <edge source=\"a\" target=\"q\"/> -->\n"
                              "<node id=\"a&amp;b\"/><node id=\"c\"></node>\n")));
  CHECK(num_nodes(late) == 2);
  CHECK(num_edges(late) == 1);
  const std::string src = tmp.write("src.graphml", graphml("<node id=\"c\"/>\n<edge source=\"x\" target=\"c\"/>\n"));
  REQUIRE_THROWS_WITH(read_graphml_file(src),
                      Catch::Contains("src.graphml' line 5") && Catch::Contains("undeclared node 'x'"));
}

TEST_CASE("graph files must be regular files, and edge-list lines are capped at 1 MiB", "[graph][io][errors][guard]") {
  REQUIRE_THROWS_AS(read_edge_list_file("/dev/zero"), ParseError);
  REQUIRE_THROWS_WITH(read_edge_list_file("/dev/zero"),
                      Catch::Contains("file '/dev/zero' is a character device, not a regular file"));
  REQUIRE_THROWS_WITH(read_graphml_file("/dev/null"), Catch::Contains("'/dev/null' is a character device"));
  const IoScratch tmp;
  REQUIRE_THROWS_WITH(read_dot_file(tmp.dir.string()), Catch::Contains("is a directory, not a regular file"));
  const std::string fifo = (tmp.dir / "pipe.edges").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE_THROWS_WITH(make_graph(fifo), Catch::Contains("'" + fifo + "' is a FIFO, not a regular file"));
  // a symlink to a regular file is followed
  std::filesystem::create_symlink(data_file("tiny.edges"), tmp.dir / "link.edges");
  std::ostringstream quiet;
  CHECK(num_edges(read_edge_list_file((tmp.dir / "link.edges").string(), quiet)) == 5);
  // the line cap: a line of exactly max_line_bytes passes, one byte more is refused with the line number
  std::istringstream at_cap("0 1\n# " + std::string(max_line_bytes - 2, 'x') + "\n1 2\n");
  CHECK(num_edges(read_edge_list(at_cap, "cap.edges")) == 2);
  std::istringstream over("0 1\n# " + std::string(max_line_bytes - 1, 'x') + "\n1 2\n");
  REQUIRE_THROWS_AS(read_edge_list(over, "cap.edges"), ParseError);
  std::istringstream over2("0 1\n" + std::string(max_line_bytes + 1, '7'));  // no newline at all
  REQUIRE_THROWS_WITH(read_edge_list(over2, "cap.edges"),
                      Catch::Contains("file 'cap.edges' line 2: line longer than the cap of 1048576 bytes (1 MiB)"));
}
