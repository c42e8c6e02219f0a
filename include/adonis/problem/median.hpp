// SPDX-License-Identifier: BSD-3-Clause
/// @file median.hpp
/// @brief The nonsmooth l1 location problem: f_i(x) = (1/m_i) sum_j ||x - a_j||_1.
///
/// The objective f = (1/n) sum_i f_i is minimized by a (weighted) coordinate-wise median of the
/// data rows, the weight of row j of node i being 1/(n m_i); with equal node sizes it is the
/// ordinary coordinate-wise median (reference.hpp). f_i is Lipschitz with constant sqrt(d)
/// (every subgradient lies in [-1, 1]^d) but not smooth: there is no L and mu = 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

/// f_i(x) = (1/m_i) sum_{j in node i} ||x - a_j||_1 over the rows a_j of the features
/// (targets are ignored). Subgradients use sign(0) = 0.
class MedianProblem {
 public:
  using Scalar = double;

  /// @throws InvalidArgument for a bad partition or non-finite data.
  MedianProblem(const Dataset& data, const Partition& parts, StochasticOptions stochastic = {})
      : m_dim(data.features()), m_stochastic(stochastic) {
    validate_dataset(data, "MedianProblem");
    validate_partition(parts, data.samples(), "MedianProblem");
    m_stochastic.validate();
    for (const auto& rows : parts) {
      Matrix<double> a(static_cast<Index>(rows.size()), m_dim);
      for (std::size_t k = 0; k < rows.size(); ++k) a.row(static_cast<Index>(k)) = data.A.row(rows[k]);
      Matrix<double> sorted = a;
      for (Index k = 0; k < m_dim; ++k) std::sort(sorted.col(k).data(), sorted.col(k).data() + sorted.rows());
      m_sorted.push_back(std::move(sorted));
      m_a.push_back(std::move(a));
    }
  }

  Index num_nodes() const { return static_cast<Index>(m_a.size()); }
  Index dim() const { return m_dim; }
  Index num_samples(Index i) const { return m_a[node(i)].rows(); }
  /// Node i's data rows (m_i x d).
  const Matrix<double>& local_features(Index i) const { return m_a[node(i)]; }
  /// sqrt(d): a bound on the norm of every subgradient of every f_i.
  double lipschitz() const { return std::sqrt(static_cast<double>(m_dim)); }
  const StochasticOptions& stochastic_options() const { return m_stochastic; }
  void set_stochastic_options(const StochasticOptions& o) {
    o.validate();
    m_stochastic = o;
  }

