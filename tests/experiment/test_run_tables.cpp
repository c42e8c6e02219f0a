// SPDX-License-Identifier: BSD-3-Clause
/// @file test_run_tables.cpp
/// @brief experiment::run_tables (issue 20, item 5): tables side by side on threads, outcomes
///        delivered in order and identical for every job count, progress by whole lines, an
///        exception at its table's turn, nothing after an interrupted table. Built into
///        adonis_tests and, under ThreadSanitizer, into adonis_tsan_tests.
#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "adonis/core/interrupt.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/experiment/table.hpp"
#include "adonis/theory/verdict.hpp"

using namespace adonis;
namespace ex = adonis::experiment;

namespace {

struct TinySpec {
  Index n = 48;
  static TinySpec quick() { return {.n = 24}; }
};

// A table of `rows` rows, each the largest eigenvalue of a symmetric matrix drawn from (id, row),
// by power iteration (measured) against the dense solver (theory): real work of a few ms, so
// that tables overlap on the threads. `throw_at` / `interrupt_at`: the row at which it throws or
// asks for a stop.
ex::RateTable tiny_table(int id, int rows, int throw_at = -1, int interrupt_at = -1) {
  return ex::make_table<TinySpec>(
      "tiny" + std::to_string(id), "power iteration", [=](const TinySpec& s, ex::Context& ctx) {
        std::vector<RateRow> out;
        for (int r = 0; r < rows; ++r) {
          if (r == throw_at) throw std::runtime_error("tiny" + std::to_string(id) + " failed");
          if (r == interrupt_at) request_interrupt(SIGINT);
          SplitMix64 rng(static_cast<std::uint64_t>(id), static_cast<std::uint64_t>(r), 0);
          Eigen::MatrixXd a(s.n, s.n);
          for (Index k = 0; k < a.size(); ++k) a.data()[k] = rng.uniform();
          const Eigen::MatrixXd m = a * a.transpose();
          Eigen::VectorXd v = Eigen::VectorXd::Ones(s.n);
          for (int it = 0; it < 200; ++it) v = (m * v).normalized();
          const double measured = v.dot(m * v);
          const double exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues().maxCoeff();
          ctx.progress() << "tiny" << id << " row " << r << " of " << rows << ": " << measured << '\n';
          ctx.provenance()["rows"].push_back(r);
          RateRow row{.table = "tiny" + std::to_string(id), .graph = "none", .problem = "none", .quantity = "λmax"};
          row.tag = Tag::DER;
          out.push_back(judge_equal(row, exact, measured, 1e-9));
        }
        return out;
      });
}

struct Delivered {
  std::vector<std::string> names;
  std::vector<double> measured;
  std::vector<std::string> provenance;
  std::vector<bool> interrupted;
};

Delivered run_all(const std::vector<ex::RateTable>& tables, int jobs, std::ostream& progress) {
  std::vector<const ex::RateTable*> chosen;
  for (const auto& t : tables) chosen.push_back(&t);
  Delivered d;
  ex::run_tables(
      chosen, ex::Preset::quick, {}, jobs,
      [&](ex::TableOutcome&& o) {
        d.names.push_back(o.table->name);
        d.interrupted.push_back(o.interrupted);
        for (const RateRow& r : o.result.rows) d.measured.push_back(r.measured);
        d.provenance.push_back(o.result.provenance.dump());
      },
      progress);
  return d;
}

}  // namespace

TEST_CASE("run_tables: outcomes in order, the same for 1, 2 and 3 jobs, progress by whole lines", "[experiment]") {
  std::vector<ex::RateTable> tables;
  for (int id = 0; id < 5; ++id) tables.push_back(tiny_table(id, 3 + id % 3));
  std::ostringstream p1;
  const Delivered one = run_all(tables, 1, p1);
  REQUIRE(one.names == std::vector<std::string>{"tiny0", "tiny1", "tiny2", "tiny3", "tiny4"});
  REQUIRE(one.measured.size() == 3 + 4 + 5 + 3 + 4);
  for (const bool i : one.interrupted) CHECK_FALSE(i);
  for (const int jobs : {2, 3, 0}) {
    INFO("jobs = " << jobs);
    std::ostringstream p;
    const Delivered d = run_all(tables, jobs, p);
    CHECK(d.names == one.names);
    CHECK(d.measured == one.measured);  // bit for bit
    CHECK(d.provenance == one.provenance);
    // every progress line whole: each starts with "tiny" and is one of the serial run's lines
    std::istringstream lines(p.str()), serial(p1.str());
    std::vector<std::string> got, want;
    for (std::string l; std::getline(lines, l);) got.push_back(l);
    for (std::string l; std::getline(serial, l);) want.push_back(l);
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    CHECK(got == want);
  }
  CHECK_THROWS_WITH(run_all(tables, -1, p1), Catch::Contains("jobs must be >= 0 (got -1)"));
}

TEST_CASE("run_tables starts the costliest tables first, ties in the given order", "[experiment]") {
  std::vector<ex::RateTable> tables;
  for (const double cost : {1.0, 55.0, 0.0, 37.0, 1.0, 55.0}) {
    tables.push_back(tiny_table(static_cast<int>(tables.size()), 1));
    tables.back().cost = cost;
  }
  std::vector<const ex::RateTable*> chosen;
  for (const auto& t : tables) chosen.push_back(&t);
  CHECK(ex::detail::table_start_order(chosen) == std::vector<std::size_t>{1, 5, 3, 0, 4, 2});
  // the delivery order stays the given one
  std::ostringstream progress;
  const Delivered d = run_all(tables, 2, progress);
  CHECK(d.names == std::vector<std::string>{"tiny0", "tiny1", "tiny2", "tiny3", "tiny4", "tiny5"});
}

