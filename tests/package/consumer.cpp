// SPDX-License-Identifier: BSD-3-Clause
// A downstream program: uses the umbrella header and the GraphML/DOT readers (adonis::io).
#include <cmath>
#include <cstdio>
#include <sstream>

#include <adonis/adonis.hpp>
#include <adonis/graph/spec.hpp>

int main() {
  const adonis::Graph g = adonis::make_graph("ring:16");
  const adonis::GraphQuantities q = adonis::graph_quantities(g);
  const double want = adonis::ring_closed_form(16).mixing_slem.value();
  std::printf("adonis %s: ring:16 rho = %.10f (closed form %.10f)\n", adonis::version_string, q.mixing_slem, want);
  return std::abs(q.mixing_slem - want) < 1e-12 ? 0 : 1;
}
