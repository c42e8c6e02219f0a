// SPDX-License-Identifier: BSD-3-Clause
/// @file spec.hpp
/// @brief The problem SPEC grammar of the `adonis` command line (architecture.md), and the
///        shipped datasets.
///
///   logistic:DATA:LAMBDA[:MOD...]   ridge:DATA:LAMBDA[:MOD...]   least-squares:DATA[:MOD...]
///   median:DATA[:MOD...]            quadratic:KEY=VALUE,...  (dim, L, mu, zeta, seed, noise)
///   multinomial:DATA:LAMBDA[:MOD...]  (labels 0, …, K − 1: problem/multinomial.hpp)
///
/// DATA is a shipped dataset name (heart_scale, breast_cancer, longley, digits) or a file path: `.csv`
/// (last column the target, an optional header line) or anything else as LIBSVM. MODs, in
/// order of application: `std` standardizes the features, `intercept` prepends a column of
/// ones, `noise=S2` adds Gaussian noise of total variance S2 to stochastic gradients.
///
/// Shipped datasets are looked up in $ADONIS_DATA_DIR, else next to the running program
/// (PREFIX/share/adonis/data), else in the directory given by the ADONIS_DATA_DIR macro at
/// compile time (CMake points it at the source tree's problems/data), else in ./problems/data:
/// see core/data.hpp.
#pragma once

#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adonis/core/data.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/glm.hpp"
#include "adonis/problem/median.hpp"
#include "adonis/problem/multinomial.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/problem/stochastic.hpp"

namespace adonis {

/// A dataset shipped in problems/data (provenance: problems/data/PROVENANCE.md).
struct ShippedDataset {
  const char* name;         ///< name usable as DATA in a problem SPEC
  const char* file;         ///< file name in the data directory
  Index samples, features;  ///< sizes after loading
  const char* task;         ///< "classification" (labels -1/+1), "multiclass" (0, …, K − 1) or "regression"
};

/// The shipped datasets.
inline const std::vector<ShippedDataset>& shipped_datasets() {
  static const std::vector<ShippedDataset> list{
      {"heart_scale", "heart_scale", 270, 13, "classification"},
      {"breast_cancer", "breast_cancer.csv", 569, 30, "classification"},
      {"longley", "longley.csv", 16, 6, "regression"},
      {"digits", "digits.csv", 1797, 64, "multiclass"},
  };
  return list;
}

/// How the shipped datasets are looked up (core/data.hpp): $ADONIS_DATA_DIR, PREFIX/share/adonis/data,
/// then the ADONIS_DATA_DIR macro (else problems/data relative to the working directory).
inline DataLookup dataset_lookup() {
#ifdef ADONIS_DATA_DIR
  return {"ADONIS_DATA_DIR", "data", ADONIS_DATA_DIR};
#else
  return {"ADONIS_DATA_DIR", "data", "problems/data"};
#endif
}

/// The directory holding the shipped datasets (find_data_directory(dataset_lookup())).
/// @throws InvalidArgument ($ADONIS_DATA_DIR names no directory), RuntimeError (none found).
inline std::string data_directory() { return find_data_directory(dataset_lookup()).path.string(); }

/// Loads a shipped dataset by name, or a file: `.csv` by read_csv_file() (last column the
/// target), anything else by read_libsvm_file(). breast_cancer's 0/1 labels become -1/+1;
/// longley's target is TOTEMP and its observation-number column is dropped (NIST StRD layout);
/// digits' pixels 0..16 are divided by 16 (raw pixels give L ≈ 1338 and κ ≈ 10⁶ for multinomial
/// regression at λ = 1e-3; pixel/16 gives L ≈ 5.2), its labels are the digits 0..9.
/// A shipped name is looked up through data_directory(); a path is read as given.
/// @throws ParseError (unreadable file, malformed rows, with file and line); data_directory()'s
///         errors for a shipped name.
inline Dataset load_dataset(std::string_view name_or_path) {
  const auto path = [](const char* file) { return (std::filesystem::path(data_directory()) / file).string(); };
  if (name_or_path == "heart_scale") return read_libsvm_file(path("heart_scale"));
  if (name_or_path == "breast_cancer") {
    Dataset ds = read_csv_file(path("breast_cancer.csv"));
    map_01_labels(ds);
    return ds;
  }
  if (name_or_path == "longley") {
    CsvOptions o;
    o.target_column = 1;  // "Obs","TOTEMP","GNPDEFL","GNP","UNEMP","ARMED","POP","YEAR"
    o.drop_columns = {0};
    return read_csv_file(path("longley.csv"), o);
  }
  if (name_or_path == "digits") {
    Dataset ds = read_csv_file(path("digits.csv"));
    ds.A /= 16.0;
    return ds;
  }
  const std::string file(name_or_path);
  if (file.size() >= 4 && file.substr(file.size() - 4) == ".csv") return read_csv_file(file);
  return read_libsvm_file(file);
}

/// Any of the built-in problems.
using AnyProblem =
    std::variant<QuadraticProblem, LeastSquaresProblem, LogisticProblem, MedianProblem, MultinomialProblem>;

/// A problem built from a SPEC, with the data and partition facts the command line reports.
struct ProblemInstance {
  std::string spec;     ///< the SPEC as given
  std::string family;   ///< logistic, ridge, least-squares, median, multinomial or quadratic
  std::string dataset;  ///< DATA (empty for quadratic)
  Index samples = 0;    ///< number of data rows (0 for quadratic)
  Index features = 0;   ///< dimension d
  double lambda = 0;    ///< l2 regularization (0 for least-squares, median, quadratic)
  Partition parts;      ///< the rows of each node (empty for quadratic)
  AnyProblem problem;
};

namespace detail {
inline double spec_number(std::string_view token, const std::string& who, std::string_view what) {
  double v = 0;
  if (!ds_parse_double(token, v) || !std::isfinite(v)) fail(who, what, " must be a finite number (got '", token, "')");
  return v;
}
}  // namespace detail

/// Builds the problem described by `spec` (see the file comment) over `nodes` nodes, the data
/// split by `partition` seeded by `seed`; stochastic gradients use minibatches of size `batch`.
/// A quadratic's own `seed` key defaults to `seed`.
/// @throws InvalidArgument (ParseError, DimensionMismatch) naming the spec, field and value,
///         or the file and line of bad data.
template <int = 0>  // compiled only where called (docs/performance.md, "Compile time")
ProblemInstance make_problem(std::string_view spec, Index nodes, const PartitionSpec& partition = {},
                             std::uint64_t seed = 0, Index batch = 1) {
  const std::string who = detail::concat("problem spec '", spec, "'");
  const auto parts = detail::split(spec, ':');
  const std::string family(parts[0]);
  StochasticOptions stochastic;
  stochastic.batch = batch;
  stochastic.validate();
  if (nodes < 1) detail::fail(who, "nodes must be >= 1 (got ", nodes, ")");

  if (family == "quadratic") {
    if (parts.size() > 2) detail::fail(who, "expected quadratic:KEY=VALUE,... (keys dim, L, mu, zeta, seed, noise)");
    QuadraticOptions o;
    o.seed = seed;
    if (parts.size() == 2 && !parts[1].empty()) {
      for (const auto item : detail::split(parts[1], ',')) {
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) detail::fail(who, "expected KEY=VALUE (got '", item, "')");
        const auto key = item.substr(0, eq), value = item.substr(eq + 1);
        const double v = detail::spec_number(value, who, key);
        auto whole = [&] {
          if (v != std::floor(v) || v < 0 || v > 9e15) detail::fail(who, key, " must be a whole number >= 0 (got '", value, "')");
          return static_cast<long long>(v);
        };
        if (key == "dim") o.dim = static_cast<Index>(whole());
        else if (key == "L") o.L = v;
        else if (key == "mu") o.mu = v;
        else if (key == "zeta") o.zeta = v;
        else if (key == "seed") o.seed = static_cast<std::uint64_t>(whole());
        else if (key == "noise") stochastic.noise_variance = v;
        else detail::fail(who, "unknown quadratic key '", key, "' (known: dim, L, mu, zeta, seed, noise)");
      }
    }
    stochastic.validate();
    QuadraticProblem q(nodes, o, stochastic);
    return ProblemInstance{std::string(spec), family, "", 0, o.dim, 0.0, {}, AnyProblem(std::move(q))};
  }

