// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/sequence.hpp"
#include "process.hpp"

using namespace adonis;
using adonis::test::close;

namespace {
Matrix<double> dense(const SparseMatrix& m) { return Matrix<double>(m); }

}  // namespace

TEST_CASE("sequences model GraphSequence", "[graph][sequence]") {
  STATIC_REQUIRE(GraphSequence<StaticSequence>);
  STATIC_REQUIRE(GraphSequence<PeriodicSequence>);
  STATIC_REQUIRE(GraphSequence<RandomMatchingSequence>);
  STATIC_REQUIRE(GraphSequence<RandomEdgeSequence>);
  STATIC_REQUIRE(GraphSequence<BConnectedSequence>);
  STATIC_REQUIRE(GraphSequence<MarkovLinkSequence>);
  STATIC_REQUIRE(GraphSequence<OnePeerExponentialSequence>);
  STATIC_REQUIRE_FALSE(GraphSequence<Graph>);
}

TEST_CASE("W_t is a pure function of (seed, t), whatever the access order", "[graph][sequence]") {
  const Graph g = torus_graph(4, 4);
  auto same = [](const SparseMatrix& a, const SparseMatrix& b) { return (dense(a) - dense(b)).cwiseAbs().maxCoeff() == 0.0; };
  RandomMatchingSequence m1(g, 3), m2(g, 3), m3(g, 4);
  RandomEdgeSequence e1(g, 3), e2(g, 3);
  MarkovLinkSequence k1(g, 0.3, 0.5, 3), k2(g, 0.3, 0.5, 3);
  bool differs = false;
  for (Round t : {5, 0, 17, 3, 17, 100, 42}) {
    REQUIRE(same(m1.mixing(t), m2.mixing(t)));
    REQUIRE(same(e1.mixing(t), e2.mixing(t)));
    differs = differs || !same(m1.mixing(t), m3.mixing(t));
  }
  REQUIRE(differs);
  // Markov chain: forward, backward, forward again
  const SparseMatrix at50 = k1.mixing(50);
  (void)k1.mixing(80);
  REQUIRE(same(k1.mixing(50), at50));
  REQUIRE(same(k2.mixing(50), at50));
  for (Round t = 0; t < 30; ++t) REQUIRE_NOTHROW(check_mixing_matrix(k1.mixing(t), "markov"));
}

TEST_CASE("every W_t is doubly stochastic", "[graph][sequence]") {
  const Graph g = erdos_renyi_graph(12, 0.4, 1);
  RandomMatchingSequence m(g, 1);
  RandomEdgeSequence e(g, 1);
  BConnectedSequence b(g, 3, 1);
  OnePeerExponentialSequence x(12);
  for (Round t = 0; t < 20; ++t) {
    REQUIRE_NOTHROW(check_mixing_matrix(m.mixing(t), "matching"));
    REQUIRE_NOTHROW(check_mixing_matrix(e.mixing(t), "edge"));
    REQUIRE_NOTHROW(check_mixing_matrix(b.mixing(t), "bconnected"));
    REQUIRE_NOTHROW(check_mixing_matrix(x.mixing(t), "exponential", false));
  }
  // a matching: every node in at most one pair
  for (Round t = 0; t < 20; ++t) {
    std::vector<int> seen(12, 0);
    for (auto [u, v] : m.matching(t)) {
      REQUIRE(++seen[static_cast<std::size_t>(u)] == 1);
      REQUIRE(++seen[static_cast<std::size_t>(v)] == 1);
    }
  }
}

TEST_CASE("B-connected: single rounds may be disconnected, every window of B is connected", "[graph][sequence]") {
  const Graph g = torus_graph(4, 4);
  for (Index b : {1, 2, 4, 8}) {
    BConnectedSequence s(g, b, 7);
    bool some_round_disconnected = false;
    for (Round t = 0; t < 3 * b; ++t) {
      REQUIRE(window_connected(s, t, b));
      some_round_disconnected = some_round_disconnected || !window_connected(s, t, 1);
    }
    if (b >= 2) REQUIRE(some_round_disconnected);
  }
  RandomEdgeSequence e(g, 1);
  REQUIRE_FALSE(window_connected(e, 0, 1));
  REQUIRE_THROWS_AS(BConnectedSequence(g, 0, 1), InvalidArgument);
  Graph two = path_graph(4);
  boost::add_vertex(two);
  REQUIRE_THROWS_AS(BConnectedSequence(two, 2, 1), InvalidTopology);
}

