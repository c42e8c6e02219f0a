// SPDX-License-Identifier: BSD-3-Clause
/// @file spectral.hpp
/// @brief Extreme eigenvalues of Laplacian-like matrices, dense or sparse (Spectra), chosen
///        automatically.
///
/// Every spectral quantity adonis reports reduces to the two ends of the spectrum of a
/// symmetric positive semi-definite matrix M with M 1 = 0 ("Laplacian-like"):
///   - the graph Laplacian L = D - A (lambda2(L), lambda_max(L));
///   - I - W for a symmetric mixing matrix W (lambda2(W) = 1 - lambda2(I - W),
///     lambda_min(W) = 1 - lambda_max(I - W));
///   - the weighted Laplacian of pairwise-gossip probabilities (Boyd et al. 2006).
///
/// Small matrices (n <= SpectralOptions::dense_threshold) use Eigen's dense symmetric solver.
/// Large ones use Spectra 1.0 in shift-invert mode with a sparse LDL^T factorisation:
/// plain Lanczos on the smallest eigenvalues of a 20000-node ring does not converge in
/// minutes (the gap lambda3 - lambda2 is ~1e-7 of the spectrum's width), while shift-invert
/// around a small negative shift maps them to well separated large eigenvalues. When the
/// factorisation would fill in too much (expander-like graphs), a Lanczos recurrence without
/// reorthogonalization finds both ends at once (detail::extreme_ritz_values; Spectra's plain Lanczos is
/// the fallback): on those graphs λ2 is well away from 0.
///
/// Compile time: the solvers here, and the inline functions of other headers that call them
/// (mixing_matrix, graph_quantities, effective_resistances, clock_quantities, mixing_spectrum,
/// ...), are templates with one defaulted parameter (`template <int = 0>`), called as plain
/// functions. A translation unit that includes them without calling them then does not
/// instantiate Spectra, Eigen's sparse LDL^T and its dense eigensolver: the header checks of the
/// ~50 headers that include this one took 40 % less CPU time (measured with GCC 12).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <system_error>
#include <vector>

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCholesky>
#if defined(ADONIS_HAVE_CHOLMOD)
#include <Eigen/CholmodSupport>
#endif
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsShiftSolver.h>
#include <Spectra/SymEigsSolver.h>

#include "adonis/core/error.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// How spectral quantities are computed.
struct SpectralOptions {
  /// Matrices with at most this many rows use the dense solver; larger ones use Spectra.
  Index dense_threshold = 1500;
  /// Relative tolerance of the Lanczos iterations (Spectra's `tol`).
  double tolerance = 1e-12;
  /// Maximum number of Lanczos restarts.
  Index max_restarts = 3000;
  /// The sparse LDL^T factor may hold at most `fill_factor * nnz(M) + fill_slack` nonzeros
  /// before shift-invert is abandoned for Lanczos on M itself.
  double fill_factor = 200.0;
  /// See fill_factor (small graphs always factorise).
  double fill_slack = 1e6;
};

/// The two ends of the spectrum of a Laplacian-like matrix.
struct LaplacianEnds {
  double lambda2;     ///< second smallest eigenvalue (0 if M has a kernel larger than span(1))
  double lambda_max;  ///< largest eigenvalue
  bool sparse_path;   ///< true if computed by Spectra rather than the dense solver
};

namespace detail {

/// Number of nonzeros of the LDL^T factor of the pattern of M (symbolic factorisation only).
template <int = 0>
double ldlt_fill_pattern(const Eigen::SparseMatrix<double>& a) {
  // Elimination-tree column counts after AMD ordering, as SimplicialLDLT computes them.
  Eigen::AMDOrdering<int> amd;
  Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> perm;
  amd(a.selfadjointView<Eigen::Lower>(), perm);
  Eigen::SparseMatrix<double> ap(a.rows(), a.cols());
  ap.selfadjointView<Eigen::Upper>() = a.selfadjointView<Eigen::Lower>().twistedBy(perm.inverse());
  const Index n = ap.cols();
  std::vector<Index> parent(static_cast<std::size_t>(n), -1), mark(static_cast<std::size_t>(n), -1);
  double nnz = 0;
  // Liu's row-subtree traversal of the elimination tree (upper triangle, column k = row k of L).
  for (Index k = 0; k < n; ++k) {
    mark[static_cast<std::size_t>(k)] = k;
    for (Eigen::SparseMatrix<double>::InnerIterator it(ap, k); it; ++it) {
      Index i = it.index();
      if (i >= k) continue;
      for (; mark[static_cast<std::size_t>(i)] != k; i = parent[static_cast<std::size_t>(i)]) {
        if (parent[static_cast<std::size_t>(i)] == -1) parent[static_cast<std::size_t>(i)] = k;
        ++nnz;
        mark[static_cast<std::size_t>(i)] = k;
      }
    }
  }
  return nnz + static_cast<double>(n);
}

/// Factorisation of A + shift·I for a sparse symmetric matrix A, analysed once for A's pattern
/// and factorised again for each shift or matrix with that pattern (the two ends of
/// laplacian_ends share one analysis).
///   - With CHOLMOD (ADONIS_HAVE_CHOLMOD, SuiteSparse's libcholmod; Chen, Davis, Hager &
///     Rajamanickam, ACM TOMS 35(3), 2008): supernodal Cholesky with AMD ordering, dense BLAS-3
///     on the supernodes. A + shift·I must be positive definite.
///   - Without it: Eigen's SimplicialLDLT (AMD), for any matrix whose pivots stay away from 0,
///     as the definite shifts used here.
/// Measured on the 2-core machine, 10⁶-node torus Laplacian: CHOLMOD with OpenBLAS analyses in
/// 0.5 s and factorises in 5.6 s (58·10⁶ nonzeros, 1.1 GB), a solve 0.13 s; Eigen's
/// SimplicialLDLT factorises in 30–40 s.
template <int = 0>
class SpdFactor {
 public:
  using ColMatrix = Eigen::SparseMatrix<double>;

