// SPDX-License-Identifier: BSD-3-Clause
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/graph/sequence_quantities.hpp"
#include "adonis/graph/tree_sequence.hpp"
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

TEST_CASE("random spanning tree: a spanning tree of the base graph each round, W_t = I - L_T/(max degree + 1)", "[graph][sequence][tree]") {
  STATIC_REQUIRE(GraphSequence<RandomSpanningTreeSequence>);
  const Graph g = erdos_renyi_graph(12, 0.4, 1);
  REQUIRE(is_connected(g));
  const RandomSpanningTreeSequence s(g, 7), same(g, 7), other(g, 8);
  const auto base = edge_list(g);
  bool differs = false;
  for (Round t : {0, 5, 3, 40}) {
    const std::vector<Edge> tree = s.tree(t);
    REQUIRE(tree == same.tree(t));  // a pure function of (seed, t)
    differs = differs || tree != other.tree(t);
    REQUIRE(tree.size() == 11);
    Graph sub(12);
    for (const auto& [u, v] : tree) {
      REQUIRE(std::binary_search(base.begin(), base.end(), Edge{u, v}));
      add_edge_unique(sub, u, v);
    }
    REQUIRE(is_connected(sub));
    REQUIRE_NOTHROW(check_mixing_matrix(s.mixing(t), "tree"));
    const Matrix<double> w = dense(s.mixing(t));
    REQUIRE(w.minCoeff() >= 0.0);
    REQUIRE((w - w.transpose()).cwiseAbs().maxCoeff() == 0.0);
    // built from the edges, bit for bit the tree's laplacian_weights with c = Δ + 1
    REQUIRE(w == dense(laplacian_weights(sub, static_cast<double>(s.max_degree() + 1))));
    REQUIRE(s.mixing(t).nonZeros() == 12 + 2 * 11);
    // χ̄ bounds the round's χ = λmax(L_T)/λ2(L_T)
    Eigen::SelfAdjointEigenSolver<Matrix<double>> es(dense(laplacian(sub)), Eigen::EigenvaluesOnly);
    REQUIRE(es.eigenvalues()(11) / es.eigenvalues()(1) <= s.chi_bound());
  }
  REQUIRE(differs);
  // the path's λ2 makes χ̄ tight on a path: the base graph is its only spanning tree
  const RandomSpanningTreeSequence path(path_graph(6), 1);
  Eigen::SelfAdjointEigenSolver<Matrix<double>> ep(dense(laplacian(path_graph(6))), Eigen::EigenvaluesOnly);
  REQUIRE(close(path.chi_bound(), 4.0 / ep.eigenvalues()(1), 1e-12));  // interior d_u + d_v = 4 >= λmax
  REQUIRE_THROWS_AS(RandomSpanningTreeSequence(Graph(4), 1), InvalidTopology);
  REQUIRE_THROWS_AS(RandomSpanningTreeSequence(Graph(1), 1), InvalidTopology);
}

