// relayload::metrics::slo_verdict — pass/fail verdicts of a report against service-level
// objectives. The defaults are the original tool's: message latency p99 ≤ 400 ms
// (realistic-session, steady-messaging) and 100 % historical recovery (async-delivery).
// A section with no data fails its objective: "no samples" never passes silently.
#pragma once

#include <string>
#include <vector>

#include "relayload/metrics/report.hpp"

namespace relayload::metrics {

struct slo_verdict {
  std::string expression;  ///< "messages.latency.p99<=400ms"
  std::string actual;      ///< "312ms", "98.5%", "no data"
  bool pass = false;
};

/// The original tool's SLOs that apply to this report (none for connection scenarios).
std::vector<slo_verdict> default_slo_verdicts(const report& r);

/// True when any verdict failed.
bool any_failed(const std::vector<slo_verdict>& verdicts) noexcept;

}  // namespace relayload::metrics
