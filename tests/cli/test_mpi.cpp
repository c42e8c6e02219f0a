// SPDX-License-Identifier: BSD-3-Clause
/// `adonis run --backend mpi` under mpirun with 2 and 4 real processes, against the simulator.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "process.hpp"

using adonis::test::run_cli;
using adonis::test::slurp;
using adonis::test::summary_value;

namespace {

/// The environment of the ranks (see mpirun_prefix).
const char* const kRankEnvironment = "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" ";

/// `mpirun -np P` with the flags a shared 2-core test machine needs (more ranks than cores;
/// root inside containers). In the asan preset the ranks run with AddressSanitizer and UBSan
/// but without LeakSanitizer: Open MPI unloads its components (dlclose) at MPI_Finalize, so the
/// allocations they keep until exit are reported from "<unknown module>" and cannot be
/// suppressed by library name. The same algorithms are leak-checked in the simulator's tests;
/// the MPI layer's own memory is held by std::vector and std::shared_ptr.
std::string mpirun_prefix(int ranks) {
  std::string cmd = std::string(ADONIS_MPIEXEC) + " -np " + std::to_string(ranks) + " --oversubscribe";
  if (::geteuid() == 0) cmd += " --allow-run-as-root";
  return cmd;
}

/// Runs `mpirun -np P adonis ARGS` through the shell.
adonis::test::ProcessResult run_mpi(int ranks, const std::string& args) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = "mpi_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto out = dir / ("adonis_test_out_" + tag), err = dir / ("adonis_test_err_" + tag);
  const std::string cmd = kRankEnvironment + mpirun_prefix(ranks) + " " + ADONIS_CLI_PATH + " " + args + " >" + out.string() + " 2>" +
                          err.string();
  const int raw = std::system(cmd.c_str());
  adonis::test::ProcessResult r{WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

std::string mpi_csv_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("adonis_mpi_" + std::to_string(::getpid()) + "_" + name)).string();
}

std::vector<std::vector<double>> mpi_csv_rows(const std::string& path) {
  std::istringstream in(slurp(path));
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) row.push_back(std::stod(f));
    rows.push_back(row);
  }
  return rows;
}

/// The simulator's trace and the MPI trace of the same run agree row by row (issue 7, criterion
/// 1): the counters exactly; suboptimality, consensus error and distance to x* to relative 1e-10
/// until the suboptimality falls below 1e-12. The MPI trace has one more column, wall_clock.
void require_same_trace(const std::string& sim_csv, const std::string& mpi_csv) {
  const auto a = mpi_csv_rows(sim_csv), b = mpi_csv_rows(mpi_csv);
  REQUIRE(a.size() > 2);
  REQUIRE(a.size() == b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    INFO("row " << k);
    REQUIRE(b[k].size() == a[k].size() + 1);
    for (std::size_t c = 0; c < 5; ++c) REQUIRE(a[k][c] == b[k][c]);  // round, time, gradients, messages, bytes
    const double sub = a[k][5];
    if (std::isfinite(sub) && std::abs(sub) < 1e-12) break;
    for (std::size_t c = 5; c < 8; ++c) {
      INFO("column " << c << ": " << a[k][c] << " vs " << b[k][c]);
      if (std::isnan(a[k][c])) {
        REQUIRE(std::isnan(b[k][c]));
        continue;
      }
      REQUIRE(std::abs(a[k][c] - b[k][c]) <= 1e-10 * std::abs(a[k][c]) + 1e-300);
    }
    REQUIRE(b[k].back() >= 0);  // wall_clock
  }
}

}  // namespace

