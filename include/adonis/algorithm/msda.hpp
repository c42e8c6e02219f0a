// SPDX-License-Identifier: BSD-3-Clause
/// @file msda.hpp
/// @brief MSDA, the multi-step dual accelerated method (Scaman, Bach, Bubeck, Lee & Massoulié,
///        "Optimal algorithms for smooth and strongly convex distributed optimization in
///        networks", ICML 2017, Alg. 2; theory-rates.md §3a and §9a).
///
/// MSDA solves min Σ_i f_i(θ_i) s.t. θ_1 = … = θ_n (the minimizer of f = (1/n) Σ_i f_i) by
/// Nesterov's accelerated gradient method on the dual, with the consensus constraint written
/// through P_K(M) = I − T_K(c2 (I − c3 M)) / T_K(c2), K Chebyshev-accelerated gossip rounds with
/// the Laplacian-like matrix M = I − W_0 (gossip.hpp, ChebyshevGossip). From x_0 = y_0 = 0:
///   θ_{i,t}  = ∇f_i*(x_{i,t}) = argmin_θ f_i(θ) − <x_{i,t}, θ>
///   y_{t+1}  = x_t − η P_K(M) Θ_t
///   x_{t+1}  = (1 + m) y_{t+1} − m y_t
/// with α = min_i μ_i, β = max_i L_i, κ_l = β/α, γ = λ2⁺(M)/λmax(M), c1 = (1 − √γ)/(1 + √γ),
///   η = α (1 + c1^{2K}) / (1 + c1^K)²,
///   m = ((1 + c1^K) √κ_l − 1 + c1^K) / ((1 + c1^K) √κ_l + 1 − c1^K),    K = ⌊1/√γ⌋.
/// Why these constants [DER]: on 1⊥ the spectrum of P_K(M) lies in [1 − 1/T_K(c2),
/// 1 + 1/T_K(c2)], 1/T_K(c2) = 2 c1^K / (1 + c1^{2K}), and ∇f_i* is (1/α)-Lipschitz and
/// (1/β)-strongly monotone, so the dual objective x ↦ Σ_i f_i*(x_i) over range P_K has
/// smoothness λmax(P_K)/α ≤ (1 + c1^K)²/((1 + c1^{2K}) α) (η is its inverse) and condition
/// number κ_d ≤ κ_l (1 + c1^K)²/(1 − c1^K)²; m = (√κ_d − 1)/(√κ_d + 1) is Nesterov's momentum.
/// Rate: the dual suboptimality decays as (1 − 1/√κ_d)^t (Nesterov); on quadratics the
/// iteration is linear and every mode contracts by at most 1 − 1/√κ_d per dual step
/// (dual_rate_bound()). The paper's time bound is O(√κ_l (1 + τ/√γ) ln(1/ε)).
///
/// Counting. One dual step costs K communication rounds of one d-vector per edge direction:
/// `rounds` and `time` count communication rounds (K per step(), so a trace's round column
/// counts gossip rounds), `gradients` counts ∇f_i* evaluations (n per step, n at init).
/// Static graphs only: W_0 is used, and the constructor throws unless W_1 = W_2 = W_0.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/first_order.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/newton.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/constants.hpp"