  /// f_i(x) = (1/m_i) sum_j ||x - a_j||_1.
  double value(Index i, Eigen::Ref<const Vector<double>> x) const {
    const auto& a = m_a[node(i)];
    return (a.rowwise() - x.transpose()).cwiseAbs().sum() / static_cast<double>(a.rows());
  }
  /// The subgradient (1/m_i) sum_j sign(x - a_j), coordinate k being
  /// (#{j : a_jk < x_k} − #{j : a_jk > x_k}) / m_i, counted by binary search in node i's sorted
  /// column k: O(d log m_i) instead of O(d m_i), the same bits (the counts are exact).
  void subgradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    const auto& s = m_sorted[node(i)];
    const Index m = s.rows();
    for (Index k = 0; k < m_dim; ++k) {
      const double* c = s.col(k).data();
      const auto below = std::lower_bound(c, c + m, x(k)) - c;        // a_jk < x_k
      const auto above = (c + m) - std::upper_bound(c, c + m, x(k));  // a_jk > x_k
      g(k) = static_cast<double>(below - above) / static_cast<double>(m);
    }
  }
  /// Same as subgradient(): lets gradient-based methods (subgradient DGD) run on it.
  void gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const { subgradient(i, x, g); }
  /// sign(x - a_j) for the j-th sample of node i.
  void sample_gradient(Index i, Index j, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g) const {
    const auto& a = m_a[node(i)];
    for (Index k = 0; k < m_dim; ++k) g(k) = sign(x(k) - a(j, k));
  }
  /// Mean of b sample subgradients drawn with replacement, plus N(0, s^2/(b d) I) noise.
  void stochastic_gradient(Index i, Eigen::Ref<const Vector<double>> x, Eigen::Ref<Vector<double>> g,
                           SplitMix64& rng) const {
    const auto& a = m_a[node(i)];
    g.setZero();
    for (Index b = 0; b < m_stochastic.batch; ++b) {
      const auto j = static_cast<Index>(rng.below(static_cast<std::uint64_t>(a.rows())));
      for (Index k = 0; k < m_dim; ++k) g(k) += sign(x(k) - a(j, k));
    }
    g /= static_cast<double>(m_stochastic.batch);
    detail::add_minibatch_noise(g, m_stochastic, rng);
  }

  /// prox_{step f_i}(v), exactly, coordinate by coordinate: the u with
  /// 0 in (u - v)/step + (1/m_i) sum_j d|u - a_jk| (a point between two sorted data values, or a
  /// data value whose subdifferential interval contains the root).
  void prox(Index i, Eigen::Ref<const Vector<double>> v, double step, Eigen::Ref<Vector<double>> out) const {
    if (!(step > 0)) detail::fail("MedianProblem", "prox step must be > 0 (got ", step, ")");
    const auto& s = m_sorted[node(i)];
    const auto md = static_cast<double>(s.rows());
    for (Index k = 0; k < m_dim; ++k) out(k) = prox_1d(s.col(k).data(), static_cast<std::size_t>(s.rows()), v(k), step, md);
  }

  /// The distance from 0 to the subdifferential of f at x (the norm of its minimal-norm
  /// subgradient): 0 exactly at the minimizers. Per coordinate the subdifferential is
  /// [F - E, F + E], F = sum_j w_j sign(x - a_j), E = sum_{a_j = x} w_j, w_j = 1/(n m_i).
  double subdifferential_distance(Eigen::Ref<const Vector<double>> x) const {
    Vector<double> f = Vector<double>::Zero(m_dim), e = Vector<double>::Zero(m_dim);
    const auto n = static_cast<double>(num_nodes());
    for (const auto& a : m_a) {
      const double w = 1.0 / (n * static_cast<double>(a.rows()));
      for (Index j = 0; j < a.rows(); ++j)
        for (Index k = 0; k < m_dim; ++k) {
          const double sg = sign(x(k) - a(j, k));
          f(k) += w * sg;
          if (sg == 0) e(k) += w;
        }
    }
    double sq = 0;
    for (Index k = 0; k < m_dim; ++k) {
      const double lo = f(k) - e(k), hi = f(k) + e(k);
      const double dist = lo > 0 ? lo : (hi < 0 ? -hi : 0.0);
      sq += dist * dist;
    }
    return std::sqrt(sq);
  }

 private:
  static std::size_t node(Index i) { return static_cast<std::size_t>(i); }
  static double sign(double t) { return t > 0 ? 1.0 : (t < 0 ? -1.0 : 0.0); }

  /// The 1-d prox on the sorted values s[0..count).
  static double prox_1d(const double* s, std::size_t count, double v, double step, double m) {
    // a root strictly between data values: exactly c values lie below u
    for (std::size_t c = 0; c <= count; ++c) {
      const double u = v - step * (2.0 * static_cast<double>(c) - m) / m;
      const bool above = c == 0 || s[c - 1] < u;
      const bool below = c == count || u < s[c];
      if (above && below) return u;
    }
    // otherwise at a data value p: 0 in [(p - v)/step + (lt - gt - eq)/m, (p - v)/step + (lt - gt + eq)/m]
    double best = v, best_violation = INFINITY;
    for (std::size_t lt = 0; lt < count;) {
      std::size_t end = lt;
      while (end < count && s[end] == s[lt]) ++end;
      const double p = s[lt], eq = static_cast<double>(end - lt), below = static_cast<double>(lt),
                   above = static_cast<double>(count - end);
      const double lo = (p - v) / step + (below - above - eq) / m, hi = (p - v) / step + (below - above + eq) / m;
      const double violation = lo > 0 ? lo : (hi < 0 ? -hi : 0.0);
      if (violation < best_violation) {
        best_violation = violation;
        best = p;
      }
      lt = end;
    }
    return best;
  }

  Index m_dim;
  StochasticOptions m_stochastic;
  std::vector<Matrix<double>> m_a;
  std::vector<Matrix<double>> m_sorted;  // m_a's columns sorted, node by node (subgradient, prox)
};

static_assert(NonsmoothObjective<MedianProblem> && StochasticObjective<MedianProblem> &&
              ProximalObjective<MedianProblem> && FiniteSumObjective<MedianProblem> &&
              !CurvatureBoundedObjective<MedianProblem>);

}  // namespace adonis
