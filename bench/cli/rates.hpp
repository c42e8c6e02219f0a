// SPDX-License-Identifier: BSD-3-Clause
/// @file rates.hpp
/// @brief `adonis rates [--list] [--table NAME|all] [--quick] [--out DIR]`.
///
/// Tables: `default` (rates_default.hpp: every synchronous algorithm on each graph family and a
/// real network, each row checked against its theorem), `spectral` (the spectral quantities
/// that govern every rate, computed by the library for each graph family, checked for equality
/// against the closed forms of theory-rates.md §11, [DER], rel. 1e-8), and the scaling tables
/// in their own headers: `dual-averaging` (rates_dual_averaging.hpp), `optimal` (rates_optimal.hpp), `linear-rates`
/// (rates_linear.hpp), `compression` (rates_compression.hpp), `dsgd` (rates_dsgd.hpp).
#pragma once

#include <filesystem>
#include <fstream>
#include <cstdint>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/report/plot.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/json.hpp"
#include "adonis/theory/verdict.hpp"
#include "adonis/version.hpp"
#include "cli/rates_async.hpp"
#include "cli/rates_compression.hpp"
#include "cli/rates_default.hpp"
#include "cli/rates_dsgd.hpp"
#include "cli/rates_dual_averaging.hpp"
#include "cli/rates_gossip.hpp"
#include "cli/rates_linear.hpp"
#include "cli/rates_optimal.hpp"
#include "cli/common.hpp"

