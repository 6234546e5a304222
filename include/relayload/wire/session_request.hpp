// The MWP SessionRequest, handed from dApp to wallet out of band (QR code, deeplink), never
// through the relay (protocol.md §2.5).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "relayload/result.hpp"
#include "relayload/wire/decode_options.hpp"
#include "relayload/unix_time.hpp"

namespace relayload::wire {

/// The handshake mode the dApp asks for.
enum class session_mode {
  trusted,    ///< no OTP, no ack
  untrusted,  ///< OTP shown by the wallet, typed into the dApp; the dApp answers with an ack
};

/// "trusted" / "untrusted".
const char* to_string(session_mode m) noexcept;

/// `{"id","mode","channel","publicKeyB64","expiresAt"[,"initialMessage"]}` in that order.
struct session_request {
  std::string id;                       ///< session id, lowercase UUID v4
  session_mode mode = session_mode::untrusted;  ///< the dApp's default
  std::string channel;                  ///< "handshake:" + id
  std::string public_key_b64;           ///< the dApp's public key, standard base64
  unix_time expires_at;  ///< creation + 60 s; on the wire in Unix ms
  std::string initial_message;          ///< raw JSON object; empty → key absent
};

inline bool operator==(const session_request& a, const session_request& b) noexcept {
  return a.id == b.id && a.mode == b.mode && a.channel == b.channel &&
         a.public_key_b64 == b.public_key_b64 && a.expires_at == b.expires_at &&
         a.initial_message == b.initial_message;
}
inline bool operator!=(const session_request& a, const session_request& b) noexcept {
  return !(a == b);
}

/// Appends the JSON text byte-exact with JSON.stringify (M1, M2); initial_message verbatim.
void append_session_request(std::string& out, const session_request& r);

/// The JSON text as a new string.
std::string encode_session_request(const session_request& r);

/// Decodes a SessionRequest: id, channel, publicKeyB64 strings and expiresAt an integer are
/// required (absent → missing_field, other type → wrong_type); mode must be "trusted" or
/// "untrusted" (absent → missing_field, else wrong_type); initialMessage, when present and not
/// null, must be an object (else wrong_type) and is kept as its exact raw JSON text. Unknown
/// keys are ignored. Never throws.
result<session_request> decode_session_request(std::string_view json,
                                               const decode_options& options = {}) noexcept;

}  // namespace relayload::wire
