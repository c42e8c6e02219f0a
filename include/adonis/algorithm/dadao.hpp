// SPDX-License-Identifier: BSD-3-Clause
/// @file dadao.hpp
/// @brief DADAO: Decoupled Accelerated Decentralized Asynchronous Optimization (Nabli &
///        Oyallon, ICML 2023, arXiv:2208.00779; theory-rates.md §9c), on the event engine.
///
/// Every node i holds six d-vectors (x_i, x̃_i, y_i, ỹ_i, z_i, z̃_i). Two independent families of
/// Poisson clocks drive them: node i's computation clock (rate 1 in the theory) triggers a local
/// gradient step, edge (i, j)'s communication clock triggers one pairwise exchange. Between
/// events every node follows the same linear ODE (per coordinate; ν = μ/2):
///   x' = η (x̃ − x),           x̃' = η (x − x̃),
///   y' = α (ỹ − y),           ỹ' = −θ (ν x̃ + y + z),
///   z' = α (z̃ − z),           z̃' = α̃ (z − z̃).
/// A gradient tick at node i, with g = ∇f_i(x_i) − ν x_i − ỹ_i (all at the tick's time):
///   x_i −= γ g,   x̃_i −= γ̃ g,   ỹ_i += (δ + δ̃) g.
/// A communication tick on (i, j), with m = (y_i + z_i) − (y_j + z_j):
///   z_i −= β m,  z̃_i −= β̃ m,   z_j += β m,  z̃_j += β̃ m.
/// Constants (the authors' code, AdelNabli/DADAO optimizers.py, [SRC] in theory-rates §9c):
///   α = ¼√(ν/L), α̃ = ⅛√(ν/L), η = ⅛√(ν/L), θ = ½√(L/ν),
///   β = ½, β̃ = 2χ1*√(L/ν), δ = ¼√(ν/L), δ̃ = 1, γ = 1/(4L), γ̃ = 1/(4√(Lν)),
/// with χ1* = 1/λ2⁺(Λ) for the rate Laplacian Λ = Σ_e λ_e (e_i − e_j)(e_i − e_j)ᵀ of the engine
/// (clock_quantities). Normalization: edge clocks with total rate R spread uniformly give
/// Λ = R·L_G/|E| (R = 1 is graph-info's χ1, χ2, and the DADAO code's L_norm). The authors' main.py
/// runs the communication process at total rate R = √(2 χ1 χ2) (χ's at R = 1), which makes
/// 2 χ1* χ2* = 1 for the rescaled Λ; DadaoOptions::theory_comm_rate reproduces that default.
/// Initial state (the authors' code): x = X0, every other variable 0.
///
/// Rates (the abstract, [SRC]): O(n √(L/μ) log(1/ε)) gradients and
/// O(n √(χ1 χ2) √(L/μ) log(1/ε)) communications (up to log terms), χ's at unit total rate.
///
/// Integration. The ODE is integrated in closed form, lazily: each node keeps the time of its
/// last update and is advanced by the exact propagator Φ(Δt) = exp(M Δt) (6 x 6, dadao_propagator)
/// only when an event involves it, so an event costs O(d) (never O(n d)). iterates() returns the
/// x_i advanced to the engine's time, computed into a cache (the stored state is not touched, so
/// observing a run does not change it).
///
/// Latency (engine option, not covered by the theory): an exchange started at t sends
/// m computed at t; both ends apply their jumps when it is delivered (after advancing to the
/// delivery time), so Σ_i z_i and Σ_i z̃_i stay exactly preserved.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/sim/async.hpp"

namespace adonis {

/// The ODE, jump and step constants of DADAO for given μ, L and χ1* (see the file comment).
struct DadaoConstants {
  double mu = 0, L = 0, chi1 = 0;
  double nu = 0;                                 ///< μ/2
  double alpha = 0, alpha_tilde = 0, eta = 0, theta = 0;  ///< ODE rates
  double beta = 0, beta_tilde = 0, delta = 0, delta_tilde = 0;  ///< jumps
  double gamma = 0, gamma_tilde = 0;             ///< gradient steps

