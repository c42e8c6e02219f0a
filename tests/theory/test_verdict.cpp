// SPDX-License-Identifier: BSD-3-Clause
// Verdicts (theory/verdict.hpp) and their writers (report/rates.hpp, report/rates_json.hpp) and gnuplot plots (report/plot.hpp).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "adonis/core/rng.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/report/rates_json.hpp"
#include "adonis/theory/verdict.hpp"
#include "process.hpp"

namespace {

using adonis::Check;
using adonis::RateRow;
using adonis::Tag;
using adonis::Verdict;
using adonis::test::fresh_dir;
using adonis::test::slurp;

RateRow row_for(const std::string& quantity, Tag tag) {
  return RateRow{.table = "linear-rates",
                 .algorithm = "gossip",
                 .graph = "ring:16",
                 .problem = "",
                 .quantity = quantity,
                 .source = "Boyd et al. 2006, Thm 3",
                 .tag = tag};
}

/// A measured contraction: err_t = 0.9^t·exp(0.02 z_t), fitted.
adonis::LinearRateFit measured_rate_0_9() {
  adonis::SplitMix64 rng(5);
  std::vector<double> t, err;
  for (int i = 0; i < 120; ++i) {
    const double u1 = 1.0 - rng.uniform(), u2 = rng.uniform();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    t.push_back(i);
    err.push_back(std::pow(0.9, i) * std::exp(0.02 * z));
  }
  return adonis::fit_linear_rate(t, err);
}


/// Sets PATH for the lifetime of the guard.
class PathGuard {
 public:
  explicit PathGuard(const std::string& value) {
    const char* old = std::getenv("PATH");
    m_had = old != nullptr;
    if (m_had) m_old = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~PathGuard() {
    if (m_had)
      ::setenv("PATH", m_old.c_str(), 1);
    else
      ::unsetenv("PATH");
  }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  bool m_had = false;
  std::string m_old;
};

adonis::PlotSpec convergence_spec() {
  adonis::PlotSpec spec{.title = "gossip on ring:16 — measured vs. bound (1 - γ)^t",
                        .xlabel = "round t",
                        .ylabel = "consensus error",
                        .series = {}};
  adonis::Series measured{.title = "measured, it's 'quoted'", .x = {}, .y = {}};
  adonis::Series envelope{.title = "bound", .x = {}, .y = {}, .dashed = true};
  adonis::Series marks{.title = "every 10th\nround", .x = {}, .y = {}, .points = true};
  for (int t = 0; t <= 200; ++t) {
    measured.x.push_back(t);
    measured.y.push_back(t == 100 ? 0.0 : std::pow(0.95, t));  // 0 cannot be drawn on log y: a gap
    envelope.x.push_back(t);
    envelope.y.push_back(2 * std::pow(0.97, t));
    if (t % 10 == 0) {
      marks.x.push_back(t);
      marks.y.push_back(std::pow(0.95, t));
    }
  }
  spec.series = {measured, envelope, marks};
  return spec;
}

}  // namespace

TEST_CASE("Check, Tag and Verdict print their CSV names", "[theory][verdict]") {
  CHECK(adonis::to_string(Check::equal) == "equal");
  CHECK(adonis::to_string(Check::bound) == "bound");
  CHECK(adonis::to_string(Check::slope) == "slope");
  CHECK(adonis::to_string(Check::report) == "report");
  CHECK(adonis::to_string(Tag::DER) == "DER");
  CHECK(adonis::to_string(Tag::SRC) == "SRC");
  CHECK(adonis::to_string(Tag::REC) == "REC");
  CHECK(adonis::to_string(Verdict::ok) == "ok");
  CHECK(adonis::to_string(Verdict::violated) == "VIOLATED");
  CHECK(adonis::to_string(Verdict::report) == "report");
}

TEST_CASE("the bound checker can fail: a rate claimed twice too fast is VIOLATED", "[theory][verdict]") {
  const adonis::LinearRateFit fit = measured_rate_0_9();
  REQUIRE(fit.rate == Approx(0.9).epsilon(1e-3));
  REQUIRE(fit.slope_se > 0);
  // The true contraction 0.9 per round, a valid (slightly loose) bound 0.91: ok.
  const RateRow good = adonis::judge_bound(row_for("rate per round", Tag::SRC), 0.91, fit);
  CHECK(good.verdict == Verdict::ok);
  CHECK(good.check == Check::bound);
  CHECK(good.theory == 0.91);
  CHECK(good.measured == fit.rate);
  CHECK(good.ratio == Approx(fit.rate / 0.91));
  CHECK(good.tolerance == Approx(5 * fit.slope_se));
  CHECK_THAT(good.note, Catch::Contains("<= bound"));
  // A bound claiming twice the speed (log-rate doubled: 0.9² = 0.81 per round): VIOLATED.
  const RateRow wrong = adonis::judge_bound(row_for("rate per round", Tag::SRC), 0.81, fit);
  CHECK(wrong.verdict == Verdict::violated);
  CHECK_THAT(wrong.note, Catch::Contains("> bound"));
  CHECK(adonis::any_violated({good, wrong}));
  CHECK_FALSE(adonis::any_violated({good}));

  // The statistical slack is exactly 5·SE_rel: measured 1.0 ± 0.01 against bound 0.96.
  CHECK(adonis::judge_bound(row_for("q", Tag::REC), 0.95, 1.0, 0.01).verdict == Verdict::violated);  // 0.95·1.05 = 0.9975
  CHECK(adonis::judge_bound(row_for("q", Tag::REC), 0.953, 1.0, 0.0).verdict == Verdict::violated);
  CHECK(adonis::judge_bound(row_for("q", Tag::REC), 0.953, 1.0, 0.01).verdict == Verdict::ok);  // 0.953·1.05 = 1.00065
  // Over seeds: mean 10, se 0.1 (SE_rel 0.01); bound 9.6 → 9.6·1.05 = 10.08 ≥ 10: ok.
  const adonis::SeedStats stats{.mean = 10, .sd = 1, .se = 0.1, .count = 100};
  CHECK(adonis::judge_bound(row_for("iterations to 1e-6", Tag::REC), 9.6, stats).verdict == Verdict::ok);
  CHECK(adonis::judge_bound(row_for("iterations to 1e-6", Tag::REC), 9.5, stats).verdict == Verdict::violated);
  // A diverged measurement is VIOLATED, not an exception; a vacuous bound is refused.
  CHECK(adonis::judge_bound(row_for("q", Tag::SRC), 1.0, std::nan(""), 0.0).verdict == Verdict::violated);
  CHECK_THROWS_AS(adonis::judge_bound(row_for("q", Tag::SRC), std::numeric_limits<double>::infinity(), 1.0, 0.0),
                  adonis::InvalidArgument);
  CHECK_THROWS_AS(adonis::judge_bound(row_for("q", Tag::SRC), 1.0, 1.0, -0.1), adonis::InvalidArgument);
}

TEST_CASE("judge_equal is for DER only, and can fail", "[theory][verdict]") {
  const RateRow ok = adonis::judge_equal(row_for("slem", Tag::DER), 0.9238795325112867, 0.9238795325112868, 1e-9);
  CHECK(ok.verdict == Verdict::ok);
  CHECK(ok.check == Check::equal);
  CHECK(ok.tolerance == 1e-9);
  const RateRow off = adonis::judge_equal(row_for("slem", Tag::DER), 0.9238795325112867, 0.92388, 1e-9);
  CHECK(off.verdict == Verdict::violated);
  CHECK_THROWS_AS(adonis::judge_equal(row_for("rate", Tag::SRC), 0.9, 0.9, 1e-9), adonis::InvalidArgument);
  CHECK_THROWS_AS(adonis::judge_equal(row_for("rate", Tag::REC), 0.9, 0.9, 1e-9), adonis::InvalidArgument);
  try {
    adonis::judge_equal(row_for("rate", Tag::REC), 0.9, 0.9, 1e-9);
  } catch (const adonis::InvalidArgument& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("tag must be DER") && Catch::Contains("REC"));
  }
  CHECK(adonis::judge_equal(row_for("x", Tag::DER), 1.0, std::nan(""), 1e-9).verdict == Verdict::violated);
}

