// SPDX-License-Identifier: BSD-3-Clause
/// Acceptance for CHOCO-Gossip / CHOCO-SGD and the compression operators (theory-rates.md §10):
/// (a) with Q = identity the iteration is exactly ((1 − γ)I + γW) X after the first round;
/// (b) messages and bytes follow each compressor's encoding exactly; each operator has its
///     defining property (top-k keeps the largest, unbiased ones have mean x, sign keeps ||·||₁);
/// (c) with the theorem's γ the Lyapunov error contracts at least as fast as 1 − ρ²δ/82;
/// (d) CHOCO-SGD reaches the fixed point of DGD on W_γ = (1 − γ)I + γW (x* when the f_i share it);
/// (e) runs are bit-reproducible from the seed; (f) bad compressor specs name the field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <Eigen/Dense>

#include "adonis/algorithm/choco.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/graph/spec.hpp"
#include "process.hpp"
#include "quadratics.hpp"

using namespace adonis;
using adonis::test::close;
using adonis::test::ScalarQuadratics;

namespace {

Iterates<double> random_iterates(Index n, Index d, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Iterates<double> x(n, d);
  for (Index i = 0; i < x.size(); ++i) x.data()[i] = 2 * rng.uniform() - 1;
  return x;
}

Vector<double> choco_random_vector(Index d, std::uint64_t seed) {
  SplitMix64 rng(seed);
  Vector<double> x(d);
  for (Index j = 0; j < d; ++j) x(j) = 2 * rng.uniform() - 1;
  return x;
}

/// Keeps every iterate X_0, X_1, ... of a run.
struct History {
  std::vector<Iterates<double>> x;
  template <class A>
  void on_start(const RoundView<A>& v) { x = {v.iterates()}; }
  template <class A>
  void on_round(const RoundView<A>& v) { x.push_back(v.iterates()); }
};

/// Records the Lyapunov error e_t = ||X − X̄||² + ||X − X̂||² (theory-rates.md §10).
struct Lyapunov {
  std::vector<double> e;
  template <class A>
  double value(const RoundView<A>& v) const {
    const auto& x = v.iterates();
    return (x.rowwise() - v.average().transpose()).squaredNorm() + (x - v.algorithm().estimates()).squaredNorm();
  }
  template <class A>
  void on_start(const RoundView<A>& v) { e = {value(v)}; }
  template <class A>
  void on_round(const RoundView<A>& v) { e.push_back(value(v)); }
};

/// Per-coordinate Monte Carlo mean and standard error of Q(x) over `draws` independent
/// compression_rng streams.
struct MonteCarlo {
  Vector<double> mean, se;
  double mean_sq_norm = 0, se_sq_norm = 0;  ///< E||Q(x)||² and its standard error
  double mean_err = 0, se_err = 0;          ///< E||C(x) − x||² for the contractive C, and its SE
};
MonteCarlo monte_carlo(const Compressor& c, const Vector<double>& x, int draws) {
  const Index d = x.size();
  Vector<double> s1 = Vector<double>::Zero(d), s2 = Vector<double>::Zero(d), q(d);
  double n1 = 0, n2 = 0, e1 = 0, e2 = 0;
  std::vector<Index> scratch;
  for (int r = 0; r < draws; ++r) {
    SplitMix64 rng = compression_rng(11, 0, static_cast<std::uint64_t>(r));
    c.apply(x, q, rng, scratch);
    s1 += q;
    s2 += q.cwiseProduct(q);
    const double sq = q.squaredNorm(), err = (q * c.contraction_scale(d) - x).squaredNorm();
    n1 += sq;
    n2 += sq * sq;
    e1 += err;
    e2 += err * err;
  }
  const double m = draws;
  MonteCarlo out;
  out.mean = s1 / m;
  out.se = ((s2 / m - out.mean.cwiseProduct(out.mean)).cwiseMax(0.0) / (m - 1)).cwiseSqrt();
  out.mean_sq_norm = n1 / m;
  out.se_sq_norm = std::sqrt(std::max(0.0, n2 / m - out.mean_sq_norm * out.mean_sq_norm) / (m - 1));
  out.mean_err = e1 / m;
  out.se_err = std::sqrt(std::max(0.0, e2 / m - out.mean_err * out.mean_err) / (m - 1));
  return out;
}

}  // namespace