  /// The constants of the authors' code for μ > 0, L >= μ and χ1* > 0.
  /// @throws InvalidArgument naming the bad value.
  static DadaoConstants make(double mu, double L, double chi1) {
    if (!(mu > 0) || !std::isfinite(mu)) detail::fail("Dadao", "mu must be finite and > 0 (got ", mu, ")");
    if (!(L >= mu) || !std::isfinite(L)) detail::fail("Dadao", "L must be finite and >= mu = ", mu, " (got ", L, ")");
    if (!(chi1 > 0) || !std::isfinite(chi1)) detail::fail("Dadao", "chi1 must be finite and > 0 (got ", chi1, ")");
    DadaoConstants c;
    c.mu = mu;
    c.L = L;
    c.chi1 = chi1;
    c.nu = mu / 2;
    const double r = std::sqrt(c.nu / L);  // √(ν/L)
    c.alpha = r / 4;
    c.alpha_tilde = r / 8;
    c.eta = r / 8;
    c.theta = 1 / (2 * r);
    c.beta = 0.5;
    c.beta_tilde = 2 * chi1 / r;
    c.delta = r / 4;
    c.delta_tilde = 1;
    c.gamma = 1 / (4 * L);
    c.gamma_tilde = 1 / (4 * std::sqrt(L * c.nu));
    return c;
  }

