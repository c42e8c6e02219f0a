// SPDX-License-Identifier: BSD-3-Clause
/// Interrupted runs keep their data (issue 21, item 4): SIGINT or SIGTERM stops `run` after its
/// current round, with a complete trace and status=interrupted; `rates` keeps the tables it
/// finished; and no output file is ever cut under its final name, even by kill -9 (the files
/// are written under a temporary name and renamed, report/atomic_file.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adonis/core/interrupt.hpp"
#include "adonis/core/run.hpp"
#include "adonis/report/atomic_file.hpp"
#include "process.hpp"

using adonis::test::run_cli_signalled;
using adonis::test::slurp;

namespace {

/// A fresh directory under the temporary directory.
std::filesystem::path interrupt_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_interrupt_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// The lines of a text file.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A long run (10^8 rounds of DGD on torus:16x16: minutes), recording every 100th round.
std::string long_run(const std::filesystem::path& csv) {
  return "run --algorithm dgd --graph torus:16x16 --problem quadratic:dim=10,L=4,mu=0.4,zeta=1 --iterations 100000000 --every 100 "
         "--csv '" + csv.string() + "'";
}

/// Names in `dir` that are temporaries of report/atomic_file.hpp.
int temporaries(const std::filesystem::path& dir) {
  int k = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++k;
  return k;
}

/// A minimal algorithm for the in-process test: X ← X / 2.
class Halving : public adonis::Runnable<Halving> {
 public:
  void init(const adonis::Iterates<double>& x0) { m_x = x0; m_c = {}; }
  void step() {
    m_x /= 2;
    ++m_c.rounds;
    if (m_c.rounds == 5) adonis::request_interrupt(SIGINT);  // as the handler would, mid-run
  }
  const adonis::Iterates<double>& iterates() const { return m_x; }
  const adonis::Counters& counters() const { return m_c; }

 private:
  adonis::Iterates<double> m_x;
  adonis::Counters m_c;
};

/// Counts the rounds it sees.
struct RoundCounter {
  int seen = 0;
  void on_round(const adonis::RoundView<Halving>&) { ++seen; }
};

}  // namespace

TEST_CASE("run(): an interrupt request ends the run after the current round, which observers saw",
          "[cli][interrupt]") {
  adonis::clear_interrupt();
  Halving alg;
  RoundCounter counter;
  adonis::Iterates<double> x = adonis::Iterates<double>::Ones(3, 2);
  const adonis::RunResult r = alg.run(x, adonis::RunOptions{.max_rounds = 100}, counter);
  adonis::clear_interrupt();
  CHECK(r.status == adonis::Status::interrupted);
  CHECK(adonis::to_string(r.status) == "interrupted");
  CHECK(r.counters.rounds == 5);
  CHECK(counter.seen == 5);
  CHECK(x(0, 0) == 1.0 / 32);
}

TEST_CASE("run: SIGINT or SIGTERM mid-run leaves a complete trace and status=interrupted", "[cli][interrupt]") {
  for (const int signal : {SIGINT, SIGTERM}) {
    INFO("signal " << signal);
    const auto dir = interrupt_dir("sig" + std::to_string(signal));
    const auto csv = dir / "t.csv";
    const auto r = run_cli_signalled(long_run(csv), signal, 2.0);
    INFO(r.out << r.err);
    CHECK(r.status == 128 + signal);
    CHECK(r.out.find(" status=interrupted ") != std::string::npos);
    const std::string text = slurp(csv);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');  // the last row is complete
    const std::vector<std::string> lines = lines_of(text);
    REQUIRE(lines.size() >= 3);  // header, round 0 and at least one recorded round
    const auto columns = std::count(lines.front().begin(), lines.front().end(), ',');
    for (const std::string& line : lines) CHECK(std::count(line.begin(), line.end(), ',') == columns);
    CHECK(temporaries(dir) == 0);
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("run --backend threads: SIGINT stops the workers and keeps the snapshots", "[cli][interrupt]") {
  const auto dir = interrupt_dir("threads");
  const auto r = run_cli_signalled("run --algorithm pairwise-gossip --graph torus:8x8 --backend threads --workers 2 "
                                   "--duration 60 --csv '" + (dir / "t.csv").string() + "'",
                                   SIGINT, 2.0);
  INFO(r.out << r.err);
  CHECK(r.status == 128 + SIGINT);
  CHECK(r.out.find(" status=interrupted ") != std::string::npos);
  CHECK(lines_of(slurp(dir / "t.csv")).size() >= 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("run: kill -9 leaves the previous --csv file under its name, never a cut one", "[cli][interrupt]") {
  const auto dir = interrupt_dir("kill");
  const auto csv = dir / "t.csv";
  {
    std::ofstream previous(csv);
    previous << "previous\n";
  }
  const auto r = run_cli_signalled(long_run(csv), SIGKILL, 2.0);
  CHECK(r.status == 128 + SIGKILL);
  CHECK(slurp(csv) == "previous\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("rates: SIGINT keeps the tables finished before it, each complete", "[cli][interrupt][asan_skip]") {
  const auto dir = interrupt_dir("rates");
  const auto r = run_cli_signalled("rates --table all --quick --out '" + dir.string() + "'", SIGINT, 3.0);
  INFO(r.out << r.err);
  CHECK(r.status == 128 + SIGINT);
  CHECK(r.err.find("interrupted during the") != std::string::npos);
  int json_files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    ++json_files;
    const auto json = nlohmann::json::parse(slurp(e.path()));  // throws if cut
    CHECK(json["rows"].size() > 0);
    CHECK(std::filesystem::exists(std::filesystem::path(e.path()).replace_extension(".csv")));
  }
  CHECK(json_files >= 1);  // the default table (about 1 s with --quick) was finished
  CHECK(temporaries(dir) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("AtomicFile: the final name appears only on commit, with all its content", "[cli][interrupt]") {
  const auto dir = interrupt_dir("atomic");
  const auto path = dir / "f.txt";
  {
    adonis::AtomicFile f(path, "test");
    f.stream() << "partial";
    CHECK(!std::filesystem::exists(path));
    CHECK(temporaries(dir) == 1);
  }  // destroyed without commit: nothing under the final name, no temporary left
  CHECK(!std::filesystem::exists(path));
  CHECK(temporaries(dir) == 0);
  adonis::write_file_atomically(path, "complete\n", "test");
  CHECK(slurp(path) == "complete\n");
  CHECK_THROWS_AS(adonis::AtomicFile(dir / "missing" / "f.txt", "test"), adonis::RuntimeError);
  std::filesystem::remove_all(dir);
}
