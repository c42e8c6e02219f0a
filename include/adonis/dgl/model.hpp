// SPDX-License-Identifier: BSD-3-Clause
/// @file model.hpp
/// @brief Decoupled greedy learning on convex modules (issue 18; docs/dgl.md): the layered
///        model of J modules with fixed random ReLU features and trained linear heads, the
///        data split, and each head's strongly convex loss.
///
/// Module j (0-based here, 1-based in docs/dgl.md) reads z_j = [x ; o_{j−1}] (the raw features
/// and the previous module's K output scores; z_0 = x), computes the features
/// φ_j(z) = ReLU(R_j z + b_j) with a fixed random R_j (m × dim z_j, entries N(0, 1/dim z_j)) and
/// offsets b_j (entries uniform in [−½, ½]), both drawn from the model's seed and never trained,
/// and outputs o_j = A_j φ_j(z_j) with a trained head A_j (K × m). Each head minimizes its own
/// loss of the labels given φ_j(z_j) — multinomial logistic regression + (λ/2)‖A_j‖², or ridge
/// regression to one-hot targets — a strongly convex problem for fixed inputs: a deep stacking
/// network with random hidden layers (Belilovsky, Eickenberg & Oyallon, "Decoupled greedy
/// learning of CNNs", ICML 2020, for the decoupled training of such modules).
///
/// @code
///   const adonis::dgl::TrainTest data = adonis::dgl::stratified_split(adonis::load_dataset("digits"), 0.2, 0);
///   const adonis::dgl::Model model(data.train.x.cols(), data.train.classes, {.modules = 3, .width = 256});
///   const adonis::Matrix<double> phi = model.features(0, data.train.x);  // Φ_0, N × 256
/// @endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "adonis/core/error.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/softmax.hpp"
#include "adonis/core/types.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/multinomial.hpp"
#include "adonis/problem/random.hpp"

namespace adonis::dgl {

/// The loss of a module's head A (K × m) on features φ with label y:
/// logistic: log Σ_k exp((Aφ)_k) − (Aφ)_y (multinomial cross-entropy);
/// ridge: ½ ‖Aφ − e_y‖² (one-hot target). Both plus (λ/2)‖A‖²_F.
enum class HeadLoss { logistic, ridge };

/// "logistic" or "ridge".
/// @throws InvalidArgument naming the value otherwise.
inline HeadLoss parse_head_loss(std::string_view s) {
  if (s == "logistic") return HeadLoss::logistic;
  if (s == "ridge") return HeadLoss::ridge;
  adonis::detail::fail("dgl", "loss must be logistic or ridge (got '", s, "')");
}

inline std::string_view to_string(HeadLoss l) { return l == HeadLoss::logistic ? "logistic" : "ridge"; }

/// The model's sizes, regularization and seed.
struct ModelOptions {
  Index modules = 3;     ///< J ≥ 1
  Index width = 256;     ///< m, the number of random features of every module
  double lambda = 1e-3;  ///< λ > 0 of every head
  HeadLoss loss = HeadLoss::logistic;
  std::uint64_t seed = 0;  ///< draws R_j, b_j