  /// The 6 x 6 generator M of the ODE in the variable order (x, x̃, y, ỹ, z, z̃).
  Eigen::Matrix<double, 6, 6> generator() const {
    Eigen::Matrix<double, 6, 6> m = Eigen::Matrix<double, 6, 6>::Zero();
    m(0, 0) = -eta;
    m(0, 1) = eta;
    m(1, 0) = eta;
    m(1, 1) = -eta;
    m(2, 2) = -alpha;
    m(2, 3) = alpha;
    m(3, 1) = -theta * nu;
    m(3, 2) = -theta;
    m(3, 4) = -theta;
    m(4, 4) = -alpha;
    m(4, 5) = alpha;
    m(5, 4) = alpha_tilde;
    m(5, 5) = -alpha_tilde;
    return m;
  }
};

/// The exact propagator Φ(t) = exp(M t) of DADAO's ODE (order x, x̃, y, ỹ, z, z̃), t >= 0, in
/// closed form [DER]: the (x, x̃) and (z, z̃) blocks are autonomous 2 x 2 systems with one
/// conserved combination each (x + x̃, and α̃ z + α z̃) and one mode decaying at 2η (resp.
/// α + α̃); the (y, ỹ) block y' = α(ỹ − y), ỹ' = −θ(y + F(t)) is driven by F = ν x̃ + z, a
/// constant plus the two decaying modes, so its solution is the sum of one particular solution
/// per mode, p_r = αθ c/(r(α − r) − αθ) for y and p_r (α − r)/α for ỹ, and the homogeneous
/// solution exp(A t) h0, A = [[−α, α], [−θ, 0]] (damped rotation: trace −α, determinant αθ).
/// Checked against a Taylor matrix exponential in tests/algorithm/test_async_b.cpp.
inline Eigen::Matrix<double, 6, 6> dadao_propagator(const DadaoConstants& c, double t) {
  const double a = c.alpha, at = c.alpha_tilde, th = c.theta, nu = c.nu;
  const double s_rate = a + at;   // decay rate of z − z̃
  const double r1 = 2 * c.eta;    // decay rate of x − x̃
  const double e1 = std::exp(-r1 * t), e2 = std::exp(-s_rate * t);
  // particular-solution gains k(r) = αθ/(r(α − r) − αθ): y_p = k c e^{−rt}, ỹ_p = k c (α − r)/α e^{−rt}
  const auto gain = [&](double r) { return a * th / (r * (a - r) - a * th); };
  const double k0 = -1.0, k1 = gain(r1), k2 = gain(s_rate);
  const double q1 = (a - r1) / a, q2 = (a - s_rate) / a;
  // homogeneous 2 x 2 exponential E = e^{mt} [C I + S (A − m I)], m = −α/2
  const double m = -a / 2, disc = m * m - a * th;
  double cc, ss;
  if (disc < 0) {
    const double w = std::sqrt(-disc);
    cc = std::cos(w * t);
    ss = std::sin(w * t) / w;
  } else if (disc > 0) {
    const double w = std::sqrt(disc);
    cc = std::cosh(w * t);
    ss = std::sinh(w * t) / w;
  } else {
    cc = 1;
    ss = t;
  }
  const double em = std::exp(m * t);
  // E = em * [[cc + ss(−α − m), ss α], [ss(−θ), cc + ss(−m)]]
  const double e00 = em * (cc + ss * (-a - m)), e01 = em * ss * a, e10 = em * (-ss * th), e11 = em * (cc - ss * m);

  Eigen::Matrix<double, 6, 6> phi;
  for (int col = 0; col < 6; ++col) {
    double v[6] = {0, 0, 0, 0, 0, 0};
    v[col] = 1;
    const double s = v[0] + v[1], dx = v[0] - v[1];
    const double w = (at * v[4] + a * v[5]) / s_rate, dz = v[4] - v[5];
    // forcing F(t) = c0 + c1 e^{−r1 t} + c2 e^{−S t}
    const double c0 = nu * s / 2 + w, c1 = -nu * dx / 2, c2 = a * dz / s_rate;
    const double py = k0 * c0 + k1 * c1 + k2 * c2;            // y_p(0)
    const double pt = k0 * c0 + k1 * c1 * q1 + k2 * c2 * q2;  // ỹ_p(0)
    const double h0 = v[2] - py, h1 = v[3] - pt;
    phi(0, col) = (s + dx * e1) / 2;
    phi(1, col) = (s - dx * e1) / 2;
    phi(2, col) = e00 * h0 + e01 * h1 + k0 * c0 + k1 * c1 * e1 + k2 * c2 * e2;
    phi(3, col) = e10 * h0 + e11 * h1 + k0 * c0 + k1 * c1 * q1 * e1 + k2 * c2 * q2 * e2;
    phi(4, col) = w + (a / s_rate) * dz * e2;
    phi(5, col) = w - (at / s_rate) * dz * e2;
  }
  return phi;
}

namespace detail {
// The event kernels of DADAO on one node's six rows s = (x, x̃, y, ỹ, z, z̃) (6·d contiguous
// doubles, row-major): the simulator (Dadao) and the real backends (runtime/accelerated.hpp)
// apply the same arithmetic through them.

/// s ← Φ(Δt) s, Δt > 0 (dadao_propagator); `tmp` is scratch (6 x d).
inline void dadao_advance(const DadaoConstants& c, double* s, Index d, double dt, RowMatrix<double>& tmp) {
  const Eigen::Matrix<double, 6, 6> phi = dadao_propagator(c, dt);
  Eigen::Map<RowMatrix<double>> block(s, 6, d);
  tmp.noalias() = phi * block;
  block = tmp;
}
/// g = ∇f_i(x) − ν x − ỹ at the rows s of node i.
template <DecentralizedObjective P>
void dadao_gradient(const DadaoConstants& c, const P& p, Index i, const double* s, Index d,
                    Eigen::Ref<Vector<double>> g) {
  const Eigen::Map<const Vector<double>> x(s, d), yt(s + 3 * d, d);
  p.gradient(i, x, g);
  for (Index k = 0; k < d; ++k) g[k] -= c.nu * x[k] + yt[k];
}
/// The gradient jumps x −= γ g, x̃ −= γ̃ g, ỹ += (δ + δ̃) g, each step times `scale` (1 but for a
/// straggler's rate compensation on the real backends).
inline void dadao_step(const DadaoConstants& c, double* s, const double* g, Index d, double scale = 1) {
  const double gx = c.gamma * scale, gxt = c.gamma_tilde * scale, gyt = (c.delta + c.delta_tilde) * scale;
  for (Index k = 0; k < d; ++k) {
    s[k] -= gx * g[k];
    s[d + k] -= gxt * g[k];
    s[3 * d + k] += gyt * g[k];
  }
}
/// x after Δt > 0 from the rows s, without changing them: row 0 of Φ(Δt) (the (x, x̃) block is
/// autonomous), x(Δt) = ((1 + e)/2) x + ((1 − e)/2) x̃, e = exp(−2η Δt).
inline void dadao_x_at(const DadaoConstants& c, const double* s, Index d, double dt, double* out) {
  const double e = std::exp(-2 * c.eta * dt);
  Eigen::Map<Vector<double>>(out, d) =
      (0.5 * (1 + e)) * Eigen::Map<const Vector<double>>(s, d) + (0.5 * (1 - e)) * Eigen::Map<const Vector<double>>(s + d, d);
}
/// The message of an exchange (i, j): m = (y_i + z_i) − (y_j + z_j).
inline void dadao_message(const double* si, const double* sj, double* m, Index d) {
  for (Index k = 0; k < d; ++k) m[k] = si[2 * d + k] + si[4 * d + k] - sj[2 * d + k] - sj[4 * d + k];
}
/// The communication jumps z_i −= β m, z̃_i −= β̃ m, z_j += β m, z̃_j += β̃ m.
inline void dadao_jump(const DadaoConstants& c, double* si, double* sj, const double* m, Index d) {
  for (Index k = 0; k < d; ++k) {
    si[4 * d + k] -= c.beta * m[k];
    si[5 * d + k] -= c.beta_tilde * m[k];
    sj[4 * d + k] += c.beta * m[k];
    sj[5 * d + k] += c.beta_tilde * m[k];
  }
}
}  // namespace detail

/// Options of Dadao.
struct DadaoOptions {
  /// Strong convexity μ of every f_i (> 0). 0 reads min_i μ_i from the problem's curvature
  /// bounds (CurvatureBoundedObjective).
  double mu = 0;
  /// Smoothness L of every f_i (>= μ). 0 reads max_i L_i from the curvature bounds.
  double L = 0;
  /// true (default, as the authors' main.py): multiply every communication rate of the engine
  /// by √(2 χ1 χ2), χ's computed at the given rates, so that 2 χ1* χ2* = 1 at the final rates
  /// (with the default comm_rate 1: total rate √(2 χ1 χ2) for graph-info's χ1, χ2).
  /// false: keep the engine's rates (the theory then needs 2 χ1* χ2* <= 1 by itself).
  bool theory_comm_rate = true;
  /// χ1* override (> 0); 0 computes it from the engine's (final) rates with clock_quantities.
  /// Set it for a time-varying edge set: clock_quantities only sees the first graph, and throws
  /// InvalidTopology if that graph is disconnected (with theory_comm_rate = false and chi1 > 0
  /// no spectral quantity is computed at all).
  double chi1 = 0;
  void validate() const {
    if (!(mu >= 0) || !std::isfinite(mu)) detail::fail("Dadao", "mu must be finite and >= 0 (got ", mu, ")");
    if (!(L >= 0) || !std::isfinite(L)) detail::fail("Dadao", "L must be finite and >= 0 (got ", L, ")");
    if (!(chi1 >= 0) || !std::isfinite(chi1)) detail::fail("Dadao", "chi1 must be finite and >= 0 (got ", chi1, ")");
  }
};

namespace detail {
/// An engine whose communication rates are rescaled (or not) for DADAO, and its χ1*, χ2*.
struct DadaoEngine {
  sim::EventEngine engine;
  double chi1 = 0, chi2 = 0, scale = 1;
};
inline DadaoEngine dadao_engine(sim::EventEngine engine, sim::EngineOptions options, const DadaoOptions& o,
                                auto rebuild) {
  o.validate();
  if (!(engine.total_comm_rate() > 0))
    fail("Dadao", "the communication rate must be > 0 (got comm_rate = ", options.comm_rate, ")");
  // χ1* given and rates kept: no spectral work (a time-varying edge set may have disconnected
  // graphs); χ2* is then unknown and reported as 0
  if (!o.theory_comm_rate && o.chi1 > 0) return {std::move(engine), o.chi1, 0.0, 1.0};
  const ClockQuantities q = clock_quantities(engine);
  double scale = 1;
  if (o.theory_comm_rate) {
    scale = std::sqrt(2 * q.chi1 * q.chi2);
    options.comm_rate *= scale;
    for (double& r : options.edge_rates) r *= scale;
    engine = rebuild(std::move(options));
  }
  // χ scales as 1/(rate): no second eigensolve
  return {std::move(engine), q.chi1 / scale, q.chi2 / scale, scale};
}
}  // namespace detail

/// DADAO on the event engine (see the file comment for the ODE, jumps and constants).
///
/// @tparam Problem models DecentralizedObjective (exact gradients); it must outlive the object.
/// Counters: gradients = computation ticks that took effect (one ∇f_i each); messages = 2 per
/// communication tick (one d-vector y + z each way, 8d bytes).
/// @throws InvalidArgument for invalid options, μ or L missing without curvature bounds,
///         L < μ; DimensionMismatch if the problem and the graph differ in nodes.
template <DecentralizedObjective Problem>
class Dadao : public AsyncAlgorithm<Dadao<Problem>> {
  using Base = AsyncAlgorithm<Dadao<Problem>>;