  /// Symbolic analysis of the pattern of the symmetric matrix `a` (both triangles stored);
  /// `a` must outlive the factor.
  explicit SpdFactor(const ColMatrix& a) : m_pattern(&a) {
#if defined(ADONIS_HAVE_CHOLMOD)
    cholmod_common& c = m_solver.cholmod();
    c.print = 0;  // CHOLMOD must not write to stdout; failures are read from c.status
    c.nmethods = 1;
    c.method[0].ordering = CHOLMOD_AMD;  // METIS orders the torus in 5 s for a 20 % smaller factor
    c.postorder = 1;
    m_solver.analyzePattern(a);
    m_nonzeros = c.status == CHOLMOD_OK ? c.lnz : std::numeric_limits<double>::infinity();
#endif
  }
  /// Nonzeros of the factor (for the fill-in check before any numeric work); infinity if the
  /// analysis failed (out of memory, or too large for 32-bit indices). Without CHOLMOD it is a
  /// separate symbolic factorisation, computed on the first call.
  double nonzeros() {
#if !defined(ADONIS_HAVE_CHOLMOD)
    if (m_nonzeros < 0) m_nonzeros = ldlt_fill_pattern(*m_pattern);
#endif
    return m_nonzeros;
  }
  /// True if factorize() needs a positive definite matrix (CHOLMOD's Cholesky); false if an
  /// indefinite one with stable pivots will do (Eigen's LDL^T).
  static constexpr bool needs_definite =
#if defined(ADONIS_HAVE_CHOLMOD)
      true;
#else
      false;
#endif
  /// Numeric factorisation of a + shift·I (a with the analysed pattern); false if it failed
  /// (not positive definite under CHOLMOD, a zero pivot under Eigen, out of memory).
  bool factorize(const ColMatrix& a, double shift) {
#if defined(ADONIS_HAVE_CHOLMOD)
    if (!std::isfinite(m_nonzeros)) return false;
    m_solver.setShift(shift);
    m_solver.factorize(a);
    return m_solver.info() == Eigen::Success && m_solver.cholmod().status == CHOLMOD_OK;
#else
    if (!m_analysed) {
      m_solver.analyzePattern(a);
      m_analysed = true;
    }
    m_solver.setShift(shift);
    m_solver.factorize(a);
    return m_solver.info() == Eigen::Success;
#endif
  }
  /// x with (a + shift·I) x = b, after a successful factorize().
  template <class Rhs>
  Vector<double> solve(const Eigen::MatrixBase<Rhs>& b) const {
    return m_solver.solve(b);
  }

 private:
  const ColMatrix* m_pattern;
  double m_nonzeros = -1;
#if defined(ADONIS_HAVE_CHOLMOD)
  mutable Eigen::CholmodSupernodalLLT<ColMatrix, Eigen::Lower> m_solver;
#else
  bool m_analysed = false;
  Eigen::SimplicialLDLT<ColMatrix, Eigen::Lower, Eigen::AMDOrdering<int>> m_solver;
#endif
};

/// Spectra shift-solve operator y = (M − σI)⁻¹ x through SpdFactor: M − σI itself for σ ≤ 0
/// (M is positive semi-definite here, so M − σI is definite for σ < 0) or when SpdFactor takes
/// indefinite matrices, else −(σI − M)⁻¹ (the positive shifts used here lie above the Gershgorin
/// bound, so σI − M is definite). The analysis is done once, in the constructor; each
/// set_shift() is one numeric factorisation.
template <class Matrix = SparseMatrix>
class LdltShiftSolve {
 public:
  using Scalar = double;

  explicit LdltShiftSolve(const Matrix& m) : m_matrix(m), m_factor(m_matrix) {}
  Index rows() const { return m_matrix.rows(); }
  Index cols() const { return m_matrix.cols(); }
  /// Nonzeros of the factor (SpdFactor::nonzeros).
  double fill() { return m_factor.nonzeros(); }

