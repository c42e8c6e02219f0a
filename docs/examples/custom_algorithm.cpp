// SPDX-License-Identifier: BSD-3-Clause
// Example (b): a user's own algorithm, written against adonis's algorithm shape (init, step,
// iterates, counters: what adonis::run drives), checked against a user-supplied bound.
// "Lazy gossip" X ← ((1 − a) I + a W) X: on the slowest mode of W its error contracts per round
// by exactly 1 − a(1 − λ2(W)) (a derived, exact statement). Built and run by ctest ("example:
// custom algorithm"); exits 1 if the row is not ok.
#include <adonis/core/run.hpp>        // Runnable, RunOptions
#include <adonis/graph/mixing.hpp>     // metropolis_weights, sparse_identity
#include <adonis/graph/spec.hpp>       // make_graph (adonis::io)
#include <adonis/graph/spectral.hpp>   // slowest_mode, laplacian_ends
#include <adonis/report/rates.hpp>     // write_rates_terminal
#include <adonis/theory/bounds.hpp>    // Theorem, theorem_row
#include <adonis/theory/measure.hpp>   // Measurements, MeasureObserver
#include <adonis/theory/verdict.hpp>   // judge_equal

#include <iostream>
#include <utility>

/// Lazy gossip on a fixed mixing matrix W.
class LazyGossip : public adonis::Runnable<LazyGossip> {
 public:
  LazyGossip(adonis::SparseMatrix w, double a) : m_w(std::move(w)), m_a(a) {}
  void init(const adonis::Iterates<double>& x0) {
    m_x = x0;
    m_counters = {};
  }
  void step() {
    m_x = ((1 - m_a) * m_x + m_a * (m_w * m_x)).eval();
    ++m_counters.rounds;
    m_counters.time = static_cast<double>(m_counters.rounds);
  }
  const adonis::Iterates<double>& iterates() const noexcept { return m_x; }
  const adonis::Counters& counters() const noexcept { return m_counters; }

 private:
  adonis::SparseMatrix m_w;
  double m_a;
  adonis::Iterates<double> m_x;
  adonis::Counters m_counters;
};

int main() {
  using namespace adonis;
  const SparseMatrix w = metropolis_weights(make_graph("torus:5x5"));
  const double a = 0.5;
  LazyGossip alg(w, a);
  Measurements m;
  Iterates<double> x = slowest_mode(w);  // the worst start: the λ2-eigenvector
  alg.run(x, RunOptions{.max_rounds = 200}, MeasureObserver<>(m));
  const double measured = m.consensus_norm.back() / m.consensus_norm[m.consensus_norm.size() - 2];

  // the user's bound, as a theorem record: [DER], so it may be checked for equality
  const double lambda2 = 1 - laplacian_ends(sparse_identity(w.rows()) - w).lambda2;
  const Theorem mine{.algorithm = "lazy-gossip",
                     .statement = "on the slowest mode, ||e_{t+1}|| = (1 − a(1 − λ2(W))) ||e_t||",
                     .spectral_quantity = "λ2(W)",
                     .source = "derived (this example)",
                     .tag = Tag::DER,
                     .kind = TheoremKind::rate,
                     .check = Check::equal,
                     .value = 1 - a * (1 - lambda2)};
  const RateRow row = judge_equal(theorem_row(mine, RateRow{.table = "example", .graph = "torus:5x5",
                                                            .quantity = "per-round contraction"}),
                                  mine.value, measured, 1e-9);
  write_rates_terminal(std::cout, {row}, "lazy gossip against its exact rate", false);
  return row.verdict == Verdict::ok ? 0 : 1;
}
