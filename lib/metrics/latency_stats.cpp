#include "relayload/metrics/latency_stats.hpp"

#include "relayload/metrics/latency_summary.hpp"

namespace relayload::metrics {

namespace {
constexpr std::int64_t ns_per_ms = 1'000'000;
}

std::int64_t round_to_ms(std::int64_t ns) noexcept {
  if (ns < 0) return -round_to_ms(-ns);
  return ns / ns_per_ms + (ns % ns_per_ms >= ns_per_ms / 2 ? 1 : 0);
}

std::optional<latency_stats> latency_stats::from(const histogram& h) noexcept {
  if (h.empty()) return std::nullopt;
  latency_stats s;
  s.min = round_to_ms(h.min());
  s.max = round_to_ms(h.max());
  // Exact: round(sum / (count · 1e6)) = floor((2·sum + count·1e6) / (2·count·1e6)).
  const uint128 denominator = static_cast<uint128>(h.count()) * ns_per_ms;
  s.avg = static_cast<std::int64_t>((2 * h.sum() + denominator) / (2 * denominator));
  s.p50 = round_to_ms(h.value_at_percentile(50.0));
  s.p95 = round_to_ms(h.value_at_percentile(95.0));
  s.p99 = round_to_ms(h.value_at_percentile(99.0));
  return s;
}

std::optional<latency_summary> latency_summary::from(const histogram& h) noexcept {
  if (h.empty()) return std::nullopt;
  latency_summary s;
  s.count = h.count();
  s.underflow = h.underflow_count();
  s.overflow = h.overflow_count();
  s.min = h.min();
  s.mean = h.mean();
  s.p50 = h.value_at_percentile(50.0);
  s.p90 = h.value_at_percentile(90.0);
  s.p95 = h.value_at_percentile(95.0);
  s.p99 = h.value_at_percentile(99.0);
  s.p999 = h.value_at_percentile(99.9);
  s.max = h.max();
  return s;
}

}  // namespace relayload::metrics
