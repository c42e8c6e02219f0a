// SPDX-License-Identifier: BSD-3-Clause
/// @file engine.hpp
/// @brief The deterministic event-driven engine of the asynchronous algorithms: Poisson
///        computation and communication clocks, message latency, drops, churn and
///        time-varying edge sets (docs/asynchrony.md).
///
/// Clocks. Node i computes on a Poisson clock of rate c_i; edge e = (i, j) communicates on a
/// Poisson clock of rate λ_e (edge-clock model, continuized/DADAO convention), or node i wakes
/// at rate r_i and picks a uniform neighbour (node-clock model, Boyd et al. 2006). All clocks
/// are independent, so their superposition is one Poisson process of rate R = Σ c_i + Σ λ_e
/// whose ticks are attributed to a clock with probability rate/R (exact; Walker's alias method
/// makes the choice O(1)). The communication-rate Laplacian is Λ = Σ_e λ_e (e_i − e_j)(e_i − e_j)ᵀ
/// (for the node-clock model λ_ij = r_i/d_i + r_j/d_j), with χ1 = 1/λ2⁺(Λ) and
/// χ2 = max_e ½ (e_i − e_j)ᵀ Λ⁺ (e_i − e_j) (theory-rates.md §0, §2, §9c).
///
/// Realism, each off by default and each on its own seeded stream:
///  - latency: an exchange that starts at t is delivered at t + τ (τ fixed or exponential);
///    the algorithm posts it with post() and receives it back as a `deliver` event;
///  - drops: a communication tick is dropped with probability p (a dropped exchange changes
///    nobody; its messages were sent and are counted);
///  - churn: every node alternates online periods (exponential, rate `churn.rate` of going
///    offline) and offline periods (exponential, mean `churn.mean_offline`); a tick of an
///    offline node (or of an edge with an offline end) does nothing and sends nothing;
///  - time-varying edge sets: the edges of the sequence's graph k are active during
///    [k·segment, (k+1)·segment), the total communication rate spread over them.
///
/// Determinism: every random draw is a pure function of the seed and the order of the
/// ticks, so the same seed gives a bit-identical event stream.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <boost/random/exponential_distribution.hpp>

#include "adonis/core/error.hpp"
#include "adonis/core/parse.hpp"
#include "adonis/core/rng.hpp"
#include "adonis/core/types.hpp"
#include "adonis/graph/graph.hpp"
#include "adonis/graph/sequence.hpp"

namespace adonis::sim {

/// Walker's alias method (Vose's construction): O(n) setup, O(1) sampling of an index with
/// probability weight_k / Σ weight. Uniform weights take a shortcut (one multiply-shift).
class AliasTable {
 public:
  AliasTable() = default;
  /// @throws InvalidArgument if a weight is negative or not finite, or all are zero.
  explicit AliasTable(const std::vector<double>& weights) {
    const std::size_t n = weights.size();
    double total = 0;
    for (double w : weights) {
      if (!(w >= 0) || !std::isfinite(w)) detail::fail("AliasTable", "weights must be finite and >= 0 (got ", w, ")");
      total += w;
    }
    if (n == 0 || !(total > 0)) detail::fail("AliasTable", "needs a positive total weight (got ", total, ")");
    m_total = total;
    m_uniform = std::all_of(weights.begin(), weights.end(), [&](double w) { return w == weights.front(); });
    m_size = n;
    if (m_uniform) return;
    m_prob.assign(n, 0.0);
    m_alias.assign(n, 0);
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t k = 0; k < n; ++k) {
      scaled[k] = weights[k] * static_cast<double>(n) / total;
      (scaled[k] < 1 ? small : large).push_back(static_cast<std::uint32_t>(k));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      m_prob[s] = scaled[s];
      m_alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (std::uint32_t k : large) m_prob[k] = 1.0;
    for (std::uint32_t k : small) m_prob[k] = 1.0;  // rounding leftovers
  }
  /// Sum of the weights.
  double total() const noexcept { return m_total; }
  std::size_t size() const noexcept { return m_size; }
  /// An index drawn with probability weight_k / total.
  std::size_t sample(SplitMix64& rng) const noexcept {
    const std::uint64_t bits = rng();
    __extension__ using Wide = unsigned __int128;
    const auto k = static_cast<std::size_t>((static_cast<Wide>(bits) * m_size) >> 64);
    if (m_uniform) return k;
    // the low 53 bits are independent enough of the high bits used for k (Lemire, 2019)
    const double u = static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) * 0x1.0p-53;
    return u < m_prob[k] ? k : m_alias[k];
  }

