// relayload::session::transport_options — how an MWP transport behaves (MWP's
// WebSocketTransport, packages/core/src/transport/websocket/index.ts); shared by every
// transport of a shard.
#pragma once

#include <asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "relayload/client/client_options.hpp"

namespace relayload::session {

struct transport_options {
  /// The Centrifugo client under the transport: the relay URL, the 5 s call timeout and the
  /// 100 ms – 30 s reconnect backoff of MWP (client_options::mwp()). Never null.
  std::shared_ptr<const client::client_options> client =
      std::make_shared<const client::client_options>(client::client_options::mwp());

  /// Attempts per publish (protocol.md §2.3): 5.
  std::uint32_t publish_attempts = 5;
  /// Wait after failed attempt k (0-based) is publish_backoff · 2^k: 100, 200, 400, 800 ms.
  std::chrono::milliseconds publish_backoff{100};

  /// A subscribe that has not succeeded after this long fails with errc::reply_timeout
  /// instead of hanging for ever as the JS transport does when the relay refuses it
  /// permanently or never answers (§6 Q5). Zero: no limit (the JS behaviour).
  std::chrono::milliseconds subscribe_timeout{10000};

  /// `limit` of the history fetch after every (re)subscribe: 50.
  std::int32_t history_limit = 50;

  /// Local addresses to connect from (many connections need several, DESIGN.md); a
  /// transport takes source_addresses[seed % size]. Empty: the kernel chooses.
  std::vector<asio::ip::address> source_addresses;

  /// Subscribe with `"flag":1` as centrifuge-js >= 5.5 does (C4b); default the 5.4.0 form.
  bool subscribe_flag = false;

  /// Every problem, one sentence each; empty when usable (includes the client's problems).
  std::vector<std::string> validate() const;
};

}  // namespace relayload::session
