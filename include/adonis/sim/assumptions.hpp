// SPDX-License-Identifier: BSD-3-Clause
/// @file assumptions.hpp
/// @brief Where an event-driven run lies outside the assumptions of its algorithm's theorem,
///        as one sentence each, so that a program can warn before it runs (issue 17, item 5;
///        docs/asynchrony.md, "Outside the theorems").
///
/// @code
///   adonis::Dadao alg(problem, graph, engine_options, adonis::DadaoOptions{.theory_comm_rate = false});
///   for (const std::string& w : adonis::outside_assumptions("dadao", alg)) std::cerr << w << '\n';
/// @endcode
///
/// Two assumptions are checked:
///  - **instantaneous exchanges.** Every asynchronous theorem here — pairwise gossip (Boyd et al.
///    2006), continuized gossip (Even et al. 2021), asynchronous gossip SGD, asynchronous ADMM,
///    DADAO (Nabli & Oyallon 2023), A²CiD² (Nabli, Belilovsky & Oyallon 2023) — models an
///    exchange as a Poisson event that updates both ends at once. With a latency of mean τ̄ the
///    busiest node has τ̄ · max_i Σ_{e ∋ i} λ_e exchanges in flight on average
///    (exchanges_in_flight); the sentence gives that number next to the largest one measured
///    stable for the method (measured_latency_limit, docs/asynchrony.md).
///  - **DADAO's minimal communication rate.** The authors' code sets the total communication
///    rate to √(2 χ1 χ2) (χ's at unit rate), so that 2 χ1* χ2* = 1 for the rates in use; the
///    abstract relates χ1, χ2 "to a sufficient minimal communication rate". Reading the condition
///    as 2 χ1* χ2* ≤ 1 is an inference [REC] (the theorem's text was not read), but a measured one:
///    logistic heart_scale on ring:16 diverges at 2 χ1* χ2* = 1.22 and converges at 1.09; on
///    torus:4x4 it diverges at 1.67 and converges at 1.22.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/sim/engine.hpp"

namespace adonis {

/// Mean exchanges in flight at the busiest node: τ̄ · max_i Σ_{e ∋ i} λ_e, with τ̄ the mean
/// latency (fixed or exponential) and λ_e the engine's current edge rates; 0 without latency.
inline double exchanges_in_flight(const sim::EventEngine& engine) {
  const sim::Latency& latency = engine.options().latency;
  if (!latency.enabled()) return 0;
  std::vector<double> node_rate(static_cast<std::size_t>(engine.num_nodes()), 0.0);
  const auto& edges = engine.edges();
  const auto& rates = engine.edge_rates();
  for (std::size_t e = 0; e < edges.size(); ++e) {
    node_rate[static_cast<std::size_t>(edges[e].first)] += rates[e];
    node_rate[static_cast<std::size_t>(edges[e].second)] += rates[e];
  }
  return latency.value * *std::max_element(node_rate.begin(), node_rate.end());
}

/// The largest latency measured stable, as exchanges in flight at the busiest node
/// (exchanges_in_flight), on ring:16 and torus:4x4: logistic heart_scale (λ = 0.01) or pure
/// averaging, --comm-rate 16 (DADAO: its rescaled default rates), exponential latency, 200 000
/// events, seeds 0–2, no drops or churn; "stable" means f(x̄) − f* ≤ 3.14e-4 (or consensus error
/// ≤ 1e-6) on every seed. docs/asynchrony.md has the table, with drops and churn, and the command.
struct LatencyLimit {
  std::string_view algorithm;
  double ring16;    ///< on ring:16 (every node exchanges at rate 2; DADAO 4.96)
  double torus4x4;  ///< on torus:4x4 (rate 2; DADAO 1.94)
};

/// The measured limits, one per event-driven algorithm (async-admm: stable at the largest
/// latency tried, 2, i.e. 4 in flight).
inline constexpr std::array<LatencyLimit, 6> measured_latency_limits{{
    {"pairwise-gossip", 1.0, 1.0},
    {"continuized-gossip", 0.4, 1.0},
    {"async-sgd", 1.0, 1.0},
    {"async-admm", 4.0, 4.0},
    {"dadao", 0.099, 0.097},
    {"a2cid2", 0.4, 1.0},
}};

/// The measured limit of `algorithm`, or nullptr for one that is not event-driven.
inline const LatencyLimit* measured_latency_limit(std::string_view algorithm) {
  for (const LatencyLimit& l : measured_latency_limits)
    if (l.algorithm == algorithm) return &l;
  return nullptr;
}

namespace detail {
inline std::string assumption_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}
}  // namespace detail

