// libFuzzer target: parse_report() on arbitrary text, the parser behind `relayload-cli
// aggregate` (reports from other machines are untrusted input). A report that parses must
// render and parse back to an equal report (the documented round-trip property).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "relayload/metrics/report_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string message;
  relayload::metrics::report_parse_options limits;
  limits.max_total_buckets = std::size_t{1} << 20;  // 8 MiB: stay far below -rss_limit_mb
  const auto r = relayload::metrics::parse_report(text, &message, limits);
  if (!r) {
    if (message.empty()) std::abort();  // a refusal must say why
    return 0;
  }
  const std::string json = relayload::metrics::to_json(*r);
  const auto back = relayload::metrics::parse_report(json, &message);
  if (!back) std::abort();
  if (relayload::metrics::to_json(*back) != json) std::abort();
  return 0;
}