TEST_CASE("random spanning tree: uniform trees (edge frequencies = effective resistances), E[W^2] and p by the transfer-current theorem", "[graph][sequence][tree][p]") {
  const Graph g = torus_graph(3, 4);  // 12 nodes, 24 edges
  const RandomSpanningTreeSequence s(g, 3);
  const auto edges = edge_list(g);
  const std::vector<double> r = edge_resistances(g);
  const int rounds = 10000;
  std::vector<double> count(edges.size(), 0.0);
  const Index n = 12;
  Matrix<double> sum = Matrix<double>::Zero(n, n), sq = Matrix<double>::Zero(n, n);
  const Matrix<double> exact = s.expected_square();
  // issue 16 (a): from the top eigenvector of (I − J) E[W²] (I − J), the mean one-step
  // contraction equals 1 − p
  const Matrix<double> center = Matrix<double>::Identity(n, n) - Matrix<double>::Constant(n, n, 1.0 / n);
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(center * exact * center);
  const Vector<double> x0 = es.eigenvectors().col(n - 1);
  const double one_minus_p = 1 - s.consensus_rate().p;
  REQUIRE(close(one_minus_p, es.eigenvalues()(n - 1), 1e-12));
  double c_sum = 0, c_sq = 0;
  for (int t = 0; t < rounds; ++t) {
    for (const auto& e : s.tree(t)) count[static_cast<std::size_t>(std::lower_bound(edges.begin(), edges.end(), e) - edges.begin())] += 1;
    const Matrix<double> w = dense(s.mixing(t));
    const Matrix<double> w2 = w * w;
    sum += w2;
    sq += w2.cwiseProduct(w2);
    const double c = (center * w * x0).squaredNorm();  // ||(W − J) x0||² / ||x0||², x0 ⟂ 1, unit
    c_sum += c;
    c_sq += c * c;
  }
  for (std::size_t e = 0; e < edges.size(); ++e) {  // Kirchhoff: Pr(e in T) = R_e
    const double f = count[e] / rounds, se = std::sqrt(r[e] * (1 - r[e]) / rounds);
    INFO("edge " << e << ": frequency " << f << ", R_e " << r[e]);
    REQUIRE(std::abs(f - r[e]) <= 5 * se);
  }
  const Matrix<double> mean = sum / rounds;
  const Matrix<double> se = ((sq / rounds - mean.cwiseProduct(mean)) / rounds).cwiseSqrt();
  for (Index a = 0; a < n; ++a)
    for (Index b = 0; b < n; ++b) REQUIRE(std::abs(mean(a, b) - exact(a, b)) <= 5 * se(a, b) + 1e-12);
  const double c_mean = c_sum / rounds, c_se = std::sqrt((c_sq / rounds - c_mean * c_mean) / rounds);
  REQUIRE(std::abs(c_mean - one_minus_p) <= 5 * c_se);
  // able to fail: E[W]² (independence of the edges assumed) is not E[W²]
  Matrix<double> mean_w = Matrix<double>::Identity(n, n);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const auto [u, v] = edges[e];
    const double c = r[e] / static_cast<double>(s.max_degree() + 1);
    mean_w(u, u) -= c;
    mean_w(v, v) -= c;
    mean_w(u, v) += c;
    mean_w(v, u) += c;
  }
  REQUIRE((mean_w * mean_w - exact).cwiseAbs().maxCoeff() > 20 * se.maxCoeff());
  // a tree base graph: W is deterministic and E[W²] = W²
  const RandomSpanningTreeSequence star(star_graph(7), 1);
  const Matrix<double> w = dense(star.mixing(0));
  REQUIRE((star.expected_square() - w * w).cwiseAbs().maxCoeff() <= 1e-13);
}

TEST_CASE("sequence_quantities: exact p where the kind has it, a Monte Carlo estimate with its SE otherwise", "[graph][sequence][p]") {
  const Graph g = torus_graph(3, 4);  // 24 edges: the Markov links' exact p needs <= 16
  const SequenceQuantities e = sequence_quantities(g, "random-edge", "metropolis", 1, 40);
  CHECK(e.p_method == "exact");
  const LaplacianEnds ends = laplacian_ends(laplacian(g));
  CHECK(close(e.p, ends.lambda2 / 48, 1e-12));
  const SequenceQuantities m = sequence_quantities(g, "markov:0.2:0.5", "metropolis", 1, 400);
  CHECK(m.p_method == "monte-carlo");
  CHECK(m.p_se > 0);
  CHECK(m.tau == 1);
  // the estimator against an exact p: random edges over 20000 rounds, within 5 batch-mean SEs
  const RandomEdgeSequence re(g, 5);
  const detail::MonteCarloP mc = detail::monte_carlo_p(re, 20000);
  CHECK(mc.se > 0);
  CHECK(std::abs(mc.p - e.p) <= 5 * mc.se);
  // χ̄: the spanning trees' bound, a static graph's own χ, none for random edges
  const SequenceQuantities t = sequence_quantities(g, "random-spanning-tree", "metropolis", 2, 30);
  CHECK(t.chi_bar == RandomSpanningTreeSequence(g, 2).chi_bound());
  CHECK(t.chi_sup <= t.chi_bar);
  CHECK(t.disconnected_rounds == 0);
  const SequenceQuantities st = sequence_quantities(g, "static", "metropolis", 0, 3);
  CHECK(close(st.chi_bar, ends.lambda_max / ends.lambda2, 1e-12));
  CHECK(st.chi_sup == st.chi_bar);
  CHECK(std::isnan(e.chi_bar));
  CHECK(std::isinf(e.chi_sup));
  CHECK(e.disconnected_rounds == 40);
  // large n: p not computed, said so
  CHECK(std::isnan(sequence_quantities(ring_graph(600), "random-edge", "metropolis", 1, 2).p));
  CHECK_THROWS_AS(sequence_quantities(g, "random-edge", "metropolis", 1, 0), InvalidArgument);
  CHECK_THROWS_AS(sequence_quantities(g, "random-edge", "metropolis", 1, 5, 6), InvalidArgument);
  CHECK_THROWS_AS(sequence_quantities(g, "nonsense", "metropolis", 1, 5), InvalidArgument);
}

