// SPDX-License-Identifier: BSD-3-Clause
/// @file async_admm.hpp
/// @brief Randomized asynchronous edge ADMM (Iutzeler, Bianchi, Ciblat & Hachem, "Asynchronous
///        distributed optimization using a randomized alternating direction method of
///        multipliers", IEEE CDC 2013; theory-rates.md §7c), on the event engine.
///
/// Formulation. min Σ_i f_i(x_i) subject to x_i = z_e and x_j = z_e for every edge e = {i, j}
/// (one auxiliary z_e per edge). Its augmented Lagrangian with penalty ρ > 0 and multipliers
/// λ_{e,i}, λ_{e,j} is Σ_i f_i(x_i) + Σ_e Σ_{v∈e} [⟨λ_{e,v}, x_v − z_e⟩ + (ρ/2)||x_v − z_e||²].
/// Synchronous ADMM on it (x-step, z-step, dual ascent) is Douglas–Rachford splitting on the
/// dual; Iutzeler et al. run randomized Gauss–Seidel iterations of that operator, one block of
/// coordinates (here: one edge) at a time, which gives the update implemented here.
///
/// At a communication tick of edge e = {i, j} (the other nodes and edges are untouched):
///   for v ∈ {i, j}:  x_v ← argmin_x f_v(x) + Σ_{e'∋v} [⟨λ_{e',v}, x⟩ + (ρ/2)||x − z_{e'}||²]
///                        = prox_{f_v, 1/(ρ d_v)}( (1/d_v) Σ_{e'∋v} (z_{e'} − λ_{e',v}/ρ) ),
///   z_e ← (x_i + x_j)/2 + (λ_{e,i} + λ_{e,j})/(2ρ),
///   λ_{e,v} ← λ_{e,v} + ρ (x_v − z_e)   for v ∈ {i, j}.
/// With λ = 0 initially, λ_{e,i} + λ_{e,j} = 0 forever (the z-step keeps it), so z_e is the
/// plain average and λ_{e,i} = −λ_{e,j} is stored once per edge. Each node keeps
/// s_v = Σ_{e'∋v} (z_{e'} − λ_{e',v}/ρ) up to date, so a tick costs two prox calls and O(d).
/// Start: x = X0, z_e = (x_i^0 + x_j^0)/2, λ = 0. The messages are x_i and x_j (8d bytes each).
///
/// Status of this description: the abstract (randomized Gauss–Seidel iterations of
/// Douglas–Rachford, uncoordinated activation of isolated components, almost-sure convergence
/// under mild connectivity conditions, no rate) is [SRC]; the edge-block update above is the
/// standard edge ADMM restricted to the active edge, as recalled [REC], not re-read in the paper.
///
/// Latency (engine option, outside the paper): the two proxes are taken at the tick; the edge's
/// z/λ update with those x's is applied at delivery.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "adonis/algorithm/gossip.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/problem/concepts.hpp"
#include "adonis/sim/async.hpp"

