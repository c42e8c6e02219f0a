// SPDX-License-Identifier: BSD-3-Clause
/// @file verdict.hpp
/// @brief Rate-table rows and the checks that judge them (theory-rates.md §12). Their writers
///        (CSV, markdown, terminal, JSON) are in report/rates.hpp and report/rates_json.hpp.
///
/// Every row declares its check and carries the numbers its verdict is based on:
///
/// | check  | for                              | verdict ok iff                                   |
/// |--------|----------------------------------|--------------------------------------------------|
/// | equal  | [DER] exact quantities only      | |measured − theory| ≤ rel_tol·|theory|            |
/// | bound  | proven upper bounds ([SRC]/[REC] or [DER]) | measured ≤ bound·(1 + 5·SE_rel)        |
/// | slope  | scaling exponents (big-O, [REC]) | |measured − predicted| ≤ tol, or measured ≤ limit |
/// | report | no theorem to check              | never: the verdict is `report`, with a reason    |
///
/// A published statement that fails as printed gets the verdict `erratum` (judge_erratum): the
/// row's check is an `equal` check of a [DER] exact quantity (the evidence), shown against the
/// published claim. An erratum row is listed apart, never counts as passing, and alone does not
/// make a table fail; if its evidence does not hold (the exact quantity is not measured), the
/// row is VIOLATED.
///
/// Published bounds are never tested for equality (theory-rates "How to read the status tags"):
/// judge_equal() refuses any tag but [DER]. A `report` row never counts as passing.
///
/// CSV columns (architecture.md, "Outputs"), in this order:
/// `table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag`.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/theory/fit.hpp"

namespace adonis {

/// How a row is checked (see the file comment).
enum class Check { equal, bound, slope, report };

/// Printable name of a Check: "equal", "bound", "slope", "report" (the CSV `check` column).
constexpr std::string_view to_string(Check c) {
  switch (c) {
    case Check::equal: return "equal";
    case Check::bound: return "bound";
    case Check::slope: return "slope";
    case Check::report: return "report";
  }
  return "unknown";
}

/// Confidence tag of the theory a row uses (theory-rates.md, "How to read the status tags"):
/// DER derived here and checked numerically (exact tests allowed), SRC confirmed from a primary
/// source (upper bounds), REC recalled, unconfirmed (orders and exponents only).
enum class Tag { DER, SRC, REC };

/// Printable name of a Tag: "DER", "SRC", "REC" (the CSV `tag` column).
constexpr std::string_view to_string(Tag t) {
  switch (t) {
    case Tag::DER: return "DER";
    case Tag::SRC: return "SRC";
    case Tag::REC: return "REC";
  }
  return "unknown";
}

/// Outcome of a row. `unjudged` is the state of a row no judge has filled yet: the writers and
/// any_violated() refuse it, so a forgotten check cannot slip through as a pass. `erratum`: a
/// published statement shown false as printed by a [DER] equality (judge_erratum).
enum class Verdict { unjudged, ok, violated, report, erratum };

/// Printable name of a Verdict: "unjudged", "ok", "VIOLATED", "report", "erratum" (the CSV
/// `verdict` column).
constexpr std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::unjudged: return "unjudged";
    case Verdict::ok: return "ok";
    case Verdict::violated: return "VIOLATED";
    case Verdict::report: return "report";
    case Verdict::erratum: return "erratum";
  }
  return "unknown";
}

