#include "relayload/metrics/slo.hpp"

#include <fmt/format.h>

#include "relayload/metrics/latency_stats.hpp"

namespace relayload::metrics {

std::vector<slo_verdict> default_slo_verdicts(const report& r) {
  std::vector<slo_verdict> out;
  if (r.messages) {
    slo_verdict v{"messages.latency.p99<=400ms", "no data", false};
    if (const auto s = latency_stats::from(r.messages->latency)) {
      v.actual = fmt::format("{}ms", s->p99);
      v.pass = s->p99 <= 400;
    }
    out.push_back(std::move(v));
  }
  if (r.recovery) {
    const auto& rec = *r.recovery;
    slo_verdict v{"recovery.deliveryRate>=100", fmt::format("{:.1f}%", rec.delivery_rate()),
                  rec.attempted > 0 && rec.received == rec.attempted};
    out.push_back(std::move(v));
  }
  return out;
}

bool any_failed(const std::vector<slo_verdict>& verdicts) noexcept {
  for (const auto& v : verdicts) {
    if (!v.pass) return true;
  }
  return false;
}

}  // namespace relayload::metrics
