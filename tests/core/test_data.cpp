// SPDX-License-Identifier: BSD-3-Clause
// The lookup of the shipped datasets and graphs (core/data.hpp), with fake executable paths: an
// installed program finds PREFIX/share/adonis/KIND next to itself before the directory compiled
// in, which may be gone (a source tree moved or deleted after the install).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "adonis/core/data.hpp"
#include "adonis/graph/spec.hpp"
#include "adonis/problem/spec.hpp"

namespace fs = std::filesystem;

namespace {
// A fresh directory per test case and process (ctest runs the cases in parallel).
struct Scratch {
  fs::path root;
  explicit Scratch(const std::string& name)
      : root(fs::temp_directory_path() / ("adonis_data_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(root);
    fs::create_directories(root);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};
}  // namespace

TEST_CASE("data lookup: next to the program before the compiled-in directory", "[core][data]") {
  Scratch s("order");
  const fs::path prefix = s.root / "moved-prefix";
  fs::create_directories(prefix / "share" / "adonis" / "data");
  fs::create_directories(s.root / "source" / "problems" / "data");
  const fs::path exe = prefix / "bin" / "adonis";
  const adonis::DataLookup present{"ADONIS_DATA_DIR", "data", (s.root / "source" / "problems" / "data").string()};
  const adonis::DataLookup gone{"ADONIS_DATA_DIR", "data", (s.root / "deleted-source" / "problems" / "data").string()};

  SECTION("installed layout wins, whether the source tree exists or not") {
    for (const auto& lookup : {present, gone}) {
      const adonis::DataDirectory d = adonis::find_data_directory(lookup, nullptr, exe);
      REQUIRE(d.path == prefix / "share" / "adonis" / "data");
      REQUIRE(d.origin == "next to the program " + exe.string());
    }
  }
  SECTION("an empty variable counts as unset") {
    REQUIRE(adonis::find_data_directory(gone, "", exe).path == prefix / "share" / "adonis" / "data");
  }
  SECTION("the compiled-in directory when the program is not installed") {
    const fs::path build_exe = s.root / "build" / "bench" / "adonis";
    const adonis::DataDirectory d = adonis::find_data_directory(present, nullptr, build_exe);
    REQUIRE(d.path == fs::path(present.compiled_in));
    REQUIRE(d.origin == "compiled in");
    REQUIRE(adonis::find_data_directory(present, nullptr, fs::path{}).path == fs::path(present.compiled_in));
  }
  SECTION("the environment variable overrides both, and is authoritative") {
    const fs::path mine = s.root / "mine";
    fs::create_directories(mine);
    const adonis::DataDirectory d = adonis::find_data_directory(present, mine.c_str(), exe);
    REQUIRE(d.path == mine);
    REQUIRE(d.origin == "$ADONIS_DATA_DIR");
    const std::string missing = (s.root / "missing").string();
    REQUIRE_THROWS_WITH(adonis::find_data_directory(present, missing.c_str(), exe),
                        "find_data_directory: ADONIS_DATA_DIR must name a directory (got '" + missing + "')");
    REQUIRE_THROWS_AS(adonis::find_data_directory(present, missing.c_str(), exe), adonis::InvalidArgument);
  }
  SECTION("nothing found: the error names every place tried") {
    const fs::path lone_exe = s.root / "elsewhere" / "bin" / "adonis";
    const std::string want = "find_data_directory: the shipped 'data' directory must be one of '" +
                             (s.root / "elsewhere" / "share" / "adonis" / "data").string() +
                             "' (next to the program " + lone_exe.string() + "), '" + gone.compiled_in +
                             "' (compiled in) (none exists; set ADONIS_DATA_DIR to its location)";
    REQUIRE_THROWS_WITH(adonis::find_data_directory(gone, nullptr, lone_exe), want);
    REQUIRE_THROWS_AS(adonis::find_data_directory(gone, nullptr, lone_exe), adonis::RuntimeError);
  }
}

TEST_CASE("data lookup: candidates and this process", "[core][data]") {
  const adonis::DataLookup graphs{"ADONIS_GRAPHS_DIR", "graphs", "graphs"};
  const auto c = adonis::data_candidates(graphs, nullptr, "/opt/x/bin/adonis");
  REQUIRE(c.size() == 2);
  REQUIRE(c[0].path == fs::path("/opt/x/share/adonis/graphs"));
  REQUIRE(c[1].path == fs::path("graphs"));
  REQUIRE(c[1].origin == "relative to the working directory");
  REQUIRE(adonis::data_candidates(graphs, "/g", "/opt/x/bin/adonis").size() == 1);

  const fs::path exe = adonis::executable_path();  // Linux: /proc/self/exe
  REQUIRE(fs::is_regular_file(exe));
  // The test program is not installed: the datasets and graphs come from the source tree
  // (the macros of tests/CMakeLists.txt), as they did before the installed layout existed.
  const char* data_env = std::getenv("ADONIS_DATA_DIR");
  const char* graphs_env = std::getenv("ADONIS_GRAPHS_DIR");
  REQUIRE(fs::equivalent(adonis::data_directory(), data_env != nullptr && *data_env != '\0' ? data_env : ADONIS_DATA_DIR));
  REQUIRE(fs::equivalent(adonis::graphs_directory(),
                         graphs_env != nullptr && *graphs_env != '\0' ? graphs_env : ADONIS_GRAPHS_DIR));
}