namespace adonis::cli {

struct SpectralRow {
  std::string spec;
  GraphQuantities q;
  ClosedForm cf;
  double rel_error;  ///< max relative error over lambda2(L), ρ, χ1, χ2
};

/// Builds the `spectral` table: graph families at a few sizes.
inline std::vector<SpectralRow> spectral_table(bool quick) {
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
    std::cerr << "rates: " << c.spec << '\n';
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

/// The tables `rates` knows, with a one-line description.
inline const std::vector<std::pair<std::string, std::string>>& rate_tables() {
  static const std::vector<std::pair<std::string, std::string>> list{
      {"default",
       "every synchronous algorithm x {ring, torus, hypercube, Erdős–Rényi, exponential, karate} x {quadratic, "
       "logistic heart_scale}: measured rate vs theorem"},
      {"spectral", "graph-family spectral quantities vs closed forms (theory-rates.md §11)"},
      {"dual-averaging",
       "Duchi et al. 2012 (§8): slope of the iterations to ε vs 1/(1 − σ2(P)) over rings, tori and 4-regular "
       "graphs for 3 step multipliers, and bounded iterations on expanders"},
      {"optimal",
       "Scaman et al. 2017 (§9a): MSDA's time to ε vs the optimal complexity √κ_l (1 + 1/√γ) across graphs and "
       "condition numbers"},
      {"linear-rates",
       "DGD, gradient tracking, EXTRA, ADMM: exact rates on quadratics (Jacobian), DGD's stability threshold, "
       "and the contraction on logistic heart_scale"},
      {"async",
       "asynchronous gossip on the event engine (§3b, §9c, §9d): plain vs continuized gossip on rings (slopes 3 and "
       "≤ 2.3), A²CiD²'s speed-up, DADAO's exchanges vs √(χ1χ2) and gradients vs κ"},
      {"gossip",
       "Boyd et al. 2006 (§2): pairwise gossip's λ2(W̄) bound, exact lifted second moment and measured rate, and "
       "averaging time vs n on rings, tori and complete graphs (exponents 3, 2, 1)"},
      {"compression",
       "CHOCO-Gossip (§10): slopes of the rounds to ε in 1/δ (top-k) and in 1/ρ, theorem's γ"},
      {"dsgd",
       "Koloskova et al. 2020 (§4c): tuned rounds to ε of D-(S)GD vs 1/p and 1/ε, deterministic cases (a), (b), "
       "and D-SGD's linear speed-up in n, case (c)"},
  };
  return list;
}

/// The spectral table as rate rows ([DER] equalities, rel. 1e-8).
inline std::vector<RateRow> spectral_rows(const std::vector<SpectralRow>& table) {
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

/// FNV-1a hash of a graph's sorted edge list (provenance: identifies the exact topology).
inline std::string graph_hash(const Graph& g) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) {
    for (int k = 0; k < 8; ++k) {
      h ^= (v >> (8 * k)) & 0xff;
      h *= 1099511628211ull;
    }
  };
  mix(static_cast<std::uint64_t>(num_nodes(g)));
  for (const auto& [u, v] : edge_list(g)) {
    mix(static_cast<std::uint64_t>(u));
    mix(static_cast<std::uint64_t>(v));
  }
  std::ostringstream out;
  out << std::hex << h;
  return out.str();
}

/// The convergence figure of the default table: measured ||X_t − X_{t−1}|| and, dashed, the
/// theory's envelope C r^t anchored at the start of the fit window.
inline PlotOutput plot_convergence(const std::vector<ConvergenceCurve>& curves, const DefaultTableSpec& spec,
                                   const std::filesystem::path& stem) {
  PlotSpec plot{.title = "default table: " + spec.curve_graph + ", " + spec.curve_problem +
                         " (dashed: theory's rate)",
                .xlabel = "round t",
                .ylabel = "||X_t - X_{t-1}||_F"};
  for (const auto& c : curves) {
    Series measured{.title = c.algorithm};
    for (std::size_t t = 1; t < c.step_norm.size(); ++t)
      if (c.step_norm[t] > 0) {
        measured.x.push_back(static_cast<double>(t));
        measured.y.push_back(c.step_norm[t]);
      }
    Series envelope{.title = c.algorithm + " theory", .dashed = true};
    const std::size_t t0 = c.fit.first + 1;
    if (t0 < c.step_norm.size()) {
      for (std::size_t t = 1; t < c.step_norm.size(); t += std::max<std::size_t>(1, c.step_norm.size() / 200)) {
        envelope.x.push_back(static_cast<double>(t));
        envelope.y.push_back(c.step_norm[t0] * std::pow(c.theory_rate, static_cast<double>(t) - static_cast<double>(t0)));
      }
    }
    plot.series.push_back(std::move(measured));
    if (!envelope.x.empty()) plot.series.push_back(std::move(envelope));
  }
  return write_plot(plot, stem);
}

/// Registers the subcommand on `app`. Sets `exit_code` to 1 if any row is VIOLATED.
inline void add_rates(CLI::App& app, int& exit_code) {
  struct Args {
    bool list = false, quick = false;
    std::string table = "default", out;
  };
  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand("rates", "Reproduce the theoretical rate tables and check them");
  sub->add_flag("--list", args->list, "list the tables");
  sub->add_option("--table", args->table, "table NAME, or all")->capture_default_str();
  sub->add_flag("--quick", args->quick, "reduced sizes");
  sub->add_option("--out", args->out, "directory for NAME.csv, NAME.json and the plots");
  sub->callback([args, &exit_code] {
    if (args->list) {
      for (const auto& [name, what] : rate_tables()) std::cout << name << "  " << what << '\n';
      return;
    }
    std::vector<std::string> names;
    for (const auto& t : rate_tables())
      if (args->table == "all" || args->table == t.first) names.push_back(t.first);
    if (names.empty()) {
      std::string known;
      for (const auto& t : rate_tables()) known += t.first + ", ";
      throw InvalidArgument("rates: unknown --table '" + args->table + "' (known: " + known + "all)");
    }
    if (!args->out.empty()) std::filesystem::create_directories(args->out);
    const std::filesystem::path out_dir = args->out;
    for (const auto& name : names) {
      std::vector<RateRow> rows;
      nlohmann::ordered_json provenance{{"table", name},
                                        {"version", version_string},
                                        {"quick", args->quick},
                                        {"seed", 0},
                                        {"mixing", "metropolis"}};
      if (name == "dual-averaging") {
        provenance.erase("mixing");
        rows = dual_averaging_table(args->quick ? DualAveragingTableSpec::quick() : DualAveragingTableSpec{}, out_dir,
                                    provenance, std::cerr);
      } else if (name == "optimal") {
        rows = optimal_table(args->quick ? OptimalTableSpec::quick() : OptimalTableSpec{}, out_dir, provenance,
                             std::cerr);
      } else if (name == "async") {
        provenance.erase("mixing");
        rows = async_table(args->quick ? AsyncTableSpec::quick() : AsyncTableSpec{}, out_dir, provenance, std::cerr);
      } else if (name == "gossip") {
        provenance.erase("mixing");
        rows = gossip_table(args->quick ? GossipTableSpec::quick() : GossipTableSpec{}, out_dir, provenance, std::cerr);
      } else if (name == "linear-rates") {
        rows = linear_rates_table(args->quick ? LinearRatesTableSpec::quick() : LinearRatesTableSpec{}, provenance,
                                  std::cerr);
      } else if (name == "compression") {
        rows = compression_table(args->quick ? CompressionTableSpec::quick() : CompressionTableSpec{}, out_dir,
                                 provenance, std::cerr);
      } else if (name == "dsgd") {
        rows = dsgd_table(args->quick ? DsgdTableSpec::quick() : DsgdTableSpec{}, out_dir, provenance, std::cerr);
      } else if (name == "spectral") {
        const auto table = spectral_table(args->quick);
        rows = spectral_rows(table);
        for (const auto& r : table) provenance["graphs"][r.spec] = {{"nodes", r.q.nodes}, {"edges", r.q.edges}};
      } else {
        DefaultTableSpec spec;
        if (args->quick) {  // a smoke run: two graphs, the quadratic only
          spec.graphs = {"ring:16", "karate"};
          spec.problems = {spec.problems.front()};
          spec.curve_graph = "ring:16";
          spec.curve_problem = spec.problems.front();
        }
        std::vector<ConvergenceCurve> curves;
        rows = default_table(spec, std::cerr, args->out.empty() ? nullptr : &curves);
        for (const auto& gs : spec.graphs) {
          const Graph g = make_graph(gs);
          provenance["graphs"][gs] = {{"nodes", num_nodes(g)}, {"edges", num_edges(g)}, {"hash", graph_hash(g)}};
          for (const auto& ps : spec.problems) {
            const ProblemInstance inst = make_problem(ps, num_nodes(g));
            std::visit(
                [&](const auto& p) {
                  const ReferenceSolution ref = reference_solution(p);
                  const ProblemConstants c = problem_constants(p, ref.x);
                  provenance["problems"][ps][gs] = {{"f_star", ref.f},       {"L_max", c.L_max}, {"L", c.L},
                                                    {"mu", c.mu},            {"kappa", c.kappa}, {"zeta2", c.zeta2},
                                                    {"reference", ref.method}};
                },
                inst.problem);
          }
        }
        if (!args->out.empty() && !curves.empty()) {
          const PlotOutput plot = plot_convergence(curves, spec, out_dir / "default_convergence");
          provenance["plots"] = {{"convergence", plot.images ? "default_convergence.svg, default_convergence.png"
                                                              : "gnuplot not found: default_convergence.gp only"}};
          if (!plot.images) std::cerr << "rates: gnuplot not found; wrote the script " << plot.script << " only\n";
        }
      }
      write_rates_markdown(std::cout, rows, name + " table (adonis " + version_string + ")");
      if (any_violated(rows)) exit_code = 1;
      if (!args->out.empty()) {
        std::ofstream csv(out_dir / (name + ".csv"));
        write_rates_csv(csv, rows);
        std::ofstream json(out_dir / (name + ".json"));
        json << rates_json(rows, provenance).dump(2) << '\n';
        if (!csv || !json) throw InvalidArgument("rates: cannot write into --out '" + args->out + "'");
      }
    }
  });
}

}  // namespace adonis::cli