  void set_shift(double sigma) {
    bool ok = false;
    if (sigma <= 0 || !SpdFactor<>::needs_definite) {
      m_sign = 1.0;
      ok = m_factor.factorize(m_matrix, -sigma);
    } else {
      m_sign = -1.0;
      const Eigen::SparseMatrix<double> negated = -m_matrix;  // 250 MB at 2·10⁷ nonzeros: not kept
      ok = m_factor.factorize(negated, sigma);
    }
    if (!ok) fail<RuntimeError>("spectral::LdltShiftSolve", "sparse factorisation failed at shift ", sigma);
  }
  void perform_op(const double* x_in, double* y_out) const {
    Eigen::Map<const Vector<double>> x(x_in, rows());
    Eigen::Map<Vector<double>> y(y_out, rows());
    y = m_sign * m_factor.solve(x);
  }

 private:
  Eigen::SparseMatrix<double> m_matrix;  // column-major copy for the factorisation
  SpdFactor<> m_factor;
  double m_sign = 1.0;
};

/// Upper bound on the spectrum of a symmetric matrix (Gershgorin): max_i sum_j |M_ij|.
inline double gershgorin_upper(const SparseMatrix& m) {
  double best = 0.0;
  for (Index i = 0; i < m.outerSize(); ++i) {
    double s = 0.0;
    for (SparseMatrix::InnerIterator it(m, i); it; ++it) s += std::abs(it.value());
    best = std::max(best, s);
  }
  return best;
}

/// Smallest positive off-diagonal magnitude (the lightest edge weight).
inline double min_edge_weight(const SparseMatrix& m) {
  double best = std::numeric_limits<double>::infinity();
  for (Index i = 0; i < m.outerSize(); ++i)
    for (SparseMatrix::InnerIterator it(m, i); it; ++it)
      if (it.index() != i && it.value() != 0.0) best = std::min(best, std::abs(it.value()));
  return std::isfinite(best) ? best : 1.0;
}

/// Restarts of the first, capped, plain Lanczos for λmax in laplacian_ends.
inline constexpr Index plain_first_restarts = 20;

/// Rayleigh quotient of M at the ±1 vector of a breadth-first 2-colouring of M's off-diagonal
/// pattern: a lower bound on λmax(M). For a Laplacian-like M it is Σ_edges 4|m_ij| / n when the
/// graph is bipartite, which equals the Gershgorin bound exactly when every weighted degree is
/// the largest one (even tori, hypercubes): then λmax is that bound.
inline double parity_rayleigh(const SparseMatrix& m) {
  const Index n = m.rows();
  std::vector<signed char> side(static_cast<std::size_t>(n), 0);
  std::vector<Index> queue;
  queue.reserve(static_cast<std::size_t>(n));
  for (Index root = 0; root < n; ++root) {
    if (side[static_cast<std::size_t>(root)] != 0) continue;
    side[static_cast<std::size_t>(root)] = 1;
    queue.assign(1, root);
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const Index u = queue[head];
      for (SparseMatrix::InnerIterator it(m, u); it; ++it) {
        const auto v = static_cast<std::size_t>(it.index());
        if (it.index() == u || it.value() == 0.0 || side[v] != 0) continue;
        side[v] = static_cast<signed char>(-side[static_cast<std::size_t>(u)]);
        queue.push_back(it.index());
      }
    }
  }
  // xᵀ M x row by row, the rows' terms summed with Neumaier's compensation: a plain sum of 10⁶
  // nearly equal terms drifts by ~10⁻¹² relative (measured on I − W of torus:1000x1000, which
  // then missed the 10⁻¹² certificate), the compensated one stays at rounding level.
  double sum = 0, compensation = 0;
  for (Index i = 0; i < n; ++i) {
    double row = 0;
    for (SparseMatrix::InnerIterator it(m, i); it; ++it) row += it.value() * side[static_cast<std::size_t>(it.index())];
    const double term = row * side[static_cast<std::size_t>(i)];
    const double t = sum + term;
    compensation += std::abs(sum) >= std::abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
  }
  return (sum + compensation) / static_cast<double>(n);
}

/// The shift s > 0 of shift-invert at −s for the low end of a Laplacian-like M: w_min/n², below
/// λ2/2 for every connected weighted graph (λ2 ≥ 4 w_min/(n·diam) ≥ 4 w_min/n², Mohar 1991).
/// A Cholesky factorisation (SpdFactor::needs_definite) needs M + sI definite *in floating point*
/// too: its rounding perturbs the spectrum by about eps·‖M‖ times a modest growth factor, so s is
/// at least 10⁻¹⁰ of the Gershgorin bound (measured: s = 2·10⁻²⁰ failed on the pairwise-gossip
/// matrix of geometric:1000000:0.0025, whose Gershgorin bound is 2·10⁻⁷). The order of the
/// eigenvalues of (M + sI)⁻¹ is the same for any s > 0, and λ2 is then refined by a Rayleigh
/// quotient with M itself.
inline double lower_shift(const SparseMatrix& m) {
  const double n = static_cast<double>(m.rows());
  const double s = min_edge_weight(m) / (n * n);
  return SpdFactor<>::needs_definite ? std::max(s, 1e-10 * gershgorin_upper(m)) : s;
}