TEST_CASE("mpi: synchronous runs match the simulator row by row", "[cli][mpi][asan_skip]") {
  struct Case {
    const char* args;
    int ranks;
  };
  const std::string logistic = " --graph torus:8x8 --problem logistic:heart_scale:0.01";
  const std::vector<Case> cases{
      // the command line (1000 rounds), 4 ranks
      {"--algorithm gradient-tracking --graph torus:8x8 --problem logistic:heart_scale:0.01", 4},
      {"--algorithm gradient-tracking --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 150 "
       "--every 7", 2},
      {"--algorithm dgd --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 150 --every 10", 2},
      {"--algorithm dgd --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 150 --every 10", 4},
      {"--algorithm extra --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 150 --every 10", 2},
      {"--algorithm extra --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 150 --every 10", 4},
      {"--algorithm admm --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 120 --every 10", 2},
      {"--algorithm admm --graph torus:8x8 --problem logistic:heart_scale:0.01 --iterations 120 --every 10", 4},
      // time-varying: every rank builds W_t from the seed and t
      {"--algorithm gradient-tracking --graph torus:8x8 --problem logistic:heart_scale:0.01 --sequence "
       "random-matching --seed 3 --iterations 150 --every 10", 4},
      {"--algorithm dgd --graph torus:8x8 --problem logistic:heart_scale:0.01 --sequence b-connected:3 --seed 5 "
       "--iterations 150 --every 10", 2},
      {"--algorithm extra --graph ring:13 --problem quadratic:dim=5,L=10,mu=0.5,zeta=1 --sequence random-edge "
       "--seed 2 --iterations 150 --every 10", 4},
      // stochastic gradients: node i draws from (seed, i, t) whichever rank computes it
      {"--algorithm dgd --graph ring:10 --problem logistic:heart_scale:0.01 --batch 4 --seed 9 --iterations 120 "
       "--every 10", 4},
      {"--algorithm dual-averaging --graph ring:10 --problem logistic:heart_scale:0.01 --iterations 120 --every 10", 4},
      // averaging (no problem), n not divisible by the ranks
      {"--algorithm gossip --graph ring:11 --iterations 120 --every 10", 4},
      // compressed messages: the ranks exchange the public estimates X̂; node i's compression
      // draws come from (seed, i, t) whichever rank computes it
      {"--algorithm choco-gossip --graph torus:4x4 --dim 20 --compressor top-k:4 --iterations 150 --every 10", 4},
      {"--algorithm choco-gossip --graph ring:11 --dim 8 --compressor random-k:2 --seed 4 --iterations 120 --every 10", 2},
      {"--algorithm choco-sgd --graph torus:8x8 --problem logistic:heart_scale:0.01 --compressor qsgd:4 --batch 4 "
       "--seed 3 --iterations 120 --every 10", 4},
  };
  for (const auto& c : cases) {
    INFO(c.ranks << " ranks: " << c.args);
    const std::string sim = mpi_csv_path("sim.csv"), mpi = mpi_csv_path("mpi.csv");
    const auto s = run_cli(std::string("run ") + c.args + " --csv " + sim);
    INFO(s.err);
    REQUIRE(s.status == 0);
    const auto m = run_mpi(c.ranks, std::string("run --backend mpi ") + c.args + " --csv " + mpi);
    INFO(m.out << m.err);
    REQUIRE(m.status == 0);
    // rank 0 alone prints the summary
    REQUIRE(std::count(m.out.begin(), m.out.end(), '\n') == 1);
    REQUIRE(summary_value(m.out, "rounds") == summary_value(s.out, "rounds"));
    REQUIRE(summary_value(m.out, "messages") == summary_value(s.out, "messages"));
    require_same_trace(sim, mpi);
    std::filesystem::remove(sim);
    std::filesystem::remove(mpi);
  }
}

TEST_CASE("mpi: the target stops every rank in the simulator's round", "[cli][mpi]") {
  const std::string args =
      "run --algorithm gradient-tracking --graph torus:4x4 --problem logistic:heart_scale:0.01 --iterations 20000 "
      "--target 1e-8 --every 100";
  const auto s = run_cli(args);
  const auto m = run_mpi(4, args + " --backend mpi");
  INFO(s.out << s.err << m.out << m.err);
  REQUIRE(s.status == 0);
  REQUIRE(m.status == 0);
  REQUIRE(s.out.find("status=stopped_by_observer") != std::string::npos);
  REQUIRE(m.out.find("status=stopped_by_observer") != std::string::npos);
  REQUIRE(summary_value(m.out, "rounds") == summary_value(s.out, "rounds"));
  REQUIRE(summary_value(m.out, "suboptimality") <= 1e-8);
}

TEST_CASE("mpi: invalid backends and algorithms give one line and a non-zero exit", "[cli][mpi][errors]") {
  for (const char* args : {"run --backend mpi --algorithm chebyshev-gossip --graph ring:8",
                           "run --backend mpi --algorithm msda --graph ring:8 --problem logistic:heart_scale:0.01",
                           "run --backend gpu --algorithm gossip --graph ring:8"}) {
    INFO(args);
    REQUIRE(adonis::test::one_line_error(run_cli(args), "run: --backend"));
  }
  // under mpirun, bad input (which every rank detects alike) is reported once, by rank 0
  const auto m = run_mpi(4, "run --backend mpi --algorithm gossip --graph ring:x");
  INFO(m.err);
  CHECK(m.status != 0);
  std::size_t reports = 0;
  for (auto at = m.err.find("adonis: error: "); at != std::string::npos; at = m.err.find("adonis: error: ", at + 1))
    ++reports;
  CHECK(reports == 1);
}

