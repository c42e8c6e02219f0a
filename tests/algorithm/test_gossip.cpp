// SPDX-License-Identifier: BSD-3-Clause
/// Acceptance: gossip contracts by exactly ρ along the slowest eigenvector and never faster
/// than ρ per round from random starts (theory-rates.md §1); Chebyshev gossip contracts by
/// exactly 1/T_K(c2) (§3a).
#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/graph/spec.hpp"
#include "process.hpp"

using namespace adonis;
using adonis::test::close;

namespace {
struct GossipFixture {
  const char* spec;
  double rho, chi;  // theory-rates.md §11: ρ of the MH matrix, χ = λmax(L)/λ2(L)
};
const GossipFixture gossip_fixtures[] = {{"ring:8", 0.8047378541, 6.828427125},  {"ring:16", 0.9492530217, 26.27414237},
                            {"ring:33", 0.9879524648, 110.4221401}, {"path:8", 0.9492530217, 25.27414237},
                            {"path:16", 0.9871901869, 103.0868689}, {"torus:4x4", 0.6, 4},
                            {"torus:8x8", 0.8828427125, 13.65685425}, {"star:8", 0.875, 8},
                            {"hypercube:4", 0.6, 4}};

/// Records ||X_t − X̄_t||_F after every round.
struct ConsensusNorms {
  std::vector<double> norms;
  template <class A>
  void on_start(const RoundView<A>& v) { norms = {std::sqrt(v.consensus_error() * v.iterates().rows())}; }
  template <class A>
  void on_round(const RoundView<A>& v) { norms.push_back(std::sqrt(v.consensus_error() * v.iterates().rows())); }
};

/// A unit eigenvector of the symmetric matrix M, orthogonal to 1, for the eigenvalue of
/// largest (or, with smallest = true, smallest nonzero) magnitude on 1⊥.
Vector<double> extreme_eigenvector(const Matrix<double>& m, bool laplacian_smallest) {
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(m);
  const Index n = m.rows();
  Index best = -1;
  for (Index k = 0; k < n; ++k) {
    const Vector<double> v = es.eigenvectors().col(k);
    if (std::abs(v.sum()) > 1e-8 * std::sqrt(static_cast<double>(n))) continue;  // not on 1⊥
    const double lam = es.eigenvalues()(k);
    if (best < 0) { best = k; continue; }
    const double cur = es.eigenvalues()(best);
    if (laplacian_smallest ? (lam > 1e-9 && (cur <= 1e-9 || lam < cur)) : std::abs(lam) > std::abs(cur)) best = k;
  }
  Vector<double> v = es.eigenvectors().col(best);
  v.array() -= v.mean();
  return v / v.norm();
}
}  // namespace

TEST_CASE("gossip contracts by exactly rho per round along the slowest eigenvector", "[algorithm][gossip]") {
  for (const auto& f : gossip_fixtures) {
    INFO(f.spec);
    const Graph g = make_graph(f.spec);
    const SparseMatrix w = metropolis_weights(g);
    // the toolkit's ρ agrees with the 10-digit fixture; ρ^t is then taken with the toolkit's ρ,
    // since the fixture's rounding (~5e-11) would dominate 1e-9 after ~20 rounds
    const double rho = graph_quantities(g).mixing_slem;
    REQUIRE(close(rho, f.rho, 1e-9));
    Iterates<double> x = extreme_eigenvector(Matrix<double>(w), false);
    Gossip gossip(StaticSequence{w});
    ConsensusNorms obs;
    run(gossip, x, RunOptions{.max_rounds = 100}, obs);
    for (std::size_t t = 1; t < obs.norms.size(); ++t) {
      INFO("t = " << t);
      CHECK(close(obs.norms[t] / obs.norms[0], std::pow(rho, static_cast<double>(t)), 1e-9));
    }
  }
}

TEST_CASE("gossip never contracts slower than rho from random starts, the average is kept", "[algorithm][gossip]") {
  for (const auto& f : gossip_fixtures) {
    INFO(f.spec);
    const Graph g = make_graph(f.spec);
    const SparseMatrix w = metropolis_weights(g);
    const double rho = graph_quantities(g).mixing_slem;  // the toolkit's ρ (= fixture to 1e-9)
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      SplitMix64 rng(seed);
      Iterates<double> x(w.rows(), 3);
      for (Index i = 0; i < x.size(); ++i) x.data()[i] = 2 * rng.uniform() - 1;
      const Vector<double> mean0 = x.colwise().mean().transpose();
      // rounding floor: the consensus error is computed next to the (kept) average
      const double floor = 1e-14 * x.norm();
      Gossip gossip(StaticSequence{w});
      ConsensusNorms obs;
      run(gossip, x, RunOptions{.max_rounds = 200}, obs);
      for (std::size_t t = 0; t + 1 < obs.norms.size(); ++t)
        REQUIRE(obs.norms[t + 1] <= (rho + 1e-12) * obs.norms[t] + floor);
      REQUIRE((x.colwise().mean().transpose() - mean0).norm() < 1e-14);
    }
  }
}

TEST_CASE("Chebyshev gossip contracts by exactly 1/T_K(c2) per outer step", "[algorithm][chebyshev]") {
  for (const auto& f : gossip_fixtures) {
    INFO(f.spec);
    const Graph g = make_graph(f.spec);
    const SparseMatrix l = laplacian(g);
    ChebyshevGossip cheb(l);
    // independent constants from the fixture table: γ = 1/χ, K = ⌊1/√γ + 1e-9⌋
    const double gamma = 1 / f.chi, c2 = (1 + gamma) / (1 - gamma);
    const auto k = static_cast<Index>(std::floor(1 / std::sqrt(gamma) + 1e-9));
    REQUIRE(cheb.rounds_per_step() == k);
    const double want = 1 / std::cosh(static_cast<double>(k) * std::acosh(c2));
    CHECK(close(cheb.contraction(), want, 1e-8));
    Iterates<double> x = extreme_eigenvector(Matrix<double>(l), true);
    ConsensusNorms obs;
    run(cheb, x, RunOptions{.max_rounds = 6}, obs);
    for (std::size_t t = 1; t < obs.norms.size(); ++t) CHECK(close(obs.norms[t] / obs.norms[t - 1], cheb.contraction(), 1e-9));
    REQUIRE(cheb.counters().messages == 6 * k * 2 * num_edges(g));
    // from random starts no step contracts by less
    SplitMix64 rng(3);
    Iterates<double> y(l.rows(), 2);
    for (Index i = 0; i < y.size(); ++i) y.data()[i] = rng.uniform();
    ConsensusNorms obs2;
    run(cheb, y, RunOptions{.max_rounds = 4}, obs2);
    for (std::size_t t = 1; t < obs2.norms.size(); ++t)
      CHECK(obs2.norms[t] <= (cheb.contraction() * (1 + 1e-9) + 1e-15) * obs2.norms[t - 1]);
  }
  // complete graph: γ = 1, one exact averaging round
  ChebyshevGossip exact(laplacian(complete_graph(6)));
  Iterates<double> z = Iterates<double>::Random(6, 2);
  const Vector<double> mean = z.colwise().mean().transpose();
  run(exact, z, RunOptions{.max_rounds = 1});
  CHECK((z.rowwise() - mean.transpose()).norm() < 1e-14);
}
