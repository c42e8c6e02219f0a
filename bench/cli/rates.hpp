// SPDX-License-Identifier: BSD-3-Clause
/// @file rates.hpp
/// @brief `adonis rates [--list] [--table NAME|all] [--quick] [--out DIR]`.
///
/// Until the theory module lands (issue: theory as code), the one table is `spectral`: the
/// spectral quantities that govern every rate, computed by the library for each graph family,
/// checked for equality against the closed forms of theory-rates.md §11 ([DER], rel. 1e-8).
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/version.hpp"
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
  sub->add_option("--out", args->out, "directory for NAME.csv and NAME.json");
  sub->callback([args, &exit_code] {
    if (args->list) {
      std::cout << "spectral  graph-family spectral quantities vs closed forms (theory-rates.md §11) [default]\n";
      return;
    }
    if (args->table != "default" && args->table != "all" && args->table != "spectral")
      throw InvalidArgument("rates: unknown table '" + args->table + "' (known: spectral, default, all)");
    const auto rows = spectral_table(args->quick);
    std::cout << "## spectral: graph quantities vs closed forms (theory-rates.md §11, [DER], check equal, rel. tol 1e-8)\n\n"
              << "| graph | n | edges | λ2(L) | ρ (MH) | 1−ρ | p = 1−ρ² | λ2(W̄) | χ1 | χ2 | max rel. error | verdict |\n"
              << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : rows) {
      const bool ok = r.rel_error <= 1e-8;
      if (!ok) exit_code = 1;
      std::cout << "| " << r.spec << " | " << r.q.nodes << " | " << r.q.edges << " | " << fmt(r.q.laplacian_lambda2, 6)
                << " | " << fmt(r.q.mixing_slem, 6) << " | " << fmt(r.q.mixing_spectral_gap, 6) << " | "
                << fmt(r.q.koloskova_p, 6) << " | " << fmt(r.q.gossip_lambda2, 6) << " | " << fmt(r.q.chi1, 6) << " | "
                << fmt(r.q.chi2, 6) << " | " << fmt(r.rel_error, 2) << " | " << (ok ? "ok" : "VIOLATED") << " |\n";
    }
    std::cout << "\nχ1, χ2 use Λ = L/|E| (uniform edge clocks, total communication rate 1).\n";
    if (!args->out.empty()) {
      std::filesystem::create_directories(args->out);
      std::ofstream csv(std::filesystem::path(args->out) / "spectral.csv");
      csv << "table,algorithm,graph,problem,quantity,check,theory,measured,ratio,verdict,source,tag\n";
      csv.precision(17);
      for (const auto& r : rows) {
        const bool ok = r.rel_error <= 1e-8;
        csv << "spectral,none," << r.spec << ",none,laplacian_lambda2,equal," << r.cf.laplacian_lambda2 << ','
            << r.q.laplacian_lambda2 << ',' << r.q.laplacian_lambda2 / r.cf.laplacian_lambda2 << ','
            << (ok ? "ok" : "VIOLATED") << ",theory-rates.md §11,DER\n";
      }
      std::ofstream json(std::filesystem::path(args->out) / "spectral.json");
      json << nlohmann::ordered_json{{"table", "spectral"}, {"version", version_string}, {"quick", args->quick}}.dump(2)
           << '\n';
    }
  });
}

}  // namespace adonis::cli