TEST_CASE("slope checks, two-sided and one-sided", "[theory][verdict]") {
  const RateRow ring = adonis::judge_slope(row_for("averaging time vs n", Tag::REC), 3.0, 3.1, 0.25);
  CHECK(ring.verdict == Verdict::ok);
  CHECK(ring.check == Check::slope);
  CHECK(ring.ratio == Approx(3.1 / 3.0));
  CHECK(adonis::judge_slope(row_for("averaging time vs n", Tag::REC), 3.0, 3.4, 0.25).verdict == Verdict::violated);
  CHECK(adonis::judge_slope(row_for("averaging time vs n", Tag::REC), 3.0, 2.7, 0.25).verdict == Verdict::violated);
  CHECK(adonis::judge_slope_at_most(row_for("T_eps vs 1/(1-σ2)", Tag::REC), 1.3, 1.05).verdict == Verdict::ok);
  CHECK(adonis::judge_slope_at_most(row_for("T_eps vs 1/(1-σ2)", Tag::REC), 1.3, 1.4).verdict == Verdict::violated);
}

TEST_CASE("erratum rows: shown by a [DER] equality, listed apart, never passing, never hiding a failure",
          "[theory][verdict]") {
  const adonis::PublishedClaim claim{.statement = "decay ≥ ρ²/82", .value = 6.29e-6, .at_least = true};
  // evidence holds, claim fails: erratum
  const RateRow e = adonis::judge_erratum(row_for("decay per round", Tag::DER), 3.18e-6, 3.18e-6 * (1 + 1e-9), 1e-6, claim);
  CHECK(e.verdict == Verdict::erratum);
  CHECK(e.check == Check::equal);
  CHECK(adonis::to_string(Verdict::erratum) == "erratum");
  // evidence fails (10% off, or 1e-5 off at a 1e-6 tolerance): VIOLATED, whatever the claim
  CHECK(adonis::judge_erratum(row_for("decay", Tag::DER), 3.18e-6, 3.18e-6 * 1.1, 1e-6, claim).verdict ==
        Verdict::violated);
  CHECK(adonis::judge_erratum(row_for("decay", Tag::DER), 3.18e-6, 3.18e-6 * (1 + 1e-5), 1e-6, claim).verdict ==
        Verdict::violated);
  // evidence holds, claim holds: ok
  CHECK(adonis::judge_erratum(row_for("decay", Tag::DER), 1e-5, 1e-5, 1e-6, claim).verdict == Verdict::ok);
  // "≤" claims too
  const adonis::PublishedClaim at_most{.statement = "r ≤ 0.5", .value = 0.5, .at_least = false};
  CHECK(adonis::judge_erratum(row_for("r", Tag::DER), 0.6, 0.6, 1e-9, at_most).verdict == Verdict::erratum);
  // only a [DER] quantity can show a statement false
  CHECK_THROWS_WITH(adonis::judge_erratum(row_for("decay", Tag::SRC), 3.18e-6, 3.18e-6, 1e-6, claim),
                    Catch::Matchers::Contains("judge_erratum: tag must be DER"));
  // counted apart, never passing, not a failure; a forged erratum (not a DER equality) is refused
  const adonis::VerdictCounts counts = adonis::count_verdicts({e});
  CHECK(counts.erratum == 1);
  CHECK(counts.ok == 0);
  CHECK_FALSE(adonis::any_violated({e}));
  RateRow forged = adonis::judge_bound(row_for("r", Tag::DER), 0.5, 0.6, 0.0);
  forged.verdict = Verdict::erratum;
  CHECK_THROWS_WITH(adonis::count_verdicts({forged}), Catch::Matchers::Contains("not a [DER] equality"));
  std::ostringstream md;
  adonis::write_rates_markdown(md, {e}, "t");
  CHECK(md.str().find("1 rows: 0 ok, 0 VIOLATED, 1 erratum, 0 reported only.") != std::string::npos);
  CHECK(md.str().find("### Errata") != std::string::npos);
  CHECK(adonis::rates_json({e}, nlohmann::ordered_json::object())["summary"]["erratum"] == 1);
}

