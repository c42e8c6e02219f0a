// SPDX-License-Identifier: BSD-3-Clause
/// @file compression.hpp
/// @brief Compression operators Q : R^d → R^d for compressed gossip (CHOCO), each with its
///        exact encoded size in bytes and its compression quality δ.
///
/// Quality (Koloskova, Stich & Jaggi, ICML 2019, Assumption 1, where it is called ω; ICLR 2020
/// calls it δ, and so do we): an operator C is δ-contractive if
///   E_C ||C(x) − x||² ≤ (1 − δ) ||x||²   for all x,   0 < δ ≤ 1.
/// An *unbiased* operator (E Q(x) = x) with E||Q(x)||² ≤ τ ||x||² is not contractive when τ ≥ 2,
/// but its rescaling C = Q/τ is, with δ = 1/τ (ICML'19, §3, rescaled unbiased operators):
///   E||Q/τ − x||² = ||x||²(1 − 2/τ) + E||Q||²/τ² ≤ (1 − 1/τ) ||x||².
/// `Compressor::apply` computes Q itself (unbiased where the operator is); `Compressor::compress`
/// computes the contractive C = Q · contraction_scale(d) that CHOCO uses, and `delta(d)` is the
/// δ of that C. The rescaling is a known constant, so it costs no bytes.
///
/// | spec                  | operator Q                                  | unbiased | τ                   | δ of C    | bytes(d)                     |
/// |-----------------------|---------------------------------------------|----------|---------------------|-----------|------------------------------|
/// | `identity`            | x                                           | yes      | 1                   | 1         | 8d                           |
/// | `top-k:K`             | the K largest \|x_j\| kept, others 0        | no       | —                   | K/d       | 12K (uint32 index + double)  |
/// | `random-k:K`          | K uniformly random coordinates kept         | no       | —                   | K/d       | 8K (indices: shared seed)    |
/// | `random-k-unbiased:K` | the same, scaled by d/K                     | yes      | d/K                 | K/d       | 8K                           |
/// | `qsgd:S`              | ||x||₂ sign(x_j) ξ_j / S (Alistarh+ 2017)   | yes      | 1 + min(d/S², √d/S) | 1/τ       | 8 + ⌈d·⌈log2(2S+1)⌉/8⌉       |
/// | `sign`                | (||x||₁/d) sign(x)                          | no       | —                   | 1/d       | 8 + ⌈d/8⌉                    |
///
/// Randomness comes only from the SplitMix64 the caller passes in; CHOCO builds it with
/// compression_rng(seed, node, round), so runs are bit-reproducible (architecture.md).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// The compression operators of the table in compression.hpp.
enum class CompressorKind { identity, top_k, random_k, random_k_unbiased, qsgd, sign };

/// The compressed-gossip stream of derive_seed: keeps compression draws independent of the
/// stochastic-gradient draws SplitMix64(seed, node, round) of first_order.hpp.
inline constexpr std::uint64_t compression_stream = 0x636f6d7072657373ULL;  // "compress"

/// The generator of node `node`'s compression in round `round`:
/// SplitMix64(derive_seed(seed, compression_stream), node, round).
constexpr SplitMix64 compression_rng(std::uint64_t seed, std::uint64_t node, std::uint64_t round) noexcept {
  return SplitMix64(derive_seed(seed, compression_stream), node, round);
}

/// A compression operator Q on d-vectors (a small value type; see the file comment for the
/// operators, their quality δ and their encodings). Build one with the named constructors or
/// parse_compressor("top-k:K" | "random-k:K" | "random-k-unbiased:K" | "qsgd:S" | "sign" | "identity").
///
/// @code
///   Compressor q = parse_compressor("top-k:2");
///   SplitMix64 rng = compression_rng(seed, i, t);
///   q.compress(x, out, rng);          // out = C(x), E||C(x) − x||² ≤ (1 − q.delta(d)) ||x||²
///   std::int64_t b = q.bytes(x.size());  // 24 bytes on the wire
/// @endcode
struct Compressor {
  CompressorKind kind = CompressorKind::identity;
  /// K (coordinates kept) for top-k / random-k, S (quantization levels) for qsgd; unused otherwise.
  Index parameter = 0;

