// SPDX-License-Identifier: BSD-3-Clause
// Issue 19: the comparison protocol (experiment/compare.hpp) and its outputs
// (experiment/compare_report.hpp), in the library and through `adonis compare`.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "adonis/experiment/compare.hpp"
#include "adonis/experiment/compare_report.hpp"
#include "process.hpp"

using namespace adonis;
using namespace adonis::experiment;
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

std::filesystem::path fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / name;
  std::filesystem::remove_all(d);
  return d;
}

}  // namespace

TEST_CASE("named run: the budget stops the run, reaching the target after it is a failure", "[experiment][compare]") {
  NamedRun r{.algorithm = "extra", .graph = "ring:8", .problem = "logistic:heart_scale:0.01", .seed = 1,
             .target = 1e-6, .unit = CostUnit::bytes, .budget = 1e7};
  const NamedOutcome ok = run_named(r);
  REQUIRE(ok.reached);
  REQUIRE(ok.cost == static_cast<double>(ok.counters.bytes));
  REQUIRE(ok.cost <= r.budget);
  REQUIRE(ok.final_suboptimality <= 1e-6);
  // a budget one round short of that cost: the same run, stopped before the target
  const double per_round = ok.cost / static_cast<double>(ok.counters.rounds);
  r.budget = ok.cost - per_round;
  const NamedOutcome short_run = run_named(r);
  REQUIRE_FALSE(short_run.reached);
  REQUIRE(std::isinf(short_run.cost));
  REQUIRE(short_run.counters.rounds == ok.counters.rounds - 1);
  REQUIRE(short_run.best > 1e-6);
  // the step factor scales the documented default
  r.budget = 1e7;
  r.hyper.step_factor = 2;
  REQUIRE(run_named(r).used.step == 2 * ok.used.step);
  // the rounds unit caps the rounds
  r.unit = CostUnit::rounds;
  r.budget = 17;
  REQUIRE(run_named(r).counters.rounds == 17);
  // bad input names the field and the value
  r.budget = -1;
  REQUIRE_THROWS_WITH(run_named(r), Catch::Contains("budget must be > 0") && Catch::Contains("-1"));
  r.budget = 10;
  r.algorithm = "msda";
  REQUIRE_THROWS_WITH(run_named(r), Catch::Contains("'msda' cannot be compared"));
}

TEST_CASE("compare: tuning and evaluation seeds never overlap (from the JSON), tuning picks the cheapest factor", "[experiment][compare]") {
  const CompareOptions o = small_options();
  const Comparison c = run_comparison(o, 2);
  const nlohmann::json j = comparison_json(c, "test");
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
  // the chosen factor has the least median tuning cost of its trials
  REQUIRE(c.tuning.size() == 1);
  const TuningChoice& choice = c.tuning[0];
  REQUIRE(choice.trials.size() == 2);
  const auto best = std::min_element(choice.trials.begin(), choice.trials.end(),
                                     [](const auto& a, const auto& b) { return a.median_cost < b.median_cost; });
  REQUIRE(choice.chosen.step_factor == best->factor);
  REQUIRE(std::isfinite(best->median_cost));
  // evaluation runs use it
  for (const CompareRun& r : c.runs)
    if (r.phase == "evaluation" && r.entry == 0) REQUIRE(r.run.hyper.step_factor == choice.chosen.step_factor);
  // DGD at its default step stalls above 1e-6: counted as failures with their best values, not dropped
  const CellSummary& dgd = c.cells[1][0];
  REQUIRE(dgd.runs == 3);
  REQUIRE(dgd.successes == 0);
  REQUIRE(std::isinf(dgd.cost.median));
  REQUIRE(std::isfinite(dgd.final_q50));
  REQUIRE(dgd.final_q50 > 1e-6);
  const CellSummary& extra = c.cells[0][0];
  REQUIRE(extra.successes == 3);
  REQUIRE(extra.cost.confidence == Approx(0.75));  // [min, max] of 3 seeds: 1 − 2^(1−3)
  REQUIRE_FALSE(extra.cost.reached);
  // EXTRA beats DGD on every seed; the profile: EXTRA best on the one instance
  REQUIRE(c.beats.size() == 1);
  REQUIRE(c.beats[0].p.wins == 3);
  REQUIRE(c.profile.at(0, 1.0) == 1.0);
  REQUIRE(c.profile.at(1, 1e6) == 0.0);
  // seeds that overlap are refused before any run
  CompareOptions overlap = o;
  overlap.tuning_base = 2;  // tuning seeds {2, 3}, evaluation seeds {0, 1, 2}
  REQUIRE_THROWS_WITH(run_comparison(overlap), Catch::Contains("overlap the evaluation seeds"));
  overlap.entries = {parse_entry("extra:default")};  // nothing tuned: no tuning seeds, nothing to overlap
  REQUIRE_NOTHROW(overlap.validate());
}

