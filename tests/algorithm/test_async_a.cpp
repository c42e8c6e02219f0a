// SPDX-License-Identifier: BSD-3-Clause
/// Acceptance for the asynchronous algorithms ContinuizedGossip, AsyncGossipSgd and A2cid2
/// (theory-rates.md §3b, §5a, §9d):
/// (a) [DER] the Monte Carlo mean of (x, x̃) of the continuized methods equals the exact
///     first moment exp(tA)(x0, x0), A the generator of the ODE plus the expected jumps;
/// (b) the network average of x is preserved (continuized gossip and A²CiD² in pure gossip mode,
///     with and without latency), runs are bit-reproducible from the seed and differ across seeds;
/// (c) on logistic:heart_scale:0.01 over torus:4x4, exact gradients, asynchronous gossip SGD
///     and A²CiD² reduce f(x̄) − f* by 10³ within 10⁶ events;
/// (d) scaling on rings with Λ = L/|E|: time to E‖e‖² ≤ 1e-6‖e0‖² has log-log slope in n ≤ 2.3
///     for continuized gossip and 3 ± 0.2 for pairwise gossip; A²CiD²'s speed-up over pairwise
///     gossip (ratio of decay time constants) is > 1 and non-decreasing in n on rings, and slope
///     in n of the continuized time ≥ 1.7; on complete graphs (χ1 = χ2, so β̃ = ½ and x̃ ≡ x)
///     A²CiD² is pairwise gossip: the same trajectory to 1e-12;
/// (e) bad options and inputs throw, naming the component and the field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <numeric>
#include <string>
#include <variant>
#include <vector>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/theory/async_measure.hpp"
#include "adonis/theory/fit.hpp"

using namespace adonis;

namespace {

sim::EngineOptions asynca_engine(std::uint64_t seed, double comm_rate = 1.0) {
  sim::EngineOptions o;
  o.seed = seed;
  o.comm_rate = comm_rate;
  return o;
}

/// x0_i = cos(2π i/n + 0.3) (d = 1): the slowest Fourier mode of a ring.
Iterates<double> asynca_mode(Index n) {
  Iterates<double> x(n, 1);
  for (Index i = 0; i < n; ++i)
    x(i, 0) = std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n) + 0.3);
  return x;
}

/// The generator A of d/dt E[(x, x̃)] for a continuized method with x-jumps c_e, x̃-jump g and
/// ODE rate η on the engine's edge clocks λ_e [DER]:
///   d/dt E x = η(E x̃ − E x) − Σ_e λ_e c_e b_e b_eᵀ E x,   d/dt E x̃ = η(E x − E x̃) − g Σ_e λ_e b_e b_eᵀ E x.
Matrix<double> asynca_generator(const sim::EventEngine& eng, const std::vector<double>& c, double g, double eta) {
  const Index n = eng.num_nodes();
  Matrix<double> a = Matrix<double>::Zero(2 * n, 2 * n);
  a.topLeftCorner(n, n).diagonal().setConstant(-eta);
  a.topRightCorner(n, n).diagonal().setConstant(eta);
  a.bottomLeftCorner(n, n).diagonal().setConstant(eta);
  a.bottomRightCorner(n, n).diagonal().setConstant(-eta);
  for (std::size_t e = 0; e < eng.edges().size(); ++e) {
    const auto [i, j] = eng.edges()[e];
    Vector<double> b = Vector<double>::Zero(n);
    b(i) = 1;
    b(j) = -1;
    const Matrix<double> bb = eng.edge_rates()[e] * b * b.transpose();
    a.topLeftCorner(n, n) -= c[e] * bb;
    a.bottomLeftCorner(n, n) -= g * bb;
  }
  return a;
}