  /// Q(x) = x.
  static Compressor identity() { return {}; }
  /// Keeps the k largest |x_j| (ties: lower index first).
  static Compressor top_k(Index k) { return {CompressorKind::top_k, k}; }
  /// Keeps k uniformly random coordinates, unscaled (biased, δ = k/d).
  static Compressor random_k(Index k) { return {CompressorKind::random_k, k}; }
  /// Keeps k uniformly random coordinates scaled by d/k (unbiased, τ = d/k).
  static Compressor random_k_unbiased(Index k) { return {CompressorKind::random_k_unbiased, k}; }
  /// QSGD with s levels (Alistarh, Grubic, Li, Tomioka, Vojnovic, NeurIPS 2017), unbiased.
  static Compressor qsgd(Index s) { return {CompressorKind::qsgd, s}; }
  /// Scaled sign (||x||₁/d) sign(x) (Karimireddy, Rebjock, Stich, Jaggi, ICML 2019), biased.
  static Compressor scaled_sign() { return {CompressorKind::sign, 0}; }

  /// The SPEC string that parse_compressor maps back to this operator ("top-k:4", "sign", ...).
  std::string spec() const {
    switch (kind) {
      case CompressorKind::identity: return "identity";
      case CompressorKind::top_k: return detail::concat("top-k:", parameter);
      case CompressorKind::random_k: return detail::concat("random-k:", parameter);
      case CompressorKind::random_k_unbiased: return detail::concat("random-k-unbiased:", parameter);
      case CompressorKind::qsgd: return detail::concat("qsgd:", parameter);
      case CompressorKind::sign: return "sign";
    }
    return "unknown";
  }

  /// True iff E Q(x) = x (identity, random-k-unbiased, qsgd).
  bool unbiased() const noexcept {
    return kind == CompressorKind::identity || kind == CompressorKind::random_k_unbiased || kind == CompressorKind::qsgd;
  }

  /// Throws InvalidArgument "<who>: <field> must ... (got <value>)" unless the operator is
  /// usable on d-vectors: K in [1, d], S in [1, 2^30], d >= 1 (and d < 2^32 for top-k's uint32
  /// indices). `who` defaults to "compressor '<spec>'".
  void validate(Index dim, std::string_view who = {}) const {
    const std::string name = who.empty() ? detail::concat("compressor '", spec(), "'") : std::string(who);
    if (dim < 1) detail::fail(name, "the dimension d must be >= 1 (got ", dim, ")");
    switch (kind) {
      case CompressorKind::top_k:
        if (dim > Index{0xffffffff}) detail::fail(name, "top-k stores uint32 indices: d must be < 2^32 (got ", dim, ")");
        [[fallthrough]];
      case CompressorKind::random_k:
      case CompressorKind::random_k_unbiased:
        if (parameter < 1) detail::fail(name, "K must be >= 1 (got ", parameter, ")");
        if (parameter > dim) detail::fail(name, "K must be <= the dimension d = ", dim, " (got ", parameter, ")");
        break;
      case CompressorKind::qsgd:
        if (parameter < 1 || parameter > (Index{1} << 30))
          detail::fail(name, "S must lie in [1, 2^30] (got ", parameter, ")");
        break;
      case CompressorKind::identity:
      case CompressorKind::sign: break;
    }
  }

  /// Bits per coordinate of QSGD: ⌈log2(2S + 1)⌉ (a sign and a level in 0..S; 2S+1 values).
  int qsgd_bits() const noexcept { return static_cast<int>(std::bit_width(static_cast<std::uint64_t>(2 * parameter))); }

  /// Exact encoded size in bytes of Q(x) for a d-vector (architecture.md, "Run defaults and
  /// units"): identity 8d, top-k 12K, random-k 8K, qsgd 8 + ⌈d·⌈log2(2S+1)⌉/8⌉, sign 8 + ⌈d/8⌉.
  std::int64_t bytes(Index dim) const noexcept {
    const auto d = static_cast<std::int64_t>(dim), p = static_cast<std::int64_t>(parameter);
    switch (kind) {
      case CompressorKind::identity: return 8 * d;
      case CompressorKind::top_k: return 12 * p;
      case CompressorKind::random_k:
      case CompressorKind::random_k_unbiased: return 8 * p;
      case CompressorKind::qsgd: return 8 + (d * qsgd_bits() + 7) / 8;
      case CompressorKind::sign: return 8 + (d + 7) / 8;
    }
    return 0;
  }

