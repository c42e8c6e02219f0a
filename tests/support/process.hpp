// SPDX-License-Identifier: BSD-3-Clause
/// @file process.hpp
/// @brief Runs the built `adonis` program and captures its exit status, stdout and stderr.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <csignal>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace adonis::test {

struct ProcessResult {
  int status;  ///< exit status (128 + signal if killed)
  std::string out, err;
};

/// An empty directory temp/adonis_NAME_PID (removed first if it exists): per process, so that
/// tests running side by side (ctest -j) never share one.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("adonis_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs `ADONIS_CLI_PATH args` through the shell (args must be shell-quoted by the caller).
inline ProcessResult run_cli(const std::string& args) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(counter++);
  const auto out = dir / ("adonis_test_out_" + tag), err = dir / ("adonis_test_err_" + tag);
  const std::string cmd = std::string(ADONIS_CLI_PATH) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int raw = std::system(cmd.c_str());
  ProcessResult r{WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

/// Starts the shell command `command` (`exec PROGRAM ...`, so that the signal reaches the
/// program, not a shell), sends it `signal` after `after_seconds`, and waits for it: its exit
/// status (128 + signal if the signal killed it) and output.
inline ProcessResult run_shell_signalled(const std::string& command, int signal, double after_seconds) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid()) + "_s" + std::to_string(counter++);
  const auto out = dir / ("adonis_test_out_" + tag), err = dir / ("adonis_test_err_" + tag);
  const std::string cmd = command + " >" + out.string() + " 2>" + err.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::usleep(static_cast<useconds_t>(after_seconds * 1e6));
  ::kill(pid, signal);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  ProcessResult r{WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw), slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

/// `adonis ARGS` through run_shell_signalled (exec'd, so that the signal reaches adonis itself).
inline ProcessResult run_cli_signalled(const std::string& args, int signal, double after_seconds) {
  return run_shell_signalled("exec " + std::string(ADONIS_CLI_PATH) + " " + args, signal, after_seconds);
}

/// True if the run failed as bad input must: exit status `status` and exactly one line on
/// stderr starting with "adonis: error: " followed by `prefix`.
inline bool one_line_error(const ProcessResult& r, const std::string& prefix = "", int status = 2) {
  return r.status == status && r.err.rfind("adonis: error: " + prefix, 0) == 0 &&
         std::count(r.err.begin(), r.err.end(), '\n') == 1;
}

/// Path of a file in tests/data.
inline std::string data_file(const std::string& name) { return std::string(ADONIS_TEST_DATA) + "/" + name; }

/// The number after " KEY=" in the summary line of `adonis run` (NaN if KEY is absent, which
/// fails every comparison but `!=`: callers that compare with `!=` check the key first).
inline double summary_value(const std::string& out, const std::string& key) {
  const auto pos = out.find(" " + key + "=");
  if (pos == std::string::npos) return std::nan("");
  return std::stod(out.substr(pos + key.size() + 2));
}

/// Relative difference, with an absolute floor near zero (theory-rates.md §11 convention).
inline bool close(double got, double want, double rel = 1e-9, double abs_near_zero = 1e-12) {
  if (std::abs(want) < 1e-9) return std::abs(got - want) <= abs_near_zero;
  return std::abs(got - want) <= rel * std::abs(want);
}

}  // namespace adonis::test
