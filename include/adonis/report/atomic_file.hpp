// SPDX-License-Identifier: BSD-3-Clause
/// @file atomic_file.hpp
/// @brief Output files that are never left half-written: written under a temporary name in the
///        same directory and renamed onto the final name once complete (rename(2) replaces it
///        atomically on POSIX file systems). A crash, kill -9 or full disk leaves the previous
///        file, or none, under the final name; never a truncated one (docs/reliability.md).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "adonis/core/error.hpp"

namespace adonis {

/// The temporary name of `path` while it is written: "NAME.tmp-PID" in the same directory (the
/// same file system, so the rename is atomic; the pid keeps two processes apart).
inline std::filesystem::path atomic_temporary(const std::filesystem::path& path) {
  return path.string() + ".tmp-" + std::to_string(static_cast<long>(::getpid()));
}

/// A file written atomically: write to stream(), then commit(). Destroyed without commit() (an
/// exception, an early return), it removes its temporary and leaves `path` as it was.
class AtomicFile {
 public:
  /// Opens the temporary. @throws RuntimeError naming `who` and the path if it cannot be created.
  AtomicFile(std::filesystem::path path, std::string_view who)
      : m_path(std::move(path)), m_tmp(atomic_temporary(m_path)), m_who(who),
        m_out(m_tmp, std::ios::binary | std::ios::trunc) {
    if (!m_out) detail::fail<RuntimeError>(m_who, "cannot write '", m_tmp.string(), "'");
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (m_committed) return;
    m_out.close();
    std::error_code ec;
    std::filesystem::remove(m_tmp, ec);
  }

  std::ostream& stream() noexcept { return m_out; }
  const std::filesystem::path& path() const noexcept { return m_path; }

  /// Flushes, closes and renames the temporary onto path(). @throws RuntimeError naming `who`
  /// and the file if a write failed (e.g. a full disk) or the rename did; the temporary is then
  /// removed and path() left as it was.
  void commit() {
    m_out.flush();
    const bool written = static_cast<bool>(m_out);
    m_out.close();
    if (!written || m_out.fail()) detail::fail<RuntimeError>(m_who, "cannot write '", m_tmp.string(), "'");
    std::error_code ec;
    std::filesystem::rename(m_tmp, m_path, ec);
    if (ec)
      detail::fail<RuntimeError>(m_who, "cannot rename '", m_tmp.string(), "' to '", m_path.string(), "': ",
                                 ec.message());
    m_committed = true;
  }

 private:
  std::filesystem::path m_path, m_tmp;
  std::string m_who;
  std::ofstream m_out;
  bool m_committed = false;
};

/// Writes `text` to `path` atomically (AtomicFile). @throws RuntimeError naming `who` and the file.
inline void write_file_atomically(const std::filesystem::path& path, std::string_view text, std::string_view who) {
  AtomicFile file(path, who);
  file.stream() << text;
  file.commit();
}

}  // namespace adonis
