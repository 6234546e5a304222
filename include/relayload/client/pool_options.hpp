// relayload::client::pool_options — how a connection_pool opens, holds and closes its
// connections.
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "relayload/client/client_options.hpp"
#include "relayload/metrics/histogram_layout.hpp"
#include "relayload/pacing/pacer.hpp"

namespace relayload::client {

struct pool_options {
  /// Every connection's client options (url included); one shared copy.
  client_options client = client_options::raw_scenario();

  /// Local addresses to connect from, used round-robin in start order (e.g. 127.0.0.1,
  /// 127.0.0.2, ... to get past ~28K ports per destination). Empty: the kernel chooses.
  std::vector<asio::ip::address> source_addresses;

  /// How the pacer hands out starts (lateness threshold, clamp, burst per wake-up).
  pacing::pacer_options pacer;

  /// close_all(): how long to wait for the close handshakes before aborting the rest.
  std::chrono::milliseconds close_timeout{5000};

  /// Layout of every histogram of the snapshot (shards merge only with equal layouts).
  metrics::histogram_layout layout{};
  /// Interval of the activity time series.
  std::chrono::nanoseconds series_interval = std::chrono::seconds(1);
  /// What a stop does to the schedule's remaining connections. false (a fixed count, the
  /// single scenarios): every one never started is attempted-and-failed (counters
  /// not_started). true (a workload group's arrivals): only those already due count; the
  /// ones whose time had not come are not part of the run.
  bool open_schedule = false;

  /// Seeds every client's backoff jitter (mixed with the connection's schedule index), so a
  /// run is reproducible and shards never share a sequence.
  std::uint64_t seed = 1;

  /// Most down-level changes (drops and reconnects) kept for merging the peak of
  /// simultaneous disconnections exactly across shards (8 bytes each). Beyond it the
  /// snapshot's peak stays exact for this pool but merges as a sum (an upper bound).
  std::size_t down_log_limit = 1'000'000;

  /// Every problem at once, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

}  // namespace relayload::client