 private:
  std::size_t m_size = 0;
  double m_total = 0;
  bool m_uniform = true;
  std::vector<double> m_prob;
  std::vector<std::uint32_t> m_alias;
};

/// Message latency: none, a fixed delay, or an exponential delay of the given mean.
struct Latency {
  enum class Kind { none, fixed, exponential };
  Kind kind = Kind::none;
  double value = 0;  ///< the delay (fixed) or its mean (exponential), in simulated time units
  bool enabled() const noexcept { return kind != Kind::none; }
  /// Parses `0` / `none`, `T` (fixed delay T) or `exp:MEAN`.
  static Latency parse(const std::string& text) {
    Latency l;
    if (text.empty() || text == "none" || text == "0") return l;
    std::string number = text;
    l.kind = Kind::fixed;
    if (text.rfind("exp:", 0) == 0) {
      l.kind = Kind::exponential;
      number = text.substr(4);
    }
    if (!detail::try_parse_number(number, l.value) || !(l.value > 0) || !std::isfinite(l.value))
      detail::fail("latency", "expected 0, a delay T > 0 or exp:MEAN with MEAN > 0 (got '", text, "')");
    return l;
  }
};

/// Node churn: an online node goes offline at rate `rate`; it stays offline for an
/// exponential time of mean `mean_offline`. The stationary offline fraction is
/// rate·mean_offline / (1 + rate·mean_offline). Disabled when rate = 0.
struct Churn {
  double rate = 0;
  double mean_offline = 0;
  bool enabled() const noexcept { return rate > 0; }
  /// Parses `0` / `none` or `RATE:MEAN_OFFLINE`.
  static Churn parse(const std::string& text) {
    Churn c;
    if (text.empty() || text == "none" || text == "0") return c;
    const auto parts = detail::split(text, ':');
    if (parts.size() != 2) detail::fail("churn", "expected RATE:MEAN_OFFLINE (got '", text, "')");
    if (!detail::try_parse_number(parts[0], c.rate) || !detail::try_parse_number(parts[1], c.mean_offline))
      detail::fail("churn", "expected RATE:MEAN_OFFLINE with two numbers (got '", text, "')");
    c.validate();
    return c;
  }
  void validate() const {
    if (!(rate >= 0) || !std::isfinite(rate)) detail::fail("churn", "rate must be finite and >= 0 (got ", rate, ")");
    if (rate > 0 && (!(mean_offline > 0) || !std::isfinite(mean_offline)))
      detail::fail("churn", "mean_offline must be finite and > 0 (got ", mean_offline, ")");
  }
};

/// Which clocks drive communication.
enum class ClockModel {
  edge,  ///< every edge has its own Poisson clock (continuized gossip, DADAO, A²CiD²)
  node,  ///< every node has a clock and contacts a uniform neighbour (Boyd et al. 2006)
};

/// Options of EventEngine. Rates are per unit of simulated time.
struct EngineOptions {
  /// Each node's computation clock rate c_i (0: no computation events, e.g. pure gossip).
  double compute_rate = 1.0;
  /// Per-node computation rates (stragglers); overrides compute_rate when non-empty.
  std::vector<double> compute_rates;
  /// Total communication rate: each of the |E| edges fires at comm_rate/|E| (edge clocks),
  /// or each of the n nodes wakes at comm_rate/n (node clocks). comm_rate = 1 with edge
  /// clocks gives Λ = L/|E|, graph-info's normalization of χ1, χ2.
  double comm_rate = 1.0;
  /// Per-edge rates λ_e in edge_list() order (edge clocks, static graph); overrides comm_rate.
  std::vector<double> edge_rates;
  ClockModel clock = ClockModel::edge;
  Latency latency;
  double drop = 0;  ///< probability that a communication tick is dropped
  Churn churn;
  double segment = 1.0;  ///< duration of each graph of a time-varying sequence
  std::uint64_t seed = 0;

  void validate(Index n) const {
    auto finite_nonneg = [](const char* field, double v) {
      if (!(v >= 0) || !std::isfinite(v)) detail::fail("EngineOptions", field, " must be finite and >= 0 (got ", v, ")");
    };
    finite_nonneg("compute_rate", compute_rate);
    finite_nonneg("comm_rate", comm_rate);
    if (!compute_rates.empty() && static_cast<Index>(compute_rates.size()) != n)
      detail::fail<DimensionMismatch>("EngineOptions", "compute_rates needs one rate per node: ", n, " (got ",
                                      compute_rates.size(), ")");
    for (double r : compute_rates) finite_nonneg("compute_rates[i]", r);
    for (double r : edge_rates) finite_nonneg("edge_rates[e]", r);
    if (!(drop >= 0 && drop < 1)) detail::fail("EngineOptions", "drop must be in [0, 1) (got ", drop, ")");
    churn.validate();
    if (!(segment > 0) || !std::isfinite(segment))
      detail::fail("EngineOptions", "segment must be finite and > 0 (got ", segment, ")");
  }
};

