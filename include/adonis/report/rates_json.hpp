// SPDX-License-Identifier: BSD-3-Clause
/// @file rates_json.hpp
/// @brief JSON form of a rate table (the `NAME.json` that `adonis rates --out DIR` writes).
///
/// Kept apart from verdict.hpp because it needs nlohmann-json (package nlohmann-json3-dev),
/// which the header-only adonis::adonis target does not link: link
/// nlohmann_json::nlohmann_json yourself to include this header.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/report/rates.hpp"
#include "adonis/theory/verdict.hpp"

namespace adonis {

namespace detail {

/// A number, or null when it is not finite (JSON has no NaN or infinity).
inline nlohmann::ordered_json json_number(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

}  // namespace detail

/// One row as a JSON object: the CSV columns in their order (non-finite numbers as null; check,
/// verdict and tag as their to_string names), then tolerance, note, and command (null when the
/// row has no single-run command).
inline nlohmann::ordered_json rate_row_json(const RateRow& r) {
  nlohmann::ordered_json j;
  j["table"] = r.table;
  j["algorithm"] = r.algorithm;
  j["graph"] = r.graph;
  j["problem"] = r.problem;
  j["quantity"] = r.quantity;
  j["check"] = std::string(to_string(r.check));
  j["theory"] = detail::json_number(r.theory);
  j["measured"] = detail::json_number(r.measured);
  j["ratio"] = detail::json_number(r.ratio);
  j["verdict"] = std::string(to_string(r.verdict));
  j["source"] = r.source;
  j["tag"] = std::string(to_string(r.tag));
  j["tolerance"] = detail::json_number(r.tolerance);
  j["note"] = r.note;
  j["command"] = r.command.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.command);
  return j;
}

/// The JSON document of a rate table:
///   { "provenance": <provenance as given: seeds, version, graph hashes, problem constants…>,
///     "summary": { "rows", "ok", "violated", "erratum", "report" },
///     "rows": [ rate_row_json(row)… ] }
/// Every single-run row's exact `adonis run` command is its "command" field.
/// Throws InvalidArgument for an unjudged row, or a report row without a reason.
inline nlohmann::ordered_json rates_json(const std::vector<RateRow>& rows, const nlohmann::ordered_json& provenance) {
  const VerdictCounts counts = count_verdicts(rows);
  nlohmann::ordered_json j;
  j["provenance"] = provenance;
  j["summary"] = {{"rows", rows.size()}, {"ok", counts.ok}, {"violated", counts.violated},
                  {"erratum", counts.erratum}, {"report", counts.report}};
  j["rows"] = nlohmann::ordered_json::array();
  for (const RateRow& r : rows) j["rows"].push_back(rate_row_json(r));
  return j;
}

}  // namespace adonis
