// SPDX-License-Identifier: BSD-3-Clause
/// @file compare_report.hpp
/// @brief What a comparison (experiment/compare.hpp) writes: the markdown summary, one CSV row
///        per run (the raw data), the JSON provenance (version, machine, options, seeds, grids,
///        the tuning choices, every run's `adonis run` command and its outcome), the figures
///        (median curves with 10–90 % quantile lines against the cost axis, one per instance,
///        and the performance profile), and the bit-for-bit replay check of a JSON.
///
/// @code
///   const auto c = adonis::experiment::run_comparison(options);
///   std::cout << adonis::experiment::compare_markdown(c);
///   adonis::experiment::write_comparison(c, "cmp", "my invocation");  // CSV, JSON, figures
///   // later: the same comparison from its JSON, and the runs that differ (none expected)
///   const auto recorded = adonis::experiment::read_comparison_json("cmp/compare.json");
///   const auto again = adonis::experiment::run_comparison(adonis::experiment::options_from_json(recorded));
///   const std::vector<std::string> diff = adonis::experiment::replay_differences(again, recorded);
/// @endcode
#pragma once

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/core/error.hpp"
#include "adonis/experiment/compare_types.hpp"
#include "adonis/experiment/statistics.hpp"
#include "adonis/report/atomic_file.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/version.hpp"

