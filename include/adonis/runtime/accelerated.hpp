// SPDX-License-Identifier: BSD-3-Clause
/// @file accelerated.hpp
/// @brief The continuized methods (A²CiD², continuized gossip), DADAO and asynchronous edge
///        ADMM as rules of the threads backend (runtime/threads.hpp): the simulator's
///        algorithms on real asynchronous workers.
///
/// Each rule is built from the simulator's algorithm object over the same graph and clock
/// rates, and takes from it every constant (η, β̃, γ̃, c_e, DADAO's constants, the step α, the
/// ADMM penalty): the constants depend on the communication-rate Laplacian Λ, so build the
/// algorithm with the EngineOptions whose clock model and rates the real run uses
/// (RealAsyncOptions::clock, compute_rate, comm_rate — times comm_rate_scale() for DADAO).
/// Each event applies the simulator's own kernels (algorithm/continuous_momentum.hpp,
/// algorithm/dadao.hpp, algorithm/async_admm.hpp) to the node rows the backend hands it, after
/// the backend has brought the nodes to the event's simulated time with advance(): so an event
/// on a real backend applies the same update as the simulator's event with the same times.
/// Papers: Nabli, Belilovsky & Oyallon, NeurIPS 2023 (A²CiD², arXiv:2306.08289); Even et al.,
/// NeurIPS 2021 (continuized gossip, arXiv:2106.07644); Nabli & Oyallon, ICML 2023 (DADAO,
/// arXiv:2208.00779); Iutzeler et al., CDC 2013 (asynchronous ADMM).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/async_admm.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/runtime/async.hpp"

namespace adonis::runtime {

/// The continuous momentum (x_i, x̃_i) of the continuized methods on the real backends: the ODE
/// dx = η(x̃ − x)dt, dx̃ = η(x − x̃)dt between events in closed form, and the antisymmetric jumps
/// x_i += c_e Δ, x̃_i += c̃ Δ (and the opposite at j) of an exchange, Δ = x_j − x_i taken when
/// it starts. Pure averaging (no computation clocks); A2cid2Rule adds the gradient steps.
class MomentumRule {
 public:
  static constexpr bool computes = false, continuous = true;
  static constexpr Index state_rows = 2, edge_rows = 0, message_rows = 1;

  /// Continuized gossip with the constants of `alg` (η, γ̃, c_e of every edge of g).
  MomentumRule(const ContinuizedGossip& alg, const Graph& g) : m_eta(alg.eta()), m_jump(alg.momentum_step()) {
    for (const auto& [u, v] : edge_list(g)) m_c.push_back(alg.edge_weight(u, v));
  }
  /// A²CiD²'s averaging (c_e = ½, c̃ = β̃) with the constants of `alg`.
  template <class P>
  MomentumRule(const A2cid2<P>& alg, const Graph& g)
      : m_eta(alg.eta()), m_jump(alg.beta_tilde()), m_c(static_cast<std::size_t>(num_edges(g)), 0.5) {}

  double eta() const noexcept { return m_eta; }
  /// x = x̃ = X0 (node i's rows 2i, 2i + 1).
  void init(const Iterates<double>& x0, const Topology&, RowMatrix<double>& nodes, RowMatrix<double>& edges) const {
    nodes.resize(2 * x0.rows(), x0.cols());
    for (Index i = 0; i < x0.rows(); ++i) nodes.row(2 * i) = nodes.row(2 * i + 1) = x0.row(i);
    edges.resize(0, x0.cols());
  }
  void advance(double* s, Index d, double dt) const {
    detail::momentum_integrate(s, s + d, d, detail::momentum_weight(m_eta, dt));
  }
  void x_at(const double* s, Index d, double dt, double* x) const {
    detail::momentum_x_at(s, s + d, d, detail::momentum_weight(m_eta, dt), x);
  }
  void gradient(Index, const double*, double*, Index, std::int64_t) const {}
  void apply_gradient(double*, const double*, Index, double) const {}
  /// Δ = x_j − x_i.
  void start(Index, Index, Index, const double* si, const double* sj, double* m, Index d) const {
    for (Index k = 0; k < d; ++k) m[k] = sj[k] - si[k];
  }
  void deliver(Index, Index, Index e, double* si, double* sj, double*, const double* m, Index d) const {
    detail::momentum_jump(si, si + d, sj, sj + d, m, d, m_c[static_cast<std::size_t>(e)], m_jump);
  }

 private:
  double m_eta, m_jump;
  std::vector<double> m_c;  // c_e by edge index (edge_list order)
};

/// A²CiD² on the real backends: MomentumRule's averaging plus the computation ticks
/// g = ∇f_i(x_i) (or a minibatch), x_i −= α g, x̃_i −= α g; node i's k-th minibatch comes from
/// SplitMix64(seed, async_gradient_stream + i, k).
/// @tparam Problem as A2cid2's (safe to call concurrently: every objective of problem/ is).
template <DecentralizedObjective Problem>
class A2cid2Rule : public MomentumRule {
 public:
  static constexpr bool computes = true;
  A2cid2Rule(const A2cid2<Problem>& alg, const Problem& problem, const Graph& g)
      : MomentumRule(alg, g), m_problem(&problem), m_step(alg.step_size()), m_stochastic(alg.options().stochastic),
        m_seed(alg.engine().options().seed) {}
  double step_size() const noexcept { return m_step; }
  void gradient(Index i, const double* s, double* g, Index d, std::int64_t draw) const {
    detail::async_gradient(*m_problem, i, Eigen::Map<const Vector<double>>(s, d), Eigen::Map<Vector<double>>(g, d),
                           m_stochastic, m_seed, draw);
  }
  void apply_gradient(double* s, const double* g, Index d, double scale) const {
    const double step = m_step * scale;
    for (Index k = 0; k < d; ++k) {
      s[k] -= step * g[k];
      s[d + k] -= step * g[k];
    }
  }

