// SPDX-License-Identifier: BSD-3-Clause
/// @file compare_types.hpp
/// @brief The data of issue 19's comparisons, apart from the algorithms that produce it: a run
///        named by strings (NamedRun) and what it measured (NamedOutcome), the options of a
///        comparison (CompareOptions) and its results (Comparison). experiment/named_run.hpp
///        runs a NamedRun, experiment/compare.hpp a comparison, experiment/compare_report.hpp
///        writes one — the last without parsing any algorithm (docs/performance.md, "Compile
///        time").
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"
#include "adonis/experiment/statistics.hpp"

namespace adonis::experiment {

/// The cost axis of a comparison: what a budget is counted in.
enum class CostUnit { rounds, gradients, bytes, time };

/// "rounds", "gradients", "bytes", "time".
constexpr std::string_view to_string(CostUnit u) {
  switch (u) {
    case CostUnit::rounds: return "rounds";
    case CostUnit::gradients: return "gradients";
    case CostUnit::bytes: return "bytes";
    case CostUnit::time: return "time";
  }
  return "?";
}

/// @throws InvalidArgument naming the known units.
inline CostUnit parse_cost_unit(std::string_view s) {
  for (CostUnit u : {CostUnit::rounds, CostUnit::gradients, CostUnit::bytes, CostUnit::time})
    if (s == to_string(u)) return u;
  adonis::detail::fail("compare", "--budget must be rounds, gradients, bytes or time (got '", s, "')");
}

/// The cost of `c` in unit u (time: the simulated time; the round number for synchronous runs).
inline double cost_of(const Counters& c, CostUnit u) {
  switch (u) {
    case CostUnit::rounds: return static_cast<double>(c.rounds);
    case CostUnit::gradients: return static_cast<double>(c.gradients);
    case CostUnit::bytes: return static_cast<double>(c.bytes);
    case CostUnit::time: return c.time;
  }
  return 0;
}

/// The algorithms run_named knows: the synchronous optimizers with a step or a penalty.
inline const std::vector<std::string>& named_run_algorithms() {
  static const std::vector<std::string> names{"dgd", "gradient-tracking", "extra", "admm", "choco-sgd"};
  return names;
}

/// The hyperparameters a run uses; 0 means the documented default (catalog's step_rule), and a
/// factor scales that default (a tuning grid is a grid of factors: the default rule adapts to
/// each seed's partition, the factor is what tuning chooses).
struct Hyper {
  double step = 0;         ///< step η (dgd, gradient-tracking, extra, choco-sgd); 0: factor × default
  double step_factor = 1;  ///< multiplies the documented default step when step = 0
  double gamma = 0;        ///< CHOCO's consensus step γ; 0: min(1, gamma_factor × δ)
  double gamma_factor = 1;
  double penalty = 0;      ///< ADMM's penalty c; 0: penalty_factor × 1
  double penalty_factor = 1;
  bool theory = false;     ///< the theorem's step (--step theory; a static W)
};

/// One run, named by strings.
struct NamedRun {
  std::string algorithm{}, graph{}, problem{};
  std::string sequence = "static", mixing = "metropolis", partition = "iid", start = "zero";
  std::string compressor = "identity";  ///< CHOCO's compressor
  Hyper hyper{};
  std::uint64_t seed = 0;  ///< the partition, X_0 (start random), random sequences and compressors
  double target = 0;       ///< f(x̄) − f* to reach (> 0)
  CostUnit unit = CostUnit::rounds;
  double budget = 0;            ///< in `unit` (> 0)
  Round max_rounds = 50'000'000;  ///< a backstop when the budget's unit is not rounds

  /// @throws InvalidArgument naming the field and the value.
  void validate() const {
    bool known = false;
    for (const auto& a : named_run_algorithms()) known = known || a == algorithm;
    if (!known) {
      std::string list;
      for (const auto& a : named_run_algorithms()) list += (list.empty() ? "" : ", ") + a;
      adonis::detail::fail("compare", "algorithm '", algorithm, "' cannot be compared (known: ", list, ")");
    }
    if (!(target > 0)) adonis::detail::fail("compare", "target must be > 0 (got ", target, ")");
    if (!(budget > 0) || !std::isfinite(budget)) adonis::detail::fail("compare", "budget must be > 0 (got ", budget, ")");
    if (!(hyper.step >= 0) || !(hyper.gamma >= 0) || !(hyper.penalty >= 0))
      adonis::detail::fail("compare", "step, gamma and penalty must be >= 0 (got ", hyper.step, ", ", hyper.gamma, ", ",
                           hyper.penalty, ")");
    if (!(hyper.step_factor > 0) || !(hyper.gamma_factor > 0) || !(hyper.penalty_factor > 0))
      adonis::detail::fail("compare", "the step, gamma and penalty factors must be > 0 (got ", hyper.step_factor, ", ",
                           hyper.gamma_factor, ", ", hyper.penalty_factor, ")");
    if (hyper.theory && algorithm != "dgd" && algorithm != "gradient-tracking" && algorithm != "extra")
      adonis::detail::fail("compare", "the theorem's step applies to dgd, gradient-tracking and extra (got '", algorithm, "')");
    if (hyper.theory && sequence != "static")
      adonis::detail::fail("compare", "the theorem's step needs sequence static (got '", sequence, "')");
    if (max_rounds < 1) adonis::detail::fail("compare", "max_rounds must be >= 1 (got ", max_rounds, ")");
    if (unit == CostUnit::rounds && budget > static_cast<double>(max_rounds))
      adonis::detail::fail("compare", "a budget of ", budget, " rounds exceeds max_rounds = ", max_rounds,
                           " (--max-rounds)");
    if (start != "zero" && start != "random" && start != "local")
      adonis::detail::fail("compare", "start must be zero, random or local (got '", start, "')");
  }