/// Spectra shift-invert: the `nev` eigenvalues of M nearest sigma, sorted ascending, with
/// their eigenvectors (columns, same order). `op` holds M's analysed pattern and is refactorised
/// at sigma.
template <int = 0>
std::vector<double> shift_invert(LdltShiftSolve<>& op, double sigma, Index nev,
                                        const SpectralOptions& opt, bool& ok,
                                        Matrix<double>* vectors = nullptr) {
  const Index ncv = std::min<Index>(op.rows(), std::max<Index>(2 * nev + 1, 20));
  Spectra::SymEigsShiftSolver<LdltShiftSolve<>> solver(op, nev, ncv, sigma);
  solver.init();
  solver.compute(Spectra::SortRule::LargestMagn, opt.max_restarts, opt.tolerance);
  ok = solver.info() == Spectra::CompInfo::Successful;
  const Vector<double> ev = solver.eigenvalues();
  std::vector<Index> idx(static_cast<std::size_t>(ev.size()));
  for (Index k = 0; k < ev.size(); ++k) idx[static_cast<std::size_t>(k)] = k;
  std::sort(idx.begin(), idx.end(), [&](Index a, Index b) { return ev(a) < ev(b); });
  std::vector<double> out;
  for (Index k : idx) out.push_back(ev(k));
  if (vectors && ok) {
    const Matrix<double> v = solver.eigenvectors();
    vectors->resize(v.rows(), v.cols());
    for (std::size_t k = 0; k < idx.size(); ++k) vectors->col(static_cast<Index>(k)) = v.col(idx[k]);
  }
  return out;
}

/// Rayleigh quotient of M at v after removing v's mean (M's kernel direction 1). For an
/// accurate eigenvector its error is quadratic in the vector's error, and it is computed
/// with M itself rather than through the ill-conditioned shifted inverse.
inline double rayleigh_on_mean_zero(const SparseMatrix& m, Vector<double> v) {
  v.array() -= v.mean();
  const double nv = v.squaredNorm();
  return nv > 0 ? v.dot(m * v) / nv : 0.0;
}

/// Spectra plain Lanczos: the `nev` largest or smallest algebraic eigenvalues, sorted ascending.
template <int = 0>
std::vector<double> plain_lanczos(const SparseMatrix& m, Index nev, bool largest,
                                         const SpectralOptions& opt, bool& ok) {
  Spectra::SparseSymMatProd<double, Eigen::Lower, Eigen::RowMajor> op(m);
  const Index ncv = std::min<Index>(m.rows(), std::max<Index>(2 * nev + 1, 40));
  Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double, Eigen::Lower, Eigen::RowMajor>> solver(
      op, nev, ncv);
  solver.init();
  solver.compute(largest ? Spectra::SortRule::LargestAlge : Spectra::SortRule::SmallestAlge,
                 opt.max_restarts, opt.tolerance);
  ok = solver.info() == Spectra::CompInfo::Successful;
  Vector<double> ev = solver.eigenvalues();
  std::vector<double> out(ev.data(), ev.data() + ev.size());
  std::sort(out.begin(), out.end());
  return out;
}