namespace adonis {

namespace detail {
// The event kernels of AsyncAdmm on raw rows (d doubles each): the simulator and the real
// backends (runtime/accelerated.hpp) apply the same arithmetic through them.

/// The primal step of node v of degree d_v: x_v = prox_{f_v, 1/(ρ d_v)}(s_v / d_v).
template <ProximalObjective P>
void admm_primal(const P& p, Index v, double degree, double rho, const double* s, double* x, Index d,
                 Vector<double>& in, Vector<double>& out) {
  in = Eigen::Map<const Vector<double>>(s, d) / degree;
  out.resize(d);
  p.prox(v, in, 1.0 / (rho * degree), out);
  Eigen::Map<Vector<double>>(x, d) = out;
}
/// The edge update of e = {u, v} (u < v) with the endpoints' x's xi, xj (i = u when
/// `i_is_u`): z_e = (x_i + x_j)/2, λ_{e,u} += ρ(x_u − z_e); s_u ∋ z − λ/ρ and s_v ∋ z + λ/ρ follow.
inline void admm_edge(double rho, bool i_is_u, const double* xi, const double* xj, double* z, double* lambda,
                      double* su, double* sv, Index d) {
  using Row = Eigen::Map<Vector<double>>;
  using ConstRow = Eigen::Map<const Vector<double>>;
  Row zr(z, d), lr(lambda, d), sur(su, d), svr(sv, d);
  const ConstRow xir(xi, d), xjr(xj, d);
  sur -= zr - lr / rho;
  svr -= zr + lr / rho;
  zr = 0.5 * (xir + xjr);
  if (i_is_u) lr += 0.5 * rho * (xir - xjr);
  else lr += 0.5 * rho * (xjr - xir);
  sur += zr - lr / rho;
  svr += zr + lr / rho;
}
}  // namespace detail

/// Options of AsyncAdmm.
struct AsyncAdmmOptions {
  /// Penalty ρ > 0 of the augmented Lagrangian (per edge-endpoint constraint x_v = z_e).
  /// Default 1: ρ acts as a curvature added to f_v (the prox step is 1/(ρ d_v)), so ρ of the
  /// order of the local curvature balances the primal and dual progress; ρ = 2 is the per-edge
  /// weight of Shi et al.'s c = 1 (Admm's default). Convergence holds for every ρ > 0.
  double penalty = 1.0;
  void validate() const {
    if (!(penalty > 0) || !std::isfinite(penalty))
      detail::fail("AsyncAdmm", "penalty must be finite and > 0 (got ", penalty, ")");
  }
};

/// Randomized asynchronous edge ADMM over a static graph (see the file comment).
///
/// @tparam Problem models ProximalObjective; it must outlive the object.
/// Compute clocks are unused (the engine is built with compute rate 0). Counters: `gradients`
/// counts prox evaluations (two per communication tick that took effect); messages = 2 per
/// communication tick (x_i and x_j).
/// @throws InvalidArgument for invalid options or a node without neighbours; DimensionMismatch
///         if the problem and the graph differ in nodes.
template <ProximalObjective Problem>
class AsyncAdmm : public AsyncAlgorithm<AsyncAdmm<Problem>> {
  using Base = AsyncAlgorithm<AsyncAdmm<Problem>>;

 public:
  AsyncAdmm(const Problem& problem, const Graph& g, sim::EngineOptions engine, AsyncAdmmOptions options = {})
      : Base(sim::EventEngine(g, sim::without_compute(std::move(engine)))), m_problem(&problem), m_options(options) {
    m_options.validate();
    const Index n = this->num_nodes();
    if (problem.num_nodes() != n)
      detail::fail<DimensionMismatch>("AsyncAdmm", "problem has ", problem.num_nodes(), " nodes, graph has ", n);
    m_edges = edge_list(g);
    m_incident.assign(static_cast<std::size_t>(n), {});
    for (std::size_t e = 0; e < m_edges.size(); ++e) {
      const auto [u, v] = m_edges[e];
      m_incident[static_cast<std::size_t>(u)].push_back({v, static_cast<Index>(e)});
      m_incident[static_cast<std::size_t>(v)].push_back({u, static_cast<Index>(e)});
    }
    for (Index i = 0; i < n; ++i) {
      auto& inc = m_incident[static_cast<std::size_t>(i)];
      if (inc.empty()) detail::fail("AsyncAdmm", "node ", i, " has no neighbours");
      std::sort(inc.begin(), inc.end());
    }
  }

  double penalty() const noexcept { return m_options.penalty; }
  /// z_e (row e, edges in edge_list order) and λ_{e,u} of the smaller endpoint u (λ_{e,v} = −λ_{e,u}).
  const RowMatrix<double>& edge_averages() const noexcept { return m_z; }
  const RowMatrix<double>& edge_duals() const noexcept { return m_lambda; }

