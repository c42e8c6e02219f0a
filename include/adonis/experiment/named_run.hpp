// SPDX-License-Identifier: BSD-3-Clause
/// @file named_run.hpp
/// @brief One optimization run named by strings — algorithm, graph, problem, sequence — with its
///        hyperparameters, seed, target and a budget in a cost unit (rounds, gradients, bytes
///        or simulated time), run in the simulator: the unit of issue 19's comparisons
///        (experiment/compare.hpp), usable alone from C++.
///
/// @code
///   adonis::experiment::NamedRun r{.algorithm = "gradient-tracking", .graph = "ring:16",
///                                  .problem = "logistic:heart_scale:0.01", .seed = 3,
///                                  .target = 1e-6, .unit = adonis::experiment::CostUnit::bytes,
///                                  .budget = 3e7};
///   const adonis::experiment::NamedOutcome o = adonis::experiment::run_named(r);
///   // o.reached, o.cost (bytes when f(x̄) − f* first was ≤ 1e-6), o.best, o.curve
///   // r.command(o) is the `adonis run` line that replays it
/// @endcode
///
/// The budget is a stop, not a round count: the run stops after the first round (event) whose
/// cumulative cost reaches `budget`; it *reached* the target when f(x̄_t) − f* ≤ target at some
/// round whose cost is ≤ budget. A round that crosses the budget and the target together is a
/// failure: every method gets the same budget, none a round more.
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/catalog.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/run.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/experiment/compare_types.hpp"
#include "adonis/report/trace.hpp"