TEST_CASE("report-only rows never count as passing, and must say why", "[theory][verdict]") {
  const RateRow rep = adonis::report_only(row_for("rounds to 1e-6 vs √κ(1 + 1/√γ)", Tag::REC), 412.0,
                                          "lower bound's constant is not asserted");
  CHECK(rep.verdict == Verdict::report);
  CHECK(rep.check == Check::report);
  CHECK(rep.note == "lower bound's constant is not asserted");
  CHECK(std::isnan(rep.theory));
  const adonis::VerdictCounts counts = adonis::count_verdicts({rep});
  CHECK(counts.ok == 0);
  CHECK(counts.report == 1);
  CHECK_FALSE(adonis::any_violated({rep}));
  CHECK_THROWS_AS(adonis::report_only(row_for("q", Tag::REC), 1.0, ""), adonis::InvalidArgument);
  // A row no judge has filled is refused everywhere (it is neither ok nor violated).
  const RateRow unjudged = row_for("q", Tag::SRC);
  CHECK_THROWS_AS(adonis::any_violated({unjudged}), adonis::InvalidArgument);
  std::ostringstream sink;
  CHECK_THROWS_AS(adonis::write_rates_csv(sink, {unjudged}), adonis::InvalidArgument);
  CHECK_THROWS_AS(adonis::write_rates_markdown(sink, {unjudged}, "t"), adonis::InvalidArgument);
  CHECK_THROWS_AS(adonis::rates_json({unjudged}, {}), adonis::InvalidArgument);
}

