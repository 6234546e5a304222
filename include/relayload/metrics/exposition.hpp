// relayload::metrics::exposition — live metrics in the Prometheus text exposition format
// (version 0.0.4), built from a snapshot at scrape time.
//
// An exposition is a value: families of samples, each family with its name, help and type.
// Building one does arithmetic only (no I/O, no clocks); rendering is a separate step
// (render_prometheus_text), so a test can compare the text of a known snapshot exactly.
// Nothing here is on a hot path: the CLI builds an exposition from the same merged snapshot
// its progress line uses (runner::progress), once per scrape.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relayload/metrics/histogram.hpp"

namespace relayload::metrics {

struct report;

/// Label name/value pairs, in the order they are rendered.
using metric_labels = std::vector<std::pair<std::string, std::string>>;

enum class metric_type { counter, gauge, histogram };

/// One line of the exposition: `<family name><suffix>{labels} value`.
struct metric_sample {
  std::string suffix;  ///< "" (gauges, counters), "_bucket", "_sum", "_count" (histograms)
  metric_labels labels;
  double value = 0;

  friend bool operator==(const metric_sample& a, const metric_sample& b) {
    return a.suffix == b.suffix && a.labels == b.labels && a.value == b.value;
  }
};

/// A metric family: one # HELP and one # TYPE line, then its samples.
struct metric_family {
  std::string name;  ///< as rendered: counters end in _total
  std::string help;
  metric_type type = metric_type::gauge;
  std::vector<metric_sample> samples;

  friend bool operator==(const metric_family& a, const metric_family& b) {
    return a.name == b.name && a.help == b.help && a.type == b.type && a.samples == b.samples;
  }
};

/// Upper bounds (seconds) of the buckets of latency histograms: 0.5 ms to 60 s, roughly
/// 1-2.5-5 per decade, which covers a loopback connect (sub-millisecond) and a slow
/// handshake alike. +Inf is added by add_histogram().
const std::vector<double>& latency_bucket_bounds();

/// A set of families in the order they were first added. Adding a sample to a family name
/// that exists appends to it (its help and type stay those of the first call).
class exposition {
 public:
  /// `name` without _total: the family is named name + "_total".
  void add_counter(std::string_view name, std::string_view help, const metric_labels& labels,
                   double value);
  void add_gauge(std::string_view name, std::string_view help, const metric_labels& labels,
                 double value);
  /// A histogram of nanoseconds exposed in seconds: cumulative `_bucket` samples at each of
  /// `bounds_seconds` (ascending) and +Inf, `_sum` and `_count`. A bucket of `h` counts under
  /// a bound when its highest equivalent value is at or below it (so a bound never claims
  /// values above it; the error is within the histogram's precision).
  void add_histogram(std::string_view name, std::string_view help, const metric_labels& labels,
                     const histogram& h, const std::vector<double>& bounds_seconds);

  const std::vector<metric_family>& families() const noexcept { return families_; }
  bool empty() const noexcept { return families_.empty(); }
  /// Appends the families of `other` (merging those of the same name).
  void append(const exposition& other);

  friend bool operator==(const exposition& a, const exposition& b) {
    return a.families_ == b.families_;
  }

 private:
  metric_family& family(std::string_view name, std::string_view help, metric_type type);

  std::vector<metric_family> families_;
};

/// The text format 0.0.4: for each family `# HELP`, `# TYPE`, then its samples; label values
/// escaped (backslash, double quote, line feed), help text escaped (backslash, line feed);
/// numbers in the shortest form that reads back exactly, `+Inf`, `-Inf`, `NaN`.
std::string render_prometheus_text(const exposition& e);

/// The content type of render_prometheus_text's output.
inline constexpr std::string_view prometheus_text_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

/// Adds the series of a live (or final) report, every sample labelled with `labels` first
/// (e.g. rank and scenario): connects attempted/succeeded/failed (failed also by cause),
/// active connections, handshakes, messages, recoveries, pacing starts and late starts, and
/// histograms of connect, handshake and message latency. A workload report contributes each
/// group's series with a `group` label added. Series whose section the report lacks are left
/// out rather than written as zero.
void add_report(exposition& e, const report& r, const metric_labels& labels);

}  // namespace relayload::metrics