/// The options with every computation clock off (compute rate 0): for the algorithms that
/// only communicate (gossip, async ADMM).
inline EngineOptions without_compute(EngineOptions o) {
  o.compute_rate = 0;
  o.compute_rates.clear();
  return o;
}

/// What happened at an event.
enum class EventKind : std::uint8_t {
  compute,      ///< node i's computation clock ticked
  communicate,  ///< a communication clock ticked: i exchanges with j (i initiated)
  deliver,      ///< an exchange posted with post() arrives (token identifies it)
};

/// Whether a tick takes effect.
enum class EventStatus : std::uint8_t {
  ok,
  dropped,  ///< communication lost: the messages were sent, nobody changes
  offline,  ///< a node involved is offline: nothing is sent, nobody changes
};

/// One event of the stream.
struct Event {
  EventKind kind = EventKind::compute;
  EventStatus status = EventStatus::ok;
  Index i = 0;
  Index j = 0;             ///< the partner (communicate)
  double time = 0;         ///< simulated time of the event
  std::uint32_t token = 0; ///< the posted token (deliver)
};

/// Counts of what the engine produced.
struct EngineStats {
  std::int64_t ticks = 0;            ///< Poisson ticks (compute + communicate)
  std::int64_t compute = 0;          ///< computation ticks that took effect
  std::int64_t exchanges = 0;        ///< communication ticks that took effect
  std::int64_t dropped = 0;          ///< communication ticks dropped
  std::int64_t offline = 0;          ///< ticks lost to churn
  std::int64_t delivered = 0;        ///< deliver events
};

/// The seeded stream of timed events (see the file comment).
class EventEngine {
 public:
  /// Engine over a static graph.
  /// @throws InvalidArgument on invalid options, InvalidTopology if the graph has no edge.
  EventEngine(const Graph& g, EngineOptions options) : m_n(adonis::num_nodes(g)), m_options(std::move(options)) {
    setup_common();
    set_edges(edge_list(g));
    if (!m_options.edge_rates.empty() && m_options.edge_rates.size() != m_edges.size())
      detail::fail<DimensionMismatch>("EngineOptions", "edge_rates needs one rate per edge: ", m_edges.size(), " (got ",
                                      m_options.edge_rates.size(), ")");
    rebuild_tables();
    draw_next_tick(0.0);
  }
  /// Engine over a time-varying edge set: graph k = the support of sequence.mixing(k) is active
  /// during [k·segment, (k+1)·segment).
  EventEngine(AnySequence sequence, EngineOptions options)
      : m_n(sequence.num_nodes()), m_options(std::move(options)), m_sequence(std::move(sequence)) {
    if (!m_options.edge_rates.empty())
      detail::fail("EngineOptions", "edge_rates is for a static graph (got a time-varying sequence)");
    setup_common();
    set_edges(edge_list(support_graph(m_sequence->mixing(0))));
    m_segment_end = m_options.segment;
    rebuild_tables();
    draw_next_tick(0.0);
  }

  Index num_nodes() const noexcept { return m_n; }
  const EngineOptions& options() const noexcept { return m_options; }
  /// Simulated time of the last event returned.
  double now() const noexcept { return m_now; }
  const EngineStats& stats() const noexcept { return m_stats; }
  /// The edges active now (edge_list order) and their communication rates λ_e.
  const std::vector<Edge>& edges() const noexcept { return m_edges; }
  const std::vector<double>& edge_rates() const noexcept { return m_edge_rates; }
  /// Total rate of the computation clocks and of the communication clocks.
  double total_compute_rate() const noexcept { return m_compute_total; }
  double total_comm_rate() const noexcept { return m_comm_total; }

