// SPDX-License-Identifier: BSD-3-Clause
/// @file gossip.hpp
/// @brief Synchronous gossip averaging X_{t+1} = W_t X_t, and Chebyshev-accelerated gossip.
///
/// Gossip (theory-rates.md §1): the average is preserved and the consensus error contracts by
/// exactly ρ = ||W − J|| per round along the slowest eigenvector of a symmetric W.
/// Chebyshev gossip (Scaman, Bach, Bubeck, Lee, Massoulié, ICML 2017, Alg. 2; §3a): K
/// communication rounds apply T_K(c2 (I − c3 M)) / T_K(c2) to X, which keeps the average and
/// contracts the consensus error by exactly 1/T_K(c2) per outer step.
#pragma once

#include <cmath>
#include <utility>

#include "adonis/algorithm/driver.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/result.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/spectral.hpp"

namespace adonis {

namespace detail {

/// Number of off-diagonal nonzeros of W (= 2|E_t|, the messages of one synchronous round).
inline std::int64_t offdiagonal_nonzeros(const SparseMatrix& w) {
  std::int64_t count = 0;
  for (Index i = 0; i < w.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(w, i); it; ++it)
      if (it.index() != i && it.value() != 0.0) ++count;
  return count;
}

/// Counts one synchronous round that sends `vectors` d-vectors along every edge direction of W.
inline void count_round(Counters& c, const SparseMatrix& w, Index dim, int vectors = 1) {
  const std::int64_t m = offdiagonal_nonzeros(w);
  c.messages += m;
  c.bytes += m * 8 * vectors * dim;
}

/// out = M v for a Laplacian-like M (zero row sums), as (M v)_i = Σ_{j≠i} (−M_ij)(v_i − v_j):
/// the diagonal is implied by the off-diagonal entries, so a constant v gives exactly 0 (a plain
/// product leaves ~1e-16·|v| of rounding there). The diagonal entries of M are not read.
inline void laplacian_product(const SparseMatrix& m, const Iterates<double>& v, Iterates<double>& out) {
  out.setZero(v.rows(), v.cols());
  for (Index i = 0; i < m.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(m, i); it; ++it)
      if (it.index() != i) out.row(i) -= it.value() * (v.row(i) - v.row(it.index()));
}

/// Ends a synchronous round: counts its messages (see count_round), then advances the round
/// counter; time = round number.
inline void finish_round(Counters& c, const SparseMatrix& w, Index dim, int vectors = 1) {
  count_round(c, w, dim, vectors);
  ++c.rounds;
  c.time = static_cast<double>(c.rounds);
}

inline void check_iterates(const char* who, const Iterates<double>& x, Index n) {
  if (x.rows() != n)
    fail<DimensionMismatch>(who, "X must have one row per node: ", n, " rows (got ", x.rows(), " x ", x.cols(), ")");
  if (!x.allFinite()) fail(who, "X must be finite");
}

}  // namespace detail

/// Synchronous gossip averaging X_{t+1} = W_t X_t over a graph sequence.
/// @tparam Sequence models GraphSequence.
template <GraphSequence Sequence>
class Gossip : public Runnable<Gossip<Sequence>> {
 public:
  explicit Gossip(Sequence sequence) : m_sequence(std::move(sequence)) {}

  void init(const Iterates<double>& x0) {
    detail::check_iterates("Gossip::init", x0, m_sequence.num_nodes());
    m_x = x0;
    m_counters = {};
  }
  void step() {
    const SparseMatrix& w = m_sequence.mixing(m_counters.rounds);
    detail::mix(m_sequence, w, m_x, m_next);
    std::swap(m_x, m_next);
    detail::finish_round(m_counters, w, m_x.cols());
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }
  const Sequence& sequence() const noexcept { return m_sequence; }

 private:
  Sequence m_sequence;
  Iterates<double> m_x, m_next;
  Counters m_counters;
};

/// Options of ChebyshevGossip.
struct ChebyshevGossipOptions {
  /// Number K of communication rounds per outer step; 0 means K = ⌊1/√γ + 1e-9⌋ (Scaman et al.).
  Index rounds_per_step = 0;
  void validate() const {
    if (rounds_per_step < 0)
      detail::fail("ChebyshevGossip", "rounds_per_step must be >= 0 (got ", rounds_per_step, ")");
  }
};

/// Chebyshev-accelerated gossip with a static Laplacian-like gossip matrix M (symmetric PSD,
/// ker M = span(1)), e.g. the graph Laplacian L or I − W.
///
/// With λ1 = λmax(M), λ_{n−1} = λ2⁺(M), γ = λ_{n−1}/λ1, c2 = (1+γ)/(1−γ), c3 = 2/((1+γ)λ1):
///   x_0 = x, x_1 = c2 (I − c3 M) x, x_{k+1} = 2 c2 (I − c3 M) x_k − x_{k−1},
///   a_0 = 1, a_1 = c2,        a_{k+1} = 2 c2 a_k − a_{k−1};   one outer step: x ← x_K / a_K.
/// One outer step costs K communication rounds: `rounds` counts outer steps, `time` and
/// `messages` count communication rounds. When γ = 1 (complete graph) one round x ← x − M x/λ1
/// averages exactly and is used instead.
class ChebyshevGossip : public Runnable<ChebyshevGossip> {
 public:
  /// @throws InvalidTopology if M is not Laplacian-like with a one-dimensional kernel.
  template <int = 0>
  explicit ChebyshevGossip(SparseMatrix m, ChebyshevGossipOptions options = {})
      : m_m(std::move(m)), m_options(options) {
    m_options.validate();
    const LaplacianEnds e = laplacian_ends(m_m);
    if (!(e.lambda2 > 1e-14 * e.lambda_max))
      detail::fail<InvalidTopology>("ChebyshevGossip", "M must have a one-dimensional kernel (lambda2 = ", e.lambda2,
                                    "): the graph must be connected");
    m_lambda1 = e.lambda_max;
    m_gamma = e.lambda2 / e.lambda_max;
    m_exact = m_gamma > 1 - 1e-12;
    if (!m_exact) {
      m_c2 = (1 + m_gamma) / (1 - m_gamma);
      m_c3 = 2 / ((1 + m_gamma) * m_lambda1);
    }
    m_k = m_options.rounds_per_step > 0 ? m_options.rounds_per_step
                                        : std::max<Index>(1, static_cast<Index>(std::floor(1 / std::sqrt(m_gamma) + 1e-9)));
    if (m_exact) m_k = 1;
  }

