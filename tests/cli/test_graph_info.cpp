// SPDX-License-Identifier: BSD-3-Clause
/// Tests of `adonis graph-info` and the CLI's error handling, through the built program.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "process.hpp"

using adonis::test::close;
using adonis::test::data_file;
using adonis::test::run_cli;

namespace {
nlohmann::json graph_info(const std::string& spec, const std::string& extra = "") {
  const auto r = run_cli("graph-info --graph '" + spec + "' --json " + extra);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(r.out);
}

/// One row of the fixture table of theory-rates.md §11 (10 significant digits).
struct Fixture {
  const char* spec;
  double n, l2, lmax, w2, wmin, rho, p, gossip, chi1, chi2, chi;
};

const Fixture fixtures[] = {
    {"ring:8", 8, 0.5857864376, 4, 0.8047378541, -0.3333333333, 0.8047378541, 0.3523969861, 0.9633883476, 13.65685425, 3.5, 6.828427125},
    {"ring:16", 16, 0.152240935, 4, 0.9492530217, -0.3333333333, 0.9492530217, 0.09891870084, 0.9952424708, 105.0965695, 7.5, 26.27414237},
    {"ring:33", 33, 0.03614260547, 3.990943845, 0.9879524648, -0.330314615, 0.9879524648, 0.02394992721, 0.9994523848, 913.049836, 16, 110.4221401},
    {"path:8", 8, 0.152240935, 3.847759065, 0.9492530217, -0.282586355, 0.9492530217, 0.09891870084, 0.990254014, 45.97974915, 3.5, 25.27414237},
    {"path:16", 16, 0.03842943919, 3.961570561, 0.9871901869, -0.3205235203, 0.9871901869, 0.02545553482, 0.9987952978, 390.3257584, 7.5, 103.0868689},
    {"torus:4x4", 16, 2, 8, 0.6, -0.6, 0.6, 0.64, 0.96875, 16, 7.5, 4},
    {"torus:8x8", 64, 0.5857864376, 8, 0.8828427125, -0.6, 0.8828427125, 0.220588745, 0.9977117717, 218.509668, 31.5, 13.65685425},
    {"complete:8", 8, 8, 8, 0, 0, 0, 1, 0.8571428571, 3.5, 3.5, 1},
    {"star:8", 8, 1, 8, 0.875, 0, 0.875, 0.234375, 0.9285714286, 7, 3.5, 8},
    {"hypercube:4", 16, 2, 8, 0.6, -0.6, 0.6, 0.64, 0.96875, 16, 7.5, 4},
};
}  // namespace

TEST_CASE("graph-info reproduces every row of the theory-rates.md §11 fixture table", "[cli][graph-info][fixtures]") {
  for (const auto& f : fixtures) {
    INFO(f.spec);
    const auto j = graph_info(f.spec);
    CHECK(j.at("nodes").get<double>() == f.n);
    CHECK(j.at("connected").get<bool>());
    CHECK(j.at("mixing").get<std::string>() == "metropolis");
    // 10 significant digits in the table: relative 1e-9, absolute 1e-12 near zero
    CHECK(close(j.at("laplacian_lambda2").get<double>(), f.l2));
    CHECK(close(j.at("laplacian_lambda_max").get<double>(), f.lmax));
    CHECK(close(j.at("mixing_lambda2").get<double>(), f.w2));
    CHECK(close(j.at("mixing_lambda_min").get<double>(), f.wmin));
    CHECK(close(j.at("mixing_slem").get<double>(), f.rho));
    CHECK(close(1 - j.at("mixing_spectral_gap").get<double>(), f.rho));  // gap = 1 - rho
    CHECK(close(j.at("koloskova_p").get<double>(), f.p));
    CHECK(close(j.at("gossip_lambda2").get<double>(), f.gossip));
    CHECK(close(j.at("chi1").get<double>(), f.chi1));
    CHECK(close(j.at("chi2").get<double>(), f.chi2));
    CHECK(close(j.at("laplacian_condition").get<double>(), f.chi));
  }
}