namespace adonis::experiment {

namespace detail {

/// A number for the JSON: finite values as numbers (nlohmann writes the shortest form that
/// reads back to the same double), ±∞ and NaN as the strings "inf", "-inf", "nan".
inline nlohmann::json json_number(double x) {
  if (std::isfinite(x)) return x;
  if (std::isnan(x)) return "nan";
  return x > 0 ? "inf" : "-inf";
}
inline double number_from_json(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  const std::string s = j.get<std::string>();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  adonis::detail::fail("compare --replay", "not a number: '", s, "'");
}

/// 4 significant digits, "inf" for +∞.
inline std::string short_cost(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (std::isnan(x)) return "nan";
  std::ostringstream s;
  s.precision(4);
  s << x;
  return s.str();
}

/// The machine a comparison ran on: host name, system, cores, compiler.
inline nlohmann::json machine_info() {
  nlohmann::json m;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m["hostname"] = host;
  utsname u{};
  if (uname(&u) == 0) m["system"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m["cores"] = std::thread::hardware_concurrency();
#ifdef __VERSION__
  m["compiler"] = __VERSION__;
#endif
  return m;
}

/// Calls f(key, field) for every plain field of the options that the JSON records (the methods,
/// the unit and the grid's factors are written apart): one list for writing and reading.
template <class Options, class F>
void option_fields(Options& o, F&& f) {
  f("graphs", o.graphs);
  f("problems", o.problems);
  f("sequence", o.sequence);
  f("mixing", o.mixing);
  f("partition", o.partition);
  f("start", o.start);
  f("compressor", o.compressor);
  f("target", o.target);
  f("budget", o.budget);
  f("level", o.level);
  f("max_rounds", o.max_rounds);
  f("seed_base", o.seed_base);
  f("seeds", o.seeds);
  f("tuning_base", o.tuning_base);
  f("tuning_seed_count", o.tuning_seeds);
  f("grid_low", o.grid.low);
  f("grid_high", o.grid.high);
  f("grid_points", o.grid.points);
}

inline nlohmann::json hyper_json(const Hyper& h) {
  return {{"step", h.step},     {"step_factor", h.step_factor},       {"gamma", h.gamma},
          {"gamma_factor", h.gamma_factor}, {"penalty", h.penalty}, {"penalty_factor", h.penalty_factor},
          {"theory", h.theory}};
}

inline nlohmann::json outcome_json(const NamedOutcome& o) {
  return {{"status", std::string(to_string(o.status))},
          {"reached", o.reached},
          {"cost", json_number(o.cost)},
          {"best_suboptimality", json_number(o.best)},
          {"final_suboptimality", json_number(o.final_suboptimality)},
          {"rounds", o.counters.rounds},
          {"time", json_number(o.counters.time)},
          {"gradients", o.counters.gradients},
          {"messages", o.counters.messages},
          {"bytes", o.counters.bytes},
          {"used", hyper_json(o.used)}};
}

}  // namespace detail

/// The markdown summary: per instance, one row per method (success rate, median cost to ε with
/// its interval and achieved confidence, quantiles of the final suboptimality, the tuned
/// factors), then P(A beats B) for every pair, then the performance profile at τ = 1, 2, 4, 10.
inline std::string compare_markdown(const Comparison& c) {
  using detail::short_cost;
  const CompareOptions& o = c.options;
  std::ostringstream s;
  s << "## Comparison: cost to f(x̄) − f* ≤ " << short_cost(o.target) << " in " << to_string(o.unit)
    << ", budget " << short_cost(o.budget) << " each, " << o.seeds << " evaluation seeds\n\n";
  for (std::size_t i = 0; i < c.instances(); ++i) {
    s << "### " << c.instance_name(i) << "\n\n";
    s << "| method | solved | median cost | interval (confidence) | final f − f* q10 / q50 / q90 | tuned |\n";
    s << "|---|---|---|---|---|---|\n";
    for (std::size_t e = 0; e < o.entries.size(); ++e) {
      const CellSummary& cell = c.cells[e][i];
      std::string tuned = "-";
      for (const TuningChoice& t : c.tuning)
        if (t.entry == e && t.instance == i) {
          tuned.clear();
          for (const auto& p : detail::tuned_parameters(o.entries[e].algorithm)) {
            const double f = detail::factor_of(t.chosen, p);
            const bool edge = o.grid.points > 1 && (f == o.grid.low || f == o.grid.high);
            tuned += (tuned.empty() ? "" : ", ") + p + " ×" + short_cost(f) + (edge ? " (grid edge)" : "");
          }
        }
      std::ostringstream conf;
      conf.precision(4);
      conf << 100 * cell.cost.confidence;
      s << "| " << o.entries[e].label() << " | " << cell.successes << "/" << cell.runs << " | "
        << (std::isfinite(cell.cost.median) ? short_cost(cell.cost.median) : "failed") << " | ["
        << short_cost(cell.cost.lower) << ", " << short_cost(cell.cost.upper) << "] (" << conf.str() << "%"
        << (cell.cost.reached ? "" : ", short of " + short_cost(100 * o.level) + "%") << ") | "
        << short_cost(cell.final_q10) << " / " << short_cost(cell.final_q50) << " / " << short_cost(cell.final_q90)
        << " | " << tuned << " |\n";
    }
    bool header = false;
    for (const PairBeat& b : c.beats) {
      if (b.instance != i) continue;
      if (!header) {
        s << "\n| A | B | P(A beats B) | interval | wins / ties / seeds |\n|---|---|---|---|---|\n";
        header = true;
      }
      s << "| " << o.entries[b.a].label() << " | " << o.entries[b.b].label() << " | " << short_cost(b.p.estimate)
        << " | [" << short_cost(b.p.lower) << ", " << short_cost(b.p.upper) << "] | " << b.p.wins << " / " << b.p.ties
        << " / " << b.p.seeds << " |\n";
    }
    s << "\n";
  }
  s << "### Performance profile (Dolan–Moré, over " << c.instances() << " instances, median costs)\n\n";
  s << "| method | ρ(1) | ρ(2) | ρ(4) | ρ(10) |\n|---|---|---|---|---|\n";
  for (std::size_t e = 0; e < o.entries.size(); ++e)
    s << "| " << o.entries[e].label() << " | " << short_cost(c.profile.at(e, 1)) << " | "
      << short_cost(c.profile.at(e, 2)) << " | " << short_cost(c.profile.at(e, 4)) << " | "
      << short_cost(c.profile.at(e, 10)) << " |\n";
  return s.str();
}

namespace detail {
/// A CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}
}  // namespace detail

/// One CSV row per run (tuning and evaluation), 17 significant digits: the raw data. A spec
/// with commas (quadratic:dim=5,L=4) is quoted.
inline void write_compare_csv(const Comparison& c, std::ostream& out) {
  using detail::csv_field;
  out << "phase,method,algorithm,graph,problem,seed,step_factor,gamma_factor,penalty_factor,step,gamma,penalty,"
         "status,reached,cost,best_suboptimality,final_suboptimality,rounds,time,gradients,messages,bytes\n";
  const auto old = out.precision(17);
  for (const CompareRun& r : c.runs) {
    const NamedOutcome& o = r.outcome;
    out << r.phase << ',' << c.options.entries[r.entry].label() << ',' << r.run.algorithm << ','
        << csv_field(r.run.graph) << ',' << csv_field(r.run.problem) << ',' << r.run.seed << ',' << r.run.hyper.step_factor << ',' << r.run.hyper.gamma_factor
        << ',' << r.run.hyper.penalty_factor << ',' << o.used.step << ',' << o.used.gamma << ',' << o.used.penalty
        << ',' << to_string(o.status) << ',' << (o.reached ? 1 : 0) << ',' << o.cost << ',' << o.best << ','
        << o.final_suboptimality << ',' << o.counters.rounds << ',' << o.counters.time << ',' << o.counters.gradients
        << ',' << o.counters.messages << ',' << o.counters.bytes << '\n';
  }
  out.precision(old);
}

/// The comparison's provenance and results as JSON; `invocation` is the command that made it.
inline nlohmann::json comparison_json(const Comparison& c, const std::string& invocation) {
  const CompareOptions& o = c.options;
  nlohmann::json j;
  j["adonis_version"] = version_string;
  j["invocation"] = invocation;
  j["machine"] = detail::machine_info();
  nlohmann::json opt;
  for (const CompareEntry& e : o.entries) opt["methods"].push_back(e.label());
  opt["budget_unit"] = std::string(to_string(o.unit));
  detail::option_fields(o, [&](const char* key, const auto& value) { opt[key] = value; });
  opt["grid_factors"] = o.grid.factors();
  j["options"] = opt;
  j["evaluation_seeds"] = o.evaluation_seeds();
  j["tuning_seeds"] = o.any_tuned() ? nlohmann::json(o.tuning_seed_list()) : nlohmann::json::array();
  for (const TuningChoice& t : c.tuning) {
    nlohmann::json tj{{"method", o.entries[t.entry].label()}, {"instance", c.instance_name(t.instance)},
                      {"chosen", detail::hyper_json(t.chosen)}};
    for (const auto& tr : t.trials)
      tj["trials"].push_back({{"parameter", tr.parameter},
                              {"factor", tr.factor},
                              {"median_cost", detail::json_number(tr.median_cost)},
                              {"median_best", detail::json_number(tr.median_best)}});
    j["tuning"].push_back(tj);
  }
  for (const CompareRun& r : c.runs)
    j["runs"].push_back({{"phase", r.phase},
                         {"method", o.entries[r.entry].label()},
                         {"instance", c.instance_name(r.instance)},
                         {"seed", r.run.seed},
                         {"hyper", detail::hyper_json(r.run.hyper)},
                         {"command", replay_command(r.run, r.outcome)},
                         {"outcome", detail::outcome_json(r.outcome)}});
  for (std::size_t e = 0; e < o.entries.size(); ++e)
    for (std::size_t i = 0; i < c.instances(); ++i) {
      const CellSummary& s = c.cells[e][i];
      j["summary"].push_back({{"method", o.entries[e].label()},
                              {"instance", c.instance_name(i)},
                              {"successes", s.successes},
                              {"runs", s.runs},
                              {"median_cost", detail::json_number(s.cost.median)},
                              {"interval", {detail::json_number(s.cost.lower), detail::json_number(s.cost.upper)}},
                              {"confidence", s.cost.confidence},
                              {"final_quantiles", {detail::json_number(s.final_q10), detail::json_number(s.final_q50),
                                                   detail::json_number(s.final_q90)}}});
    }
  return j;
}

/// Reads a compare.json.
/// @throws InvalidArgument when the file cannot be read or is not a comparison's JSON.
inline nlohmann::json read_comparison_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) adonis::detail::fail("compare --replay", "cannot read '", path.string(), "'");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    adonis::detail::fail("compare --replay", "'", path.string(), "' is not JSON: ", e.what());
  }
  if (!j.contains("options") || !j.contains("runs"))
    adonis::detail::fail("compare --replay", "'", path.string(), "' is not a comparison (no options or runs)");
  return j;
}

