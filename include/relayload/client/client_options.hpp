// relayload::client::client_options — how a centrifuge_client behaves; shared (by
// shared_ptr) between all clients of a pool, so 19K clients hold one copy.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "relayload/client/backoff.hpp"
#include "relayload/net/ws_url.hpp"

namespace relayload::client {

/// Defaults are the load tests' raw client (apps/load-tests centrifuge-client.ts: timeout
/// 10 s, backoff 500 ms – 5 s, give up after 30 s); mwp() gives MWP's WebSocketTransport.
struct client_options {
  /// The relay endpoint, e.g. ws://127.0.0.1:8000/connection/websocket.
  net::ws_url url;

  /// centrifuge-js `timeout`: bounds the WebSocket open, the connect reply and every call's
  /// reply. 10 s in the raw load-test client, 5 s (the default of centrifuge-js) for MWP.
  std::chrono::milliseconds call_timeout{10000};

  /// Reconnect backoff (full jitter, protocol.md §1.9).
  backoff_policy reconnect = backoff_policy::raw();
  /// Backoff of a subscription after a temporary subscribe error.
  backoff_policy resubscribe = backoff_policy::resubscribe();

  /// Initial connect: give up when the first connect reply has not arrived this long after
  /// connect() (the original tool's timeoutMs): the outcome is failed. Zero: never give up.
  std::chrono::milliseconds give_up_after{30000};

  /// After a drop, stop reconnecting when not connected again within this time (the client
  /// stops with errc::connect_timeout). Zero (default, like centrifuge-js): keep trying.
  std::chrono::milliseconds reconnect_give_up_after{0};

  /// No-ping watchdog slack: with a connect reply announcing ping P seconds, the connection
  /// is dropped (errc::no_ping) and re-established when no frame arrives for P s + this.
  /// Zero disables the watchdog (centrifuge-js maxServerPingDelay).
  std::chrono::milliseconds max_server_ping_delay{10000};

  /// connect `name` (centrifuge-js default "js"); empty omits it.
  std::string name = "js";
  /// connect `version`; empty (default) omits it.
  std::string version;

  /// connect `token` (a Centrifugo connection JWT, sent first in the connect request as
  /// centrifuge-js does); empty (default) sends none, so the frame stays C1.
  std::string token;
  /// When set, called before every connect attempt (the first and each reconnect, so an
  /// expiring token is fresh) for the token to send instead of `token`. The argument is the
  /// client's connection index (centrifuge_client::set_connection_index; a pool sets its
  /// schedule index). Runs on the client's thread; must not throw.
  std::function<std::string(std::uint64_t connection_index)> token_provider;

  /// Origin header of the upgrade; empty sends none (Node's `ws`, used by the load tests).
  std::string origin;

  /// Offer permessage-deflate at the upgrade (net::ws_connect_options::compression), as
  /// browsers and `ws` do; the relay decides. Needs transport_kind::lean.
  bool compression = false;

  /// Most recorded errors kept per initial connect in connect_outcome::errors (all are
  /// counted in connect_outcome::retries regardless).
  std::size_t max_recorded_errors = 64;

  /// The raw-connection scenarios' client (the defaults above).
  static client_options raw_scenario();
  /// MWP's transport: call timeout 5 s, backoff 100 ms – 30 s.
  static client_options mwp();

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

}  // namespace relayload::client
