// relayload::session::dapp_client — the MWP dApp (packages/dapp-client): creates the
// SessionRequest, waits for the wallet's handshake offer on `handshake:<id>`, and in untrusted
// mode checks the OTP and answers with a handshake-ack (protocol.md §2.5, §2.8, §2.9).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "relayload/result.hpp"
#include "relayload/session/party.hpp"
#include "relayload/wire/session_request.hpp"

namespace relayload::session {

/// What dapp_client::connect() is asked to do.
struct dapp_connect_options {
  /// Trusted by default, like session_pair's pair_options::mode and the original load test
  /// (trusted mode everywhere unless said otherwise). It used to default to untrusted, the
  /// JS dApp's default (see CHANGELOG.md): for the OTP flow set `mode = untrusted` explicitly.
  wire::session_mode mode = wire::session_mode::trusted;
  /// The raw JSON of an initialMessage payload (`{"type":"message","payload":<this>}` goes
  /// into the SessionRequest, unencrypted); empty: no initialMessage.
  std::string initial_payload;
  /// The session request id; empty: a fresh UUID v4 from the context's id generator. (Fixed
  /// ids are for golden tests and replays.)
  std::string session_id;
};

/// The dApp side. On the wire (§5.5), trusted: connect#1, subscribe handshake#2, history
/// handshake#3, [offer], subscribe session#4, history session#5, unsubscribe handshake#6,
/// CONNECTED; untrusted: ... history session#5, publish session#6 (ack, nonce 1),
/// unsubscribe handshake#7, CONNECTED.
///
/// - The offer is accepted while CONNECTING, first one wins (live push or history reply);
///   the wallet key in it is validated with the key manager.
/// - Untrusted: the offer must carry an OTP and a deadline not yet passed; on_otp_required
///   asks for the code; submit_otp() compares in constant time; a wrong code re-asks
///   (on_error otp_mismatch, not fatal) until max_otp_attempts wrong codes fail the
///   handshake; the deadline is checked again on submit (session_options, §6 Q4).
/// - The offer wait ends at expiresAt + handshake_grace (trusted) or expiresAt (untrusted):
///   errc::handshake_timeout.
/// - Application messages that arrive while CONNECTING are held and delivered once
///   CONNECTED (delivery::buffered) instead of being lost (§6 Q6).
///
/// Thread safety and lifetime: see party; the one call safe from any thread is
/// post_submit_otp().
class dapp_client final : public party {
 public:
  /// `client_id`: the transport clientId; empty: a fresh UUID v4. `seed` fixes the
  /// reconnect jitter of its transports.
  explicit dapp_client(session_context& context, std::string client_id = {},
                       std::uint64_t seed = 0);

  /// Starts the handshake: a new key pair, the SessionRequest (returned; the application
  /// carries it to the wallet, e.g. as a QR code), the pending session, then the transport
  /// connects and subscribes to the handshake channel. The dApp handshake time runs from
  /// `intended`. Errors (no event follows): errc::invalid_argument unless idle or when
  /// initial_payload or session_id is unusable.
  result<wire::session_request> connect(const dapp_connect_options& options,
                                        clock::time_point intended);
  result<wire::session_request> connect(const dapp_connect_options& options) {
    return connect(options, clock::now());
  }

  /// The OTP the user typed. errc::invalid_argument when no OTP is being asked for.
  /// Outcome by events: on_connected, or on_error (otp_mismatch not fatal while attempts
  /// remain, then fatal; handshake_timeout when past the deadline).
  /// submit_otp() and cancel_otp() must be called on the shard's thread, like every other
  /// call (see party). From another thread (a UI or console thread that reads the code the
  /// user typed) use post_submit_otp().
  std::error_code submit_otp(std::string_view code);

  /// Completion of post_submit_otp(): submit_otp()'s result, or errc::cancelled when the
  /// client was destroyed before the code reached it.
  using otp_handler = std::function<void(std::error_code ec)>;

  /// The cross-thread way to enter the OTP: posts submit_otp(code) onto the client's
  /// io_context (the session_context's) and returns at once; `done` (may be empty) runs
  /// there with its result. Safe from any thread while this dapp_client exists (the call
  /// itself must not race with its destructor); when the client is destroyed before the
  /// posted call runs, `done` gets errc::cancelled. The outcome of the handshake still
  /// arrives as on_connected / on_error on the shard's thread. Example:
  ///
  ///     std::thread ui([&] {
  ///       std::string code;
  ///       std::getline(std::cin, code);
  ///       dapp.post_submit_otp(code, [](std::error_code ec) { /* on the io thread */ });
  ///     });
  ///     client::run_until(io, [&] { return connected || failed; }, 60s);  // see run_until.hpp
  void post_submit_otp(std::string code, otp_handler done = {});
  /// The user gives up: the handshake fails with errc::cancelled.
  void cancel_otp();

  /// Application messages dropped because the CONNECTING buffer was full.
  std::uint64_t buffer_overflows() const noexcept;
  /// The SessionRequest of the last connect() (empty id before one).
  const wire::session_request& request() const noexcept;
};

}  // namespace relayload::session
