// SPDX-License-Identifier: BSD-3-Clause
/// @file spectral.hpp
/// @brief The `spectral` rate table: the spectral quantities that govern every rate (λ2(L), χ1,
///        χ2 with Λ = L/|E|, the Metropolis gap 1 − ρ), computed by the library for each graph
///        family, checked for equality against the closed forms of theory-rates.md §11 ([DER],
///        rel. 1e-8).
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "adonis/experiment/table.hpp"
#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/verdict.hpp"
#include "tables/common.hpp"

namespace adonis::tables {

/// The sizes of the spectral table: the full preset, or the reduced sizes of quick().
struct SpectralTableSpec {
  bool reduced = false;
  static SpectralTableSpec quick() { return {.reduced = true}; }
};

struct SpectralRow {
  std::string spec;
  GraphQuantities q;
  ClosedForm cf;
  double rel_error;  ///< max relative error over lambda2(L), ρ, χ1, χ2
};

/// Computes the spectral quantities of graph families at a few sizes (progress on `log`).
inline std::vector<SpectralRow> spectral_table(bool quick, std::ostream& log) {
  struct Case {
    std::string spec;
    std::function<Graph()> make;
    std::function<ClosedForm()> cf;
  };
  std::vector<Case> cases;
  const std::vector<Index> ring_sizes = quick ? std::vector<Index>{16, 64} : std::vector<Index>{16, 64, 256, 1024};
  for (Index n : ring_sizes) {
    cases.push_back({"ring:" + std::to_string(n), [n] { return ring_graph(n); }, [n] { return ring_closed_form(n); }});
    cases.push_back({"path:" + std::to_string(n), [n] { return path_graph(n); }, [n] { return path_closed_form(n); }});
  }
  for (Index m : quick ? std::vector<Index>{4, 8} : std::vector<Index>{4, 8, 16, 32})
    cases.push_back({"torus:" + std::to_string(m) + "x" + std::to_string(m), [m] { return torus_graph(m, m); },
                     [m] { return torus_closed_form(m, m); }});
  for (int k : quick ? std::vector<int>{4, 6} : std::vector<int>{4, 6, 8, 10})
    cases.push_back({"hypercube:" + std::to_string(k), [k] { return hypercube_graph(k); },
                     [k] { return hypercube_closed_form(k); }});
  for (Index n : {Index{8}, Index{64}}) {
    cases.push_back({"complete:" + std::to_string(n), [n] { return complete_graph(n); },
                     [n] { return complete_closed_form(n); }});
    cases.push_back({"star:" + std::to_string(n), [n] { return star_graph(n); }, [n] { return star_closed_form(n); }});
  }
  std::vector<SpectralRow> rows;
  for (const auto& c : cases) {
    log << "rates: " << c.spec << '\n';
    SpectralRow r{c.spec, graph_quantities(c.make()), c.cf(), 0.0};
    auto rel = [](double got, double want) {
      return std::abs(want) < 1e-12 ? std::abs(got - want) : std::abs(got - want) / std::abs(want);
    };
    r.rel_error = std::max({rel(r.q.laplacian_lambda2, r.cf.laplacian_lambda2), rel(r.q.chi1, r.cf.chi1),
                            r.cf.chi2 ? rel(r.q.chi2, *r.cf.chi2) : 0.0,
                            r.cf.mixing_slem ? rel(r.q.mixing_slem, *r.cf.mixing_slem) : 0.0});
    rows.push_back(std::move(r));
  }
  return rows;
}

/// The spectral table as rate rows ([DER] equalities, rel. 1e-8).
inline std::vector<RateRow> spectral_table_rows(const std::vector<SpectralRow>& table) {
  std::vector<RateRow> rows;
  for (const auto& r : table) {
    auto check = [&](const std::string& quantity, double closed_form, double computed) {
      const Theorem th = theorems::spectral_closed_form(closed_form);
      rows.push_back(judge_equal(theorem_row(th, RateRow{.table = "spectral", .graph = r.spec, .problem = "none",
                                                         .quantity = quantity}),
                                 th.value, computed, 1e-8));
    };
    check("laplacian_lambda2", r.cf.laplacian_lambda2, r.q.laplacian_lambda2);
    check("chi1 (Λ = L/|E|)", r.cf.chi1, r.q.chi1);
    if (r.cf.chi2) check("chi2 (Λ = L/|E|)", *r.cf.chi2, r.q.chi2);
    // compared through the gap 1 − ρ: ρ = 0 on complete graphs, where a relative check is void
    if (r.cf.mixing_slem) check("mixing spectral gap 1 − ρ (metropolis)", 1 - *r.cf.mixing_slem, 1 - r.q.mixing_slem);
  }
  return rows;
}

/// The spectral table: rows, and the graphs' sizes in the provenance.
inline std::vector<RateRow> spectral_rows(const SpectralTableSpec& spec, experiment::Context& ctx) {
  record_seed(ctx, true);
  const auto table = spectral_table(spec.reduced, ctx.progress());
  for (const auto& r : table) ctx.provenance()["graphs"][r.spec] = {{"nodes", r.q.nodes}, {"edges", r.q.edges}};
  return spectral_table_rows(table);
}

}  // namespace adonis::tables