  /// @throws InvalidArgument naming the field and the value.
  void validate() const {
    if (modules < 1) adonis::detail::fail("dgl", "modules must be >= 1 (got ", modules, ")");
    if (width < 1) adonis::detail::fail("dgl", "width must be >= 1 (got ", width, ")");
    if (!(lambda > 0) || !std::isfinite(lambda)) adonis::detail::fail("dgl", "lambda must be > 0 and finite (got ", lambda, ")");
  }
};

/// Rows of features and their classes 0, …, K − 1.
struct LabelledData {
  Matrix<double> x;
  std::vector<Index> y;
  Index classes = 0;
  Index rows() const { return x.rows(); }
};

/// A train and a test set of the same classes.
struct TrainTest {
  LabelledData train, test;
};

/// The classes of a dataset's labels: the integers 0, …, K − 1 as they are, or −1/+1 (binary
/// datasets such as heart_scale and breast_cancer) as 0/1.
/// @throws ParseError naming the row of a label that is neither.
inline std::vector<Index> class_labels(const Dataset& data) {
  std::vector<Index> y(static_cast<std::size_t>(data.samples()));
  const bool pm1 = (data.y.array() == -1).any();
  for (Index j = 0; j < data.samples(); ++j) {
    const double v = data.y(j);
    if (pm1 && v != -1 && v != 1)
      adonis::detail::fail<ParseError>("dgl", data.where(j), ": labels mix -1 with other values (got ", v, ")");
    y[static_cast<std::size_t>(j)] = pm1 ? (v > 0 ? 1 : 0) : static_cast<Index>(v);
  }
  if (!pm1) (void)multiclass_labels(data, "dgl");  // integers 0, 1, ...
  return y;
}

/// A stratified split: within each class, the rows are shuffled by a seeded Fisher–Yates
/// (SplitMix64(seed)) and the first round(test_fraction × count) go to the test set; both sets
/// keep the file's row order.
/// @throws InvalidArgument for a fraction outside [0, 1) or a class left without training rows.
template <int = 0>  // compiled only where called
TrainTest stratified_split(const Dataset& data, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction >= 0 && test_fraction < 1))
    adonis::detail::fail("dgl", "test fraction must be in [0, 1) (got ", test_fraction, ")");
  validate_dataset(data, "dgl");
  const std::vector<Index> y = class_labels(data);
  const Index classes = *std::max_element(y.begin(), y.end()) + 1;
  std::vector<std::vector<Index>> members(static_cast<std::size_t>(classes));
  for (Index j = 0; j < data.samples(); ++j) members[static_cast<std::size_t>(y[static_cast<std::size_t>(j)])].push_back(j);
  SplitMix64 rng(seed);
  std::vector<bool> in_test(static_cast<std::size_t>(data.samples()), false);
  for (auto& rows : members) {
    for (std::size_t k = rows.size(); k > 1; --k) std::swap(rows[k - 1], rows[rng.below(k)]);
    const auto take = static_cast<std::size_t>(std::llround(test_fraction * static_cast<double>(rows.size())));
    if (take >= rows.size() && !rows.empty()) adonis::detail::fail("dgl", "test fraction ", test_fraction, " leaves a class without training rows");
    for (std::size_t k = 0; k < take; ++k) in_test[static_cast<std::size_t>(rows[k])] = true;
  }
  TrainTest out;
  for (LabelledData* set : {&out.train, &out.test}) {
    const bool test = set == &out.test;
    const auto count = static_cast<Index>(std::count(in_test.begin(), in_test.end(), test));
    set->x.resize(count, data.features());
    set->classes = classes;
    Index r = 0;
    for (Index j = 0; j < data.samples(); ++j)
      if (in_test[static_cast<std::size_t>(j)] == test) {
        set->x.row(r++) = data.A.row(j);
        set->y.push_back(y[static_cast<std::size_t>(j)]);
      }
  }
  return out;
}

/// One module's fixed random layer φ(z) = ReLU(R z + b).
struct RandomLayer {
  Matrix<double> weights;  ///< R (m × dim z), entries N(0, 1/dim z)
  Vector<double> offsets;  ///< b (m), entries uniform in [−½, ½]

  /// Φ = ReLU(Z Rᵀ + 1 bᵀ) for the rows z of Z.
  template <int = 0>  // compiled only where called
  Matrix<double> apply(const Matrix<double>& z) const {
    Matrix<double> phi = z * weights.transpose();
    phi.rowwise() += offsets.transpose();
    return phi.cwiseMax(0.0);
  }
};

/// The layered model: J random layers and the sizes of the heads (the heads themselves are the
/// trained state, kept by the training schemes and the greedy reference).
class Model {
 public:
  /// Draws R_j, b_j from options.seed: module j's layer from SplitMix64(seed, 0xd91, j).
  /// @throws InvalidArgument (options.validate(), input_dim < 1, classes < 2).
  Model(Index input_dim, Index classes, const ModelOptions& options)
      : m_input(input_dim), m_classes(classes), m_options(options) {
    m_options.validate();
    if (input_dim < 1) adonis::detail::fail("dgl", "input dimension must be >= 1 (got ", input_dim, ")");
    if (classes < 2) adonis::detail::fail("dgl", "classes must be >= 2 (got ", classes, ")");
    for (Index j = 0; j < m_options.modules; ++j) {
      SplitMix64 rng(m_options.seed, 0xd91, static_cast<std::uint64_t>(j));
      const Index in = module_input_dim(j);
      RandomLayer layer;
      layer.weights.resize(m_options.width, in);
      const double scale = 1.0 / std::sqrt(static_cast<double>(in));
      for (Index c = 0; c < in; ++c)
        for (Index r = 0; r < m_options.width; ++r) layer.weights(r, c) = scale * standard_normal(rng);
      layer.offsets.resize(m_options.width);
      for (Index r = 0; r < m_options.width; ++r) layer.offsets(r) = rng.uniform() - 0.5;
      m_layers.push_back(std::move(layer));
    }
  }

