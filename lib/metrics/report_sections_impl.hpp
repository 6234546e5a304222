// The parts of the report document that share one shape, described once for the writer
// (report_json.cpp) and the parser (report_json_parse.cpp), private to lib/metrics: the keys
// a histogram is written under, and the sections of counts, a rate and a latency histogram.
#pragma once

#include <array>
#include <cstdint>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics::detail {

/// The keys one histogram is written under, in this order; a null key is not written. The
/// stats (latency_stats, whole milliseconds: the original tool's LatencyStats) and the detail
/// (latency_summary, microseconds) are derived and never read back; the encoded histogram
/// (histogram::encode()) is the data.
struct histogram_keys {
  const char* stats = nullptr;
  const char* detail = nullptr;
  const char* encoded = nullptr;
};

/// results.{handshake,messages,recovery}.
inline constexpr histogram_keys section_latency_keys{"latency", "latencyDetail",
                                                     "latencyHistogram"};
/// results.connectTime: the original tool's key, early in results (null when connect time
/// does not apply) ...
inline constexpr histogram_keys connect_time_stats_keys{"connectTime", nullptr, nullptr};
/// ... and the new keys, after the sections (absent when connect time does not apply).
inline constexpr histogram_keys connect_time_keys{nullptr, "connectTimeDetail",
                                                  "connectTimeHistogram"};
/// results.histograms.<name>.
inline constexpr histogram_keys named_histogram_keys{nullptr, "detail", "histogram"};
/// One interval of a time series (both null when the interval recorded no latencies).
inline constexpr histogram_keys interval_keys{nullptr, "latency", "histogram"};

/// One count of a section: its key and the member it is read into.
template <class Section>
struct count_key {
  const char* key;
  std::uint64_t Section::*value;
};

/// A section of three counts, a rate derived from them and a latency histogram (the member
/// `latency`, written under section_latency_keys), in the order the keys are written.
template <class Section>
struct latency_section_format {
  const char* name;  ///< the key under results
  std::array<count_key<Section>, 3> counts;
  const char* rate_key;  ///< derived, not read back
  double (Section::*rate)() const noexcept;
};

inline constexpr latency_section_format<handshake_section> handshake_format{
    "handshake",
    {{{"attempted", &handshake_section::attempted},
      {"successful", &handshake_section::successful},
      {"failed", &handshake_section::failed}}},
    "successRate",
    &handshake_section::success_rate};

inline constexpr latency_section_format<messages_section> messages_format{
    "messages",
    {{{"sent", &messages_section::sent},
      {"received", &messages_section::received},
      {"failed", &messages_section::failed}}},
    "deliveryRate",
    &messages_section::delivery_rate};

inline constexpr latency_section_format<recovery_section> recovery_format{
    "recovery",
    {{{"attempted", &recovery_section::attempted},
      {"received", &recovery_section::received},
      {"failed", &recovery_section::failed}}},
    "deliveryRate",
    &recovery_section::delivery_rate};

}  // namespace relayload::metrics::detail