/// exp(tA) z0 by RK4 with 20000 steps (error far below the Monte Carlo bands).
Vector<double> asynca_flow(const Matrix<double>& a, Vector<double> z, double t) {
  const int steps = 20000;
  const double h = t / steps;
  for (int s = 0; s < steps; ++s) {
    const Vector<double> k1 = a * z, k2 = a * (z + 0.5 * h * k1), k3 = a * (z + 0.5 * h * k2), k4 = a * (z + h * k3);
    z += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return z;
}

/// Monte Carlo mean and standard error of (x(t), x̃(t)) at the times `ts` (d = 1) for a
/// continuized algorithm built by make(seed). The state at t is the one after the last event
/// before t, flowed by the ODE to t (closed form).
template <class Make>
void asynca_first_moment(Make make, const Iterates<double>& x0, const std::vector<double>& ts, int runs,
                         std::vector<Vector<double>>& mean, std::vector<Vector<double>>& se) {
  const Index n = x0.rows();
  std::vector<Vector<double>> sum(ts.size(), Vector<double>::Zero(2 * n)), sum2 = sum;
  for (int r = 0; r < runs; ++r) {
    auto alg = make(static_cast<std::uint64_t>(r));
    alg.init(x0);
    Iterates<double> x = alg.iterates(), xt = alg.momentum();
    double t_last = 0;
    std::size_t k = 0;
    while (k < ts.size()) {
      alg.step();
      // every checkpoint before this event sees the previous state, flowed by the ODE to it
      for (; k < ts.size() && ts[k] < alg.counters().time; ++k) {
        const double w = -0.5 * std::expm1(-2 * alg.eta() * (ts[k] - t_last));
        Vector<double> z(2 * n);
        z.head(n) = (x + w * (xt - x)).col(0);
        z.tail(n) = (xt - w * (xt - x)).col(0);
        sum[k] += z;
        sum2[k] += z.cwiseProduct(z);
      }
      x = alg.iterates();
      xt = alg.momentum();
      t_last = alg.counters().time;
    }
  }
  mean.clear();
  se.clear();
  for (std::size_t k = 0; k < ts.size(); ++k) {
    const Vector<double> m = sum[k] / runs;
    const Vector<double> var = (sum2[k] / runs - m.cwiseProduct(m)).cwiseMax(0.0) * (runs / (runs - 1.0));
    mean.push_back(m);
    se.push_back((var / runs).cwiseSqrt());
  }
}

}  // namespace

TEST_CASE("Continuized gossip and A2CiD2 gossip: Monte Carlo mean of (x, x~) equals the exact first moment",
          "[async][continuized][a2cid2][asan_skip]") {
  const int runs = 20000;
  const std::vector<double> ts{2.0, 6.0, 15.0};
  for (const Graph& g : {ring_graph(6), star_graph(5)}) {
    const Index n = num_nodes(g);
    Iterates<double> x0(n, 1);
    for (Index i = 0; i < n; ++i) x0(i, 0) = std::sin(1.0 + 3.0 * static_cast<double>(i)) * 4;
    for (int which = 0; which < 2; ++which) {
      std::vector<Vector<double>> mean, se;
      Matrix<double> a;
      if (which == 0) {
        auto make = [&](std::uint64_t seed) { return ContinuizedGossip(g, asynca_engine(seed, 2.0)); };
        const ContinuizedGossip ref = make(0);
        const std::vector<double> r = effective_resistances(rate_laplacian(ref.engine()), ref.engine().edges());
        std::vector<double> c;
        for (double re : r) c.push_back(re / (2 * *std::max_element(r.begin(), r.end())));
        a = asynca_generator(ref.engine(), c, ref.momentum_step(), ref.eta());
        asynca_first_moment(make, x0, ts, runs, mean, se);
      } else {
        auto make = [&](std::uint64_t seed) { return A2cid2<>(g, asynca_engine(seed, 2.0)); };
        const A2cid2<> ref = make(0);
        a = asynca_generator(ref.engine(), std::vector<double>(ref.engine().edges().size(), 0.5), ref.beta_tilde(),
                             ref.eta());
        asynca_first_moment(make, x0, ts, runs, mean, se);
      }
      Vector<double> z0(2 * n);
      z0 << x0.col(0), x0.col(0);
      for (std::size_t k = 0; k < ts.size(); ++k) {
        const Vector<double> want = asynca_flow(a, z0, ts[k]);
        for (Index m = 0; m < 2 * n; ++m) {
          INFO((which == 0 ? "continuized" : "a2cid2") << ", n = " << n << ", t = " << ts[k] << ", coordinate " << m
                                                       << ": MC " << mean[k](m) << " ± " << se[k](m) << ", exact "
                                                       << want(m));
          CHECK(std::abs(mean[k](m) - want(m)) <= 5 * se[k](m) + 1e-12);
        }
      }
    }
  }
}

