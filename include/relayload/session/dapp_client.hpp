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

/// What a request() ends with: the response, or why there is none. Views are valid during the
/// call.
struct request_outcome {
  using clock = std::chrono::steady_clock;
  /// The request's id as JSON text: `7`, `"abc"`.
  std::string_view id;
  /// The raw JSON of the response's `payload` (the whole JSON-RPC response object); empty
  /// when there is none (an error).
  std::string_view payload;
  /// The responder's transport clientId, its envelope nonce and how the response reached us
  /// (live, or from the history after a resume); empty / 0 / live on an error.
  std::string_view sender;
  std::uint64_t nonce = 0;
  delivery how = delivery::live;
  clock::time_point requested{};  ///< request() was called; the timeout runs from here
  clock::time_point done{};       ///< the response was taken, or the request failed
};

/// Completion of dapp_client::request(): `ec` empty with the response, or errc::reply_timeout,
/// errc::disconnected, or a publish error (see dapp_client::request()). Runs once per
/// accepted request, on the shard's thread.
using response_handler = std::function<void(std::error_code ec, const request_outcome& r)>;

/// Counters of dapp_client::request(), over the client's life.
struct request_stats {
  std::uint64_t sent = 0;       ///< requests accepted (request() returned an id)
  std::uint64_t answered = 0;   ///< completed with their response
  std::uint64_t timed_out = 0;  ///< completed with errc::reply_timeout
  std::uint64_t late = 0;       ///< responses that came after their request timed out (dropped)
  std::uint64_t failed = 0;     ///< completed with another error (publish, disconnected)
  std::uint64_t pending = 0;    ///< accepted, not completed yet

  friend bool operator==(const request_stats& a, const request_stats& b) noexcept {
    return a.sent == b.sent && a.answered == b.answered && a.timed_out == b.timed_out &&
           a.late == b.late && a.failed == b.failed && a.pending == b.pending;
  }
  friend bool operator!=(const request_stats& a, const request_stats& b) noexcept {
    return !(a == b);
  }
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

  /// Sends a JSON-RPC-style request as an application message (send_message()) and calls
  /// `done` once with the wallet's response, matched by the `id` member of both payloads
  /// (MWP itself has no correlation, protocol.md §2.6: the id lives in the payload, as the
  /// JSON-RPC requests of real dApps and the load test's {"result":…,"id":n} carry it).
  ///
  /// - `payload` must be a JSON object. Its `id` (an integer or a string) is the request's
  ///   id; without one the client appends `"id":<n>` (n = 1, 2, … skipping pending ids) and
  ///   otherwise sends the payload byte for byte. Returns the id as JSON text.
  /// - Synchronous errors (`done` is not called): errc::invalid_argument when `payload` is
  ///   not JSON, not an object, has an `id` that is neither an integer nor a string, or an
  ///   id a pending request already uses; when `timeout` is not above zero; when `done` is
  ///   empty.
  /// - The response is the first application message from the peer whose payload is an
  ///   object with the same `id` (`1` and `"1"` differ). It goes to `done`, not to
  ///   on_message; other messages reach on_message as before.
  /// - `done` gets errc::reply_timeout when no response came within `timeout` of the call
  ///   (requests().timed_out). A response that comes later is counted
  ///   (requests().late) and dropped: it is delivered neither to `done` again nor to
  ///   on_message (a second copy of it is an ordinary message). The ids of the last 1,024
  ///   timed-out requests are remembered for this.
  /// - `done` gets the send's error when the message cannot be sent (errc::disconnected when
  ///   not CONNECTED, the publish errors of send_message(), the key manager's errors), and
  ///   errc::disconnected when the session ends while the request waits: disconnect(), or a
  ///   fatal error such as an expired session (whose cause on_error reports first; the
  ///   request's handler runs after it). suspend() keeps requests waiting:
  ///   a response published meanwhile comes with the history after resume(), if their
  ///   timeout has not passed by then.
  /// - `done` never runs inside request(); destroying the client drops it uncalled (see
  ///   party). Ids should be unique: a late response to an id that was reused answers the
  ///   newer request.
  result<std::string> request(std::string_view payload, clock::duration timeout,
                              response_handler done);
  /// Counters of request() (pending included).
  request_stats requests() const noexcept;

  /// Application messages dropped because the CONNECTING buffer was full.
  std::uint64_t buffer_overflows() const noexcept;
  /// The SessionRequest of the last connect() (empty id before one). (Not to be confused with
  /// request(payload, timeout, done), the JSON-RPC-style call above.)
  const wire::session_request& request() const noexcept;
};

}  // namespace relayload::session
