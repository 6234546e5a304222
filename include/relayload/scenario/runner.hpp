// relayload::scenario::runner — runs one scenario over several threads and merges the result.
//
// Each thread (shard) owns an io_context, a ws_client_context, the scenario's shard object
// and its metrics; nothing is shared between shards while they run. All shards are built
// first, then released together through a barrier with one common t0, then joined, then
// their reports are merged exactly (histograms add bucket by bucket).
#pragma once

#include <chrono>
#include <future>
#include <memory>

#include "relayload/metrics/report.hpp"
#include "relayload/result.hpp"
#include "relayload/scenario/run_options.hpp"
#include "relayload/scenario/scenario.hpp"

namespace relayload::scenario {

/// Thread safety: every member may be called from any one coordinating thread; stop() and
/// abort() may also be called from another thread (e.g. one that waits for signals).
/// Lifetime: the destructor stops and joins the shards if they still run.
class runner {
 public:
  /// `info` is copied. The options must have passed validate() and name a non-empty target.
  runner(const scenario_info& info, run_options options);
  ~runner();
  runner(const runner&) = delete;
  runner& operator=(const runner&) = delete;

  /// Builds the shards and starts them; the future yields the merged report once every
  /// shard called done (or after stop()/abort()). Call once. Errors (in the future):
  /// errc::invalid_argument when the options are unusable.
  std::future<result<metrics::report>> start();

  /// A merged copy of what the shards have measured so far: each shard is asked on its own
  /// thread for a snapshot (no cross-thread reads of live counters). A shard that does not
  /// answer within `wait` contributes its previous snapshot. Marked partial.
  metrics::report progress(std::chrono::milliseconds wait = std::chrono::milliseconds(500));

  /// Graceful stop: every shard winds down (closes connections) and the report is marked
  /// partial unless the shards had already finished.
  void stop() noexcept;

  /// Immediate stop: the event loops end without waiting for graceful closes; each shard
  /// still running is asked for a final snapshot (up to 250 ms), else its last one is used;
  /// the report is marked partial.
  void abort() noexcept;

  /// The number of shards (threads) actually used.
  unsigned shard_count() const noexcept;


 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::scenario
