// SPDX-License-Identifier: BSD-3-Clause
/// @file adonis.cpp
/// @brief The `adonis` command-line program (interface fixed in architecture.md).
///
/// Every error from bad input becomes one line on stderr, "adonis: error: <message>", and a
/// non-zero exit status (2 for bad input, 3 for an internal failure), never a crash. Under
/// `--backend mpi`, an error after MPI started ends the whole job (MPI_Abort with that code).
/// `adonis --version` also prints where the shipped datasets and graphs are found.
/// `adonis --max-memory SIZE` caps what a graph or a dataset may need (core/input.hpp,
/// set_memory_limit), below the machine's available memory.
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "adonis/core/data.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/version.hpp"
#include "cli/compare.hpp"
#include "cli/dgl.hpp"
#include "cli/graph_info.hpp"
#include "cli/problem_info.hpp"
#include "cli/rates.hpp"
#include "cli/run.hpp"

namespace {
/// The version, then one line per kind of shipped file: the directory found and why (core/data.hpp).
std::string version_text() {
  std::string out = adonis::version_string;
  const auto where = [&](const char* what, const adonis::DataLookup& lookup) {
    out += "\n";
    out += what;
    try {
      const adonis::DataDirectory d = adonis::find_data_directory(lookup);
      out += d.path.string() + " (" + d.origin + ")";
    } catch (const std::exception& e) {
      out += std::string("not found: ") + e.what();
    }
  };
  where("datasets: ", adonis::dataset_lookup());
  where("graphs:   ", adonis::graphs_lookup());
  return out;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"adonis: asynchronous decentralized convex optimization, with rates checked against theory"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);
  app.fallthrough();  // --max-memory may also follow the subcommand
  std::uint64_t max_memory = 0;
  app.add_option("--max-memory", max_memory,
                 "refuse a graph or a dataset whose memory estimate exceeds SIZE (e.g. 512MB, 2GiB; "
                 "default: the machine's available memory)")
      ->transform(CLI::AsSizeValue(true))
      ->check(CLI::Validator([](std::string& bytes) { return bytes == "0" ? std::string("SIZE must be > 0") : std::string(); },
                             "SIZE > 0"))
      ->each([](const std::string& bytes) { adonis::set_memory_limit(std::stoull(bytes)); });
  int exit_code = 0;
  adonis::cli::add_graph_info(app);
  adonis::cli::add_problem_info(app);
  adonis::cli::add_run(app, exit_code);
  adonis::cli::add_rates(app, exit_code);
  std::string invocation = "adonis";  // recorded in a comparison's JSON
  for (int k = 1; k < argc; ++k) invocation += std::string(" ") + argv[k];
  adonis::cli::add_compare(app, exit_code, invocation);
  adonis::cli::add_dgl(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (adonis::cli::launcher_rank() == 0) std::cerr << "adonis: error: " << e.what() << " (see adonis --help)\n";
    return 2;
  } catch (const std::invalid_argument& e) {  // bad input: the same on every rank under mpirun
    if (adonis::cli::launcher_rank() == 0) std::cerr << "adonis: error: " << e.what() << '\n';
    return adonis::cli::error_exit(2);
  } catch (const std::exception& e) {  // may be one rank's own failure: every rank reports
    const int rank = adonis::cli::launcher_rank();
    std::cerr << "adonis: error: " << (rank > 0 ? "rank " + std::to_string(rank) + ": " : std::string()) << e.what()
              << '\n';
    return adonis::cli::error_exit(3);
  }
  return exit_code;
}
