// SPDX-License-Identifier: BSD-3-Clause
/// @file quantities.hpp
/// @brief Every spectral quantity the theorems use, computed for one graph and mixing rule,
///        with the normalisations of theory-rates.md §0 and §11.
///
/// | field                | definition                                   | used by (theory-rates.md) |
/// |----------------------|----------------------------------------------|---------------------------|
/// | laplacian_lambda2    | lambda2(L), L = D - A (algebraic connectivity)| §11, ADMM κ_G §7a         |
/// | laplacian_condition  | χ = lambda_max(L) / lambda2(L) = 1/γ          | MSDA §9a, ADOM+ §9b       |
/// | mixing_slem          | ρ = ||W - J||_2 = max(|lambda2(W)|, |lambda_min(W)|) | gossip §1, DGD §4b    |
/// | mixing_spectral_gap  | 1 - ρ                                        | CHOCO §10, dual averaging §8 |
/// | koloskova_p          | p = 1 - ρ^2                                  | D-SGD §4c                 |
/// | gossip_lambda2       | lambda2(W̄), W̄ = I - L_P/(2n), uniform choice  | pairwise gossip §2, AD-PSGD §5a |
/// | chi1                 | 1 / lambda2^+(Λ), Λ = L/|E| (total rate 1)    | continuized §3b, DADAO §9c |
/// | chi2                 | max_e ½ (e_i - e_j)^T Λ^+ (e_i - e_j), Λ = L/|E| | DADAO §9c, A²CiD² §9d  |
///
/// A disconnected graph is not an error: lambda2(L) = 0, lambda2(W) = 1, ρ = 1, gap = p = 0,
/// and the quantities that are infinite (χ, χ1, χ2, diameter) are reported as infinity
/// (null in JSON).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/IterativeLinearSolvers>
#include <boost/math/distributions/chi_squared.hpp>

#include "adonis/core/parallel.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/spectral.hpp"
#include "adonis/problem/random.hpp"  // standard_normal (Box–Muller on SplitMix64)

namespace adonis {

/// Spectral summary of a graph and a mixing rule (see the file comment for definitions).
struct GraphQuantities {
  Index nodes = 0;
  Index edges = 0;
  bool connected = false;
  double diameter = 0;  ///< hop diameter; infinity if disconnected; NaN when only bounds are known
  /// Bounds on the diameter: both equal to it when it is exact, infinity if disconnected.
  double diameter_lower = 0, diameter_upper = 0;
  /// Breadth-first searches of iFUB (diameter_bounds), used above all_pairs_diameter_max_edges
  /// edges; 0 when the diameter came from one BFS per node.
  Index diameter_bfs = 0;
  double laplacian_lambda2 = 0;
  double laplacian_lambda_max = 0;
  double laplacian_condition = 0;
  std::string mixing;
  double mixing_lambda2 = 0;
  double mixing_lambda_min = 0;
  double mixing_slem = 0;
  double mixing_spectral_gap = 0;
  double koloskova_p = 0;
  double gossip_lambda2 = 0;
  double chi1 = 0;
  double chi2 = 0;  ///< NaN when only bounds are known (above chi2_exact_max_edges, certificate failed)
  /// Bounds on chi2 (both equal to it when it is known; the upper one holds with probability
  /// >= 1 − chi2_failure_probability when it comes from the sketch of max_edge_resistance).
  double chi2_lower = 0, chi2_upper = 0;
  /// Solves of max_edge_resistance's sketch and exact solves (0 and |E| for one solve per edge).
  Index chi2_sketch_solves = 0, chi2_exact_solves = 0;
  double chi2_failure_probability = 0;  ///< 0 when every edge was solved exactly
  bool sparse_path = false;  ///< true if Spectra (not the dense solver) was used
};

/// Up to this many edges, graph_quantities() computes the diameter with one BFS per node,
/// O(n (n + |E|)); above, with iFUB (diameter_bounds) and a budget of diameter_bfs_budget
/// searches, which may leave bounds only (tori: every node ties).
inline constexpr Index all_pairs_diameter_max_edges = 200'000;
/// The BFS budget of iFUB in graph_quantities() (about 10 s on the 10⁶-node torus).
inline constexpr Index diameter_bfs_budget = 100;
/// Up to this many edges, graph_quantities() computes χ2 with one solve per edge; above, with
/// max_edge_resistance (a sketch of chi2_sketch_dim solves, then at most chi2_max_exact exact
/// solves, failure probability chi2_failure_probability).
inline constexpr Index chi2_exact_max_edges = 200'000;
inline constexpr Index chi2_sketch_dim = 64;
inline constexpr Index chi2_max_exact = 64;
inline constexpr double chi2_failure_probability = 1e-3;

/// From this many edges on, graph_quantities() writes each step to its progress stream as it
/// starts and its time when it ends (on the 10⁶-node torus the steps take 1–60 s each).
inline constexpr Index graph_quantities_progress_min_edges = 100'000;

namespace detail {
/// One line per step of a long computation: "WHO: STEP ..." when it starts, "WHO: STEP: T s"
/// when it ends; silent when `out` is null.
class StepLog {
 public:
  StepLog(std::ostream* out, std::string who) : m_out(out), m_who(std::move(who)) {}
  void begin(std::string_view step) {
    end();
    if (!m_out) return;
    m_step = std::string(step);
    m_start = std::chrono::steady_clock::now();
    *m_out << m_who << ": " << m_step << " ..." << std::endl;
  }
  void end() {
    if (!m_out || m_step.empty()) return;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", s);
    *m_out << m_who << ": " << m_step << ": " << buf << " s" << std::endl;
    m_step.clear();
  }
  ~StepLog() {
    try {
      end();
    } catch (...) {  // a failed write of a progress line is not worth an exception out of a destructor
    }
  }
  StepLog(const StepLog&) = delete;
  StepLog& operator=(const StepLog&) = delete;