  /// τ with E||Q(x)||² ≤ τ ||x||² for the unbiased operators (identity 1, random-k-unbiased
  /// d/K, qsgd 1 + min(d/S², √d/S), Alistarh et al. 2017, Lemma 3.1); 1 for the biased ones.
  double variance_factor(Index dim) const noexcept {
    const auto d = static_cast<double>(dim), p = static_cast<double>(parameter);
    switch (kind) {
      case CompressorKind::random_k_unbiased: return d / p;
      case CompressorKind::qsgd: return 1 + std::min(d / (p * p), std::sqrt(d) / p);
      default: return 1;
    }
  }

  /// The factor 1/τ that turns Q into the contractive C = Q/τ (1 for the biased operators).
  double contraction_scale(Index dim) const noexcept { return unbiased() ? 1 / variance_factor(dim) : 1.0; }

  /// δ of the contractive C = compress(): E||C(x) − x||² ≤ (1 − δ)||x||². identity 1;
  /// top-k, random-k, random-k-unbiased K/d; qsgd 1/τ; sign 1/d (the worst case of
  /// ||x||₁²/(d||x||₂²), attained at x = e_j).
  double delta(Index dim) const noexcept {
    const auto d = static_cast<double>(dim), p = static_cast<double>(parameter);
    switch (kind) {
      case CompressorKind::identity: return 1;
      case CompressorKind::top_k:
      case CompressorKind::random_k:
      case CompressorKind::random_k_unbiased: return p / d;
      case CompressorKind::qsgd: return 1 / variance_factor(dim);
      case CompressorKind::sign: return 1 / d;
    }
    return 0;
  }

  /// out = Q(x) (unbiased for identity, random-k-unbiased and qsgd). `scratch` is an index
  /// buffer reused across calls (top-k only). Draws from `rng`: random-k d draws (selection
  /// sampling, Knuth's Algorithm S), qsgd d uniforms, the others none.
  void apply(Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> out, SplitMix64& rng,
             std::vector<Index>& scratch) const {
    const Index d = x.size();
    eigen_assert(out.size() == d);
    switch (kind) {
      case CompressorKind::identity: out = x; return;
      case CompressorKind::top_k: {
        // a strict total order (|x| descending, index ascending): the kept set is unique, so
        // both selections below keep the same coordinates
        const auto larger = [&x](Index a, Index b) {
          const double fa = std::abs(x(a)), fb = std::abs(x(b));
          return fa > fb || (fa == fb && a < b);
        };
        if (parameter <= 32) {  // small K: one pass keeping the K largest in order, O(d) typical
          const auto k = static_cast<std::size_t>(parameter);
          scratch.clear();
          double entry = 0;  // once K are kept: |x| of the last kept index
          for (Index j = 0; j < d; ++j) {
            // j follows every kept index: it enters only if strictly larger than the last kept
            if (scratch.size() == k && !(std::abs(x(j)) > entry)) continue;
            if (scratch.size() == k) scratch.pop_back();
            auto at = scratch.end();
            while (at != scratch.begin() && larger(j, *(at - 1))) --at;
            scratch.insert(at, j);
            if (scratch.size() == k) entry = std::abs(x(scratch.back()));
          }
          out.setZero();
          for (const Index j : scratch) out(j) = x(j);
          return;
        }
        scratch.resize(static_cast<std::size_t>(d));
        for (Index j = 0; j < d; ++j) scratch[static_cast<std::size_t>(j)] = j;
        const auto kth = scratch.begin() + static_cast<std::ptrdiff_t>(parameter);
        std::nth_element(scratch.begin(), kth - 1, scratch.end(), larger);
        out.setZero();
        for (auto it = scratch.begin(); it != kth; ++it) out(*it) = x(*it);
        return;
      }
      case CompressorKind::random_k:
      case CompressorKind::random_k_unbiased: {
        const double scale = kind == CompressorKind::random_k ? 1.0 : static_cast<double>(d) / static_cast<double>(parameter);
        Index needed = parameter;
        for (Index j = 0; j < d; ++j) {
          // keep j with probability needed / (d − j): a uniform K-subset (Algorithm S)
          const bool keep = rng.below(static_cast<std::uint64_t>(d - j)) < static_cast<std::uint64_t>(needed);
          out(j) = keep ? scale * x(j) : 0.0;
          needed -= keep ? 1 : 0;
        }
        return;
      }
      case CompressorKind::qsgd: {
        const double norm = x.norm(), s = static_cast<double>(parameter);
        for (Index j = 0; j < d; ++j) {
          const double u = rng.uniform();  // drawn even when x = 0: the stream does not depend on x
          if (norm == 0) { out(j) = 0; continue; }
          const double level = s * std::abs(x(j)) / norm;  // in [0, S]
          const double low = std::floor(level);
          const double xi = low + (u < level - low ? 1.0 : 0.0);  // E ξ = level
          out(j) = std::copysign(norm * xi / s, x(j));
        }
        return;
      }
      case CompressorKind::sign: {
        // sign(0) = +1: one bit per coordinate cannot encode 0, and then ||Q(x)||₁ = ||x||₁ exactly
        const double scale = x.lpNorm<1>() / static_cast<double>(d);
        for (Index j = 0; j < d; ++j) out(j) = x(j) < 0 ? -scale : scale;
        return;
      }
    }
  }

