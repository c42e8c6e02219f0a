// SPDX-License-Identifier: BSD-3-Clause
/// The theorems as code (theory/bounds.hpp): their numbers agree with the algorithms' own
/// exact quantities, and a row built from a recalled theorem cannot be judged for equality.
#include <catch2/catch.hpp>

#include <cmath>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/theory/bounds.hpp"

using namespace adonis;

TEST_CASE("theorems: Chebyshev and gossip rates match the algorithms' exact contractions", "[theory][bounds]") {
  const Graph g = ring_graph(20);
  const SparseMatrix w = metropolis_weights(g);
  ChebyshevGossip cheb(sparse_identity(20) - w);
  const Theorem th = theorems::chebyshev_gossip(cheb.gamma(), static_cast<double>(cheb.rounds_per_step()));
  CHECK(th.kind == TheoremKind::rate);
  CHECK(th.tag == Tag::DER);
  CHECK(th.value == Approx(cheb.contraction()).epsilon(1e-12));
  const double slem = 1 - laplacian_ends(sparse_identity(20) - w).lambda2;  // ring: λ2 side is the slem
  CHECK(theorems::gossip(slem).value == slem);
}

TEST_CASE("theorems: pairwise gossip's per-tick and continuous-time statements", "[theory][bounds]") {
  const ClockQuantities q = clock_quantities(sim::EventEngine(torus_graph(3, 4), sim::EngineOptions{}));
  const Theorem tick = theorems::pairwise_gossip(q.gossip_lambda2);
  CHECK(tick.value == q.gossip_lambda2);
  const Theorem time = theorems::pairwise_gossip_time(q.chi1);
  REQUIRE(time.kind == TheoremKind::envelope);
  CHECK(time.envelope(0) == 1);
  CHECK(time.envelope(2 * q.chi1) == Approx(std::exp(-1.0)));
}

TEST_CASE("theorem_row carries the source, the spectral quantity and the tag", "[theory][bounds]") {
  const RateRow row = theorem_row(theorems::dual_averaging(), RateRow{.table = "t", .graph = "ring:8"});
  CHECK(row.algorithm == "dual-averaging");
  CHECK(row.tag == Tag::REC);
  CHECK(row.source.find("Duchi") != std::string::npos);
  CHECK(row.source.find("1 − σ2(P)") != std::string::npos);
  // a recalled theorem is never checked for equality
  CHECK_THROWS_AS(judge_equal(row, 1.0, 1.0, 0.1), InvalidArgument);
  CHECK_THROWS_AS(theorems::linearized("gossip", 0.5), InvalidArgument);
}