TEST_CASE("graph-info: JSON keys of architecture.md, other mixings, diameter", "[cli][graph-info]") {
  const auto j = graph_info("ring:10", "--mixing max-degree");
  for (const char* key : {"nodes", "edges", "connected", "diameter", "laplacian_lambda2", "laplacian_lambda_max",
                          "laplacian_condition", "mixing", "mixing_lambda2", "mixing_lambda_min", "mixing_slem",
                          "mixing_spectral_gap", "koloskova_p", "gossip_lambda2", "chi1", "chi2"})
    CHECK(j.contains(key));
  CHECK(j.at("diameter").get<int>() == 5);
  CHECK(j.at("edges").get<int>() == 10);
  CHECK(j.at("mixing").get<std::string>() == "max-degree");
  // best constant weight on a ring: rho = (lmax - l2)/(lmax + l2)
  const auto b = graph_info("ring:10", "--mixing laplacian");
  const double l2 = b.at("laplacian_lambda2").get<double>(), lmax = b.at("laplacian_lambda_max").get<double>();
  CHECK(close(b.at("mixing_slem").get<double>(), (lmax - l2) / (lmax + l2)));
  // lazy: eigenvalues (1 + lambda)/2
  const auto z = graph_info("ring:16", "--mixing lazy-metropolis");
  CHECK(close(z.at("mixing_lambda2").get<double>(), (1 + 0.9492530217) / 2));
  // human-readable output
  const auto r = run_cli("graph-info --graph ring:8");
  CHECK(r.status == 0);
  CHECK(r.out.find("mixing_slem") != std::string::npos);
}

TEST_CASE("graph-info reads the shipped test files in every format", "[cli][graph-info][io]") {
  CHECK(graph_info(data_file("tiny.edges")).at("edges").get<int>() == 5);
  CHECK(graph_info(data_file("tiny.graphml")).at("nodes").get<int>() == 4);
  CHECK(graph_info(data_file("tiny.dot")).at("edges").get<int>() == 5);
}

TEST_CASE("a disconnected graph file gives connected: false and a zero gap", "[cli][graph-info]") {
  const auto j = graph_info(data_file("disconnected.edges"));
  CHECK_FALSE(j.at("connected").get<bool>());
  CHECK(j.at("mixing_spectral_gap").get<double>() == 0.0);
  CHECK(j.at("laplacian_lambda2").get<double>() == 0.0);
  CHECK(j.at("chi1").is_null());
  CHECK(j.at("diameter").is_null());
}

TEST_CASE("bad input: one-line error naming the problem, non-zero exit, no crash", "[cli][errors]") {
  struct Case {
    std::string args, expect;
  };
  const std::vector<Case> cases{
      {"graph-info --graph '" + data_file("malformed.edges") + "'", "line 3"},
      {"graph-info --graph '" + data_file("no-such-file.edges") + "'", "cannot open file"},
      {"graph-info --graph '" + data_file("malformed.graphml") + "'", "malformed.graphml"},
      {"graph-info --graph ring:1", "n must be >= 3 (got 1)"},
      {"graph-info --graph erdos-renyi:10:1.5", "p must lie in (0, 1] (got 1.5)"},
      {"graph-info --graph moebius:5", "unknown graph family 'moebius'"},
      {"graph-info --graph ring:8 --mixing uniform", "unknown mixing 'uniform'"},
      {"graph-info", "--graph is required"},
      {"rates --table nonsense", "unknown --table 'nonsense'"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = run_cli(c.args);
    INFO(r.err);
    CHECK(r.status != 0);
    CHECK(r.status < 128);  // an exit, not a signal
    CHECK(r.err.find(c.expect) != std::string::npos);
    // exactly one line
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 1);
  }
}

