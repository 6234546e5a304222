// relayload::session::wallet_client — the MWP wallet (packages/wallet-client): validates the
// SessionRequest, creates the session channel, publishes the handshake offer, and in
// untrusted mode shows an OTP and waits for the dApp's handshake-ack (protocol.md §2.5,
// §2.8, §2.9).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "relayload/session/party.hpp"
#include "relayload/wire/session_request.hpp"

namespace relayload::session {

/// Overrides for wallet_client::connect() (golden tests and replays); empty: generated.
struct wallet_connect_options {
  /// The session channel's UUID (`session:<uuid>`); empty: a fresh UUID v4.
  std::string channel_uuid;
  /// The untrusted OTP (six digits); empty: a fresh one.
  std::string otp;
};

/// The wallet side. On the wire (§5.5): connect#1, subscribe handshake#2, subscribe
/// session#3, history#4, history#5, publish handshake#6 (the offer, nonce 1), then
/// trusted: unsubscribe handshake#7 and CONNECTED right after the publish reply (the
/// wallet does not wait for the dApp); untrusted: the ack on the session channel, then
/// unsubscribe handshake#7 and CONNECTED.
///
/// - The session (keys, channel, peer key) exists before any I/O, so nothing that arrives
///   early is lost (JS untrusted sets it only after both subscribes, §2.9 step 5–6).
/// - Untrusted: the OTP and deadline (offer time + otp_ttl) are shown by on_display_otp; the
///   ack wait is armed BEFORE the offer is published, so an ack that overtakes the publish
///   reply is not lost (the stall of §6 Q3); no ack by the deadline: errc::handshake_timeout
///   (JS REQUEST_EXPIRED).
/// - Application messages are delivered in any state, as in JS; initialMessage only when
///   its type is "message" (§6 Q13), after CONNECTED, as delivery::initial.
///
/// Thread safety and lifetime: see party.
class wallet_client final : public party {
 public:
  explicit wallet_client(session_context& context, std::string client_id = {},
                         std::uint64_t seed = 0);

  /// Starts the handshake for `request` (received out of band). Synchronous errors (no
  /// event follows), checked before any I/O as WalletClient.connect does:
  /// errc::invalid_argument unless idle or when the request has no id/channel,
  /// errc::session_expired when the wall clock is past expiresAt (REQUEST_EXPIRED),
  /// errc::invalid_key / errc::invalid_base64 when the dApp's public key is unusable.
  /// The wallet handshake time runs from `intended`.
  std::error_code connect(const wire::session_request& request, clock::time_point intended,
                          const wallet_connect_options& options = {});
  std::error_code connect(const wire::session_request& request) {
    return connect(request, clock::now());
  }

  /// The OTP of the running untrusted handshake ("" otherwise).
  const std::string& otp() const noexcept;
};

}  // namespace relayload::session