namespace adonis {

/// Options of Msda.
struct MsdaOptions {
  /// α: a common strong-convexity constant of every f_i (α <= min_i μ_i). 0 reads min_i μ_i
  /// from the problem's curvature bounds (CurvatureBoundedObjective, constants.hpp).
  double mu = 0;
  /// β: a common smoothness constant of every f_i (β >= max_i L_i, β >= α). 0 reads
  /// max_i L_i from the problem's curvature bounds.
  double L = 0;
  /// K, Chebyshev gossip rounds per dual step; 0 means K = ⌊1/√γ⌋ (Scaman et al.).
  Index chebyshev_steps = 0;
  /// Inner solver of θ_i = argmin f_i(θ) − <x_i, θ> when f_i* has no closed form: stop once
  /// ||∇f_i(θ) − x_i|| <= inner_tolerance · max(1, ||x_i||), i.e. ||θ − θ_exact|| <= that / α.
  /// Default 1e-12 (near the floating-point floor of a gradient of order one). In (0, 1).
  double inner_tolerance = 1e-12;
  /// Iteration cap of the inner solver; 0 means 100 for Newton, 100000 for the gradient method.
  Index inner_max_iterations = 0;
  /// @throws InvalidArgument naming the field.
  void validate() const {
    if (!(mu >= 0) || !std::isfinite(mu)) detail::fail("Msda", "mu must be >= 0 and finite (got ", mu, ")");
    if (!(L >= 0) || !std::isfinite(L)) detail::fail("Msda", "L must be >= 0 and finite (got ", L, ")");
    if (mu > 0 && L > 0 && L < mu) detail::fail("Msda", "L must be >= mu = ", mu, " (got ", L, ")");
    if (chebyshev_steps < 0) detail::fail("Msda", "chebyshev_steps must be >= 0 (got ", chebyshev_steps, ")");
    if (!(inner_tolerance > 0 && inner_tolerance < 1))
      detail::fail("Msda", "inner_tolerance must lie in (0, 1) (got ", inner_tolerance, ")");
    if (inner_max_iterations < 0)
      detail::fail("Msda", "inner_max_iterations must be >= 0 (got ", inner_max_iterations, ")");
  }
};

/// How Msda evaluates ∇f_i*: the oracle's closed form `conjugate_gradient(i, x, out)`, Newton's
/// method on the oracle's `hessian(i, θ, H)`, or Nesterov's accelerated gradient method.
enum class ConjugateMethod { closed_form, newton, gradient };

namespace detail {

/// The oracle writes ∇f_i*(x) (the architecture's `conjugate_gradient` capability).
template <class P>
constexpr bool has_conjugate_gradient =
    requires(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> out) {
      p.conjugate_gradient(i, x, out);
    };
/// The oracle writes the d x d Hessian of f_i at x.
template <class P>
constexpr bool has_hessian = requires(const P& p, Index i, Eigen::Ref<const Vector<double>> x, Matrix<double>& h) {
  p.hessian(i, x, h);
};

/// θ = ∇f_i*(x) = argmin_θ φ(θ), φ(θ) = f_i(θ) − <x, θ>, by Newton's method with Armijo
/// backtracking (Boyd & Vandenberghe §9.5) from the warm start θ; returns the iterations.
/// Stops at ||∇φ|| <= tol, when a step leaves θ unchanged (floating-point floor), or at `cap`.
template <class P>
Index conjugate_newton(const P& p, Index i, const Vector<double>& x, Vector<double>& theta, double tol, Index cap) {
  return damped_newton([&](const Vector<double>& t) { return p.value(i, t) - x.dot(t); },
                       [&](const Vector<double>& t, Vector<double>& g) {
                         p.gradient(i, t, g);
                         g -= x;
                       },
                       [&](const Vector<double>& t, Matrix<double>& h) { p.hessian(i, t, h); }, theta, tol, cap);
}

/// θ = ∇f_i*(x) by Nesterov's method for α-strongly convex, β-smooth φ (step 1/β, momentum
/// (√κ − 1)/(√κ + 1)), from the warm start θ; returns the iterations. Stops at ||∇φ|| <= tol.
template <class P>
Index conjugate_gradient_method(const P& p, Index i, const Vector<double>& x, Vector<double>& theta, double alpha,
                                double beta, double tol, Index cap) {
  const Index d = x.size();
  const double q = std::sqrt(beta / alpha), momentum = (q - 1) / (q + 1);
  Vector<double> g(d), z = theta, prev = theta;
  p.gradient(i, theta, g);
  g -= x;
  Index it = 0;
  for (; it < cap && g.norm() > tol; ++it) {
    // gradient step from the extrapolated point z, then z = θ + m (θ − θ_prev)
    p.gradient(i, z, g);
    g -= x;
    prev = theta;
    theta = z - g / beta;
    z = theta + momentum * (theta - prev);
    p.gradient(i, theta, g);
    g -= x;
  }
  return it;
}

}  // namespace detail

/// MSDA (Scaman et al. 2017, Alg. 2): Nesterov-accelerated dual ascent with K Chebyshev gossip
/// rounds per dual step, over a static graph (see the file comment for the update and constants).
///
/// The reported iterates are the primal Θ_t (row i = θ_{i,t} = ∇f_i*(x_{i,t})). X_0 fixes the
/// shape and warm-starts the inner solver; the dual starts at x_0 = y_0 = 0 as in the paper, so
/// after init() row i is the minimizer of f_i.
///
/// @tparam Problem models DecentralizedObjective with strongly convex f_i; ∇f_i* comes from
///         `conjugate_gradient(i, x, out)` when present, else from Newton's method on
///         `hessian(i, θ, H)` when present, else from Nesterov's method (ConjugateMethod).
///         It must outlive the algorithm.
/// @tparam Sequence models GraphSequence; it must be static with a symmetric W_0.
/// @throws InvalidArgument for invalid options, for α or β unknown (not given and the problem
///         has no curvature bounds) or α = 0, or a non-static sequence; InvalidTopology for a
///         non-symmetric W_0 or a disconnected graph; DimensionMismatch if node counts differ.
/// @code
///   Msda msda(problem, StaticSequence{metropolis_weights(ring_graph(10))});  // α, β from the problem
///   Iterates<double> x = Iterates<double>::Zero(10, problem.dim());
///   run(msda, x, RunOptions{.max_rounds = 1000});  // 1000 dual steps = 1000 K gossip rounds
/// @endcode
template <DecentralizedObjective Problem, GraphSequence Sequence>
class Msda : public Runnable<Msda<Problem, Sequence>> {
 public:
  Msda(const Problem& problem, Sequence sequence, MsdaOptions options = {})
      : m_problem(&problem),
        m_sequence(std::move(sequence)),
        m_options(options),
        m_gossip(make_gossip(problem, m_sequence, m_options)) {
    m_alpha = m_options.mu;
    m_beta = m_options.L;
    if (m_alpha == 0 || m_beta == 0) {
      if constexpr (CurvatureBoundedObjective<Problem>) {
        const ProblemConstants c = problem_constants(problem, Vector<double>::Zero(problem.dim()));
        if (m_alpha == 0) m_alpha = *std::min_element(c.mu_i.begin(), c.mu_i.end());
        if (m_beta == 0) m_beta = c.L_max;
      } else {
        detail::fail("Msda", "mu and L must be given (> 0): the problem has no curvature bounds (got mu = ",
                     m_options.mu, ", L = ", m_options.L, ")");
      }
    }
    if (!(m_alpha > 0))
      detail::fail("Msda", "the local functions must be strongly convex: mu must be > 0 (got ", m_alpha, ")");
    if (!(m_beta >= m_alpha) || !std::isfinite(m_beta))
      detail::fail("Msda", "L must be finite and >= mu = ", m_alpha, " (got ", m_beta, ")");
    // step and momentum of Scaman et al., Alg. 2 (see the file comment)
    const double gamma = m_gossip.gamma(), sg = std::sqrt(gamma);
    const double c1k = std::pow((1 - sg) / (1 + sg), static_cast<double>(m_gossip.rounds_per_step()));
    const double sk = std::sqrt(m_beta / m_alpha);
    m_eta = m_alpha * (1 + c1k * c1k) / ((1 + c1k) * (1 + c1k));
    m_momentum = ((1 + c1k) * sk - 1 + c1k) / ((1 + c1k) * sk + 1 - c1k);
    m_kappa_dual = (m_beta / m_alpha) * ((1 + c1k) / (1 - c1k)) * ((1 + c1k) / (1 - c1k));
  }

