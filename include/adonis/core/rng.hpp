// SPDX-License-Identifier: BSD-3-Clause
/// @file rng.hpp
/// @brief Counter-based seeding: every random quantity is a pure function of (seed, stream, counter).
///
/// Random graph sequences must give the same W_t for a given (seed, t) whatever order the
/// rounds are asked in, and every process of a distributed run must be able to compute it
/// without talking (architecture.md). We therefore never carry one generator across rounds:
/// the generator for round t is built from hash(seed, stream, t).
#pragma once

#include <cstdint>
#include <limits>

namespace adonis {

/// One step of the SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Derives an independent 64-bit seed from a user seed, a stream id and a counter.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream,
                                    std::uint64_t counter = 0) noexcept {
  std::uint64_t h = splitmix64_mix(seed + 0x9e3779b97f4a7c15ULL);
  h = splitmix64_mix(h ^ (stream + 0x632be59bd9b4e019ULL));
  return splitmix64_mix(h ^ (counter + 0x85157af5ULL));
}

/// SplitMix64 as a C++ UniformRandomBitGenerator: tiny state, cheap to construct per round,
/// good enough statistically for sampling graphs and events (it passes BigCrush).
class SplitMix64 {
 public:
  using result_type = std::uint64_t;

  /// Seeds the generator directly with `seed`.
  explicit constexpr SplitMix64(std::uint64_t seed = 0) noexcept : m_state(seed) {}
  /// The generator for (seed, stream, counter): see derive_seed().
  constexpr SplitMix64(std::uint64_t seed, std::uint64_t stream, std::uint64_t counter) noexcept
      : m_state(derive_seed(seed, stream, counter)) {}

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// Next 64 random bits.
  constexpr result_type operator()() noexcept {
    m_state += 0x9e3779b97f4a7c15ULL;
    return splitmix64_mix(m_state);
  }

  /// A double uniform in [0, 1) with 53 random bits (independent of the standard library's
  /// distribution implementations, so traces are bit-identical across toolchains).
  constexpr double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

  /// An integer uniform in [0, n) (Lemire's multiply-shift; bias below 2^-64 * n, negligible).
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    __extension__ using Wide = unsigned __int128;  // GCC/Clang extension, silences -Wpedantic
    return static_cast<std::uint64_t>((static_cast<Wide>((*this)()) * n) >> 64);
  }

 private:
  std::uint64_t m_state;
};

}  // namespace adonis