  /// The next event: a due delivery if one is due before the next tick, else the tick. The
  /// reference stays valid until the following call (no copy per event: bench_async).
  const Event& next() {
    if (!m_pending.empty() && m_pending.top().time <= m_slot[m_ahead].time) {
      const Pending p = m_pending.top();
      m_pending.pop();
      m_now = p.time;
      ++m_stats.delivered;
      m_delivery.kind = EventKind::deliver;
      m_delivery.status = EventStatus::ok;
      m_delivery.time = p.time;
      m_delivery.token = p.token;
      m_delivery.i = p.i;
      m_delivery.j = p.j;
      return m_delivery;
    }
    Event& e = m_slot[m_ahead];
    m_ahead ^= 1;
    m_now = e.time;
    ++m_stats.ticks;
    if (m_options.churn.enabled() &&
        (!online(e.i, e.time) || (e.kind == EventKind::communicate && !online(e.j, e.time)))) {
      e.status = EventStatus::offline;
      ++m_stats.offline;
    } else if (e.kind == EventKind::communicate && m_options.drop > 0 && m_drop_rng.uniform() < m_options.drop) {
      e.status = EventStatus::dropped;
      ++m_stats.dropped;
    } else {
      ++(e.kind == EventKind::compute ? m_stats.compute : m_stats.exchanges);
    }
    draw_next_tick(e.time);
    return e;
  }
  /// The last tick returned by next() (a default Event before the first).
  const Event& last_tick() const noexcept { return m_slot[m_ahead ^ 1]; }

  /// True if the tick that started the exchange must be followed by a delivery (latency on).
  bool delayed() const noexcept { return m_options.latency.enabled(); }
  /// Schedules the delivery of an exchange (i, j) started now, after the latency; `token` is
  /// handed back in the deliver event.
  void post(std::uint32_t token, Index i, Index j) {
    double delay = m_options.latency.value;
    if (m_options.latency.kind == Latency::Kind::exponential)
      delay = -std::log1p(-m_latency_rng.uniform()) * m_options.latency.value;
    m_pending.push({m_now + delay, m_post_counter++, token, i, j});
  }
  /// Exchanges posted and not yet delivered.
  std::size_t in_flight() const noexcept { return m_pending.size(); }

  /// Whether node i is online at time t (t never decreases between calls for a node).
  bool online(Index i, double t) {
    auto& s = m_churn_state[static_cast<std::size_t>(i)];
    while (s.next_toggle <= t) {
      s.is_online = !s.is_online;
      const double mean = s.is_online ? 1 / m_options.churn.rate : m_options.churn.mean_offline;
      s.next_toggle += -std::log1p(-s.rng.uniform()) * mean;
    }
    return s.is_online;
  }

 private:
  struct Pending {
    double time;
    std::uint64_t order;  // ties broken by posting order: deterministic
    std::uint32_t token;
    Index i, j;
    bool operator>(const Pending& o) const { return time > o.time || (time == o.time && order > o.order); }
  };
  struct ChurnState {
    bool is_online = true;
    double next_toggle = std::numeric_limits<double>::infinity();
    SplitMix64 rng;
  };

  void setup_common() {
    m_options.validate(m_n);
    if (m_n < 2) detail::fail<InvalidTopology>("EventEngine", "needs at least 2 nodes (got ", m_n, ")");
    m_tick_rng = SplitMix64(m_options.seed, 0x5e1, 0);
    m_drop_rng = SplitMix64(m_options.seed, 0x5e2, 0);
    m_latency_rng = SplitMix64(m_options.seed, 0x5e3, 0);
    std::vector<double> c = m_options.compute_rates;
    if (c.empty()) c.assign(static_cast<std::size_t>(m_n), m_options.compute_rate);
    m_compute_total = 0;
    for (double r : c) m_compute_total += r;
    if (m_compute_total > 0) m_compute_table = AliasTable(c);
    if (m_options.churn.enabled()) {
      m_churn_state.resize(static_cast<std::size_t>(m_n));
      for (Index i = 0; i < m_n; ++i) {
        auto& s = m_churn_state[static_cast<std::size_t>(i)];
        s.rng = SplitMix64(m_options.seed, 0x5e4, static_cast<std::uint64_t>(i));
        s.next_toggle = -std::log1p(-s.rng.uniform()) / m_options.churn.rate;
      }
    }
  }

  void set_edges(std::vector<Edge> edges) {
    if (edges.empty()) detail::fail<InvalidTopology>("EventEngine", "the graph has no edge (n = ", m_n, ")");
    m_edges = std::move(edges);
    m_degree.assign(static_cast<std::size_t>(m_n), 0);
    for (const auto& [u, v] : m_edges) {
      ++m_degree[static_cast<std::size_t>(u)];
      ++m_degree[static_cast<std::size_t>(v)];
    }
  }

