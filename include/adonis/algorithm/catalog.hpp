// SPDX-License-Identifier: BSD-3-Clause
/// @file catalog.hpp
/// @brief One entry per algorithm of the toolkit, with its capabilities: how it is driven
///        (synchronous rounds or events of the simulator), which backends run it, which options
///        apply (stochastic gradients, compression, a penalty, the slowest-mode start) and its
///        default step rule. The `adonis run` command validates its options against this table
///        instead of keeping name lists; research code can query it the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"

namespace adonis {

/// What an algorithm is and which options apply to it.
struct AlgorithmInfo {
  std::string_view name;          ///< as `adonis run --algorithm` spells it
  bool asynchronous = false;      ///< driven by the event engine (--iterations counts events)
  bool averaging = false;         ///< averages vectors; needs no objective (X_0 iid or local minimizers)
  bool mpi = false;               ///< runs on MPI ranks (synchronous halo exchange or one-sided windows)
  bool threads = false;           ///< runs with real asynchrony (threads backend, and MPI one-sided)
  bool stochastic = false;        ///< accepts stochastic gradients (minibatches, --batch)
  bool compressed = false;        ///< compressed messages (--compressor, --gamma)
  bool penalty = false;           ///< an ADMM penalty (--rho)
  /// --start slowest-mode: the averaging algorithms start on the slowest mode of a static W; DGD,
  /// gradient tracking, EXTRA and ADMM run to their fixed point from a random start, then on the
  /// slowest mode of their round's Jacobian there (theory/round_jacobian.hpp)
  bool slowest_mode = false;
  bool step = false;              ///< takes a step size (--step); the others have none, or a penalty
  bool theory_step = false;       ///< has a confirmed theorem step (--step theory)
  bool averages_without_problem = false;  ///< with no objective, runs as a pure averaging (gossip) method
  std::string_view step_rule{};   ///< the documented default step (docs/algorithms/NAME.md)
  /// Whether a run averages vectors (no objective): an averaging algorithm, or one that runs as
  /// gossip when no problem is given.
  bool averages(bool has_problem) const noexcept { return averaging || (averages_without_problem && !has_problem); }
};

/// Every algorithm, in the order of architecture.md.
inline const std::vector<AlgorithmInfo>& algorithm_catalog() {
  static const std::vector<AlgorithmInfo> list{
      {.name = "gossip", .averaging = true, .mpi = true, .slowest_mode = true, .step_rule = "none (x ← W x)"},
      {.name = "chebyshev-gossip", .averaging = true, .slowest_mode = true, .step_rule = "K from γ(M) (Scaman et al.)"},
      {.name = "dgd", .mpi = true, .stochastic = true, .slowest_mode = true, .step = true, .theory_step = true, .step_rule = "(1 + λmin(W))/(2 L_max)"},
      {.name = "gradient-tracking", .mpi = true, .slowest_mode = true, .step = true, .theory_step = true, .step_rule = "min{(1 − ρ)/2, (1 + λmin)²/4}/L_max"},
      {.name = "extra", .mpi = true, .slowest_mode = true, .step = true, .theory_step = true, .step_rule = "(1 + λmin(W))/(2 L_max)"},
      {.name = "admm", .mpi = true, .penalty = true, .slowest_mode = true, .step_rule = "penalty c = 1"},
      {.name = "dual-averaging", .mpi = true, .step = true, .theory_step = true, .step_rule = "a/√(t + 1)"},
      {.name = "msda", .step_rule = "Scaman et al. 2017 (κ_l, γ)"},
      {.name = "adom-plus", .step_rule = "Kovalev et al. 2021 (χ̄, L, μ)"},
      {.name = "choco-gossip", .averaging = true, .mpi = true, .compressed = true, .slowest_mode = true,
       .step_rule = "γ = δ (δ/2 for random-k)"},
      {.name = "choco-sgd", .mpi = true, .stochastic = true, .compressed = true, .step = true, .theory_step = true,
       .step_rule = "γ = δ; η from λmin((1 − γ)I + γW)/L_max"},
      {.name = "pairwise-gossip", .asynchronous = true, .averaging = true, .mpi = true, .threads = true,
       .step_rule = "none (pairwise averages)"},
      {.name = "continuized-gossip", .asynchronous = true, .averaging = true, .mpi = true, .threads = true,
       .step_rule = "η = 1/(2√(χ1χ2))"},
      {.name = "async-sgd", .asynchronous = true, .mpi = true, .threads = true, .stochastic = true, .step = true,
       .step_rule = "1/(8 L_max)"},
      {.name = "async-admm", .asynchronous = true, .mpi = true, .threads = true, .penalty = true,
       .step_rule = "penalty c = 1"},
      {.name = "dadao", .asynchronous = true, .mpi = true, .threads = true,
       .step_rule = "Nabli & Oyallon 2023 (χ1, χ2, L, μ)"},
      {.name = "a2cid2", .asynchronous = true, .mpi = true, .threads = true, .stochastic = true, .step = true,
       .averages_without_problem = true, .step_rule = "η = 1/(2√(χ1χ2)), 1/(8 L_max)"},
  };
  return list;
}

/// The names of the algorithms whose entry satisfies `keep`, separated by `separator`.
template <class Keep>
std::string algorithm_names(Keep keep, std::string_view separator = ", ") {
  std::string s;
  for (const AlgorithmInfo& a : algorithm_catalog())
    if (keep(a)) s += (s.empty() ? "" : std::string(separator)) + std::string(a.name);
  return s;
}

/// The catalog entry of `name`.
/// @throws InvalidArgument naming the known algorithms when `name` is not one of them.
inline const AlgorithmInfo& algorithm_info(std::string_view name) {
  for (const AlgorithmInfo& a : algorithm_catalog())
    if (a.name == name) return a;
  detail::fail("algorithm", "unknown --algorithm '", name,
               "' (known: ", algorithm_names([](const AlgorithmInfo&) { return true; }), ")");
}

}  // namespace adonis
