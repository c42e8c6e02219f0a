// SPDX-License-Identifier: BSD-3-Clause
// Compile-fail test: an observer whose only hook is misspelled must not compile
// (ADONIS_COMPILE_FAIL defined); the same file without it is the positive twin.
#include <adonis/algorithm/gossip.hpp>
#include <adonis/graph/generators.hpp>

struct Observer {
#ifdef ADONIS_COMPILE_FAIL
  template <class V>
  void onRound(const V&) {}  // misspelled: on_round
#else
  template <class V>
  void on_round(const V&) {}
#endif
};

int main() {
  adonis::Gossip gossip(adonis::StaticSequence{adonis::metropolis_weights(adonis::ring_graph(4))});
  adonis::Iterates<double> x = adonis::Iterates<double>::Zero(4, 1);
  Observer o;
  adonis::run(gossip, x, adonis::RunOptions{.max_rounds = 1}, o);
}
