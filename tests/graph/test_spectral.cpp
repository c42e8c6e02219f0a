// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "adonis/algorithm/first_order.hpp"
#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/quantities.hpp"
#include "process.hpp"

using namespace adonis;
using adonis::test::close;

namespace {
void check_closed_form(const Graph& g, const ClosedForm& cf, double rel = 1e-9) {
  const GraphQuantities q = graph_quantities(g);
  CHECK(close(q.laplacian_lambda2, cf.laplacian_lambda2, rel));
  CHECK(close(q.laplacian_lambda_max, cf.laplacian_lambda_max, rel));
  if (cf.mixing_slem) {
    CHECK(close(q.mixing_slem, *cf.mixing_slem, rel));
    CHECK(close(q.koloskova_p, 1 - *cf.mixing_slem * *cf.mixing_slem, rel));
  }
  CHECK(close(q.chi1, cf.chi1, rel));
  if (cf.chi2) CHECK(close(q.chi2, *cf.chi2, rel));
}
}  // namespace

TEST_CASE("closed forms: rings and paths up to n = 1024", "[graph][spectral][closed-form][asan_skip]") {
  std::vector<Index> sizes;
  for (Index n = 3; n <= 40; ++n) sizes.push_back(n);
  for (Index n : {64, 101, 128, 255, 256, 512, 1000, 1024}) sizes.push_back(n);
  for (Index n : sizes) {
    INFO("ring/path n = " << n);
    check_closed_form(ring_graph(n), ring_closed_form(n));
    check_closed_form(path_graph(n), path_closed_form(n));
  }
}

TEST_CASE("closed forms: tori up to 32 x 32, hypercubes up to dimension 10", "[graph][spectral][closed-form][asan_skip]") {
  for (Index m : {3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 24, 32}) {
    INFO("torus " << m << " x " << m);
    check_closed_form(torus_graph(m, m), torus_closed_form(m, m));
  }
  check_closed_form(torus_graph(3, 7), torus_closed_form(3, 7));
  check_closed_form(torus_graph(5, 8), torus_closed_form(5, 8));
  for (int k = 1; k <= 10; ++k) {
    INFO("hypercube " << k);
    check_closed_form(hypercube_graph(k), hypercube_closed_form(k));
  }
  for (Index n : {3, 8, 50}) {
    check_closed_form(complete_graph(n), complete_closed_form(n));
    check_closed_form(star_graph(n), star_closed_form(n));
  }
}

TEST_CASE("the sparse (Spectra) path agrees with the dense solver and the closed forms", "[graph][spectral][sparse]") {
  SpectralOptions sparse;
  sparse.dense_threshold = 50;  // force Spectra on moderate sizes
  for (Index n : {200, 2000}) {
    const LaplacianEnds e = laplacian_ends(laplacian(ring_graph(n)), sparse);
    REQUIRE(e.sparse_path);
    CHECK(close(e.lambda2, ring_closed_form(n).laplacian_lambda2, 1e-8));
    CHECK(close(e.lambda_max, ring_closed_form(n).laplacian_lambda_max, 1e-8));
  }
  const LaplacianEnds t = laplacian_ends(laplacian(torus_graph(20, 30)), sparse);
  CHECK(close(t.lambda2, torus_closed_form(20, 30).laplacian_lambda2, 1e-8));
  CHECK(close(t.lambda_max, torus_closed_form(20, 30).laplacian_lambda_max, 1e-8));
  for (const Graph& g : {random_regular_graph(300, 4, 1), erdos_renyi_graph(300, 0.03, 2), star_graph(120)}) {
    const SparseMatrix l = laplacian(g);
    const LaplacianEnds dense = laplacian_ends(l), sp = laplacian_ends(l, sparse);
    REQUIRE_FALSE(dense.sparse_path);
    REQUIRE(sp.sparse_path);
    CHECK(close(sp.lambda2, dense.lambda2, 1e-8));
    CHECK(close(sp.lambda_max, dense.lambda_max, 1e-8));
  }
  // the whole summary, mixing quantities included, through the sparse path
  SpectralOptions sp40;
  sp40.dense_threshold = 40;
  const GraphQuantities q = graph_quantities(torus_graph(8, 8), "metropolis", sp40);
  REQUIRE(q.sparse_path);
  CHECK(close(q.mixing_slem, 0.8828427125, 1e-9));
  CHECK(close(q.gossip_lambda2, 0.9977117717, 1e-9));
  // fill-in guard: with no fill allowed, shift-invert is skipped and both ends come from the
  // Lanczos recurrence on L itself (extreme_ritz_value)
  SpectralOptions nofill = sparse;
  nofill.fill_factor = 0;
  nofill.fill_slack = 0;
  for (const Graph& g : {random_regular_graph(600, 4, 1), erdos_renyi_graph(500, 0.03, 3), star_graph(400)}) {
    const SparseMatrix l = laplacian(g);
    const LaplacianEnds r = laplacian_ends(l, nofill), r2 = laplacian_ends(l, sparse);
    const Vector<double> ev = symmetric_eigenvalues(l);
    CHECK(close(r.lambda2, ev(1), 1e-10));
    CHECK(close(r.lambda_max, ev(l.rows() - 1), 1e-10));
    CHECK(close(r.lambda2, r2.lambda2, 1e-8));
  }
}

