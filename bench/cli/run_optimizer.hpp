// SPDX-License-Identifier: BSD-3-Clause
/// @file run_optimizer.hpp
/// @brief `adonis run` for the optimization algorithms: the problem's reference solution and
///        constants, the start, the step (number, documented default, or theorem), the run.
#pragma once

#include <cmath>
#include <limits>
#include <string>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/adom_plus.hpp"
#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/async_admm.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/dual_averaging.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/algorithm/msda.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/local.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/theory/round_jacobian.hpp"
#include "cli/run_session.hpp"

namespace adonis::cli {

/// What every optimizer's run shares: the problem, its reference solution and constants, the
/// trace against x*, the start X_0 and the mixing sequence.
template <class P>
struct OptimizerRun {
  OptimizerRun(RunSession& session, const P& problem)
      : s(session), p(problem), ref(reference_solution(problem)), c(problem_constants(problem, ref.x)),
        smoothness(std::isfinite(c.L_max) ? c.L_max : 0.0), trace(problem, ref.x, ref.f, session.trace_options),
        x(start()), seq(session.sequence()) {
    for (double m : c.mu_i) mu_mean += m / static_cast<double>(c.mu_i.size());
  }
  /// X_0: zero, the local minimizers, or iid N(0, 1) entries from the seed (--start; also the
  /// first run of slowest-mode, which finds the fixed point).
  Iterates<double> start() const {
    if (s.a.start == "local") return local_minimizers(p);
    if (s.a.start == "random" || s.a.start == "slowest-mode") return random_start(s.n, p.dim(), s.a.seed);
    return Iterates<double>::Zero(s.n, p.dim());
  }
  /// The spectrum of the static W: the theorems' steps are stated for one fixed W (§4b, §6).
  MixingSpectrum static_spectrum() const {
    if (s.a.sequence != "static")
      throw InvalidArgument("run: --step theory for '" + s.a.algorithm +
                            "' needs --sequence static (the theorem is for one fixed W)");
    return mixing_spectrum(mixing_matrix(s.graph, s.a.mixing));
  }
  /// The documented default steps need L_max: refuses a nonsmooth problem when no step is given.
  void need_smooth(double step) const {
    if (step == 0 && !(smoothness > 0))
      throw InvalidArgument("run: '" + s.a.algorithm + "' needs a smooth problem (got '" + s.a.problem + "')");
  }
  /// Runs a synchronous algorithm with the rate measurement of --measure. With --start
  /// slowest-mode, the run from the random start ends at the fixed point S̄, and --measure
  /// reports the rate measured from there on the slowest mode of the round's Jacobian
  /// (measure_on_slowest_mode: rate, exponent, and the Jacobian's |λ1| as jacobian_rate).
  template <class Algorithm>
  void run_measured(Algorithm& alg) {
    constexpr bool has_jacobian = requires(Matrix<double>& h) {
      alg.state();
      p.hessian(Index{0}, Vector<double>{}, h);
    };
    if (!has_jacobian && s.a.start == "slowest-mode")  // refused before running
      throw InvalidArgument("run: --start slowest-mode needs a problem with Hessians (got '" + s.a.problem + "')");
    s.execute(alg, x, trace, s.measure_observer());
    if (s.result.status == Status::interrupted) return;  // nothing more to measure
    if (s.a.start != "slowest-mode") return s.measure_rate();
    if constexpr (has_jacobian) {
      if (!s.a.measure) return;
      const JacobianModeRun m = measure_on_slowest_mode(alg, p, mixing_matrix(s.graph, s.a.mixing), alg.state());
      if (m.rate.fit.points < 3 || !m.rate.finite)
        throw RuntimeError("run: --start slowest-mode: the run on the slowest mode gave no rate (" +
                           std::string(m.rate.finite ? "fewer than 3 rounds" : "the state became non-finite") + ")");
      s.add_measure("rate", m.rate.fit.rate);
      s.add_measure("exponent", -m.rate.fit.slope);
      s.add_measure("jacobian_rate", m.mode.r1);
    }
  }

