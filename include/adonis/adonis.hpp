// SPDX-License-Identifier: BSD-3-Clause
/// @file adonis.hpp
/// @brief Umbrella header: everything in adonis that is header-only.
///
/// Not included here, because they need the compiled Boost.Graph library (link
/// `adonis::io`): adonis/graph/readers.hpp (GraphML, DOT) and adonis/graph/spec.hpp (the
/// command line's graph SPEC grammar, which reads files). Nor adonis/runtime/mpi.hpp and
/// adonis/runtime/mpi_async.hpp, which need MPI (link `adonis::mpi`).
#pragma once

#include "adonis/version.hpp"

#include "adonis/core/data.hpp"
#include "adonis/core/error.hpp"
#include "adonis/core/newton.hpp"
#include "adonis/core/parallel.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/core/result.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/run.hpp"
#include "adonis/core/types.hpp"

#include "adonis/graph/closed_forms.hpp"
#include "adonis/graph/generators.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/io.hpp"
#include "adonis/graph/mixing.hpp"
#include "adonis/graph/quantities.hpp"
#include "adonis/graph/sequence.hpp"
#include "adonis/graph/spectral.hpp"

#include "adonis/problem/concepts.hpp"
#include "adonis/problem/constants.hpp"
#include "adonis/problem/smoothness.hpp"
#include "adonis/problem/dataset.hpp"
#include "adonis/problem/glm.hpp"
#include "adonis/problem/gradcheck.hpp"
#include "adonis/problem/median.hpp"
#include "adonis/problem/partition.hpp"
#include "adonis/problem/quadratic.hpp"
#include "adonis/problem/random.hpp"
#include "adonis/problem/reference.hpp"
#include "adonis/problem/spec.hpp"
#include "adonis/problem/stochastic.hpp"

#include "adonis/algorithm/dgd.hpp"
#include "adonis/algorithm/driver.hpp"
#include "adonis/algorithm/extra.hpp"
#include "adonis/algorithm/gossip.hpp"
#include "adonis/algorithm/gradient_tracking.hpp"
#include "adonis/algorithm/admm.hpp"
#include "adonis/algorithm/dual_averaging.hpp"
#include "adonis/algorithm/a2cid2.hpp"
#include "adonis/algorithm/adom_plus.hpp"
#include "adonis/algorithm/catalog.hpp"
#include "adonis/algorithm/async_admm.hpp"
#include "adonis/algorithm/async_sgd.hpp"
#include "adonis/algorithm/choco.hpp"
#include "adonis/algorithm/compression.hpp"
#include "adonis/algorithm/continuized_gossip.hpp"
#include "adonis/algorithm/dadao.hpp"
#include "adonis/algorithm/msda.hpp"
#include "adonis/algorithm/pairwise_gossip.hpp"
#include "adonis/sim/async.hpp"
#include "adonis/sim/engine.hpp"
#include "adonis/runtime/async.hpp"
#include "adonis/runtime/threads.hpp"
#include "adonis/theory/async_measure.hpp"
#include "adonis/theory/bounds.hpp"
#include "adonis/theory/checks.hpp"
#include "adonis/theory/fit.hpp"
#include "adonis/theory/linearized.hpp"
#include "adonis/theory/measure.hpp"
#include "adonis/theory/verdict.hpp"

#include "adonis/report/plot.hpp"
#include "adonis/report/rates.hpp"
#include "adonis/report/trace.hpp"