  /// The dual step η.
  double step_size() const noexcept { return m_eta; }
  /// The momentum m.
  double momentum() const noexcept { return m_momentum; }
  /// K, communication rounds per dual step.
  Index chebyshev_steps() const { return m_gossip.rounds_per_step(); }
  /// γ = λ2⁺(M)/λmax(M) of M = I − W_0.
  double gamma() const { return m_gossip.gamma(); }
  /// α and β used by the step rules.
  double strong_convexity() const noexcept { return m_alpha; }
  double smoothness() const noexcept { return m_beta; }
  /// κ_d = κ_l (1 + c1^K)²/(1 − c1^K)², the bound on the dual condition number.
  double dual_condition() const noexcept { return m_kappa_dual; }
  /// 1 − 1/√κ_d: per dual step, a bound on the contraction of every mode on quadratics
  /// [DER], and Nesterov's rate of the dual suboptimality in general.
  double dual_rate_bound() const noexcept { return 1 - 1 / std::sqrt(m_kappa_dual); }
  /// How ∇f_i* is evaluated for this Problem.
  static constexpr ConjugateMethod conjugate_method() {
    if constexpr (detail::has_conjugate_gradient<Problem>) return ConjugateMethod::closed_form;
    else if constexpr (detail::has_hessian<Problem>) return ConjugateMethod::newton;
    else return ConjugateMethod::gradient;
  }
  /// Total inner-solver iterations so far (0 with a closed form).
  std::int64_t inner_iterations() const noexcept { return m_inner; }
  /// The dual iterates x_t (n x d, row i = x_{i,t}); their rows sum to zero.
  const Iterates<double>& duals() const noexcept { return m_x; }