TEST_CASE("CHOCO-Gossip with Q = identity is exactly ((1 - gamma) I + gamma W) X after the first round",
          "[algorithm][choco]") {
  const Index d = 5;
  for (const char* spec : {"ring:8", "torus:4x4", "star:8", "path:8"}) {
    INFO(spec);
    const Graph g = make_graph(spec);
    const SparseMatrix w = metropolis_weights(g);
    const Index n = w.rows();
    for (double gamma : {0.3, 0.75, 1.0}) {
      INFO("gamma = " << gamma);
      const Matrix<double> wg = (1 - gamma) * Matrix<double>::Identity(n, n) + gamma * Matrix<double>(w);
      ChocoGossip choco(StaticSequence{w}, {.gamma = gamma, .compressor = Compressor::identity()});
      Iterates<double> x = random_iterates(n, d, 3);
      const Vector<double> mean0 = x.colwise().mean().transpose();
      History h;
      run(choco, x, RunOptions{.max_rounds = 40}, h);
      REQUIRE(h.x.size() == 41);
      REQUIRE(h.x[1] == h.x[0]);  // x̂_0 = 0: the first round moves nothing (ICML'19 order)
      for (std::size_t t = 1; t + 1 < h.x.size(); ++t) {
        INFO("t = " << t);
        const Iterates<double> want = wg * h.x[t];
        REQUIRE((h.x[t + 1] - want).cwiseAbs().maxCoeff() <= 1e-12);
      }
      REQUIRE((x.colwise().mean().transpose() - mean0).norm() < 1e-13);  // the average is kept
    }
  }
  SECTION("over a time-varying sequence: ((1 - gamma) I + gamma W_t) X_t") {
    const Graph g = make_graph("torus:4x4");
    RandomMatchingSequence seq(g, 5);
    const double gamma = 0.6;
    ChocoGossip choco(seq, {.gamma = gamma});
    Iterates<double> x = random_iterates(16, 3, 4);
    History h;
    run(choco, x, RunOptions{.max_rounds = 30}, h);
    REQUIRE(h.x[1] == h.x[0]);
    for (std::size_t t = 1; t + 1 < h.x.size(); ++t) {
      const Matrix<double> wt(seq.mixing(static_cast<Round>(t)));
      const Matrix<double> wg = (1 - gamma) * Matrix<double>::Identity(16, 16) + gamma * wt;
      REQUIRE((h.x[t + 1] - wg * h.x[t]).cwiseAbs().maxCoeff() <= 1e-12);
    }
  }
}

TEST_CASE("compressor encodings have their exact byte sizes", "[algorithm][choco]") {
  // architecture.md: identity 8d, top-k 12k, random-k 8k, qsgd 8 + ⌈d⌈log2(2s+1)⌉/8⌉, sign 8 + ⌈d/8⌉
  CHECK(parse_compressor("identity").bytes(10) == 80);
  CHECK(parse_compressor("top-k:3").bytes(10) == 36);
  CHECK(parse_compressor("top-k:1").bytes(1000) == 12);
  CHECK(parse_compressor("random-k:3").bytes(10) == 24);
  CHECK(parse_compressor("random-k-unbiased:7").bytes(100) == 56);
  CHECK(parse_compressor("qsgd:1").bytes(10) == 8 + 3);     // 3 values: 2 bits, 20 bits → 3 bytes
  CHECK(parse_compressor("qsgd:4").bytes(10) == 8 + 5);     // 9 values: 4 bits, 40 bits → 5 bytes
  CHECK(parse_compressor("qsgd:127").bytes(10) == 8 + 10);  // 255 values: 8 bits
  CHECK(parse_compressor("qsgd:128").bytes(10) == 8 + 12);  // 257 values: 9 bits, 90 bits → 12 bytes
  CHECK(parse_compressor("qsgd:2").bytes(3) == 8 + 2);      // 5 values: 3 bits, 9 bits → 2 bytes
  CHECK(parse_compressor("sign").bytes(10) == 8 + 2);
  CHECK(parse_compressor("sign").bytes(16) == 8 + 2);
  CHECK(parse_compressor("sign").bytes(17) == 8 + 3);
  // the SPEC round-trips
  for (const char* s : {"identity", "top-k:3", "random-k:2", "random-k-unbiased:4", "qsgd:16", "sign"})
    CHECK(parse_compressor(s).spec() == s);
}

