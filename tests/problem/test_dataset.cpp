// SPDX-License-Identifier: BSD-3-Clause
/// Tests of the dataset readers, standardization and the shipped datasets.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "adonis/problem/dataset.hpp"
#include "adonis/problem/spec.hpp"
#include "support.hpp"

using namespace adonis;
using adonis::test::problem_data;

namespace {
/// Runs f, expects an exception of type E whose message contains every one of `parts`.
template <class E, class F>
void expect_error(F&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    FAIL("no exception");
  } catch (const E& e) {
    const std::string what = e.what();
    INFO(what);
    for (const auto& p : parts) CHECK(what.find(p) != std::string::npos);
  }
}
}  // namespace

TEST_CASE("LIBSVM reader: sparse rows, comments, blank lines, sizes", "[problem][dataset]") {
  const Dataset ds = read_libsvm_file(problem_data("tiny.libsvm"));
  REQUIRE(ds.samples() == 3);
  REQUIRE(ds.features() == 3);
  CHECK(ds.y(0) == 1);
  CHECK(ds.y(1) == -1);
  CHECK(ds.A(0, 0) == 0.5);
  CHECK(ds.A(0, 1) == 0);
  CHECK(ds.A(0, 2) == -1);
  CHECK(ds.A(1, 1) == 2.0);
  CHECK(ds.A.row(2).sum() == 3);
  CHECK(ds.lines == std::vector<Index>{1, 2, 5});
  std::istringstream in("1 2:1\n");
  CHECK(read_libsvm(in, "mem", 5).features() == 5);
}

TEST_CASE("LIBSVM reader: malformed input names the file and the line", "[problem][dataset][errors]") {
  expect_error<ParseError>([] { read_libsvm_file(problem_data("malformed.libsvm")); },
                           {"malformed.libsvm", "line 3", "2;1"});
  expect_error<ParseError>([] { read_libsvm_file(problem_data("unordered.libsvm")); },
                           {"line 2", "strictly increasing"});
  expect_error<ParseError>([] { read_libsvm_file(problem_data("no-such-file")); }, {"cannot open file"});
  for (const char* text : {"x 1:2\n", "1 0:2\n", "1 1:nan\n", "1 1:inf\n", "1 1:\n", "1 a:1\n"}) {
    std::istringstream in(std::string("1 1:1\n") + text);
    INFO(text);
    expect_error<ParseError>([&] { read_libsvm(in, "mem.svm"); }, {"mem.svm", "line 2"});
  }
  std::istringstream in("1 7:1\n");
  expect_error<DimensionMismatch>([&] { read_libsvm(in, "mem", 3); }, {"feature index 7"});
}

TEST_CASE("CSV reader: header detection, target and dropped columns, errors with line", "[problem][dataset][errors]") {
  const Dataset ds = read_csv_file(problem_data("tiny.csv"));
  REQUIRE(ds.samples() == 3);
  REQUIRE(ds.features() == 2);
  CHECK(ds.A(2, 1) == 8);
  CHECK(ds.y(1) == 6);
  CHECK(ds.lines.front() == 2);
  CsvOptions o;
  o.target_column = 0;
  o.drop_columns = {1};
  const Dataset t = read_csv_file(problem_data("tiny.csv"), o);
  REQUIRE(t.features() == 1);
  CHECK(t.A(1, 0) == 6);
  CHECK(t.y(2) == 7);
  expect_error<ParseError>([] { read_csv_file(problem_data("nan.csv")); }, {"nan.csv", "line 3", "finite", "nan"});
  expect_error<ParseError>([] { read_csv_file(problem_data("inf.csv")); }, {"line 1", "finite"});
  expect_error<DimensionMismatch>([] { read_csv_file(problem_data("ragged.csv")); },
                                  {"ragged.csv", "line 2", "2 fields, expected 3"});
  std::istringstream in("1,2\n3,x\n");
  expect_error<ParseError>([&] { read_csv(in, "mem.csv"); }, {"line 2", "column 2", "'x'"});
}

TEST_CASE("labels outside {-1, +1} are rejected with file and line", "[problem][dataset][errors]") {
  const Dataset ds = read_csv_file(problem_data("badlabel.csv"));
  expect_error<ParseError>([&] { require_binary_labels(ds, "logistic"); }, {"badlabel.csv", "line 3", "got 2"});
  Dataset copy = ds;
  expect_error<ParseError>([&] { map_01_labels(copy); }, {"line 2", "0 or 1"});
}

TEST_CASE("standardize gives zero-mean unit-variance columns, intercept prepends ones", "[problem][dataset]") {
  Dataset ds = adonis::test::random_dataset(50, 4, false, 3);
  ds.A.col(2).setConstant(7.0);
  const Dataset raw = ds;
  const Standardization s = standardize(ds);
  for (Index k = 0; k < 4; ++k) {
    CHECK(std::abs(ds.A.col(k).mean()) < 1e-14);
    if (k != 2) CHECK(std::abs(ds.A.col(k).squaredNorm() / 50 - 1) < 1e-12);
  }
  CHECK(ds.A.col(2).cwiseAbs().maxCoeff() == 0);
  CHECK(((ds.A.array().rowwise() * s.scale.transpose().array()).rowwise() + s.mean.transpose().array()).matrix().isApprox(raw.A, 1e-13));
  add_intercept(ds);
  REQUIRE(ds.features() == 5);
  CHECK(ds.A.col(0).isOnes());
}