TEST_CASE("exact p: static, random edge, one-peer exponential", "[graph][sequence][p]") {
  // static MH on C_16: p = 1 - rho^2 (fixture of theory-rates.md §11)
  REQUIRE(close(StaticSequence(metropolis_weights(ring_graph(16))).consensus_rate().p, 0.09891870084));
  // one random edge: p = lambda2(L) / (2|E|)
  const auto pe = RandomEdgeSequence(ring_graph(10), 0).consensus_rate();
  REQUIRE(pe.tau == 1);
  REQUIRE(close(pe.p, ring_closed_form(10).laplacian_lambda2 / 20));
  // one-peer exponential, n = 16: tau = 4 and the block product is exactly J, so p = 1
  const OnePeerExponentialSequence x(16);
  const auto px = x.consensus_rate();
  REQUIRE(px.tau == 4);
  REQUIRE(std::abs(px.p - 1.0) < 1e-12);
  Matrix<double> prod = Matrix<double>::Identity(16, 16);
  for (Round t = 3; t < 7; ++t) prod = dense(x.mixing(t)) * prod;
  REQUIRE((prod - Matrix<double>::Constant(16, 16, 1.0 / 16)).cwiseAbs().maxCoeff() < 1e-15);
  // not a power of two: p < 1
  REQUIRE(OnePeerExponentialSequence(12).consensus_rate().p < 1.0);
  // the one-peer matrices are not symmetric
  REQUIRE_THROWS_AS(check_mixing_matrix(x.mixing(0), "x", true), InvalidArgument);
}

TEST_CASE("exact expectations of random sequences match Monte Carlo within 5 standard errors", "[graph][sequence][p]") {
  // E[W] of the random matching and the random edge: compare every entry of the Monte Carlo
  // mean of W_t (20000 rounds) with the exact value, within 5 standard errors.
  auto check_mean = [](const auto& s, const Matrix<double>& exact, int rounds) {
    const Index n = s.num_nodes();
    Matrix<double> sum = Matrix<double>::Zero(n, n), sq = Matrix<double>::Zero(n, n);
    for (int t = 0; t < rounds; ++t) {
      const Matrix<double> w = dense(s.mixing(t));
      sum += w;
      sq += w.cwiseProduct(w);
    }
    const Matrix<double> mean = sum / rounds;
    const Matrix<double> se = ((sq / rounds - mean.cwiseProduct(mean)) / rounds).cwiseSqrt();
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < n; ++j) REQUIRE(std::abs(mean(i, j) - exact(i, j)) <= 5 * se(i, j) + 1e-12);
  };
  const Graph g = torus_graph(3, 3);  // 18 edges
  const RandomMatchingSequence m(g, 11);
  check_mean(m, m.expected_mixing(), 20000);
  const RandomEdgeSequence e(g, 11);
  check_mean(e, e.expected_mixing(), 20000);
  // a wrong expectation is caught: E[W] of the random edge is not that of the matching
  REQUIRE((m.expected_mixing() - e.expected_mixing()).cwiseAbs().maxCoeff() > 0.01);

  // Markov links: the stationary Gram matrix, sampling rounds far apart (nearly independent)
  const Graph small = erdos_renyi_graph(7, 0.5, 3);
  const MarkovLinkSequence k(small, 0.2, 0.6, 5);
  const Matrix<double> exact = k.expected_gram();
  const Matrix<double> j = Matrix<double>::Constant(7, 7, 1.0 / 7);
  Matrix<double> sum = Matrix<double>::Zero(7, 7), sq = Matrix<double>::Zero(7, 7);
  const int draws = 6000;
  for (int r = 0; r < draws; ++r) {
    const Matrix<double> d = dense(k.mixing(Round{r} * 20)) - j;
    const Matrix<double> gr = d.transpose() * d;
    sum += gr;
    sq += gr.cwiseProduct(gr);
  }
  const Matrix<double> mean = sum / draws;
  const Matrix<double> se = ((sq / draws - mean.cwiseProduct(mean)) / draws).cwiseSqrt();
  for (Index a = 0; a < 7; ++a)
    for (Index b = 0; b < 7; ++b) REQUIRE(std::abs(mean(a, b) - exact(a, b)) <= 5 * se(a, b) + 1e-12);
  // with links that never fail, the Markov sequence is the static Metropolis one
  const MarkovLinkSequence never(small, 0.0, 1.0, 5);
  REQUIRE(close(never.consensus_rate().p, StaticSequence(metropolis_weights(small)).consensus_rate().p, 1e-12));
}

TEST_CASE("B-connected p degrades as B grows", "[graph][sequence][p]") {
  const Graph g = ring_graph(8);
  const double p1 = BConnectedSequence(g, 1, 0).consensus_rate().p;
  REQUIRE(close(p1, 0.3523969861));  // B = 1 is static MH on C_8
  // p is per block of τ = B rounds: compare the per-round rate 1 − (1 − p)^{1/τ} across B
  double previous = p1;
  for (Index b : {2, 4, 8}) {
    const auto r = BConnectedSequence(g, b, 0).consensus_rate();
    REQUIRE(r.tau == b);
    REQUIRE(r.p > 0.0);
    REQUIRE(r.p <= 1.0);
    const double per_round = 1 - std::pow(1 - r.p, 1.0 / static_cast<double>(r.tau));
    INFO("B = " << b << ": p " << r.p << " per block of " << r.tau << ", per round " << per_round << ", at B/2 "
                << previous);
    CHECK(per_round < previous);
    previous = per_round;
  }
}