  // Rates of the current edges, and the sampling tables of the communication channels.
  void rebuild_tables() {
    const auto m = m_edges.size();
    m_edge_rates.assign(m, 0.0);
    m_channels.clear();
    std::vector<double> weights;
    if (m_options.clock == ClockModel::edge) {
      for (std::size_t e = 0; e < m; ++e)
        m_edge_rates[e] = m_options.edge_rates.empty() ? m_options.comm_rate / static_cast<double>(m)
                                                       : m_options.edge_rates[e];
      m_channels.reserve(m);
      for (const auto& [u, v] : m_edges) m_channels.push_back({u, v});
      weights = m_edge_rates;
    } else {
      // node i wakes at r = comm_rate/n and contacts each neighbour with probability 1/d_i
      const double r = m_options.comm_rate / static_cast<double>(m_n);
      m_channels.reserve(2 * m);
      weights.reserve(2 * m);
      for (std::size_t e = 0; e < m; ++e) {
        const auto [u, v] = m_edges[e];
        const double wu = m_degree[static_cast<std::size_t>(u)] ? r / m_degree[static_cast<std::size_t>(u)] : 0.0;
        const double wv = m_degree[static_cast<std::size_t>(v)] ? r / m_degree[static_cast<std::size_t>(v)] : 0.0;
        m_channels.push_back({u, v});
        weights.push_back(wu);
        m_channels.push_back({v, u});
        weights.push_back(wv);
        m_edge_rates[e] = wu + wv;
      }
    }
    m_comm_total = 0;
    for (double w : weights) m_comm_total += w;
    if (m_comm_total > 0) m_comm_table = AliasTable(weights);
    if (!(m_compute_total + m_comm_total > 0))
      detail::fail("EventEngine", "all clock rates are zero (compute_rate = ", m_options.compute_rate,
                   ", comm_rate = ", m_options.comm_rate, ")");
    m_mean_gap = 1 / (m_compute_total + m_comm_total);  // a multiply per tick, not a divide
  }

  // Draws the tick after time `from` into the look-ahead slot (memoryless: a segment switch
  // restarts the clocks there).
  void draw_next_tick(double from) {
    double t = from + unit_exponential() * m_mean_gap;
    if (t >= m_segment_end) [[unlikely]] t = switch_segments(t);  // never for a static graph
    Event& e = m_slot[m_ahead];
    e.time = t;
    e.status = EventStatus::ok;
    const double all = m_compute_total + m_comm_total;
    if (m_compute_total > 0 && (m_comm_total == 0 || m_tick_rng.uniform() * all < m_compute_total)) {
      e.kind = EventKind::compute;
      e.i = static_cast<Index>(m_compute_table.sample(m_tick_rng));
      e.j = e.i;
    } else {
      e.kind = EventKind::communicate;
      const auto& [u, v] = m_channels[m_comm_table.sample(m_tick_rng)];
      e.i = u;
      e.j = v;
    }
  }

  // Moves to the segment that contains the tick at t (time-varying edge sets), redrawing the
  // tick from each boundary crossed; returns the tick's time.
  [[gnu::noinline]] double switch_segments(double t) {
    while (t >= m_segment_end) {
      ++m_segment;
      const double start = m_segment_end;
      m_segment_end = start + m_options.segment;
      set_edges(edge_list(support_graph(m_sequence->mixing(m_segment))));
      rebuild_tables();
      t = start + unit_exponential() * m_mean_gap;
    }
    return t;
  }

  // Exp(1) by Boost.Random's ziggurat (Marsaglia & Tsang 2000): exact, and about 5x cheaper
  // than −log(1 − U), which dominated the cost of a gossip event (bench_async).
  double unit_exponential() { return boost::random::exponential_distribution<double>(1.0)(m_tick_rng); }

  Index m_n;
  EngineOptions m_options;
  std::optional<AnySequence> m_sequence;
  Round m_segment = 0;
  double m_segment_end = std::numeric_limits<double>::infinity();
  std::vector<Edge> m_edges;
  std::vector<Index> m_degree;
  std::vector<double> m_edge_rates;
  std::vector<Edge> m_channels;
  AliasTable m_compute_table, m_comm_table;
  double m_compute_total = 0, m_comm_total = 0, m_mean_gap = 0;
  SplitMix64 m_tick_rng, m_drop_rng, m_latency_rng;
  std::vector<ChurnState> m_churn_state;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> m_pending;
  std::uint64_t m_post_counter = 0;
  // Two tick slots: m_slot[m_ahead] is the next tick, already drawn (its time decides whether a
  // delivery goes first); the other holds the tick last returned.
  Event m_slot[2];
  int m_ahead = 0;
  Event m_delivery;
  double m_now = 0;
  EngineStats m_stats;
};

}  // namespace adonis::sim
