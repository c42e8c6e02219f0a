// SPDX-License-Identifier: BSD-3-Clause
/// Acceptance (asynchrony issue, criteria 1, 2, 5): randomized pairwise gossip on the event
/// engine follows Boyd et al.'s first and second moments exactly (theory-rates.md §2 checks (a),
/// (b)), obeys the λ2(W̄)^k and exp(−t/(2χ1)) bounds (check (c)), preserves the network average
/// with and without latency, drops and churn change nobody, and the same seed replays the same
/// trace bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <Eigen/Eigenvalues>

#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/quantities.hpp"

using namespace adonis;

namespace {

/// Mean and standard error of samples, per entry.
struct MeanSe {
  Matrix<double> sum, sum2;
  int count = 0;
  void add(const Matrix<double>& x) {
    if (count == 0) {
      sum = Matrix<double>::Zero(x.rows(), x.cols());
      sum2 = sum;
    }
    sum += x;
    sum2 += x.cwiseProduct(x);
    ++count;
  }
  Matrix<double> mean() const { return sum / count; }
  Matrix<double> se() const {
    const Matrix<double> m = mean();
    const Matrix<double> var = (sum2 / count - m.cwiseProduct(m)) * (static_cast<double>(count) / (count - 1));
    return (var.cwiseMax(0.0) / count).cwiseSqrt();
  }
};

/// e = x − x̄1 of a single column.
Vector<double> centered(const Iterates<double>& x) { return x.col(0).array() - x.col(0).mean(); }

/// The expected matrix per tick, W̄ = I − Λ/(2R).
Matrix<double> expected_pairwise(const sim::EventEngine& e) {
  const Matrix<double> lap = Matrix<double>(rate_laplacian(e));
  return Matrix<double>::Identity(lap.rows(), lap.cols()) - lap / (2 * e.total_comm_rate());
}

/// tr S_k for k = 0..K with S_{k+1} = Σ_e p_e W_e S_k W_e, S_0 = e0 e0ᵀ (the lifted exact
/// second moment of the consensus error, theory-rates.md §2).
std::vector<double> exact_second_moment(const sim::EventEngine& eng, const Vector<double>& e0, int K) {
  const Index n = e0.size();
  Matrix<double> s = e0 * e0.transpose();
  std::vector<double> out{s.trace()};
  const double total = eng.total_comm_rate();
  for (int k = 0; k < K; ++k) {
    Matrix<double> next = Matrix<double>::Zero(n, n);
    for (std::size_t idx = 0; idx < eng.edges().size(); ++idx) {
      const auto [i, j] = eng.edges()[idx];
      Matrix<double> w = Matrix<double>::Identity(n, n);
      w(i, i) = w(j, j) = w(i, j) = w(j, i) = 0.5;
      next += (eng.edge_rates()[idx] / total) * (w * s * w);
    }
    s = next;
    out.push_back(s.trace());
  }
  return out;
}

sim::EngineOptions gossip_options(sim::ClockModel clock, std::uint64_t seed) {
  sim::EngineOptions o;
  o.clock = clock;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("AliasTable samples in proportion to the weights", "[sim][engine]") {
  const std::vector<double> w{0.5, 3.0, 0.0, 1.5, 5.0};
  const sim::AliasTable table(w);
  SplitMix64 rng(7);
  const int draws = 200000;
  std::vector<int> hits(w.size(), 0);
  for (int k = 0; k < draws; ++k) ++hits[table.sample(rng)];
  for (std::size_t k = 0; k < w.size(); ++k) {
    const double p = w[k] / 10.0;
    const double se = std::sqrt(p * (1 - p) / draws);
    INFO("k = " << k);
    CHECK(std::abs(hits[k] / static_cast<double>(draws) - p) <= 5 * se + 1e-12);
  }
  CHECK(hits[2] == 0);
  CHECK_THROWS_AS(sim::AliasTable(std::vector<double>{1.0, -1.0}), InvalidArgument);
  CHECK_THROWS_AS(sim::AliasTable(std::vector<double>{0.0, 0.0}), InvalidArgument);
}

TEST_CASE("Engine clock quantities: Λ = L/|E| reproduces graph-info's χ1, χ2 and Boyd's λ2(W̄)", "[sim][engine]") {
  for (const Graph& g : {ring_graph(12), torus_graph(3, 4), star_graph(7)}) {
    const GraphQuantities gq = graph_quantities(g);
    const ClockQuantities edge_clock = clock_quantities(sim::EventEngine(g, gossip_options(sim::ClockModel::edge, 0)));
    CHECK(edge_clock.chi1 == Approx(gq.chi1).epsilon(1e-8));
    CHECK(edge_clock.chi2 == Approx(gq.chi2).epsilon(1e-8));
    // node clocks with uniform neighbour choice: Boyd's W̄ = I − L_P/(2n), graph-info's gossip_lambda2
    const ClockQuantities node_clock = clock_quantities(sim::EventEngine(g, gossip_options(sim::ClockModel::node, 0)));
    CHECK(node_clock.gossip_lambda2 == Approx(gq.gossip_lambda2).epsilon(1e-10));
  }
}

TEST_CASE("Pairwise gossip: Monte Carlo mean of x_k equals W̄^k x_0 within 5 standard errors", "[sim][gossip]") {
  const int runs = 20000;
  for (const auto clock : {sim::ClockModel::node, sim::ClockModel::edge}) {
    const Graph g = clock == sim::ClockModel::node ? ring_graph(8) : star_graph(6);
    const Index n = num_nodes(g);
    Iterates<double> x0(n, 1);
    for (Index i = 0; i < n; ++i) x0(i, 0) = std::sin(1.0 + 3.0 * static_cast<double>(i)) * 4;
    const std::vector<int> checkpoints{1, 5, 20, 60};
    std::map<int, MeanSe> stats;
    Matrix<double> wbar;
    for (int r = 0; r < runs; ++r) {
      PairwiseGossip alg(g, gossip_options(clock, static_cast<std::uint64_t>(r)));
      if (r == 0) wbar = expected_pairwise(alg.engine());
      alg.init(x0);
      for (int k = 1; k <= checkpoints.back(); ++k) {
        alg.step();
        if (std::find(checkpoints.begin(), checkpoints.end(), k) != checkpoints.end())
          stats[k].add(alg.iterates());
      }
    }
    for (int k : checkpoints) {
      Matrix<double> wk = Matrix<double>::Identity(n, n);
      for (int s = 0; s < k; ++s) wk = wbar * wk;
      const Matrix<double> want = wk * x0;
      const Matrix<double> got = stats[k].mean(), se = stats[k].se();
      for (Index i = 0; i < n; ++i) {
        INFO((clock == sim::ClockModel::node ? "node clocks" : "edge clocks") << ", k = " << k << ", node " << i
                                                                              << ": " << got(i, 0) << " vs " << want(i, 0));
        CHECK(std::abs(got(i, 0) - want(i, 0)) <= 5 * se(i, 0) + 1e-12);
      }
    }
  }
}

TEST_CASE("Pairwise gossip: E||e_k||² matches the lifted exact second moment and obeys λ2(W̄)^k", "[sim][gossip]") {
  const int runs = 20000, K = 80;
  for (const Graph& g : {ring_graph(10), torus_graph(3, 4)}) {
    const Index n = num_nodes(g);
    Iterates<double> x0(n, 1);
    for (Index i = 0; i < n; ++i) x0(i, 0) = std::cos(0.7 * static_cast<double>(i * i));
    std::vector<double> sum(K + 1, 0.0), sum2(K + 1, 0.0);
    std::vector<double> exact;
    double lambda2 = 0;
    for (int r = 0; r < runs; ++r) {
      PairwiseGossip alg(g, gossip_options(sim::ClockModel::node, 1000 + static_cast<std::uint64_t>(r)));
      if (r == 0) {
        exact = exact_second_moment(alg.engine(), centered(x0), K);
        lambda2 = clock_quantities(alg.engine()).gossip_lambda2;
      }
      alg.init(x0);
      for (int k = 0; k <= K; ++k) {
        if (k > 0) alg.step();
        const double e2 = centered(alg.iterates()).squaredNorm();
        sum[k] += e2;
        sum2[k] += e2 * e2;
      }
    }
    for (int k = 1; k <= K; ++k) {
      const double mean = sum[k] / runs;
      const double se = std::sqrt(std::max(0.0, sum2[k] / runs - mean * mean) / (runs - 1));
      INFO("n = " << n << ", k = " << k << ": MC " << mean << " ± " << se << ", exact " << exact[k]);
      CHECK(std::abs(mean - exact[k]) <= 5 * se);
      // Boyd's bound, checked as measured ≤ bound·(1 + 5 SE) (theory-rates §2 check (c))
      const double bound = std::pow(lambda2, k) * exact[0];
      CHECK(mean <= bound + 5 * se);
      CHECK(exact[k] <= bound * (1 + 1e-12));
    }
  }
}

TEST_CASE("Pairwise gossip, edge clocks: E||e(t)||² <= exp(−t/(2χ1)) ||e_0||² in simulated time", "[sim][gossip]") {
  const Graph g = ring_graph(10);
  const Index n = num_nodes(g);
  Iterates<double> x0(n, 1);
  for (Index i = 0; i < n; ++i) x0(i, 0) = std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
  const double e0 = centered(x0).squaredNorm();
  const std::vector<double> times{10, 40, 100, 200, 400};
  const int runs = 6000;
  std::vector<double> sum(times.size(), 0.0), sum2(times.size(), 0.0);
  double chi1 = 0;
  for (int r = 0; r < runs; ++r) {
    PairwiseGossip alg(g, gossip_options(sim::ClockModel::edge, 77 + static_cast<std::uint64_t>(r)));
    if (r == 0) chi1 = clock_quantities(alg.engine()).chi1;
    alg.init(x0);
    Iterates<double> before = alg.iterates();
    std::size_t next = 0;
    while (next < times.size()) {
      before = alg.iterates();
      alg.step();
      while (next < times.size() && alg.counters().time > times[next]) {  // state at times[next]
        const double e2 = centered(before).squaredNorm();
        sum[next] += e2;
        sum2[next] += e2 * e2;
        ++next;
      }
    }
  }
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double mean = sum[k] / runs;
    const double se = std::sqrt(std::max(0.0, sum2[k] / runs - mean * mean) / (runs - 1));
    const double bound = std::exp(-times[k] / (2 * chi1)) * e0;
    INFO("t = " << times[k] << ": MC " << mean << " ± " << se << ", bound " << bound);
    CHECK(mean <= bound + 5 * se);
  }
  // the bound is not vacuous here: the error has decayed by a large factor at the last time
  CHECK(sum.back() / runs < 0.05 * e0);
}

TEST_CASE("Pairwise gossip preserves the network average over 10^6 events, with and without latency",
          "[sim][gossip]") {
  const Graph g = torus_graph(8, 8);
  const Index n = num_nodes(g), d = 3;
  Iterates<double> x0(n, d);
  for (Index i = 0; i < n; ++i)
    for (Index c = 0; c < d; ++c) x0(i, c) = std::sin(static_cast<double>(3 * i + 7 * c)) * 10;
  const Vector<double> mean0 = x0.colwise().mean().transpose();
  for (const std::string latency : {"0", "0.5", "exp:0.25"}) {
    INFO("latency " << latency);
    sim::EngineOptions o;
    o.seed = 3;
    o.comm_rate = 64;  // each edge at rate 1/2, a node exchanges at rate 2: about one exchange in flight per node
    o.latency = sim::Latency::parse(latency);
    PairwiseGossip alg(g, o);
    Iterates<double> x = x0;
    const RunResult res = alg.run(x, RunOptions{1'000'000});
    CHECK(res.status == Status::max_rounds);
    CHECK(res.counters.rounds == 1'000'000);
    const Vector<double> mean1 = x.colwise().mean().transpose();
    CHECK((mean1 - mean0).cwiseAbs().maxCoeff() <= 1e-12);
    // and it averages (stale exchanges included)
    CHECK((x.rowwise() - mean1.transpose()).norm() <= 1e-8 * (x0.rowwise() - mean0.transpose()).norm());
    if (latency != "0") CHECK(alg.engine().stats().delivered > 900'000);
  }
}

TEST_CASE("Drops and churn: a dropped exchange or an offline node changes nobody", "[sim][gossip]") {
  const Graph g = ring_graph(16);
  const Index n = num_nodes(g);
  Iterates<double> x0(n, 2);
  for (Index i = 0; i < n; ++i) x0.row(i) << static_cast<double>(i), static_cast<double>(i * i % 7);
  sim::EngineOptions o;
  o.seed = 11;
  o.drop = 0.3;
  o.churn = sim::Churn::parse("0.05:4");  // offline fraction 0.2/(1+0.2) = 1/6
  PairwiseGossip alg(g, o);
  alg.init(x0);
  std::int64_t unchanged_dropped = 0, unchanged_offline = 0, changed_ok = 0;
  const int events = 20000;
  for (int k = 0; k < events; ++k) {
    const Iterates<double> before = alg.iterates();
    alg.step();
    const sim::Event& e = alg.last_event();
    const bool same = alg.iterates() == before;
    if (e.status == sim::EventStatus::dropped) {
      REQUIRE(same);
      ++unchanged_dropped;
    } else if (e.status == sim::EventStatus::offline) {
      REQUIRE(same);
      ++unchanged_offline;
    } else if (!same) {
      ++changed_ok;
    }
  }
  const auto& st = alg.engine().stats();
  CHECK(st.dropped == unchanged_dropped);
  CHECK(st.offline == unchanged_offline);
  CHECK(st.ticks == events);
  // messages: 2 per exchange that was sent (dropped ones included, offline ones not)
  CHECK(alg.counters().messages == 2 * (st.exchanges + st.dropped));
  // the drop probability is honoured among the ticks that reached the network
  const double sent = static_cast<double>(st.exchanges + st.dropped);
  CHECK(std::abs(st.dropped / sent - 0.3) <= 5 * std::sqrt(0.3 * 0.7 / sent));
  // an edge is usable when both ends are online: (5/6)² of the time, if churn is independent
  const double usable = static_cast<double>(events - st.offline) / events;
  CHECK(usable == Approx(25.0 / 36.0).margin(0.05));
  CHECK(changed_ok > 0);
  CHECK(std::abs(alg.iterates().col(0).mean() - x0.col(0).mean()) <= 1e-12);
}

TEST_CASE("Time-varying edge sets: exchanges use only the edges of the current segment's graph", "[sim][engine]") {
  const Graph g = torus_graph(4, 4);
  sim::EngineOptions o;
  o.seed = 5;
  o.segment = 2.5;
  o.comm_rate = 8;
  const RandomMatchingSequence seq(g, 9);
  PairwiseGossip alg(AnySequence(seq), o);
  Iterates<double> x0 = Iterates<double>::Zero(16, 1);
  x0(0, 0) = 16;
  alg.init(x0);
  std::set<Round> segments;
  for (int k = 0; k < 3000; ++k) {
    alg.step();
    const sim::Event& e = alg.last_event();
    const auto segment = static_cast<Round>(std::floor(e.time / o.segment));
    segments.insert(segment);
    const SparseMatrix& w = seq.mixing(segment);
    INFO("event " << k << " at t = " << e.time << " on (" << e.i << ", " << e.j << ")");
    REQUIRE(w.coeff(e.i, e.j) != 0.0);
  }
  CHECK(segments.size() > 50);
}

TEST_CASE("Same seed, same trace bit for bit, another seed, another trace", "[sim][engine]") {
  const Graph g = torus_graph(4, 4);
  Iterates<double> x0(16, 4);
  for (Index i = 0; i < 16; ++i)
    for (Index c = 0; c < 4; ++c) x0(i, c) = std::cos(static_cast<double>(i + 5 * c));
  auto trace = [&](std::uint64_t seed) {
    sim::EngineOptions o;
    o.seed = seed;
    o.latency = sim::Latency::parse("exp:0.3");
    o.drop = 0.1;
    o.churn = sim::Churn::parse("0.1:1");
    PairwiseGossip alg(g, o);
    std::vector<double> times, errors;
    struct Recorder {
      std::vector<double>* times;
      std::vector<double>* errors;
      void on_round(const RoundView<PairwiseGossip>& v) {
        times->push_back(v.counters().time);
        errors->push_back(v.consensus_error());
      }
    };
    Iterates<double> x = x0;
    alg.run(x, RunOptions{5000}, Recorder{&times, &errors});
    return std::make_tuple(times, errors, x, alg.counters().messages);
  };
  const auto a = trace(42), b = trace(42), c = trace(43);
  CHECK(std::get<0>(a) == std::get<0>(b));
  CHECK(std::get<1>(a) == std::get<1>(b));
  CHECK(std::get<2>(a) == std::get<2>(b));
  CHECK(std::get<3>(a) == std::get<3>(b));
  CHECK(std::get<0>(a) != std::get<0>(c));
  CHECK(std::get<2>(a) != std::get<2>(c));
  // and init() replays the stream from the start
  PairwiseGossip alg(g, sim::EngineOptions{});
  Iterates<double> x1 = x0, x2 = x0;
  alg.run(x1, RunOptions{777});
  alg.run(x2, RunOptions{777});
  CHECK(x1 == x2);
}

TEST_CASE("Engine options are validated with the field and the value", "[sim][engine]") {
  const Graph g = ring_graph(5);
  auto message = [&](auto mutate) {
    sim::EngineOptions o;
    mutate(o);
    try {
      sim::EventEngine e(g, o);
    } catch (const InvalidArgument& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message([](auto& o) { o.drop = 1.0; }), Catch::Contains("drop") && Catch::Contains("1"));
  CHECK_THAT(message([](auto& o) { o.comm_rate = -2; }), Catch::Contains("comm_rate") && Catch::Contains("-2"));
  CHECK_THAT(message([](auto& o) { o.compute_rates = {1, 2}; }), Catch::Contains("compute_rates"));
  CHECK_THAT(message([](auto& o) { o.compute_rate = 0; o.comm_rate = 0; }), Catch::Contains("zero"));
  CHECK_THROWS_WITH(sim::Latency::parse("exp:-1"), Catch::Contains("latency") && Catch::Contains("exp:-1"));
  CHECK_THROWS_WITH(sim::Churn::parse("0.1"), Catch::Contains("churn") && Catch::Contains("RATE:MEAN_OFFLINE"));
  CHECK_THROWS_AS(sim::EventEngine(graph_from_edges(3, {}), sim::EngineOptions{}), InvalidTopology);
}
