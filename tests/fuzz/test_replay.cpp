// SPDX-License-Identifier: BSD-3-Clause
/// The fuzz corpora (tests/fuzz/corpus/TARGET/*: the seeds, and every input a fuzzing run found
/// to crash or hang, once fixed) replayed through their targets under g++, in every CI run and
/// under ASan + UBSan: each input must end cleanly (a result or the library's documented
/// exception), each target must have a corpus.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "targets.hpp"

TEST_CASE("fuzz corpora replay cleanly through every reader and spec parser", "[fuzz]") {
  namespace fs = std::filesystem;
  const fs::path root = ADONIS_FUZZ_CORPUS;
  for (const auto& [name, target] : adonis::fuzz::targets()) {
    const fs::path dir = root / name;
    INFO("target " << name);
    REQUIRE(fs::is_directory(dir));
    int inputs = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      INFO("input " << entry.path().string());
      CHECK_NOTHROW(target(bytes.str()));
      ++inputs;
    }
    CHECK(inputs >= 3);
  }
}
