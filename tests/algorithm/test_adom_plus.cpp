// SPDX-License-Identifier: BSD-3-Clause
/// ADOM+ (Kovalev et al. 2021, theory-rates.md §9b): the closed form of its implicit pair, exact
/// convergence on static and time-varying (spanning-tree) sequences, the χ̄ it takes from each
/// sequence, and its refusals; MSDA's refusal of a time-varying sequence (issue 16, item 4).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "adonis/algorithm/adom_plus.hpp"
#include "adonis/algorithm/msda.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/tree_sequence.hpp"
#include "process.hpp"
#include "quadratics.hpp"

using namespace adonis;
using adonis::test::close;
using adonis::test::ScalarQuadratics;

namespace {
/// ||X − 1 x*ᵀ||_F after `rounds` rounds of ADOM+ from X_0 = 0.
template <class S>
double adom_distance(const ScalarQuadratics& q, S sequence, Round rounds, AdomPlusOptions o = {}) {
  o.mu = 0.5;
  o.smoothness = 2;  // a_i in [0.5, 2]
  AdomPlus alg(q, std::move(sequence), o);
  Iterates<double> x = Iterates<double>::Zero(q.num_nodes(), q.dim());
  alg.run(x, RunOptions{.max_rounds = rounds});
  return (x.rowwise() - q.x_star().transpose()).norm();
}
}  // namespace

TEST_CASE("ADOM+: the closed-form x+, y+ solve the paper's implicit pair", "[algorithm][adom-plus]") {
  for (const double chi : {1.0, 7.5, 300.0}) {
    const AdomPlusConstants k = AdomPlusConstants::make(0.01, 3.0, chi);
    SplitMix64 rng(static_cast<std::uint64_t>(chi));
    Vector<double> x(5), y(5), xg(5), g(5), s(5);
    for (Vector<double>* v : {&x, &y, &xg, &g, &s})
      for (Index j = 0; j < 5; ++j) (*v)(j) = 2 * rng.uniform() - 1;
    const Vector<double> yp = k.c1 * (y + k.c2 * g - k.c3 * xg - k.c4 * x - (k.theta / k.nu) * s);
    const Vector<double> xp = k.c5 * (x + k.eta * k.alpha * xg - k.eta * (g - k.nu * xg - yp));
    // x⁺ = x + ηα(x_g − x⁺) − η[g − ν x_g − y⁺],  y⁺ = y + θβ[g − ν x_g − y⁺] − θ[s/ν + x⁺]
    const Vector<double> rx = x + k.eta * k.alpha * (xg - xp) - k.eta * (g - k.nu * xg - yp) - xp;
    const Vector<double> ry = y + k.theta * k.beta * (g - k.nu * xg - yp) - k.theta * (s / k.nu + xp) - yp;
    CHECK(rx.norm() <= 1e-12 * (1 + xp.norm()));
    CHECK(ry.norm() <= 1e-12 * (1 + yp.norm() + k.theta * xp.norm()));
  }
  // the constants of §9b at μ = 0.01, L = 3, χ̄ = 7.5, evaluated by hand (Python, double)
  const AdomPlusConstants k = AdomPlusConstants::make(0.01, 3.0, 7.5);
  CHECK(close(k.tau2, 0.05773502691896258, 1e-14));
  CHECK(close(k.tau1, 0.0561151228546748, 1e-14));
  CHECK(close(k.sigma2, 0.00048112522432468816, 1e-14));
  CHECK(close(k.gamma, 0.013196577581477159, 1e-14));
  CHECK(close(k.theta, 2.598076211353316, 1e-14));
  CHECK(k.eta == 1 / (3.0 * k.tau2));
  CHECK(k.delta == 1 / 51.0);
}