  /// The rounds to run: the budget itself in rounds, else the backstop.
  Round round_limit() const {
    if (unit != CostUnit::rounds || budget >= static_cast<double>(max_rounds)) return max_rounds;
    return static_cast<Round>(std::ceil(budget));
  }
};

/// What run_named measured.
struct NamedOutcome {
  Status status = Status::max_rounds;
  bool reached = false;
  double cost = std::numeric_limits<double>::infinity();  ///< cost when the target was reached, +∞ otherwise
  double best = std::numeric_limits<double>::infinity();  ///< least f(x̄) − f* recorded (+∞ if none finite)
  double final_suboptimality = std::numeric_limits<double>::quiet_NaN();
  Counters counters{};
  Hyper used{};  ///< the hyperparameters the algorithm resolved (defaults made numeric)
  /// (cost, f(x̄) − f*) at the trace's log-spaced rounds, the first and the last round.
  std::vector<std::pair<double, double>> curve{};
};

namespace detail {
/// `s` as one POSIX shell word: as is when made of [A-Za-z0-9_./:=,+-], else single-quoted.
inline std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("_./:=,+-").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}
}  // namespace detail

/// The `adonis run` command line that replays a run (with --iterations the rounds it took;
/// each SPEC shell-quoted when it needs it).
inline std::string replay_command(const NamedRun& r, const NamedOutcome& o) {
  using detail::shell_word;
  std::ostringstream s;
  s.precision(17);
  s << "adonis run --algorithm " << r.algorithm << " --graph " << shell_word(r.graph) << " --problem "
    << shell_word(r.problem) << " --sequence " << shell_word(r.sequence) << " --mixing " << r.mixing
    << " --partition " << shell_word(r.partition) << " --start " << r.start << " --seed " << r.seed << " --target "
    << r.target << " --iterations " << o.counters.rounds;
  if (r.algorithm == "admm") s << " --rho " << o.used.penalty;
  else if (r.hyper.theory) s << " --step theory";
  else s << " --step " << o.used.step;
  if (r.algorithm == "choco-sgd") s << " --compressor " << shell_word(r.compressor) << " --gamma " << o.used.gamma;
  return s.str();
}

/// One method of a comparison: an algorithm and how its hyperparameters are set.
struct CompareEntry {
  std::string algorithm;
  std::string mode = "tuned";  ///< tuned | default | theory
  /// 0: the comparison's budget. Any other value must equal it: run_comparison refuses a
  /// method given a different budget (the protocol's fairness rule).
  double budget = 0;
  /// "dgd" for a tuned entry, "dgd:default", "dgd:theory" otherwise.
  std::string label() const { return mode == "tuned" ? algorithm : algorithm + ":" + mode; }
};

/// "ALGORITHM[:tuned|:default|:theory]".
/// @throws InvalidArgument for an unknown mode or an algorithm run_named does not know.
inline CompareEntry parse_entry(std::string_view text) {
  CompareEntry e;
  const auto colon = text.find(':');
  e.algorithm = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) e.mode = std::string(text.substr(colon + 1));
  if (e.mode != "tuned" && e.mode != "default" && e.mode != "theory")
    adonis::detail::fail("compare", "method '", text, "': the mode must be tuned, default or theory (got '", e.mode, "')");
  NamedRun probe{.algorithm = e.algorithm, .target = 1, .budget = 1};
  probe.hyper.theory = e.mode == "theory";
  probe.validate();  // names the known algorithms, refuses theory where no theorem step exists
  return e;
}

