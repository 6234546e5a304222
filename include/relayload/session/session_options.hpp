// relayload::session::session_options — the MWP lifetimes and limits both parties apply
// (protocol.md §2.10), and the wall clock that SessionRequest expiry and OTP deadlines use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "relayload/unix_time.hpp"

namespace relayload::session {

/// The wall clock (JS Date.now()). Only for the MWP fields that carry wall time (expiresAt,
/// deadline); never for measuring.
using wall_clock = std::function<unix_time()>;

struct session_options {
  /// SessionRequest validity, SESSION_REQUEST_TTL: expiresAt = creation + this.
  std::chrono::milliseconds request_ttl{60'000};
  /// Trusted dApp: waits for the offer until expiresAt + this (HANDSHAKE_TIMEOUT); the
  /// untrusted dApp waits until expiresAt.
  std::chrono::milliseconds handshake_grace{60'000};
  /// Untrusted: the OTP deadline is the wallet's offer time + this; the wallet waits for the
  /// ack until then.
  std::chrono::milliseconds otp_ttl{60'000};
  /// Session lifetime, DEFAULT_SESSION_TTL (30 days), computed by each side on its own.
  std::chrono::milliseconds session_ttl{std::chrono::hours(24 * 30)};
  /// Wrong OTPs the dApp accepts before the handshake fails (OTP_MAX_ATTEMPTS_REACHED).
  std::uint32_t max_otp_attempts = 3;
  /// The JS dApp checks the OTP deadline only when the offer arrives, so a correct OTP typed
  /// after it still "connects" to a wallet that gave up (§6 Q4). True: also check on submit.
  bool check_otp_deadline_on_submit = true;
  /// A dApp keeps up to this many application messages that arrive while it is still
  /// CONNECTING and delivers them once CONNECTED; JS drops them for good (§6 Q6). Further
  /// ones are dropped and counted.
  std::size_t max_buffered_messages = 64;
  /// The wall clock; empty means std::chrono::system_clock.
  wall_clock wall;

  /// wall(), or the system clock.
  unix_time wall_now() const;

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

}  // namespace relayload::session
