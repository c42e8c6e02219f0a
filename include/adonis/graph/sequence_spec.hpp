// SPDX-License-Identifier: BSD-3-Clause
/// @file sequence_spec.hpp
/// @brief The graph-sequence SPEC grammar of `adonis run --sequence` (docs/graphs.md):
///        `static`, `random-matching`, `random-edge`, `random-spanning-tree`,
///        `adversarial-tree:K`, `b-connected:B`, `markov:FAIL:RECOVER`, `one-peer-exponential`,
///        built over a graph with a mixing rule.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/tree_sequence.hpp"

namespace adonis {

/// Builds the sequence described by `spec` over graph `g` as its own type and returns
/// `f(sequence)`: `static` uses mixing_matrix(g, mixing); the random kinds draw from `seed`
/// (W_t a pure function of (seed, t)). make_sequence wraps it in an AnySequence; code that needs
/// what a kind offers beyond GraphSequence (consensus_rate, chi_bound) visits it; `f` returns
/// the same type for every kind.
/// @throws InvalidArgument naming the spec and the field (an unknown kind, a wrong number of
///         parameters, a parameter that is not a number or out of range).
/// (A template so that a translation unit that includes this header without calling it does
/// not compile the dense mixing rules: see docs/performance.md, "Compile time".)
template <class F>
decltype(auto) visit_sequence(const Graph& g, std::string_view spec, std::string_view mixing, std::uint64_t seed, F&& f) {
  const auto parts = detail::split(spec, ':');
  const std::string who = "sequence spec '" + std::string(spec) + "'";
  auto arity = [&](std::size_t k, const char* usage) {
    if (parts.size() != k + 1) detail::fail(who, "expected ", usage);
  };
  if (parts[0] == "static") {
    arity(0, "static");
    return f(StaticSequence(mixing_matrix(g, mixing)));
  }
  if (parts[0] == "random-matching") {
    arity(0, "random-matching");
    return f(RandomMatchingSequence(g, seed));
  }
  if (parts[0] == "random-edge") {
    arity(0, "random-edge");
    return f(RandomEdgeSequence(g, seed));
  }
  if (parts[0] == "random-spanning-tree") {
    arity(0, "random-spanning-tree");
    return f(RandomSpanningTreeSequence(g, seed));
  }
  if (parts[0] == "adversarial-tree") {
    arity(1, "adversarial-tree:K");
    return f(AdversarialTreeSequence(g, parse_number<Index>(parts[1], who, "K"), seed));
  }
  if (parts[0] == "b-connected") {
    arity(1, "b-connected:B");
    return f(BConnectedSequence(g, parse_number<Index>(parts[1], who, "B"), seed));
  }
  if (parts[0] == "markov") {
    arity(2, "markov:FAIL:RECOVER");
    return f(MarkovLinkSequence(g, parse_number<double>(parts[1], who, "FAIL"), parse_number<double>(parts[2], who, "RECOVER"),
                                seed));
  }
  if (parts[0] == "one-peer-exponential") {
    arity(0, "one-peer-exponential");
    return f(OnePeerExponentialSequence(num_nodes(g)));
  }
  detail::fail(who, "unknown sequence (known: static, random-matching, random-edge, random-spanning-tree, "
                    "adversarial-tree:K, b-connected:B, markov:FAIL:RECOVER, one-peer-exponential)");
}

/// The sequence described by `spec` over graph `g` (visit_sequence), type-erased.
/// @throws InvalidArgument as visit_sequence.
template <int = 0>
AnySequence make_sequence(const Graph& g, std::string_view spec, std::string_view mixing, std::uint64_t seed) {
  return visit_sequence(g, spec, mixing, seed, [](auto sequence) { return AnySequence(std::move(sequence)); });
}

}  // namespace adonis