TEST_CASE("run_tables: a table's exception at its turn, the tables before it delivered", "[experiment]") {
  const std::vector<ex::RateTable> tables{tiny_table(0, 2), tiny_table(1, 2), tiny_table(2, 3, 1), tiny_table(3, 2),
                                          tiny_table(4, 2)};
  for (const int jobs : {1, 2, 3}) {
    INFO("jobs = " << jobs);
    std::vector<std::string> names;
    std::vector<const ex::RateTable*> chosen;
    for (const auto& t : tables) chosen.push_back(&t);
    std::ostringstream progress;
    CHECK_THROWS_WITH(ex::run_tables(chosen, ex::Preset::quick, {}, jobs,
                                     [&](ex::TableOutcome&& o) { names.push_back(o.table->name); }, progress),
                      "tiny2 failed");
    CHECK(names == std::vector<std::string>{"tiny0", "tiny1"});
  }
}

TEST_CASE("run_tables: after an interrupted table nothing more is delivered", "[experiment]") {
  const std::vector<ex::RateTable> tables{tiny_table(0, 2), tiny_table(1, 3, -1, 1), tiny_table(2, 2),
                                          tiny_table(3, 2)};
  for (const int jobs : {1, 2}) {
    INFO("jobs = " << jobs);
    clear_interrupt();
    std::ostringstream progress;
    const Delivered d = run_all(tables, jobs, progress);
    clear_interrupt();
    // tiny0 may also have run after the request with 2 jobs (then it is interrupted too)
    REQUIRE(!d.names.empty());
    REQUIRE(d.names.size() <= 2);
    CHECK(d.names.back() == (d.interrupted.front() ? "tiny0" : "tiny1"));
    CHECK(d.interrupted.back());
    if (jobs == 1) CHECK(d.names == std::vector<std::string>{"tiny0", "tiny1"});
  }
  // the costliest table, started first, asks for the stop: the cheap tables before it in the
  // given order never start, and the first of them comes out as interrupted
  std::vector<ex::RateTable> costly{tiny_table(0, 2), tiny_table(1, 2), tiny_table(2, 2, -1, 0), tiny_table(3, 40)};
  costly[2].cost = 100;
  costly[3].cost = 50;
  clear_interrupt();
  std::ostringstream progress;
  const Delivered d = run_all(costly, 2, progress);
  clear_interrupt();
  REQUIRE(!d.names.empty());
  CHECK(d.names.front() == "tiny0");
  CHECK(d.names.size() <= 2);
  CHECK(d.interrupted.back());
  // and an exception in the costliest table reaches the caller before any cheap table's turn
  std::vector<ex::RateTable> failing{tiny_table(0, 2), tiny_table(1, 2, 0), tiny_table(2, 40)};
  failing[1].cost = 100;
  failing[2].cost = 50;
  std::vector<std::string> names;
  std::vector<const ex::RateTable*> chosen;
  for (const auto& t : failing) chosen.push_back(&t);
  CHECK_THROWS_WITH(ex::run_tables(chosen, ex::Preset::quick, {}, 2,
                                   [&](ex::TableOutcome&& o) { names.push_back(o.table->name); }, progress),
                    "tiny1 failed");
  CHECK(names.size() <= 1);
}

TEST_CASE("run_tables: when several tables fail, the first of them in the given order is rethrown", "[experiment]") {
  // both costly tables start first (2 jobs) and fail after a row of work; the cheap table that
  // comes first in the given order never starts, and tiny1's error, not tiny2's, is the one rethrown
  std::vector<ex::RateTable> failing{tiny_table(0, 2), tiny_table(1, 3, 1), tiny_table(2, 3, 1)};
  failing[1].cost = 100;
  failing[2].cost = 90;
  std::vector<const ex::RateTable*> chosen;
  for (const auto& t : failing) chosen.push_back(&t);
  for (int repeat = 0; repeat < 5; ++repeat) {
    std::vector<std::string> names;
    std::ostringstream progress;
    CHECK_THROWS_WITH(ex::run_tables(chosen, ex::Preset::quick, {}, 2,
                                     [&](ex::TableOutcome&& o) { names.push_back(o.table->name); }, progress),
                      "tiny1 failed");
    CHECK(names.empty());
  }
}

TEST_CASE("experiment::Registry: lookup gives nullptr for an unknown name, find names the known tables", "[experiment]") {
  ex::Registry registry;
  registry.add(tiny_table(0, 1));
  registry.add(tiny_table(1, 1));
  REQUIRE(registry.lookup("tiny1") != nullptr);
  CHECK(registry.lookup("tiny1")->name == "tiny1");
  CHECK(&registry.find("tiny0") == registry.lookup("tiny0"));
  CHECK(registry.lookup("tiny") == nullptr);
  CHECK(registry.lookup("") == nullptr);
  CHECK_THROWS_WITH(registry.find("tiny2"), Catch::Contains("unknown table 'tiny2' (known: tiny0, tiny1)"));
  CHECK_THROWS_WITH(registry.add(tiny_table(1, 1)), Catch::Contains("'tiny1' is already registered"));
}