TEST_CASE("extreme_ritz_value: both ends of a Laplacian on the subspace orthogonal to 1, as the dense solver", "[graph][spectral][sparse]") {
  // an expander (the case it serves), a star (λ2 = 1 far from λmax = n), and a ring whose ends
  // are clustered (the recurrence then runs until its Ritz values settle, or exhausts n)
  for (const Graph& g : {random_regular_graph(800, 4, 7), star_graph(300), ring_graph(200), torus_graph(12, 15)}) {
    const SparseMatrix l = laplacian(g);
    const Vector<double> ev = symmetric_eigenvalues(l);
    for (const bool largest : {false, true}) {
      bool ok = false;
      const double theta = detail::extreme_ritz_value(l, largest, 1e-12, ok);
      INFO("n = " << l.rows() << (largest ? ", largest" : ", lambda2"));
      CHECK(ok);
      CHECK(close(theta, largest ? ev(l.rows() - 1) : ev(1), 1e-10));
    }
  }
}

TEST_CASE("extreme_ritz_values: one recurrence gives both ends, each as the recurrence for it alone", "[graph][spectral][sparse]") {
  // an end's value is fixed where it converges, whichever other end is wanted or dropped
  for (const Graph& g : {random_regular_graph(800, 4, 7), star_graph(300)}) {
    const SparseMatrix l = laplacian(g);
    const std::atomic<bool> both[2] = {true, true};
    const detail::RitzEnds r = detail::extreme_ritz_values(l, 1e-12, both);
    for (const int end : {0, 1}) {
      bool ok = false;
      const double alone = detail::extreme_ritz_value(l, end == 1, 1e-12, ok);
      CHECK(ok);
      CHECK(r.ok[end]);
      CHECK(r.value[end] == alone);  // bit-identical: the same recurrence from the same start
    }
  }
  // no end wanted: nothing computed
  const std::atomic<bool> none[2] = {false, false};
  const detail::RitzEnds r = detail::extreme_ritz_values(laplacian(ring_graph(100)), 1e-12, none);
  CHECK_FALSE(r.ok[0]);
  CHECK_FALSE(r.ok[1]);
  CHECK(std::isnan(r.value[0]));
}

TEST_CASE("laplacian_max: the top end of laplacian_ends alone, the same value on every path", "[graph][spectral][sparse]") {
  SpectralOptions sp;
  sp.dense_threshold = 100;
  // even torus (certified by the 2-colouring), odd ring (Gershgorin nearly attained:
  // shift-invert), expander and star (the recurrence), a small ring (dense)
  for (const Graph& g : {torus_graph(12, 14), ring_graph(301), random_regular_graph(600, 4, 3), star_graph(300),
                         ring_graph(16)}) {
    const SparseMatrix l = laplacian(g);
    INFO("n = " << l.rows());
    const double top = laplacian_max(l, sp);
    CHECK(top == laplacian_ends(l, sp).lambda_max);
    CHECK(close(top, symmetric_eigenvalues(l)(l.rows() - 1), 1e-10));
  }
  // λmin(W) for the step rules, as mixing_spectrum's
  const SparseMatrix w = mixing_matrix(torus_graph(40, 41), "metropolis");  // sparse path (1640 > 1500)
  CHECK(mixing_lambda_min(w) == mixing_spectrum(w).lambda_min);
  CHECK_THROWS_AS(laplacian_max(SparseMatrix(3, 4)), DimensionMismatch);
}

