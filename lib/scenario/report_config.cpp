#include "scenario/report_config_impl.hpp"

namespace relayload::scenario {

namespace {

// Whole seconds stay integers (as the original wrote them); fractions become numbers.
metrics::config_value seconds(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return static_cast<std::int64_t>(ms.count() / 1000);
  return static_cast<double>(ms.count()) / 1000.0;
}

}  // namespace

metrics::config_map report_config(const run_options& options, const scenario_info& info) {
  metrics::config_map c;
  c.set("connections", static_cast<std::int64_t>(options.unit_count(info.uses_pairs)));
  c.set("durationSec", seconds(options.duration));
  c.set("rampUpSec", seconds(options.ramp_up));
  if (info.name == "realistic-session") {
    c.set("messagesPerSession", static_cast<std::int64_t>(options.messages_per_session));
  } else if (info.name == "async-delivery") {
    c.set("delaySec", seconds(options.delay));
  } else if (info.name == "steady-messaging") {
    c.set("messageIntervalSec", seconds(options.message_interval));
  }
  if (info.uses_pairs) {
    c.set("mode", std::string(to_string(options.mode)));
    c.set("crypto", std::string(to_string(options.crypto)));
    c.set("walletDelaySec", seconds(options.wallet_connect_delay));
    if (info.name == "realistic-session") c.set("responseDelaySec", seconds(options.response_delay));
    c.set("messageTimeoutSec", seconds(options.message_timeout));
    c.set("handshakeTimeoutSec", seconds(options.handshake_timeout));
  }
  c.set("connectTimeoutSec", seconds(options.connect_timeout));
  c.set("commandTimeoutSec", seconds(options.command_timeout));
  c.set("sourceIps", static_cast<std::int64_t>(options.source_ips.size()));
  return c;
}

}  // namespace relayload::scenario