TEST_CASE("adversarial-tree:K: the slowest of the seeded cycles of K spanning trees, periodic p over K rounds", "[graph][sequence][tree][p]") {
  STATIC_REQUIRE(GraphSequence<AdversarialTreeSequence>);
  const Graph g = torus_graph(3, 4);
  const AdversarialTreeSequence a(g, 3, 5), same(g, 3, 5);
  REQUIRE(a.period() == 3);
  for (Round t = 0; t < 7; ++t) {
    REQUIRE((dense(a.mixing(t)) - dense(same.mixing(t))).cwiseAbs().maxCoeff() == 0.0);
    REQUIRE((dense(a.mixing(t)) - dense(a.mixing(t + 3))).cwiseAbs().maxCoeff() == 0.0);  // a cycle of K
    REQUIRE(is_connected(support_graph(a.mixing(t))));
  }
  // the rule: no candidate cycle contracts more slowly, and it is one of them
  const RandomSpanningTreeSequence trees(g, 5);
  const Matrix<double> j = Matrix<double>::Constant(12, 12, 1.0 / 12);
  double best = 0;
  bool found = false;
  for (Index c = 0; c < 16; ++c) {
    Matrix<double> prod = Matrix<double>::Identity(12, 12);
    bool same_cycle = true;
    for (Index r = 0; r < 3; ++r) {
      prod = dense(trees.mixing(c * 3 + r)) * prod;
      same_cycle = same_cycle && (dense(trees.mixing(c * 3 + r)) - dense(a.mixing(r))).cwiseAbs().maxCoeff() == 0.0;
    }
    Eigen::JacobiSVD<Matrix<double>> svd(prod - j);
    best = std::max(best, svd.singularValues()(0));
    found = found || same_cycle;
  }
  REQUIRE(found);
  REQUIRE(close(a.product_norm(), best, 1e-12));
  // p over blocks of K rounds: the worst block start contracts at least as slowly as the chosen one
  const ConsensusRate r = a.consensus_rate();
  REQUIRE(r.tau == 3);
  REQUIRE(r.p > 0);
  REQUIRE(1 - r.p >= best * best - 1e-12);  // the worst block start is at least the chosen one
  REQUIRE(a.chi_bound() == trees.chi_bound());
  REQUIRE_THROWS_AS(AdversarialTreeSequence(g, 0, 1), InvalidArgument);
  REQUIRE_THROWS_AS(AdversarialTreeSequence(ring_graph(600), 2, 1), InvalidArgument);
}

TEST_CASE("sequence_quantities: windows_connected agrees with window_connected at every window start", "[graph][sequence]") {
  // random edges on ring:8: one edge a round, so windows of 7 rounds are connected only by chance
  const Graph g = ring_graph(8);
  const RandomEdgeSequence s(g, 3);
  const Index rounds = 60;
  int agreed_true = 0, agreed_false = 0;
  for (Index window = 1; window <= 40; ++window) {
    bool all = true;
    for (Round t0 = 0; t0 + window <= rounds && all; ++t0) all = window_connected(s, t0, window);
    const SequenceQuantities q = sequence_quantities(g, "random-edge", "metropolis", 3, rounds, window);
    CHECK(q.windows_connected == all);
    (all ? agreed_true : agreed_false) += 1;
  }
  CHECK(agreed_true > 0);  // both answers occur among the windows
  CHECK(agreed_false > 0);
}