  const bool has_lambda = family == "logistic" || family == "ridge" || family == "multinomial";
  if (!has_lambda && family != "least-squares" && family != "median")
    detail::fail(who, "unknown problem family '", family,
                 "' (known: logistic:DATA:LAMBDA, ridge:DATA:LAMBDA, least-squares:DATA, median:DATA, "
                 "multinomial:DATA:LAMBDA, quadratic:KEY=VALUE,...)");
  const std::size_t fixed = has_lambda ? 3 : 2;
  if (parts.size() < fixed || parts[1].empty())
    detail::fail(who, "expected ", family, has_lambda ? ":DATA:LAMBDA" : ":DATA", "[:std][:intercept][:noise=S2]");
  double lambda = 0;
  if (has_lambda) {
    lambda = detail::spec_number(parts[2], who, "LAMBDA");
    if (lambda < 0) detail::fail(who, "LAMBDA must be >= 0 (got ", lambda, ")");
  }
  Dataset data = load_dataset(parts[1]);
  bool standardized = false, intercept = false;
  for (std::size_t k = fixed; k < parts.size(); ++k) {
    const auto mod = parts[k];
    if (mod == "std") standardized = true;
    else if (mod == "intercept") intercept = true;
    else if (mod.substr(0, 6) == "noise=") stochastic.noise_variance = detail::spec_number(mod.substr(6), who, "noise");
    else detail::fail(who, "unknown modifier '", mod, "' (known: std, intercept, noise=S2)");
  }
  stochastic.validate();
  if (standardized) standardize(data);
  if (intercept) add_intercept(data);
  Partition split = partition_samples(data.y, nodes, partition, seed);
  auto build = [&]() -> AnyProblem {
    if (family == "logistic") return LogisticProblem(data, split, lambda, stochastic);
    if (family == "median") return MedianProblem(data, split, stochastic);
    if (family == "multinomial") return MultinomialProblem(data, split, lambda, stochastic);
    return LeastSquaresProblem(data, split, lambda, stochastic);
  };
  AnyProblem problem = build();
  return ProblemInstance{std::string(spec), family, std::string(parts[1]), data.samples(), data.features(),
                         lambda, std::move(split), std::move(problem)};
}

/// make_problem() when the caller knows the problem type: returns the `P` itself (e.g.
/// `make_problem_as<LogisticProblem>("logistic:heart_scale:0.01", 16)`), no variant to unwrap.
/// @throws InvalidArgument naming the spec when it builds another type of problem (e.g. a
///         quadratic spec asked as LogisticProblem), and whatever make_problem() throws.
template <class P>
P make_problem_as(std::string_view spec, Index nodes, const PartitionSpec& partition = {}, std::uint64_t seed = 0,
                  Index batch = 1) {
  ProblemInstance inst = make_problem(spec, nodes, partition, seed, batch);
  P* p = std::get_if<P>(&inst.problem);
  if (p == nullptr) detail::fail("make_problem_as", "spec '", spec, "' builds a ", inst.family, " problem, not the type asked for");
  return std::move(*p);
}

}  // namespace adonis