/// One row of a rate table. The caller fills the identification (table … quantity, source,
/// tag, command); a judge (judge_equal, judge_bound, judge_slope, judge_slope_at_most,
/// report_only) fills check, theory, measured, ratio, verdict, tolerance and note.
/// Designated initializers follow the declaration order below; every member has a default
/// initializer, so omitted members raise no -Wmissing-field-initializers.
struct RateRow {
  std::string table{};      ///< rate table name (`default`, `gossip`, …)
  std::string algorithm{};  ///< algorithm NAME as given to `adonis run`
  std::string graph{};      ///< graph SPEC
  std::string problem{};    ///< problem SPEC (empty for pure averaging)
  std::string quantity{};   ///< what is measured, with its normalisation (e.g. "rate per round")
  Check check = Check::report;
  double theory = std::numeric_limits<double>::quiet_NaN();    ///< exact value, bound, predicted slope or limit
  double measured = std::numeric_limits<double>::quiet_NaN();  ///< the measurement
  double ratio = std::numeric_limits<double>::quiet_NaN();     ///< measured/theory
  Verdict verdict = Verdict::unjudged;
  std::string source{};  ///< paper and theorem (or "derived: …" for [DER])
  Tag tag = Tag::REC;  ///< confidence tag; REC by default (the most cautious)
  /// The tolerance applied: rel_tol (equal), 5·SE_rel (bound, relative slack), tol on the
  /// exponent (slope), 0 (slope_at_most), NaN (report).
  double tolerance = std::numeric_limits<double>::quiet_NaN();
  /// For a report row the reason no theorem is checked; for judged rows the inequality that was
  /// evaluated, with its numbers (appended to any note the caller gave).
  std::string note{};
  /// The exact `adonis run` command reproducing a single-run row (empty for aggregated rows).
  std::string command{};
};

/// A double in `digits` significant digits (NaN as "nan", infinities as "inf"/"-inf").
inline std::string format_number(double x, int digits) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::ostringstream os;
  os.precision(digits);
  os << x;
  return os.str();
}

/// A double to 6 significant digits (the tables' notes and markdown).
inline std::string short_number(double x) { return format_number(x, 6); }

namespace detail {

using adonis::format_number;
using adonis::short_number;

inline void append_note(RateRow& row, const std::string& numbers) {
  row.note = row.note.empty() ? numbers : row.note + "; " + numbers;
}

inline void check_judged(std::string_view who, const RateRow& row, std::size_t index) {
  if (row.verdict == Verdict::unjudged)
    fail(who, "rows[", index, "] (", row.table, "/", row.algorithm, "/", row.graph, "/", row.quantity,
         ") has not been judged (verdict unjudged)");
  if (row.verdict == Verdict::report && row.note.empty())
    fail(who, "rows[", index, "] is report-only and must give its reason in note");
  if (row.verdict == Verdict::erratum && (row.tag != Tag::DER || row.check != Check::equal))
    fail(who, "rows[", index, "] is an erratum whose evidence is not a [DER] equality (check ", to_string(row.check),
         ", tag ", to_string(row.tag), ")");
}

}  // namespace detail

/// Exact check, for [DER] quantities only (theory-rates §12.1, rel_tol 1e-9 in double):
/// ok iff |measured − theory| ≤ rel_tol·|theory|. ratio = measured/theory.
/// Throws InvalidArgument if row.tag is not DER (published constants are never compared for
/// equality), if theory is not finite or rel_tol is not finite and ≥ 0. A non-finite measured
/// value is VIOLATED.
inline RateRow judge_equal(RateRow row, double theory, double measured, double rel_tol) {
  constexpr std::string_view who = "judge_equal";
  if (row.tag != Tag::DER)
    detail::fail(who, "tag must be DER: only derived exact quantities are checked for equality (got ",
                 to_string(row.tag), " for ", row.algorithm, "/", row.quantity, "; use judge_bound or judge_slope)");
  if (!std::isfinite(theory)) detail::fail(who, "theory must be finite (got ", theory, ")");
  if (!(rel_tol >= 0 && std::isfinite(rel_tol))) detail::fail(who, "rel_tol must be finite and >= 0 (got ", rel_tol, ")");
  row.check = Check::equal;
  row.theory = theory;
  row.measured = measured;
  row.ratio = measured / theory;
  row.tolerance = rel_tol;
  const double gap = std::abs(measured - theory), allowed = rel_tol * std::abs(theory);
  const bool ok = gap <= allowed;
  row.verdict = ok ? Verdict::ok : Verdict::violated;
  detail::append_note(row, "|measured - theory| = " + detail::short_number(gap) + (ok ? " <= " : " > ") +
                               detail::short_number(rel_tol) + " * |theory| = " + detail::short_number(allowed));
  return row;
}

