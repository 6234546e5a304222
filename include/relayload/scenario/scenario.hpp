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
#include <string>

#include "relayload/metrics/report.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/net/ws_url.hpp"
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
};

/// A scenario as the registry knows it.
struct scenario_info {
  std::string name;         ///< "connection-storm"
  std::string description;  ///< one line for --help
  bool uses_pairs = false;  ///< counts --connection-pairs (true) or --connections (false)
  std::function<std::unique_ptr<scenario_shard>(shard_context&)> make_shard;
};

}  // namespace relayload::scenario