/// The options recorded in a comparison's JSON (a method's budget is the comparison's).
/// @throws InvalidArgument for a missing or malformed field (naming it).
inline CompareOptions options_from_json(const nlohmann::json& j) {
  CompareOptions o;
  try {
    const nlohmann::json& p = j.at("options");
    for (const auto& m : p.at("methods")) o.entries.push_back(parse_entry(m.get<std::string>()));
    o.unit = parse_cost_unit(p.at("budget_unit").get<std::string>());
    detail::option_fields(o, [&](const char* key, auto& value) {
      value = p.at(key).get<std::remove_reference_t<decltype(value)>>();
    });
  } catch (const nlohmann::json::exception& e) {
    adonis::detail::fail("compare --replay", "the JSON's options are malformed: ", e.what());
  }
  o.validate();
  return o;
}

/// The runs of `fresh` that differ from those recorded in `recorded` (a comparison's JSON):
/// every field of every run's outcome compared exactly (the JSON holds each double's shortest
/// round-trip form). Empty when the replay is bit for bit.
inline std::vector<std::string> replay_differences(const Comparison& fresh, const nlohmann::json& recorded) {
  std::vector<std::string> diff;
  const nlohmann::json& runs = recorded.at("runs");
  if (runs.size() != fresh.runs.size())
    diff.push_back("the JSON has " + std::to_string(runs.size()) + " runs, the replay " +
                   std::to_string(fresh.runs.size()));
  const std::size_t n = std::min<std::size_t>(runs.size(), fresh.runs.size());
  for (std::size_t k = 0; k < n; ++k) {
    const CompareRun& r = fresh.runs[k];
    const nlohmann::json now = detail::outcome_json(r.outcome);
    const nlohmann::json& was = runs[k].at("outcome");
    if (now != was || replay_command(r.run, r.outcome) != runs[k].at("command").get<std::string>())
      diff.push_back("run " + std::to_string(k) + " (" + r.phase + ", " + fresh.options.entries[r.entry].label() +
                     ", " + fresh.instance_name(r.instance) + ", seed " + std::to_string(r.run.seed) +
                     "): recorded " + was.dump() + ", replayed " + now.dump());
  }
  return diff;
}