namespace {
/// The comma-separated per-worker counts of the summary ("worker_events=a,b,c").
std::vector<double> summary_list(const std::string& out, const std::string& key) {
  std::vector<double> values;
  const auto pos = out.find(" " + key + "=");
  if (pos == std::string::npos) return values;
  std::istringstream in(out.substr(pos + key.size() + 2));
  std::string token;
  std::getline(in, token, ' ');
  std::istringstream items(token);
  while (std::getline(items, token, ',')) values.push_back(std::stod(token));
  return values;
}
/// The paced clocks of the asynchronous tests: each of the 16 nodes of torus:4x4 wakes to
/// exchange at rate 1 (--comm-rate 16), 2000 times per second per unit rate (--time-unit 5e-4,
/// far below what a rank sustains under ASan).
const std::string kPaced = " --graph torus:4x4 --comm-rate 16 --time-unit 5e-4 --seed 7";
}  // namespace

TEST_CASE("mpi: asynchronous pairwise gossip over one-sided windows keeps the average and reaches consensus",
          "[cli][mpi][async]") {
  for (int ranks : {2, 4}) {
    INFO(ranks << " ranks");
    const auto m = run_mpi(ranks, "run --backend mpi --algorithm pairwise-gossip --dim 3 --iterations 40000" + kPaced);
    INFO(m.out << m.err);
    REQUIRE(m.status == 0);
    CHECK(summary_value(m.out, "distance_to_opt") <= 1e-12);  // ||x̄_T − x̄_0||: exchanges cancel exactly
    CHECK(summary_value(m.out, "consensus_error") <= 1e-10);
    CHECK(summary_value(m.out, "messages") == 2 * summary_value(m.out, "rounds"));
    CHECK(summary_list(m.out, "worker_events").size() == static_cast<std::size_t>(ranks));
    CHECK(std::abs(summary_value(m.out, "rounds") - 40000) <= 2000);  // the horizon: 40000 ticks on average
  }
}

TEST_CASE("mpi: asynchronous gossip SGD on heart_scale reduces f(x̄) − f* by 10², also with a rank slowed 5x",
          "[cli][mpi][async]") {
  const std::string csv = mpi_csv_path("async_sgd.csv");
  const std::string args = "run --backend mpi --algorithm async-sgd --problem logistic:heart_scale:0.01 "
                           "--iterations 150000 --csv " + csv + kPaced;
  for (const std::string extra : {"", " --slowdown 1:5"}) {
    INFO(extra);
    const auto m = run_mpi(2, args + extra);
    INFO(m.out << m.err);
    REQUIRE(m.status == 0);
    const auto rows = mpi_csv_rows(csv);
    REQUIRE(rows.size() >= 3);
    const double gap0 = rows.front()[5], gap = summary_value(m.out, "suboptimality");
    WARN("mpi async SGD" << extra << ": f(x̄) − f* " << gap0 << " -> " << gap << ", events per rank "
                         << summary_list(m.out, "worker_events")[0] << " / " << summary_list(m.out, "worker_events")[1]);
    // by 10², not 10³: the run ends in SGD's noise, where f(x̄) − f* wanders over a factor ~40
    // (6e-5 to 2.6e-3 in the last quarter of the threads backend's runs; CI's sanitized run of
    // cbd9a4f ended at 1.03e-3 here, the 10³ threshold being 3.1e-4: test_run.cpp says more)
    CHECK(gap <= 1e-2 * gap0);
    CHECK(rows.front().size() == 10);  // the trace's nine columns and wall_clock
    CHECK(rows.back()[9] >= rows.front()[9]);
    const auto events = summary_list(m.out, "worker_events");
    REQUIRE(events.size() == 2);
    // the slowed rank ticks 5x less often, the other as often as without it: it did not wait
    if (!extra.empty()) CHECK(events[0] >= 3 * events[1]);
    else CHECK(events[0] <= 1.2 * events[1]);
  }
  std::filesystem::remove(csv);
}