/// |last component| of the unit eigenvector of the symmetric tridiagonal T (diagonal `d`,
/// off-diagonal `e`) for its eigenvalue `theta`: two steps of inverse iteration, T − θI
/// factorised by Gaussian elimination with partial pivoting (the scheme of LAPACK's dgttrf and
/// dgttrs), O(k) where the full eigenvector matrix costs O(k³).
inline double tridiagonal_last_component(const std::vector<double>& d, const std::vector<double>& e, double theta) {
  const std::size_t k = d.size();
  if (k == 1) return 1.0;
  double scale = 0;
  for (std::size_t i = 0; i < k; ++i)
    scale = std::max(scale, std::abs(d[i]) + (i > 0 ? std::abs(e[i - 1]) : 0.0) + (i + 1 < k ? std::abs(e[i]) : 0.0));
  const double tiny = std::numeric_limits<double>::min() + std::numeric_limits<double>::epsilon() * scale;
  std::vector<double> dl(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(k - 1)), dd(k), du(dl), du2(k, 0.0);
  std::vector<char> swapped(k, 0);
  for (std::size_t i = 0; i < k; ++i) dd[i] = d[i] - theta;
  for (std::size_t i = 0; i + 1 < k; ++i) {
    if (std::abs(dd[i]) >= std::abs(dl[i])) {  // no interchange
      if (dd[i] == 0) dd[i] = tiny;
      const double f = dl[i] / dd[i];
      dl[i] = f;
      dd[i + 1] -= f * du[i];
    } else {  // rows i and i + 1 interchanged
      const double f = dd[i] / dl[i];
      dd[i] = dl[i];
      dl[i] = f;
      const double t = du[i];
      du[i] = dd[i + 1];
      dd[i + 1] = t - f * dd[i + 1];
      if (i + 2 < k) {
        du2[i] = du[i + 1];
        du[i + 1] = -f * du[i + 1];
      }
      swapped[i] = 1;
    }
  }
  if (dd[k - 1] == 0) dd[k - 1] = tiny;
  std::vector<double> x(k, 1.0);
  for (int step = 0; step < 2; ++step) {
    for (std::size_t i = 0; i + 1 < k; ++i) {  // L
      if (swapped[i] != 0) {
        const double t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t - dl[i] * x[i + 1];
      } else {
        x[i + 1] -= dl[i] * x[i];
      }
    }
    x[k - 1] /= dd[k - 1];  // U: diagonal dd, super-diagonals du and du2
    x[k - 2] = (x[k - 2] - du[k - 2] * x[k - 1]) / dd[k - 2];
    for (std::size_t i = k - 2; i-- > 0;) x[i] = (x[i] - du[i] * x[i + 1] - du2[i] * x[i + 2]) / dd[i];
    double norm = 0;
    for (const double v : x) norm += v * v;
    norm = std::sqrt(norm);
    for (double& v : x) v /= norm;
  }
  return std::abs(x[k - 1]);
}

/// At most this many Lanczos steps in extreme_ritz_values (each one product with M).
inline constexpr Index extreme_lanczos_max_steps = 30000;

/// The extreme Ritz values of extreme_ritz_values, index 0 the smallest, 1 the largest.
struct RitzEnds {
  double value[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  bool ok[2] = {false, false};  ///< converged (else value is the last Ritz value, or NaN if never checked)
};

/// The smallest and largest eigenvalues of a symmetric M with M 1 = 0 on the subspace
/// orthogonal to 1 (so the smallest is λ2 of a Laplacian-like M), from one Lanczos recurrence
/// without reorthogonalization: three vectors of n, the Ritz values taken from the tridiagonal
/// T_k, whose smallest and largest entries approximate the two ends at once (one product with M
/// a step serves both).
/// Why not Spectra here: Spectra reorthogonalizes each new vector against its whole basis (ncv
/// vectors), which on an expander-like graph of 10⁵ nodes costs ~10x the product with M and
/// needs ~2600 products for λ2 (12.6 s) against ~950 steps (1.6 s) without it. Without
/// reorthogonalization the basis loses orthogonality as Ritz values converge (Paige 1976), which
/// makes copies ("ghosts") of converged eigenvalues but leaves the extreme Ritz values
/// valid approximations (Cullum & Willoughby, Lanczos Algorithms for Large Symmetric Eigenvalue
/// Computations, 1985, ch. 4). The 1-component is projected out at every step. Stopping, for
/// each end: when its Ritz value θ has not moved by `tolerance`·|θ| between two checks (on a
/// schedule growing by 10 %), its residual estimate |β_k s_k| (s the Ritz vector in T_k's basis,
/// from tridiagonal_last_component; it bounds the distance from θ to the spectrum up to
/// rounding, Paige 1980) must be at most `tolerance`·|θ| + 100 ε ||T_k||; the value is the one
/// at that check. `want[0]` and `want[1]` (read at every step, so another thread may clear them)
/// say which ends are still needed: the recurrence stops when every wanted end has converged.
/// An end's value does not depend on when the other one was dropped or converged (it is fixed
/// at its own first passing check), so the results are the same on any schedule of threads.
/// Deterministic (a fixed SplitMix64 start); an end that extreme_lanczos_max_steps steps did
/// not settle has ok false.
template <int = 0>
RitzEnds extreme_ritz_values(const SparseMatrix& m, double tolerance, const std::atomic<bool> (&want)[2]) {
  const Index n = m.rows();
  Vector<double> v(n), w(n), previous = Vector<double>::Zero(n);
  SplitMix64 rng(0x1a2c05, 358, 0);
  for (Index i = 0; i < n; ++i) v(i) = rng.uniform() - 0.5;
  v.array() -= v.mean();
  v /= v.norm();
  std::vector<double> alpha, beta;
  RitzEnds out;
  double b = 0, last[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()}, scale = 0;
  bool done[2] = {false, false};
  Index next_check = 50;
  const Index cap = std::min<Index>(extreme_lanczos_max_steps, n - 1);
  const auto needed = [&] {
    return (want[0].load(std::memory_order_relaxed) && !done[0]) || (want[1].load(std::memory_order_relaxed) && !done[1]);
  };
  for (Index k = 0; k < cap && needed(); ++k) {
    w.noalias() = m * v;
    w -= b * previous;
    const double a = w.dot(v);
    w -= a * v;
    w.array() -= w.mean();
    alpha.push_back(a);
    scale = std::max({scale, std::abs(a), b});  // b: the previous step's, a lower bound on ||M||
    b = w.norm();
    // an invariant subspace (b at rounding level): T_k's values are eigenvalues of M
    const bool invariant = !(b > 64 * std::numeric_limits<double>::epsilon() * scale);
    const bool exhausted = invariant || k + 1 == cap;
    if (k + 1 >= next_check || exhausted) {
      next_check = std::max<Index>(next_check + 50, next_check + next_check / 10);
      const auto steps = static_cast<Index>(alpha.size());
      const Eigen::Map<const Vector<double>> d(alpha.data(), steps);
      const Vector<double> e = steps > 1 ? Vector<double>(Eigen::Map<const Vector<double>>(beta.data(), steps - 1))
                                         : Vector<double>();
      Eigen::SelfAdjointEigenSolver<Matrix<double>> es;
      es.computeFromTridiagonal(d, e, Eigen::EigenvaluesOnly);
      const double norm = es.eigenvalues().cwiseAbs().maxCoeff();
      for (int end = 0; end < 2; ++end) {
        if (done[end]) continue;
        const double theta = es.eigenvalues()(end == 1 ? steps - 1 : 0);
        if (invariant) {
          out.ok[end] = done[end] = true;
        } else if (std::abs(theta - last[end]) <= tolerance * std::abs(theta)) {
          const double residual = b * tridiagonal_last_component(alpha, beta, theta);
          if (residual <= tolerance * std::abs(theta) + 100 * std::numeric_limits<double>::epsilon() * norm)
            out.ok[end] = done[end] = true;
        }
        last[end] = out.value[end] = theta;
      }
      if (exhausted) break;
    }
    beta.push_back(b);
    previous.swap(v);
    v = w / b;
  }
  return out;
}

/// The smallest (largest: `largest`) end of extreme_ritz_values alone; `ok` false if it did not
/// converge in extreme_lanczos_max_steps steps.
template <int = 0>
double extreme_ritz_value(const SparseMatrix& m, bool largest, double tolerance, bool& ok) {
  const std::atomic<bool> want[2] = {!largest, largest};
  const RitzEnds r = extreme_ritz_values(m, tolerance, want);
  const int end = largest ? 1 : 0;
  ok = r.ok[end];
  return r.value[end];
}

}  // namespace detail