  Index num_nodes() const { return m_m.rows(); }
  double gamma() const noexcept { return m_gamma; }
  Index rounds_per_step() const noexcept { return m_k; }
  /// Exact consensus contraction per outer step, 1/T_K(c2) (0 when γ = 1).
  double contraction() const {
    if (m_exact) return 0.0;
    return 1.0 / std::cosh(static_cast<double>(m_k) * std::acosh(m_c2));
  }

  void init(const Iterates<double>& x0) {
    detail::check_iterates("ChebyshevGossip::init", x0, num_nodes());
    m_x = x0;
    m_counters = {};
  }
  void step() {
    if (m_exact) {
      m_x -= (m_m * m_x) / m_lambda1;
    } else {
      // y = (I − c3 M) x, applied by the recursion of Scaman et al., Alg. 2
      Iterates<double> prev = m_x, cur = m_c2 * (m_x - m_c3 * (m_m * m_x));
      double a_prev = 1, a_cur = m_c2;
      for (Index k = 1; k < m_k; ++k) {
        Iterates<double> next = 2 * m_c2 * (cur - m_c3 * (m_m * cur)) - prev;
        prev = std::move(cur);
        cur = std::move(next);
        const double a_next = 2 * m_c2 * a_cur - a_prev;
        a_prev = a_cur;
        a_cur = a_next;
      }
      m_x = cur / a_cur;
    }
    for (Index k = 0; k < m_k; ++k) detail::count_round(m_counters, m_m, m_x.cols());
    ++m_counters.rounds;
    m_counters.time += static_cast<double>(m_k);
  }
  const Iterates<double>& iterates() const noexcept { return m_x; }
  const Counters& counters() const noexcept { return m_counters; }
  /// The gossip matrix M.
  const SparseMatrix& matrix() const noexcept { return m_m; }

  /// out = P_K(M) x = x − T_K(c2 (I − c3 M)) x / T_K(c2), the consensus residual that one
  /// outer step removes (MSDA's dual step uses it), evaluated so that a consensual x gives
  /// exactly 0, and a nearly consensual x a result with rounding error relative to its
  /// deviation from consensus rather than to x itself. step() forms x_K/a_K first, a vector of
  /// the size of x, so x − x_K/a_K carries ~K·1e-16·||x|| of rounding even at consensus; fed
  /// into an iteration that never forgets the mean direction (MSDA's dual momentum), that error
  /// accumulates without bound (docs/rates.md, the `optimal` table). Here the residuals
  /// u_k = P_k(M) x follow from u_0 = 0, u_1 = c3 M x and
  ///   u_{k+1} = (2 c2 a_k (c3 M (x − u_k) + u_k) − a_{k−1} u_{k−1}) / a_{k+1},
  /// (the recursion of step() rewritten for x − x_k/a_k), with M applied as
  /// (M v)_i = Σ_{j≠i} (−M_ij)(v_i − v_j) (laplacian_product), exact on constant vectors.
  /// Costs K products with M; does not touch the iterates or counters.
  void polynomial(const Iterates<double>& x, Iterates<double>& out) const {
    Iterates<double> mx;
    if (m_exact) {
      detail::laplacian_product(m_m, x, mx);
      out = mx / m_lambda1;
      return;
    }
    detail::laplacian_product(m_m, x, mx);
    Iterates<double> prev = Iterates<double>::Zero(x.rows(), x.cols()), cur = m_c3 * mx, diff;
    double a_prev = 1, a_cur = m_c2;
    for (Index k = 1; k < m_k; ++k) {
      diff = x - cur;
      detail::laplacian_product(m_m, diff, mx);
      const double a_next = 2 * m_c2 * a_cur - a_prev;
      Iterates<double> next = (2 * m_c2 * a_cur * (m_c3 * mx + cur) - a_prev * prev) / a_next;
      prev = std::move(cur);
      cur = std::move(next);
      a_prev = a_cur;
      a_cur = a_next;
    }
    out = std::move(cur);
  }

 private:
  SparseMatrix m_m;
  ChebyshevGossipOptions m_options;
  double m_lambda1 = 0, m_gamma = 0, m_c2 = 0, m_c3 = 0;
  bool m_exact = false;
  Index m_k = 1;
  Iterates<double> m_x;
  Counters m_counters;
};

}  // namespace adonis