TEST_CASE("SpdFactor: one analysis, factorisations at several shifts of both signs", "[graph][spectral][sparse]") {
  // L + s I and σ I − L share L's pattern; the solves must invert them to rounding.
  const Eigen::SparseMatrix<double> l = laplacian(torus_graph(30, 40));
  const Eigen::SparseMatrix<double> minus_l = -l;
  detail::SpdFactor<> f(l);
  CHECK(f.nonzeros() >= static_cast<double>(l.nonZeros()) / 2);
  Vector<double> b(l.rows());
  for (Index i = 0; i < b.size(); ++i) b(i) = std::sin(0.37 * static_cast<double>(i));
  for (double s : {1e-3, 0.5}) {
    REQUIRE(f.factorize(l, s));
    const Vector<double> x = f.solve(b);
    CHECK((l * x + s * x - b).norm() <= 1e-10 * b.norm() / s);
  }
  REQUIRE(f.factorize(minus_l, 8.5));  // 8.5 I − L: definite above the Gershgorin bound 8
  const Vector<double> y = f.solve(b);
  CHECK((8.5 * y - l * y - b).norm() <= 1e-10 * b.norm());
  // the spectral operator across its two kinds of shift
  detail::LdltShiftSolve<> op(laplacian(torus_graph(30, 40)));
  for (double sigma : {-1e-3, 8.5}) {
    op.set_shift(sigma);
    Vector<double> z(l.rows());
    op.perform_op(b.data(), z.data());
    CHECK((l * z - sigma * z - b).norm() <= 1e-9 * b.norm());
  }
  if (detail::SpdFactor<>::needs_definite) {
    CHECK_FALSE(f.factorize(l, -0.5));  // L − I/2 is indefinite: Cholesky must say so
  }
}

TEST_CASE("effective resistances by conjugate gradients match the factorisation", "[graph][spectral][resistance]") {
  for (const Graph& g : {random_regular_graph(400, 4, 3), torus_graph(9, 11)}) {
    const SparseMatrix l = laplacian(g);
    detail::GroundedLaplacian<> direct(l), cg(l, 0.0);
    REQUIRE_FALSE(direct.iterative());
    REQUIRE(cg.iterative());
    for (const auto& [u, v] : edge_list(g)) CHECK(close(cg.resistance(u, v), direct.resistance(u, v), 1e-9));
  }
}

TEST_CASE("parity_rayleigh: the Gershgorin bound is attained on even tori and hypercubes only", "[graph][spectral]") {
  CHECK(detail::parity_rayleigh(laplacian(torus_graph(6, 8))) == 8.0);
  CHECK(detail::parity_rayleigh(laplacian(hypercube_graph(6))) == 12.0);
  const SparseMatrix odd = laplacian(ring_graph(9));  // not bipartite: one edge joins equal colours
  CHECK(detail::parity_rayleigh(odd) < detail::gershgorin_upper(odd));
  CHECK(detail::parity_rayleigh(odd) <= symmetric_eigenvalues(odd)(8) + 1e-12);  // a lower bound on λmax
  const SparseMatrix star = laplacian(star_graph(10));  // bipartite, not regular
  CHECK(close(detail::parity_rayleigh(star), 4.0 * 9 / 10, 1e-15));
}

TEST_CASE("proportionality: I − W and I − W̄ are multiples of L exactly on regular graphs", "[graph][spectral]") {
  for (const Graph& g : {torus_graph(6, 7), random_regular_graph(60, 3, 4), hypercube_graph(5)}) {
    const Index d = degree(g, 0);
    const SparseMatrix l = laplacian(g), i = sparse_identity(num_nodes(g));
    CHECK(close(detail::proportionality(l, i - mixing_matrix(g, "metropolis")), 1.0 / static_cast<double>(d + 1), 1e-14));
    CHECK(close(detail::proportionality(l, i - expected_gossip_matrix(g)),
                1.0 / (static_cast<double>(d) * static_cast<double>(num_nodes(g))), 1e-14));
  }
  // the star: Metropolis gives every edge 1/(1 + 11), so I − W = L/12 although it is not regular
  const Graph star = star_graph(12);
  CHECK(close(detail::proportionality(laplacian(star), sparse_identity(12) - mixing_matrix(star, "metropolis")), 1.0 / 12, 1e-14));
  // edges whose larger end degree differs: no constant ratio
  const Graph er = erdos_renyi_graph(40, 0.15, 2);
  CHECK(detail::proportionality(laplacian(er), sparse_identity(40) - mixing_matrix(er, "metropolis")) == 0.0);
  CHECK(detail::proportionality(laplacian(er), sparse_identity(40) - expected_gossip_matrix(er)) == 0.0);
  CHECK(detail::proportionality(laplacian(ring_graph(8)), laplacian(path_graph(8))) == 0.0);  // patterns differ
  // graph_quantities' shortcut gives the values of separate eigensolves
  SpectralOptions sp;
  sp.dense_threshold = 100;
  const Graph t = torus_graph(12, 14);
  const GraphQuantities q = graph_quantities(t, "metropolis", sp);
  REQUIRE(q.sparse_path);
  const LaplacianEnds we = laplacian_ends(sparse_identity(168) - mixing_matrix(t, "metropolis"), sp);
  const LaplacianEnds ge = laplacian_ends(sparse_identity(168) - expected_gossip_matrix(t), sp);
  CHECK(close(q.mixing_lambda2, 1 - we.lambda2, 1e-12));
  CHECK(close(q.mixing_lambda_min, 1 - we.lambda_max, 1e-12));
  CHECK(close(q.gossip_lambda2, 1 - ge.lambda2, 1e-12));
}