namespace adonis::experiment {

namespace detail {

/// Stops the run once the budget is spent (after the round that reaches it).
struct BudgetStop {
  CostUnit unit;
  double budget;
  template <class A>
  void on_start(const RoundView<A>&) {}
  template <class A>
  bool on_round(const RoundView<A>& v) {
    return cost_of(v.counters(), unit) >= budget;
  }
  template <class A>
  void on_finish(const RunResult&, const RoundView<A>&) {}
};

template <class P>
NamedOutcome run_named_on(const NamedRun& r, const Graph& g, const P& p) {
  const ReferenceSolution ref = reference_solution(p);
  const ProblemConstants c = problem_constants(p, ref.x);
  const double smooth = std::isfinite(c.L_max) ? c.L_max : 0.0;
  double mu_mean = 0;
  for (double m : c.mu_i) mu_mean += m / static_cast<double>(c.mu_i.size());
  const Index n = num_nodes(g);
  Iterates<double> x = r.start == "random" ? random_start(n, p.dim(), r.seed)
                       : r.start == "local" ? local_minimizers(p)
                                            : Iterates<double>::Zero(n, p.dim());
  TraceRecorder trace(p, ref.x, ref.f, TraceOptions{.target = r.target});
  NamedOutcome out;
  const RunOptions ro{.max_rounds = r.round_limit()};
  AnySequence seq = make_sequence(g, r.sequence, r.mixing, r.seed);
  const auto need_smooth = [&](double step) {
    if (step == 0 && !(smooth > 0))
      adonis::detail::fail("compare", "'", r.algorithm, "' needs a smooth problem for its default step (got '", r.problem, "')");
  };
  const auto spectrum = [&] { return mixing_spectrum(mixing_matrix(g, r.mixing)); };
  const auto go = [&](auto& alg) { out.status = run(alg, x, ro, trace, BudgetStop{r.unit, r.budget}).status; };
  // a step factor scales the documented default, read from an algorithm built with step 0
  const auto scaled = [&](double step, auto probe) {
    return step == 0 && r.hyper.step_factor != 1 ? r.hyper.step_factor * probe().step_size() : step;
  };
  const auto fresh = [&] { return make_sequence(g, r.sequence, r.mixing, r.seed); };
  double step = r.hyper.step;
  if (r.algorithm == "dgd") {
    if (r.hyper.theory) step = dgd_theory_step(spectrum().lambda_min, c.L_max, c.L_mean, mu_mean);
    need_smooth(step);
    step = scaled(step, [&] { return Dgd(p, fresh(), DgdOptions{.smoothness = smooth}); });
    Dgd alg(p, std::move(seq), DgdOptions{.step_size = step, .smoothness = smooth});
    out.used.step = alg.step_size();
    go(alg);
  } else if (r.algorithm == "gradient-tracking") {
    if (r.hyper.theory) step = diging_theory_step(spectrum().slem, 1, c.L_max, mu_mean, n);
    need_smooth(step);
    step = scaled(step, [&] { return GradientTracking(p, fresh(), GradientTrackingOptions{.smoothness = smooth}); });
    GradientTracking alg(p, std::move(seq), GradientTrackingOptions{.step_size = step, .smoothness = smooth});
    out.used.step = alg.step_size();
    go(alg);
  } else if (r.algorithm == "extra") {
    if (r.hyper.theory) step = extra_theory_step(spectrum().lambda_min, c.L_max, c.mu);
    need_smooth(step);
    step = scaled(step, [&] { return Extra(p, fresh(), ExtraOptions{.smoothness = smooth}); });
    Extra alg(p, std::move(seq), ExtraOptions{.step_size = step, .smoothness = smooth});
    out.used.step = alg.step_size();
    go(alg);
  } else if (r.algorithm == "choco-sgd") {
    need_smooth(step);
    const Compressor comp = parse_compressor(r.compressor, p.dim());
    const double gamma = r.hyper.gamma > 0 ? r.hyper.gamma
                                           : std::min(1.0, r.hyper.gamma_factor * choco_default_gamma(comp, p.dim()));
    const auto options = [&](double eta) {
      return ChocoSgdOptions{.gamma = gamma, .step_size = eta, .smoothness = smooth, .compressor = comp, .seed = r.seed};
    };
    step = scaled(step, [&] { return ChocoSgd(p, fresh(), options(0)); });
    ChocoSgd alg(p, std::move(seq), options(step));
    out.used.step = alg.step_size();
    out.used.gamma = alg.gamma();
    go(alg);
  } else {  // admm
    if constexpr (ProximalObjective<P>) {
      const double penalty = r.hyper.penalty > 0 ? r.hyper.penalty : r.hyper.penalty_factor;
      Admm alg(p, std::move(seq), AdmmOptions{.penalty = penalty});
      out.used.penalty = penalty;
      go(alg);
    } else {
      adonis::detail::fail("compare", "admm needs a problem with a proximal operator (got '", r.problem, "')");
    }
  }
  out.used.theory = r.hyper.theory;
  out.used.step_factor = r.hyper.step_factor;
  out.used.gamma_factor = r.hyper.gamma_factor;
  out.used.penalty_factor = r.hyper.penalty_factor;
  const TraceRow& last = trace.rows().back();
  out.counters = Counters{.rounds = last.round, .time = last.time, .gradients = last.gradients,
                          .messages = last.messages, .bytes = last.bytes};
  out.final_suboptimality = last.suboptimality;
  for (const TraceRow& row : trace.rows()) {
    const double cost = cost_of(Counters{.rounds = row.round, .time = row.time, .gradients = row.gradients,
                                         .messages = row.messages, .bytes = row.bytes},
                                r.unit);
    out.curve.emplace_back(cost, row.suboptimality);
    if (std::isfinite(row.suboptimality) && row.suboptimality < out.best) out.best = row.suboptimality;
  }
  const double final_cost = cost_of(out.counters, r.unit);
  if (out.status == Status::interrupted)
    adonis::detail::fail<RuntimeError>("compare", "interrupted (", r.algorithm, " on ", r.graph, ", seed ", r.seed, ")");
  if (out.status == Status::max_rounds && r.unit != CostUnit::rounds && final_cost < r.budget)
    adonis::detail::fail<RuntimeError>("compare", r.algorithm, " on ", r.graph, " (seed ", r.seed, ") used ", r.max_rounds,
                                       " rounds but only ", final_cost, " of its ", r.budget, " ", to_string(r.unit),
                                       ": raise --max-rounds (every method must be able to spend the same budget)");
  out.reached = out.status != Status::diverged && last.suboptimality <= r.target && final_cost <= r.budget;
  if (out.reached) out.cost = final_cost;
  return out;
}

}  // namespace detail

namespace detail {
/// Calls f on the problem of `inst` if its type is one of Ps (tried in order).
/// @throws InvalidArgument naming the spec when it is none of them.
template <class P, class... Ps, class F>
NamedOutcome visit_only(const ProblemInstance& inst, F&& f) {
  if (const P* p = std::get_if<P>(&inst.problem)) return f(*p);
  if constexpr (sizeof...(Ps) > 0) {
    return visit_only<Ps...>(inst, std::forward<F>(f));
  } else {
    adonis::detail::fail("compare", "problem '", inst.spec, "' (family ", inst.family,
                         ") is not supported here (compare runs quadratic, least-squares, ridge and logistic problems)");
  }
}
/// visit_only over Problems..., or over the default smooth families when none is given.
template <class... Problems, class F>
NamedOutcome on_problem(const ProblemInstance& inst, F&& f) {
  if constexpr (sizeof...(Problems) == 0)
    return visit_only<QuadraticProblem, LeastSquaresProblem, LogisticProblem>(inst, std::forward<F>(f));
  else
    return visit_only<Problems...>(inst, std::forward<F>(f));
}
}  // namespace detail

/// Runs `r` in the simulator. A diverging run returns status diverged (a failure), its curve
/// kept. `Problems...` restricts the problem types compiled in (each type instantiates every
/// algorithm: the tests and the example use LogisticProblem alone); by default the smooth
/// families: quadratic, least-squares (and ridge), logistic. The median problem is nonsmooth:
/// no method of a comparison has a default step for it.
/// @throws InvalidArgument for invalid fields (validate), unknown specs, a problem type outside
///         `Problems...`, or an algorithm the problem cannot run (a default step without L).
template <class... Problems>
NamedOutcome run_named(const NamedRun& r) {
  r.validate();
  const Graph g = make_graph(r.graph);
  const ProblemInstance inst = make_problem(r.problem, num_nodes(g), parse_partition(r.partition), r.seed);
  return detail::on_problem<Problems...>(inst, [&](const auto& p) { return detail::run_named_on(r, g, p); });
}

/// Refuses (InvalidArgument) a problem whose type run_named<Problems...> does not compile in,
/// without running anything: a comparison checks every instance before its first run.
template <class... Problems>
void check_problem_type(const ProblemInstance& inst) {
  (void)detail::on_problem<Problems...>(inst, [](const auto&) { return NamedOutcome{}; });
}

}  // namespace adonis::experiment
