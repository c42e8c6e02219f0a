// SPDX-License-Identifier: BSD-3-Clause
/// `adonis rates` (default table, --quick): markdown, CSV, JSON provenance with a command per
/// single-run row that reproduces the row's numbers, and the gnuplot figures (issue 6).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "process.hpp"

using adonis::test::run_cli;
using adonis::test::slurp;
using adonis::test::summary_value;

TEST_CASE("rates: the default table (quick) passes, and its provenance reproduces its rows", "[cli][rates]") {
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_rates_default_" + std::to_string(::getpid()));
  const auto r = run_cli("rates --quick --out '" + dir.string() + "'");
  INFO(r.out.substr(0, 2000) << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find(" 0 VIOLATED") != std::string::npos);
  CHECK(r.out.find("Reported only (no theorem checked)") != std::string::npos);
  for (const char* alg : {"| gossip |", "| chebyshev-gossip |", "| dgd |", "| gradient-tracking |", "| extra |",
                          "| admm |", "| msda |", "| choco-gossip |", "| dual-averaging |", "| choco-sgd |"})
    CHECK(r.out.find(alg) != std::string::npos);

  const std::string csv = slurp(dir / "default.csv");
  CHECK(csv.rfind("table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag\n", 0) == 0);
  CHECK(csv.find(",VIOLATED,") == std::string::npos);
  CHECK(csv.find(",DER\n") != std::string::npos);

  // every row names its source and tag; no [REC] row is an equality
  const auto json = nlohmann::json::parse(slurp(dir / "default.json"));
  REQUIRE(json["rows"].size() > 20);
  CHECK(json["provenance"]["graphs"]["karate"]["nodes"] == 34);
  CHECK(json["provenance"]["graphs"]["karate"]["hash"].get<std::string>().size() > 4);
  for (const auto& row : json["rows"]) {
    CHECK(!row["source"].get<std::string>().empty());
    CHECK(!(row["tag"] == "REC" && row["check"] == "equal"));
    CHECK(row["command"].is_string());
  }

  // issue 22: every exact row of the optimizers is measured on the slowest mode of its Jacobian
  // (no "unresolved" bracket), and agrees with it within the row's 1e-4
  int exact = 0;
  for (const auto& row : json["rows"]) {
    const std::string q = row["quantity"];
    CHECK(q.find("unresolved") == std::string::npos);
    if (row["check"] == "equal" && q.find("on the slowest mode") != std::string::npos) {
      ++exact;
      INFO(row.dump());
      CHECK(row["verdict"] == "ok");
      CHECK(std::abs(row["ratio"].get<double>() - 1) <= 1e-4);
    }
  }
  CHECK(exact == 8);  // dgd, gradient-tracking, extra, admm x ring:16, karate (quick: the quadratic)

  // reproduce the gradient-tracking row on ring:16 from its command (--start slowest-mode): the
  // same measured exponent
  bool found = false;
  for (const auto& row : json["rows"]) {
    if (row["algorithm"] != "gradient-tracking" || row["graph"] != "ring:16") continue;
    std::string cmd = row["command"];
    REQUIRE(cmd.rfind("adonis ", 0) == 0);
    const auto out = run_cli(cmd.substr(7)).out;
    INFO(cmd << "\n" << out);
    CHECK(summary_value(out, "exponent") == Approx(row["measured"].get<double>()).epsilon(1e-12));
    found = true;
  }
  CHECK(found);

  // the convergence figure: a real SVG and a real PNG (gnuplot is a dependency)
  const std::string svg = slurp(dir / "default_convergence.svg");
  CHECK(svg.find("<svg") != std::string::npos);
  std::ifstream png(dir / "default_convergence.png", std::ios::binary);
  char sig[8] = {};
  png.read(sig, 8);
  CHECK(std::string(sig + 1, 3) == "PNG");
  std::filesystem::remove_all(dir);
}

TEST_CASE("rates --jobs: tables side by side print the same as one after the other, in the order asked",
          "[cli][rates][asan_skip]") {
  const std::string tables = "rates --table optimal,gossip,spectral,gossip --quick --format markdown";
  const auto one = run_cli(tables + " --jobs 1");
  REQUIRE(one.status == 0);
  // each table once, in the order given
  const auto at = [&](const char* name) { return one.out.find(std::string(name) + " table (adonis"); };
  REQUIRE(at("optimal") != std::string::npos);
  CHECK(at("optimal") < at("gossip"));
  CHECK(at("gossip") < at("spectral"));
  CHECK(one.out.find("gossip table (adonis", at("gossip") + 1) == std::string::npos);
  for (const char* jobs : {" --jobs 2", " --jobs 3", ""}) {
    INFO(jobs);
    const auto r = run_cli(tables + jobs);
    CHECK(r.status == 0);
    CHECK(r.out == one.out);
  }
  const auto bad = run_cli("rates --table gossip --jobs -1");
  CHECK(bad.status != 0);
  CHECK(bad.err.find("--jobs must be in [0, 1024] (got -1)") != std::string::npos);
  const auto unknown = run_cli("rates --table gossip,nonsense");
  CHECK(unknown.status != 0);
  CHECK(unknown.err.find("unknown --table 'nonsense'") != std::string::npos);
}