TEST_CASE("shipped datasets load with their documented sizes and labels", "[problem][dataset][shipped]") {
  for (const auto& info : shipped_datasets()) {
    INFO(info.name);
    const Dataset ds = load_dataset(info.name);
    CHECK(ds.samples() == info.samples);
    CHECK(ds.features() == info.features);
    if (std::string(info.task) == "classification") {
      CHECK_NOTHROW(require_binary_labels(ds, "test"));
      CHECK((ds.y.array() == 1).count() > 0);
      CHECK((ds.y.array() == -1).count() > 0);
    }
  }
  // spot values straight from the files
  const Dataset heart = load_dataset("heart_scale");
  CHECK(heart.A(0, 0) == 0.708333);
  CHECK(heart.A(0, 10) == 0);  // feature 11 absent on line 1
  const Dataset bc = load_dataset("breast_cancer");
  CHECK(bc.A(0, 0) == 17.99);
  CHECK(bc.y(0) == -1);  // 0 (malignant) -> -1
  CHECK((bc.y.array() == 1).count() == 357);  // 357 benign, 212 malignant
  const Dataset longley = load_dataset("longley");
  CHECK(longley.y(0) == 60323);
  CHECK(longley.A(0, 0) == 83);
  CHECK(longley.A(15, 5) == 1962);
  const Dataset digits = load_dataset("digits");  // pixels / 16, classes 0..9
  CHECK(digits.A(0, 2) == 5.0 / 16);  // the first row starts 0,0,5,13,9
  CHECK(digits.A(0, 3) == 13.0 / 16);
  CHECK(digits.A.maxCoeff() == 1.0);
  CHECK(digits.y(0) == 0);
  CHECK(multiclass_labels(digits, "test") == 10);
  CHECK((digits.y.array() == 5).count() == 182);
  CHECK((digits.y.array() == 8).count() == 174);
}

TEST_CASE("dataset files must be regular files, lines are capped at 1 MiB, a dense matrix too large is refused",
          "[problem][dataset][errors][guard]") {
  // /dev/zero used to be read forever (issue 21)
  expect_error<ParseError>([] { read_libsvm_file("/dev/zero"); },
                           {"read_libsvm", "file '/dev/zero' is a character device, not a regular file"});
  expect_error<ParseError>([] { load_dataset("/dev/zero"); }, {"'/dev/zero' is a character device"});
  expect_error<ParseError>([] { read_csv_file("/dev/zero.csv"); }, {"cannot open file"});  // missing: as before
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_ds21_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string fifo = (dir / "pipe.csv").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  expect_error<ParseError>([&] { load_dataset(fifo); }, {"read_csv", "'" + fifo + "' is a FIFO, not a regular file"});
  expect_error<ParseError>([&] { read_libsvm_file(dir.string()); }, {"is a directory, not a regular file"});
  std::filesystem::remove_all(dir);
  // the cap: exactly max_line_bytes passes, one more byte is refused naming the file and the line
  const std::string pad(max_line_bytes - 6, ' ');  // "1 1:2" + pad + "#" = cap - 0
  std::istringstream at_cap("1 1:1\n1 1:2" + pad + "#\n");
  CHECK(read_libsvm(at_cap, "cap.svm").samples() == 2);
  std::istringstream over("1 1:1\n1 1:2" + pad + "##\n");
  expect_error<ParseError>([&] { read_libsvm(over, "cap.svm"); },
                           {"read_libsvm: file 'cap.svm' line 2: line longer than the cap of 1048576 bytes (1 MiB)"});
  std::istringstream csv("a,b\n1,2\n" + std::string(max_line_bytes + 1, '3'));
  expect_error<ParseError>([&] { read_csv(csv, "cap.csv"); },
                           {"read_csv: file 'cap.csv' line 3: line longer than the cap"});
  // a feature index of 10^15 would need 8 PB for the dense matrix: refused before allocating
  std::istringstream wide("1 1:1\n-1 1000000000000000:1\n");
  expect_error<ParseError>([&] { read_libsvm(wide, "wide.svm"); },
                           {"read_libsvm: file 'wide.svm': samples x features = 2 x 1000000000000000 needs about",
                            "available"});
}

TEST_CASE("set_memory_limit caps what a dataset may need below the machine's memory", "[problem][dataset][guard]") {
  // found by fuzzing (tests/fuzz/corpus/libsvm/huge-index-4.9GB): 19 bytes asking for 4.9 GB,
  // less than the machine has, so only a cap (adonis --max-memory) refuses it
  const std::uint64_t before = memory_limit();
  set_memory_limit(256'000'000);
  CHECK(memory_limit() == 256'000'000);
  std::istringstream huge("+1 616666666:0.\n");
  expect_error<ParseError>([&] { read_libsvm(huge, "huge.svm"); },
                           {"read_libsvm: file 'huge.svm': samples x features = 1 x 616666666 needs about 4.93 GB",
                            "more than the 256 MB allowed (memory limit: --max-memory or set_memory_limit)"});
  std::istringstream small("+1 3:1\n-1 1:2\n");
  CHECK(read_libsvm(small, "small.svm").features() == 3);  // under the cap: read as before
  set_memory_limit(0);  // no cap: only MemAvailable (the 4.9 GB estimate is not refused on a large machine)
  CHECK(memory_limit() == 0);
  set_memory_limit(before);
}
