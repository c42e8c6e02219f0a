// SPDX-License-Identifier: BSD-3-Clause
/// The real networks shipped in graphs/ (graphs/PROVENANCE.md), through the graph SPEC.
#include <catch2/catch.hpp>

#include "adonis/graph/graph.hpp"
#include "adonis/graph/spec.hpp"

using namespace adonis;

TEST_CASE("karate: Zachary's club as published (34 members, 78 ties)", "[graph][real]") {
  const Graph g = make_graph("karate");
  CHECK(num_nodes(g) == 34);
  CHECK(num_edges(g) == 78);
  CHECK(is_connected(g));
  CHECK(diameter(g) == 5);
  // The two leaders, the instructor (member 1) and the administrator (member 34).
  CHECK(boost::degree(0, g) == 16);
  CHECK(boost::degree(33, g) == 17);
  // The file keeps the paper's numbering: member 1 knows members 2..9 and not member 10.
  CHECK(boost::edge(0, 1, g).second);
  CHECK_FALSE(boost::edge(0, 9, g).second);
  CHECK(boost::edge(2, 9, g).second);
}

TEST_CASE("shipped graph names: unknown names list them", "[graph][real]") {
  try {
    (void)make_graph("karat");
    FAIL("no exception");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("karate") != std::string::npos);
  }
}