TEST_CASE("compare: a method given a larger budget than another is refused", "[experiment][compare]") {
  CompareOptions o = small_options();
  o.entries[1].budget = 2 * o.budget;
  REQUIRE_THROWS_AS(run_comparison(o), InvalidArgument);
  REQUIRE_THROWS_WITH(o.validate(), Catch::Contains("'dgd:default' was given a budget of 8000000 bytes, the others 4000000") &&
                                        Catch::Contains("every method gets the same budget"));
  o.entries[1].budget = o.budget;  // stated equal: accepted
  REQUIRE_NOTHROW(o.validate());
  // bad specs of the protocol
  REQUIRE_THROWS_WITH(parse_entry("extra:fast"), Catch::Contains("the mode must be tuned, default or theory"));
  REQUIRE_THROWS_WITH(parse_entry("admm:theory"), Catch::Contains("the theorem's step applies to"));
  REQUIRE_THROWS_WITH(parse_grid("1:4"), Catch::Contains("LOW:HIGH:POINTS"));
  REQUIRE_THROWS_WITH(parse_grid("4:1:3"), Catch::Contains("0 < low <= high"));
  REQUIRE_THROWS_WITH(parse_cost_unit("flops"), Catch::Contains("got 'flops'"));
  o.entries.push_back(parse_entry("extra"));
  REQUIRE_THROWS_WITH(o.validate(), Catch::Contains("'extra' is listed twice"));
}

TEST_CASE("compare: the same comparison is reproduced bit for bit from its JSON, whatever the threads", "[experiment][compare]") {
  CompareOptions o = small_options();
  o.entries = {parse_entry("choco-sgd"), parse_entry("gradient-tracking:theory")};
  o.grid = parse_grid("0.5:2:2");
  o.compressor = "qsgd:4";  // random compression: the seed must carry over
  o.budget = 2e5;
  const Comparison c = run_comparison(o, 1);
  const auto dir = fresh_dir("adonis_test_compare_replay");
  write_comparison(c, dir, "test");
  for (const char* f : {"compare.csv", "compare.json", "compare_curves_0.dat", "compare_profile.dat"})
    REQUIRE(std::filesystem::exists(dir / f));
  const nlohmann::json recorded = read_comparison_json(dir / "compare.json");
  const Comparison again = run_comparison(options_from_json(recorded), 2);
  REQUIRE(replay_differences(again, recorded).empty());
  REQUIRE(again.runs.size() == 2 * 2 * 2 + 2 * 3);  // CHOCO: step then γ stages, 2 factors × 2 seeds each
  // a recorded value changed is found
  nlohmann::json tampered = recorded;
  tampered["runs"][3]["outcome"]["best_suboptimality"] = 0.5;
  const std::vector<std::string> diff = replay_differences(again, tampered);
  REQUIRE(diff.size() == 1);
  REQUIRE(diff[0].find("run 3 ") == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("compare CLI: markdown, CSV, JSON and figures, --replay, a recorded command replays its run, bad input", "[cli][compare]") {
  const auto dir = fresh_dir("adonis_test_compare_cli");
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
  // bad input: one line, exit 2
  REQUIRE(adonis::test::one_line_error(run_cli("compare --algorithms nope --graphs ring:8 --problems "
                                               "logistic:heart_scale:0.01 --target 1e-6 --max 10"),
                                       "compare: algorithm 'nope' cannot be compared"));
  REQUIRE(adonis::test::one_line_error(run_cli("compare --algorithms extra --graphs ring:8 --problems "
                                               "logistic:heart_scale:0.01 --target 1e-6 --max 10 --tuning-base 1"),
                                       "compare: the tuning seeds [1, 4) overlap"));
  REQUIRE(adonis::test::one_line_error(run_cli("compare --algorithms extra --graphs ring:8 --problems "
                                               "logistic:heart_scale:0.01 --target 1e-6"),
                                       "compare: --max must be > 0"));
  REQUIRE(adonis::test::one_line_error(run_cli("compare --algorithms extra:theory --graphs ring:8 --problems "
                                               "logistic:heart_scale:0.01 --target 1e-6 --max 10 --sequence random-edge"),
                                       "compare: the theorem's step needs sequence static"));
  REQUIRE(adonis::test::one_line_error(run_cli("compare --algorithms extra --graphs ring:8 --problems "
                                               "logistic:heart_scale:0.01 --target 1e-6 --max 1e9 --budget rounds"),
                                       "compare: a budget of 1000000000 rounds exceeds max_rounds = 50000000"));
  REQUIRE(adonis::test::one_line_error(run_cli("compare --replay " + (dir / "compare.csv").string()),
                                       "compare --replay: '"));
  std::filesystem::remove_all(dir);
}
