// SPDX-License-Identifier: BSD-3-Clause
/// `adonis run`, through the built program.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "process.hpp"

using adonis::test::run_cli;
using adonis::test::slurp;
using adonis::test::summary_value;

namespace {
std::string temp_csv(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("adonis_run_" + std::to_string(::getpid()) + "_" + name)).string();
}
}  // namespace

TEST_CASE("run: gossip writes the trace columns of architecture.md", "[cli][run]") {
  const std::string csv = temp_csv("gossip.csv");
  const auto r = run_cli("run --algorithm gossip --graph ring:16 --iterations 100 --csv " + csv);
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string text = slurp(csv);
  REQUIRE(text.rfind("round,time,gradients,messages,bytes,suboptimality,consensus_error,distance_to_opt", 0) == 0);
  // the default schedule: log-spaced, ten rows per decade (on_record_schedule), and the last round
  REQUIRE(std::count(text.begin(), text.end(), '\n') == 20);  // header + rounds 0, 1, 2, 3, 4, 5, 6, 8, …, 80, 100
  REQUIRE(summary_value(r.out, "messages") == 100 * 32);       // 2|E| per round
  REQUIRE(summary_value(r.out, "bytes") == 100 * 32 * 8 * 10);  // d = 10 by default
  REQUIRE(summary_value(r.out, "distance_to_opt") < 1e-13);     // the average is kept
  std::filesystem::remove(csv);
}

TEST_CASE("run: gradient tracking and EXTRA reach 1e-10 on heart_scale logistic, DGD does not", "[cli][run]") {
  for (const char* graph : {"ring:10", "torus:3x4"})
    for (const char* alg : {"gradient-tracking", "extra"}) {
      INFO(alg << " on " << graph);
      const auto r = run_cli(std::string("run --algorithm ") + alg + " --graph " + graph +
                             " --problem logistic:heart_scale:0.01 --iterations 50000 --target 1e-10 --every 1000");
      INFO(r.out << r.err);
      REQUIRE(r.status == 0);
      CHECK(r.out.find("status=stopped_by_observer") != std::string::npos);
      CHECK(summary_value(r.out, "suboptimality") <= 1e-10);
    }
  const auto d = run_cli("run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 --iterations 50000 "
                         "--target 1e-10 --every 5000");
  REQUIRE(d.status == 0);
  CHECK(d.out.find("status=max_rounds") != std::string::npos);
  CHECK(summary_value(d.out, "suboptimality") > 1e-8);  // the constant-step bias
}

TEST_CASE("run: adom-plus reaches 1e-8 on heart_scale logistic over a static torus", "[cli][run][adom-plus]") {
  const auto r = run_cli("run --algorithm adom-plus --graph torus:4x4 --sequence static --problem "
                         "logistic:heart_scale:0.01 --target 1e-8 --iterations 200000 --measure");
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("status=stopped_by_observer") != std::string::npos);
  CHECK(summary_value(r.out, "suboptimality") <= 1e-8);
  CHECK(summary_value(r.out, "rounds") < 3000);  // 1347 (issue 16: about 2e3)
  CHECK(summary_value(r.out, "chi_bar") == Approx(4.0).epsilon(1e-12));  // the metropolis torus: λmax/λ2 of I − W
}

