// SPDX-License-Identifier: BSD-3-Clause
// Example (f): decoupled greedy learning on digits (docs/dgl.md) — three convex modules with
// random ReLU features and ridge heads, the exact greedy reference, then asynchronous training with replay
// buffers where module 3 is 10× slower than the others. Prints the greedy accuracies and each
// module's distance to its greedy head after 20 000 events; exits 1 unless every distance fell
// below half its start. Built and run by ctest ("example: dgl async"); `adonis dgl` is the same
// on the command line.
#include <adonis/dgl/model.hpp>      // stratified_split, Model
#include <adonis/dgl/reference.hpp>  // greedy_reference
#include <adonis/dgl/train.hpp>      // simulate, TrainOptions
#include <adonis/problem/spec.hpp>   // load_dataset

#include <cstdio>

int main() {
  using namespace adonis;
  const dgl::TrainTest data = dgl::stratified_split(load_dataset("digits"), 0.2, /*seed=*/0);
  // ridge heads (one-hot targets): the greedy reference is a linear solve per module; with
  // .loss = dgl::HeadLoss::logistic (the default) it is a Newton method, as `adonis dgl` runs
  const dgl::Model model(data.train.x.cols(), data.train.classes,
                         {.modules = 3, .width = 32, .lambda = 1e-2, .loss = dgl::HeadLoss::ridge});
  const dgl::GreedyReference ref = dgl::greedy_reference(model, data);
  dgl::TrainOptions o;
  o.rates = {1, 1, 0.1};  // module 3 on a slow device
  o.buffer = 64;          // uniform replay from a buffer of 64 items
  o.events = 20000;
  const dgl::Trace trace = dgl::simulate(model, data, ref, o);
  bool ok = !trace.diverged;
  for (std::size_t j = 0; j < ref.modules.size(); ++j) {
    const dgl::ModuleRecord& m = trace.rows.back().modules[j];
    std::printf("module %zu: greedy test accuracy %.3f; after %lld steps: distance %.3f, test accuracy %.3f\n", j + 1,
                ref.modules[j].test_accuracy, static_cast<long long>(m.steps), m.distance, m.test_accuracy);
    ok = ok && m.distance < 0.5 * trace.rows.front().modules[j].distance;
  }
  return ok ? 0 : 1;
}