TEST_CASE("CHOCO counters: one compressed message per edge direction and round", "[algorithm][choco]") {
  const Index d = 10;
  const Round rounds = 25;
  for (const char* gspec : {"ring:8", "torus:4x4"}) {
    const Graph g = make_graph(gspec);
    const std::int64_t directions = 2 * num_edges(g);
    struct Case {
      const char* spec;
      std::int64_t bytes;  // per message, from the formulas of architecture.md
    };
    for (const Case c : {Case{"top-k:3", 12 * 3}, Case{"random-k:2", 8 * 2}, Case{"random-k-unbiased:5", 8 * 5},
                         Case{"qsgd:4", 8 + (10 * 4 + 7) / 8}, Case{"sign", 8 + 2}, Case{"identity", 8 * 10}}) {
      INFO(gspec << " " << c.spec);
      ChocoGossip choco(StaticSequence{metropolis_weights(g)}, {.compressor = parse_compressor(c.spec)});
      Iterates<double> x = random_iterates(num_nodes(g), d, 1);
      const RunResult r = run(choco, x, RunOptions{.max_rounds = rounds});
      REQUIRE(r.counters.rounds == rounds);
      REQUIRE(r.counters.messages == rounds * directions);
      REQUIRE(r.counters.bytes == rounds * directions * c.bytes);
    }
  }
  // CHOCO-SGD counts the same messages, and n gradients per round
  const Graph g = make_graph("ring:8");
  const ScalarQuadratics q = ScalarQuadratics::random(8, d, 1, 2, 3);
  ChocoSgd sgd(q, StaticSequence{metropolis_weights(g)}, {.smoothness = 2, .compressor = Compressor::top_k(2)});
  Iterates<double> x = Iterates<double>::Zero(8, d);
  const RunResult r = run(sgd, x, RunOptions{.max_rounds = rounds});
  REQUIRE(r.counters.bytes == rounds * 16 * 24);
  REQUIRE(r.counters.messages == rounds * 16);
  REQUIRE(r.counters.gradients == rounds * 8);
}

TEST_CASE("compressors: top-k keeps the k largest magnitudes", "[algorithm][choco]") {
  const Index d = 20;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const Vector<double> x = choco_random_vector(d, seed);
    for (Index k : {1, 5, 19, 20}) {
      Vector<double> q(d);
      SplitMix64 rng(0);
      Compressor::top_k(k).apply(x, q, rng);
      std::vector<Index> order(static_cast<std::size_t>(d));
      std::iota(order.begin(), order.end(), Index{0});
      std::sort(order.begin(), order.end(), [&](Index a, Index b) { return std::abs(x(a)) > std::abs(x(b)); });
      for (Index r = 0; r < d; ++r) {
        const Index j = order[static_cast<std::size_t>(r)];
        REQUIRE(q(j) == (r < k ? x(j) : 0.0));
      }
      // deterministic contraction: ||Q(x) − x||² ≤ (1 − k/d)||x||²
      REQUIRE((q - x).squaredNorm() <= (1 - Compressor::top_k(k).delta(d)) * x.squaredNorm() * (1 + 1e-15));
    }
  }
  // ties: the lower index wins
  Vector<double> x = Vector<double>::Ones(6);
  x(1) = -1;
  Vector<double> q(6);
  SplitMix64 rng(0);
  Compressor::top_k(3).apply(x, q, rng);
  const Vector<double> want = (Vector<double>(6) << 1, -1, 1, 0, 0, 0).finished();
  REQUIRE(q == want);
}

