// SPDX-License-Identifier: BSD-3-Clause
/// @file closed_forms.hpp
/// @brief Exact spectral quantities of the symmetric graph families (theory-rates.md §11, [DER]).
///
/// Used to validate the numerical spectral code and reported beside it in the rate tables.
/// Metropolis–Hastings weights throughout; χ1, χ2 with Λ = L/|E|. On edge-transitive graphs
/// (ring, torus, complete, star, hypercube) Foster's theorem gives R_e = (n-1)/|E|, hence
/// χ2 = (n-1)/2; trees have R_e = 1, hence χ2 = (n-1)/2 too.
#pragma once

#include <cmath>
#include <numbers>
#include <optional>
#include <string_view>

#include "adonis/core/types.hpp"

namespace adonis {

namespace detail {
/// 2 − 2cos(θ) computed as 4 sin²(θ/2): no cancellation for small θ (ring:20000 has
/// θ = 3e-4, where 2 − 2cos(θ) keeps only 7 correct digits).
inline double one_minus_cos2(double theta) {
  const double s = std::sin(theta / 2);
  return 4 * s * s;
}
}  // namespace detail

/// Closed-form values for one family and size; fields a family has no closed form for are empty.
struct ClosedForm {
  double laplacian_lambda2;
  double laplacian_lambda_max;
  std::optional<double> mixing_slem;  ///< ρ of the Metropolis–Hastings matrix
  double chi1;                        ///< |E| / lambda2(L)
  std::optional<double> chi2;         ///< (n - 1) / 2 where Foster's theorem or a tree gives it
};

/// Ring C_n (n >= 3): lambda_k(L) = 2 - 2cos(2πk/n); MH W = I - L/3, ρ = (1 + 2cos(2π/n))/3 for n >= 4.
inline ClosedForm ring_closed_form(Index n) {
  const double pi = std::numbers::pi, nn = static_cast<double>(n);
  const double l2 = detail::one_minus_cos2(2 * pi / nn);
  const double lmax = detail::one_minus_cos2(2 * pi * std::floor(nn / 2) / nn);
  std::optional<double> rho;
  if (n >= 4) rho = std::max(1 - l2 / 3, std::abs(1 - lmax / 3));
  return {l2, lmax, rho, nn / l2, (nn - 1) / 2};
}

/// Path P_n (n >= 3): lambda_k(L) = 2 - 2cos(πk/n); MH W = I - L/3, ρ = 1 - (2 - 2cos(π/n))/3.
inline ClosedForm path_closed_form(Index n) {
  const double pi = std::numbers::pi, nn = static_cast<double>(n);
  const double l2 = detail::one_minus_cos2(pi / nn);
  const double lmax = 4 - detail::one_minus_cos2(pi / nn);
  return {l2, lmax, std::max(1 - l2 / 3, std::abs(1 - lmax / 3)), (nn - 1) / l2, (nn - 1) / 2};
}

/// Torus R x C (R, C >= 3): lambda(L) = (2 - 2cos(2πa/R)) + (2 - 2cos(2πb/C)); MH W = I - L/5.
/// χ2 = (n-1)/2 only for square tori (edge-transitive); otherwise it has no closed form here.
inline ClosedForm torus_closed_form(Index rows, Index cols) {
  const double pi = std::numbers::pi, r = static_cast<double>(rows), c = static_cast<double>(cols);
  const double l2 = std::min(detail::one_minus_cos2(2 * pi / r), detail::one_minus_cos2(2 * pi / c));
  const double lmax = detail::one_minus_cos2(2 * pi * std::floor(r / 2) / r) + detail::one_minus_cos2(2 * pi * std::floor(c / 2) / c);
  const double n = r * c, edges = 2 * n;
  std::optional<double> chi2;
  if (rows == cols) chi2 = (n - 1) / 2;
  return {l2, lmax, std::max(1 - l2 / 5, std::abs(1 - lmax / 5)), edges / l2, chi2};
}

/// Hypercube Q_k (n = 2^k): lambda(L) = 2j with multiplicity C(k, j); MH W = I - L/(k+1), ρ = (k-1)/(k+1).
inline ClosedForm hypercube_closed_form(int k) {
  const double kk = k, n = std::ldexp(1.0, k);
  return {2.0, 2 * kk, (kk - 1) / (kk + 1), n * kk / 4, (n - 1) / 2};
}

/// Complete K_n: lambda(L) = n (n-1 times); MH W = J, ρ = 0; χ1 = χ2 = (n-1)/2.
inline ClosedForm complete_closed_form(Index n) {
  const double nn = static_cast<double>(n);
  return {nn, nn, 0.0, (nn - 1) / 2, (nn - 1) / 2};
}

/// Star S_n (hub 0, n >= 3): lambda(L) = 0, 1 (n-2 times), n; MH W = I - L/n, ρ = 1 - 1/n; χ1 = n - 1.
inline ClosedForm star_closed_form(Index n) {
  const double nn = static_cast<double>(n);
  return {1.0, nn, 1 - 1 / nn, nn - 1, (nn - 1) / 2};
}

}  // namespace adonis
