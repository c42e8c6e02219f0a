// SPDX-License-Identifier: BSD-3-Clause
/// The compression table's rows, in-process (bench/tables/compression.hpp): the erratum
/// verdict cannot hide a real failure. The γ* bound rows, fed the printed step on ring:24 and
/// ring:32, are VIOLATED (not erratum, not ok); an erratum row whose measurement is 10% off its
/// exact value is VIOLATED; where the printed claim holds (ring:8) the row is ok.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adonis/report/rates.hpp"
#include "adonis/report/rates_json.hpp"
#include "tables/compression.hpp"

using namespace adonis;
using namespace adonis::tables;
using namespace adonis::tables::compression_detail;

TEST_CASE("compression table: the gamma* bound rows fed the printed step are VIOLATED on ring:24 and ring:32",
          "[tables][choco]") {
  const CompressionTableSpec spec;
  for (const char* graph : {"ring:24", "ring:32"}) {
    INFO(graph);
    const SlowestModeRun consistent = slowest_mode_run(graph, ChocoStep::consistent, 2000);
    const SlowestModeRun printed = slowest_mode_run(graph, ChocoStep::printed, 2000);
    CHECK(identity_bound_row(spec, consistent).verdict == Verdict::ok);
    const RateRow wrong = identity_bound_row(spec, printed);
    CHECK(wrong.verdict == Verdict::violated);
    CHECK(wrong.check == Check::bound);
  }
}

TEST_CASE("compression table: an erratum row needs its exact evidence, and is not automatic", "[tables][choco]") {
  const CompressionTableSpec spec;
  SlowestModeRun run = slowest_mode_run("ring:24", ChocoStep::printed, 20000);
  // the measured decay equals the exact max_k (1 − γ(1 − λ_k))² to 1e-6 relative
  CHECK(std::abs(run.decay / run.decay_exact - 1) <= 1e-6);
  const RateRow row = erratum_row(spec, run);
  CHECK(row.verdict == Verdict::erratum);
  CHECK(row.check == Check::equal);
  CHECK(row.tag == Tag::DER);
  CHECK(row.note.find("fails as printed") != std::string::npos);
  // a measurement 10% off the exact decay (a wrong implementation) is VIOLATED, not an erratum
  SlowestModeRun off = run;
  off.decay *= 1.1;
  CHECK(erratum_row(spec, off).verdict == Verdict::violated);
  off.decay = run.decay * (1 + 1e-5);
  CHECK(erratum_row(spec, off).verdict == Verdict::violated);
  // on ring:8 the printed claim holds (decay 1.6e-3 ≥ ρ²/82 = 4.6e-4): ok, not erratum
  const RateRow holds = erratum_row(spec, slowest_mode_run("ring:8", ChocoStep::printed, 5000));
  CHECK(holds.verdict == Verdict::ok);
  CHECK(holds.note.find("the statement holds here") != std::string::npos);
}

TEST_CASE("compression table (quick), in-process: 0 VIOLATED, 4 errata, counted apart", "[tables][choco]") {
  std::ostringstream log;
  experiment::Context ctx(experiment::Preset::quick, {}, log);
  const std::vector<RateRow> rows = compression_rows(CompressionTableSpec::quick(), ctx);
  const nlohmann::ordered_json& provenance = ctx.provenance();
  const VerdictCounts counts = count_verdicts(rows);
  CHECK(counts.violated == 0);
  CHECK(counts.erratum == 4);
  CHECK(counts.report == 0);
  CHECK(!any_violated(rows));  // errata alone do not fail a table
  const auto json = rates_json(rows, provenance);
  CHECK(json["summary"]["erratum"] == 4);
  CHECK(json["summary"]["ok"] == counts.ok);
  for (const RateRow& r : rows) {
    INFO(r.graph << " " << r.quantity << " " << r.note);
    if (r.verdict == Verdict::erratum) {
      CHECK(r.check == Check::equal);
      CHECK(std::abs(r.measured / r.theory - 1) <= 1e-6);
    }
    if (r.quantity.find("printed γ, identity compression") != std::string::npos) {  // slope at the printed γ
      CHECK(r.measured > 2.7);
      CHECK(r.measured <= 3.2);
    }
  }
  std::ostringstream md;
  write_rates_markdown(md, rows, "compression");
  CHECK(md.str().find("4 erratum") != std::string::npos);
  CHECK(md.str().find("### Errata (published statements shown false as printed)") != std::string::npos);
}
