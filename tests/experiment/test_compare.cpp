// SPDX-License-Identifier: BSD-3-Clause
// Issue 19: the comparison protocol (experiment/compare.hpp) and its outputs
// (experiment/compare_report.hpp). The runs go through `adonis compare` (the CLI only parses and
// calls run_comparison): instantiating every algorithm in this file again cost 41 s of compile
// at -O1 and 47 s under ASan, against CI's 20 minutes; docs/examples/compare_methods.cpp calls
// the library directly (ctest "example: compare methods"). The checks that run nothing
// (validation, parsing) call the library here.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "adonis/experiment/compare.hpp"
#include "adonis/experiment/compare_report.hpp"
#include "process.hpp"

using namespace adonis;
using namespace adonis::experiment;
using adonis::test::fresh_dir;
using adonis::test::run_cli;

namespace {

/// A small comparison: EXTRA (tuned on a 2-point grid) and DGD (default step: it stalls at
/// its bias, above the target) on ring:8 with logistic heart_scale, 3 evaluation seeds.
CompareOptions small_options() {
  CompareOptions o;
  o.entries = {parse_entry("extra"), parse_entry("dgd:default")};
  o.graphs = {"ring:8"};
  o.problems = {"logistic:heart_scale:0.01"};
  o.seeds = 3;
  o.tuning_seeds = 2;
  o.grid = parse_grid("1:4:2");
  o.target = 1e-6;
  o.unit = CostUnit::bytes;
  o.budget = 4e6;
  return o;
}

/// `adonis compare ARGS --out DIR` (status 0 required), then DIR/compare.json.
nlohmann::json compare_json(const std::string& args, const std::filesystem::path& dir) {
  const auto r = run_cli("compare " + args + " --out " + dir.string());
  INFO(r.err);
  REQUIRE(r.status == 0);
  return nlohmann::json::parse(adonis::test::slurp(dir / "compare.json"));
}


}  // namespace

TEST_CASE("compare: the budget stops the run, reaching the target after it is a failure", "[cli][compare]") {
  const auto dir = fresh_dir("test_compare_budget");
  const std::string base = "--algorithms extra:default --graphs ring:8 --problems logistic:heart_scale:0.01 --seeds 1 "
                           "--seed-base 1 --target 1e-6 ";
  const nlohmann::json ok = compare_json(base + "--budget bytes --max 1e7", dir).at("runs").at(0).at("outcome");
  REQUIRE(ok.at("reached").get<bool>());
  const double cost = ok.at("cost").get<double>(), rounds = ok.at("rounds").get<double>();
  REQUIRE(cost == ok.at("bytes").get<double>());
  REQUIRE(cost <= 1e7);
  REQUIRE(ok.at("final_suboptimality").get<double>() <= 1e-6);
  // a budget one round short of that cost: the same run, stopped before the target
  std::ostringstream shorter;
  shorter.precision(17);
  shorter << cost - cost / rounds;
  const nlohmann::json miss = compare_json(base + "--budget bytes --max " + shorter.str(), dir).at("runs").at(0).at("outcome");
  REQUIRE_FALSE(miss.at("reached").get<bool>());
  REQUIRE(miss.at("cost") == "inf");
  REQUIRE(miss.at("rounds").get<double>() == rounds - 1);
  REQUIRE(miss.at("best_suboptimality").get<double>() > 1e-6);
  // the rounds unit caps the rounds
  REQUIRE(compare_json(base + "--budget rounds --max 17", dir).at("runs").at(0).at("outcome").at("rounds") == 17);
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: a method given a larger budget than another is refused, and the protocol's bad specs", "[experiment][compare]") {
  CompareOptions o = small_options();
  REQUIRE_NOTHROW(o.validate());
  o.entries[1].budget = 2 * o.budget;
  REQUIRE_THROWS_WITH(o.validate(), Catch::Contains("'dgd:default' was given a budget of 8000000 bytes, the others 4000000") &&
                                        Catch::Contains("every method gets the same budget"));
  o.entries[1].budget = o.budget;  // stated equal: accepted
  REQUIRE_NOTHROW(o.validate());
  // overlapping seed ranges are refused; with nothing tuned there are no tuning seeds
  CompareOptions overlap = small_options();
  overlap.tuning_base = 2;  // tuning seeds {2, 3}, evaluation seeds {0, 1, 2}
  REQUIRE_THROWS_WITH(overlap.validate(), Catch::Contains("overlap the evaluation seeds"));
  overlap.entries = {parse_entry("extra:default")};
  REQUIRE_NOTHROW(overlap.validate());
  REQUIRE_THROWS_WITH(parse_entry("extra:fast"), Catch::Contains("the mode must be tuned, default or theory"));
  REQUIRE_THROWS_WITH(parse_entry("admm:theory"), Catch::Contains("the theorem's step applies to"));
  REQUIRE_THROWS_WITH(parse_entry("msda"), Catch::Contains("'msda' cannot be compared"));
  REQUIRE_THROWS_WITH(parse_grid("1:4"), Catch::Contains("LOW:HIGH:POINTS"));
  REQUIRE_THROWS_WITH(parse_grid("4:1:3"), Catch::Contains("0 < low <= high"));
  REQUIRE(parse_grid("0.0625:64:11").factors() ==
          std::vector<double>{0.0625, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64});
  REQUIRE_THROWS_WITH(parse_cost_unit("flops"), Catch::Contains("got 'flops'"));
  o.entries.push_back(parse_entry("extra"));
  REQUIRE_THROWS_WITH(o.validate(), Catch::Contains("'extra' is listed twice"));
  NamedRun r{.algorithm = "extra", .graph = "ring:8", .problem = "logistic:heart_scale:0.01", .target = 1e-6,
             .unit = CostUnit::rounds, .budget = 1e9};
  REQUIRE_THROWS_WITH(r.validate(), Catch::Contains("exceeds max_rounds"));
  r.budget = -1;
  REQUIRE_THROWS_WITH(r.validate(), Catch::Contains("budget must be > 0") && Catch::Contains("-1"));
}