  void init(const Iterates<double>& x0) {
    detail::check_start("Msda::init", x0, m_sequence.num_nodes(), m_problem->dim());
    m_theta = x0;
    m_x = Iterates<double>::Zero(x0.rows(), x0.cols());
    m_y = m_x;
    m_counters = {};
    m_inner = 0;
    conjugate_gradients();
  }
  void step() {
    // y_{t+1} = x_t − η P_K(M) Θ_t, P_K(M) Θ = Θ − (one Chebyshev gossip step of Θ)
    m_gossip.init(m_theta);
    m_gossip.step();
    m_next = m_x - m_eta * (m_theta - m_gossip.iterates());
    // x_{t+1} = (1 + m) y_{t+1} − m y_t
    m_x = (1 + m_momentum) * m_next - m_momentum * m_y;
    std::swap(m_y, m_next);
    conjugate_gradients();
    const Counters& c = m_gossip.counters();
    m_counters.messages += c.messages;
    m_counters.bytes += c.bytes;
    m_counters.rounds += m_gossip.rounds_per_step();
    m_counters.time = static_cast<double>(m_counters.rounds);
  }
  const Iterates<double>& iterates() const noexcept { return m_theta; }
  const Counters& counters() const noexcept { return m_counters; }

 private:
  /// Validates the options and the sequence (static, symmetric W_0), then builds the
  /// Chebyshev gossip of M = I − W_0 (which checks that the graph is connected).
  static ChebyshevGossip make_gossip(const Problem& problem, const Sequence& sequence, const MsdaOptions& options) {
    options.validate();
    detail::check_nodes("Msda", problem, sequence);
    const SparseMatrix w0(sequence.mixing(0));
    for (const Round t : {Round{1}, Round{2}})
      if ((SparseMatrix(sequence.mixing(t)) - w0).norm() != 0.0)
        detail::fail("Msda", "the graph sequence must be static (W_", t, " differs from W_0)");
    if (!((SparseMatrix(w0.transpose()) - w0).norm() <= 1e-12 * w0.norm()))
      detail::fail<InvalidTopology>("Msda", "W_0 must be symmetric");
    return ChebyshevGossip(sparse_identity(w0.rows()) - w0,
                           ChebyshevGossipOptions{.rounds_per_step = options.chebyshev_steps});
  }

  /// Θ = ∇F*(X), row by row, warm-started from the previous Θ.
  void conjugate_gradients() {
    const Index n = m_x.rows(), d = m_x.cols();
    Vector<double> xi(d), ti(d);
    for (Index i = 0; i < n; ++i) {
      xi = m_x.row(i).transpose();
      if constexpr (detail::has_conjugate_gradient<Problem>) {
        m_problem->conjugate_gradient(i, xi, ti);
      } else {
        ti = m_theta.row(i).transpose();
        const double tol = m_options.inner_tolerance * std::max(1.0, xi.norm());
        if constexpr (detail::has_hessian<Problem>) {
          const Index cap = m_options.inner_max_iterations > 0 ? m_options.inner_max_iterations : 100;
          m_inner += detail::conjugate_newton(*m_problem, i, xi, ti, tol, cap);
        } else {
          const Index cap = m_options.inner_max_iterations > 0 ? m_options.inner_max_iterations : 100000;
          m_inner += detail::conjugate_gradient_method(*m_problem, i, xi, ti, m_alpha, m_beta, tol, cap);
        }
      }
      m_theta.row(i) = ti.transpose();
    }
    m_counters.gradients += n;
  }

  const Problem* m_problem;
  Sequence m_sequence;
  MsdaOptions m_options;
  ChebyshevGossip m_gossip;
  double m_alpha = 0, m_beta = 0, m_eta = 0, m_momentum = 0, m_kappa_dual = 1;
  Iterates<double> m_theta, m_x, m_y, m_next;
  Counters m_counters;
  std::int64_t m_inner = 0;
};

}  // namespace adonis
