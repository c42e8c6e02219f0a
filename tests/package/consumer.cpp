// SPDX-License-Identifier: BSD-3-Clause
// A downstream program: the graph layer and the GraphML/DOT readers (adonis::io), found through
// the installed or vendored package. It includes the graph headers only, not the umbrella
// header: the umbrella header's own compilation is checked by the header checks, and building
// it again here at -O3 cost a minute of CI per consumer. That every public header was
// installed is checked below with __has_include (umbrella header and one header per folder).
#include <cmath>
#include <cstdio>

#include <adonis/graph/closed_forms.hpp>
#include <adonis/graph/quantities.hpp>
#include <adonis/graph/spec.hpp>
#include <adonis/version.hpp>

#if !__has_include(<adonis/adonis.hpp>)
#error "<adonis/adonis.hpp> is not installed"
#endif
#if !__has_include(<adonis/algorithm/dadao.hpp>)
#error "<adonis/algorithm/dadao.hpp> is not installed"
#endif
#if !__has_include(<adonis/sim/engine.hpp>)
#error "<adonis/sim/engine.hpp> is not installed"
#endif
#if !__has_include(<adonis/theory/bounds.hpp>)
#error "<adonis/theory/bounds.hpp> is not installed"
#endif
#if !__has_include(<adonis/problem/spec.hpp>)
#error "<adonis/problem/spec.hpp> is not installed"
#endif
#if !__has_include(<adonis/report/trace.hpp>)
#error "<adonis/report/trace.hpp> is not installed"
#endif

int main() {
  const adonis::Graph g = adonis::make_graph("ring:16");
  const adonis::GraphQuantities q = adonis::graph_quantities(g);
  const double want = adonis::ring_closed_form(16).mixing_slem.value();
  std::printf("adonis %s: ring:16 rho = %.10f (closed form %.10f)\n", adonis::version_string, q.mixing_slem, want);
  return std::abs(q.mixing_slem - want) < 1e-12 ? 0 : 1;
}
