// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "process.hpp"

using namespace adonis;
using adonis::test::close;

TEST_CASE("every mixing rule is doubly stochastic and symmetric on every family", "[graph][mixing]") {
  const std::vector<Graph> graphs{ring_graph(9), path_graph(6), star_graph(7), torus_graph(3, 5), grid_graph(3, 4),
                                  hypercube_graph(4), barbell_graph(4), exponential_graph(10),
                                  erdos_renyi_graph(25, 0.2, 1), random_regular_graph(30, 3, 2)};
  for (const auto& g : graphs)
    for (const auto& name : mixing_names()) {
      INFO("mixing " << name << " on " << num_nodes(g) << " nodes");
      const SparseMatrix w = mixing_matrix(g, name);
      REQUIRE_NOTHROW(check_mixing_matrix(w, "test"));
      // sparsity: only neighbours and the diagonal
      for (Index i = 0; i < w.outerSize(); ++i)
        for (SparseMatrix::InnerIterator it(w, i); it; ++it)
          if (it.index() != i && it.value() != 0.0) REQUIRE(boost::edge(i, it.index(), g).second);
    }
  REQUIRE_NOTHROW(check_mixing_matrix(expected_gossip_matrix(star_graph(6)), "test"));
}

TEST_CASE("Metropolis weights match their definition, regular graphs give I - L/(d+1)", "[graph][mixing]") {
  const Graph g = star_graph(5);
  const SparseMatrix w = metropolis_weights(g);
  REQUIRE(w.coeff(0, 1) == Approx(1.0 / 5));
  REQUIRE(w.coeff(1, 1) == Approx(4.0 / 5));
  REQUIRE(w.coeff(0, 0) == Approx(1.0 / 5));
  const Graph t = torus_graph(4, 4);
  const Matrix<double> diff = Matrix<double>(metropolis_weights(t)) - Matrix<double>(max_degree_weights(t));
  REQUIRE(diff.cwiseAbs().maxCoeff() < 1e-15);
  const Matrix<double> lz = Matrix<double>(lazy(metropolis_weights(t)));
  REQUIRE(lz(0, 0) == Approx(0.5 + 0.5 / 5));
}

TEST_CASE("the expected gossip matrix is I - L/(n d) on d-regular graphs", "[graph][mixing]") {
  const Graph g = torus_graph(4, 5);
  const Matrix<double> w = Matrix<double>(expected_gossip_matrix(g));
  const Matrix<double> want = Matrix<double>::Identity(20, 20) - Matrix<double>(laplacian(g)) / (20.0 * 4);
  REQUIRE((w - want).cwiseAbs().maxCoeff() < 1e-15);
  // a given P: everybody always picks its first neighbour on a path 0-1-2
  SparseMatrix p(3, 3);
  p.insert(0, 1) = 1.0;
  p.insert(1, 0) = 1.0;
  p.insert(2, 1) = 1.0;
  const Matrix<double> wp = Matrix<double>(expected_gossip_matrix(p));
  // edge (0,1) has P01 + P10 = 2, edge (1,2) has P21 = 1: W̄ = I - L_P/(2n)
  REQUIRE(wp(0, 1) == Approx(2.0 / 6));
  REQUIRE(wp(1, 2) == Approx(1.0 / 6));
  REQUIRE(wp(1, 1) == Approx(1 - 3.0 / 6));
}

TEST_CASE("gossip_laplacian and identity_minus equal I - W̄ and I - W, with exact row sums", "[graph][mixing]") {
  const std::vector<Graph> graphs{star_graph(9), path_graph(5), barbell_graph(4), erdos_renyi_graph(40, 0.15, 3),
                                  geometric_graph(60, 0.3, 4), torus_graph(3, 5)};
  for (const auto& g : graphs) {
    const Index n = num_nodes(g);
    INFO(n << " nodes, " << num_edges(g) << " edges");
    const SparseMatrix lp = gossip_laplacian(g);
    const Matrix<double> want = Matrix<double>::Identity(n, n) - Matrix<double>(expected_gossip_matrix(g));
    // the diagonals differ by rounding: 1 − Σ_j w̄_ij subtracts d_i terms from 1, each rounded
    CHECK((Matrix<double>(lp) - want).cwiseAbs().maxCoeff() <= 1e-14);
    CHECK(lp.nonZeros() == 2 * static_cast<Index>(num_edges(g)) + n);
    for (const auto& name : mixing_names()) {
      INFO(name);
      const SparseMatrix w = mixing_matrix(g, name);
      const SparseMatrix iw = detail::identity_minus(w);
      const Matrix<double> want_w = Matrix<double>::Identity(n, n) - Matrix<double>(w);
      CHECK((Matrix<double>(iw) - want_w).cwiseAbs().maxCoeff() <= 1e-15);
      // every row sums to zero up to one rounding of its diagonal (1 − w_ii would be off by eps)
      for (const SparseMatrix* m : {&lp, &iw})
        for (Index i = 0; i < n; ++i) {
          double sum = 0, diag = 0;
          for (SparseMatrix::InnerIterator it(*m, i); it; ++it) {
            sum += it.value();
            if (it.index() == i) diag = it.value();
          }
          CHECK(std::abs(sum) <= 1e-15 * diag);
        }
    }
  }
}

TEST_CASE("identity_minus places a missing diagonal in order and sums the off-diagonals exactly", "[graph][mixing]") {
  // rows without a stored diagonal: row 0 (entries after it), row 2 (entries before it only)
  SparseMatrix w(3, 3);
  w.insert(0, 1) = 0.25;
  w.insert(0, 2) = 0.75;
  w.insert(1, 0) = 0.1;
  w.insert(1, 1) = 0.7;
  w.insert(1, 2) = 0.2;
  w.insert(2, 0) = 0.5;
  w.insert(2, 1) = 0.125;
  w.makeCompressed();
  const SparseMatrix m = detail::identity_minus(w);
  CHECK(m.nonZeros() == 9);
  CHECK(m.coeff(0, 0) == 0.25 + 0.75);
  CHECK(m.coeff(0, 1) == -0.25);
  CHECK(m.coeff(1, 1) == 0.1 + 0.2);  // Σ off-diagonals
  CHECK(m.coeff(2, 2) == 0.5 + 0.125);
  CHECK(m.coeff(2, 0) == -0.5);
  for (Index i = 0; i < 3; ++i) {  // inner indices sorted in every row
    Index last = -1;
    for (SparseMatrix::InnerIterator it(m, i); it; ++it) {
      CHECK(it.index() > last);
      last = it.index();
    }
  }
}

TEST_CASE("check_mixing_matrix names the row and its sum", "[graph][mixing][errors]") {
  SparseMatrix w = metropolis_weights(ring_graph(5));
  w.coeffRef(3, 3) -= 0.03;
  REQUIRE_THROWS_WITH(check_mixing_matrix(w, "StaticSequence"), Catch::Contains("StaticSequence: mixing matrix row 3 sums to 0.97"));
  REQUIRE_THROWS_WITH(mixing_matrix(ring_graph(5), "uniform"), Catch::Contains("unknown mixing 'uniform'"));
  REQUIRE_THROWS_WITH(laplacian_weights(ring_graph(5), -1), Catch::Contains("c must be > 0 (got -1)"));
}