 public:
  /// Over a static graph. The engine's compute clocks (rate 1 per node in the theory) trigger
  /// gradients; its communication rates are rescaled when options.theory_comm_rate.
  Dadao(const Problem& problem, const Graph& g, sim::EngineOptions engine, DadaoOptions options = {})
      : Dadao(problem, detail::dadao_engine(sim::EventEngine(g, engine), engine, options,
                                            [&g](sim::EngineOptions o) { return sim::EventEngine(g, std::move(o)); }),
              options) {}
  /// Over a time-varying edge set (χ1*, χ2* from its first graph unless options.chi1 is given).
  Dadao(const Problem& problem, const AnySequence& sequence, sim::EngineOptions engine, DadaoOptions options = {})
      : Dadao(problem,
              detail::dadao_engine(sim::EventEngine(sequence, engine), engine, options,
                                   [&sequence](sim::EngineOptions o) { return sim::EventEngine(sequence, std::move(o)); }),
              options) {}

  /// The constants in use.
  const DadaoConstants& constants() const noexcept { return m_c; }
  /// χ1*, χ2* of the final communication rates, and the factor the rates were multiplied by.
  double chi1() const noexcept { return m_chi1; }
  double chi2() const noexcept { return m_chi2; }
  double comm_rate_scale() const noexcept { return m_scale; }
  /// 2 χ1* χ2* for the rates in use: ≤ 1 is the minimal communication rate the authors' code
  /// sets (sim/assumptions.hpp; 0 when χ1 was given and χ2 not computed).
  double rate_condition() const noexcept { return 2 * m_chi1 * m_chi2; }

