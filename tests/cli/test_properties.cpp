// SPDX-License-Identifier: BSD-3-Clause
/// Property tests of `adonis run` (issue 21, item 5): every algorithm of the catalog, on random
/// small graphs of every family, on a quadratic (and logistic regression for the smooth
/// first-order methods), with random valid engine options for the asynchronous ones (latency
/// within the stable range, drops, churn) and random seeds, at its default step: the run ends
/// cleanly (exit 0, not diverged), every number of the summary is finite, and the same seed
/// gives the same summary bit for bit. The configurations come from a fixed seed, so the test
/// is deterministic; it also runs under ASan + UBSan.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "adonis/algorithm/catalog.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/spec.hpp"
#include "process.hpp"

using adonis::test::run_cli;

namespace {

/// A uniform integer in [lo, hi].
int property_uniform(adonis::SplitMix64& rng, int lo, int hi) {
  return lo + static_cast<int>(rng.uniform() * (hi - lo + 1));
}

/// PREFIX + the first seed from `seed` on whose graph is connected (random families may draw a
/// disconnected graph, which the algorithms that need connectivity rightly refuse).
std::string connected_draw(const std::string& prefix, int seed) {
  for (int tries = 0; tries < 1000; ++tries, ++seed)
    if (adonis::is_connected(adonis::make_graph(prefix + std::to_string(seed)))) return prefix + std::to_string(seed);
  FAIL("no connected graph among 1000 seeds of " << prefix);
  return {};
}

/// A random connected graph SPEC of 4 to 12 nodes, from every family the CLI generates.
std::string property_graph(adonis::SplitMix64& rng) {
  const int n = property_uniform(rng, 4, 12), seed = property_uniform(rng, 1, 1000);
  switch (property_uniform(rng, 0, 7)) {
    case 0: return "ring:" + std::to_string(n);
    case 1: return "path:" + std::to_string(n);
    case 2: return "star:" + std::to_string(n);
    case 3: return "complete:" + std::to_string(n);
    case 4: return "torus:" + std::to_string(property_uniform(rng, 3, 4)) + "x" + std::to_string(property_uniform(rng, 3, 4));
    case 5: return "hypercube:" + std::to_string(property_uniform(rng, 2, 3));
    case 6: return connected_draw("erdos-renyi:" + std::to_string(n) + ":0.6:", seed);
    default: return connected_draw("geometric:" + std::to_string(n) + ":0.8:", seed);
  }
}

/// Every "key=value" of a summary line whose value is a number must be finite, except the
/// suboptimality of a run without a problem (nan: there is no objective to evaluate).
bool summary_numbers_finite(const std::string& out, std::string& bad) {
  const bool no_problem = out.find(" problem=none ") != std::string::npos;
  std::istringstream in(out);
  for (std::string token; in >> token;) {
    const auto eq = token.find('=');
    if (eq == std::string::npos) continue;
    if (no_problem && token.rfind("suboptimality=", 0) == 0) continue;
    const std::string value = token.substr(eq + 1);
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && *end == '\0' && !std::isfinite(x)) {
      bad = token;
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("property: every algorithm on random small graphs ends cleanly, finite and reproducible",
          "[cli][property]") {
  adonis::SplitMix64 rng(2026);
  const std::vector<std::string> smooth_first_order{"dgd", "gradient-tracking", "extra", "choco-sgd", "async-sgd"};
  int runs = 0;
  for (const adonis::AlgorithmInfo& info : adonis::algorithm_catalog()) {
    const std::string name(info.name);
    for (int k = 0; k < 3; ++k) {
      std::string args = "run --algorithm " + name + " --graph " + property_graph(rng) + " --seed " +
                         std::to_string(property_uniform(rng, 0, 100000));
      if (info.averaging) {
        args += " --dim " + std::to_string(property_uniform(rng, 1, 4));
      } else {
        const bool logistic =
            k == 2 && std::find(smooth_first_order.begin(), smooth_first_order.end(), name) != smooth_first_order.end();
        args += logistic ? " --problem logistic:heart_scale:0.05" : " --problem quadratic:dim=3,L=4,mu=0.4,zeta=1";
      }
      args += info.asynchronous ? " --iterations 2000" : " --iterations 200";
      if (info.asynchronous && k > 0) {  // the fault models, inside the stable range (latency < 0.1)
        std::ostringstream o;
        o << " --latency exp:" << 0.01 * property_uniform(rng, 1, 5) << " --drop " << 0.05 * property_uniform(rng, 0, 4)
          << (k == 2 ? " --churn 0.1:1" : "");
        args += o.str();
      }
      INFO(args);
      const auto first = run_cli(args), second = run_cli(args);
      INFO(first.out << first.err);
      CHECK(first.status == 0);
      CHECK(first.out.find(" status=diverged") == std::string::npos);
      std::string bad;
      const bool finite = summary_numbers_finite(first.out, bad);
      INFO("non-finite: " << bad);
      CHECK(finite);
      CHECK(first.out == second.out);  // the same seed, the same run
      ++runs;
    }
  }
  CHECK(runs == 3 * static_cast<int>(adonis::algorithm_catalog().size()));
}