TEST_CASE("random graphs satisfy the Fiedler / Anderson–Morley bands", "[graph][spectral]") {
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    const Graph g = erdos_renyi_graph(40, 0.15, seed);
    Index dmin = 1 << 20, dmax = 0;
    for (Index u = 0; u < 40; ++u) {
      dmin = std::min(dmin, degree(g, u));
      dmax = std::max(dmax, degree(g, u));
    }
    const LaplacianEnds e = laplacian_ends(laplacian(g));
    CHECK(e.lambda2 > 0);
    CHECK(e.lambda2 <= 40.0 / 39.0 * static_cast<double>(dmin) + 1e-12);
    CHECK(e.lambda_max >= 40.0 / 39.0 * static_cast<double>(dmax) - 1e-12);
    CHECK(e.lambda_max <= 2.0 * static_cast<double>(dmax) + 1e-12);
  }
}

TEST_CASE("Friedman band for random d-regular graphs, n >= 1000 (sparse path)", "[graph][spectral][sparse][asan_skip]") {
  // theory-rates.md §11: d ∈ {3, 4, 8}, n ≥ 1000, 5 seeds (observed deviations ≤ 0.06)
  for (Index d : {3, 4, 8})
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const LaplacianEnds e = laplacian_ends(laplacian(random_regular_graph(2000, d, seed)));
      INFO("d = " << d << " seed " << seed << " lambda2 " << e.lambda2);
      REQUIRE(e.sparse_path);
      CHECK(std::abs(e.lambda2 - (static_cast<double>(d) - 2 * std::sqrt(static_cast<double>(d) - 1))) < 0.15);
    }
}

TEST_CASE("a disconnected graph has zero gap, not an error", "[graph][spectral]") {
  Graph g = ring_graph(5);
  boost::add_vertex(g);
  boost::add_vertex(g);
  add_edge_unique(g, 5, 6);
  const GraphQuantities q = graph_quantities(g);
  REQUIRE_FALSE(q.connected);
  REQUIRE(q.laplacian_lambda2 == 0.0);
  REQUIRE(q.mixing_spectral_gap == 0.0);
  REQUIRE(q.koloskova_p == 0.0);
  REQUIRE(std::isinf(q.chi1));
  REQUIRE(std::isinf(q.diameter));
  REQUIRE(graph_quantities(g, "laplacian").mixing_spectral_gap == 0.0);
  REQUIRE_THROWS_AS(mixing_matrix(g, "laplacian"), InvalidTopology);
}

TEST_CASE("graph_quantities' progress: one line per step on large graphs, silence on small ones", "[graph][progress]") {
  // small graph (below graph_quantities_progress_min_edges): nothing written, same values
  std::ostringstream quiet;
  const GraphQuantities q = graph_quantities(ring_graph(12), "metropolis", SpectralOptions{}, &quiet);
  CHECK(quiet.str().empty());
  CHECK(q.laplacian_lambda2 == graph_quantities(ring_graph(12)).laplacian_lambda2);
  // the step log itself: "WHO: STEP ..." when a step starts, "WHO: STEP: T s" when it ends
  std::ostringstream out;
  {
    detail::StepLog log(&out, "graph_quantities");
    log.begin("first");
    log.begin("second");  // ends "first"
  }                        // the destructor ends "second"
  std::istringstream lines(out.str());
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  REQUIRE(got.size() == 4);
  CHECK(got[0] == "graph_quantities: first ...");
  CHECK(got[1].rfind("graph_quantities: first: 0.", 0) == 0);
  CHECK(got[1].substr(got[1].size() - 2) == " s");
  CHECK(got[2] == "graph_quantities: second ...");
  CHECK(got[3].rfind("graph_quantities: second: ", 0) == 0);
  detail::StepLog silent(nullptr, "x");
  silent.begin("nothing");  // no stream: no output, no crash
}

