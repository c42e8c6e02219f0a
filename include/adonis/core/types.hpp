// SPDX-License-Identifier: BSD-3-Clause
/// @file types.hpp
/// @brief Scalar, index and matrix aliases used throughout adonis.
///
/// Iterates are stored as one row-major n x d matrix, row i = node i, so that the
/// synchronous update of the papers, X_{t+1} = W_t X_t, is a sparse-times-dense product
/// and a pairwise exchange touches two contiguous rows (architecture.md).
#pragma once

#include <cstdint>

#include <Eigen/Core>
#include <Eigen/SparseCore>

namespace adonis {

/// Index type for nodes, dimensions and matrix entries (Eigen's signed index).
using Index = Eigen::Index;
/// A round (synchronous) or event (asynchronous) counter.
using Round = std::int64_t;

/// A dense column vector.
template <class S = double>
using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;
/// A dense column-major matrix (for small dense linear algebra).
template <class S = double>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
/// The iterate layout: n x d, row i is node i's vector.
template <class S = double>
using Iterates = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// A dense row-major matrix (data whose rows are read one at a time, e.g. samples x features).
template <class S = double>
using RowMatrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
/// Sparse mixing / Laplacian matrices (row-major CSR).
using SparseMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor>;
/// A (row, column, value) triplet for building a SparseMatrix.
using Triplet = Eigen::Triplet<double>;

}  // namespace adonis