 private:
  std::ostream* m_out;
  std::string m_who, m_step;
  std::chrono::steady_clock::time_point m_start;
};
}  // namespace detail

/// GroundedLaplacian (effective resistances, χ2) factorises when the factor holds at most this
/// many times the grounded Laplacian's nonzeros (+10⁶), else solves by conjugate gradients to
/// the relative residual grounded_cg_tolerance: the eigensolvers' budget, SpectralOptions's
/// fill_factor (one rule for every factorisation).
inline constexpr double grounded_max_fill_factor = SpectralOptions{}.fill_factor;
inline constexpr double grounded_cg_tolerance = 1e-12;

namespace detail {
/// For two Laplacian-like matrices a and b (symmetric, rows summing to 0): c > 0 with b = c·a,
/// else 0. Only the off-diagonal entries are compared (nonzeros in the same places, every ratio
/// within 1e-12 of the first): the diagonals are minus the rows' off-diagonal sums, so they
/// follow — and their computed values (1 − w_ii) carry a cancellation error of eps/(1 − w_ii)
/// relative that the off-diagonals do not. Then b's eigenvalues are c times a's and one
/// eigensolve serves both: on a d-regular graph I − W = L/(d + 1) under Metropolis weights and
/// I − W̄ = L/(d·n) for pairwise gossip (W̄ = I − L_P/(2n), L_P with weights 1/d_u + 1/d_v).
template <int = 0>
double proportionality(const SparseMatrix& a, const SparseMatrix& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return 0.0;
  double c = 0.0;
  for (Index i = 0; i < a.outerSize(); ++i) {
    SparseMatrix::InnerIterator ia(a, i), ib(b, i);
    while (true) {
      while (ia && (ia.value() == 0.0 || ia.index() == i)) ++ia;
      while (ib && (ib.value() == 0.0 || ib.index() == i)) ++ib;
      if (!ia || !ib) {
        if (ia || ib) return 0.0;
        break;
      }
      if (ia.index() != ib.index()) return 0.0;
      const double r = ib.value() / ia.value();
      if (c == 0.0) c = r;
      if (!(r > 0) || std::abs(r - c) > 1e-12 * c) return 0.0;
      ++ia;
      ++ib;
    }
  }
  return c;
}

/// A weighted Laplacian Λ (symmetric, Λ1 = 0, connected support) grounded at node 0 and
/// factorised once (SpdFactor: CHOLMOD's Cholesky or Eigen's LDLᵀ): solve(b) returns z with
/// Λ z = b and z_0 = 0 for any b with Σ b = 0 (z = Λ⁺ b + a constant, so differences z_u − z_v
/// are those of Λ⁺ b). Where the factor would hold more than grounded_max_fill_factor times
/// Λ's nonzeros (+ SpectralOptions::fill_slack) — expanders, whose fill-in is quadratic — each
/// solve is a conjugate gradient instead (Eigen, Jacobi preconditioner, relative residual
/// grounded_cg_tolerance) on Λ itself, not grounded: Λ z = b is consistent for Σ b = 0 and CG
/// from z = 0 stays orthogonal to the null vector, so it converges like λmax/λ2 (≈ 14 for random
/// 4-regular graphs: 50 products on regular:1000000:4, against 74 for the grounded matrix, whose
/// smallest eigenvalue is ~1/n); z is then shifted so that z_0 = 0.
template <int = 0>
class GroundedLaplacian {
 public:
  /// `max_factor_nonzeros` < 0: the default budget above; 0 forces conjugate gradients (no
  /// symbolic analysis at all).
  explicit GroundedLaplacian(const SparseMatrix& lap, double max_factor_nonzeros = -1)
      : m_n(lap.rows()), m_rhs(Vector<double>::Zero(lap.rows())) {
    if (max_factor_nonzeros != 0) {
      m_grounded = lap.bottomRightCorner(m_n - 1, m_n - 1);
      m_ldlt.emplace(m_grounded);
      if (max_factor_nonzeros < 0)
        max_factor_nonzeros =
            grounded_max_fill_factor * static_cast<double>(m_grounded.nonZeros()) + SpectralOptions{}.fill_slack;
      if (m_ldlt->nonzeros() <= max_factor_nonzeros) {
        if (!m_ldlt->factorize(m_grounded, 0.0))
          fail<RuntimeError>("effective_resistances", "grounded Laplacian factorisation failed (disconnected?)");
        m_grounded = Eigen::SparseMatrix<double>();  // the factor is all the solves need
        return;
      }
      m_ldlt.reset();
      m_grounded = Eigen::SparseMatrix<double>();
    }
    start_cg(std::make_shared<const Eigen::SparseMatrix<double>>(lap));  // CG on Λ itself (see above)
  }
  /// True when the solves are conjugate gradients (too much fill-in for a factorisation).
  bool iterative() const noexcept { return m_full != nullptr; }
  /// Tag of the twin constructor.
  struct Twin {};
  /// A second conjugate-gradient solver on `other`'s Λ (shared, not copied), for solves on
  /// another thread (each solver keeps per-solve state).
  /// @throws InvalidArgument unless other.iterative().
  GroundedLaplacian(Twin, const GroundedLaplacian& other) : m_n(other.m_n), m_rhs(Vector<double>::Zero(other.m_n)) {
    if (!other.iterative()) fail("GroundedLaplacian", "a twin shares a conjugate-gradient solver's matrix (the factor is not shared)");
    start_cg(other.m_full);
  }
  /// z (size n) with Λ z = b, z_0 = 0; b must sum to 0.
  Vector<double> solve(const Vector<double>& b) const {
    if (iterative()) {
      Vector<double> z = conjugate_gradient(b);
      z.array() -= z(0);
      return z;
    }
    Vector<double> z(m_n);
    z(0) = 0;
    z.tail(m_n - 1) = m_ldlt->solve(b.tail(m_n - 1));
    return z;
  }
  /// R_uv = (e_u − e_v)ᵀ Λ⁺ (e_u − e_v): one solve.
  double resistance(Index u, Index v) {
    m_rhs(u) = 1.0;
    m_rhs(v) = -1.0;
    double r = 0;
    if (iterative()) {
      const Vector<double> x = conjugate_gradient(m_rhs);
      r = x(u) - x(v);
    } else {
      const Vector<double> x = m_ldlt->solve(m_rhs.tail(m_n - 1));
      r = (u > 0 ? x(u - 1) : 0.0) - (v > 0 ? x(v - 1) : 0.0);
    }
    m_rhs(u) = 0.0;
    m_rhs(v) = 0.0;
    return r;
  }