/// All eigenvalues of a symmetric matrix, ascending (dense; for small matrices and tests).
template <int = 0>
Vector<double> symmetric_eigenvalues(const SparseMatrix& m) {
  Matrix<double> dense = Matrix<double>(m);
  Eigen::SelfAdjointEigenSolver<Matrix<double>> es(dense, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success)
    detail::fail<RuntimeError>("symmetric_eigenvalues", "dense eigensolver did not converge (n = ",
                               m.rows(), ")");
  return es.eigenvalues();
}

namespace detail {
/// n for a square matrix with at least 2 rows (laplacian_ends, laplacian_max).
/// @throws DimensionMismatch if not square; InvalidArgument for fewer than 2 rows.
inline Index laplacian_like_rows(const char* who, const SparseMatrix& m) {
  const Index n = m.rows();
  if (n != m.cols()) fail<DimensionMismatch>(who, "matrix must be square (got ", n, " x ", m.cols(), ")");
  if (n < 2) fail(who, "matrix must have at least 2 rows (got ", n, ")");
  return n;
}

/// How laplacian_ends finds λmax of a Laplacian-like M (see its "Top end"): the Gershgorin
/// bound g, the Rayleigh quotient ρ of a 2-colouring's ±1 vector (ρ ≤ λmax ≤ g), whether ρ
/// certifies λmax, whether g is nearly attained, and so whether the Lanczos recurrence runs.
struct TopEndPlan {
  double g = 0, rho = 0;
  bool certified = false, near_g = false, by_recurrence = false;
};
template <int = 0>
TopEndPlan top_end_plan(const SparseMatrix& m, const SpectralOptions& opt) {
  TopEndPlan p;
  p.g = gershgorin_upper(m);
  p.rho = parity_rayleigh(m);
  p.certified = p.g - p.rho <= opt.tolerance * p.g;
  p.near_g = p.rho >= (1 - 1e-6) * p.g;
  p.by_recurrence = !p.certified && !p.near_g;
  return p;
}

/// λmax after the recurrence (`ritz`, its top end when plan.by_recurrence): the certified ρ,
/// else the recurrence's value, else Spectra's Lanczos capped at plain_first_restarts (unless g
/// is nearly attained), else shift-invert just above g with the factor `op` (analysed here if
/// absent; skipped if its fill exceeds the budget), else Spectra's in full.
/// @throws RuntimeError if none converges.
template <int = 0>
double laplacian_top(const SparseMatrix& m, const SpectralOptions& opt, const TopEndPlan& plan, const RitzEnds& ritz,
                     std::optional<LdltShiftSolve<>>& op) {
  if (plan.certified) return plan.rho;
  if (plan.by_recurrence && ritz.ok[1]) return ritz.value[1];
  bool ok = false;
  std::vector<double> high;
  SpectralOptions quick = opt;
  if (!plan.near_g) {
    quick.max_restarts = plain_first_restarts;
    high = plain_lanczos(m, 1, true, quick, ok);
  }
  if (!ok) {
    if (!op) op.emplace(m);
    if (op->fill() <= opt.fill_factor * static_cast<double>(m.nonZeros()) + opt.fill_slack) {
      quick.max_restarts = 50;
      high = shift_invert(*op, plan.g * (1 + 1e-9) + 1e-12, 1, quick, ok);
    }
  }
  if (!ok) high = plain_lanczos(m, 1, true, opt, ok);
  if (!ok || high.empty())
    fail<RuntimeError>("laplacian_ends", "Lanczos did not converge for lambda_max (n = ", m.rows(), ")");
  return high.back();
}
}  // namespace detail

