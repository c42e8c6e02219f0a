// SPDX-License-Identifier: BSD-3-Clause
/// @file targets.hpp
/// @brief The fuzz targets (issue 21): one function per reader and spec parser, fed arbitrary
///        bytes. Used by the libFuzzer harnesses (fuzz_main.cpp, the `fuzz` preset, clang) and by
///        the corpus replay of the ordinary test suite (test_replay.cpp, g++, every CI run).
///
/// A target swallows the library's documented failures on bad input (InvalidArgument and its
/// subclasses ParseError, DimensionMismatch, InvalidTopology, and RuntimeError): anything else
/// escaping it (std::bad_alloc, std::out_of_range, a Boost exception), a crash, a hang or a
/// sanitizer report is a finding. The specs that size a graph or a problem are limited to
/// kMaxFuzzNodes nodes before they reach the library (a valid `ring:100000000` is slow, not a
/// bug; a dense `erdos-renyi:1702:0.6:1` or `quadratic:dim=533` too, so graph specs are held to
/// kMaxFuzzGraphNumber and problem specs to kMaxFuzzProblemNumber, without exponents; graph
/// specs also run under the tighter cap kFuzzGraphMemoryBytes), and every target runs under
/// a memory cap of kFuzzMemoryBytes (set_memory_limit, what `adonis --max-memory` sets): a
/// 19-byte LIBSVM line `+1 616666666:0.` asks for a 4.9 GB dense matrix, which the guard must
/// refuse rather than allocate, so that every input runs in milliseconds.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "adonis/algorithm/compression.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/io.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/readers.hpp"
#include "adonis/graph/sequence_spec.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/sim/engine.hpp"

namespace adonis::fuzz {

/// The largest number a graph or problem spec may carry into the library here (see the file comment).
inline constexpr long kMaxFuzzNodes = 4096;

/// The largest number a graph spec may carry (dense random graphs above it take seconds).
inline constexpr long kMaxFuzzGraphNumber = 256;

/// The largest number a problem spec may carry (a quadratic of dimension 533 takes seconds).
inline constexpr long kMaxFuzzProblemNumber = 64;

/// The memory cap every target runs under: 256 MB.
inline constexpr std::uint64_t kFuzzMemoryBytes = 256'000'000;

/// The tighter cap of the graph specs: 4 MB, about 40 000 edges (a valid `hypercube:17` has
/// 1.1 million edges and takes seconds; its 107 MB estimate is refused under this cap).
inline constexpr std::uint64_t kFuzzGraphMemoryBytes = 4'000'000;

/// True if every run of digits in `s` is a number ≤ `limit` (and has at most 6 digits), and
/// none carries an exponent (`6e2`).
inline bool small_numbers(std::string_view s, long limit = kMaxFuzzNodes) {
  for (std::size_t i = 0; i < s.size();) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j - i > 6 || std::stol(std::string(s.substr(i, j - i))) > limit) return false;
    // an exponent scales the number (`dim=6e2`): refused whatever its digits
    std::size_t k = j;
    if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
      ++k;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) return false;
    }
    i = j;
  }
  return true;
}

/// `data` in a file of its own (the readers of GraphML and DOT take a path), removed afterwards.
class ScratchFile {
 public:
  ScratchFile(std::string_view data, const char* extension)
      : m_path(std::filesystem::temp_directory_path() /
               ("adonis_fuzz_" + std::to_string(static_cast<long>(::getpid())) + extension)) {
    std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
  }
  std::string path() const { return m_path.string(); }

 private:
  std::filesystem::path m_path;
};

/// Runs `body` under the memory cap `cap_bytes` (the previous cap is restored after),
/// swallowing the library's documented failures on bad input.
template <class F>
void expect_clean(F&& body, std::uint64_t cap_bytes = kFuzzMemoryBytes) {
  struct MemoryCap {
    std::uint64_t previous = memory_limit();
    explicit MemoryCap(std::uint64_t bytes) { set_memory_limit(bytes); }
    MemoryCap(const MemoryCap&) = delete;
    MemoryCap& operator=(const MemoryCap&) = delete;
    ~MemoryCap() { set_memory_limit(previous); }
  } cap(cap_bytes);
  try {
    std::forward<F>(body)();
  } catch (const InvalidArgument&) {
  } catch (const RuntimeError&) {
  }
}

inline void edge_list(std::string_view data) {
  expect_clean([&] {
    std::istringstream in{std::string(data)};
    std::ostringstream warnings;
    read_edge_list(in, "fuzz", warnings);
  });
}
inline void graphml(std::string_view data) {
  const ScratchFile file(data, ".graphml");
  expect_clean([&] {
    std::ostringstream warnings;
    read_graphml_file(file.path(), warnings);
  });
}
inline void dot(std::string_view data) {
  const ScratchFile file(data, ".dot");
  expect_clean([&] {
    std::ostringstream warnings;
    read_dot_file(file.path(), warnings);
  });
}
inline void libsvm(std::string_view data) {
  expect_clean([&] {
    std::istringstream in{std::string(data)};
    read_libsvm(in, "fuzz");
  });
}
inline void csv(std::string_view data) {
  expect_clean([&] {
    std::istringstream in{std::string(data)};
    read_csv(in, "fuzz");
  });
}
inline void graph_spec(std::string_view data) {
  if (!small_numbers(data, kMaxFuzzGraphNumber)) return;
  expect_clean([&] {
    std::ostringstream warnings;
    make_graph(data, warnings);
  }, kFuzzGraphMemoryBytes);
}
inline void problem_spec(std::string_view data) {
  if (!small_numbers(data, kMaxFuzzProblemNumber)) return;
  expect_clean([&] { make_problem(data, 6); });
}
inline void mixing_spec(std::string_view data) {
  expect_clean([&] { mixing_matrix(ring_graph(6), data); });
}
inline void sequence_spec(std::string_view data) {
  if (!small_numbers(data)) return;
  expect_clean([&] {
    AnySequence s = make_sequence(ring_graph(6), data, "metropolis", 1);
    for (Round t = 0; t < 4; ++t) s.mixing(t);
  });
}
inline void compressor_spec(std::string_view data) {
  expect_clean([&] { parse_compressor(data, 10); });
}
inline void latency_spec(std::string_view data) {
  expect_clean([&] { sim::Latency::parse(std::string(data)); });
}
inline void churn_spec(std::string_view data) {
  expect_clean([&] { sim::Churn::parse(std::string(data)); });
}
inline void partition_spec(std::string_view data) {
  expect_clean([&] { parse_partition(data); });
}

/// Every target, by the name of its corpus directory (tests/fuzz/corpus/NAME) and harness (fuzz_NAME).
inline const std::vector<std::pair<std::string, void (*)(std::string_view)>>& targets() {
  static const std::vector<std::pair<std::string, void (*)(std::string_view)>> list{
      {"edge_list", edge_list},       {"graphml", graphml},         {"dot", dot},
      {"libsvm", libsvm},             {"csv", csv},                 {"graph_spec", graph_spec},
      {"problem_spec", problem_spec}, {"mixing_spec", mixing_spec}, {"sequence_spec", sequence_spec},
      {"compressor_spec", compressor_spec}, {"latency_spec", latency_spec}, {"churn_spec", churn_spec},
      {"partition_spec", partition_spec}};
  return list;
}

}  // namespace adonis::fuzz
