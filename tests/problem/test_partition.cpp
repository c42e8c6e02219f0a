// SPDX-License-Identifier: BSD-3-Clause
/// Tests of the partition schemes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "adonis/problem/partition.hpp"

using namespace adonis;

namespace {
Vector<double> labels(Index m, Index classes) {
  Vector<double> y(m);
  for (Index j = 0; j < m; ++j) y(j) = static_cast<double>((j * 7) % classes);
  return y;
}
std::vector<std::size_t> sizes(const Partition& p) {
  std::vector<std::size_t> s;
  for (const auto& part : p) s.push_back(part.size());
  return s;
}
}  // namespace

TEST_CASE("every scheme gives a partition into non-empty nodes, reproducibly", "[problem][partition]") {
  const Vector<double> y = labels(103, 3);
  for (const char* scheme : {"iid", "contiguous", "sorted", "dirichlet:0.1", "dirichlet:1", "dirichlet:100"}) {
    for (Index n : {1, 2, 7, 50, 103}) {
      INFO(scheme << " n=" << n);
      const auto spec = parse_partition(scheme);
      const Partition p = partition_samples(y, n, spec, 5);
      REQUIRE(static_cast<Index>(p.size()) == n);
      CHECK_NOTHROW(validate_partition(p, 103, "test"));
      CHECK(p == partition_samples(y, n, spec, 5));
    }
  }
}

TEST_CASE("iid and contiguous: sizes differ by at most one, larger blocks first", "[problem][partition]") {
  const Vector<double> y = labels(23, 2);
  const Partition c = partition_samples(y, 5, parse_partition("contiguous"), 0);
  CHECK(sizes(c) == std::vector<std::size_t>{5, 5, 5, 4, 4});
  CHECK(c[0] == std::vector<Index>{0, 1, 2, 3, 4});
  CHECK(c[4] == std::vector<Index>{19, 20, 21, 22});
  const Partition a = partition_samples(y, 5, parse_partition("iid"), 1);
  CHECK(sizes(a) == std::vector<std::size_t>{5, 5, 5, 4, 4});
  CHECK(a != c);  // shuffled
  CHECK(a != partition_samples(y, 5, parse_partition("iid"), 2));
}

TEST_CASE("sorted: node label ranges do not overlap", "[problem][partition]") {
  const Vector<double> y = labels(60, 6);
  const Partition p = partition_samples(y, 6, parse_partition("sorted"), 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    std::set<double> values;
    for (const Index j : p[i]) values.insert(y(j));
    CHECK(values.size() == 1);  // 10 samples of each of 6 labels: one label per node
    if (i > 0) CHECK(y(p[i - 1].front()) < y(p[i].front()));
  }
}

TEST_CASE("dirichlet: small alpha skews labels, large alpha approaches iid", "[problem][partition]") {
  const Vector<double> y = labels(2000, 2);
  auto skew = [&](double alpha) {
    const Partition p = partition_samples(y, 10, PartitionSpec{PartitionKind::dirichlet, alpha}, 3);
    double s = 0;  // mean |fraction of label 1 - 1/2| over nodes
    for (const auto& part : p) {
      double ones = 0;
      for (const Index j : part) ones += y(j);
      s += std::abs(ones / static_cast<double>(part.size()) - 0.5);
    }
    return s / 10;
  };
  CHECK(skew(0.05) > 0.3);
  CHECK(skew(1000) < 0.05);
  // every node keeps a sample even when alpha makes most nodes empty
  const Partition p = partition_samples(labels(12, 2), 12, PartitionSpec{PartitionKind::dirichlet, 1e-3}, 0);
  for (const auto& part : p) CHECK(part.size() == 1);
}

TEST_CASE("partition errors: bad names, alpha, too many nodes", "[problem][partition][errors]") {
  CHECK_THROWS_WITH(parse_partition("random"), Catch::Contains("unknown partition 'random'"));
  CHECK_THROWS_WITH(parse_partition("dirichlet:-1"), Catch::Contains("ALPHA must be a number > 0"));
  CHECK_THROWS_WITH(parse_partition("dirichlet:x"), Catch::Contains("(got 'x')"));
  CHECK_THROWS_WITH(partition_samples(labels(5, 2), 6, {}, 0), Catch::Contains("(got 6)"));
  CHECK_THROWS_AS(partition_samples(labels(5, 2), 0, {}, 0), InvalidArgument);
  CHECK_THROWS_AS(validate_partition({{0, 1}, {1}}, 2, "t"), InvalidArgument);
  CHECK_THROWS_AS(validate_partition({{0, 1}, {}}, 2, "t"), InvalidArgument);
  CHECK_THROWS_AS(validate_partition({{0, 5}}, 2, "t"), DimensionMismatch);
}