/// Upper-bound check (theory-rates §12.3): ok iff measured ≤ bound·(1 + 5·SE_rel), where
/// SE_rel = se/|measured| is the relative standard error of the measurement (se its absolute
/// standard error: a regression SE or a standard error over seeds; SE_rel = 0 when se = 0 or
/// measured = 0). ratio = measured/bound, tolerance = 5·SE_rel.
/// Throws InvalidArgument if bound is not finite (a vacuous bound is a report row) or se is not
/// finite and ≥ 0. A non-finite measured value is VIOLATED.
inline RateRow judge_bound(RateRow row, double bound, double measured, double se) {
  constexpr std::string_view who = "judge_bound";
  if (!std::isfinite(bound))
    detail::fail(who, "bound must be finite (got ", bound, "; a vacuous bound is a report_only row)");
  if (!(se >= 0 && std::isfinite(se))) detail::fail(who, "se must be finite and >= 0 (got ", se, ")");
  const double se_rel = (se == 0 || measured == 0 || !std::isfinite(measured)) ? 0.0 : se / std::abs(measured);
  const double threshold = bound * (1 + 5 * se_rel);
  row.check = Check::bound;
  row.theory = bound;
  row.measured = measured;
  row.ratio = measured / bound;
  row.tolerance = 5 * se_rel;
  const bool ok = measured <= threshold;  // false for NaN
  row.verdict = ok ? Verdict::ok : Verdict::violated;
  detail::append_note(row, "measured " + detail::short_number(measured) + (ok ? " <= " : " > ") + "bound " +
                               detail::short_number(bound) + " * (1 + 5 * " + detail::short_number(se_rel) +
                               ") = " + detail::short_number(threshold));
  return row;
}

/// judge_bound() on a fitted contraction factor: measured = fit.rate, se = fit.rate_se
/// (so SE_rel = fit.slope_se).
inline RateRow judge_bound(RateRow row, double bound, const LinearRateFit& fit) {
  return judge_bound(std::move(row), bound, fit.rate, fit.rate_se);
}

/// judge_bound() on a quantity aggregated over seeds: measured = stats.mean, se = stats.se.
inline RateRow judge_bound(RateRow row, double bound, const SeedStats& stats) {
  return judge_bound(std::move(row), bound, stats.mean, stats.se);
}

/// Two-sided slope check for scaling exponents (theory-rates §12.4, tol 0.15–0.25):
/// ok iff |measured − predicted| ≤ tol. ratio = measured/predicted, tolerance = tol.
/// Throws InvalidArgument if predicted is not finite or tol is not finite and ≥ 0.
inline RateRow judge_slope(RateRow row, double predicted, double measured, double tol) {
  constexpr std::string_view who = "judge_slope";
  if (!std::isfinite(predicted)) detail::fail(who, "predicted must be finite (got ", predicted, ")");
  if (!(tol >= 0 && std::isfinite(tol))) detail::fail(who, "tol must be finite and >= 0 (got ", tol, ")");
  row.check = Check::slope;
  row.theory = predicted;
  row.measured = measured;
  row.ratio = measured / predicted;
  row.tolerance = tol;
  const double gap = std::abs(measured - predicted);
  const bool ok = gap <= tol;
  row.verdict = ok ? Verdict::ok : Verdict::violated;
  detail::append_note(row, "|slope - predicted| = |" + detail::short_number(measured) + " - " +
                               detail::short_number(predicted) + "| = " + detail::short_number(gap) +
                               (ok ? " <= " : " > ") + "tol " + detail::short_number(tol));
  return row;
}

/// One-sided slope check (e.g. dual averaging: slope ≤ 1.3; MSDA: slope ≤ 1.25, the limit
/// already including the tolerance): ok iff measured ≤ limit. theory = limit,
/// ratio = measured/limit, tolerance = 0. Throws InvalidArgument if limit is not finite.
inline RateRow judge_slope_at_most(RateRow row, double limit, double measured) {
  if (!std::isfinite(limit)) detail::fail("judge_slope_at_most", "limit must be finite (got ", limit, ")");
  row.check = Check::slope;
  row.theory = limit;
  row.measured = measured;
  row.ratio = measured / limit;
  row.tolerance = 0;
  const bool ok = measured <= limit;
  row.verdict = ok ? Verdict::ok : Verdict::violated;
  detail::append_note(row, "slope " + detail::short_number(measured) + (ok ? " <= " : " > ") + "limit " +
                               detail::short_number(limit));
  return row;
}

