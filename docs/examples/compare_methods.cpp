// SPDX-License-Identifier: BSD-3-Clause
// Example (e): issue 19's comparison protocol from C++ — EXTRA (its step tuned on a log grid
// with tuning seeds disjoint from the evaluation seeds) against gradient tracking at its
// documented default step, on ring:8 with logistic regression on heart_scale, every method given
// 4e6 bytes to reach f(x̄) − f* ≤ 1e-6. Prints the markdown summary (success rates, median
// bytes with an order-statistic interval, P(A beats B), the performance profile) and writes the
// CSV, JSON and figures into the directory given as argument (if any). Exits 1 unless tuned
// EXTRA solves every evaluation seed and is the best on the instance (ρ(1) = 1). Built and run
// by ctest ("example: compare methods"); `adonis compare` is the same protocol on the command
// line (docs/evaluation.md).
#include <adonis/experiment/compare.hpp>         // CompareOptions, run_comparison
#include <adonis/experiment/compare_report.hpp>  // compare_markdown, write_comparison

#include <iostream>

int main(int argc, char** argv) {
  using namespace adonis::experiment;
  CompareOptions o;
  o.entries = {parse_entry("extra"), parse_entry("gradient-tracking:default")};
  o.graphs = {"ring:8"};
  o.problems = {"logistic:heart_scale:0.01"};
  o.seeds = 3;         // evaluation seeds 0, 1, 2
  o.tuning_seeds = 2;  // tuning seeds 1000000, 1000001
  o.grid = parse_grid("0.5:4:4");
  o.target = 1e-6;
  o.unit = CostUnit::bytes;
  o.budget = 4e6;
  // <LogisticProblem>: compile the algorithms for this problem type only (the default, no
  // argument, compiles quadratic, least-squares and logistic: what `adonis compare` runs)
  const Comparison c = run_comparison<adonis::LogisticProblem>(o, /*jobs=*/2);
  std::cout << compare_markdown(c);
  if (argc > 1) write_comparison(c, argv[1], "example compare_methods");
  const bool ok = c.cells[0][0].successes == 3 && c.profile.at(0, 1.0) == 1.0;
  std::cout << (ok ? "tuned EXTRA solves every seed and is the best\n" : "unexpected: see the table\n");
  return ok ? 0 : 1;
}
