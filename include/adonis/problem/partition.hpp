// SPDX-License-Identifier: BSD-3-Clause
/// @file partition.hpp
/// @brief Splitting the samples of a dataset across n nodes: iid, contiguous, sorted, Dirichlet.
///
/// A Partition lists, for each node, the (ascending) row indices it owns; every row is owned
/// by exactly one node and every node owns at least one row. All schemes are seeded.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/random.hpp"

namespace adonis {

/// For each node, the rows of the dataset it owns.
using Partition = std::vector<std::vector<Index>>;

/// The partition schemes of the command line's `--partition` option.
enum class PartitionKind {
  iid,         ///< shuffled, then blocks whose sizes differ by at most one (larger first)
  contiguous,  ///< file order: node i gets the i-th block (sizes differ by at most one, larger first)
  sorted,      ///< stable-sorted by label/target, then contiguous blocks: maximal heterogeneity
  dirichlet    ///< label skew: each class split over nodes by a Dirichlet(alpha) draw (Hsu et al. 2019)
};

/// A scheme and its parameter.
struct PartitionSpec {
  PartitionKind kind = PartitionKind::iid;
  double alpha = 1.0;  ///< Dirichlet concentration (dirichlet only), > 0
};

/// Parses `iid`, `contiguous`, `sorted` or `dirichlet:ALPHA`.
/// @throws InvalidArgument naming the value.
inline PartitionSpec parse_partition(std::string_view text) {
  const std::string who = "partition";
  if (text == "iid") return {PartitionKind::iid, 1.0};
  if (text == "contiguous") return {PartitionKind::contiguous, 1.0};
  if (text == "sorted") return {PartitionKind::sorted, 1.0};
  if (text.substr(0, 10) == "dirichlet:") {
    const std::string number(text.substr(10));
    double alpha = 0;
    std::size_t used = 0;
    try {
      alpha = std::stod(number, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != number.size() || !(alpha > 0) || !std::isfinite(alpha))
      detail::fail(who, "dirichlet ALPHA must be a number > 0 (got '", number, "')");
    return {PartitionKind::dirichlet, alpha};
  }
  detail::fail(who, "unknown partition '", text, "' (known: iid, contiguous, sorted, dirichlet:ALPHA)");
}

/// The spec as the command line spells it.
inline std::string to_string(const PartitionSpec& p) {
  switch (p.kind) {
    case PartitionKind::iid: return "iid";
    case PartitionKind::contiguous: return "contiguous";
    case PartitionKind::sorted: return "sorted";
    case PartitionKind::dirichlet: return detail::concat("dirichlet:", p.alpha);
  }
  return "?";
}

namespace detail {
/// Streams of the partition RNG (distinct from every other use of the seed).
enum class PartitionStream : std::uint64_t { iid = 31, dirichlet = 32 };

/// Cuts `order` into n consecutive blocks, sizes differing by at most one, larger blocks first.
inline Partition cut_blocks(const std::vector<Index>& order, Index n) {
  const auto m = static_cast<Index>(order.size());
  Partition parts(static_cast<std::size_t>(n));
  Index start = 0;
  for (Index i = 0; i < n; ++i) {
    const Index size = m / n + (i < m % n ? 1 : 0);
    parts[static_cast<std::size_t>(i)].assign(order.begin() + start, order.begin() + start + size);
    start += size;
  }
  return parts;
}
}  // namespace detail

/// Splits the m = labels.size() samples across `nodes` nodes by `spec`, seeded by `seed`.
/// For `dirichlet:ALPHA` the classes are the distinct values of `labels`; within each class the
/// samples are shuffled and cut by proportions p ~ Dirichlet(ALPHA, ..., ALPHA) (Hsu, Qi and
/// Brown 2019, "Measuring the effects of non-identical data distribution"); then every empty
/// node takes one sample from the currently largest node.
/// @throws InvalidArgument when nodes < 1 or nodes > m (every node needs a sample).
inline Partition partition_samples(const Vector<double>& labels, Index nodes, const PartitionSpec& spec,
                                   std::uint64_t seed) {
  const Index m = labels.size();
  if (nodes < 1) detail::fail("partition", "nodes must be >= 1 (got ", nodes, ")");
  if (nodes > m)
    detail::fail("partition", "nodes must be <= the number of samples, ", m, ", so that every node has one (got ",
                 nodes, ")");
  std::vector<Index> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), Index{0});
  Partition parts;
  switch (spec.kind) {
    case PartitionKind::contiguous: parts = detail::cut_blocks(order, nodes); break;
    case PartitionKind::iid: {
      SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::PartitionStream::iid), 0);
      shuffle_in_place(order, rng);
      parts = detail::cut_blocks(order, nodes);
      break;
    }
    case PartitionKind::sorted:
      std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return labels(a) < labels(b); });
      parts = detail::cut_blocks(order, nodes);
      break;
    case PartitionKind::dirichlet: {
      if (!(spec.alpha > 0)) detail::fail("partition", "dirichlet ALPHA must be > 0 (got ", spec.alpha, ")");
      SplitMix64 rng(seed, static_cast<std::uint64_t>(detail::PartitionStream::dirichlet), 0);
      std::map<double, std::vector<Index>> classes;
      for (Index j = 0; j < m; ++j) classes[labels(j)].push_back(j);
      parts.assign(static_cast<std::size_t>(nodes), {});
      for (auto& [label, members] : classes) {
        shuffle_in_place(members, rng);
        const auto p = dirichlet_variate(rng, nodes, spec.alpha);
        const auto mc = static_cast<double>(members.size());
        double cumulative = 0;
        std::size_t start = 0;
        for (Index i = 0; i < nodes; ++i) {
          cumulative += p[static_cast<std::size_t>(i)];
          const std::size_t end = i + 1 == nodes ? members.size()
                                                 : std::min(members.size(), static_cast<std::size_t>(std::llround(cumulative * mc)));
          for (std::size_t k = start; k < std::max(start, end); ++k) parts[static_cast<std::size_t>(i)].push_back(members[k]);
          start = std::max(start, end);
        }
      }
      for (auto& part : parts) {
        if (!part.empty()) continue;
        auto largest = std::max_element(parts.begin(), parts.end(),
                                        [](const auto& a, const auto& b) { return a.size() < b.size(); });
        part.push_back(largest->back());
        largest->pop_back();
      }
      break;
    }
  }
  for (auto& part : parts) std::sort(part.begin(), part.end());
  return parts;
}

/// Checks that `parts` is a partition of {0, ..., m-1} into non-empty sets.
/// @throws InvalidArgument (DimensionMismatch for an out-of-range row) naming the node.
inline void validate_partition(const Partition& parts, Index m, std::string_view who) {
  if (parts.empty()) detail::fail(who, "partition must have at least one node");
  std::vector<char> seen(static_cast<std::size_t>(m), 0);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) detail::fail(who, "node ", i, " owns no sample");
    for (const Index j : parts[i]) {
      if (j < 0 || j >= m) detail::fail<DimensionMismatch>(who, "node ", i, " owns row ", j, ", outside [0, ", m, ")");
      if (seen[static_cast<std::size_t>(j)]++) detail::fail(who, "row ", j, " is owned twice");
    }
  }
  for (Index j = 0; j < m; ++j)
    if (!seen[static_cast<std::size_t>(j)]) detail::fail(who, "row ", j, " is owned by no node");
}

}  // namespace adonis