TEST_CASE("compressors: top-k's one-pass selection (K <= 32) and nth_element (K > 32) keep the same set",
          "[algorithm][choco]") {
  // magnitudes from {0, 0.5, 1, 1.5} with random signs: many ties, which the order
  // (|x| descending, index ascending) breaks; the reference is a full stable sort
  for (const Index d : {1, 7, 33, 70}) {
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      SplitMix64 draw(seed, 7, static_cast<std::uint64_t>(d));
      Vector<double> x(d);
      for (Index j = 0; j < d; ++j)
        x(j) = 0.5 * static_cast<double>(draw.below(4)) * (draw.below(2) == 0 ? 1.0 : -1.0);
      std::vector<Index> order(static_cast<std::size_t>(d));
      std::iota(order.begin(), order.end(), Index{0});
      std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return std::abs(x(a)) > std::abs(x(b)); });
      for (Index k = 1; k <= d; ++k) {
        INFO("d = " << d << ", seed " << seed << ", k = " << k);
        Vector<double> want = Vector<double>::Zero(d), q(d);
        for (Index r = 0; r < k; ++r) want(order[static_cast<std::size_t>(r)]) = x(order[static_cast<std::size_t>(r)]);
        SplitMix64 rng(0);
        Compressor::top_k(k).apply(x, q, rng);
        REQUIRE(q == want);
      }
    }
  }
}

TEST_CASE("compressors: random-k keeps k coordinates, the unbiased variant and QSGD have mean x",
          "[algorithm][choco]") {
  const Index d = 10;
  const int draws = 40000;
  const Vector<double> x = choco_random_vector(d, 9);
  SECTION("random-k keeps exactly k original values; each coordinate with probability k/d") {
    const Compressor c = Compressor::random_k(3);
    Vector<double> q(d), kept = Vector<double>::Zero(d);
    for (int r = 0; r < draws; ++r) {
      SplitMix64 rng = compression_rng(2, 0, static_cast<std::uint64_t>(r));
      c.apply(x, q, rng);
      Index nonzero = 0;
      for (Index j = 0; j < d; ++j) {
        if (q(j) != 0) {
          REQUIRE(q(j) == x(j));
          ++nonzero;
          kept(j) += 1;
        }
      }
      REQUIRE(nonzero == 3);
    }
    const double p = 0.3, se = std::sqrt(p * (1 - p) / draws);
    for (Index j = 0; j < d; ++j) CHECK(std::abs(kept(j) / draws - p) <= 5 * se);
    // E||Q(x) − x||² = (1 − k/d)||x||²
    const MonteCarlo mc = monte_carlo(c, x, draws);
    CHECK(std::abs(mc.mean_err - (1 - c.delta(d)) * x.squaredNorm()) <= 5 * mc.se_err);
  }
  SECTION("random-k-unbiased: E Q(x) = x (5 standard errors), values scaled by d/k") {
    const Compressor c = Compressor::random_k_unbiased(2);
    const MonteCarlo mc = monte_carlo(c, x, draws);
    for (Index j = 0; j < d; ++j) CHECK(std::abs(mc.mean(j) - x(j)) <= 5 * mc.se(j));
    // E||Q||² = (d/k)||x||² = τ||x||², so C = Q/τ is random-k with δ = k/d
    CHECK(std::abs(mc.mean_sq_norm - c.variance_factor(d) * x.squaredNorm()) <= 5 * mc.se_sq_norm);
    CHECK(mc.mean_err <= (1 - c.delta(d)) * x.squaredNorm() + 5 * mc.se_err);
    Vector<double> q(d);
    SplitMix64 rng = compression_rng(1, 2, 3);
    c.apply(x, q, rng);
    for (Index j = 0; j < d; ++j) CHECK((q(j) == 0 || close(q(j), 5 * x(j), 1e-15)));
  }
  SECTION("QSGD: E Q(x) = x, values on the grid ||x|| l/s, E||Q||² <= tau ||x||²") {
    for (Index s : {1, 2, 8}) {
      INFO("s = " << s);
      const Compressor c = Compressor::qsgd(s);
      const MonteCarlo mc = monte_carlo(c, x, draws);
      for (Index j = 0; j < d; ++j) CHECK(std::abs(mc.mean(j) - x(j)) <= 5 * mc.se(j));
      CHECK(mc.mean_sq_norm <= c.variance_factor(d) * x.squaredNorm() + 5 * mc.se_sq_norm);
      CHECK(mc.mean_err <= (1 - c.delta(d)) * x.squaredNorm() + 5 * mc.se_err);
      Vector<double> q(d);
      SplitMix64 rng = compression_rng(4, 0, 0);
      c.apply(x, q, rng);
      for (Index j = 0; j < d; ++j) {
        const double level = std::abs(q(j)) * static_cast<double>(s) / x.norm();
        CHECK(std::abs(level - std::round(level)) < 1e-9);
        CHECK(std::round(level) <= static_cast<double>(s));
        CHECK((q(j) == 0 || (q(j) > 0) == (x(j) > 0)));
      }
    }
    // the zero vector compresses to zero
    Vector<double> z = Vector<double>::Zero(d), q(d);
    SplitMix64 rng(1);
    Compressor::qsgd(2).apply(z, q, rng);
    CHECK(q.isZero(0));
  }
}

