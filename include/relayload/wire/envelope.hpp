// The MWP transport envelope `{"clientId":"...","nonce":N,"payload":"..."}` that every MWP
// publication carries as its `data` (protocol.md §2.2). On the wire it is double-encoded:
// the publication's `data` is a JSON *string* whose content is the envelope's JSON text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/result.hpp"
#include "relayload/wire/decode_options.hpp"
#include "relayload/wire/utf8_input.hpp"

namespace relayload::wire {

/// One envelope.
struct envelope {
  std::string client_id;   ///< the sender's transport clientId (UUID v4), not a connection id
  std::uint64_t nonce = 0; ///< >= 1, strictly increasing per (sender, channel)
  std::string payload;     ///< base64 ciphertext (real ECIES) or base64 plaintext (mock)
};

inline bool operator==(const envelope& a, const envelope& b) noexcept {
  return a.client_id == b.client_id && a.nonce == b.nonce && a.payload == b.payload;
}
inline bool operator!=(const envelope& a, const envelope& b) noexcept { return !(a == b); }

/// Appends the envelope's JSON text, keys in JSON.stringify order (M3–M6 "envelope").
void append_envelope_json(std::string& out, std::string_view client_id, std::uint64_t nonce,
                          std::string_view payload);
inline void append_envelope_json(std::string& out, const envelope& e) {
  append_envelope_json(out, e.client_id, e.nonce, e.payload);
}

/// Appends the envelope as the JSON string literal used as publication `data`:
/// `"{\"clientId\":\"...\",\"nonce\":1,\"payload\":\"...\"}"` (the `data` of C7a, M7–M9).
/// Pass the result as publish_request::data. Does not allocate beyond `out`'s growth when
/// the client id and payload need no escaping (always true for MWP).
void append_envelope_data(std::string& out, std::string_view client_id, std::uint64_t nonce,
                          std::string_view payload);
inline void append_envelope_data(std::string& out, const envelope& e) {
  append_envelope_data(out, e.client_id, e.nonce, e.payload);
}

/// Decodes an envelope from a publication's raw `data` (a JSON string literal holding the
/// envelope JSON), applying the JS receiver's validation: `data` must be a JSON string
/// (else wrong_type), its content a JSON object (else malformed_json / malformed_frame) with
/// `clientId` a string, `nonce` an integer >= 1 and `payload` a string (absent →
/// missing_field, other type or range → wrong_type). Unknown keys are ignored.
/// Never throws (allocation failure is reported as std::errc::not_enough_memory).
/// `input`: utf8_input::validated when `raw_data` is a view of bytes already validated as
/// UTF-8 (publication data decoded from a frame, by either decode path), which skips the
/// UTF-8 check of `raw_data`; the default checks it (invalid_utf8).
result<envelope> decode_envelope_data(std::string_view raw_data,
                                      const decode_options& options = {},
                                      utf8_input input = utf8_input::unchecked) noexcept;

/// Decodes an envelope from its JSON text (the content of `data`), with the same checks.
result<envelope> decode_envelope_json(std::string_view json,
                                      const decode_options& options = {}) noexcept;

}  // namespace relayload::wire