TEST_CASE("mpi: with a rank slowed 5x, pairwise gossip still converges and the others do not wait",
          "[cli][mpi][async]") {
  const auto m = run_mpi(4, "run --backend mpi --algorithm pairwise-gossip --dim 3 --iterations 40000 --slowdown 1:5" + kPaced);
  INFO(m.out << m.err);
  REQUIRE(m.status == 0);
  const auto events = summary_list(m.out, "worker_events");
  REQUIRE(events.size() == 4);
  WARN("mpi pairwise gossip, rank 1 of 4 slowed 5x: events per rank " << events[0] << ' ' << events[1] << ' '
                                                                       << events[2] << ' ' << events[3]);
  CHECK(summary_value(m.out, "distance_to_opt") <= 1e-12);
  CHECK(summary_value(m.out, "consensus_error") <= 1e-10);
  // every rank reaches the same horizon: the fast ones tick 10000 times on average, as without
  // a straggler (Poisson: ±3 %), the slow one a fifth of that
  for (int r : {0, 2, 3}) {
    CHECK(std::abs(events[static_cast<std::size_t>(r)] - 10000) <= 600);
    CHECK(events[static_cast<std::size_t>(r)] >= 3 * events[1]);
  }
}

TEST_CASE("mpi: the continuized methods keep the average under latency, drops and churn and reach consensus",
          "[cli][mpi][async]") {
  // the locked path of runtime/mpi_async.hpp: two rows per node under a lock word, the ODE between events
  for (int ranks : {2, 4})
    for (const std::string algorithm : {"continuized-gossip", "a2cid2"}) {
      INFO(ranks << " ranks, " << algorithm);
      const auto m = run_mpi(ranks, "run --backend mpi --algorithm " + algorithm +
                                        " --dim 3 --iterations 40000 --latency exp:0.1 --drop 0.1 --churn 0.01:5" +
                                        kPaced);
      INFO(m.out << m.err);
      REQUIRE(m.status == 0);
      CHECK(summary_value(m.out, "distance_to_opt") <= 1e-12);  // ||x̄_T − x̄_0||: the jumps cancel exactly
      CHECK(summary_value(m.out, "consensus_error") <= 1e-10);
      CHECK(summary_list(m.out, "worker_events").size() == static_cast<std::size_t>(ranks));
    }
}

TEST_CASE("mpi: A²CiD², DADAO and asynchronous ADMM on heart_scale with drops and churn reduce f(x̄) − f* by 10³",
          "[cli][mpi][async][asan_skip]") {
  // the acceptance run at a slower pace (--time-unit 5e-4, so that sanitized ranks keep
  // it): 4 ranks, torus:4x4, --comm-rate 16 (DADAO's rates as given), 10 % of the exchanges
  // lost, churn 0.01:5; and the simulator's run of the same clocks and events
  const std::string csv = mpi_csv_path("accelerated.csv");
  for (const std::string algorithm : {"a2cid2", "dadao", "async-admm"}) {
    INFO(algorithm);
    const std::string args = "run --algorithm " + algorithm +
                             " --problem logistic:heart_scale:0.01 --iterations 200000 --drop 0.1 --churn 0.01:5 "
                             "--clock node --graph torus:4x4 --comm-rate 16 --seed 7";
    const auto m = run_mpi(4, args + " --backend mpi --time-unit 5e-4 --csv " + csv);
    INFO(m.out << m.err);
    REQUIRE(m.status == 0);
    const auto rows = mpi_csv_rows(csv);
    REQUIRE(rows.size() >= 3);
    const auto s = run_cli(args);
    REQUIRE(s.status == 0);
    const double gap0 = rows.front()[5], gap = summary_value(m.out, "suboptimality"),
                 sim_gap = summary_value(s.out, "suboptimality");
    WARN("mpi " << algorithm << ", 4 ranks, drop 0.1, churn 0.01:5: f(x̄) − f* " << gap0 << " -> " << gap
                << " (simulator " << sim_gap << ")");
    CHECK(gap <= 1e-3 * gap0);
    // the simulator's accuracy within a factor 10 (both reach rounding level, |gap| ~ 1e-16,
    // for DADAO and ADMM: compared above 1e-9 of the start)
    CHECK(gap <= 10 * std::max(sim_gap, 1e-9 * gap0));
  }
  std::filesystem::remove(csv);
}

