// relayload::session::party_callbacks — the events of an MWP dApp or wallet client.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <system_error>

#include "relayload/client/client_callbacks.hpp"
#include "relayload/session/transport_callbacks.hpp"
#include "relayload/unix_time.hpp"

namespace relayload::session {

/// What a party was doing when something failed.
enum class party_stage {
  validate,   ///< wallet: checking the SessionRequest
  connect,    ///< opening the WebSocket / connect reply
  subscribe,  ///< subscribing to the handshake or session channel
  offer,      ///< dApp: waiting for / reading the offer; wallet: publishing it
  otp,        ///< dApp: OTP entry
  ack,        ///< untrusted: dApp publishing the ack, wallet waiting for it
  session,    ///< an established session (expiry, lost transport)
  send,       ///< an application message could not be sent
  receive,    ///< an incoming message could not be decrypted or read
};

/// "validate", "connect", ...
const char* to_string(party_stage s) noexcept;

/// A failure. Fatal ones end the handshake or session (the party closes its transport, as
/// the JS clients call disconnect() after a failed connect); others only drop a message.
struct party_error {
  std::error_code error;
  party_stage stage = party_stage::connect;
  bool fatal = true;
};

/// The party reached CONNECTED (after a handshake or a resume).
struct party_connected_info {
  using clock = std::chrono::steady_clock;
  /// The caller's intended start of connect() / resume(); connected − started is this
  /// side's handshake time.
  clock::time_point started{};
  clock::time_point connected{};
  /// True after resume().
  bool resumed = false;
};

/// Where an application message came from.
enum class delivery {
  live,       ///< a pub push
  recovered,  ///< a subscribe reply's recovered publications
  history,    ///< the history fetch after a (re)subscribe
  buffered,   ///< dApp: arrived while CONNECTING, held until CONNECTED (§6 Q6)
  initial,    ///< wallet: the SessionRequest's initialMessage
};

/// "live", "recovered", "history", "buffered", "initial".
const char* to_string(delivery d) noexcept;

/// An application message (`{"type":"message","payload":...}`) for the app. Views are valid
/// during the call.
struct received_message {
  using clock = std::chrono::steady_clock;
  std::string_view payload;  ///< the raw JSON of `payload`
  std::string_view sender;   ///< the peer's transport clientId ("" for the initial message)
  std::uint64_t nonce = 0;
  delivery how = delivery::live;
  clock::time_point received_at{};   ///< when the transport got it
  clock::time_point delivered_at{};  ///< when it is handed to the app (later when buffered)
};

/// The OTP prompt of the untrusted dApp: the user must call dapp_client::submit_otp().
struct otp_request {
  unix_time deadline;  ///< from the offer
  std::uint32_t attempts_left = 0;
};

/// Events; empty members are skipped. All run on the shard's thread, never from inside a
/// call into the party. A callback may call the party and may destroy it.
struct party_callbacks {
  /// dApp, untrusted: the offer arrived; enter the OTP the wallet displays.
  std::function<void(const otp_request& request)> on_otp_required;
  /// Wallet, untrusted: the OTP to show the user, and its deadline.
  std::function<void(std::string_view otp, unix_time deadline)> on_display_otp;
  /// CONNECTED.
  std::function<void(const party_connected_info& info)> on_connected;
  /// An application message from the peer.
  std::function<void(const received_message& m)> on_message;
  /// A failure (see party_error::fatal).
  std::function<void(const party_error& e)> on_error;
  /// Every failed connect attempt of the party's transport, with its cause and detail (HTTP
  /// status, TLS reason, Centrifugo code; see connect_failure). A transient cause is
  /// followed by a redial; a permanent one (connect_failure::permanent) ends the handshake
  /// at once: on_error{connect, failure.error} follows, not a connect timeout 30 s later.
  std::function<void(const connect_failure& failure)> on_connect_failed;
  /// The WebSocket under the party dropped / came back (the client reconnects by itself).
  std::function<void(const client::disconnected_info& info)> on_link_lost;
  std::function<void(const client::connected_info& info)> on_link_restored;
};

}  // namespace relayload::session
