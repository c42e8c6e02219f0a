// SPDX-License-Identifier: BSD-3-Clause
/// @file input.hpp
/// @brief Guards shared by the file readers and the generators (issue 21): input files must be
///        regular files, text lines are capped, and a size is refused before allocating when
///        its memory estimate exceeds what the machine has.
///
/// - require_regular_file(): a device, FIFO, socket or directory (after following symlinks) is
///   refused with a ParseError naming the path, so `/dev/zero` or a named pipe never hangs a
///   reader.
/// - read_capped_line(): std::getline with a cap of max_line_bytes (1 MiB) per line; a longer
///   line is a ParseError naming the file, the line number and the cap.
/// - available_memory_bytes(): MemAvailable of /proc/meminfo, or fallback_memory_bytes (8 GiB)
///   when it cannot be read. require_memory() refuses an estimate above it, or above the cap of
///   set_memory_limit() (`adonis --max-memory`) when that is smaller.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "adonis/core/error.hpp"

namespace adonis {

/// The longest line (in bytes, without its newline) the text readers accept: 1 MiB.
inline constexpr std::size_t max_line_bytes = std::size_t{1} << 20;

/// The memory assumed available when /proc/meminfo cannot be read: 8 GiB.
inline constexpr std::uint64_t fallback_memory_bytes = std::uint64_t{8} << 30;

namespace detail {
/// MemAvailable of /proc/meminfo in bytes, or 0 when it cannot be read.
inline std::uint64_t mem_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return 0;
}
}  // namespace detail

/// Memory the system can give a new allocation without swapping: MemAvailable of
/// /proc/meminfo, or fallback_memory_bytes when it is unreadable (not Linux, no /proc).
inline std::uint64_t available_memory_bytes() {
  const std::uint64_t bytes = detail::mem_available_bytes();
  return bytes > 0 ? bytes : fallback_memory_bytes;
}

namespace detail {
/// The process-wide cap of set_memory_limit(); 0 = none.
inline std::atomic<std::uint64_t>& memory_limit_storage() {
  static std::atomic<std::uint64_t> limit{0};
  return limit;
}
}  // namespace detail

/// Caps the memory estimate that require_memory() accepts at `bytes` for the whole process
/// (0 removes the cap): the library side of `adonis --max-memory SIZE`. The smaller of the cap
/// and available_memory_bytes() is what a graph or a dataset may need.
inline void set_memory_limit(std::uint64_t bytes) { detail::memory_limit_storage().store(bytes); }

/// The cap set by set_memory_limit(), or 0 when there is none.
inline std::uint64_t memory_limit() { return detail::memory_limit_storage().load(); }

/// What a new graph or dataset may need: the smaller of available_memory_bytes() and
/// memory_limit() (when one is set).
inline std::uint64_t allowed_memory_bytes() {
  const std::uint64_t available = available_memory_bytes(), cap = memory_limit();
  return cap > 0 && cap < available ? cap : available;
}

namespace detail {

/// A byte count for messages: "12.3 GB" (decimal units, three significant digits).
inline std::string format_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int k = 0;
  while (bytes >= 1000 && k < 6) {
    bytes /= 1000;
    ++k;
  }
  std::ostringstream os;
  os.precision(3);
  os << bytes << ' ' << units[k];
  return os.str();
}

/// Refuses a request whose memory estimate exceeds available_memory_bytes() or memory_limit():
/// `<who>: <field> = <value> needs about <estimate> of memory (<what>), more than the <avail>
/// available (MemAvailable)`, or `... more than the <cap> allowed (--max-memory)` when the cap is
/// the smaller. `E` is the exception type (InvalidArgument or a subclass).
template <class E = InvalidArgument, class Value>
void require_memory(std::string_view who, std::string_view field, const Value& value, double estimate_bytes,
                    std::string_view what) {
  const std::uint64_t measured = mem_available_bytes();
  const std::uint64_t available = measured > 0 ? measured : fallback_memory_bytes;
  const std::uint64_t cap = memory_limit();
  const bool capped = cap > 0 && cap < available;
  const std::uint64_t allowed = capped ? cap : available;
  if (!(estimate_bytes > static_cast<double>(allowed))) return;
  if (capped)
    fail<E>(who, field, " = ", value, " needs about ", format_bytes(estimate_bytes), " of memory (", what,
            "), more than the ", format_bytes(static_cast<double>(allowed)),
            " allowed (memory limit: --max-memory or set_memory_limit)");
  fail<E>(who, field, " = ", value, " needs about ", format_bytes(estimate_bytes), " of memory (", what,
          "), more than the ", format_bytes(static_cast<double>(available)), " available (",
          measured > 0 ? "MemAvailable of /proc/meminfo" : "fixed cap: /proc/meminfo is unreadable", ")");
}

/// What kind of non-regular file `s` is, for error messages.
inline const char* file_kind(std::filesystem::file_type t) {
  switch (t) {
    case std::filesystem::file_type::directory: return "a directory";
    case std::filesystem::file_type::character: return "a character device";
    case std::filesystem::file_type::block: return "a block device";
    case std::filesystem::file_type::fifo: return "a FIFO";
    case std::filesystem::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

}  // namespace detail

/// Refuses anything but a regular file (symlinks are followed): a device, FIFO, socket or
/// directory would hang a reader or make no sense as input. A path that does not exist is left
/// to the caller's "cannot open file" error.
/// @throws ParseError `<who>: file '<path>' is a character device, not a regular file`.
inline void require_regular_file(std::string_view who, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found ||
      status.type() == std::filesystem::file_type::regular)
    return;
  detail::fail<ParseError>(who, "file '", path, "' is ", detail::file_kind(status.type()),
                           ", not a regular file");
}

/// Opens a text or binary input file after require_regular_file().
/// @throws ParseError `<who>: cannot open file '<path>'` or the non-regular file error.
inline std::ifstream open_input_file(std::string_view who, const std::string& path,
                                     std::ios::openmode mode = std::ios::in) {
  require_regular_file(who, path);
  std::ifstream in(path, mode);
  if (!in) detail::fail<ParseError>(who, "cannot open file '", path, "'");
  return in;
}

/// std::getline(in, line) with a cap: reads up to '\n' (not stored) and returns false at the
/// end of the input, exactly like std::getline. `line_no` is the 1-based number of the line
/// being read, for the message.
/// @throws ParseError `<who>: file '<source>' line <line_no>: line longer than the cap of
///         1048576 bytes (1 MiB)` when the line exceeds `cap` bytes.
inline bool read_capped_line(std::istream& in, std::string& line, std::string_view who, std::string_view source,
                             long long line_no, std::size_t cap = max_line_bytes) {
  line.clear();
  const std::istream::sentry ok(in, true);
  if (!ok) return false;
  std::streambuf* buf = in.rdbuf();
  using traits = std::istream::traits_type;
  for (;;) {
    const auto c = buf->sbumpc();
    if (traits::eq_int_type(c, traits::eof())) {
      in.setstate(line.empty() ? std::ios::eofbit | std::ios::failbit : std::ios::eofbit);
      return !line.empty();
    }
    if (traits::to_char_type(c) == '\n') return true;
    if (line.size() >= cap)
      detail::fail<ParseError>(who, "file '", source, "' line ", line_no, ": line longer than the cap of ", cap,
                               " bytes",
                               cap == max_line_bytes ? " (1 MiB)" : "");
    line.push_back(traits::to_char_type(c));
  }
}

}  // namespace adonis