TEST_CASE("compressors: scaled sign keeps ||x||_1 and has quality 1/d", "[algorithm][choco]") {
  const Index d = 13;
  const Compressor c = Compressor::scaled_sign();
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    Vector<double> x = choco_random_vector(d, seed);
    x(4) = 0;  // sign(0) = +1 (one bit per coordinate)
    Vector<double> q(d);
    SplitMix64 rng(0);
    c.apply(x, q, rng);
    const double l1 = x.lpNorm<1>();
    REQUIRE(close(q.lpNorm<1>(), l1, 1e-14));
    for (Index j = 0; j < d; ++j) REQUIRE(close(q(j), (x(j) < 0 ? -1 : 1) * l1 / static_cast<double>(d), 1e-15));
    // ||Q(x) − x||² = ||x||² − ||x||₁²/d ≤ (1 − 1/d)||x||²
    REQUIRE(close((q - x).squaredNorm(), x.squaredNorm() - l1 * l1 / static_cast<double>(d), 1e-12));
    REQUIRE((q - x).squaredNorm() <= (1 - c.delta(d)) * x.squaredNorm() * (1 + 1e-15));
  }
  // δ = 1/d is attained at x = e_j, up to the 1/d² of sign(0) = +1: (1 − 1/d)² + (d − 1)/d²
  Vector<double> e = Vector<double>::Unit(d, 2), q(d);
  SplitMix64 rng(0);
  c.apply(e, q, rng);
  CHECK(close((q - e).squaredNorm(), 1 - 1.0 / static_cast<double>(d), 1e-14));
}