  void init(const Iterates<double>& x0) {
    detail::check_iterates("AsyncAdmm::init", x0, this->num_nodes());
    if (x0.cols() != m_problem->dim())
      detail::fail<DimensionMismatch>("AsyncAdmm::init", "X must have ", m_problem->dim(), " columns (got ",
                                      x0.cols(), ")");
    const Index d = x0.cols();
    const auto m = static_cast<Index>(m_edges.size());
    m_x = x0;
    m_z.resize(m, d);
    m_lambda = RowMatrix<double>::Zero(m, d);
    m_s = RowMatrix<double>::Zero(x0.rows(), d);
    for (Index e = 0; e < m; ++e) {
      const auto [u, v] = m_edges[static_cast<std::size_t>(e)];
      m_z.row(e) = 0.5 * (x0.row(u) + x0.row(v));
      m_s.row(u) += m_z.row(e);
      m_s.row(v) += m_z.row(e);
    }
    m_in.resize(d);
    m_out.resize(d);
    m_pool.clear(2 * d);
    this->restart();
  }
  /// x_v as of node v's last activation (X0 before it).
  const Iterates<double>& iterates() const noexcept { return m_x; }

  // engine hooks (AsyncAlgorithm)
  void on_compute(const sim::Event&) {}
  void on_exchange(const sim::Event& e) {
    primal(e.i);
    primal(e.j);
    this->mutable_counters().gradients += 2;
    if (!this->engine().delayed()) {
      update_edge(e.i, e.j, m_x.row(e.i).data(), m_x.row(e.j).data());
      return;
    }
    const Index d = m_x.cols();
    const std::uint32_t token = m_pool.acquire();
    auto payload = m_pool.row(token);
    payload.head(d) = m_x.row(e.i);
    payload.tail(d) = m_x.row(e.j);
    this->mutable_engine().post(token, e.i, e.j);
  }
  void on_deliver(const sim::Event& e) {
    const Index d = m_x.cols();
    const auto payload = m_pool.row(e.token);  // released after use: nothing acquires meanwhile
    update_edge(e.i, e.j, payload.data(), payload.data() + d);
    m_pool.release(e.token);
  }
  std::int64_t message_bytes() const noexcept { return 8 * static_cast<std::int64_t>(m_x.cols()); }

 private:
  struct Incident {
    Index neighbour, edge;
    bool operator<(const Incident& o) const { return neighbour < o.neighbour; }
  };
  Index edge_index(Index i, Index j) const {
    const auto& inc = m_incident[static_cast<std::size_t>(i)];
    const auto it = std::lower_bound(inc.begin(), inc.end(), Incident{j, 0});
    if (it == inc.end() || it->neighbour != j) detail::fail("AsyncAdmm", "(", i, ", ", j, ") is not an edge of the graph");
    return it->edge;
  }
  // x_v = prox_{f_v, 1/(ρ d_v)}(s_v / d_v)
  void primal(Index v) {
    const double dv = static_cast<double>(m_incident[static_cast<std::size_t>(v)].size());
    detail::admm_primal(*m_problem, v, dv, m_options.penalty, m_s.row(v).data(), m_x.row(v).data(), m_x.cols(), m_in,
                        m_out);
  }
  // z_e = (x_i + x_j)/2, λ_{e,u} += ρ(x_u − z_e); s_u, s_v follow.
  void update_edge(Index i, Index j, const double* xi, const double* xj) {
    const Index e = edge_index(i, j);
    const auto [u, v] = m_edges[static_cast<std::size_t>(e)];
    detail::admm_edge(m_options.penalty, u == i, xi, xj, m_z.row(e).data(), m_lambda.row(e).data(), m_s.row(u).data(),
                      m_s.row(v).data(), m_x.cols());
  }

  const Problem* m_problem;
  AsyncAdmmOptions m_options;
  std::vector<Edge> m_edges;
  std::vector<std::vector<Incident>> m_incident;
  Iterates<double> m_x;
  RowMatrix<double> m_z, m_lambda, m_s;
  Vector<double> m_in, m_out;
  PayloadPool m_pool;
};

}  // namespace adonis