 private:
  const Problem* m_problem;
  double m_step;
  bool m_stochastic;
  std::uint64_t m_seed;
};

/// DADAO on the real backends: six rows per node (x, x̃, y, ỹ, z, z̃), advanced by the exact
/// propagator; the gradient and communication clocks stay decoupled (each node's computation
/// clock at compute_rate, the communication clocks at comm_rate · comm_rate_scale()).
template <DecentralizedObjective Problem>
class DadaoRule {
 public:
  static constexpr bool computes = true, continuous = true;
  static constexpr Index state_rows = 6, edge_rows = 0, message_rows = 1;
  DadaoRule(const Dadao<Problem>& alg, const Problem& problem)
      : m_problem(&problem), m_c(alg.constants()), m_scale(alg.comm_rate_scale()) {}
  const DadaoConstants& constants() const noexcept { return m_c; }
  /// The factor by which the algorithm multiplied the communication rates (2 χ1* χ2* = 1 by
  /// default): the real clocks must run at comm_rate times it.
  double comm_rate_scale() const noexcept { return m_scale; }
  /// x = X0, every other variable 0 (the authors' code).
  void init(const Iterates<double>& x0, const Topology&, RowMatrix<double>& nodes, RowMatrix<double>& edges) const {
    nodes = RowMatrix<double>::Zero(6 * x0.rows(), x0.cols());
    for (Index i = 0; i < x0.rows(); ++i) nodes.row(6 * i) = x0.row(i);
    edges.resize(0, x0.cols());
  }
  void advance(double* s, Index d, double dt) const {
    thread_local RowMatrix<double> tmp;
    detail::dadao_advance(m_c, s, d, dt, tmp);
  }
  void x_at(const double* s, Index d, double dt, double* x) const { detail::dadao_x_at(m_c, s, d, dt, x); }
  void gradient(Index i, const double* s, double* g, Index d, std::int64_t) const {
    detail::dadao_gradient(m_c, *m_problem, i, s, d, Eigen::Map<Vector<double>>(g, d));
  }
  void apply_gradient(double* s, const double* g, Index d, double scale) const {
    detail::dadao_step(m_c, s, g, d, scale);
  }
  void start(Index, Index, Index, const double* si, const double* sj, double* m, Index d) const {
    detail::dadao_message(si, sj, m, d);
  }
  void deliver(Index, Index, Index, double* si, double* sj, double*, const double* m, Index d) const {
    detail::dadao_jump(m_c, si, sj, m, d);
  }

 private:
  const Problem* m_problem;
  DadaoConstants m_c;
  double m_scale;
};

/// Asynchronous edge ADMM on the real backends: node rows (x_v, s_v), edge rows (z_e, λ_e of
/// the smaller end). An exchange on e = {i, j} takes both primal steps when it starts (its
/// message is (x_i, x_j)) and the edge's z/λ update at its delivery.
template <ProximalObjective Problem>
class AdmmRule {
 public:
  static constexpr bool computes = false, continuous = false;
  static constexpr Index state_rows = 2, edge_rows = 2, message_rows = 2;
  AdmmRule(const AsyncAdmm<Problem>& alg, const Problem& problem, const Graph& g)
      : m_problem(&problem), m_rho(alg.penalty()) {
    for (const auto& a : adjacency_lists(g)) m_degree.push_back(static_cast<double>(a.size()));
  }
  double penalty() const noexcept { return m_rho; }
  /// x = X0, z_e = (x_u + x_v)/2, λ = 0, s_v = Σ_{e ∋ v} z_e (AsyncAdmm::init).
  void init(const Iterates<double>& x0, const Topology& topology, RowMatrix<double>& nodes,
            RowMatrix<double>& edges) const {
    const Index n = x0.rows(), d = x0.cols();
    nodes = RowMatrix<double>::Zero(2 * n, d);
    edges = RowMatrix<double>::Zero(2 * static_cast<Index>(topology.edges.size()), d);
    for (Index i = 0; i < n; ++i) nodes.row(2 * i) = x0.row(i);
    for (std::size_t e = 0; e < topology.edges.size(); ++e) {
      const auto [u, v] = topology.edges[e];
      const auto k = static_cast<Index>(e);
      edges.row(2 * k) = 0.5 * (x0.row(u) + x0.row(v));
      nodes.row(2 * u + 1) += edges.row(2 * k);
      nodes.row(2 * v + 1) += edges.row(2 * k);
    }
  }
  void gradient(Index, const double*, double*, Index, std::int64_t) const {}
  void apply_gradient(double*, const double*, Index, double) const {}
  /// The two primal steps; the message is (x_i, x_j).
  void start(Index i, Index j, Index, double* si, double* sj, double* m, Index d) const {
    thread_local Vector<double> in, out;
    detail::admm_primal(*m_problem, i, m_degree[static_cast<std::size_t>(i)], m_rho, si + d, si, d, in, out);
    detail::admm_primal(*m_problem, j, m_degree[static_cast<std::size_t>(j)], m_rho, sj + d, sj, d, in, out);
    std::copy_n(si, d, m);
    std::copy_n(sj, d, m + d);
  }
  void deliver(Index i, Index j, Index, double* si, double* sj, double* edge, const double* m, Index d) const {
    const bool i_is_u = i < j;
    double* su = i_is_u ? si : sj;
    double* sv = i_is_u ? sj : si;
    detail::admm_edge(m_rho, i_is_u, m, m + d, edge, edge + d, su + d, sv + d, d);
  }

 private:
  const Problem* m_problem;
  double m_rho;
  std::vector<double> m_degree;  // d_v
};

}  // namespace adonis::runtime
