// SPDX-License-Identifier: BSD-3-Clause
/// @file continuous_momentum.hpp
/// @brief The pair of variables (x_i, x̃_i) per node that the continuized methods mix by a linear
///        ODE between events (Even et al., NeurIPS 2021, arXiv:2106.07644; Nabli, Belilovsky &
///        Oyallon, NeurIPS 2023, arXiv:2306.08289), integrated lazily and in closed form.
///
/// Between two events that touch node i,
///   dx_i = η (x̃_i − x_i) dt,   dx̃_i = η (x_i − x̃_i) dt.
/// The sum s = x_i + x̃_i is constant and the difference x_i − x̃_i decays as e^{−2ηΔt}, so over
/// an interval Δt (exact, [DER])
///   x_i ← x_i + w (x̃_i − x_i),   x̃_i ← x̃_i − w (x̃_i − x_i),   w = (1 − e^{−2ηΔt})/2.
/// Each node keeps the time of its last update and is brought to the current time only when an
/// event reads or writes it: an event costs O(d), never O(n d).
#pragma once

#include <cmath>
#include <limits>
#include <cstdint>
#include <vector>

#include "adonis/core/types.hpp"

namespace adonis::detail {

/// The weight w = (1 − e^{−2ηΔt})/2 of the closed-form step over Δt (file comment).
inline double momentum_weight(double eta, double dt) { return -0.5 * std::expm1(-2 * eta * dt); }

/// One node's (x, x̃) (d entries each) integrated over an interval of weight w:
/// x += w (x̃ − x), x̃ −= w (x̃ − x). What the simulator's sync and the real backends' advance do.
inline void momentum_integrate(double* x, double* xt, Index d, double w) {
  for (Index c = 0; c < d; ++c) {
    const double delta = w * (xt[c] - x[c]);
    x[c] += delta;
    xt[c] -= delta;
  }
}

/// x after an interval of weight w without changing the state: out = x + w (x̃ − x).
inline void momentum_x_at(const double* x, const double* xt, Index d, double w, double* out) {
  for (Index c = 0; c < d; ++c) out[c] = x[c] + w * (xt[c] - x[c]);
}

/// The antisymmetric jumps of an exchange (i, j) of the continuized methods, Δ = x_j − x_i
/// (taken when the exchange started): x_i += cΔ, x_j −= cΔ, x̃_i += c̃Δ, x̃_j −= c̃Δ.
/// A²CiD² uses c = ½, c̃ = β̃; continuized gossip c = c_e, c̃ = γ̃.
inline void momentum_jump(double* xi, double* xti, double* xj, double* xtj, const double* delta, Index d, double c,
                          double ct) {
  for (Index k = 0; k < d; ++k) {
    xi[k] += c * delta[k];
    xj[k] -= c * delta[k];
    xti[k] += ct * delta[k];
    xtj[k] -= ct * delta[k];
  }
}

/// Lazily integrated (x, x̃) of n nodes (see the file comment). Not a public algorithm: the
/// state of ContinuizedGossip and A2cid2.
class ContinuousMomentum {
 public:
  /// Starts from x = x̃ = x0 at time 0 with mixing rate η >= 0.
  void reset(const Iterates<double>& x0, double eta) {
    m_x = x0;
    m_xt = x0;
    m_last.assign(static_cast<std::size_t>(x0.rows()), 0.0);
    m_eta = eta;
    ++m_version;
    m_cache_time = std::numeric_limits<double>::quiet_NaN();
  }
  /// Brings node i to time t (t never precedes the node's last update).
  void sync(Index i, double t) {
    auto& last = m_last[static_cast<std::size_t>(i)];
    const double dt = t - last;
    if (!(dt > 0)) return;
    momentum_integrate(m_x.row(i).data(), m_xt.row(i).data(), m_x.cols(), weight(dt));
    last = t;
    ++m_version;
  }
  /// Writes every node's x (or x̃) integrated to time t into `out`, without changing the state
  /// (observing a run does not perturb its rounding).
  void synced(double t, Iterates<double>& out, bool momentum = false) const {
    out.resize(m_x.rows(), m_x.cols());
    for (Index i = 0; i < m_x.rows(); ++i) {
      const double dt = t - m_last[static_cast<std::size_t>(i)];
      const double w = dt > 0 ? weight(dt) : 0.0;
      if (momentum) out.row(i) = m_xt.row(i) - w * (m_xt.row(i) - m_x.row(i));
      else momentum_x_at(m_x.row(i).data(), m_xt.row(i).data(), m_x.cols(), w, out.row(i).data());
    }
  }
  /// Every node's x at time t, cached until the next write or another t (what the owners'
  /// iterates() return).
  const Iterates<double>& x_at(double t) const {
    if (!(m_cache_time == t) || m_cache_version != m_version) {
      synced(t, m_cache);
      m_cache_time = t;
      m_cache_version = m_version;
    }
    return m_cache;
  }
  /// Mutable rows of node i (call sync(i, t) first); every write must go through these.
  auto x(Index i) {
    ++m_version;
    return m_x.row(i);
  }
  auto xt(Index i) {
    ++m_version;
    return m_xt.row(i);
  }
  auto x(Index i) const { return m_x.row(i); }
  auto xt(Index i) const { return m_xt.row(i); }
  /// The antisymmetric jumps of an exchange (i, j) with Δ = `delta` (momentum_jump; call
  /// sync(i, t) and sync(j, t) first).
  void jump(Index i, Index j, const Vector<double>& delta, double c, double ct) {
    ++m_version;
    momentum_jump(m_x.row(i).data(), m_xt.row(i).data(), m_x.row(j).data(), m_xt.row(j).data(), delta.data(),
                  m_x.cols(), c, ct);
  }
  double eta() const noexcept { return m_eta; }
  Index rows() const noexcept { return m_x.rows(); }
  Index cols() const noexcept { return m_x.cols(); }
  /// Changes on every write: lets the owners cache synchronized views.
  std::uint64_t version() const noexcept { return m_version; }

 private:
  double weight(double dt) const { return momentum_weight(m_eta, dt); }
  Iterates<double> m_x, m_xt;
  std::vector<double> m_last;
  double m_eta = 0;
  std::uint64_t m_version = 0;
  mutable Iterates<double> m_cache;
  mutable double m_cache_time = std::numeric_limits<double>::quiet_NaN();
  mutable std::uint64_t m_cache_version = 0;
};

}  // namespace adonis::detail