/// The log grid of tuning factors: `points` values from `low` to `high`, geometrically spaced.
struct TuningGrid {
  double low = 0.0625, high = 64;  ///< 2^-4 … 2^6: the default rules are conservative (GT's by 16–32×)
  int points = 11;
  void validate() const {
    if (!(low > 0) || !(high >= low) || !std::isfinite(high))
      adonis::detail::fail("compare", "the grid must satisfy 0 < low <= high (got ", low, ":", high, ")");
    if (points < 1 || (points == 1 && high != low))
      adonis::detail::fail("compare", "the grid needs >= 1 point (2 when low < high; got ", points, ")");
  }
  std::vector<double> factors() const {
    validate();
    std::vector<double> f;
    for (int k = 0; k < points; ++k)
      f.push_back(points == 1 || k == 0 ? low
                  : k == points - 1     ? high
                                        : low * std::exp2(std::log2(high / low) * k / (points - 1)));  // exact for 2^j grids
    return f;
  }
};

/// "LOW:HIGH:POINTS" (e.g. 0.125:32:9).
/// @throws InvalidArgument naming the field and the value.
inline TuningGrid parse_grid(std::string_view text) {
  const auto a = text.find(':'), b = text.rfind(':');
  if (a == std::string_view::npos || a == b)
    adonis::detail::fail("compare", "--grid must be LOW:HIGH:POINTS (got '", text, "')");
  TuningGrid g;
  try {
    std::size_t used = 0;
    const std::string lo(text.substr(0, a)), hi(text.substr(a + 1, b - a - 1)), k(text.substr(b + 1));
    g.low = std::stod(lo, &used);
    if (used != lo.size()) throw std::invalid_argument(lo);
    g.high = std::stod(hi, &used);
    if (used != hi.size()) throw std::invalid_argument(hi);
    g.points = std::stoi(k, &used);
    if (used != k.size()) throw std::invalid_argument(k);
  } catch (const std::logic_error&) {
    adonis::detail::fail("compare", "--grid must be LOW:HIGH:POINTS with numbers (got '", text, "')");
  }
  g.validate();
  return g;
}

/// Everything that defines a comparison (and, with the results, what its JSON holds).
struct CompareOptions {
  std::vector<CompareEntry> entries;
  std::vector<std::string> graphs, problems;
  std::string sequence = "static", mixing = "metropolis", partition = "iid", start = "zero";
  std::string compressor = "identity";  ///< of the compressed methods (choco-sgd)
  int seeds = 5;                         ///< evaluation seeds: seed_base, …, seed_base + seeds − 1
  std::uint64_t seed_base = 0;
  int tuning_seeds = 3;                  ///< tuning seeds: tuning_base, …, tuning_base + tuning_seeds − 1
  std::uint64_t tuning_base = 1'000'000;
  TuningGrid grid{};
  double target = 0;                     ///< f(x̄) − f* to reach
  CostUnit unit = CostUnit::rounds;
  double budget = 0;                     ///< every method's budget, in `unit`
  double level = 0.95;                   ///< of the median intervals and the P(A beats B) intervals
  Round max_rounds = 50'000'000;         ///< backstop of a run when the unit is not rounds

  std::vector<std::uint64_t> evaluation_seeds() const {
    std::vector<std::uint64_t> s;
    for (int k = 0; k < seeds; ++k) s.push_back(seed_base + static_cast<std::uint64_t>(k));
    return s;
  }
  std::vector<std::uint64_t> tuning_seed_list() const {
    std::vector<std::uint64_t> s;
    for (int k = 0; k < tuning_seeds; ++k) s.push_back(tuning_base + static_cast<std::uint64_t>(k));
    return s;
  }
  bool any_tuned() const {
    return std::any_of(entries.begin(), entries.end(), [](const CompareEntry& e) { return e.mode == "tuned"; });
  }

