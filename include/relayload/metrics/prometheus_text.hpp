// relayload::metrics::prometheus_text — a parsed scrape in the Prometheus text exposition
// format (version 0.0.4), as a Prometheus server reads it: `# HELP` and `# TYPE` lines, other
// comments, blank lines, samples `name{label="value",…} value [timestamp]` with the label
// value escapes \\ \" \n, the values NaN, +Inf and -Inf, and an OpenMetrics exemplar after the
// value (` # {trace_id="…"} 1.0`), which is skipped. An OpenMetrics `# EOF` ends the text.
//
// The inverse of render_prometheus_text() (exposition.hpp), for reading a relay's /metrics
// (--target-metrics). A value type: no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relayload::metrics {

/// One sample line.
struct prometheus_sample {
  std::string name;
  /// In the order written; names are unique within a sample.
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0.0;
  /// Milliseconds since the epoch, when the line has one.
  std::optional<std::int64_t> timestamp_ms;

  /// The value of label `name`, or nullptr.
  const std::string* label(std::string_view name) const noexcept;

  friend bool operator==(const prometheus_sample& a, const prometheus_sample& b) {
    // NaN == NaN here: a sample read twice compares equal.
    const bool same_value = a.value == b.value || (a.value != a.value && b.value != b.value);
    return a.name == b.name && a.labels == b.labels && same_value &&
           a.timestamp_ms == b.timestamp_ms;
  }
};

struct prometheus_text {
  std::vector<prometheus_sample> samples;
  /// `# TYPE name type` by family name (counter, gauge, histogram, summary, untyped; the
  /// OpenMetrics types too).
  std::map<std::string, std::string, std::less<>> types;
  /// `# HELP name text` by family name, unescaped (\\ and \n).
  std::map<std::string, std::string, std::less<>> help;

  /// Sum of the values of every sample named `name` that carries all the `match` labels with
  /// those values; std::nullopt when no sample matches. Counters exposed as `name` or
  /// `name_total` are looked up by the caller under both names.
  std::optional<double> sum(
      std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& match = {}) const;
  /// Whether any sample is named `name`.
  bool has(std::string_view name) const noexcept;
};

/// Parses a whole scrape. On a malformed line returns std::nullopt and, when `why` is given,
/// sets it to "line N: <what is wrong>" (e.g. "line 3: label value of 'code' is not closed
/// with '\"'").
std::optional<prometheus_text> parse_prometheus_text(std::string_view text,
                                                     std::string* why = nullptr);

}  // namespace relayload::metrics