TEST_CASE("max_edge_resistance: the sketch's bounds hold and its certificate is right, against one solve per edge",
          "[graph][spectral][resistance]") {
  struct Case {
    const char* name;
    Graph g;
  };
  const std::vector<Case> cases = {{"erdos-renyi 120 0.06", erdos_renyi_graph(120, 0.06, 3)},
                                   {"geometric 150 0.2", geometric_graph(150, 0.2, 5)},
                                   {"barbell 12", barbell_graph(12)},
                                   {"grid 9x13", grid_graph(9, 13)},
                                   {"random 3-regular 200", random_regular_graph(200, 3, 7)},
                                   {"torus 10x10", torus_graph(10, 10)}};
  for (const auto& [name, g] : cases) {
    INFO(name);
    const std::vector<double> exact = edge_resistances(g);
    const double rmax = *std::max_element(exact.begin(), exact.end());
    for (const Index budget : {Index{1}, Index{8}, Index{1000}}) {
      INFO("max_exact " << budget);
      const ResistanceMaxBounds b = max_edge_resistance(g, 64, budget, 1e-3, 11);
      CHECK(b.sketch_solves == 64);
      CHECK(b.exact_solves <= budget);
      CHECK(b.lower <= rmax * (1 + 1e-9));
      CHECK(b.upper >= rmax * (1 - 1e-9));
      CHECK(b.upper <= 1.0 + 1e-12);  // every edge is a path of resistance 1
      // lower is the exact resistance of some edge
      CHECK(std::any_of(exact.begin(), exact.end(), [&](double r) { return std::abs(r - b.lower) <= 1e-9 * r; }));
      if (b.certified()) CHECK(b.lower == Approx(rmax).epsilon(1e-9));
      // conjugate gradients on L (forced; on 2+ cores half of the solves on a second thread):
      // the same bounds as the factorisation's, to the solver's tolerance
      const ResistanceMaxBounds cg = max_edge_resistance(g, 64, budget, 1e-3, 11, 0.0);
      CHECK(cg.exact_solves == b.exact_solves);
      CHECK(cg.lower == Approx(b.lower).epsilon(1e-8));
      CHECK(cg.upper == Approx(b.upper).epsilon(1e-8));
      CHECK(cg.certified() == b.certified());
    }
  }
  // a bridge (R = 1) beside a dense part: found and certified within a small budget
  const ResistanceMaxBounds bar = max_edge_resistance(barbell_graph(12), 64, 8);
  CHECK(bar.certified());
  CHECK(bar.lower == Approx(1.0).epsilon(1e-9));
  // a torus: every edge ties at (n − 1)/|E| (Foster), so no budget below |E| can decide it
  const ResistanceMaxBounds tor = max_edge_resistance(torus_graph(10, 10), 64, 8);
  CHECK(!tor.certified());
  CHECK(tor.lower == Approx(99.0 / 200.0).epsilon(1e-9));
  CHECK(tor.upper > tor.lower);
  // the same seed gives the same bounds; bad arguments are refused
  const ResistanceMaxBounds again = max_edge_resistance(torus_graph(10, 10), 64, 8);
  CHECK(again.upper == tor.upper);
  CHECK_THROWS_WITH(max_edge_resistance(ring_graph(8), 1), Catch::Contains("sketch_dim must be >= 2"));
  CHECK_THROWS_WITH(max_edge_resistance(ring_graph(8), 8, 0), Catch::Contains("max_exact must be >= 1"));
  CHECK_THROWS_WITH(max_edge_resistance(ring_graph(8), 8, 8, 0.0), Catch::Contains("delta must be in (0, 1)"));
  Graph two = ring_graph(5);
  boost::add_vertex(two);
  boost::add_vertex(two);
  add_edge_unique(two, 5, 6);
  CHECK_THROWS_AS(max_edge_resistance(two), InvalidTopology);
  CHECK_THROWS_WITH(max_edge_resistance(Graph(1)), Catch::Contains("needs at least 2 nodes") && Catch::Contains("got 1"));
}