  void init(const Iterates<double>& x0) {
    detail::check_iterates("Dadao::init", x0, this->num_nodes());
    if (x0.cols() != m_problem->dim())
      detail::fail<DimensionMismatch>("Dadao::init", "X must have ", m_problem->dim(), " columns (got ", x0.cols(),
                                      ")");
    const Index n = x0.rows(), d = x0.cols();
    m_state = RowMatrix<double>::Zero(6 * n, d);
    for (Index i = 0; i < n; ++i) m_state.row(6 * i) = x0.row(i);
    m_last.assign(static_cast<std::size_t>(n), 0.0);
    m_grad.resize(d);
    m_msg.resize(d);
    m_pool.clear(d);
    m_view_round = -1;
    this->restart();
  }

  /// The x_i at the engine's current time (closed-form advance into a cache; O(n d) per new event;
  /// x depends only on (x, x̃), whose block of the ODE is autonomous).
  const Iterates<double>& iterates() const {
    const Round r = this->counters().rounds;
    if (r != m_view_round) {
      const double t = this->counters().time;
      const Index n = this->num_nodes();
      m_view.resize(n, m_state.cols());
      for (Index i = 0; i < n; ++i) {
        const double dt = t - m_last[static_cast<std::size_t>(i)];
        if (dt > 0) {
          detail::dadao_x_at(m_c, m_state.row(6 * i).data(), m_state.cols(), dt, m_view.row(i).data());
        } else {
          m_view.row(i) = m_state.row(6 * i);
        }
      }
      m_view_round = r;
    }
    return m_view;
  }
  /// All six variables of node i (rows x, x̃, y, ỹ, z, z̃) as of its last update, and that time.
  auto node_state(Index i) const { return m_state.middleRows(6 * i, 6); }
  double node_time(Index i) const { return m_last[static_cast<std::size_t>(i)]; }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event& e) {
    advance(e.i, e.time);
    double* s = node(e.i);
    detail::dadao_gradient(m_c, *m_problem, e.i, s, m_state.cols(), m_grad);  // g = ∇f_i(x) − νx − ỹ
    detail::dadao_step(m_c, s, m_grad.data(), m_state.cols());
  }
  void on_exchange(const sim::Event& e) {
    advance(e.i, e.time);
    advance(e.j, e.time);
    detail::dadao_message(node(e.i), node(e.j), m_msg.data(), m_state.cols());
    if (!this->engine().delayed()) {
      jump(e.i, e.j, m_msg);
      return;
    }
    const std::uint32_t token = m_pool.acquire();
    m_pool.row(token) = m_msg.transpose();
    this->mutable_engine().post(token, e.i, e.j);
  }
  void on_deliver(const sim::Event& e) {
    advance(e.i, e.time);
    advance(e.j, e.time);
    m_msg = m_pool.row(e.token).transpose();
    m_pool.release(e.token);
    jump(e.i, e.j, m_msg);
  }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_state.cols()); }

 private:
  Dadao(const Problem& problem, detail::DadaoEngine prepared, const DadaoOptions& options)
      : Base(std::move(prepared.engine)), m_problem(&problem), m_chi2(prepared.chi2), m_scale(prepared.scale) {
    if (problem.num_nodes() != this->num_nodes())
      detail::fail<DimensionMismatch>("Dadao", "problem has ", problem.num_nodes(), " nodes, graph has ",
                                      this->num_nodes());
    double mu = options.mu, L = options.L;
    if (mu == 0 || L == 0) {
      if constexpr (CurvatureBoundedObjective<Problem>) {
        const ProblemConstants pc = problem_constants(problem, Vector<double>::Zero(problem.dim()));
        if (mu == 0) mu = *std::min_element(pc.mu_i.begin(), pc.mu_i.end());
        if (L == 0) L = pc.L_max;
      } else {
        detail::fail("Dadao", "mu and L must be given (> 0): the problem has no curvature bounds (got mu = ",
                     options.mu, ", L = ", options.L, ")");
      }
    }
    m_chi1 = options.chi1 > 0 ? options.chi1 : prepared.chi1;
    m_c = DadaoConstants::make(mu, L, m_chi1);
  }

  // Advances node i's six variables from its last update to time t (exact propagator).
  void advance(Index i, double t) {
    double& last = m_last[static_cast<std::size_t>(i)];
    const double dt = t - last;
    if (dt > 0) detail::dadao_advance(m_c, node(i), m_state.cols(), dt, m_tmp);
    last = t;
  }
  // The communication jumps of (i, j) for the message m = (y_i + z_i) − (y_j + z_j).
  void jump(Index i, Index j, const Vector<double>& m) {
    detail::dadao_jump(m_c, node(i), node(j), m.data(), m_state.cols());
  }
  // node i's six rows (contiguous: m_state is row-major)
  double* node(Index i) { return m_state.data() + 6 * i * m_state.cols(); }

  const Problem* m_problem;
  DadaoConstants m_c;
  double m_chi1 = 0, m_chi2 = 0, m_scale = 1;
  RowMatrix<double> m_state;  // 6n x d: rows 6i .. 6i+5 = (x, x̃, y, ỹ, z, z̃) of node i
  std::vector<double> m_last;
  Vector<double> m_grad, m_msg;
  RowMatrix<double> m_tmp;
  PayloadPool m_pool;
  mutable Iterates<double> m_view;
  mutable Round m_view_round = -1;
};

}  // namespace adonis