/// One sentence per assumption of `name`'s theorem that the run of `alg` breaks (empty: none).
/// `alg` is an event-driven algorithm (it has `engine()`); DADAO also reports 2 χ1* χ2* > 1
/// through its `rate_condition()`, with the smallest total communication rate that meets it.
template <class Algorithm>
std::vector<std::string> outside_assumptions(std::string_view name, const Algorithm& alg) {
  std::vector<std::string> out;
  const sim::EventEngine& engine = alg.engine();
  if constexpr (requires { alg.rate_condition(); }) {
    const double product = alg.rate_condition();
    if (product > 1)
      out.push_back(std::string(name) + ": 2 chi1* chi2* = " + detail::assumption_number(product) +
                    " > 1: the communication rate is below its theorem's minimal one (2 chi1* chi2* <= 1, "
                    "read from the authors' code); a total rate >= " +
                    detail::assumption_number(engine.total_comm_rate() * std::sqrt(product)) +
                    " meets it (without --comm-rate the rates are rescaled to meet it; runs diverged from 1.22 "
                    "on ring:16, docs/asynchrony.md)");
  }
  if (engine.options().latency.enabled()) {
    std::string s = std::string(name) + ": its theorem assumes instantaneous exchanges; the latency puts " +
                    detail::assumption_number(exchanges_in_flight(engine)) + " exchanges in flight at the busiest node";
    if (const LatencyLimit* l = measured_latency_limit(name))
      s += " (measured stable up to " + detail::assumption_number(l->ring16) + " on ring:16, " +
           detail::assumption_number(l->torus4x4) + " on torus:4x4, docs/asynchrony.md)";
    out.push_back(std::move(s));
  }
  return out;
}

/// The largest skew bound (RealAsyncOptions::max_skew, in units of simulated time) at which
/// DADAO was measured stable on the real backends: logistic heart_scale (λ = 0.01) on torus:4x4,
/// --comm-rate 16, 200 000 events, --time-unit 1e-4, drops 0.1 and churn 0.01:5. With a bound of
/// 20 units (2 ms of that pace) it diverged on threads for seeds 1–3 (and on 4 MPI ranks without
/// the bound, or at that pace without faults); with 1 and 2 units it reached f(x̄) − f* ≤ 2e-16
/// (threads, seeds 1–3), as with the default bound on 4 MPI ranks (seeds 0–2). The workers'
/// skew acts like a latency on the events it reorders, to which DADAO is the least tolerant
/// (measured_latency_limits).
inline constexpr double dadao_real_skew_limit = 2.0;

/// One sentence per assumption that a run of `name` on a real backend (threads or MPI) with a
/// skew bound of `skew` units of simulated time (RealAsyncOptions::skew) breaks (empty: none).
inline std::vector<std::string> outside_real_assumptions(std::string_view name, double skew) {
  std::vector<std::string> out;
  if (name == "dadao" && skew > dadao_real_skew_limit)
    out.push_back("dadao: the workers may run " + detail::assumption_number(skew) +
                  " units of simulated time apart (--max-skew), a skew that acts like a latency; runs diverged at 20 "
                  "and converged at " + detail::assumption_number(dadao_real_skew_limit) +
                  " or less on torus:4x4 (docs/distributed.md)");
  return out;
}

}  // namespace adonis