TEST_CASE("compare: tuning and evaluation seeds never overlap (from the JSON), the tuned factor, failures counted", "[cli][compare]") {
  const auto dir = fresh_dir("test_compare_seeds");
  const nlohmann::json j = compare_json("--algorithms extra,dgd:default --graphs ring:8 --problems logistic:heart_scale:0.01 "
                                        "--seeds 3 --tuning-seeds 2 --grid 1:4:2 --target 1e-6 --budget bytes --max 4e6",
                                        dir);
  const auto tuning = j.at("tuning_seeds").get<std::vector<std::uint64_t>>();
  const auto evaluation = j.at("evaluation_seeds").get<std::vector<std::uint64_t>>();
  REQUIRE(tuning.size() == 2);
  REQUIRE(evaluation.size() == 3);
  const std::set<std::uint64_t> t(tuning.begin(), tuning.end()), e(evaluation.begin(), evaluation.end());
  for (std::uint64_t s : e) REQUIRE(t.count(s) == 0);
  std::size_t tuning_runs = 0, evaluation_runs = 0;
  for (const auto& run : j.at("runs")) {
    const auto seed = run.at("seed").get<std::uint64_t>();
    if (run.at("phase") == "tuning") {
      ++tuning_runs;
      REQUIRE(t.count(seed) == 1);
      REQUIRE(run.at("method") == "extra");  // the default entry is not tuned
    } else {
      ++evaluation_runs;
      REQUIRE(e.count(seed) == 1);
    }
  }
  REQUIRE(tuning_runs == 2 * 2);  // 2 factors × 2 tuning seeds
  REQUIRE(evaluation_runs == 2 * 3);
  // the chosen factor has the least median tuning cost of its trials, and the evaluation uses it
  const nlohmann::json& choice = j.at("tuning").at(0);
  double best_cost = std::numeric_limits<double>::infinity(), best_factor = 0;
  for (const auto& trial : choice.at("trials"))
    if (trial.at("median_cost").is_number() && trial.at("median_cost").get<double>() < best_cost) {
      best_cost = trial.at("median_cost").get<double>();
      best_factor = trial.at("factor").get<double>();
    }
  REQUIRE(std::isfinite(best_cost));
  REQUIRE(choice.at("chosen").at("step_factor").get<double>() == best_factor);
  for (const auto& run : j.at("runs"))
    if (run.at("phase") == "evaluation" && run.at("method") == "extra")
      REQUIRE(run.at("hyper").at("step_factor").get<double>() == best_factor);
  // DGD at its default step stalls above 1e-6: counted as failures with their values, not dropped
  for (const auto& s : j.at("summary")) {
    REQUIRE(s.at("runs") == 3);
    if (s.at("method") == "dgd:default") {
      REQUIRE(s.at("successes") == 0);
      REQUIRE(s.at("median_cost") == "inf");
      REQUIRE(s.at("final_quantiles").at(1).get<double>() > 1e-6);
    } else {
      REQUIRE(s.at("successes") == 3);
      REQUIRE(s.at("confidence").get<double>() == Approx(0.75));  // [min, max] of 3 seeds: 1 − 2^(1−3)
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare: the same comparison is reproduced bit for bit from its JSON, whatever the threads", "[cli][compare]") {
  const auto dir = fresh_dir("test_compare_replay");
  // random compression (qsgd): the seeds must carry over; CHOCO tunes its step then its γ
  const nlohmann::json j =
      compare_json("--algorithms choco-sgd,gradient-tracking:theory --compressor qsgd:4 --graphs ring:8 --problems "
                   "logistic:heart_scale:0.01 --seeds 3 --tuning-seeds 2 --grid 0.5:2:2 --target 1e-6 --budget bytes "
                   "--max 2e5 --jobs 1",
                   dir);
  REQUIRE(j.at("runs").size() == 2 * 2 * 2 + 2 * 3);
  const auto again = run_cli("compare --replay " + (dir / "compare.json").string() + " --jobs 2");
  REQUIRE(again.status == 0);
  REQUIRE(again.out.find("14 runs, identical bit for bit") != std::string::npos);
  nlohmann::json tampered = j;
  tampered["runs"][3]["outcome"]["best_suboptimality"] = 0.5;
  {
    std::ofstream out(dir / "tampered.json");
    out << tampered.dump();
  }
  const auto differs = run_cli("compare --replay " + (dir / "tampered.json").string());
  REQUIRE(differs.status == 1);
  REQUIRE(differs.out.find("compare: differs: run 3 (tuning, choco-sgd") != std::string::npos);
  REQUIRE(differs.out.find("1 of 14 runs differ") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare CLI: markdown, CSV, JSON and figures, --replay, a recorded command replays its run, bad input", "[cli][compare]") {
  const auto dir = fresh_dir("test_compare_cli");
  const std::string args = "compare --algorithms extra,dgd:default --graphs ring:8 --problems logistic:heart_scale:0.01 "
                           "--seeds 3 --tuning-seeds 2 --grid 1:4:2 --target 1e-6 --budget bytes --max 4e6 --jobs 2 --out " +
                           dir.string();
  const auto r = run_cli(args);
  REQUIRE(r.status == 0);
  REQUIRE(r.out.find("| extra | 3/3 |") != std::string::npos);
  REQUIRE(r.out.find("| dgd:default | 0/3 | failed |") != std::string::npos);
  REQUIRE(r.err.find("compare: 10/10 runs (evaluation)") != std::string::npos);  // progress on stderr
  for (const char* f : {"compare.csv", "compare.json", "compare_profile.svg", "compare_profile.png",
                        "compare_curves_0.svg", "compare_curves_0.png"})
    REQUIRE(std::filesystem::exists(dir / f));
  // the CSV: one row per run, the raw data
  std::ifstream csv(dir / "compare.csv");
  std::string line;
  std::size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  REQUIRE(rows == 1 + 10);
  // replay: identical, then a tampered JSON exits 1
  const auto replay = run_cli("compare --replay " + (dir / "compare.json").string());
  REQUIRE(replay.status == 0);
  REQUIRE(replay.out.find("10 runs, identical bit for bit") != std::string::npos);
  nlohmann::json j = nlohmann::json::parse(adonis::test::slurp(dir / "compare.json"));
  REQUIRE(j.at("invocation").get<std::string>().find("compare --algorithms extra,dgd:default") != std::string::npos);
  // an evaluation run's recorded command, run by `adonis run`, gives the same rounds and value
  const nlohmann::json& run = j.at("runs").back();
  const std::string command = run.at("command").get<std::string>();
  REQUIRE(command.rfind("adonis run ", 0) == 0);
  const auto rerun = run_cli(command.substr(std::string("adonis ").size()));
  REQUIRE(rerun.status == 0);
  REQUIRE(adonis::test::summary_value(rerun.out, "rounds") == run.at("outcome").at("rounds").get<double>());
  REQUIRE(adonis::test::summary_value(rerun.out, "bytes") == run.at("outcome").at("bytes").get<double>());
  const double recorded_final = run.at("outcome").at("final_suboptimality").get<double>();
  REQUIRE(recorded_final > 1e-6);  // DGD's default step stalls above the target
  REQUIRE(adonis::test::summary_value(rerun.out, "suboptimality") == Approx(recorded_final).epsilon(1e-5));  // printed to 6 digits
  // an EXTRA run with its tuned step (17 digits in the command): its trace's last row equals
  // the recorded outcome exactly
  for (const auto& e : j.at("runs")) {
    if (e.at("phase") != "evaluation" || e.at("method") != "extra") continue;
    const std::string csv_path = (dir / "replayed.csv").string();
    const auto tuned = run_cli(e.at("command").get<std::string>().substr(std::string("adonis ").size()) + " --csv " + csv_path);
    REQUIRE(tuned.status == 0);
    std::ifstream trace(csv_path);
    std::string row, last;
    while (std::getline(trace, row)) last = row;
    const auto comma = [&](int k) {  // the k-th field (0-based) of the last row
      std::size_t at = 0;
      for (int i = 0; i < k; ++i) at = last.find(',', at) + 1;
      return std::stod(last.substr(at, last.find(',', at) - at));
    };
    REQUIRE(comma(0) == e.at("outcome").at("rounds").get<double>());
    REQUIRE(comma(4) == e.at("outcome").at("bytes").get<double>());
    REQUIRE(comma(5) == e.at("outcome").at("final_suboptimality").get<double>());  // 17 digits both
    break;
  }
  j["runs"][0]["outcome"]["rounds"] = 1;
  {
    std::ofstream out(dir / "tampered.json");
    out << j.dump();
  }
  const auto differs = run_cli("compare --replay " + (dir / "tampered.json").string());
  REQUIRE(differs.status == 1);
  REQUIRE(differs.out.find("1 of 10 runs differ") != std::string::npos);
  // bad input: one line, exit 2, before any run
  const std::string base = "compare --graphs ring:8 --problems logistic:heart_scale:0.01 --target 1e-6 ";
  const std::vector<std::pair<std::string, std::string>> bad{
      {base + "--algorithms nope --max 10", "compare: algorithm 'nope' cannot be compared"},
      {base + "--algorithms extra --max 10 --tuning-base 1", "compare: the tuning seeds [1, 4) overlap"},
      {base + "--algorithms extra", "compare: --max must be > 0"},
      {base + "--algorithms extra:theory --max 10 --sequence random-edge", "compare: the theorem's step needs sequence static"},
      {base + "--algorithms extra --max 1e9 --budget rounds",
       "compare: a budget of 1000000000 rounds exceeds max_rounds = 50000000"},
      {"compare --replay " + (dir / "compare.csv").string(), "compare --replay: '"}};
  for (const auto& [cmdline, message] : bad) {
    INFO(cmdline);
    REQUIRE(adonis::test::one_line_error(run_cli(cmdline), message));
  }
  std::filesystem::remove_all(dir);
}