 private:
  void start_cg(std::shared_ptr<const Eigen::SparseMatrix<double>> full) {
    m_full = std::move(full);
    m_cg = std::make_unique<ConjugateGradient>();
    m_cg->setTolerance(grounded_cg_tolerance);
    m_cg->compute(*m_full);
  }
  Vector<double> conjugate_gradient(const Vector<double>& b) const {
    Vector<double> x = m_cg->solve(b);
    if (m_cg->info() != Eigen::Success)
      fail<RuntimeError>("effective_resistances", "conjugate gradient did not converge in ", m_cg->maxIterations(),
                         " iterations (relative residual ", m_cg->error(), ")");
    return x;
  }

  using ConjugateGradient = Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper>;
  Index m_n;
  Vector<double> m_rhs;
  Eigen::SparseMatrix<double> m_grounded;  // the grounded Λ, while it is analysed and factorised
  std::optional<SpdFactor<>> m_ldlt;       // its factor (factorised mode)
  std::shared_ptr<const Eigen::SparseMatrix<double>> m_full;  // Λ for conjugate gradients (iterative mode)
  std::unique_ptr<ConjugateGradient> m_cg;  // refers to *m_full
};
}  // namespace detail

/// Effective resistances R_e = (e_i - e_j)^T Λ^+ (e_i - e_j) of the given pairs for a weighted
/// Laplacian Λ (symmetric, Λ1 = 0, connected support). Uses the grounded Laplacian (node 0
/// removed), whose inverse acts as Λ^+ on differences e_i - e_j: one sparse LDL^T
/// factorisation and one solve per pair.
template <int = 0>
std::vector<double> effective_resistances(const SparseMatrix& lap, const std::vector<Edge>& pairs) {
  const Index n = lap.rows();
  if (n < 2) detail::fail<InvalidTopology>("effective_resistances", "needs at least 2 nodes (got ", n, ")");
  detail::GroundedLaplacian<> grounded(lap);
  std::vector<double> out;
  out.reserve(pairs.size());
  for (const auto& [u, v] : pairs) out.push_back(grounded.resistance(u, v));
  return out;
}

/// Bounds on the largest effective resistance over the edges, max_e R_e (max_edge_resistance).
struct ResistanceMaxBounds {
  double lower = 0;  ///< an exact R_e of some edge: max_e R_e >= lower, always
  double upper = 0;  ///< max_e R_e <= upper with probability >= 1 − failure_probability
  Index sketch_solves = 0, exact_solves = 0;
  double failure_probability = 0;
  /// The maximum is decided: every edge that could exceed the best exact one was solved exactly.
  bool certified() const noexcept { return lower == upper; }
};

/// Largest effective resistance over the edges of a connected unweighted graph, for graphs
/// too large for one solve per edge (Spielman & Srivastava, "Graph sparsification by effective
/// resistances", SIAM J. Comput. 40(6), 2011, §4: a Johnson–Lindenstrauss sketch of B L⁺).
/// With Q a k × |E| matrix of iid N(0, 1/k) entries and B the edge-node incidence matrix,
/// R_e = ‖B L⁺ χ_e‖² and R̃_e = ‖Q B L⁺ χ_e‖² = (1/k) Σ_r (z_r(u) − z_r(v))², z_r = L⁺ Bᵀ q_r:
/// k solves give every edge's estimate, and since Q u ~ N(0, ‖u‖²/k I_k) for a fixed u,
/// R̃_e = R_e · χ²_k / k *exactly*. Hence, with a = δ/(2|E|) (a union bound over the edges),
/// R_e ∈ [k R̃_e / q_{1−a}, k R̃_e / q_a] (q the χ²_k quantiles) for every edge at once with
/// probability ≥ 1 − δ. The edges whose upper end reaches the largest lower end are the
/// candidates; up to `max_exact` of them (largest R̃ first) are solved exactly (R_e ≤ 1 also
/// holds for every edge: the edge itself is a path of resistance 1). If every candidate was
/// solved, the largest exact value is max_e R_e (certified, with probability ≥ 1 − δ); else the
/// result is the interval [largest exact value, max(it, largest upper end of the unsolved)].
/// On edge-transitive graphs (tori, rings, hypercubes) every edge ties and the certificate
/// fails by nature; there R_e = (n − 1)/|E| for every edge (Foster's theorem, Σ_e R_e = n − 1).
/// With conjugate-gradient solves (GroundedLaplacian::iterative(), expanders) and more than one
/// core, half of the solves run on a second thread; the result is the same on any core count.
/// @param sketch_dim k (>= 2); @param max_exact exact solves at most; @param delta δ in (0, 1);
/// @param max_factor_nonzeros GroundedLaplacian's factor budget (< 0: its default; 0 forces
/// conjugate gradients).
template <int = 0>
ResistanceMaxBounds max_edge_resistance(const Graph& g, Index sketch_dim = 64, Index max_exact = 256,
                                        double delta = 1e-3, std::uint64_t seed = 1,
                                        double max_factor_nonzeros = -1) {
  if (sketch_dim < 2) detail::fail("max_edge_resistance", "sketch_dim must be >= 2 (got ", sketch_dim, ")");
  if (max_exact < 1) detail::fail("max_edge_resistance", "max_exact must be >= 1 (got ", max_exact, ")");
  if (!(delta > 0 && delta < 1)) detail::fail("max_edge_resistance", "delta must be in (0, 1) (got ", delta, ")");
  if (!is_connected(g)) detail::fail<InvalidTopology>("max_edge_resistance", "graph must be connected");
  if (num_nodes(g) < 2)
    detail::fail<InvalidTopology>("max_edge_resistance", "needs at least 2 nodes (an edge) (got ", num_nodes(g), ")");
  const std::vector<Edge> edges = edge_list(g);
  const Index n = num_nodes(g), m = static_cast<Index>(edges.size());
  detail::GroundedLaplacian<> grounded(laplacian(g), max_factor_nonzeros);
  // With conjugate gradients (expanders), a second solver on the same matrix runs half of the
  // solves on a second thread (detail::run_pair); the rows r are split by parity and the two
  // partial sums added in that order whatever the number of threads, so the bits are the same.
  std::optional<detail::GroundedLaplacian<>> second;
  if (grounded.iterative() && available_cores() > 1) second.emplace(detail::GroundedLaplacian<>::Twin{}, grounded);
  const auto both = [&](auto&& work) {  // work(parity, solver): parity 1 beside parity 0 if it can
    detail::run_pair([&] { work(0, grounded); }, [&] { work(1, second ? *second : grounded); }, second.has_value());
  };
  std::vector<double> partial[2] = {std::vector<double>(static_cast<std::size_t>(m), 0.0),
                                    std::vector<double>(static_cast<std::size_t>(m), 0.0)};
  both([&](int parity, detail::GroundedLaplacian<>& solver) {
    std::vector<double>& acc = partial[parity];
    Vector<double> b(n);
    for (Index r = parity; r < sketch_dim; r += 2) {
      SplitMix64 rng(seed, 0x5e5f, static_cast<std::uint64_t>(r));  // row r of Q from (seed, r)
      b.setZero();
      for (const auto& [u, v] : edges) {
        const double q = standard_normal(rng);
        b(u) += q;
        b(v) -= q;
      }
      const Vector<double> z = solver.solve(b);
      for (Index e = 0; e < m; ++e) {
        const double diff = z(edges[static_cast<std::size_t>(e)].first) - z(edges[static_cast<std::size_t>(e)].second);
        acc[static_cast<std::size_t>(e)] += diff * diff;
      }
    }
  });
  std::vector<double>& sketch = partial[0];
  for (Index e = 0; e < m; ++e) sketch[static_cast<std::size_t>(e)] += partial[1][static_cast<std::size_t>(e)];
  partial[1] = std::vector<double>();
  const auto k = static_cast<double>(sketch_dim);
  const boost::math::chi_squared chi2(k);
  const double a = delta / (2.0 * static_cast<double>(m));
  const double up = k / boost::math::quantile(chi2, a), down = k / boost::math::quantile(boost::math::complement(chi2, a));
  double best_lower = 0;
  for (double& s : sketch) {
    s /= k;  // R̃_e
    best_lower = std::max(best_lower, std::min(1.0, s * down));
  }
  std::vector<Index> candidates;
  for (Index e = 0; e < m; ++e)
    if (std::min(1.0, sketch[static_cast<std::size_t>(e)] * up) >= best_lower) candidates.push_back(e);
  std::stable_sort(candidates.begin(), candidates.end(), [&](Index x, Index y) {
    return sketch[static_cast<std::size_t>(x)] > sketch[static_cast<std::size_t>(y)];
  });
  ResistanceMaxBounds out;
  out.sketch_solves = sketch_dim;
  out.failure_probability = delta;
  const auto solved = std::min<std::size_t>(candidates.size(), static_cast<std::size_t>(max_exact));
  double exact_max[2] = {0, 0};
  both([&](int parity, detail::GroundedLaplacian<>& solver) {
    for (std::size_t c = static_cast<std::size_t>(parity); c < solved; c += 2) {
      const Edge& e = edges[static_cast<std::size_t>(candidates[c])];
      exact_max[parity] = std::max(exact_max[parity], solver.resistance(e.first, e.second));
    }
  });
  out.lower = std::max(exact_max[0], exact_max[1]);
  out.exact_solves = static_cast<Index>(solved);
  out.upper = out.lower;
  for (std::size_t c = solved; c < candidates.size(); ++c)
    out.upper = std::max(out.upper, std::min(1.0, sketch[static_cast<std::size_t>(candidates[c])] * up));
  return out;
}

/// Effective resistance R_ij = (e_i - e_j)^T L^+ (e_i - e_j) of every edge of a connected graph,
/// in edge_list() order (see effective_resistances).
template <int = 0>
std::vector<double> edge_resistances(const Graph& g) {
  if (!is_connected(g)) detail::fail<InvalidTopology>("edge_resistances", "graph must be connected");
  return effective_resistances(laplacian(g), edge_list(g));
}

/// Computes every quantity of GraphQuantities for graph g and mixing rule `mixing`
/// (a name accepted by mixing_matrix()). With `progress` (e.g. &std::cerr) and at least
/// graph_quantities_progress_min_edges edges, each step is written there as it starts and its
/// time when it ends.
/// @throws InvalidTopology if g has fewer than 2 nodes; InvalidArgument for an unknown mixing.
template <int = 0>
GraphQuantities graph_quantities(const Graph& g, std::string_view mixing = "metropolis",
                                 const SpectralOptions& opt = {}, std::ostream* progress = nullptr) {
  const double inf = std::numeric_limits<double>::infinity();
  GraphQuantities q;
  q.nodes = num_nodes(g);
  q.edges = num_edges(g);
  if (q.nodes < 2)
    detail::fail<InvalidTopology>("graph_quantities", "graph must have at least 2 nodes (got ", q.nodes, ")");
  detail::StepLog log(q.edges >= graph_quantities_progress_min_edges ? progress : nullptr, "graph_quantities");
  log.begin("connectivity");
  q.connected = is_connected(g);
  q.mixing = std::string(mixing);

  // The matrices live in this block only: on geometric:1000000:0.0025 each takes 250 MB, and
  // the χ2 step below needs its own factorisation (peak 4.45 GB before they were released).
  LaplacianEnds le{}, we{}, ge{};
  {
    log.begin("lambda2 and lambda_max of L");
    const SparseMatrix lap = laplacian(g);
    le = laplacian_ends(lap, opt);
    // I − W and I − W̄ are often multiples of L (regular graphs): then their ends are L's, scaled
    // (on the sparse path only, so that small graphs keep their dense-solver values).
    // On the sparse path I − W and I − W̄ are built with exact row sums (detail::identity_minus,
    // gossip_laplacian): the computed 1 − w_ii carries an absolute error of eps, which on I − W̄
    // (entries ~1/(d·n)) moved the spectrum below 0 and made the Cholesky of
    // geometric:1000000:0.0025 fail; and no P, W̄ or I − W̄ temporaries (250 MB each there).
    const bool sparse = q.nodes > opt.dense_threshold;
    const auto ends_of = [&](const SparseMatrix& m) {
      if (!sparse) return laplacian_ends(m, opt);
      const double c = detail::proportionality(lap, m);
      return c > 0 ? LaplacianEnds{c * le.lambda2, c * le.lambda_max, le.sparse_path} : laplacian_ends(m, opt);
    };
    // The 'laplacian' rule is undefined on a disconnected graph; there we fall back to reporting
    // the degenerate values directly.
    log.begin("mixing matrix W (" + std::string(mixing) + ")");
    {
      const SparseMatrix i_minus_w = [&] {  // W itself is released before the eigensolve
        const SparseMatrix w =
            (q.connected || mixing != "laplacian") ? mixing_matrix(g, mixing, opt) : sparse_identity(q.nodes);
        return sparse ? detail::identity_minus(w) : SparseMatrix(sparse_identity(q.nodes) - w);
      }();
      log.begin("lambda2 and lambda_min of W");
      we = ends_of(i_minus_w);
    }
    log.begin("lambda2 of the pairwise-gossip matrix");
    ge = ends_of(sparse ? gossip_laplacian(g) : SparseMatrix(sparse_identity(q.nodes) - expected_gossip_matrix(g)));
  }
  q.sparse_path = le.sparse_path;
  q.laplacian_lambda_max = le.lambda_max;
  q.mixing_lambda_min = 1.0 - we.lambda_max;
  if (q.connected) {
    log.begin(q.edges <= all_pairs_diameter_max_edges ? "diameter (one BFS per node)" : "diameter (iFUB)");
    if (q.edges <= all_pairs_diameter_max_edges) {
      q.diameter = q.diameter_lower = q.diameter_upper = static_cast<double>(diameter(g));
    } else {
      const DiameterBounds d = diameter_bounds(g, diameter_bfs_budget);
      q.diameter_lower = static_cast<double>(d.lower);
      q.diameter_upper = static_cast<double>(d.upper);
      q.diameter = d.exact() ? q.diameter_lower : std::numeric_limits<double>::quiet_NaN();
      q.diameter_bfs = d.bfs;
    }
    q.laplacian_lambda2 = le.lambda2;
    q.laplacian_condition = le.lambda_max / le.lambda2;
    q.mixing_lambda2 = 1.0 - we.lambda2;
    q.gossip_lambda2 = 1.0 - ge.lambda2;
    q.chi1 = static_cast<double>(q.edges) / le.lambda2;
    const double half_edges = 0.5 * static_cast<double>(q.edges);
    if (q.edges <= chi2_exact_max_edges) {
      log.begin("chi2 (" + std::to_string(q.edges) + " effective resistances)");
      double rmax = 0.0;
      for (double r : edge_resistances(g)) rmax = std::max(rmax, r);
      q.chi2 = q.chi2_lower = q.chi2_upper = half_edges * rmax;
      q.chi2_exact_solves = q.edges;
    } else {
      log.begin("chi2 (sketch of " + std::to_string(chi2_sketch_dim) + " solves, then at most " +
                std::to_string(chi2_max_exact) + " exact)");
      const ResistanceMaxBounds r = max_edge_resistance(g, chi2_sketch_dim, chi2_max_exact, chi2_failure_probability);
      q.chi2_lower = half_edges * r.lower;
      q.chi2_upper = half_edges * r.upper;
      q.chi2 = r.certified() ? q.chi2_lower : std::numeric_limits<double>::quiet_NaN();
      q.chi2_sketch_solves = r.sketch_solves;
      q.chi2_exact_solves = r.exact_solves;
      q.chi2_failure_probability = r.failure_probability;
    }
  } else {
    q.diameter = q.diameter_lower = q.diameter_upper = inf;
    q.laplacian_lambda2 = 0.0;
    q.laplacian_condition = inf;
    q.mixing_lambda2 = 1.0;
    q.gossip_lambda2 = 1.0;
    q.chi1 = inf;
    q.chi2 = q.chi2_lower = q.chi2_upper = inf;
  }
  q.mixing_slem = std::max(std::abs(q.mixing_lambda2), std::abs(q.mixing_lambda_min));
  q.mixing_spectral_gap = 1.0 - q.mixing_slem;
  q.koloskova_p = 1.0 - q.mixing_slem * q.mixing_slem;
  return q;
}

}  // namespace adonis