  /// out = Q(x), allocating the top-k index buffer.
  void apply(Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> out, SplitMix64& rng) const {
    std::vector<Index> scratch;
    apply(x, out, rng, scratch);
  }

  /// out = C(x) = Q(x) · contraction_scale(d), the δ-contractive operator of CHOCO.
  void compress(Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> out, SplitMix64& rng,
                std::vector<Index>& scratch) const {
    apply(x, out, rng, scratch);
    if (unbiased() && kind != CompressorKind::identity) out *= contraction_scale(x.size());
  }
};

/// The operator names of the SPEC grammar, for help texts and error messages.
inline const std::vector<std::string>& compressor_names() {
  static const std::vector<std::string> names{"identity", "top-k:K", "random-k:K", "random-k-unbiased:K", "qsgd:S",
                                              "sign"};
  return names;
}

/// Parses a compressor SPEC: "identity", "top-k:K", "random-k:K", "random-k-unbiased:K",
/// "qsgd:S" or "sign". With dim > 0 the operator is also validated for d = dim (K <= d).
/// @throws InvalidArgument "compressor spec '<spec>': <field> must ... (got <value>)".
inline Compressor parse_compressor(std::string_view spec, Index dim = 0) {
  const std::string who = detail::concat("compressor spec '", spec, "'");
  const auto parts = detail::split(spec, ':');
  const std::string_view name = parts[0];
  auto with_parameter = [&](CompressorKind kind, const char* field, const char* usage) {
    if (parts.size() != 2) detail::fail(who, "expected ", usage);
    const auto value = detail::parse_number<long long>(parts[1], who, field);
    return Compressor{kind, static_cast<Index>(value)};
  };
  auto without_parameter = [&](CompressorKind kind, const char* usage) {
    if (parts.size() != 1) detail::fail(who, "expected ", usage, " (no parameter)");
    return Compressor{kind, 0};
  };
  Compressor c;
  if (name == "identity") c = without_parameter(CompressorKind::identity, "identity");
  else if (name == "sign") c = without_parameter(CompressorKind::sign, "sign");
  else if (name == "top-k") c = with_parameter(CompressorKind::top_k, "K", "top-k:K");
  else if (name == "random-k") c = with_parameter(CompressorKind::random_k, "K", "random-k:K");
  else if (name == "random-k-unbiased") c = with_parameter(CompressorKind::random_k_unbiased, "K", "random-k-unbiased:K");
  else if (name == "qsgd") c = with_parameter(CompressorKind::qsgd, "S", "qsgd:S");
  else {
    std::string known;
    for (const auto& n : compressor_names()) known += (known.empty() ? "" : ", ") + n;
    detail::fail(who, "unknown compressor '", name, "' (known: ", known, ")");
  }
  // the parameter's own range first (K >= 1, S >= 1), then K <= d when d is known
  if ((c.kind == CompressorKind::top_k || c.kind == CompressorKind::random_k ||
       c.kind == CompressorKind::random_k_unbiased) && c.parameter < 1)
    detail::fail(who, "K must be >= 1 (got ", c.parameter, ")");
  if (c.kind == CompressorKind::qsgd) c.validate(1, who);
  if (dim > 0) c.validate(dim, who);
  return c;
}

}  // namespace adonis