TEST_CASE("ADOM+: converges to x* on a static ring and on spanning trees of K4", "[algorithm][adom-plus]") {
  const ScalarQuadratics q8 = ScalarQuadratics::random(8, 3, 0.5, 2, 4), q4 = ScalarQuadratics::random(4, 3, 0.5, 2, 4);
  const auto start = [](const ScalarQuadratics& q) { return q.x_star().transpose().replicate(q.num_nodes(), 1).norm(); };
  // static metropolis ring: χ = λmax/λ2 of I − W (6.83), about 600 rounds a decade (κ = 4)
  CHECK(adom_distance(q8, StaticSequence{metropolis_weights(ring_graph(8))}, 6000) <= 1e-12 * start(q8));
  // every round a different spanning tree (χ̄ = 10.2): the exact x*, not a neighbourhood of it
  const Graph k4 = complete_graph(4);
  CHECK(adom_distance(q4, RandomSpanningTreeSequence(k4, 3), 8000) <= 1e-10 * start(q4));
  CHECK(adom_distance(q4, AdversarialTreeSequence(k4, 3, 3), 8000) <= 1e-10 * start(q4));
  const double d1 = adom_distance(q4, RandomSpanningTreeSequence(k4, 5), 4000);
  const double d2 = adom_distance(q4, RandomSpanningTreeSequence(k4, 5), 8000);
  CHECK(d2 < 1e-3 * d1);
}

TEST_CASE("ADOM+: chi and the normalisation from the sequence", "[algorithm][adom-plus]") {
  const Graph torus = torus_graph(4, 4);
  const RandomSpanningTreeSequence trees(torus, 1);
  const AdomGossipBound b = adom_gossip_bound(trees);
  CHECK(b.chi == trees.chi_bound());
  CHECK(b.scale == 8.0 / 5.0);  // max (d_u + d_v) = 8 over Δ + 1 = 5
  for (Round t = 0; t < 50; ++t) {  // G_t = (I − W_t)/c: λmax ≤ 1 and λmin⁺ ≥ 1/χ̄ in every round
    const LaplacianEnds e = laplacian_ends(sparse_identity(16) - SparseMatrix(trees.mixing(t)));
    CHECK(e.lambda_max / b.scale <= 1 + 1e-12);
    CHECK(e.lambda2 / b.scale >= (1 - 1e-12) / b.chi);
  }
  // metropolis torus:4x4: I − W = L/5, λmax(L) = 8, λ2(L) = 2 (theory-rates §11)
  const AdomGossipBound s = adom_gossip_bound(StaticSequence{metropolis_weights(torus)});
  CHECK(close(s.scale, 1.6, 1e-12));
  CHECK(close(s.chi, 4.0, 1e-12));
}

TEST_CASE("ADOM+ refuses sequences without a chi bound, disconnected rounds and bad options", "[algorithm][adom-plus][errors]") {
  const ScalarQuadratics q = ScalarQuadratics::random(8, 2, 0.5, 2, 1);
  const Graph ring = ring_graph(8);
  const AdomPlusOptions o{.mu = 0.5, .smoothness = 2};
  CHECK_THROWS_WITH(AdomPlus(q, RandomEdgeSequence(ring, 1), o), Catch::Contains("states no bound chi"));
  CHECK_THROWS_WITH(AdomPlus(q, StaticSequence{metropolis_weights(Graph(8))}, o), Catch::Contains("must be connected"));
  // a given χ̄ over random edges: round 0 (one edge of eight nodes) is disconnected
  AdomPlus given(q, RandomEdgeSequence(ring, 1), AdomPlusOptions{.mu = 0.5, .smoothness = 2, .chi = 50, .gossip_scale = 1});
  Iterates<double> x = Iterates<double>::Zero(8, 2);
  CHECK_THROWS_WITH(given.run(x, RunOptions{.max_rounds = 3}), Catch::Contains("round 0 is disconnected"));
  const AdomPlusOptions alone{.chi = 5};
  CHECK_THROWS_WITH(alone.validate(), Catch::Contains("given together"));
  const AdomPlusOptions small_chi{.chi = 0.5, .gossip_scale = 1};
  CHECK_THROWS_WITH(small_chi.validate(), Catch::Contains("chi must be >= 1"));
  CHECK_THROWS_WITH(AdomPlusConstants::make(2, 1, 4), Catch::Contains("L must be finite and >= mu"));
  // no curvature bounds and no μ given
  CHECK_THROWS_WITH(AdomPlus(q, StaticSequence{metropolis_weights(ring)}), Catch::Contains("mu must be given"));
}

TEST_CASE("MSDA refuses a time-varying sequence (one fixed W)", "[algorithm][msda][errors]") {
  const ScalarQuadratics q = ScalarQuadratics::random(16, 2, 0.5, 2, 1);
  CHECK_THROWS_WITH(Msda(q, RandomSpanningTreeSequence(torus_graph(4, 4), 1)), Catch::Contains("must be static"));
}
