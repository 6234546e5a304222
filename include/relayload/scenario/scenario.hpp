// relayload::scenario::scenario_shard and scenario_info — how a scenario plugs into the
// runner. A scenario is a factory of shards: the runner builds one shard per thread, each
// with its own io_context, connections, pacer and metrics (share-nothing), starts them
// together at one t0 and merges their reports at the end.
#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "relayload/metrics/report.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/pacing/pacer.hpp"
#include "relayload/pacing/schedule.hpp"
#include "relayload/pacing/shard.hpp"
#include "relayload/scenario/run_options.hpp"

namespace relayload::scenario {

using clock = std::chrono::steady_clock;

/// What a shard gets from the runner. Everything here lives as long as the shard.
struct shard_context {
  asio::io_context& io;               ///< the shard's event loop (one thread)
  client::client_context& client;     ///< the shard's clients' shared state: one timer, TLS, DNS
  pacing::shard shard;                ///< this shard's index and the shard count
  const run_options& options;
  net::ws_url target;                 ///< options.target, parsed
  clock::time_point t0;               ///< common start of every shard (intended offsets count from it)
  std::uint64_t seed = 0;             ///< distinct per shard, derived from options.seed
  /// Call once, on the shard's thread, when the shard's work is complete (after a normal
  /// end or after stop()). The runner then takes the final snapshot.
  std::function<void()> done;
  /// Interval of the shard's time series: metrics::series_interval_for(planned_duration()),
  /// from the options alone, so that the series of every shard and rank merge.
  std::chrono::nanoseconds series_interval{std::chrono::seconds(1)};

  // ---- workload groups (workload.hpp); unset in a single-scenario run ----
  /// This thread's share of the group's arrival schedule, offsets from t0 (the group's
  /// start-after included). Unset: the scenario spreads options.unit_count() over --ramp-up.
  std::optional<pacing::schedule> arrivals;
  /// When the group's window closes: steady-state holds and steady-messaging exchanges until
  /// then. Unset: the scenario's own end (ramp-up + duration).
  std::optional<clock::time_point> window_end;
  /// Each unit ends its own life: a realistic-session pair disconnects when its exchanges
  /// are done (not when every pair is), a connection-storm connection as soon as it has an
  /// outcome, and finished units are freed. Set for workload groups.
  bool continuous = false;
  /// Called when the scenario starts a unit (as the pacer hands it out): the runner counts
  /// arrivals and their lateness per group. May be empty.
  std::function<void(const pacing::due_event&)> unit_started;
  /// Meets the other threads of this process that run the same scenario (group): `then`
  /// runs on this shard's thread once every one of them has called meet() or is done (or
  /// failed to build), so a scenario can act on every thread at once (reconnect-storm drops
  /// its connections when every thread's are set up). Call at most once. Set by the engine;
  /// empty when a shard runs alone (then call `then` directly).
  std::function<void(std::function<void()>)> meet;
};

/// One thread's part of a scenario. All members are called on the shard's thread (inside
/// its io_context), never concurrently.
class scenario_shard {
 public:
  virtual ~scenario_shard() = default;
  /// Begin the work; intended times count from context.t0 (which may be slightly ahead).
  virtual void start() = 0;
  /// Wind down now (SIGINT, time limit): close connections gracefully, then call done.
  /// May be called before or after done was called.
  virtual void stop() = 0;
  /// What the shard has measured so far, as a report of this shard alone. The runner merges
  /// the shards' reports exactly (report::merge).
  virtual metrics::report snapshot() const = 0;
  /// The same, but only what the time series hold (report::series, and steady_messaging's
  /// latency_over_time), for looks that need nothing else (the capacity search polls while
  /// the load runs, and a full snapshot copies every histogram on the shard's thread, which
  /// delays the load it measures). By default the full snapshot.
  virtual metrics::report series_snapshot() const { return snapshot(); }
};

/// A scenario as the registry knows it.
struct scenario_info {
  std::string name;         ///< "connection-storm"
  std::string description;  ///< one line for --help
  bool uses_pairs = false;  ///< counts --connection-pairs (true) or --connections (false)
  std::function<std::unique_ptr<scenario_shard>(shard_context&)> make_shard;
};

}  // namespace relayload::scenario
