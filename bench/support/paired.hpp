// SPDX-License-Identifier: BSD-3-Clause
/// @file paired.hpp
/// @brief Paired microbenchmarks: each kernel is registered twice, as `NAME/library` and
///        `NAME/hand` (a plain hand-written loop doing the same arithmetic), run with
///        repetitions in random interleaved order (the machines are shared and noisy), and a
///        final line per pair prints the ratios of the median real and CPU times, library / hand.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

namespace adonis::bench {

/// Console output as usual, plus the ratio of the medians of every `NAME/library` and
/// `NAME/hand` pair (a kernel against its hand loop), of every `NAME/traced` and `NAME/bare`
/// pair (a run with an observer against the same run without: 1 + the observer's overhead), of
/// `NAME/one_thread` over `NAME/threads` (the speed-up of several threads) and of `NAME/threads`
/// over `NAME/floor` and `NAME/dram_floor` (a kernel against the memory-streaming floor of the
/// same bytes: copied within the caches, and streamed from and to main memory).
class PairedReporter : public benchmark::ConsoleReporter {
  static constexpr std::pair<const char*, const char*> kPairs[] = {
      {"library", "hand"}, {"traced", "bare"}, {"one_thread", "threads"}, {"threads", "floor"}, {"threads", "dram_floor"}};

 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      const std::string& name = r.run_name.function_name;
      const auto slash = name.rfind('/');
      if (slash == std::string::npos) continue;
      m_medians[name.substr(0, slash)][name.substr(slash + 1)] = {r.GetAdjustedRealTime(), r.GetAdjustedCPUTime()};
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& [pair, times] : m_medians) {
      for (const auto& [top, bottom] : kPairs) {
        const auto lib = times.find(top), hand = times.find(bottom);
        if (lib == times.end() || hand == times.end()) continue;
        std::printf("ratio %s %s/%s: real %.3f (medians %.4g / %.4g), cpu %.3f\n", pair.c_str(), top, bottom,
                    lib->second.first / hand->second.first, lib->second.first, hand->second.first,
                    lib->second.second / hand->second.second);
      }
    }
  }

 private:
  std::map<std::string, std::map<std::string, std::pair<double, double>>> m_medians;  // real, cpu
};

/// main(): defaults to 10 interleaved repetitions reporting aggregates, unless the command
/// line says otherwise; then runs everything through PairedReporter.
inline int paired_main(int argc, char** argv) {
  std::string reps = "--benchmark_repetitions=10", inter = "--benchmark_enable_random_interleaving=true",
              aggr = "--benchmark_report_aggregates_only=true";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i) has_reps = has_reps || std::string(argv[i]).rfind("--benchmark_repetitions", 0) == 0;
  std::vector<char*> args;
  args.reserve(static_cast<std::size_t>(argc) + 3);
  args.push_back(argv[0]);
  if (!has_reps) {
    args.push_back(reps.data());
    args.push_back(inter.data());
    args.push_back(aggr.data());
  }
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  PairedReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace adonis::bench