/// Second-smallest and largest eigenvalue of a symmetric Laplacian-like matrix M
/// (PSD with M 1 = 0; e.g. L = D - A, or I - W for a symmetric mixing matrix W).
///
/// Sparse path: lambda2 from shift-invert at sigma = -s (detail::lower_shift), asking for 4
/// eigenvalues because lambda2 is often repeated (rings, tori); lambda_max by shift-invert just
/// above the Gershgorin bound where a 2-colouring's Rayleigh quotient nearly attains it (that
/// quotient itself where it attains it to opt.tolerance), else the Lanczos recurrence of
/// detail::extreme_ritz_values first, on a second thread while the factor is analysed (see the
/// body). Where the factor would fill in more than opt.fill_factor·nnz + opt.fill_slack
/// (expanders), λ2 from the same recurrence.
/// @throws RuntimeError if neither sparse method converges.
template <int = 0>
LaplacianEnds laplacian_ends(const SparseMatrix& m, const SpectralOptions& opt = {}) {
  const Index n = detail::laplacian_like_rows("laplacian_ends", m);
  if (n <= opt.dense_threshold) {
    const Vector<double> ev = symmetric_eigenvalues(m);
    return {ev(1), ev(n - 1), false};
  }
  // The top end's certificate and whether g is nearly attained (see "Top end" below), first.
  const detail::TopEndPlan plan = detail::top_end_plan(m, opt);
  const Index nev = std::min<Index>(4, n - 1);
  // Two halves side by side (detail::run_pair): this thread analyses the factor's pattern (one
  // symbolic analysis serves both ends: the shifts change the values, not the pattern) and,
  // where the fill is acceptable, finds λ2 by shift-invert; the other runs the Lanczos
  // recurrence for λmax and, until the analysis says the factor is usable, for λ2 (on an
  // expander it is not, and λ2 comes from the same recurrence: one product with M a step serves
  // both ends). Each end's value is fixed where it converges (extreme_ritz_values), so the
  // results do not depend on the threads' timing; on one core the halves run one after the other.
  std::atomic<bool> want[2] = {true, plan.by_recurrence};
  detail::RitzEnds ritz;
  bool ok = false, factor_ok = false;
  std::vector<double> low;
  std::optional<detail::LdltShiftSolve<>> op;
  const auto analyse_and_low = [&] {
    try {
      op.emplace(m);
      factor_ok = op->fill() <= opt.fill_factor * static_cast<double>(m.nonZeros()) + opt.fill_slack;
      if (!factor_ok) return;
      want[0] = false;
      Matrix<double> vectors;
      // A Cholesky can still meet a rounding-negative pivot (a diagonal computed as 1 − w_ii
      // with entries of order 1/n): then the shift grows by 10³, up to three times.
      double s = detail::lower_shift(m);
      for (int attempt = 0;; ++attempt) {
        try {
          low = detail::shift_invert(*op, -s, nev, opt, ok, &vectors);
          break;
        } catch (const RuntimeError&) {
          if (attempt == 3 || !detail::SpdFactor<>::needs_definite) throw;
          s *= 1e3;
        }
      }
      // Refine lambda2 by the Rayleigh quotient of its eigenvector (the shifted solve is
      // conditioned like lambda_max / s; the quotient is not).
      if (ok && low.size() >= 2 && low[1] > 0) low[1] = detail::rayleigh_on_mean_zero(m, vectors.col(1));
    } catch (...) {
      want[0] = want[1] = false;  // the recurrence stops: its results are not needed
      throw;
    }
  };
  const auto recurrence = [&] {
    if (want[0] || want[1]) ritz = detail::extreme_ritz_values(m, opt.tolerance, want);
  };
  detail::run_pair(analyse_and_low, recurrence, plan.by_recurrence);
  if (!factor_ok) {  // expander-like: the fill explodes, and λ2 is well separated from 0
    ok = ritz.ok[0];
    if (ok) low = {0.0, ritz.value[0]};
  }
  if (!ok) low = detail::plain_lanczos(m, nev, false, opt, ok);
  if (!ok || low.size() < 2)
    detail::fail<RuntimeError>("laplacian_ends", "Lanczos did not converge for lambda2 (n = ", n, ")");
  // Top end. The Rayleigh quotient ρ of a 2-colouring's ±1 vector and the Gershgorin bound g
  // enclose λmax (ρ ≤ λmax ≤ g): when they agree to opt.tolerance (bipartite graphs of constant
  // degree: even tori, hypercubes) ρ is λmax, with that certificate and no factorisation. When g
  // is nearly attained otherwise, shift-invert just above g converges at once, where Lanczos
  // would not converge in minutes (10⁶-node torus: Spectra, 20 restarts, 43 s, not converged).
  // Elsewhere λmax is usually far below g and well separated (geometric:1000000:0.0025:
  // λmax = 44.8, g = 86): the Lanczos recurrence first (extreme_ritz_values), then Spectra's
  // capped at plain_first_restarts, then shift-invert, then Spectra's in full.
  return {std::max(low[1], 0.0), detail::laplacian_top(m, opt, plan, ritz, op), true};
}

