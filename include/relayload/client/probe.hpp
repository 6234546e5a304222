// relayload::client::probe — one connection to a relay before a load starts (WebSocket
// upgrade + Centrifugo connect, exactly as the load's clients make them), and when it fails,
// a one-line diagnosis of why, with a hint and whether retrying could help.
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "relayload/client/client_error.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/client/transport_kind.hpp"
#include "relayload/error.hpp"
#include "relayload/net/close_info.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_url.hpp"

namespace relayload::client {

/// What the probe connects with: the same options the load's clients use, so that it fails
/// (or not) for the reasons the load would.
struct probe_options {
  /// URL, token or token_provider (called once per attempt with index 0), name, origin.
  /// call_timeout bounds each attempt's WebSocket open and connect reply (the load's
  /// --connect-timeout is a good value); give_up_after and reconnect are ignored.
  client_options client;
  /// TLS trust (ca_file, insecure) and the other WebSocket context options.
  net::ws_client_context_options ws;
  /// The WebSocket client to probe with: the load's (--transport), so that the probe
  /// fails (or not) as the load's connections would.
  transport_kind transport = transport_kind::lean;
  /// Local address to connect from (e.g. the first of the load's source addresses).
  std::optional<asio::ip::address> source_address;

  /// Bound on the whole probe, every attempt included: probe() returns within about this
  /// long (plus 100 ms, and at most close_grace more when it connected).
  std::chrono::milliseconds total_timeout{5000};
  /// Transient failures (refused, reset, timeouts, DNS, HTTP 5xx) are tried again, at most
  /// this many attempts in all, `retry_delay` apart, within total_timeout. A permanent
  /// failure (client::on_attempt_failure, on_close_code, on_connect_error say stop) ends the
  /// probe at once.
  std::uint32_t max_attempts = 3;
  std::chrono::milliseconds retry_delay{250};
  /// After a successful connect, how long to wait for the close handshake.
  std::chrono::milliseconds close_grace{500};

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

/// One failed attempt as the probe saw it; the input of diagnose().
struct probe_failure {
  /// The cause as the load counts it (cause(), condition_of()): transport code, close code,
  /// connect error reply (server_code), reply_timeout, ...
  client_error error;
  /// How the WebSocket attempt ended, when it ended in this attempt (phase, HTTP status and
  /// reason, OpenSSL's verification result, close reason); empty when the relay answered
  /// with a connect error reply over an open WebSocket.
  std::optional<net::close_info> transport;
  /// What was tried: attempts made (this one included) and the time since the probe began.
  std::uint32_t attempts = 1;
  std::chrono::milliseconds elapsed{0};
  /// The connect carried a fixed token (client_options::token), not a provider's fresh one:
  /// then an expired token (error 109) is permanent.
  bool fixed_token = false;
};

/// The probe's verdict.
struct probe_result {
  /// The upgrade succeeded and the relay accepted the connect command.
  bool ok = false;
  /// The last failure's cause: an errc (certificate_rejected, handshake_rejected,
  /// connect_timeout, reply_timeout, server_error, disconnected, ...) or a system/Asio code
  /// (connection refused, host not found); empty when ok.
  std::error_code error;
  /// Its stable name, as reports count it: "certificate_rejected", "handshake_rejected",
  /// "close_3500", "server_error_101", "connection_refused", "dns_1", ...; empty when ok.
  std::string cause;
  condition cls{};
  /// No retry can fix it: the target or this side's configuration must change
  /// (certificate, path, token, ...). False for transient causes (refused, timeouts, 5xx).
  bool permanent = false;
  /// One line, no trailing newline: what failed and the detail that names it
  /// ("TLS certificate of 127.0.0.1:8443 rejected: self-signed certificate"). Transient
  /// causes also say what was tried ("(3 attempts in 0.6 s)"). Empty when ok.
  std::string diagnosis;
  /// One line: what to change, in relayload-cli's flags (--ca-file, --insecure, --token,
  /// ...; the option fields have the same names). May be empty.
  std::string hint;
  /// Attempts made and the time the probe took.
  std::uint32_t attempts = 0;
  std::chrono::milliseconds elapsed{0};
  /// When ok: from the start of the successful attempt to the connect reply.
  std::chrono::nanoseconds connect_time{0};
};

/// The verdict on a failed probe whose last failure was `failure` (pure: no I/O, no clock).
probe_result diagnose(const net::ws_url& url, const probe_failure& failure);

/// Probes `options.client.url` on the calling thread with a private io_context, and blocks
/// for at most about options.total_timeout (unless the system resolver itself blocks longer
/// in getaddrinfo): call it before the load's threads start, not from inside an event loop.
/// Never throws except std::bad_alloc; unusable options give a failed, permanent result
/// with errc::invalid_argument whose diagnosis names the problems.
probe_result probe(const probe_options& options);

}  // namespace relayload::client