TEST_CASE("rates --quick: the spectral table checks every family against its closed form", "[cli][rates]") {
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_rates_" + std::to_string(::getpid()));
  const auto r = run_cli("rates --table spectral --quick --out '" + dir.string() + "'");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("**VIOLATED**") == std::string::npos);
  CHECK(r.out.find(" 0 VIOLATED") != std::string::npos);
  for (const char* spec : {"ring:64", "path:64", "torus:8x8", "hypercube:6", "complete:64", "star:64"})
    CHECK(r.out.find(std::string("| ") + spec + " |") != std::string::npos);
  const std::string csv = adonis::test::slurp(dir / "spectral.csv");
  CHECK(csv.rfind("table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag\n", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') > 13);  // several quantities per graph
  CHECK(csv.find(",VIOLATED,") == std::string::npos);
  const std::string list = run_cli("rates --list").out;
  CHECK(list.find("spectral") != std::string::npos);
  CHECK(list.find("default") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("issue 21: a huge graph, a device as dataset, an undeclared GraphML node, a loop and a duplicate",
          "[cli][errors][guard]") {
  using adonis::test::one_line_error;
  const auto start = std::chrono::steady_clock::now();
  // refused before allocating, naming the generator, the field, the size and the estimate
  const auto huge = run_cli("graph-info --graph ring:1000000000000");
  INFO(huge.err);
  CHECK(one_line_error(huge, "graph spec 'ring:1000000000000': ring_graph: n = 1000000000000 needs about "));
  // a character device as dataset: an error naming it, not a read that never ends
  const auto dev = run_cli("run --algorithm dgd --graph ring:10 --problem logistic:/dev/zero:0.01");
  INFO(dev.err);
  CHECK(one_line_error(dev));
  CHECK(dev.err.find("file '/dev/zero' is a character device, not a regular file") != std::string::npos);
  const auto undeclared = run_cli("graph-info --graph '" + data_file("undeclared.graphml") + "'");
  INFO(undeclared.err);
  CHECK(one_line_error(undeclared,
                       "read_graphml: file '" + data_file("undeclared.graphml") + "' line 8: edge 'a' -- 'zz'"));
  // --max-memory caps the estimate below the machine's memory, before or after the subcommand
  const auto capped = run_cli("--max-memory 1MB graph-info --graph ring:100000");
  INFO(capped.err);
  CHECK(one_line_error(capped, "graph spec 'ring:100000': ring_graph: n = 100000 needs about 14.4 MB of memory"));
  CHECK(capped.err.find("more than the 1 MB allowed (memory limit") != std::string::npos);
  CHECK(run_cli("graph-info --graph ring:1000 --max-memory 1MiB").status == 0);
  CHECK(one_line_error(run_cli("--max-memory lots graph-info --graph ring:10")));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(12));  // six runs, 2 s each at most
  // merged as documented, with exactly one warning line
  const auto loops = run_cli("graph-info --graph '" + data_file("loops_duplicates.edges") + "' --json");
  CHECK(loops.status == 0);
  CHECK(nlohmann::json::parse(loops.out).at("edges").get<int>() == 1);
  CHECK(loops.err == "adonis: warning: read_edge_list: file '" + data_file("loops_duplicates.edges") +
                         "': dropped 1 self loop, merged 1 duplicate edge (adonis graphs are simple)\n");
}

TEST_CASE("graph-info --sequence: p, tau, chi_bar, chi_t over the rounds, windows (issue 16)", "[cli][graph-info][sequence]") {
  // random edges on karate: p = λ2(L)/(2|E|) exactly (theory-rates.md §4c)
  const auto j = graph_info("karate", "--sequence random-edge --rounds 100");
  const double l2 = j.at("laplacian_lambda2").get<double>(), edges = j.at("edges").get<double>();
  CHECK(close(j.at("p").get<double>(), l2 / (2 * edges), 1e-10));
  CHECK(j.at("p_method").get<std::string>() == "exact");
  CHECK(j.at("tau").get<int>() == 1);
  CHECK(j.at("chi_sup").is_null());  // a single edge per round: disconnected rounds
  CHECK(j.at("disconnected_rounds").get<int>() == 100);
  CHECK(j.at("chi_bar").is_null());
  CHECK_FALSE(j.at("windows_connected").get<bool>());
  // random spanning trees: every round connected, χ_t within the stated χ̄
  const auto t = graph_info("karate", "--sequence random-spanning-tree --rounds 50 --seed 3");
  CHECK(t.at("disconnected_rounds").get<int>() == 0);
  CHECK(t.at("windows_connected").get<bool>());
  CHECK(t.at("chi_sup").get<double>() <= t.at("chi_bar").get<double>());
  CHECK(t.at("chi_mean").get<double>() <= t.at("chi_sup").get<double>());
  CHECK(t.at("p").get<double>() > 0);
  // adversarial trees: a cycle of K trees, p over blocks of K rounds
  const auto a = graph_info("torus:4x4", "--sequence adversarial-tree:4 --rounds 20");
  CHECK(a.at("tau").get<int>() == 4);
  CHECK(a.at("p_method").get<std::string>() == "exact");
  CHECK(a.at("chi_sup").get<double>() <= a.at("chi_bar").get<double>());
  // B-connected: windows of B rounds connected, single rounds not
  CHECK(graph_info("torus:4x4", "--sequence b-connected:3 --rounds 30 --window 3").at("windows_connected").get<bool>());
  CHECK_FALSE(graph_info("torus:4x4", "--sequence b-connected:3 --rounds 30").at("windows_connected").get<bool>());
  // bad options: one-line errors
  const auto bad = run_cli("graph-info --graph ring:8 --sequence random-edge --rounds 5 --window 6");
  CHECK(bad.status != 0);
  CHECK(bad.err.find("window") != std::string::npos);
  CHECK(run_cli("graph-info --graph ring:8 --sequence nonsense").status != 0);
}
