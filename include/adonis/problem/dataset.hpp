// SPDX-License-Identifier: BSD-3-Clause
/// @file dataset.hpp
/// @brief In-memory datasets (dense features A, targets y) and the LIBSVM and CSV readers.
///
/// Every reader error is a ParseError (or DimensionMismatch for ragged rows) whose message
/// names the file and the 1-based line: `read_csv: file 'x.csv' line 7: ...`. Each row keeps
/// the line it came from, so later checks (labels of a classification problem) can name it too.
///
/// Guards (core/input.hpp): a dataset file must be a regular file (a device such as /dev/zero,
/// a FIFO or a directory is refused, naming the path), a line longer than max_line_bytes
/// (1 MiB) is a ParseError naming the file and the line, and the dense m x d matrix is refused
/// before allocating when its 8·m·d bytes exceed the machine's available memory.
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adonis/core/error.hpp"
#include "adonis/core/input.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/core/types.hpp"

namespace adonis {

/// A dataset of m samples with d features: row j of A is a_j, y(j) its label or target.
struct Dataset {
  Matrix<double> A;          ///< m x d features (dense)
  Vector<double> y;          ///< m labels (classification) or targets (regression)
  std::string source;        ///< file it was read from (empty when built in memory)
  std::vector<Index> lines;  ///< 1-based source line of each row (empty when built in memory)

  Index samples() const { return A.rows(); }
  Index features() const { return A.cols(); }

  /// "file 'F' line L" for a row read from a file, "row R" otherwise (for error messages).
  std::string where(Index row) const {
    if (!source.empty() && static_cast<std::size_t>(row) < lines.size())
      return detail::concat("file '", source, "' line ", lines[static_cast<std::size_t>(row)]);
    return detail::concat("row ", row);
  }
};

namespace detail {

inline std::string_view ds_trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/// Parses all of `token` as a double (an optional leading '+' is allowed); false on failure.
inline bool ds_parse_double(std::string_view token, double& value) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  return try_parse_number(token, value);
}

inline std::vector<std::string_view> ds_split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t k = 0;
  while (k < s.size()) {
    while (k < s.size() && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) ++k;
    const std::size_t b = k;
    while (k < s.size() && !(s[k] == ' ' || s[k] == '\t' || s[k] == '\r')) ++k;
    if (k > b) out.push_back(s.substr(b, k - b));
  }
  return out;
}

inline std::ifstream ds_open(const std::string& who, const std::string& path) { return open_input_file(who, path); }

/// Refuses a dense m x d dataset whose 8·m·d bytes exceed the available memory (before allocating).
inline void ds_require_memory(const std::string& who, const std::string& source, Index m, Index d) {
  require_memory<ParseError>(concat(who, ": file '", source, "'"), "samples x features", concat(m, " x ", d),
                             8.0 * static_cast<double>(m) * static_cast<double>(d), "a dense matrix of doubles");
}

}  // namespace detail

