// SPDX-License-Identifier: BSD-3-Clause
/// The seeded train/test splits the decoupled-greedy-learning tests share (tests/dgl/): digits
/// (split seed 7) and heart_scale (split seed 3), test fraction 0.2, made once per process.
#pragma once

#include "adonis/dgl/model.hpp"
#include "adonis/problem/spec.hpp"

namespace adonis::test {

inline const dgl::TrainTest& digits_split() {
  static const dgl::TrainTest s = dgl::stratified_split(load_dataset("digits"), 0.2, 7);
  return s;
}
inline const dgl::TrainTest& heart_split() {
  static const dgl::TrainTest s = dgl::stratified_split(load_dataset("heart_scale"), 0.2, 3);
  return s;
}

}  // namespace adonis::test
