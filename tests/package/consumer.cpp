// SPDX-License-Identifier: BSD-3-Clause
// A downstream program: the graph layer and the DOT reader (adonis::io, which links Boost's
// compiled graph library), found through the installed or vendored package. It includes the
// light graph headers only: the umbrella header's own compilation is checked by the header
// checks, and graph/quantities.hpp (Spectra and Eigen's solvers) made this file take 26 s at
// -O0 in each of the two consumers (CI ninja log). That every public header was installed is
// checked below with __has_include (umbrella header and one header per folder).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include <adonis/graph/closed_forms.hpp>
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
  // through the DOT reader of adonis::io and back: the same 16 edges
  const auto path = std::filesystem::temp_directory_path() / "adonis_consumer_ring16.dot";
  {
    std::ofstream out(path);
    adonis::write_dot(out, g);
  }
  std::ostringstream warnings;
  const adonis::Graph back = adonis::read_dot_file(path.string(), warnings);
  std::filesystem::remove(path);
  const double lambda2 = adonis::ring_closed_form(16).laplacian_lambda2;
  const double want = 2 - 2 * std::cos(2 * std::numbers::pi / 16);
  std::printf("adonis %s: ring:16 has %ld edges, read back %ld; lambda2 = %.12f (want %.12f)\n",
              adonis::version_string, static_cast<long>(adonis::num_edges(g)), static_cast<long>(adonis::num_edges(back)),
              lambda2, want);
  return adonis::edge_list(back) == adonis::edge_list(g) && std::abs(lambda2 - want) < 1e-12 ? 0 : 1;
}