TEST_CASE("CHOCO-Gossip with the consistent gamma*: the Lyapunov error contracts by <= 1 - rho^2 delta/82",
          "[algorithm][choco]") {
  const Index d = 10;
  const Round rounds = 3000;  // at γ* the Lyapunov error falls ~1e-5 on torus:4x4, well above the floor
  struct Fixture {
    const char* spec;
    double slem;  // theory-rates.md §11, MH weights
  };
  for (const Fixture f : {Fixture{"ring:8", 0.8047378541}, Fixture{"torus:4x4", 0.6}, Fixture{"star:8", 0.875}}) {
    const Graph g = make_graph(f.spec);
    const SparseMatrix w = metropolis_weights(g);
    const GraphQuantities gq = graph_quantities(g);
    REQUIRE(close(gq.mixing_slem, f.slem, 1e-9));
    const double gap = 1 - gq.mixing_slem, beta = 1 - gq.mixing_lambda_min;
    for (const char* spec : {"top-k:2", "random-k:2"}) {
      const Compressor c = parse_compressor(spec, d);
      const double delta = c.delta(d);
      REQUIRE(delta == 0.2);
      // the consistent γ* (theory-rates §10, [DER]) and the printed step ρ·γ* (ICLR'20), from the
      // spectral quantities computed independently here
      const double denominator = 16 * gap + gap * gap + 4 * beta * beta + 2 * gap * beta * beta - 8 * gap * delta;
      const double gamma = choco_theory_gamma(w, delta);
      REQUIRE(close(gamma, gap * delta / denominator, 1e-9));
      REQUIRE(close(choco_printed_gamma(w, delta), gap * gap * delta / denominator, 1e-9));
      const double bound = 1 - choco_consensus_rate(gap, delta);
      for (std::uint64_t seed = 0; seed < 4; ++seed) {
        INFO(f.spec << " " << spec << " seed " << seed);
        ChocoGossip choco(StaticSequence{w}, {.gamma = gamma, .compressor = c, .seed = seed});
        Iterates<double> x = random_iterates(w.rows(), d, 100 + seed);
        Lyapunov lyap;
        run(choco, x, RunOptions{.max_rounds = rounds}, lyap);
        // geometric-mean rate over the window [T/10, T] (skips the transient of x̂_0 = 0)
        const auto t0 = static_cast<std::size_t>(rounds / 10), t1 = static_cast<std::size_t>(rounds);
        REQUIRE(lyap.e[t1] > 1e-12 * lyap.e[0]);  // the window stays above the rounding floor
        const double rate = std::pow(lyap.e[t1] / lyap.e[t0], 1.0 / static_cast<double>(t1 - t0));
        INFO("gamma = " << gamma << ", measured rate = " << rate << ", bound = " << bound
                        << ", 1 - rate = " << 1 - rate << ", rho^2 delta / 82 = " << 1 - bound);
        CHECK(rate <= bound);
      }
    }
  }
}

TEST_CASE("CHOCO-SGD with exact gradients reaches the fixed point of DGD on W_gamma", "[algorithm][choco]") {
  const Index n = 8, d = 6;
  const Graph g = make_graph("ring:8");
  const SparseMatrix w = metropolis_weights(g);
  SECTION("shared minimizer: every node converges to x*") {
    ScalarQuadratics q = ScalarQuadratics::random(n, d, 1, 4, 7);
    for (Index i = 1; i < n; ++i) q.b.row(i) = q.b.row(0);
    const Vector<double> xs = q.x_star();
    for (const char* spec : {"top-k:2", "random-k:3", "qsgd:2", "sign"}) {
      INFO(spec);
      ChocoSgd sgd(q, StaticSequence{w}, {.smoothness = q.a.maxCoeff(), .compressor = parse_compressor(spec), .seed = 1});
      REQUIRE(sgd.step_size() > 0);
      Iterates<double> x = Iterates<double>::Zero(n, d);
      const RunResult r = run(sgd, x, RunOptions{.max_rounds = 3000});
      REQUIRE(r.status == Status::max_rounds);
      REQUIRE((x.rowwise() - xs.transpose()).cwiseAbs().maxCoeff() < 1e-9);
    }
  }
  SECTION("heterogeneous minimizers: the DGD fixed point (gamma (I - W) + eta A) X = eta A B, an O(eta) bias") {
    const ScalarQuadratics q = ScalarQuadratics::random(n, d, 1, 4, 8);
    const Vector<double> xs = q.x_star();
    std::vector<double> bias;
    for (double eta : {0.01, 0.005}) {
      for (const char* spec : {"top-k:3", "random-k:2"}) {
        INFO(spec << " eta = " << eta);
        ChocoSgd sgd(q, StaticSequence{w}, {.step_size = eta, .compressor = parse_compressor(spec), .seed = 2});
        const double gamma = sgd.gamma();
        const Matrix<double> a = q.a.asDiagonal();
        const Matrix<double> m = gamma * (Matrix<double>::Identity(n, n) - Matrix<double>(w)) + eta * a;
        const Matrix<double> fixed = m.lu().solve(eta * a * q.b);
        Iterates<double> x = Iterates<double>::Zero(n, d);
        run(sgd, x, RunOptions{.max_rounds = 60000});
        REQUIRE((x - fixed).cwiseAbs().maxCoeff() < 1e-9);
        if (std::string(spec) == "top-k:3") bias.push_back((x.colwise().mean().transpose() - xs).norm());
      }
    }
    // the bias of the average is O(η): halving η roughly halves it
    INFO("bias " << bias[0] << " -> " << bias[1]);
    CHECK(bias[1] < 0.6 * bias[0]);
    CHECK(bias[1] > 0.4 * bias[0]);
  }
}