TEST_CASE("run: adom-plus reaches 1e-8 over random spanning trees and an adversarial cycle of trees",
          "[cli][run][adom-plus][asan_skip]") {
  // χ̄ = 8/(2(1 − cos(π/16))) = 208.2 for both: about 8.5e4 rounds (issue 16's acceptance allows 2e5)
  for (const char* seq : {"random-spanning-tree", "adversarial-tree:4"}) {
    const auto r = run_cli(std::string("run --algorithm adom-plus --graph torus:4x4 --sequence ") + seq +
                           " --problem logistic:heart_scale:0.01 --target 1e-8 --iterations 200000 --measure");
    INFO(r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(r.out.find("status=stopped_by_observer") != std::string::npos);
    CHECK(summary_value(r.out, "suboptimality") <= 1e-8);
    CHECK(summary_value(r.out, "chi_bar") == Approx(208.17373783963473).epsilon(1e-12));
  }
}

TEST_CASE("run: same seed, same CSV, time-varying sequences", "[cli][run][determinism]") {
  const std::string a = temp_csv("a.csv"), b = temp_csv("b.csv"), c = temp_csv("c.csv");
  const std::string cmd = "run --algorithm dgd --graph torus:3x4 --sequence random-matching "
                          "--problem logistic:heart_scale:0.01 --partition dirichlet:0.5 --iterations 300 --csv ";
  REQUIRE(run_cli(cmd + a + " --seed 4").status == 0);
  REQUIRE(run_cli(cmd + b + " --seed 4").status == 0);
  REQUIRE(run_cli(cmd + c + " --seed 5").status == 0);
  CHECK(slurp(a) == slurp(b));
  CHECK(slurp(a) != slurp(c));
  for (const auto& f : {a, b, c}) std::filesystem::remove(f);
  for (const char* seq : {"random-edge", "random-spanning-tree", "adversarial-tree:3", "b-connected:3", "markov:0.2:0.5", "one-peer-exponential"}) {
    INFO(seq);
    const auto r = run_cli(std::string("run --algorithm gradient-tracking --graph ring:8 --sequence ") + seq +
                           " --problem quadratic:dim=3,L=2,mu=0.5,zeta=1 --step 0.05 --iterations 3000");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_value(r.out, "suboptimality") < 1e-8);
  }
}

TEST_CASE("run --threads: the same summary and CSV on 1, 2 and 3 threads", "[cli][run][determinism]") {
  // n = 256, d = 40: above the round pool's minimum work, so 2 and 3 threads do split the rounds
  const std::string base = "run --graph torus:16x16 --problem quadratic:dim=40,L=4,mu=0.4,zeta=1,noise=0.3 "
                           "--iterations 30 --every 1 --seed 3 ";
  for (const char* alg : {"dgd --batch 2", "gradient-tracking", "choco-sgd --compressor random-k:8"}) {
    INFO(alg);
    std::string first_out, first_csv;
    for (int t : {1, 2, 3}) {
      const std::string csv = temp_csv("threads" + std::to_string(t) + ".csv");
      const auto r = run_cli(base + "--algorithm " + alg + " --threads " + std::to_string(t) + " --csv " + csv);
      INFO("threads " << t << ": " << r.err);
      REQUIRE(r.status == 0);
      if (t == 1) {
        first_out = r.out;
        first_csv = slurp(csv);
        CHECK(std::count(first_csv.begin(), first_csv.end(), '\n') == 32);  // header + rounds 0..30
      } else {
        CHECK(r.out == first_out);
        CHECK(slurp(csv) == first_csv);
      }
      std::filesystem::remove(csv);
    }
  }
}

