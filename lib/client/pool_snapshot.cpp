#include "relayload/client/pool_snapshot.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "relayload/error.hpp"

namespace relayload::client {

void pool_counters::merge(const pool_counters& o) noexcept {
  planned += o.planned;
  started += o.started;
  not_started += o.not_started;
  immediate += o.immediate;
  recovered += o.recovered;
  failed += o.failed;
  retries += o.retries;
  attempts += o.attempts;
  errors += o.errors;
  connected_now += o.connected_now;
  down_now += o.down_now;
  peak_down += o.peak_down;
  drops += o.drops;
  reconnects += o.reconnects;
  stopped_early += o.stopped_early;
  hold_drops += o.hold_drops;
  hold_reconnects += o.hold_reconnects;
  down_at_hold_start += o.down_at_hold_start;
  down_at_hold_end += o.down_at_hold_end;
  hold_peak_down += o.hold_peak_down;
  hold_dropped_connections += o.hold_dropped_connections;
  closed += o.closed;
  aborted += o.aborted;
}

namespace {
auto tie(const pool_counters& c) {
  return std::tie(c.planned, c.started, c.not_started, c.immediate, c.recovered, c.failed,
                  c.retries, c.attempts, c.errors, c.connected_now, c.down_now, c.peak_down,
                  c.drops, c.reconnects, c.stopped_early, c.hold_drops, c.hold_reconnects,
                  c.down_at_hold_start, c.down_at_hold_end, c.hold_peak_down,
                  c.hold_dropped_connections, c.closed, c.aborted);
}
}  // namespace

bool operator==(const pool_counters& a, const pool_counters& b) noexcept {
  return tie(a) == tie(b);
}

metrics::time_series_options pool_series_options(std::chrono::nanoseconds interval) {
  metrics::time_series_options o;
  o.interval = interval;
  o.counters = {"connects", "drops", "reconnects", "errors", "failed"};
  o.gauges = {"active", "down"};
  return o;
}

pool_snapshot::pool_snapshot()
    : pool_snapshot(metrics::histogram_layout{}, pool_series_options()) {}

pool_snapshot::pool_snapshot(const metrics::histogram_layout& layout,
                             metrics::time_series_options series)
    : connect_time(layout),
      service_time(layout),
      resolve(layout),
      tcp_connect(layout),
      tls_handshake(layout),
      ws_upgrade(layout),
      connect_reply(layout),
      time_to_failure(layout),
      time_to_reconnect(layout),
      activity(std::move(series)) {}

std::uint64_t pool_snapshot::peak_of(const std::vector<std::int64_t>& log, std::int64_t begin,
                                     std::int64_t end) noexcept {
  std::int64_t level = 0;
  std::int64_t peak = 0;
  bool inside = begin < 0;
  for (const std::int64_t e : log) {
    const std::int64_t t = e >> 1;
    if (!inside && t >= begin) {
      inside = true;
      peak = std::max(peak, level);  // the level the window starts with
    }
    if (end >= 0 && t >= end) break;
    level += (e & 1) != 0 ? 1 : -1;
    if (inside) peak = std::max(peak, level);
  }
  if (!inside) peak = std::max(peak, level);  // window after every event
  return static_cast<std::uint64_t>(std::max<std::int64_t>(peak, 0));
}

result<void> pool_snapshot::merge(const pool_snapshot& o) {
  if (connect_time.layout() != o.connect_time.layout() ||
      activity.options() != o.activity.options()) {
    return unexpected(errc::layout_mismatch);
  }
  // Work on a copy so a failure half-way leaves *this unchanged.
  pool_snapshot m = *this;
  for (auto [mine, theirs] :
       {std::pair{&m.connect_time, &o.connect_time}, std::pair{&m.service_time, &o.service_time},
        std::pair{&m.resolve, &o.resolve}, std::pair{&m.tcp_connect, &o.tcp_connect},
        std::pair{&m.tls_handshake, &o.tls_handshake}, std::pair{&m.ws_upgrade, &o.ws_upgrade},
        std::pair{&m.connect_reply, &o.connect_reply},
        std::pair{&m.time_to_failure, &o.time_to_failure},
        std::pair{&m.time_to_reconnect, &o.time_to_reconnect}}) {
    if (auto r = mine->merge(*theirs); !r) return r;
  }
  if (auto r = m.activity.merge(o.activity); !r) return r;
  m.errors.merge(o.errors);
  m.disconnects.merge(o.disconnects);
  m.failures.merge(o.failures);
  m.generator.merge(o.generator);
  m.counters.merge(o.counters);

  if (o.hold_begin_ns >= 0) {
    m.hold_begin_ns =
        m.hold_begin_ns < 0 ? o.hold_begin_ns : std::min(m.hold_begin_ns, o.hold_begin_ns);
  }
  if (o.hold_end_ns >= 0) m.hold_end_ns = std::max(m.hold_end_ns, o.hold_end_ns);

  m.down_log_complete = down_log_complete && o.down_log_complete;
  if (m.down_log_complete) {
    // Each log is in event order; merging by time keeps each shard's own order.
    std::vector<std::int64_t> merged;
    merged.reserve(down_log.size() + o.down_log.size());
    std::merge(down_log.begin(), down_log.end(), o.down_log.begin(), o.down_log.end(),
               std::back_inserter(merged),
               [](std::int64_t a, std::int64_t b) { return (a >> 1) < (b >> 1); });
    m.down_log = std::move(merged);
    m.counters.peak_down = peak_of(m.down_log);
    if (m.hold_begin_ns >= 0) {
      m.counters.hold_peak_down = peak_of(m.down_log, m.hold_begin_ns, m.hold_end_ns);
    }
  } else {
    m.down_log.clear();
  }
  m.shards = shards + o.shards;
  *this = std::move(m);
  return {};
}

}  // namespace relayload::client