TEST_CASE("mpi: a rank killed mid-run ends the job with an error, no hang", "[cli][mpi][errors]") {
  // one rank is killed (SIGKILL) after 2 s of a run that would take minutes; the launcher must
  // end the other rank and fail within a bounded time (timeout 60 s would report 124).
  // Both kinds of run: synchronous rounds (two-sided messages) and asynchronous pairwise gossip
  // (one-sided windows, where the survivor keeps accessing the dead rank's window).
  // A third: asynchronous continuized gossip, whose events lock the nodes they touch (the
  // survivor may spin on a lock word the dead rank held).
  const int kind = GENERATE(0, 1, 2);
  INFO((kind == 0 ? "synchronous gossip" : kind == 1 ? "asynchronous pairwise gossip" : "continuized gossip"));
  const std::string marker = mpi_csv_path("killed.csv");
  const std::string run_args =
      kind == 0 ? " run --backend mpi --algorithm gossip --graph ring:4000 --dim 200 --iterations 100000000 "
                  "--every 1000000 --csv "
                : " run --backend mpi --algorithm " + std::string(kind == 1 ? "pairwise-gossip" : "continuized-gossip") +
                      " --graph ring:400 --dim 20 --comm-rate 400 --duration 600 --csv ";
  const std::string launch = std::string(kRankEnvironment) + "timeout 60 " + mpirun_prefix(2) + " " + ADONIS_CLI_PATH +
                             run_args + marker;
  const std::string err = mpi_csv_path("killed.err");
  // timeout's child is mpirun, whose children are the ranks: kill the newest one
  const std::string script = "(" + launch + " >/dev/null 2>" + err + " & pid=$!; sleep 2; " +
                             "victim=$(pgrep -P $(pgrep -P $pid) | tail -n 1); " +
                             "if [ -z \"$victim\" ]; then kill $pid; exit 99; fi; kill -9 $victim; wait $pid; exit $?)";
  const auto start = std::chrono::steady_clock::now();
  const int raw = std::system(("bash -c '" + script + "'").c_str());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  const std::string text = slurp(err);
  INFO("exit " << status << " after " << seconds << " s: " << text);
  REQUIRE(status != 0);
  REQUIRE(status != 99);   // a rank was found and killed
  REQUIRE(status != 124);  // not the timeout: the launcher noticed
  REQUIRE(seconds < 45);
  // Open MPI's launcher names the rank and the signal ("process rank R ... exited on signal 9")
  REQUIRE(text.find("rank") != std::string::npos);
  REQUIRE(text.find("signal 9") != std::string::npos);
  std::filesystem::remove(err);
  std::filesystem::remove(marker);
}

TEST_CASE("mpi: SIGINT to mpirun stops every rank with a complete trace and status=interrupted",
          "[cli][mpi][interrupt]") {
  // mpirun turns the SIGINT into a SIGTERM for every rank; each rank's InterruptHandler sets
  // the flag, and the ranks agree on the round (synchronous: the per-round MPI_Allreduce) or
  // rank 0 raises the stop flag (asynchronous: one-sided windows). Rank 0 then writes the
  // trace and prints the summary before mpirun's SIGKILL deadline.
  const bool async = GENERATE(false, true);
  INFO((async ? "asynchronous pairwise gossip" : "synchronous DGD"));
  const std::string csv = mpi_csv_path(async ? "interrupted_async.csv" : "interrupted_sync.csv");
  std::filesystem::remove(csv);
  const std::string run_args =
      async ? " run --backend mpi --algorithm pairwise-gossip --graph torus:8x8 --duration 600 --csv '"
            : " run --backend mpi --algorithm dgd --graph torus:16x16 --problem quadratic:dim=10,L=4,mu=0.4,zeta=1 "
              "--iterations 100000000 --every 100 --csv '";
  const auto r = adonis::test::run_shell_signalled(
      std::string("export ") + kRankEnvironment + "; exec " + mpirun_prefix(2) + " " + ADONIS_CLI_PATH + run_args + csv + "'",
      SIGINT, 5.0);
  INFO("exit " << r.status << "\n" << r.out << r.err);
  CHECK(r.status != 0);
  CHECK(r.out.find(" status=interrupted ") != std::string::npos);
  const std::string text = slurp(csv);
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');  // the last row is complete
  std::istringstream in(text);
  std::string header, line;
  std::getline(in, header);
  const auto columns = std::count(header.begin(), header.end(), ',');
  int rows = 0;
  for (; std::getline(in, line); ++rows) CHECK(std::count(line.begin(), line.end(), ',') == columns);
  CHECK(rows >= 2);  // the start and at least the last round
  std::filesystem::remove(csv);
}