namespace {
/// ScalarQuadratics with a noisy gradient: ∇f_i(x) + N(0, σ²I) from the caller's generator.
struct NoisyQuadratics : ScalarQuadratics {
  double sigma = 0.1;
  void stochastic_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                           SplitMix64& rng) const {
    gradient(i, x, g);
    for (Index j = 0; j < g.size(); ++j) {
      const double u1 = 1 - rng.uniform(), u2 = rng.uniform();  // Box–Muller
      g(j) += sigma * std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
  }
};
}  // namespace

TEST_CASE("CHOCO runs are bit-identical for a seed and differ across seeds", "[algorithm][choco]") {
  const SparseMatrix w = metropolis_weights(make_graph("torus:4x4"));
  auto gossip = [&](std::uint64_t seed, const char* spec) {
    ChocoGossip choco(StaticSequence{w}, {.compressor = parse_compressor(spec), .seed = seed});
    Iterates<double> x = random_iterates(16, 12, 5);
    run(choco, x, RunOptions{.max_rounds = 50});
    return x;
  };
  for (const char* spec : {"random-k:3", "random-k-unbiased:4", "qsgd:2"}) {
    INFO(spec);
    REQUIRE(gossip(7, spec) == gossip(7, spec));
    REQUIRE(gossip(7, spec) != gossip(8, spec));
  }
  // deterministic operators do not depend on the seed
  REQUIRE(gossip(7, "top-k:3") == gossip(8, "top-k:3"));

  NoisyQuadratics q{ScalarQuadratics::random(16, 4, 1, 2, 3)};
  static_assert(StochasticObjective<NoisyQuadratics>);
  auto sgd = [&](std::uint64_t seed) {
    ChocoSgd a(q, StaticSequence{w},
               {.step_size = 0.1, .compressor = Compressor::top_k(2), .stochastic = true, .seed = seed});
    Iterates<double> x = Iterates<double>::Zero(16, 4);
    run(a, x, RunOptions{.max_rounds = 100});
    return x;
  };
  REQUIRE(sgd(3) == sgd(3));
  REQUIRE(sgd(3) != sgd(4));
  // compression and gradient draws use independent streams: the compression generator of
  // (seed, node, round) differs from the gradient generator SplitMix64(seed, node, round)
  SplitMix64 grad_rng(3, 0, 0), comp_rng = compression_rng(3, 0, 0);
  REQUIRE(grad_rng() != comp_rng());
}