  RunSession& s;
  const P& p;
  const ReferenceSolution ref;
  const ProblemConstants c;
  const double smoothness;  ///< L_max, or 0 for a nonsmooth problem (the algorithms' sentinel)
  double mu_mean = 0;       ///< (1/n) Σ_i μ_i
  TraceRecorder trace;
  Iterates<double> x;
  AnySequence seq;
};

/// DGD, gradient tracking, EXTRA, ADMM (synchronous, linearly convergent on strongly convex f).
template <class P>
void run_first_order(OptimizerRun<P>& r) {
  const RunArgs& a = r.s.a;
  double step = a.step_value;
  if (a.algorithm == "dgd") {
    if (a.theory) step = dgd_theory_step(r.static_spectrum().lambda_min, r.c.L_max, r.c.L_mean, r.mu_mean);
    r.need_smooth(step);
    Dgd alg(r.p, std::move(r.seq),
            DgdOptions{.step_size = step, .smoothness = r.smoothness, .stochastic = a.batch > 0, .seed = a.seed});
    r.run_measured(alg);
  } else if (a.algorithm == "gradient-tracking") {
    if (a.theory) step = diging_theory_step(r.static_spectrum().slem, 1, r.c.L_max, r.mu_mean, r.s.n);
    r.need_smooth(step);
    GradientTracking alg(r.p, std::move(r.seq), GradientTrackingOptions{.step_size = step, .smoothness = r.smoothness});
    r.run_measured(alg);
  } else if (a.algorithm == "extra") {
    if (a.theory) step = extra_theory_step(r.static_spectrum().lambda_min, r.c.L_max, r.c.mu);
    r.need_smooth(step);
    Extra alg(r.p, std::move(r.seq), ExtraOptions{.step_size = step, .smoothness = r.smoothness});
    r.run_measured(alg);
  } else {  // admm
    Admm alg(r.p, std::move(r.seq), AdmmOptions{.penalty = a.rho});
    r.run_measured(alg);
  }
}

/// ADOM+ (Kovalev et al. 2021) over the sequence's rounds: χ̄ and the normalisation c from the
/// sequence's kind (adom_gossip_bound: spanning-tree sequences and static W; the others are
/// refused, their rounds may be disconnected); μ and L from the problem's curvature bounds.
template <class P>
void run_adom_plus(OptimizerRun<P>& r) {
  RunSession& s = r.s;
  if constexpr (CurvatureBoundedObjective<P>) {
    const AdomGossipBound b = visit_sequence(s.graph, s.a.sequence, s.a.mixing, s.a.seed,
                                             [](const auto& seq) { return adom_gossip_bound(seq); });
    AdomPlus alg(r.p, std::move(r.seq), AdomPlusOptions{.chi = b.chi, .gossip_scale = b.scale, .check_rounds = false});
    s.execute(alg, r.x, r.trace);
    s.add_measure("chi_bar", b.chi);
  } else {
    throw InvalidArgument("run: adom-plus needs a smooth strongly convex problem with curvature bounds (got '" +
                          s.a.problem + "')");
  }
}

/// MSDA (Scaman et al. 2017): --iterations counts communication rounds, K per dual step; its
/// --measure adds the double-root fit and ||Θ_T − 1x*ᵀ||_F / ||Θ_0 − 1x*ᵀ||_F.
template <class P>
void run_msda(OptimizerRun<P>& r) {
  RunSession& s = r.s;
  if (s.a.sequence != "static") throw InvalidArgument("run: msda needs --sequence static (one fixed W)");
  Msda alg(r.p, std::move(r.seq));
  const RunOptions steps{.max_rounds = std::max<Round>(1, s.a.iterations / alg.chebyshev_steps())};
  s.result = run(alg, r.x, steps, r.trace, s.measure_observer());
  s.measure_rate();
  if (s.a.measure && s.meas.step_norm.size() >= 8)
    s.add_measure("rate_double_root", fit_step_rate_double_root(s.meas).rate);
  if (!s.a.measure) return;
  auto distance = [&](const Iterates<double>& m) { return (m.rowwise() - r.ref.x.transpose()).norm(); };
  s.add_measure("distance_ratio", distance(s.meas.last) / distance(s.meas.first));
}

/// CHOCO-SGD; --step theory is ICLR'20 Thm. 4.1's η = √n / √(T + 1) for a horizon of T rounds.
template <class P>
void run_choco_sgd(OptimizerRun<P>& r) {
  const RunArgs& a = r.s.a;
  double step = a.step_value;
  if (a.theory) step = std::sqrt(static_cast<double>(r.s.n)) / std::sqrt(static_cast<double>(a.iterations) + 1);
  r.need_smooth(step);
  const Compressor comp = parse_compressor(a.compressor, r.p.dim());
  ChocoSgd alg(r.p, std::move(r.seq),
               ChocoSgdOptions{.gamma = r.s.choco_gamma(comp, r.p.dim()), .step_size = step,
                               .smoothness = r.smoothness, .compressor = comp, .stochastic = a.batch > 0,
                               .seed = a.seed});
  r.s.execute(alg, r.x, r.trace);
}

/// The event-driven optimizers: async-sgd (also on real workers), a2cid2, dadao, async-admm.
template <class P>
void run_async_optimizer(OptimizerRun<P>& r) {
  RunSession& s = r.s;
  const RunArgs& a = s.a;
  const double step = a.step_value;
  if (a.algorithm == "async-sgd") {
    r.need_smooth(step);
    const AsyncGossipSgdOptions o{.step_size = step, .smoothness = r.smoothness, .stochastic = a.batch > 0};
    if (a.real_backend) {
      s.execute_real(runtime::SgdRule(r.p, o, a.seed), r.x, r.trace);
    } else if (a.sequence == "static") {
      AsyncGossipSgd alg(r.p, s.graph, s.engine, o);
      s.execute(alg, r.x, r.trace);
    } else {
      AsyncGossipSgd alg(r.p, make_sequence(s.graph, a.sequence, a.mixing, a.seed), s.engine, o);
      s.execute(alg, r.x, r.trace);
    }
    return;
  }
  if (a.sequence != "static")
    throw InvalidArgument("run: " + a.algorithm + " needs --sequence static" +
                          (a.algorithm == "dadao" ? " (χ1*, χ2* of one graph)" : ""));
  if (a.algorithm == "a2cid2") {
    r.need_smooth(step);
    A2cid2 alg(r.p, s.graph, s.engine,
               A2cid2Options{.step_size = step, .smoothness = r.smoothness, .stochastic = a.batch > 0});
    if (!a.real_backend) return s.execute(alg, r.x, r.trace);
    s.warn_outside(alg);  // on real workers: the rule takes the simulator's constants
    s.execute_real(runtime::A2cid2Rule(alg, r.p, s.graph), r.x, r.trace);
  } else if (a.algorithm == "dadao") {
    if constexpr (CurvatureBoundedObjective<P>) {
      // the authors' rate rescaling (2 χ1* χ2* = 1) unless --comm-rate is given explicitly
      Dadao alg(r.p, s.graph, s.engine, DadaoOptions{.theory_comm_rate = !a.comm_rate_given()});
      if (!a.real_backend) return s.execute(alg, r.x, r.trace);
      s.warn_outside(alg);
      const runtime::DadaoRule rule(alg, r.p);
      s.execute_real(rule, rule.comm_rate_scale(), r.x, r.trace);
    } else {
      throw InvalidArgument("run: dadao needs a smooth strongly convex problem with curvature bounds (got '" +
                            a.problem + "')");
    }
  } else if constexpr (ProximalObjective<P>) {  // async-admm
    AsyncAdmm alg(r.p, s.graph, s.engine, AsyncAdmmOptions{.penalty = a.rho});
    if (!a.real_backend) return s.execute(alg, r.x, r.trace);
    s.warn_outside(alg);
    s.execute_real(runtime::AdmmRule(alg, r.p, s.graph), r.x, r.trace);
  } else {
    throw InvalidArgument("run: async-admm needs a problem with a proximal operator (got '" + a.problem + "')");
  }
}

/// Dual averaging's Thm. 2 scale: R² >= ψ(x*) = ||x*||²/2 (at least 1); G the subgradient bound
/// of a nonsmooth problem, else a bound of ||∇f_i|| on the ball ||x|| <= ||x*||:
/// max_i ||∇f_i(x*)|| + 2 L_max ||x*||.
template <class P>
double dual_averaging_scale(const OptimizerRun<P>& r) {
  const double radius = std::max(r.ref.x.norm() / std::sqrt(2.0), 1.0);
  double gmax = r.c.lipschitz;
  if (!std::isfinite(gmax)) {
    gmax = 0;
    Vector<double> gi(r.p.dim());
    for (Index i = 0; i < r.s.n; ++i) {
      r.p.gradient(i, r.ref.x, gi);
      gmax = std::max(gmax, gi.norm());
    }
    gmax += 2 * r.c.L_max * r.ref.x.norm();
  }
  return dual_averaging_theory_scale(radius, gmax > 0 ? gmax : 1.0, mixing_spectrum(SparseMatrix(r.seq.mixing(0))).slem);
}

/// Dual averaging (Duchi et al. 2012); --measure adds max_i f(x̂_i(T)) − f*, the quantity Thm. 2
/// bounds (left out under MPI: this rank holds only its own nodes' averages).
template <class P>
void run_dual_averaging(OptimizerRun<P>& r) {
  RunSession& s = r.s;
  const double scale = s.a.step_value > 0 ? s.a.step_value : dual_averaging_scale(r);
  DualAveraging alg(r.p, std::move(r.seq), DualAveragingOptions{.step_scale = scale});
  s.execute(alg, r.x, r.trace);
  if (s.a.mpi) return;
  double worst = -std::numeric_limits<double>::infinity();
  for (Index i = 0; i < s.n; ++i)
    worst = std::max(worst, global_value(r.p, alg.averages().row(i).transpose()) - r.ref.f);
  s.add_measure("worst_node_suboptimality", worst);
}

/// Runs an optimization algorithm on problem p and prints its summary.
template <class P>
void run_optimizer(RunSession& s, const P& p) {
  OptimizerRun<P> r(s, p);
  const std::string& name = s.a.algorithm;
  if (name == "msda") run_msda(r);
  else if (name == "adom-plus") run_adom_plus(r);
  else if (name == "choco-sgd") run_choco_sgd(r);
  else if (name == "dual-averaging") run_dual_averaging(r);
  else if (s.info.asynchronous) run_async_optimizer(r);
  else run_first_order(r);
  s.finish(r.trace, s.a.problem);
}

}  // namespace adonis::cli
