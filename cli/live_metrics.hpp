// --metrics-listen on `run` and `relay`: a Prometheus scrape endpoint (net::metrics_server)
// whose body is rendered at scrape time (metrics::exposition) from a snapshot: the runner's
// merged progress snapshot (the one the progress line uses), the embedded relay's stats(),
// and this process's CPU and memory. Nothing of it runs on the shards' hot paths.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "listen_address.hpp"
#include "relayload/metrics/exposition.hpp"
#include "relayload/net/metrics_server.hpp"
#include "relayload/relay/relay_stats.hpp"

namespace relayload::cli {

/// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_max_fds of this process (getrusage, /proc/self/statm, getrlimit: constant cost,
/// whatever the number of sockets).
void add_process_metrics(metrics::exposition& e, const metrics::metric_labels& labels);

/// The embedded relay's counters, under Centrifugo's metric names where one exists
/// (centrifugo_node_num_clients, centrifugo_node_num_subscriptions,
/// centrifugo_node_num_channels) and relayload_relay_* otherwise.
void add_relay_metrics(metrics::exposition& e, const relay::relay_stats& s,
                       const metrics::metric_labels& labels);

/// The endpoint. Thread safety: serve() may be called from any thread; a scrape in progress
/// finishes before serve() replaces what is served, so a collector may capture references
/// that die right after serve() installs the next one.
class metrics_endpoint {
 public:
  /// Binds `address`; on failure prints "relayload-cli: error: --metrics-listen …: <reason>"
  /// (address in use, not an address of this host, …) and returns nullptr.
  static std::unique_ptr<metrics_endpoint> open(const listen_address& address);
  ~metrics_endpoint();

  /// What each scrape serves: collect()'s families, then the process metrics with
  /// `process_labels`.
  void serve(std::function<metrics::exposition()> collect, metrics::metric_labels process_labels);
  std::string url() const { return server_->url(); }
  std::uint16_t port() const noexcept { return server_->port(); }

 private:
  metrics_endpoint() = default;
  std::string render();

  std::mutex mutex_;
  std::function<metrics::exposition()> collect_;  // guarded by mutex_
  metrics::metric_labels process_labels_;         // guarded by mutex_
  std::unique_ptr<net::metrics_server> server_;
};

}  // namespace relayload::cli
