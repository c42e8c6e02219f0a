// SPDX-License-Identifier: BSD-3-Clause
/// @file quantize.hpp
/// @brief What a DGL module sends downstream: its K output scores through a quantizer (issue
///        18, item 4; docs/dgl.md). The CHOCO compressors (algorithm/compression.hpp: qsgd:S,
///        top-k:K, random-k:K, sign; their operator Q, unbiased where it is) and plain rounding:
///        fp32, fp16 (IEEE binary16, round to nearest, saturating at ±65504), int8 (a double scale
///        max|o|/127 and one signed byte per score). `identity` sends the doubles.
///
/// | spec | bytes for K scores |
/// |---|---|
/// | `identity` | 8K |
/// | `fp32` | 4K |
/// | `fp16` | 2K |
/// | `int8` | 8 + K |
/// | a compressor | `Compressor::bytes(K)` (qsgd:S: 8 + ⌈K⌈log2(2S+1)⌉/8⌉) |
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adonis/algorithm/compression.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis::dgl {

/// IEEE binary16 rounding of x (round to nearest, ties to even as std::nearbyint does in the
/// default mode; saturating at the largest finite half, 65504; subnormals below 2^-14).
inline double round_to_half(double x) {
  if (!std::isfinite(x)) return x;
  const double a = std::abs(x);
  if (a >= 65504) return std::copysign(65504.0, x);
  if (a < 0x1p-14) return std::nearbyint(x * 0x1p24) * 0x1p-24;  // subnormal spacing 2^-24
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m 2^e, |m| in [0.5, 1): 11 significant bits
  return std::ldexp(std::nearbyint(std::ldexp(m, 11)), e - 11);
}

/// A quantizer of the activations a module sends.
class Quantizer {
 public:
  /// "identity", "fp32", "fp16", "int8" or a compressor spec (parse_compressor).
  /// @throws InvalidArgument naming the spec.
  explicit Quantizer(std::string_view spec = "identity") : m_spec(spec) {
    if (spec == "fp32") m_kind = Kind::fp32;
    else if (spec == "fp16") m_kind = Kind::fp16;
    else if (spec == "int8") m_kind = Kind::int8;
    else {
      m_kind = Kind::compressor;
      m_compressor = parse_compressor(spec);
    }
  }

  const std::string& spec() const { return m_spec; }

  /// @throws InvalidArgument when a compressor cannot run on k scores (top-k:K with K > k, …).
  void validate(Index k) const {
    if (m_kind == Kind::compressor) m_compressor.validate(k);
  }

  /// Bytes on the wire for k scores.
  std::int64_t bytes(Index k) const {
    switch (m_kind) {
      case Kind::fp32: return 4 * k;
      case Kind::fp16: return 2 * k;
      case Kind::int8: return 8 + k;
      case Kind::compressor: return m_compressor.bytes(k);
    }
    return 0;
  }

  /// o ← Q(o) in place; rng draws a random compressor's choices.
  void apply(Eigen::Ref<Vector<double>> o, SplitMix64& rng) const {
    switch (m_kind) {
      case Kind::fp32:
        for (Index k = 0; k < o.size(); ++k) o(k) = static_cast<double>(static_cast<float>(o(k)));
        return;
      case Kind::fp16:
        for (Index k = 0; k < o.size(); ++k) o(k) = round_to_half(o(k));
        return;
      case Kind::int8: {
        const double top = o.cwiseAbs().maxCoeff();
        if (top == 0) return;
        const double scale = top / 127;
        for (Index k = 0; k < o.size(); ++k) o(k) = std::nearbyint(o(k) / scale) * scale;
        return;
      }
      case Kind::compressor: {
        if (m_compressor.kind == CompressorKind::identity) return;
        Vector<double> out(o.size());
        m_compressor.apply(o, out, rng);
        o = out;
        return;
      }
    }
  }

 private:
  enum class Kind { fp32, fp16, int8, compressor };
  std::string m_spec;
  Kind m_kind = Kind::compressor;
  Compressor m_compressor{};
};

/// The quantizer of about `bits` bits per score used by the bits sweep (docs/dgl.md): qsgd with
/// S = 2^(bits−1) − 1 levels (⌈log2(2S + 1)⌉ = bits) for bits ≤ 16, fp32 for 32.
/// @throws InvalidArgument for other values.
inline std::string quantizer_for_bits(int bits) {
  if (bits == 32) return "fp32";
  if (bits >= 2 && bits <= 16) return "qsgd:" + std::to_string((1L << (bits - 1)) - 1);
  adonis::detail::fail("dgl", "bits per activation must be 2..16 or 32 (got ", bits, ")");
}

}  // namespace adonis::dgl