  Index modules() const { return m_options.modules; }
  Index classes() const { return m_classes; }
  Index width() const { return m_options.width; }
  Index input_dim() const { return m_input; }
  const ModelOptions& options() const { return m_options; }
  const RandomLayer& layer(Index j) const { return m_layers.at(static_cast<std::size_t>(j)); }
  /// dim z_j: d for module 0, d + K after.
  Index module_input_dim(Index j) const { return j == 0 ? m_input : m_input + m_classes; }

  /// Z_j = [X, O_{j−1}] (rows); `previous` (N × K) is ignored for module 0.
  template <int = 0>  // compiled only where called
  Matrix<double> module_input(Index j, const Matrix<double>& x, const Matrix<double>& previous) const {
    if (j == 0) return x;
    Matrix<double> z(x.rows(), m_input + m_classes);
    z.leftCols(m_input) = x;
    z.rightCols(m_classes) = previous;
    return z;
  }

  /// Φ_j = φ_j(Z_j) for rows z.
  template <int = 0>  // compiled only where called
  Matrix<double> features(Index j, const Matrix<double>& z) const { return layer(j).apply(z); }

 private:
  Index m_input, m_classes;
  ModelOptions m_options;
  std::vector<RandomLayer> m_layers;
};

/// A head's scores O = Φ Aᵀ (N × K).
template <int = 0>  // compiled only where called
Matrix<double> head_scores(const Matrix<double>& head, const Matrix<double>& phi) {
  return phi * head.transpose();
}

/// The fraction of rows whose largest score is their class (ties: the smallest class).
template <int = 0>  // compiled only where called
double accuracy(const Matrix<double>& scores, const std::vector<Index>& y) {
  if (scores.rows() == 0) return std::numeric_limits<double>::quiet_NaN();
  Index hits = 0;
  for (Index j = 0; j < scores.rows(); ++j) {
    Index best = 0;
    scores.row(j).maxCoeff(&best);
    hits += best == y[static_cast<std::size_t>(j)];
  }
  return static_cast<double>(hits) / static_cast<double>(scores.rows());
}

/// The mean loss of head A on the rows of Φ plus (λ/2)‖A‖²_F.
template <int = 0>  // compiled only where called
double head_loss(HeadLoss loss, const Matrix<double>& head, const Matrix<double>& phi, const std::vector<Index>& y,
                        double lambda) {
  const Matrix<double> z = head_scores(head, phi);
  double sum = 0;
  for (Index j = 0; j < z.rows(); ++j) {
    const auto yj = y[static_cast<std::size_t>(j)];
    if (loss == HeadLoss::logistic) {
      sum += softmax_cross_entropy(z.row(j), yj);
    } else {
      Vector<double> r = z.row(j).transpose();
      r(yj) -= 1;
      sum += 0.5 * r.squaredNorm();
    }
  }
  return sum / static_cast<double>(z.rows()) + 0.5 * lambda * head.squaredNorm();
}

/// The residuals R with ∇_A = Rᵀ Φ / N + λ A: softmax(AΦ) − Y (logistic) or AΦ − Y (ridge).
template <int = 0>  // compiled only where called
Matrix<double> head_residuals(HeadLoss loss, const Matrix<double>& head, const Matrix<double>& phi,
                                     const std::vector<Index>& y) {
  Matrix<double> r = head_scores(head, phi);
  for (Index j = 0; j < r.rows(); ++j) {
    if (loss == HeadLoss::logistic) softmax_in_place(r.row(j));
    r(j, y[static_cast<std::size_t>(j)]) -= 1;
  }
  return r;
}

/// ∇_A of head_loss: Rᵀ Φ / N + λ A (K × m).
template <int = 0>  // compiled only where called
Matrix<double> head_gradient(HeadLoss loss, const Matrix<double>& head, const Matrix<double>& phi,
                                    const std::vector<Index>& y, double lambda) {
  const Matrix<double> r = head_residuals(loss, head, phi, y);
  return r.transpose() * phi / static_cast<double>(phi.rows()) + lambda * head;
}

}  // namespace adonis::dgl