/// The largest eigenvalue of a symmetric Laplacian-like matrix M alone (e.g. λmin(W) =
/// 1 − λmax(I − W), all that the DGD, EXTRA and CHOCO step rules need): laplacian_ends's top
/// end, with the same value, without λ2 — so no factorisation where the 2-colouring certifies
/// λmax (even tori, hypercubes) or the Lanczos recurrence converges (most other graphs).
/// @throws RuntimeError if no sparse method converges.
template <int = 0>
double laplacian_max(const SparseMatrix& m, const SpectralOptions& opt = {}) {
  const Index n = detail::laplacian_like_rows("laplacian_max", m);
  if (n <= opt.dense_threshold) return symmetric_eigenvalues(m)(n - 1);
  const detail::TopEndPlan plan = detail::top_end_plan(m, opt);
  detail::RitzEnds ritz;
  if (plan.by_recurrence) ritz.value[1] = detail::extreme_ritz_value(m, true, opt.tolerance, ritz.ok[1]);
  std::optional<detail::LdltShiftSolve<>> op;
  return detail::laplacian_top(m, opt, plan, ritz, op);
}

/// The slowest mode of a symmetric mixing matrix W of a connected graph: a unit eigenvector v of
/// λ2(W), the largest eigenvalue below 1, i.e. of λ2(I − W) (theory-rates.md §1). v has mean 0
/// (it is orthogonal to 1), so x_{t+1} = W x_t from x_0 = v stays on it: ||x_t|| = λ2(W)^t
/// exactly, with no rounding floor at the average. Dense for n ≤ opt.dense_threshold, else
/// Spectra shift-invert on I − W (as laplacian_ends). Where λ2 is repeated (rings, tori) any unit
/// vector of its eigenspace is returned.
/// @throws InvalidArgument for fewer than 2 rows; RuntimeError if the eigensolver fails.
template <int = 0>
Vector<double> slowest_mode(const SparseMatrix& w, const SpectralOptions& opt = {}) {
  const Index n = w.rows();
  if (n < 2 || n != w.cols())
    detail::fail("slowest_mode", "W must be square with at least 2 rows (got ", n, " x ", w.cols(), ")");
  SparseMatrix identity(n, n);
  identity.setIdentity();
  const SparseMatrix m = identity - w;
  Vector<double> v;
  if (n <= opt.dense_threshold) {
    const Matrix<double> dense(m);
    Eigen::SelfAdjointEigenSolver<Matrix<double>> es(dense);
    if (es.info() != Eigen::Success) detail::fail<RuntimeError>("slowest_mode", "dense eigensolver did not converge");
    v = es.eigenvectors().col(1);
  } else {
    bool ok = false;
    Matrix<double> vectors;
    detail::LdltShiftSolve<> op(m);
    detail::shift_invert(op, -detail::lower_shift(m), std::min<Index>(4, n - 1), opt, ok, &vectors);
    if (!ok) detail::fail<RuntimeError>("slowest_mode", "Lanczos did not converge for lambda2 (n = ", n, ")");
    v = vectors.col(1);
  }
  v.array() -= v.mean();
  const double norm = v.norm();
  if (!(norm > 0)) detail::fail<RuntimeError>("slowest_mode", "the eigenvector of lambda2 is the constant vector (n = ", n, ")");
  return v / norm;
}

}  // namespace adonis
