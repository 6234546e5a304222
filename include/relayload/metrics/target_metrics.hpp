// relayload::metrics::target_metrics — the target relay's own metrics during a run
// (--target-metrics URL): its Prometheus endpoint scraped at every progress interval, kept
// as server-side time series on the run's time axis (offsets from report::start_time, the
// t0 of the client-side series), with every failed scrape counted by cause.
//
// A value type: the scraping itself (HTTP, a thread) is the caller's; this holds what was
// read and derives the figures the summary and the HTML show.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "relayload/metrics/prometheus_text.hpp"

namespace relayload::metrics {

/// What one successful scrape read. A series the target does not expose stays std::nullopt.
struct target_sample {
  /// When the scrape was answered, from the run's t0 (report::start_time); negative for the
  /// baseline scrape taken before the load starts.
  std::chrono::milliseconds offset{0};
  std::optional<double> cpu_seconds;     ///< process_cpu_seconds_total
  std::optional<double> resident_bytes;  ///< process_resident_memory_bytes
  std::optional<double> clients;         ///< centrifugo_node_num_clients
  std::optional<double> subscriptions;   ///< centrifugo_node_num_subscriptions
  /// Messages into the relay, a counter: centrifugo_node_messages_sent_count{type="publication"}
  /// (Centrifugo: publications sent to the broker), else relayload_relay_publications.
  std::optional<double> messages_in;
  /// Messages out to clients, a counter: centrifugo_transport_messages_sent (Centrifugo ≥ 4),
  /// else relayload_relay_pushes (the embedded relay's publications pushed to subscribers).
  std::optional<double> messages_out;

  friend bool operator==(const target_sample& a, const target_sample& b) {
    return a.offset == b.offset && a.cpu_seconds == b.cpu_seconds &&
           a.resident_bytes == b.resident_bytes && a.clients == b.clients &&
           a.subscriptions == b.subscriptions && a.messages_in == b.messages_in &&
           a.messages_out == b.messages_out;
  }
};

/// Failed scrapes of one cause ("connect failed", "timeout", "HTTP status", "not Prometheus
/// text", …), with the words of the last one ("HTTP 500 Internal Server Error", "line 1: …").
struct scrape_failure {
  std::string cause;
  std::uint64_t count = 0;
  std::string last;

  friend bool operator==(const scrape_failure& a, const scrape_failure& b) {
    return a.cause == b.cause && a.count == b.count && a.last == b.last;
  }
};

struct target_metrics {
  std::string url;                        ///< as given to --target-metrics
  std::chrono::milliseconds interval{0};  ///< between scrapes
  std::uint64_t scrapes_ok = 0;
  std::vector<scrape_failure> failures;  ///< by cause, in the order first seen
  std::vector<target_sample> samples;    ///< one per successful scrape, in time order
  /// The metric names messages_in and messages_out were read from (empty: never found).
  std::string messages_in_metric, messages_out_metric;

  /// Counts a failed scrape under `cause`, keeping `detail` as its latest words.
  void add_failure(const std::string& cause, std::string detail);
  std::uint64_t scrapes_failed() const noexcept;

  /// Reads one scrape: the series above out of `text`, at `offset`. Records which metric the
  /// message counters came from.
  target_sample sample_of(const prometheus_text& text, std::chrono::milliseconds offset);

  // Derived figures; std::nullopt when the series needed does not exist (fewer than two
  // samples for a difference).
  /// CPU seconds the relay spent between the first and the last sample.
  std::optional<double> cpu_seconds_used() const;
  /// Span between the first and the last sample that have CPU seconds.
  std::optional<std::chrono::milliseconds> cpu_span() const;
  std::optional<double> peak_clients() const;
  std::optional<double> peak_subscriptions() const;
  std::optional<double> peak_resident_bytes() const;
  /// Messages into / out of the relay between the first and the last sample.
  std::optional<double> messages_in_total() const;
  std::optional<double> messages_out_total() const;
  /// cpu_seconds_used / peak_clients, in seconds.
  std::optional<double> cpu_per_connection() const;
  /// cpu_seconds_used / (messages in + messages out), in seconds; nullopt without messages.
  std::optional<double> cpu_per_message() const;

  friend bool operator==(const target_metrics& a, const target_metrics& b) {
    return a.url == b.url && a.interval == b.interval && a.scrapes_ok == b.scrapes_ok &&
           a.failures == b.failures && a.samples == b.samples &&
           a.messages_in_metric == b.messages_in_metric &&
           a.messages_out_metric == b.messages_out_metric;
  }
  friend bool operator!=(const target_metrics& a, const target_metrics& b) { return !(a == b); }
};

}  // namespace relayload::metrics