TEST_CASE("run: invalid options give one line and a non-zero exit", "[cli][run][errors]") {
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases{
      {"run --algorithm foo --graph ring:4", "unknown --algorithm 'foo'"},
      {"run --algorithm dgd --graph ring:4", "--problem is required"},
      {"run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 --step -1", "--step must be > 0"},
      {"run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 --step abc", "--step must be a number"},
      {"run --algorithm gossip --graph ring:4 --iterations -3", "--iterations must be >= 0"},
      {"run --algorithm gossip --graph ring:4 --sequence b-connected:0", "B must be >= 1"},
      {"run --algorithm gossip --graph ring:4 --sequence wobbly", "unknown sequence"},
      {"run --algorithm chebyshev-gossip --graph ring:4 --sequence random-edge", "needs --sequence static"},
      {"run --algorithm chebyshev-gossip --graph ring:4 --sequence random-spanning-tree", "needs --sequence static (one fixed W)"},
      {"run --algorithm msda --graph ring:6 --problem quadratic:dim=3,L=4,mu=0.4,zeta=1 --sequence adversarial-tree:3",
       "msda needs --sequence static (one fixed W)"},
      {"run --algorithm adom-plus --graph ring:6 --problem quadratic:dim=3,L=4,mu=0.4,zeta=1 --sequence random-edge",
       "states no bound chi"},
      {"run --algorithm adom-plus --graph ring:6 --problem quadratic:dim=3,L=4,mu=0.4,zeta=1 --sequence b-connected:2",
       "states no bound chi"},
      {"run --algorithm adom-plus --graph ring:6 --problem median:heart_scale", "needs a smooth strongly convex problem"},
      {"run --algorithm dgd --graph ring:300 --problem logistic:heart_scale:0.01", "nodes"},
      {"run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 --rho 2", "--rho is the penalty of 'admm'"},
      {"run --algorithm admm --graph ring:10 --problem logistic:heart_scale:0.01 --rho 0", "--rho must be > 0"},
      {"run --algorithm admm --graph ring:10 --problem logistic:heart_scale:0.01 --step 0.1", "its parameter is --rho"},
      {"run --algorithm gossip --graph ring:4 --step theory", "has no step size"},
      {"run --algorithm gradient-tracking --graph ring:10 --problem logistic:heart_scale:0.01 --step theory "
       "--sequence random-matching", "needs --sequence static"},
      {"run --algorithm dgd --graph ring:10 --problem median:heart_scale", "needs a smooth problem"},
      {"run --algorithm gossip --graph ring:4 --threads -2", "--threads must be in [0, 1024] (got -2)"},
      {"run --algorithm gossip --graph ring:4 --threads 5000", "--threads must be in [0, 1024] (got 5000)"},
      {"run --algorithm pairwise-gossip --graph ring:4 --threads 2", "--threads applies to the synchronous algorithms"},
      {"run --algorithm pairwise-gossip --graph ring:4 --backend threads --threads 2",
       "--threads is an option of the simulator's synchronous rounds (--backend threads: its workers are --workers)"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_cli(c.args);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.err.find(c.expect) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("run: ADMM and dual averaging", "[cli][run]") {
  const auto admm = run_cli("run --algorithm admm --graph ring:10 --problem logistic:heart_scale:0.01 --rho 0.1 "
                            "--iterations 50000 --target 1e-10 --every 1000");
  INFO(admm.out << admm.err);
  REQUIRE(admm.status == 0);
  CHECK(admm.out.find("status=stopped_by_observer") != std::string::npos);
  CHECK(summary_value(admm.out, "suboptimality") <= 1e-10);

  // Dual averaging on the nonsmooth median with the Thm. 2 step: Õ(1/sqrt T), so from T = 200
  // to 2000 the error falls by about sqrt(10) log(200 sqrt 8)/log(2000 sqrt 8) = 0.43.
  const std::string csv = temp_csv("da.csv");
  const auto da = run_cli("run --algorithm dual-averaging --graph ring:8 --problem median:heart_scale "
                          "--iterations 2000 --every 200 --csv " + csv);
  INFO(da.out << da.err);
  REQUIRE(da.status == 0);
  std::istringstream rows(slurp(csv));
  std::string header, first, at200, last, line;
  std::getline(rows, header);
  std::getline(rows, first);  // round 0: X_0 = 0
  std::getline(rows, at200);
  while (std::getline(rows, line))
    if (!line.empty()) last = line;
  auto subopt = [](const std::string& row) {  // 6th column
    std::istringstream in(row);
    std::string cell;
    for (int k = 0; k < 6; ++k) std::getline(in, cell, ',');
    return std::stod(cell);
  };
  CHECK(subopt(last) < 0.7 * subopt(at200));
  auto column = [](const std::string& row, int k) {  // k-th column, from 1
    std::istringstream in(row);
    std::string cell;
    for (int j = 0; j < k; ++j) std::getline(in, cell, ',');
    return cell;
  };
  CHECK(column(last, 9) == "nan");  // worst_suboptimality: opt-in (n evaluations per row)
  const std::string worst_csv = temp_csv("worst.csv");
  REQUIRE(run_cli("run --algorithm dgd --graph ring:8 --problem logistic:heart_scale:0.01 --iterations 10 --worst-node --csv " +
                  worst_csv).status == 0);
  std::istringstream worst_rows(slurp(worst_csv));
  std::getline(worst_rows, header);
  while (std::getline(worst_rows, line))
    if (!line.empty()) CHECK(std::stod(column(line, 9)) >= std::stod(column(line, 6)) - 1e-12);
  std::filesystem::remove(worst_csv);
  CHECK(subopt(at200) < subopt(first));
  std::filesystem::remove(csv);
}

TEST_CASE("run: --step theory uses the theorem's step", "[cli][run]") {
  // DGD's theorem step min{(1 + λn(W))/L_h, 1/(L̄ + μ̄)} converges (to its O(α) neighbourhood);
  // DIGing's Thm. 10 step is orders of magnitude smaller: after 200 rounds it has barely moved.
  const auto dgd = run_cli("run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 "
                           "--iterations 2000 --step theory");
  const auto dgd_default = run_cli("run --algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 "
                                   "--iterations 2000");
  const auto gt = run_cli("run --algorithm gradient-tracking --graph ring:10 --problem logistic:heart_scale:0.01 "
                          "--iterations 200 --step theory");
  const auto gt_default = run_cli("run --algorithm gradient-tracking --graph ring:10 "
                                  "--problem logistic:heart_scale:0.01 --iterations 200");
  INFO(dgd.out << dgd.err << dgd_default.out << dgd_default.err << gt.out << gt.err);
  REQUIRE(dgd.status == 0);
  REQUIRE(dgd_default.status == 0);
  REQUIRE(gt.status == 0);
  CHECK(summary_value(dgd.out, "suboptimality") < 1e-2);
  // both numbers exist and are finite (a missing key is NaN, and NaN != x would pass)
  const double dgd_theory = summary_value(dgd.out, "suboptimality");
  const double dgd_plain = summary_value(dgd_default.out, "suboptimality");
  REQUIRE(std::isfinite(dgd_theory));
  REQUIRE(std::isfinite(dgd_plain));
  CHECK(dgd_theory != dgd_plain);
  const double start = summary_value(run_cli("run --algorithm gradient-tracking --graph ring:10 "
                                             "--problem logistic:heart_scale:0.01 --iterations 0").out,
                                     "suboptimality");
  CHECK(std::abs(summary_value(gt.out, "suboptimality") - start) < 0.1 * start);         // barely moved
  CHECK(std::abs(summary_value(gt_default.out, "suboptimality") - start) > 0.1 * start);  // the default does
}

TEST_CASE("run: gossip with --problem averages the local minimizers", "[cli][run]") {
  const std::string csv = temp_csv("local.csv");
  const auto r = run_cli("run --algorithm gossip --graph complete:6 --problem ridge:heart_scale:0.1 "
                         "--iterations 3 --csv " + csv);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  std::istringstream rows(slurp(csv));
  std::string header, first;
  std::getline(rows, header);
  std::getline(rows, first);
  std::istringstream in(first);
  std::string cell;
  for (int k = 0; k < 7; ++k) std::getline(in, cell, ',');
  CHECK(std::stod(cell) > 1e-6);                              // distinct local minimizers at round 0
  CHECK(summary_value(r.out, "consensus_error") < 1e-20);      // W = J on the complete graph
}

TEST_CASE("run: msda, choco-gossip, choco-sgd and --measure", "[cli][run]") {
  // MSDA reaches 1e-10 on heart_scale; --iterations counts communication rounds (K per step)
  const auto msda = run_cli("run --algorithm msda --graph ring:10 --problem logistic:heart_scale:0.01 "
                            "--iterations 2000 --target 1e-10 --measure");
  INFO(msda.out << msda.err);
  REQUIRE(msda.status == 0);
  CHECK(msda.out.find("status=stopped_by_observer") != std::string::npos);
  CHECK(summary_value(msda.out, "rounds") <= 2000);
  CHECK(summary_value(msda.out, "rate") < 1);

  // CHOCO-Gossip with top-k: bytes follow the encoding 12k per message, 2|E| messages a round
  const auto choco = run_cli("run --algorithm choco-gossip --graph ring:16 --dim 10 --compressor top-k:3 "
                             "--iterations 50 --measure");
  INFO(choco.out << choco.err);
  REQUIRE(choco.status == 0);
  CHECK(summary_value(choco.out, "bytes") == 50 * 32 * 12 * 3);
  CHECK(summary_value(choco.out, "lyapunov_rate") < 1);

  const auto sgd = run_cli("run --algorithm choco-sgd --graph torus:3x4 --problem logistic:heart_scale:0.01 "
                           "--compressor qsgd:4 --gamma theory --iterations 200");
  INFO(sgd.out << sgd.err);
  REQUIRE(sgd.status == 0);
  CHECK(summary_value(sgd.out, "bytes") == 200 * 48 * (8 + (13 * 4 + 7) / 8));  // ⌈log2(9)⌉ = 4 bits

  // --measure reproduces the numbers `adonis rates` reports; same command, same numbers
  const std::string cmd = "run --algorithm gradient-tracking --graph ring:8 --problem quadratic:dim=3 "
                          "--iterations 400 --start random --measure";
  const auto a = run_cli(cmd), b = run_cli(cmd);
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
  CHECK(summary_value(a.out, "exponent") > 0);

  for (const char* bad : {"run --algorithm choco-gossip --graph ring:8 --compressor top-k:0",
                          "run --algorithm choco-gossip --graph ring:8 --gamma 2",
                          "run --algorithm dgd --graph ring:8 --problem quadratic:dim=3 --compressor sign",
                          "run --algorithm dgd --graph ring:8 --problem quadratic:dim=3 --start middle",
                          "run --algorithm msda --graph ring:8 --problem quadratic:dim=3 --sequence random-edge"}) {
    INFO(bad);
    CHECK(adonis::test::one_line_error(run_cli(bad)));
  }
}

TEST_CASE("run: D-SGD with --batch draws minibatches from the seed", "[cli][run]") {
  const std::string base = "run --algorithm dgd --graph ring:8 --problem logistic:heart_scale:0.01 ";
  const std::string cmd = base + "--iterations 300 ";
  const auto exact = run_cli(cmd);
  const auto sgd = run_cli(cmd + "--batch 4 --seed 1");
  const auto again = run_cli(cmd + "--batch 4 --seed 1");
  const auto other = run_cli(cmd + "--batch 4 --seed 2");
  INFO(exact.out << sgd.out << sgd.err);
  REQUIRE(exact.status == 0);
  REQUIRE(sgd.status == 0);
  CHECK(sgd.out == again.out);
  CHECK(sgd.out != other.out);
  CHECK(run_cli(cmd + "--batch 16 --seed 1").out != sgd.out);  // the batch size reaches the problem
  CHECK(summary_value(sgd.out, "suboptimality") != summary_value(exact.out, "suboptimality"));
  CHECK(summary_value(sgd.out, "suboptimality") <
        0.5 * summary_value(run_cli(base + "--iterations 1").out, "suboptimality"));
  CHECK(run_cli("run --algorithm extra --graph ring:8 --problem logistic:heart_scale:0.01 --batch 4").status == 2);
}

TEST_CASE("run: a run outside its theorem's assumptions warns on stderr first (latency, DADAO's rate)",
          "[cli][run][async][assumptions]") {
  // issue 17 item 5: a2cid2 with latency exp:0.3 on ring:16 at --comm-rate 16 (every node
  // exchanges at rate 2): 0.6 exchanges in flight, beyond the 0.4 measured stable there
  const auto a2 = run_cli("run --algorithm a2cid2 --graph ring:16 --comm-rate 16 --latency exp:0.3 --iterations 10");
  INFO(a2.err);
  REQUIRE(a2.status == 0);
  CHECK(a2.err.find("adonis: warning: a2cid2: its theorem assumes instantaneous exchanges; the latency puts 0.6 "
                    "exchanges in flight at the busiest node (measured stable up to 0.4 on ring:16") == 0);
  CHECK(run_cli("run --algorithm a2cid2 --graph ring:16 --comm-rate 16 --iterations 10").err.empty());
  // DADAO at an explicit rate below its minimal one: 2 χ1* χ2* = 2 · (105.1/16) · (7.5/16) = 6.16
  const auto da = run_cli("run --algorithm dadao --graph ring:16 --problem logistic:heart_scale:0.01 --comm-rate 16 "
                          "--iterations 10");
  INFO(da.err);
  REQUIRE(da.status == 0);
  CHECK(da.err.find("2 chi1* chi2* = 6.16 > 1") != std::string::npos);
  CHECK(da.err.find(">= 39.7") != std::string::npos);
  CHECK(run_cli("run --algorithm dadao --graph ring:16 --problem logistic:heart_scale:0.01 --iterations 10").err.empty());
}

TEST_CASE("run: pairwise-gossip on the event engine, engine options", "[cli][run][async]") {
  const std::string csv = temp_csv("pairwise.csv"), csv2 = temp_csv("pairwise2.csv");
  const std::string cmd = "run --algorithm pairwise-gossip --graph torus:4x4 --iterations 20000 --latency exp:0.5 "
                          "--drop 0.1 --churn 0.05:2 --seed 3 --csv ";
  const auto r = run_cli(cmd + csv);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(summary_value(r.out, "rounds") == 20000);                 // --iterations counts events
  CHECK(summary_value(r.out, "distance_to_opt") < 1e-12);         // the average is kept
  CHECK(summary_value(r.out, "consensus_error") < 1e-6);
  // time is simulated time: 20000 ticks at total rate 1 take about 20000 time units
  CHECK(summary_value(r.out, "time") == Approx(20000).epsilon(0.05));
  const std::string text = slurp(csv);
  // the log-spaced schedule over events: 0; 1–8 (7); 10–8000 (30); 10000, 12500, 16000; the last
  CHECK(std::count(text.begin(), text.end(), '\n') == 1 + 1 + 7 + 30 + 3 + 1);
  REQUIRE(run_cli(cmd + csv2).status == 0);
  CHECK(slurp(csv2) == text);  // same seed, same trace
  // node clocks (on path:8: a non-regular graph, where they differ from edge clocks; on a ring
  // the two models draw the same exchanges) and a time-varying edge set: both converge, keep the
  // average, take the simulated time of 1000 ticks at their total rate, and change the run
  auto converges = [](const std::string& args, double time) {
    const auto start = run_cli(args + " --iterations 0"), run = run_cli(args + " --iterations 1000");
    INFO(args << "\n" << start.out << start.err << run.out << run.err);
    REQUIRE(start.status == 0);
    REQUIRE(run.status == 0);
    const double e0 = summary_value(start.out, "consensus_error");
    CHECK(e0 > 1);
    CHECK(run.out.find(" status=max_rounds ") != std::string::npos);
    CHECK(summary_value(run.out, "rounds") == 1000);
    CHECK(summary_value(run.out, "consensus_error") < 1e-6 * e0);
    CHECK(summary_value(run.out, "distance_to_opt") < 1e-12);
    CHECK(summary_value(run.out, "time") == Approx(time).epsilon(0.15));
    return summary_value(run.out, "consensus_error");
  };
  const double node = converges("run --algorithm pairwise-gossip --graph path:8 --clock node", 1000);
  const double edge = converges("run --algorithm pairwise-gossip --graph path:8", 1000);
  CHECK(node != edge);
  const double varying = converges("run --algorithm pairwise-gossip --graph torus:4x4 --sequence random-matching "
                                   "--segment 0.5 --comm-rate 16", 1000.0 / 16);
  const double fixed = converges("run --algorithm pairwise-gossip --graph torus:4x4 --comm-rate 16", 1000.0 / 16);
  CHECK(varying != fixed);
  // errors name the option and the value
  const auto sync = run_cli("run --algorithm gossip --graph ring:8 --latency 1");
  CHECK(sync.status != 0);
  CHECK(sync.err.find("--latency") != std::string::npos);
  const auto bad = run_cli("run --algorithm pairwise-gossip --graph ring:8 --latency exp:x");
  CHECK(bad.status != 0);
  CHECK(bad.err.find("exp:x") != std::string::npos);
  const auto drop = run_cli("run --algorithm pairwise-gossip --graph ring:8 --drop 1.5");
  CHECK(drop.status != 0);
  CHECK(drop.err.find("drop") != std::string::npos);
  CHECK(std::count(drop.err.begin(), drop.err.end(), '\n') == 1);
  const auto clock = run_cli("run --algorithm pairwise-gossip --graph ring:8 --clock vertex");
  CHECK(clock.status != 0);
  CHECK(clock.err.find("vertex") != std::string::npos);
  std::filesystem::remove(csv);
  std::filesystem::remove(csv2);
}

TEST_CASE("run: the asynchronous optimizers on heart_scale logistic", "[cli][run][async]") {
  const std::string problem = " --graph torus:4x4 --problem logistic:heart_scale:0.01 --iterations 40000";
  const double start = summary_value(run_cli("run --algorithm dgd" + problem.substr(0, problem.rfind(" --iter")) +
                                             " --iterations 0").out,
                                     "suboptimality");
  REQUIRE(start > 0);
  for (const char* alg : {"dadao", "async-admm", "async-sgd", "a2cid2"}) {
    const auto r = run_cli(std::string("run --algorithm ") + alg + problem);
    INFO(alg << ": " << r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_value(r.out, "rounds") == 40000);
    CHECK(summary_value(r.out, "suboptimality") < 1e-2 * start);
    // DADAO and async ADMM converge linearly: 40000 events suffice for 1e-6 here
    if (std::string(alg) == "dadao" || std::string(alg) == "async-admm")
      CHECK(summary_value(r.out, "suboptimality") < 1e-6);
  }
  // async-sgd with a stochastic oracle, and a step given
  const auto s = run_cli("run --algorithm async-sgd" + problem + " --batch 8 --step 0.05 --seed 2");
  INFO(s.out << s.err);
  CHECK(s.status == 0);
  CHECK(summary_value(s.out, "suboptimality") < 0.1 * start);
  // continuized gossip and A²CiD² without a problem average
  for (const char* alg : {"continuized-gossip", "a2cid2"}) {
    const auto r = run_cli(std::string("run --algorithm ") + alg + " --graph ring:16 --iterations 20000");
    INFO(alg << ": " << r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_value(r.out, "consensus_error") < 1e-3);
  }
  CHECK(run_cli("run --algorithm async-admm --graph ring:8 --problem logistic:heart_scale:0.01 --step 1").status != 0);
  CHECK(run_cli("run --algorithm async-sgd --graph ring:8 --problem logistic:heart_scale:0.01 --step theory").status != 0);
}

TEST_CASE("run --backend threads: pairwise gossip and async SGD on real threads, paced clocks", "[cli][run][threads]") {
  const std::string paced = " --graph torus:4x4 --comm-rate 16 --time-unit 5e-4 --seed 7 --workers 2";
  const std::string csv = temp_csv("threads.csv");
  const auto g = run_cli("run --backend threads --algorithm pairwise-gossip --dim 3 --iterations 40000 --csv " + csv + paced);
  INFO(g.out << g.err);
  REQUIRE(g.status == 0);
  CHECK(summary_value(g.out, "distance_to_opt") <= 1e-12);  // ||x̄_T − x̄_0||
  CHECK(summary_value(g.out, "consensus_error") <= 1e-10);
  CHECK(g.out.find(" workers=2 worker_events=") != std::string::npos);
  // time is wall time: 40000 ticks at total rate 16 and 5e-4 s per unit take about 1.25 s
  CHECK(summary_value(g.out, "time") >= 1.2);
  const std::string text = slurp(csv);
  CHECK(text.rfind("round,time,gradients,messages,bytes,suboptimality,consensus_error,distance_to_opt,"
                   "worst_suboptimality,wall_clock\n", 0) == 0);
  CHECK(std::count(text.begin(), text.end(), '\n') >= 10);  // a snapshot every 1/50 of the run
  std::filesystem::remove(csv);
  const auto s = run_cli("run --backend threads --algorithm async-sgd --problem logistic:heart_scale:0.01 "
                         "--iterations 150000 --slowdown 1:5" + paced);
  INFO(s.out << s.err);
  REQUIRE(s.status == 0);
  CHECK(s.out.find("status=max_rounds") != std::string::npos);
  // f(0) − f* = 0.3137 (heart_scale, λ = 0.01, --seed 7). A decrease by 10², not 10³: with a
  // constant step the run ends in SGD's noise, where f(x̄) − f* wanders between 6e-5 and 2.6e-3
  // over the last quarter of the run; 10 release runs ended between 8.3e-5 and 1.3e-3, and CI's
  // sanitized run of cbd9a4f at 1.2e-3 (the 10³ threshold, 3.1e-4, lay inside that spread).
  CHECK(summary_value(s.out, "suboptimality") <= 1e-2 * 0.31);
  // --duration alone is a wall-clock budget
  const auto d = run_cli("run --backend threads --algorithm pairwise-gossip --duration 0.5" + paced);
  REQUIRE(d.status == 0);
  CHECK(summary_value(d.out, "time") == Approx(0.5).margin(0.2));
  // errors name the option and the value
  for (const char* args : {"run --backend threads --algorithm gossip --graph ring:8",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --segment 2",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --latency exp:-1",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --drop 1",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --churn 0.1",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --sequence random-matching",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --slowdown 1",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --slowdown 9:2",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --time-unit 0",
                           "run --backend threads --algorithm pairwise-gossip --graph ring:8 --every 4",
                           "run --algorithm pairwise-gossip --graph ring:8 --workers 2"}) {
    INFO(args);
    CHECK(adonis::test::one_line_error(run_cli(args)));
  }
}

TEST_CASE("run --backend threads: A²CiD², DADAO, asynchronous ADMM and continuized gossip with unreliable devices",
          "[cli][run][threads]") {
  // issue 17's acceptance run: A²CiD² on ring:16 with latency, drops and churn on real threads
  const std::string faults = " --latency exp:0.1 --drop 0.1 --churn 0.01:5";
  const auto a = run_cli("run --backend threads --algorithm a2cid2 --graph ring:16 --problem logistic:heart_scale:0.01 "
                         "--comm-rate 16 --iterations 200000" + faults);
  INFO(a.out << a.err);
  REQUIRE(a.status == 0);
  CHECK(a.out.find("status=max_rounds") != std::string::npos);
  // from f(0) − f* = 0.314: measured 6.5e-5 and 1.0e-4 (release), the simulator 5.3e-5
  CHECK(summary_value(a.out, "suboptimality") <= 3.2e-4);
  const std::string torus = " --graph torus:4x4 --comm-rate 16 --time-unit 5e-4 --seed 3 --workers 2";
  for (const std::string algorithm : {"dadao", "async-admm"}) {
    const auto r = run_cli("run --backend threads --algorithm " + algorithm +
                           " --problem logistic:heart_scale:0.01 --iterations 40000 --drop 0.1 --churn 0.01:5" + torus);
    INFO(algorithm << ": " << r.out << r.err);
    REQUIRE(r.status == 0);
    CHECK(summary_value(r.out, "suboptimality") <= 1e-3 * 0.314);
  }
  const auto c = run_cli("run --backend threads --algorithm continuized-gossip --dim 3 --iterations 40000" + faults + torus);
  INFO(c.out << c.err);
  REQUIRE(c.status == 0);
  CHECK(summary_value(c.out, "distance_to_opt") <= 1e-12);  // the average is kept exactly
  CHECK(summary_value(c.out, "consensus_error") <= 1e-10);
}