TEST_CASE("rates CSV has exactly the architecture columns, 17 digits and RFC 4180 quoting", "[theory][verdict]") {
  RateRow a = row_for("rate per round", Tag::DER);
  a.problem = "quadratic:dim=20,L=10,mu=0.1";  // holds commas
  a.source = "Boyd, Ghosh, Prabhakar, Shah 2006, \"Randomized gossip\"";
  std::vector<RateRow> rows{adonis::judge_equal(a, 0.1, 0.1, 1e-9),
                            adonis::report_only(row_for("q", Tag::REC), 2.0, "no theorem")};
  std::ostringstream out;
  adonis::write_rates_csv(out, rows);
  std::istringstream lines(out.str());
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK_FALSE(std::getline(lines, extra));
  CHECK(header == "table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag");
  CHECK(first ==
        "linear-rates,gossip,ring:16,\"quadratic:dim=20,L=10,mu=0.1\",rate per round,equal,"
        "0.10000000000000001,0.10000000000000001,1,ok,"
        "\"Boyd, Ghosh, Prabhakar, Shah 2006, \"\"Randomized gossip\"\"\",DER");
  CHECK(second == "linear-rates,gossip,ring:16,,q,report,nan,2,nan,report,\"Boyd et al. 2006, Thm 3\",REC");
}

TEST_CASE("rates markdown marks VIOLATED rows and lists report rows apart", "[theory][verdict]") {
  const adonis::LinearRateFit fit = measured_rate_0_9();
  std::vector<RateRow> rows{
      adonis::judge_bound(row_for("rate per round", Tag::SRC), 0.91, fit),
      adonis::judge_bound(row_for("rate per round | wrong", Tag::SRC), 0.81, fit),
      adonis::report_only(row_for("rounds to ε", Tag::REC), 412, "lower bound: constant not asserted")};
  std::ostringstream out;
  adonis::write_rates_markdown(out, rows, "linear-rates");
  const std::string md = out.str();
  INFO(md);
  CHECK_THAT(md, Catch::StartsWith("## linear-rates\n"));
  CHECK_THAT(md, Catch::Contains("3 rows: 1 ok, 1 VIOLATED, 1 reported only."));
  CHECK_THAT(md, Catch::Contains("| **VIOLATED** |"));
  CHECK_THAT(md, Catch::Contains("| ok |"));
  CHECK_THAT(md, Catch::Contains("rate per round \\| wrong"));  // cell pipes escaped
  const auto section = md.find("### Reported only (no theorem checked)");
  REQUIRE(section != std::string::npos);
  CHECK(md.find("lower bound: constant not asserted") > section);
  CHECK(md.find("rounds to ε") > section);  // the report row is not in the judged table
}

TEST_CASE("rates JSON carries provenance, summary and every row's command", "[theory][verdict]") {
  RateRow single = row_for("rate per round", Tag::DER);
  single.command = "adonis run --algorithm gossip --graph ring:16 --iterations 200 --seed 0";
  std::vector<RateRow> rows{adonis::judge_equal(single, 0.5, 0.5, 1e-9),
                            adonis::report_only(row_for("q", Tag::REC), 1.0, "why not")};
  const nlohmann::ordered_json provenance = {{"version", "0.1.0"}, {"seeds", {0, 1, 2}}};
  const nlohmann::ordered_json j = adonis::rates_json(rows, provenance);
  CHECK(j["provenance"] == provenance);
  CHECK(j["summary"]["rows"] == 2);
  CHECK(j["summary"]["ok"] == 1);
  CHECK(j["summary"]["violated"] == 0);
  CHECK(j["summary"]["report"] == 1);
  REQUIRE(j["rows"].size() == 2);
  CHECK(j["rows"][0]["command"] == single.command);
  CHECK(j["rows"][0]["verdict"] == "ok");
  CHECK(j["rows"][0]["tag"] == "DER");
  CHECK(j["rows"][1]["command"].is_null());
  CHECK(j["rows"][1]["theory"].is_null());  // NaN → null
  CHECK(j["rows"][1]["note"] == "why not");
  // Column order of the CSV first.
  std::vector<std::string> keys;
  for (auto it = j["rows"][0].begin(); it != j["rows"][0].end(); ++it) keys.push_back(it.key());
  CHECK(keys == std::vector<std::string>{"table", "algorithm", "graph", "problem", "quantity", "check", "theory",
                                         "measured", "ratio", "verdict", "source", "tag", "tolerance", "note",
                                         "command"});
}