  /// @throws InvalidArgument: no entry, graph or problem; a repeated entry; a method given a
  ///         budget other than the comparison's; overlapping tuning and evaluation seeds;
  ///         fewer than 1 seed; a bad target, budget, level or grid.
  void validate() const {
    if (entries.empty() || graphs.empty() || problems.empty())
      adonis::detail::fail("compare", "needs at least one method, graph and problem (got ", entries.size(), ", ",
                           graphs.size(), ", ", problems.size(), ")");
    if (!(target > 0)) adonis::detail::fail("compare", "--target must be > 0 (got ", target, ")");
    if (!(budget > 0) || !std::isfinite(budget)) adonis::detail::fail("compare", "--max must be > 0 (got ", budget, ")");
    for (std::size_t e = 0; e < entries.size(); ++e) {
      if (entries[e].budget != 0 && entries[e].budget != budget)
        adonis::detail::fail("compare", "method '", entries[e].label(), "' was given a budget of ", entries[e].budget, " ",
                             to_string(unit), ", the others ", budget,
                             ": every method gets the same budget (docs/evaluation.md)");
      for (std::size_t f = 0; f < e; ++f)
        if (entries[f].label() == entries[e].label())
          adonis::detail::fail("compare", "method '", entries[e].label(), "' is listed twice");
    }
    if (seeds < 1) adonis::detail::fail("compare", "--seeds must be >= 1 (got ", seeds, ")");
    constexpr std::uint64_t seed_limit = std::uint64_t{1} << 62;  // no wrap-around in the ranges below
    if (seed_base >= seed_limit || tuning_base >= seed_limit)
      adonis::detail::fail("compare", "--seed-base and --tuning-base must be < 2^62 (got ", seed_base, ", ", tuning_base, ")");
    if (tuning_seeds < 1) adonis::detail::fail("compare", "--tuning-seeds must be >= 1 (got ", tuning_seeds, ")");
    const auto eval_end = seed_base + static_cast<std::uint64_t>(seeds);
    const auto tune_end = tuning_base + static_cast<std::uint64_t>(tuning_seeds);
    if (any_tuned() && tuning_base < eval_end && seed_base < tune_end)
      adonis::detail::fail("compare", "the tuning seeds [", tuning_base, ", ", tune_end, ") overlap the evaluation seeds [",
                           seed_base, ", ", eval_end, "): tuning on evaluation seeds leaks (docs/evaluation.md)");
    if (!(level > 0 && level < 1)) adonis::detail::fail("compare", "--level must be in (0, 1) (got ", level, ")");
    grid.validate();
  }
};

/// One run of a comparison and what it measured.
struct CompareRun {
  std::string phase{};         ///< "tuning" or "evaluation"
  std::size_t entry = 0, instance = 0;
  NamedRun run{};
  NamedOutcome outcome{};
};

/// The hyperparameters chosen for one (entry, instance): factors of the documented defaults.
struct TuningChoice {
  std::size_t entry = 0, instance = 0;
  Hyper chosen{};
  /// (factor, median cost over the tuning seeds, median best suboptimality) per grid point and stage
  struct Trial {
    std::string parameter;  ///< step, gamma or penalty
    double factor = 1, median_cost = 0, median_best = 0;
  };
  std::vector<Trial> trials{};
};

/// The statistics of one (entry, instance) over the evaluation seeds.
struct CellSummary {
  Index successes = 0, runs = 0;
  MedianInterval cost{};                          ///< median cost to ε and its interval (+∞: failures)
  double final_q10 = 0, final_q50 = 0, final_q90 = 0;  ///< quantiles of the final f(x̄) − f* (+∞: diverged)
  double success_rate() const { return runs > 0 ? static_cast<double>(successes) / static_cast<double>(runs) : 0; }
};

/// P(row beats column) on one instance.
struct PairBeat {
  std::size_t instance = 0, a = 0, b = 0;
  BeatProbability p{};
};

/// A finished comparison.
struct Comparison {
  CompareOptions options;
  std::vector<CompareRun> runs{};  ///< tuning runs first, then evaluation runs, in a fixed order
  std::vector<TuningChoice> tuning{};
  std::vector<std::vector<CellSummary>> cells{};  ///< [entry][instance]
  std::vector<PairBeat> beats{};                  ///< every instance, every pair a < b
  PerformanceProfile profile{};                   ///< over the instances, cost = the median cost
  /// The instance index of (graph g, problem p): g * problems + p.
  std::size_t instances() const { return options.graphs.size() * options.problems.size(); }
  std::string instance_name(std::size_t i) const {
    return options.graphs[i / options.problems.size()] + " × " + options.problems[i % options.problems.size()];
  }
  /// The evaluation costs of (entry, instance), one per evaluation seed in seed order.
  std::vector<double> costs(std::size_t entry, std::size_t instance) const {
    std::vector<double> c;
    for (const CompareRun& r : runs)
      if (r.phase == "evaluation" && r.entry == entry && r.instance == instance) c.push_back(r.outcome.cost);
    return c;
  }
};

/// Called after each finished run: (runs done, runs planned so far, the phase).
using CompareProgress = std::function<void(std::size_t done, std::size_t total, const std::string& phase)>;

namespace detail {

/// The tuned parameters of an algorithm, in tuning order.
inline std::vector<std::string> tuned_parameters(const std::string& algorithm) {
  if (algorithm == "admm") return {"penalty"};
  if (algorithm == "choco-sgd") return {"step", "gamma"};
  return {"step"};
}

/// The factor of `parameter` (a name tuned_parameters returns) in h.
inline double factor_of(const Hyper& h, const std::string& parameter) {
  return parameter == "step" ? h.step_factor : parameter == "gamma" ? h.gamma_factor : h.penalty_factor;
}
inline double& factor_of(Hyper& h, const std::string& parameter) {
  return parameter == "step" ? h.step_factor : parameter == "gamma" ? h.gamma_factor : h.penalty_factor;
}

}  // namespace detail

}  // namespace adonis::experiment