TEST_CASE("bad compressor specs and options throw and name the field", "[algorithm][choco]") {
  using Catch::Contains;
  REQUIRE_THROWS_AS(parse_compressor("top-k:0"), InvalidArgument);
  REQUIRE_THROWS_WITH(parse_compressor("top-k:0"), Contains("compressor spec 'top-k:0'") && Contains("K must be >= 1 (got 0)"));
  REQUIRE_THROWS_WITH(parse_compressor("random-k:0"), Contains("K must be >= 1"));
  REQUIRE_THROWS_WITH(parse_compressor("random-k-unbiased:-2"), Contains("K must be >= 1 (got -2)"));
  REQUIRE_THROWS_WITH(parse_compressor("top-k:11", 10), Contains("K must be <= the dimension d = 10 (got 11)"));
  REQUIRE_THROWS_WITH(parse_compressor("random-k:11", 10), Contains("K must be <= the dimension d = 10"));
  REQUIRE_NOTHROW(parse_compressor("top-k:10", 10));
  REQUIRE_THROWS_WITH(parse_compressor("qsgd:0"), Contains("S must lie in [1, 2^30] (got 0)"));
  REQUIRE_THROWS_WITH(parse_compressor("qsgd:x"), Contains("S must be a whole number (got 'x')"));
  REQUIRE_THROWS_WITH(parse_compressor("top-k"), Contains("expected top-k:K"));
  REQUIRE_THROWS_WITH(parse_compressor("sign:3"), Contains("expected sign"));
  REQUIRE_THROWS_WITH(parse_compressor("topk:3"), Contains("unknown compressor 'topk'") && Contains("top-k:K"));
  REQUIRE_THROWS_WITH(parse_compressor(""), Contains("unknown compressor ''"));
  // K > d detected when the dimension becomes known
  const SparseMatrix w = metropolis_weights(make_graph("ring:8"));
  ChocoGossip choco(StaticSequence{w}, {.compressor = Compressor::top_k(12)});
  Iterates<double> x = random_iterates(8, 10, 1);
  REQUIRE_THROWS_WITH(choco.init(x), Contains("ChocoGossip::init") && Contains("K must be <= the dimension d = 10 (got 12)"));
  const ScalarQuadratics q = ScalarQuadratics::random(8, 4, 1, 2, 3);
  REQUIRE_THROWS_WITH(ChocoSgd(q, StaticSequence{w}, {.smoothness = 1, .compressor = Compressor::random_k(5)}),
                      Contains("ChocoSgd") && Contains("K must be <= the dimension d = 4 (got 5)"));
  // options
  REQUIRE_THROWS_WITH(ChocoGossip(StaticSequence{w}, {.gamma = 1.5}), Contains("gamma must lie in [0, 1]") && Contains("1.5"));
  REQUIRE_THROWS_WITH(ChocoSgd(q, StaticSequence{w}, {}), Contains("smoothness must be > 0"));
  REQUIRE_THROWS_WITH(ChocoSgd(q, StaticSequence{w}, {.step_size = -1}), Contains("step_size must be >= 0 (got -1)"));
  REQUIRE_THROWS_AS(ChocoSgd(q, StaticSequence{metropolis_weights(make_graph("ring:6"))}, {.smoothness = 1}),
                    DimensionMismatch);
  REQUIRE_THROWS_WITH(ChocoSgd(q, StaticSequence{w}, {.smoothness = 1, .stochastic = true}), Contains("stochastic_gradient"));
  REQUIRE_THROWS_WITH(choco_theory_gamma(0.0, 1.0, 0.5), Contains("spectral_gap must lie in (0, 1] (got 0)"));
  REQUIRE_THROWS_WITH(choco_theory_gamma(0.5, 1.0, 0.0), Contains("delta must lie in (0, 1]"));
  REQUIRE_THROWS_WITH(choco_printed_gamma(0.5, 2.5, 0.5), Contains("choco_printed_gamma: beta must lie in [0, 2] (got 2.5)"));
}