/// Reads LIBSVM / SVMlight text: one sample per line, `LABEL INDEX:VALUE INDEX:VALUE ...` with
/// 1-based, strictly increasing indices; absent features are 0 (Chang and Lin, LIBSVM, 2011).
/// Blank lines and `#` comments are skipped. The number of features is the largest index seen,
/// or `features` when that is given (> 0) and not smaller.
/// @throws ParseError naming `source` and the line: bad label or pair, index < 1 or not
///         increasing, NaN or infinite values, no samples.
inline Dataset read_libsvm(std::istream& in, const std::string& source, Index features = 0) {
  const std::string who = "read_libsvm";
  struct Entry {
    Index row, col;
    double value;
  };
  std::vector<Entry> entries;
  std::vector<double> labels;
  Dataset ds;
  ds.source = source;
  Index max_index = 0;
  std::string raw;
  Index line = 0;
  auto bad = [&](const auto&... parts) { detail::fail<ParseError>(who, "file '", source, "' line ", line, ": ", parts...); };
  while (read_capped_line(in, raw, who, source, line + 1)) {
    ++line;
    std::string_view text = raw;
    if (const auto hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
    const auto tokens = detail::ds_split_ws(text);
    if (tokens.empty()) continue;
    double label = 0;
    if (!detail::ds_parse_double(tokens[0], label)) bad("label must be a number (got '", tokens[0], "')");
    if (!std::isfinite(label)) bad("label must be finite (got '", tokens[0], "')");
    const auto row = static_cast<Index>(labels.size());
    long long previous = 0;
    for (std::size_t k = 1; k < tokens.size(); ++k) {
      const auto colon = tokens[k].find(':');
      if (colon == std::string_view::npos) bad("expected INDEX:VALUE (got '", tokens[k], "')");
      long long index = 0;
      double value = 0;
      if (!detail::try_parse_number(tokens[k].substr(0, colon), index) || index < 1)
        bad("feature index must be an integer >= 1 (got '", tokens[k].substr(0, colon), "')");
      if (index <= previous) bad("feature indices must be strictly increasing (", index, " after ", previous, ")");
      if (!detail::ds_parse_double(tokens[k].substr(colon + 1), value))
        bad("feature ", index, " value must be a number (got '", tokens[k].substr(colon + 1), "')");
      if (!std::isfinite(value)) bad("feature ", index, " value must be finite (got '", tokens[k].substr(colon + 1), "')");
      previous = index;
      max_index = std::max<Index>(max_index, static_cast<Index>(index));
      entries.push_back({row, static_cast<Index>(index - 1), value});
    }
    labels.push_back(label);
    ds.lines.push_back(line);
  }
  if (labels.empty()) detail::fail<ParseError>(who, "file '", source, "' has no samples");
  if (features > 0 && features < max_index)
    detail::fail<DimensionMismatch>(who, "file '", source, "' has feature index ", max_index, ", more than the ",
                                    features, " features asked for");
  const Index d = features > 0 ? features : max_index;
  detail::ds_require_memory(who, source, static_cast<Index>(labels.size()), d);
  ds.A = Matrix<double>::Zero(static_cast<Index>(labels.size()), d);
  ds.y = Eigen::Map<const Vector<double>>(labels.data(), static_cast<Index>(labels.size()));
  for (const auto& e : entries) ds.A(e.row, e.col) = e.value;
  return ds;
}

/// read_libsvm() on a file.
inline Dataset read_libsvm_file(const std::string& path, Index features = 0) {
  auto in = detail::ds_open("read_libsvm", path);
  return read_libsvm(in, path, features);
}

/// How to read a CSV file.
struct CsvOptions {
  Index target_column = -1;         ///< 0-based column of y; -1 means the last column
  std::vector<Index> drop_columns;  ///< 0-based columns to ignore (an observation number, say)
  char delimiter = ',';
};

/// Reads delimiter-separated numbers, one sample per line. A first line with any non-numeric
/// field is a header and is skipped (this covers scikit-learn's metadata line
/// `569,30,malignant,benign`). Every data row must have as many fields as the first one.
/// @throws ParseError naming `source` and the line for a non-numeric, NaN or infinite value;
///         DimensionMismatch (with file and line) for a row with a different number of fields.
inline Dataset read_csv(std::istream& in, const std::string& source, const CsvOptions& options = {}) {
  const std::string who = "read_csv";
  Dataset ds;
  ds.source = source;
  std::vector<double> values;
  std::vector<double> targets;
  Index columns = -1, first_line = 0, target = -1, line = 0;
  std::vector<bool> keep;
  std::string raw;
  auto bad = [&](const auto&... parts) { detail::fail<ParseError>(who, "file '", source, "' line ", line, ": ", parts...); };
  bool header_checked = false;
  while (read_capped_line(in, raw, who, source, line + 1)) {
    ++line;
    const std::string_view text = detail::ds_trim(raw);
    if (text.empty()) continue;
    const auto fields = detail::split(text, options.delimiter);
    if (!header_checked) {
      header_checked = true;
      bool numeric = true;
      for (const auto f : fields) {
        double v = 0;
        numeric = numeric && detail::ds_parse_double(detail::ds_trim(f), v);
      }
      if (!numeric) continue;  // a header line
    }
    if (columns < 0) {
      columns = static_cast<Index>(fields.size());
      first_line = line;
      target = options.target_column < 0 ? columns - 1 : options.target_column;
      if (target >= columns)
        detail::fail<DimensionMismatch>(who, "file '", source, "' line ", line, ": target column ", target,
                                        " does not exist (the row has ", columns, " fields)");
      keep.assign(static_cast<std::size_t>(columns), true);
      for (const Index c : options.drop_columns) {
        if (c < 0 || c >= columns || c == target)
          detail::fail<DimensionMismatch>(who, "file '", source, "' line ", line, ": cannot drop column ", c,
                                          " (the row has ", columns, " fields; target column ", target, ")");
        keep[static_cast<std::size_t>(c)] = false;
      }
      keep[static_cast<std::size_t>(target)] = false;
    }
    if (static_cast<Index>(fields.size()) != columns)
      detail::fail<DimensionMismatch>(who, "file '", source, "' line ", line, ": row has ", fields.size(),
                                      " fields, expected ", columns, " (as on line ", first_line, ")");
    for (Index c = 0; c < columns; ++c) {
      const auto f = detail::ds_trim(fields[static_cast<std::size_t>(c)]);
      double v = 0;
      if (!detail::ds_parse_double(f, v)) bad("column ", c + 1, " must be a number (got '", f, "')");
      if (!std::isfinite(v)) bad("column ", c + 1, " must be finite (got '", f, "')");
      if (c == target) targets.push_back(v);
      else if (keep[static_cast<std::size_t>(c)]) values.push_back(v);
    }
    ds.lines.push_back(line);
  }
  if (targets.empty()) detail::fail<ParseError>(who, "file '", source, "' has no data rows");
  const auto m = static_cast<Index>(targets.size());
  const Index d = static_cast<Index>(values.size()) / m;
  ds.A = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(values.data(), m, d);
  ds.y = Eigen::Map<const Vector<double>>(targets.data(), m);
  return ds;
}

/// read_csv() on a file.
inline Dataset read_csv_file(const std::string& path, const CsvOptions& options = {}) {
  auto in = detail::ds_open("read_csv", path);
  return read_csv(in, path, options);
}

/// Column means and scales subtracted and divided by standardize().
struct Standardization {
  Vector<double> mean, scale;
};

/// Standardizes each feature column to mean 0 and (population) standard deviation 1:
/// a_jk <- (a_jk - mean_k) / sd_k. A constant column is only centered (its scale is 1).
inline Standardization standardize(Dataset& ds) {
  Standardization s;
  const auto m = static_cast<double>(ds.samples());
  s.mean = ds.A.colwise().mean().transpose();
  ds.A.rowwise() -= s.mean.transpose();
  s.scale = (ds.A.colwise().squaredNorm().transpose() / m).cwiseSqrt();
  for (Index k = 0; k < s.scale.size(); ++k) {
    if (!(s.scale(k) > 0)) s.scale(k) = 1;
    ds.A.col(k) /= s.scale(k);
  }
  return s;
}

/// Prepends a column of ones (an intercept; its coefficient is x_0).
inline void add_intercept(Dataset& ds) {
  Matrix<double> a(ds.samples(), ds.features() + 1);
  a.col(0).setOnes();
  a.rightCols(ds.features()) = ds.A;
  ds.A = std::move(a);
}

/// Maps 0/1 labels to -1/+1 (scikit-learn's convention to ours).
/// @throws ParseError naming the row's file and line for a label other than 0 or 1.
inline void map_01_labels(Dataset& ds) {
  for (Index j = 0; j < ds.samples(); ++j) {
    if (ds.y(j) == 0) ds.y(j) = -1;
    else if (ds.y(j) != 1)
      detail::fail<ParseError>("map_01_labels", ds.where(j), ": label must be 0 or 1 (got ", ds.y(j), ")");
  }
}

/// Checks that every label is -1 or +1 (binary classification).
/// @throws ParseError naming the row's file and line.
inline void require_binary_labels(const Dataset& ds, std::string_view who) {
  for (Index j = 0; j < ds.samples(); ++j)
    if (ds.y(j) != 1 && ds.y(j) != -1)
      detail::fail<ParseError>(who, ds.where(j), ": label must be -1 or +1 (got ", ds.y(j), ")");
}

/// Checks sizes and finiteness of a dataset built in memory.
/// @throws DimensionMismatch when y does not have one entry per row; InvalidArgument for NaN/inf.
inline void validate_dataset(const Dataset& ds, std::string_view who) {
  if (ds.y.size() != ds.samples())
    detail::fail<DimensionMismatch>(who, "y must have one entry per row of A (", ds.samples(), "), got ", ds.y.size());
  if (ds.samples() < 1 || ds.features() < 1)
    detail::fail(who, "dataset must have at least one sample and one feature (got ", ds.samples(), " x ",
                 ds.features(), ")");
  for (Index j = 0; j < ds.samples(); ++j) {
    if (!ds.A.row(j).allFinite()) detail::fail(who, ds.where(j), ": features must be finite");
    if (!std::isfinite(ds.y(j))) detail::fail(who, ds.where(j), ": target must be finite (got ", ds.y(j), ")");
  }
}

}  // namespace adonis