TEST_CASE("write_plot renders SVG and PNG with gnuplot", "[theory][plot]") {
  const adonis::PlotSpec spec = convergence_spec();
  const bool have_gnuplot = adonis::find_gnuplot().has_value();
  const char* skip = std::getenv("ADONIS_NO_GNUPLOT");
  if (!have_gnuplot && !(skip != nullptr && std::string(skip) == "1"))
    FAIL("gnuplot not found on PATH: the project requires it (Debian/Ubuntu package gnuplot-nox); "
         "set ADONIS_NO_GNUPLOT=1 to skip this test");
  const auto dir = fresh_dir("plot");
  const auto stem = dir / "sub dir" / "convergence";
  if (!have_gnuplot) {
    WARN("gnuplot not found on PATH: plot rendering not tested (ADONIS_NO_GNUPLOT=1)");
    const adonis::PlotOutput out = adonis::write_plot(spec, stem);
    CHECK_FALSE(out.images);
    CHECK(std::filesystem::exists(out.script));
    std::filesystem::remove_all(dir);
    return;
  }
  const adonis::PlotOutput out = adonis::write_plot(spec, stem);
  INFO(out.gnuplot_output);
  REQUIRE(out.images);
  CHECK(out.svg == std::filesystem::absolute(stem).string() + ".svg");
  const std::string svg = slurp(out.svg);
  const std::string png = slurp(out.png);
  CHECK((svg.rfind("<?xml", 0) == 0 || svg.rfind("<svg", 0) == 0));
  CHECK_THAT(svg, Catch::Contains("<svg") && Catch::Contains("</svg>"));
  REQUIRE(png.size() > 8);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  std::filesystem::remove_all(dir);
}

TEST_CASE("write_plot data and script files, without and with a failing gnuplot", "[theory][plot]") {
  const auto dir = fresh_dir("plot_files");
  const adonis::PlotSpec spec = convergence_spec();
  {
    // An empty PATH: no gnuplot. The data and script are still written; no images.
    const auto empty_bin = dir / "empty bin";
    std::filesystem::create_directories(empty_bin);
    PathGuard path(empty_bin.string());
    const adonis::PlotOutput out = adonis::write_plot(spec, dir / "a");
    CHECK_FALSE(out.images);
    CHECK_FALSE(std::filesystem::exists(out.svg));
    const std::string dat = slurp(out.data);
    const std::string gp = slurp(out.script);
    // Three blocks: two separators of two blank lines; the 0 at t = 100 left out with a one-line gap.
    CHECK_THAT(dat, Catch::Contains("# series 2: every 10th round\n"));  // one line: a title cannot break the data
    CHECK_THAT(dat, Catch::Contains("\n99 ") && Catch::Contains("\n\n101 "));
    CHECK_FALSE(dat.find("\n100 0\n") != std::string::npos);
    CHECK_THAT(gp, Catch::Contains("set logscale y") && Catch::Contains("index 2") &&
                       Catch::Contains("dashtype 2") && Catch::Contains("'measured, it''s ''quoted'''") &&
                       Catch::Contains("pngcairo") && Catch::Contains("'a.png'"));
  }
  {
    // A gnuplot that fails: RuntimeError naming the script, with gnuplot's output.
    const auto fake_bin = dir / "fake bin";
    std::filesystem::create_directories(fake_bin);
    const auto fake = fake_bin / "gnuplot";
    {
      std::ofstream f(fake);
      f << "#!/bin/sh\necho \"line 3: undefined variable: nonsense\" >&2\nexit 3\n";
    }
    std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
    PathGuard path(fake_bin.string());
    REQUIRE(adonis::find_gnuplot() == fake);
    try {
      adonis::write_plot(spec, dir / "b");
      FAIL("write_plot did not throw");
    } catch (const adonis::RuntimeError& e) {
      const std::string what = e.what();
      CHECK_THAT(what, Catch::Contains((dir / "b.gp").string()) && Catch::Contains("exit status 3") &&
                           Catch::Contains("undefined variable"));
    }
  }
  adonis::PlotSpec bad = spec;
  bad.series[1].y.pop_back();
  CHECK_THROWS_AS(adonis::write_plot(bad, dir / "c"), adonis::DimensionMismatch);
  adonis::PlotSpec nothing{.title = "t", .xlabel = "x", .ylabel = "y", .series = {{.title = "s", .x = {1}, .y = {0}}}};
  CHECK_THROWS_AS(adonis::write_plot(nothing, dir / "d"), adonis::InvalidArgument);
  std::filesystem::remove_all(dir);
}
