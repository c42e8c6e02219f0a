// SPDX-License-Identifier: BSD-3-Clause
/// libFuzzer entry point of one target (ADONIS_FUZZ_TARGET, a function of targets.hpp), built by
/// the `fuzz` preset with clang: `-fsanitize=fuzzer,address,undefined`. docs/reliability.md has
/// the command that runs each target.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets.hpp"

#ifndef ADONIS_FUZZ_TARGET
#error "define ADONIS_FUZZ_TARGET to one of the functions of targets.hpp"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  adonis::fuzz::ADONIS_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
