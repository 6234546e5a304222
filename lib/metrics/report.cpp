#include "relayload/metrics/report.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "relayload/error.hpp"

namespace relayload::metrics {

namespace {

double percent(std::uint64_t part, std::uint64_t whole) noexcept {
  if (whole == 0) return 0.0;
  return static_cast<double>(part) / static_cast<double>(whole) * 100.0;
}

std::uint64_t add(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

// Both present or both absent; merges with `f` when present.
template <class T, class F>
result<void> merge_optional(std::optional<T>& mine, const std::optional<T>& theirs, F f) {
  if (mine.has_value() != theirs.has_value()) return unexpected(errc::invalid_argument);
  if (!mine) return {};
  return f(*mine, *theirs);
}

}  // namespace

double connection_counts::success_rate() const noexcept { return percent(successful, attempted); }
double handshake_section::success_rate() const noexcept { return percent(successful, attempted); }
double messages_section::delivery_rate() const noexcept { return percent(received, sent); }
double recovery_section::delivery_rate() const noexcept { return percent(received, attempted); }

std::vector<latency_point> latency_over_time(const time_series& series) {
  std::vector<latency_point> out;
  for (const interval_snapshot& s : series.intervals()) {
    if (!s.latency || s.latency->empty()) continue;
    latency_point p;
    const auto end =
        std::chrono::duration_cast<std::chrono::milliseconds>(series.start_of(s.index + 1));
    p.timestamp_ms = static_cast<std::int64_t>(end.count());
    p.p50 = static_cast<double>(s.latency->value_at_percentile(50.0)) / 1e6;
    p.p99 = static_cast<double>(s.latency->value_at_percentile(99.0)) / 1e6;
    p.exchanges = s.latency->count();
    out.push_back(p);
  }
  return out;
}

double report::connections_per_sec() const noexcept {
  if (total_time <= std::chrono::nanoseconds::zero()) return 0.0;
  return static_cast<double>(connections.attempted) /
         std::chrono::duration<double>(total_time).count();
}

double report::avg_retries_per_connection() const noexcept {
  if (connections.attempted == 0) return 0.0;
  return static_cast<double>(total_retries) / static_cast<double>(connections.attempted);
}

double report::connection_stability() const noexcept {
  if (!steady_state || connections.successful == 0) return 0.0;
  const std::uint64_t down = std::min(steady_state->dropped_connections, connections.successful);
  return percent(connections.successful - down, connections.successful);
}

result<void> report::merge(const report& other) {
  if (scenario != other.scenario || target != other.target || config != other.config) {
    return unexpected(errc::invalid_argument);
  }
  // Ranks: both unsharded, or disjoint ranks of the same shard count.
  if (ranks.empty() != other.ranks.empty()) return unexpected(errc::invalid_argument);
  for (const rank_info& theirs : other.ranks) {
    for (const rank_info& mine : ranks) {
      if (mine.shard_count != theirs.shard_count || mine.rank == theirs.rank) {
        return unexpected(errc::invalid_argument);
      }
    }
  }
  if (groups.size() != other.groups.size() || (capacity && other.capacity)) {
    return unexpected(errc::invalid_argument);
  }
  // Work on a copy so that any refusal leaves *this unchanged.
  report m = *this;
  for (std::size_t i = 0; i < m.groups.size(); ++i) {
    if (m.groups[i].name != other.groups[i].name) return unexpected(errc::invalid_argument);
    if (auto r = m.groups[i].result.merge(other.groups[i].result); !r) return r;
  }
  if (!m.capacity) m.capacity = other.capacity;
  if (!m.target_series) m.target_series = other.target_series;
  const auto merge_histogram = [](histogram& a, const histogram& b) { return a.merge(b); };

  if (auto r = merge_optional(m.connect_time, other.connect_time, merge_histogram); !r) return r;
  if (auto r = merge_optional(m.steady_state, other.steady_state,
                              [](steady_state_section& a, const steady_state_section& b) {
                                a.hold_duration = std::max(a.hold_duration, b.hold_duration);
                                a.current_disconnects =
                                    add(a.current_disconnects, b.current_disconnects);
                                a.peak_disconnects = add(a.peak_disconnects, b.peak_disconnects);
                                a.reconnects_during_hold =
                                    add(a.reconnects_during_hold, b.reconnects_during_hold);
                                a.disconnect_events = add(a.disconnect_events, b.disconnect_events);
                                a.dropped_connections =
                                    add(a.dropped_connections, b.dropped_connections);
                                return result<void>{};
                              });
      !r) {
    return r;
  }
  if (auto r = merge_optional(m.handshake, other.handshake,
                              [](handshake_section& a, const handshake_section& b) {
                                a.attempted = add(a.attempted, b.attempted);
                                a.successful = add(a.successful, b.successful);
                                a.failed = add(a.failed, b.failed);
                                return a.latency.merge(b.latency);
                              });
      !r) {
    return r;
  }
  if (auto r = merge_optional(m.messages, other.messages,
                              [](messages_section& a, const messages_section& b) {
                                a.sent = add(a.sent, b.sent);
                                a.received = add(a.received, b.received);
                                a.failed = add(a.failed, b.failed);
                                return a.latency.merge(b.latency);
                              });
      !r) {
    return r;
  }
  if (auto r = merge_optional(m.recovery, other.recovery,
                              [](recovery_section& a, const recovery_section& b) {
                                a.attempted = add(a.attempted, b.attempted);
                                a.received = add(a.received, b.received);
                                a.failed = add(a.failed, b.failed);
                                return a.latency.merge(b.latency);
                              });
      !r) {
    return r;
  }
  if (auto r = merge_optional(
          m.steady_messaging, other.steady_messaging,
          [](steady_messaging_section& a, const steady_messaging_section& b) -> result<void> {
            if (a.duration != b.duration || a.message_interval != b.message_interval) {
              return unexpected(errc::invalid_argument);
            }
            a.disconnects = add(a.disconnects, b.disconnects);
            return a.latency_over_time.merge(b.latency_over_time);
          });
      !r) {
    return r;
  }

  // Named histograms and series: the same names on both sides (a shard that saw no events
  // still reports an empty histogram), merged pairwise.
  if (m.histograms.size() != other.histograms.size() || m.series.size() != other.series.size()) {
    return unexpected(errc::invalid_argument);
  }
  for (const auto& [name, h] : other.histograms) {
    const auto it = m.histograms.find(name);
    if (it == m.histograms.end()) return unexpected(errc::invalid_argument);
    if (auto r = it->second.merge(h); !r) return r;
  }
  for (const auto& [name, s] : other.series) {
    const auto it = m.series.find(name);
    if (it == m.series.end()) return unexpected(errc::invalid_argument);
    if (auto r = it->second.merge(s); !r) return r;
  }

  const auto is_set = [](report_time t) { return t.time_since_epoch().count() != 0; };
  if (!is_set(m.start_time) || (is_set(other.start_time) && other.start_time < m.start_time)) {
    m.start_time = other.start_time;
  }
  m.end_time = std::max(m.end_time, other.end_time);
  m.total_time = std::max(m.total_time, other.total_time);
  m.connections.attempted = add(m.connections.attempted, other.connections.attempted);
  m.connections.successful = add(m.connections.successful, other.connections.successful);
  m.connections.failed = add(m.connections.failed, other.connections.failed);
  m.connections.immediate = add(m.connections.immediate, other.connections.immediate);
  m.connections.recovered = add(m.connections.recovered, other.connections.recovered);
  if (m.connections_opened && other.connections_opened) {
    m.connections_opened = add(*m.connections_opened, *other.connections_opened);
  } else {
    m.connections_opened.reset();
  }
  for (const std::string& k : other.config_unused) {
    if (std::find(m.config_unused.begin(), m.config_unused.end(), k) == m.config_unused.end()) {
      m.config_unused.push_back(k);
    }
  }
  m.total_retries = add(m.total_retries, other.total_retries);
  m.counters.merge(other.counters);
  m.errors.merge(other.errors);
  m.partial = m.partial || other.partial;
  m.parts = add(m.parts, other.parts);
  m.ranks.insert(m.ranks.end(), other.ranks.begin(), other.ranks.end());
  std::sort(m.ranks.begin(), m.ranks.end(),
            [](const rank_info& a, const rank_info& b) { return a.rank < b.rank; });
  for (const slo_objective& o : other.slos) {
    if (std::find(m.slos.begin(), m.slos.end(), o) == m.slos.end()) m.slos.push_back(o);
  }
  *this = std::move(m);
  return {};
}

bool operator==(const report& a, const report& b) {
  return a.scenario == b.scenario && a.target == b.target && a.start_time == b.start_time &&
         a.end_time == b.end_time && a.config == b.config && a.config_unused == b.config_unused &&
         a.connections == b.connections && a.connections_opened == b.connections_opened &&
         a.total_time == b.total_time && a.connect_time == b.connect_time &&
         a.total_retries == b.total_retries && a.steady_state == b.steady_state &&
         a.handshake == b.handshake && a.messages == b.messages && a.recovery == b.recovery &&
         a.steady_messaging == b.steady_messaging && a.histograms == b.histograms &&
         a.counters == b.counters && a.errors == b.errors && a.series == b.series &&
         a.partial == b.partial && a.parts == b.parts && a.ranks == b.ranks && a.slos == b.slos &&
         a.groups == b.groups && a.capacity == b.capacity &&
         a.target_series == b.target_series;
}

const group_report* report::group(std::string_view name) const noexcept {
  for (const group_report& g : groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

report workload_totals(const std::vector<group_report>& groups) {
  report t;
  t.parts = 0;
  bool any_opened = false;
  std::uint64_t opened = 0;
  const auto add_section = [](auto& into, const auto& from, auto&& add_fields) {
    if (!from) return;
    if (!into) {
      into = *from;
      return;
    }
    add_fields(*into, *from);
  };
  for (const group_report& g : groups) {
    const report& r = g.result;
    t.parts = std::max(t.parts, r.parts);
    t.partial = t.partial || r.partial;
    t.total_time = std::max(t.total_time, r.total_time);
    t.connections.attempted = add(t.connections.attempted, r.connections.attempted);
    t.connections.successful = add(t.connections.successful, r.connections.successful);
    t.connections.failed = add(t.connections.failed, r.connections.failed);
    t.connections.immediate = add(t.connections.immediate, r.connections.immediate);
    t.connections.recovered = add(t.connections.recovered, r.connections.recovered);
    if (r.connections_opened) {
      any_opened = true;
      opened = add(opened, *r.connections_opened);
    } else if (r.connect_time) {
      // Connection pools count successful connects; each is one WebSocket opened.
      any_opened = true;
      opened = add(opened, r.connections.successful);
    }
    t.total_retries = add(t.total_retries, r.total_retries);
    add_section(t.connect_time, r.connect_time,
                [](histogram& a, const histogram& b) { (void)a.merge(b); });
    add_section(t.handshake, r.handshake, [](handshake_section& a, const handshake_section& b) {
      a.attempted = add(a.attempted, b.attempted);
      a.successful = add(a.successful, b.successful);
      a.failed = add(a.failed, b.failed);
      (void)a.latency.merge(b.latency);
    });
    add_section(t.messages, r.messages, [](messages_section& a, const messages_section& b) {
      a.sent = add(a.sent, b.sent);
      a.received = add(a.received, b.received);
      a.failed = add(a.failed, b.failed);
      (void)a.latency.merge(b.latency);
    });
    add_section(t.recovery, r.recovery, [](recovery_section& a, const recovery_section& b) {
      a.attempted = add(a.attempted, b.attempted);
      a.received = add(a.received, b.received);
      a.failed = add(a.failed, b.failed);
      (void)a.latency.merge(b.latency);
    });
    for (const auto& [name, h] : r.histograms) {
      auto it = t.histograms.find(name);
      if (it == t.histograms.end()) t.histograms.emplace(name, h);
      else (void)it->second.merge(h);  // same layout: every histogram of a run shares one
    }
    t.counters.merge(r.counters);
    t.errors.merge(r.errors);
  }
  // Series: summed by name where every group that has one agrees on its layout.
  std::map<std::string, std::optional<time_series>, std::less<>> series;
  for (const group_report& g : groups) {
    for (const auto& [name, s] : g.result.series) {
      auto it = series.find(name);
      if (it == series.end()) {
        series.emplace(name, s);
      } else if (it->second && !it->second->merge(s)) {
        it->second.reset();  // layouts differ (pools and pairs count different things)
      }
    }
  }
  for (auto& [name, s] : series) {
    if (s) t.series.emplace(name, std::move(*s));
  }
  if (any_opened) t.connections_opened = opened;
  return t;
}

}  // namespace relayload::metrics
