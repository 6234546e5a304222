#include "scenario/report_config_impl.hpp"

namespace relayload::scenario {

namespace {

// Whole seconds stay integers (as the original wrote them); fractions become numbers.
metrics::config_value seconds(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return static_cast<std::int64_t>(ms.count() / 1000);
  return static_cast<double>(ms.count()) / 1000.0;
}

bool is_storm(const scenario_info& info) { return info.name == "reconnect-storm"; }

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
    if (options.mode == handshake_mode::untrusted)
      c.set("otpDelaySec", seconds(options.otp_entry_delay));
    c.set("crypto", std::string(to_string(options.crypto)));
    c.set("walletDelaySec", seconds(options.wallet_connect_delay));
    if (info.name == "realistic-session")
      c.set("responseDelaySec", seconds(options.response_delay));
    c.set("messageTimeoutSec", seconds(options.message_timeout));
    c.set("handshakeTimeoutSec", seconds(options.handshake_timeout));
  }
  if (is_storm(info)) {
    c.set("stormAfterSec", seconds(options.storm_after));
    c.set("stormPairs", options.storm_pairs);
    // Who drops the connections changes what the storm measures: a relay-side disconnect of
    // everyone (a trigger given, e.g. the embedded relay's) or each client dropping its own.
    c.set("stormTrigger", std::string(options.storm_trigger ? "external" : "client"));
    if (options.storm_pairs) {
      c.set("stormOutageSec", seconds(options.storm_outage));
      c.set("messagesPerSession", static_cast<std::int64_t>(options.messages_per_session));
      c.set("messageTimeoutSec", seconds(options.message_timeout));
    }
  }
  // Which WebSocket client measured, and whether it asked for compression: both change
  // the client's share of every latency and what the relay spends.
  c.set("transport", std::string(client::to_string(options.transport)));
  c.set("compression", options.compression);
  c.set("connectTimeoutSec", seconds(options.connect_timeout));
  c.set("commandTimeoutSec", seconds(options.command_timeout));
  c.set("sourceIps", static_cast<std::int64_t>(options.source_ips.size()));
  return c;
}

std::vector<std::string> report_config_unused(const run_options& options,
                                              const scenario_info& info) {
  std::vector<std::string> out;
  // The original wrote --duration for every scenario; these never read it.
  if (info.name == "connection-storm" || info.name == "realistic-session" ||
      info.name == "async-delivery") {
    out.emplace_back("durationSec");
  }
  // async-delivery's wallet scans at once: no QR delay.
  if (info.name == "async-delivery") out.emplace_back("walletDelaySec");
  // The session pairs' transports keep the MWP clients' own command timeouts.
  if (info.uses_pairs) out.emplace_back("commandTimeoutSec");
  // No source addresses given: the kernel chose them.
  if (options.source_ips.empty()) out.emplace_back("sourceIps");
  return out;
}

}  // namespace relayload::scenario