/// The figures of a comparison in `dir`: compare_curves_K (instance K: for each method the
/// median over the evaluation seeds of the best f(x̄) − f* reached within cost c, and its 10 %
/// and 90 % quantiles dashed, on a log grid of c up to the budget) and compare_profile (ρ_s(τ)).
/// Each as .dat, .gp, .svg and .png (report/plot.hpp).
inline void write_compare_figures(const Comparison& c, const std::filesystem::path& dir) {
  const CompareOptions& o = c.options;
  for (std::size_t i = 0; i < c.instances(); ++i) {
    double lo = o.budget;
    for (const CompareRun& r : c.runs)
      if (r.phase == "evaluation" && r.instance == i)
        for (const auto& [cost, sub] : r.outcome.curve)
          if (cost > 0) lo = std::min(lo, cost);
    std::vector<double> grid;
    const int points = 60;
    for (int k = 0; k < points; ++k)
      grid.push_back(lo * std::pow(o.budget / lo, static_cast<double>(k) / (points - 1)));
    PlotSpec plot{.title = c.instance_name(i) + ": best f(x̄) − f* within the cost (median, 10% and 90% of " +
                           std::to_string(o.seeds) + " seeds)",
                  .xlabel = std::string(to_string(o.unit)),
                  .ylabel = "f(x̄) − f*",
                  .logx = true};
    for (std::size_t e = 0; e < o.entries.size(); ++e) {
      std::vector<std::vector<double>> at(grid.size());  // at[k]: one value per seed
      for (const CompareRun& r : c.runs) {
        if (r.phase != "evaluation" || r.entry != e || r.instance != i) continue;
        double best = std::numeric_limits<double>::infinity();
        std::size_t p = 0;
        for (std::size_t k = 0; k < grid.size(); ++k) {
          while (p < r.outcome.curve.size() && r.outcome.curve[p].first <= grid[k]) {
            if (std::isfinite(r.outcome.curve[p].second)) best = std::min(best, r.outcome.curve[p].second);
            ++p;
          }
          at[k].push_back(best);
        }
      }
      const int color = static_cast<int>(e) + 1;  // a method's three lines share its colour
      Series q10{.title = o.entries[e].label() + " 10%", .dashed = true, .color = color},
          q50{.title = o.entries[e].label() + " median", .color = color},
          q90{.title = o.entries[e].label() + " 90%", .dashed = true, .color = color};
      for (std::size_t k = 0; k < grid.size(); ++k) {
        for (Series* s : {&q10, &q50, &q90}) s->x.push_back(grid[k]);
        q10.y.push_back(quantile(at[k], 0.1));
        q50.y.push_back(quantile(at[k], 0.5));
        q90.y.push_back(quantile(at[k], 0.9));
      }
      plot.series.push_back(std::move(q50));
      plot.series.push_back(std::move(q10));
      plot.series.push_back(std::move(q90));
    }
    write_plot(plot, dir / ("compare_curves_" + std::to_string(i)));
  }
  PlotSpec profile{.title = "performance profile over " + std::to_string(c.instances()) + " instances (median cost to " +
                            detail::short_cost(o.target) + ")",
                   .xlabel = "tau (cost / best cost)",
                   .ylabel = "fraction of instances within tau",
                   .logx = true,
                   .logy = false};
  std::vector<double> taus = c.profile.breakpoints();
  const double top = taus.empty() ? 2.0 : std::max(2.0, 2 * taus.back());
  taus.insert(taus.begin(), 1.0);
  taus.push_back(top);
  std::sort(taus.begin(), taus.end());
  taus.erase(std::unique(taus.begin(), taus.end()), taus.end());
  for (std::size_t e = 0; e < o.entries.size(); ++e) {
    Series s{.title = o.entries[e].label()};
    for (std::size_t k = 0; k < taus.size(); ++k) {  // a step function: hold, then jump
      if (k > 0) {
        s.x.push_back(taus[k]);
        s.y.push_back(c.profile.at(e, taus[k - 1]));
      }
      s.x.push_back(taus[k]);
      s.y.push_back(c.profile.at(e, taus[k]));
    }
    profile.series.push_back(std::move(s));
  }
  write_plot(profile, dir / "compare_profile");
}

/// Writes compare.csv, compare.json and the figures into `dir` (created if missing); each
/// text file atomically.
/// @throws RuntimeError when the directory cannot be created or a file written.
inline void write_comparison(const Comparison& c, const std::filesystem::path& dir, const std::string& invocation) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) adonis::detail::fail<RuntimeError>("compare", "cannot create --out directory '", dir.string(), "': ", ec.message());
  {
    AtomicFile csv(dir / "compare.csv", "compare");
    write_compare_csv(c, csv.stream());
    csv.commit();
  }
  {
    AtomicFile json(dir / "compare.json", "compare");
    json.stream() << comparison_json(c, invocation).dump(1) << '\n';
    json.commit();
  }
  write_compare_figures(c, dir);
}

}  // namespace adonis::experiment