TEST_CASE("Continuized gossip and A2CiD2 gossip preserve the network average (latency, drops) and average",
          "[async][continuized][a2cid2]") {
  const Graph g = torus_graph(6, 6);
  const Index n = num_nodes(g), d = 3;
  Iterates<double> x0(n, d);
  for (Index i = 0; i < n; ++i)
    for (Index c = 0; c < d; ++c) x0(i, c) = std::sin(static_cast<double>(3 * i + 7 * c)) * 10;
  const Vector<double> mean0 = x0.colwise().mean().transpose();
  const double spread0 = std::sqrt(consensus_error2(x0));
  // latencies well below the time between two exchanges of a node (1/4): with latency 0.2 both
  // methods diverge (docs/algorithms/continuized-gossip.md, "Latency")
  for (const std::string latency : {"0", "0.02", "exp:0.02"}) {
    sim::EngineOptions o = asynca_engine(3, 72);  // every edge at rate 1, every node exchanges at rate 4
    o.latency = sim::Latency::parse(latency);
    o.drop = 0.1;
    auto check = [&](auto& alg, const char* name) {
      Iterates<double> x = x0;
      const RunResult res = alg.run(x, RunOptions{200'000});
      INFO(name << ", latency " << latency);
      CHECK(res.status == Status::max_rounds);
      const Vector<double> mean1 = x.colwise().mean().transpose();
      CHECK((mean1 - mean0).cwiseAbs().maxCoeff() <= 1e-11);
      CHECK(std::sqrt(consensus_error2(x)) <= 1e-8 * spread0);
      // and the momentum variable has the same average and the same limit
      const Iterates<double> xt = alg.momentum();
      CHECK((xt.colwise().mean().transpose() - mean0).cwiseAbs().maxCoeff() <= 1e-11);
      CHECK((xt - x).cwiseAbs().maxCoeff() <= 1e-7);
      if (latency != "0") CHECK(alg.engine().stats().delivered > 100'000);
    };
    ContinuizedGossip cg(g, o);
    check(cg, "continuized gossip");
    A2cid2<> ac(g, o);
    check(ac, "a2cid2 gossip");
  }
}

namespace {

/// logistic:heart_scale:0.01 split iid over `spec`, with its reference solution and constants.
struct AsyncaLogistic {
  explicit AsyncaLogistic(const char* spec)
      : graph(make_graph(spec)),
        n(num_nodes(graph)),
        instance(make_problem("logistic:heart_scale:0.01", n)),
        p(std::get<LogisticProblem>(instance.problem)),
        ref(reference_solution(p)),
        constants(problem_constants(p, ref.x)) {}
  Graph graph;
  Index n;
  ProblemInstance instance;
  const LogisticProblem& p;
  ReferenceSolution ref;
  ProblemConstants constants;
  double suboptimality(const Iterates<double>& x) const {
    return global_value(p, x.colwise().mean().transpose()) - ref.f;
  }
};

}  // namespace

TEST_CASE("Async gossip SGD and A2CiD2 reduce f(x̄) − f* by 10³ on logistic heart_scale over torus:4x4",
          "[async][async_sgd][a2cid2][logistic]") {
  const AsyncaLogistic s("torus:4x4");
  const Round events = 1'000'000;
  // each node computes at rate 1 and exchanges at rate 2 (comm_rate n over 2n edges, 4 per node)
  const sim::EngineOptions engine = asynca_engine(11, static_cast<double>(s.n));
  const Iterates<double> x0 = Iterates<double>::Zero(s.n, s.p.dim());
  const double gap0 = s.suboptimality(x0);
  REQUIRE(gap0 > 0.1);
  {
    AsyncGossipSgd a(s.p, s.graph, engine, AsyncGossipSgdOptions{.smoothness = s.constants.L_max});
    Iterates<double> x = x0;
    const RunResult r = a.run(x, RunOptions{events});
    const double gap = s.suboptimality(x);
    WARN("async gossip SGD: alpha " << a.step_size() << " (L_max " << s.constants.L_max << "), time "
                                    << r.counters.time << ", gradients " << r.counters.gradients << ", f(x̄) − f* "
                                    << gap0 << " -> " << gap << ", consensus " << consensus_error2(x) / static_cast<double>(s.n));
    CHECK(r.status == Status::max_rounds);
    CHECK(gap <= 1e-3 * gap0);
  }
  {
    A2cid2 a(s.p, s.graph, engine, A2cid2Options{.smoothness = s.constants.L_max});
    Iterates<double> x = x0;
    const RunResult r = a.run(x, RunOptions{events});
    const double gap = s.suboptimality(x);
    WARN("a2cid2: alpha " << a.step_size() << ", eta " << a.eta() << ", beta~ " << a.beta_tilde() << ", time "
                          << r.counters.time << ", f(x̄) − f* " << gap0 << " -> " << gap << ", consensus "
                          << consensus_error2(x) / static_cast<double>(s.n));
    CHECK(r.status == Status::max_rounds);
    CHECK(gap <= 1e-3 * gap0);
  }
}

TEST_CASE("Asynchronous algorithms are bit-reproducible from the seed and differ across seeds", "[async]") {
  const AsyncaLogistic s("ring:8");
  Iterates<double> x0(s.n, s.p.dim());
  for (Index k = 0; k < x0.size(); ++k) x0.data()[k] = std::sin(0.37 * static_cast<double>(k));
  auto twice = [&](auto make, const char* name) {
    Iterates<double> a = x0, b = x0, c = x0;
    auto a1 = make(5), a2 = make(5), a3 = make(6);
    a1.run(a, RunOptions{300});
    a2.run(b, RunOptions{300});
    a3.run(c, RunOptions{300});
    INFO(name);
    CHECK(a == b);
    CHECK(a1.counters().time == a2.counters().time);
    CHECK(a != c);
  };
  for (const char* latency : {"0", "exp:0.05"}) {
    auto eng = [&](std::uint64_t seed) {
      sim::EngineOptions o = asynca_engine(seed, 8);
      o.latency = sim::Latency::parse(latency);
      return o;
    };
    twice([&](std::uint64_t seed) { return ContinuizedGossip(s.graph, eng(seed)); }, "continuized gossip");
    twice([&](std::uint64_t seed) { return A2cid2<>(s.graph, eng(seed)); }, "a2cid2 gossip");
    twice([&](std::uint64_t seed) {
      return AsyncGossipSgd(s.p, s.graph, eng(seed), {.step_size = 0.1, .stochastic = true});
    }, "async gossip SGD");
    twice([&](std::uint64_t seed) {
      return A2cid2(s.p, s.graph, eng(seed), {.step_size = 0.1, .stochastic = true});
    }, "a2cid2");
  }
  // observing a continuized run (which synchronizes a copy) does not change it
  ContinuizedGossip plain(s.graph, asynca_engine(9)), watched(s.graph, asynca_engine(9));
  plain.init(x0);
  watched.init(x0);
  for (int k = 0; k < 300; ++k) {
    plain.step();
    watched.step();
    (void)watched.iterates();
  }
  CHECK(plain.iterates() == watched.iterates());
}

TEST_CASE("Asynchronous algorithms reject bad options and inputs, naming the field", "[async]") {
  const AsyncaLogistic s("ring:8");
  const sim::EngineOptions o = asynca_engine(0);
  using Catch::Contains;
  CHECK_THROWS_WITH(ContinuizedGossip(s.graph, o, {.eta = -1}), Contains("ContinuizedGossip") && Contains("eta"));
  CHECK_THROWS_WITH(ContinuizedGossip(s.graph, o, {.momentum_step = std::nan("")}), Contains("momentum_step"));
  CHECK_THROWS_WITH(A2cid2<>(s.graph, o, {.beta_tilde = -0.5}), Contains("A2cid2") && Contains("beta_tilde"));
  CHECK_THROWS_WITH(A2cid2(s.p, s.graph, o, {.smoothness = -1}), Contains("A2cid2") && Contains("smoothness") && Contains("-1"));
  CHECK_THROWS_WITH(AsyncGossipSgd(s.p, s.graph, o, {.step_size = -0.1}),
                    Contains("AsyncGossipSgd") && Contains("step_size") && Contains("-0.1"));
  CHECK_THROWS_WITH(AsyncGossipSgd(s.p, s.graph, o, {.smoothness = std::nan("")}), Contains("smoothness") && Contains("nan"));
  CHECK_THROWS_AS(AsyncGossipSgd(s.p, ring_graph(9), o, {.step_size = 0.1}), DimensionMismatch);
  CHECK_THROWS_AS(A2cid2(s.p, ring_graph(9), o, {.step_size = 0.1}), DimensionMismatch);
  ContinuizedGossip cg(s.graph, o);
  CHECK_THROWS_AS(cg.init(Iterates<double>::Zero(7, 2)), DimensionMismatch);
  Iterates<double> bad = Iterates<double>::Zero(8, 2);
  bad(3, 1) = std::nan("");
  CHECK_THROWS_WITH(cg.init(bad), Contains("finite"));
  AsyncGossipSgd sgd(s.p, s.graph, o, {.step_size = 0.1});
  CHECK_THROWS_AS(sgd.init(Iterates<double>::Zero(8, s.p.dim() + 1)), DimensionMismatch);
  // a disconnected graph has no λ2(Λ) > 0
  CHECK_THROWS_AS(ContinuizedGossip(graph_from_edges(4, {{0, 1}, {2, 3}}), o), InvalidTopology);
}

TEST_CASE("Ring scaling of the time to E||e||² <= 1e-6 ||e0||²: continuized n^2, pairwise n^3, A2CiD2 speed-up",
          "[async][continuized][a2cid2][scaling][asan_skip]") {
  const auto start = std::chrono::steady_clock::now();
  const int seeds = 50;  // theory-rates §3b; about 20 s at -O2 on the shared 2-core machine
  const std::vector<Index> sizes{16, 32, 64, 128};
  std::vector<double> ns, t_plain, t_cont, ratio;
  for (const Index n : sizes) {
    const Graph g = ring_graph(n);
    const Iterates<double> x0 = asynca_mode(n);
    const ClockQuantities q = clock_quantities(sim::EventEngine(g, asynca_engine(0)));
    const double dt_plain = q.chi1 / 20, dt_fast = std::sqrt(q.chi1 * q.chi2) / 20;
    const auto plain = mean_consensus_curve([&](std::uint64_t seed) { return PairwiseGossip(g, asynca_engine(seed)); },
                                          x0, dt_plain, seeds);
    const auto cont = mean_consensus_curve([&](std::uint64_t seed) { return ContinuizedGossip(g, asynca_engine(seed)); },
                                         x0, dt_fast, seeds);
    const auto acid = mean_consensus_curve([&](std::uint64_t seed) { return A2cid2<>(g, asynca_engine(seed)); }, x0,
                                         dt_fast, seeds);
    ns.push_back(static_cast<double>(n));
    t_plain.push_back(crossing_time(plain, dt_plain, 1e-6));
    t_cont.push_back(crossing_time(cont, dt_fast, 1e-6));
    const double tau_plain = decay_time_constant(plain, dt_plain), tau_acid = decay_time_constant(acid, dt_fast);
    ratio.push_back(tau_plain / tau_acid);
    WARN("ring " << n << ": chi1 " << q.chi1 << ", chi2 " << q.chi2 << "; time to 1e-6: pairwise " << t_plain.back()
                 << ", continuized " << t_cont.back() << ", a2cid2 " << crossing_time(acid, dt_fast, 1e-6)
                 << "; decay time constants: pairwise " << tau_plain << ", continuized "
                 << decay_time_constant(cont, dt_fast) << ", a2cid2 " << tau_acid << " (speed-up " << ratio.back()
                 << ")");
  }
  const PowerLawFit fp = fit_power_law(ns, t_plain), fc = fit_power_law(ns, t_cont), fr = fit_power_law(ns, ratio);
  WARN("slopes in n: pairwise " << fp.slope << " [" << fp.slope_lo << ", " << fp.slope_hi << "], continuized "
                                << fc.slope << " [" << fc.slope_lo << ", " << fc.slope_hi << "], a2cid2 speed-up "
                                << fr.slope << " [" << fr.slope_lo << ", " << fr.slope_hi << "]");
  CHECK(std::abs(fp.slope - 3) <= 0.2);
  CHECK(fc.slope <= 2.3);
  CHECK(fc.slope >= 1.7);  // "n²": two-sided, a method faster than n² would be a finding too
  CHECK(fc.slope < fp.slope - 0.5);
  for (std::size_t k = 0; k < ratio.size(); ++k) {
    CHECK(ratio[k] > 1);
    if (k > 0) CHECK(ratio[k] >= ratio[k - 1]);
  }
  WARN("scaling test: " << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s");
}

TEST_CASE("A2CiD2 on complete graphs is pairwise gossip: chi1 = chi2 gives x~ = x and the same trajectory to 1e-12",
          "[async][a2cid2]") {
  // On K_n with Λ = L/|E|, χ1 = |E|/λ2(L) = (n−1)/2 = χ2 (theory-rates §11), so β̃ = ½√(χ1/χ2)
  // = ½: x̃ gets the same jump ½Δ as x, and since x̃(0) = x(0) the ODE term η(x̃ − x) is
  // identically 0. A²CiD² is then exactly pairwise gossip on the same event stream: a speed-up
  // band around 1 could not fail, the identity can (χ1 ≠ χ2, or any β̃ ≠ ½, breaks it at once).
  for (const Index n : {16, 32, 64}) {
    INFO("complete " << n);
    const Graph g = complete_graph(n);
    const Iterates<double> x0 = asynca_mode(n);
    for (const std::uint64_t seed : {1, 2}) {
      A2cid2<> acid(g, asynca_engine(seed));
      PairwiseGossip plain(g, asynca_engine(seed));
      CHECK(acid.quantities().chi1 == Approx(acid.quantities().chi2).epsilon(1e-12));
      CHECK(acid.beta_tilde() == Approx(0.5).epsilon(1e-12));
      acid.init(x0);
      plain.init(x0);
      double dx = 0, dm = 0;
      for (int k = 0; k < 40 * static_cast<int>(n); ++k) {
        acid.step();
        plain.step();
        dx = std::max(dx, (acid.iterates() - plain.iterates()).cwiseAbs().maxCoeff());
        if (k % 64 == 63) dm = std::max(dm, (acid.momentum() - acid.iterates()).cwiseAbs().maxCoeff());
      }
      INFO("seed " << seed << ": max |x_a2cid2 − x_pairwise| " << dx << ", max |x~ − x| " << dm
                   << ", consensus error " << consensus_error2(plain.iterates()) / consensus_error2(x0));
      CHECK(acid.counters().time == plain.counters().time);  // the same event stream
      CHECK(dx <= 1e-12);
      CHECK(dm <= 1e-12);
      // and the runs did mix: the identity is not that of two idle states
      CHECK(consensus_error2(plain.iterates()) < 1e-3 * consensus_error2(x0));
    }
  }
}

TEST_CASE("Finding: continuized gossip with the DADAO-reimplementation eta is not mean-square stable on ring:128",
          "[async][continuized][finding]") {
  // theory-rates.md §3b's η = √(λ2/R_max) is √2 larger than the default η = λ2·γ̃; with the
  // same γ̃ = ½√(χ1/χ2) the error grows on ring:128 (Λ = L/|E|) while the default converges.
  const Index n = 128;
  const Graph g = ring_graph(n);
  const Iterates<double> x0 = asynca_mode(n);
  const double e0 = consensus_error2(x0);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    ContinuizedGossip coupled(g, asynca_engine(seed)), dadao(g, asynca_engine(seed), {.eta_rule = EtaRule::dadao});
    CHECK(dadao.eta() == Approx(std::sqrt(2.0) * coupled.eta()).epsilon(1e-12));
    coupled.init(x0);
    dadao.init(x0);
    while (coupled.counters().time < 60000) coupled.step();
    while (dadao.counters().time < 60000) dadao.step();
    const double ec = consensus_error2(coupled.iterates()) / e0, ed = consensus_error2(dadao.iterates()) / e0;
    WARN("ring 128, seed " << seed << ", t = 60000: ||e||²/||e0||² coupled eta " << ec << ", dadao eta " << ed);
    CHECK(ec < 1e-6);
    CHECK(ed > 1.0);
  }
}

TEST_CASE("Finding: continuized gossip and A2CiD2 converge at latency 0.1 and diverge at latency 0.2 on torus:6x6",
          "[async][continuized][a2cid2][finding]") {
  // docs/algorithms/continuized-gossip.md "Latency" (the [async_a_tables] measurement, asserted):
  // every edge at rate 1, fixed latency τ, x0 = sin(3i), seed 3, 2·10⁵ events. The stale Δ and
  // the momentum jumps tolerate τ = 0.1 but not 0.2, where plain pairwise gossip still converges.
  const Graph g = torus_graph(6, 6);
  Iterates<double> x0(36, 1);
  for (Index i = 0; i < 36; ++i) x0(i, 0) = std::sin(3.0 * static_cast<double>(i));
  const double e0 = consensus_error2(x0);
  for (const char* latency : {"0.1", "0.2"}) {
    const bool stable = std::string(latency) == "0.1";
    sim::EngineOptions o = asynca_engine(3, 72);  // 72 edges: every edge at rate 1
    o.latency = sim::Latency::parse(latency);
    ContinuizedGossip cg(g, o);
    A2cid2<> ac(g, o);
    Iterates<double> a = x0, b = x0;
    const RunResult ra = cg.run(a, RunOptions{200'000}), rb = ac.run(b, RunOptions{200'000});
    INFO("latency " << latency << ": continuized " << to_string(ra.status) << " after " << ra.counters.rounds
                    << " events, ||e||²/||e0||² " << consensus_error2(a) / e0 << "; a2cid2 " << to_string(rb.status)
                    << " after " << rb.counters.rounds << ", " << consensus_error2(b) / e0);
    if (stable) {
      CHECK(ra.status == Status::max_rounds);
      CHECK(rb.status == Status::max_rounds);
      CHECK(consensus_error2(a) < 1e-20 * e0);
      CHECK(consensus_error2(b) < 1e-20 * e0);
    } else {
      CHECK(ra.status == Status::diverged);
      CHECK(rb.status == Status::diverged);
      PairwiseGossip pg(g, o);
      Iterates<double> c = x0;
      const RunResult rc = pg.run(c, RunOptions{200'000});
      INFO("pairwise " << to_string(rc.status) << ", " << consensus_error2(c) / e0);
      CHECK(rc.status == Status::max_rounds);
      CHECK(consensus_error2(c) < 1e-20 * e0);
    }
  }
}

TEST_CASE("Async gossip SGD applies the gradient of the model read at the node's previous computation (AD-PSGD)",
          "[async][async_sgd]") {
  const AsyncaLogistic s("ring:8");
  Iterates<double> x0(s.n, s.p.dim());
  for (Index k = 0; k < x0.size(); ++k) x0.data()[k] = std::sin(0.37 * static_cast<double>(k));
  for (const bool stale : {true, false}) {
    AsyncGossipSgd a(s.p, s.graph, asynca_engine(4, 8), {.step_size = 0.2, .stale = stale});
    a.init(x0);
    Iterates<double> read = x0;  // the model each node read at its previous computation
    int checked = 0;
    Vector<double> g(s.p.dim());
    for (int k = 0; k < 400; ++k) {
      const Iterates<double> before = a.iterates();
      a.step();
      const sim::Event& e = a.last_event();
      if (e.kind != sim::EventKind::compute) continue;
      const Vector<double> at = stale ? Vector<double>(read.row(e.i).transpose()) : Vector<double>(before.row(e.i).transpose());
      s.p.gradient(e.i, at, g);
      const Iterates<double> want_row = before.row(e.i) - 0.2 * g.transpose();
      INFO((stale ? "stale" : "fresh") << ", event " << k << ", node " << e.i);
      CHECK((a.iterates().row(e.i) - want_row).cwiseAbs().maxCoeff() <= 1e-15);
      // the two rules differ whenever the node was averaged since its last computation
      if ((read.row(e.i) - before.row(e.i)).cwiseAbs().maxCoeff() > 1e-3) ++checked;
      read.row(e.i) = a.iterates().row(e.i);
    }
    CHECK(checked >= 20);
  }
}

// Hidden ([.]) measurements behind the tables of docs/algorithms/{continuized-gossip,async-sgd,
// a2cid2}.md: `adonis_tests "[async_a_tables]"` prints them (a few seconds at -O2).
TEST_CASE("Tables: logistic floors over seeds and steps, latency tolerance, graphs with unequal resistances",
          "[.][async_a_tables]") {
  {
    const AsyncaLogistic s("torus:4x4");
    const Iterates<double> x0 = Iterates<double>::Zero(s.n, s.p.dim());
    for (const double frac : {4.0, 8.0})
      for (const std::uint64_t seed : {1, 2, 3, 11}) {
        const sim::EngineOptions o = asynca_engine(seed, static_cast<double>(s.n));
        const double alpha = 1 / (frac * s.constants.L_max);
        AsyncGossipSgd a(s.p, s.graph, o, {.step_size = alpha});
        A2cid2 b(s.p, s.graph, o, {.step_size = alpha});
        Iterates<double> x = x0, y = x0;
        a.run(x, RunOptions{1'000'000});
        b.run(y, RunOptions{1'000'000});
        WARN("logistic torus:4x4, alpha = 1/(" << frac << " L_max), seed " << seed << ": f(x̄) − f* async SGD "
                                               << s.suboptimality(x) << ", a2cid2 " << s.suboptimality(y));
      }
  }
  {
    const Graph g = torus_graph(6, 6);
    Iterates<double> x0(36, 1);
    for (Index i = 0; i < 36; ++i) x0(i, 0) = std::sin(3.0 * static_cast<double>(i));
    for (const char* latency : {"0.02", "0.05", "0.1", "0.2", "0.5"}) {
      sim::EngineOptions o = asynca_engine(3, 72);
      o.latency = sim::Latency::parse(latency);
      ContinuizedGossip cg(g, o);
      A2cid2<> ac(g, o);
      PairwiseGossip pg(g, o);
      Iterates<double> a = x0, b = x0, c = x0;
      const RunResult ra = cg.run(a, RunOptions{200'000}), rb = ac.run(b, RunOptions{200'000}),
                      rc = pg.run(c, RunOptions{200'000});
      WARN("torus:6x6, edge rate 1, latency " << latency << ": ||e||² continuized " << consensus_error2(a)
                                              << " (status " << static_cast<int>(ra.status) << "), a2cid2 "
                                              << consensus_error2(b) << " (" << static_cast<int>(rb.status)
                                              << "), pairwise " << consensus_error2(c) << " ("
                                              << static_cast<int>(rc.status) << ")");
    }
  }
  for (const char* spec : {"barbell:8", "grid:4x8", "erdos-renyi:32:0.15:1", "path:32"}) {
    const Graph g = make_graph(spec);
    const Index n = num_nodes(g);
    Iterates<double> x0(n, 1);
    for (Index i = 0; i < n; ++i) x0(i, 0) = std::sin(1.0 + 3.0 * static_cast<double>(i));
    const ClockQuantities q = clock_quantities(sim::EventEngine(g, asynca_engine(0)));
    const double dtp = q.chi1 / 20, dtf = std::sqrt(q.chi1 * q.chi2) / 20;
    const int seeds = 20;
    const double tp = decay_time_constant(
        mean_consensus_curve([&](std::uint64_t s) { return PairwiseGossip(g, asynca_engine(s)); }, x0, dtp, seeds), dtp);
    const double tc = decay_time_constant(
        mean_consensus_curve([&](std::uint64_t s) { return ContinuizedGossip(g, asynca_engine(s)); }, x0, dtf, seeds),
        dtf);
    const double ta = decay_time_constant(
        mean_consensus_curve([&](std::uint64_t s) { return A2cid2<>(g, asynca_engine(s)); }, x0, dtf, seeds), dtf);
    const double td = decay_time_constant(
        mean_consensus_curve(
            [&](std::uint64_t s) { return ContinuizedGossip(g, asynca_engine(s), {.eta_rule = EtaRule::dadao}); }, x0,
            dtf, seeds),
        dtf);
    WARN(spec << ": chi1 " << q.chi1 << ", chi2 " << q.chi2 << "; tau pairwise " << tp << ", continuized " << tc
              << ", a2cid2 (= continuized with c_e = 1/2) " << ta << ", continuized with the dadao eta " << td);
  }
}