/// A row that only reports a measurement (no theorem to check, e.g. a lower bound whose
/// constant is not asserted, or a step size outside the theorem's range): check = report,
/// verdict = report (never ok: it does not count as passing), note = reason. `theory` may give
/// an unchecked reference value (ratio = measured/theory then), NaN by default.
/// Throws InvalidArgument if reason is empty.
inline RateRow report_only(RateRow row, double measured, std::string reason,
                           double theory = std::numeric_limits<double>::quiet_NaN()) {
  if (reason.empty())
    detail::fail("report_only", "reason must not be empty (", row.algorithm, "/", row.quantity,
                 "): a report-only row says why no theorem is checked");
  row.check = Check::report;
  row.theory = theory;
  row.measured = measured;
  row.ratio = measured / theory;
  row.tolerance = std::numeric_limits<double>::quiet_NaN();
  row.verdict = Verdict::report;
  row.note = std::move(reason);
  return row;
}

/// A published claim on a row's exact quantity: "quantity ≥ value" (at_least) or
/// "quantity ≤ value", in the paper's words (`statement`).
struct PublishedClaim {
  std::string statement{};  ///< e.g. "decay per round ≥ ρ²/82 (ICLR'20, Thm. 4.1)"
  double value = std::numeric_limits<double>::quiet_NaN();
  bool at_least = true;
};

/// Erratum check: a published claim on an exact quantity, tested through its [DER] evidence.
/// First the evidence, an equality: |measured − exact| ≤ rel_tol·|exact| (else VIOLATED: the
/// measurement does not show the exact quantity, so nothing is shown about the paper). Then the
/// claim on the exact quantity: if it holds there, the row is ok; if it fails, the verdict is
/// `erratum` (the statement is false as printed, demonstrated). check = equal, theory = exact.
/// Throws InvalidArgument if row.tag is not DER (an erratum needs a derived exact quantity as
/// evidence, never a noisy fit), if exact or claim.value is not finite, or rel_tol is not
/// finite and ≥ 0.
inline RateRow judge_erratum(RateRow row, double exact, double measured, double rel_tol, const PublishedClaim& claim) {
  constexpr std::string_view who = "judge_erratum";
  if (row.tag != Tag::DER)
    detail::fail(who, "tag must be DER: an erratum's evidence is a derived exact quantity (got ", to_string(row.tag),
                 " for ", row.algorithm, "/", row.quantity, ")");
  if (!std::isfinite(claim.value)) detail::fail(who, "claim.value must be finite (got ", claim.value, ")");
  row = judge_equal(std::move(row), exact, measured, rel_tol);
  if (row.verdict != Verdict::ok) return row;
  const bool holds = claim.at_least ? exact >= claim.value : exact <= claim.value;
  if (!holds) row.verdict = Verdict::erratum;
  detail::append_note(row, "published: " + claim.statement + "; exact " + detail::short_number(exact) +
                               (claim.at_least ? (holds ? " >= " : " < ") : (holds ? " <= " : " > ")) +
                               detail::short_number(claim.value) +
                               (holds ? ": the statement holds here" : ": the statement fails as printed"));
  return row;
}

/// Counts of a table's verdicts.
struct VerdictCounts {
  std::size_t ok = 0, violated = 0, report = 0, erratum = 0;
};

/// Counts the verdicts of `rows`. Throws InvalidArgument for an unjudged row, or a report row
/// without a reason.
inline VerdictCounts count_verdicts(const std::vector<RateRow>& rows) {
  VerdictCounts c;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    detail::check_judged("count_verdicts", rows[i], i);
    switch (rows[i].verdict) {
      case Verdict::ok: ++c.ok; break;
      case Verdict::violated: ++c.violated; break;
      case Verdict::report: ++c.report; break;
      case Verdict::erratum: ++c.erratum; break;
      case Verdict::unjudged: break;
    }
  }
  return c;
}

/// True iff some row is VIOLATED (`adonis rates` then exits non-zero). Report and erratum rows
/// are neither passes nor failures. Throws InvalidArgument for an unjudged row.
inline bool any_violated(const std::vector<RateRow>& rows) { return count_verdicts(rows).violated > 0; }

}  // namespace adonis
