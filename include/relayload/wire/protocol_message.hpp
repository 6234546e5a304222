// MWP protocol messages: the plaintext inside an envelope's `payload` (protocol.md §2.6):
// handshake offer (trusted / untrusted), handshake ack, application message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "relayload/result.hpp"
#include "relayload/wire/decode_options.hpp"
#include "relayload/unix_time.hpp"

namespace relayload::wire {

/// The `type` of a protocol message.
enum class protocol_message_type {
  handshake_offer,  ///< "handshake-offer", wallet → handshake channel
  handshake_ack,    ///< "handshake-ack", dApp → session channel (untrusted flow only)
  message,          ///< "message", application payload, either direction
};

/// "handshake-offer", "handshake-ack", "message".
const char* to_string(protocol_message_type t) noexcept;

/// The payload of a handshake offer. A trusted offer has neither otp nor deadline; an
/// untrusted one has both.
struct handshake_offer {
  std::string public_key_b64;   ///< the wallet's public key, standard base64
  std::string channel_id;       ///< session channel without the "session:" prefix
  std::optional<std::string> otp;                        ///< six decimal digits
  std::optional<unix_time> deadline;  ///< on the wire in Unix ms

  bool untrusted() const noexcept { return otp.has_value(); }
};

/// One protocol message. `offer` is meaningful for handshake_offer only, `payload` for
/// message only (the exact raw JSON text of the application payload).
struct protocol_message {
  protocol_message_type type = protocol_message_type::message;
  handshake_offer offer;
  std::string payload;
};

inline bool operator==(const handshake_offer& a, const handshake_offer& b) noexcept {
  return a.public_key_b64 == b.public_key_b64 && a.channel_id == b.channel_id &&
         a.otp == b.otp && a.deadline == b.deadline;
}
inline bool operator==(const protocol_message& a, const protocol_message& b) noexcept {
  return a.type == b.type && a.offer == b.offer && a.payload == b.payload;
}

/// `{"type":"handshake-offer","payload":{"publicKeyB64":"..","channelId":".."[,"otp":"..",
/// "deadline":N]}}` (M3, M4).
void append_handshake_offer(std::string& out, const handshake_offer& offer);

/// `{"type":"handshake-ack"}` (M5).
void append_handshake_ack(std::string& out);

/// `{"type":"message","payload":<raw_payload>}` (M6a, M6b); raw_payload is inserted verbatim
/// and must be JSON text.
void append_app_message(std::string& out, std::string_view raw_payload);

/// Dispatches on `m.type`.
void append_protocol_message(std::string& out, const protocol_message& m);

/// The JSON text as a new string.
std::string encode_protocol_message(const protocol_message& m);

/// Decodes a protocol message. `type` must be a string (absent → missing_field, else
/// wrong_type) naming a known type (else unknown_message). An offer needs a `payload` object
/// with string `publicKeyB64` and `channelId`; `otp` (string) and `deadline` (integer) are
/// optional. A message needs `payload` (any JSON value, kept raw). Unknown keys are ignored.
/// Never throws.
result<protocol_message> decode_protocol_message(std::string_view json,
                                                 const decode_options& options = {}) noexcept;

}  // namespace relayload::wire
