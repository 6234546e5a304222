// Standard base64 (RFC 4648 §4: alphabet A–Z a–z 0–9 + /, '=' padding), as Node's
// Buffer.toString("base64") writes it. MWP carries public keys and encrypted payloads in it;
// the load tests' MockKeyManager "encrypts" by base64-encoding the plaintext (spec §3.4).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "relayload/result.hpp"

namespace relayload::wire {

/// How strictly base64 text is decoded.
enum class base64_mode {
  /// Exactly what an encoder writes: length a multiple of 4, only `A–Z a–z 0–9 + /`, '='
  /// padding only at the end and only as much as needed, unused trailing bits zero.
  strict,
  /// Like Node's Buffer.from(text, "base64"): ASCII whitespace is skipped, the URL-safe
  /// `-` and `_` are accepted, padding is optional, decoding stops at the first '=', and
  /// unused trailing bits are ignored. Any other character is still an error.
  lenient,
};

/// Length of the base64 text for `size` bytes: 4·ceil(size/3).
constexpr std::size_t base64_encoded_size(std::size_t size) noexcept {
  return (size + 2) / 3 * 4;
}

/// Appends the padded base64 text of `bytes` (any bytes, not only text).
void append_base64(std::string& out, std::string_view bytes);
void append_base64(std::string& out, const void* data, std::size_t size);

/// The padded base64 text of `bytes`.
std::string base64_encode(std::string_view bytes);

/// Appends the bytes `text` decodes to. On errc::invalid_base64, `out` is left as it was.
std::error_code append_base64_decoded(std::string& out, std::string_view text,
                                      base64_mode mode = base64_mode::strict);

/// The bytes `text` decodes to, or errc::invalid_base64.
result<std::string> base64_decode(std::string_view text,
                                  base64_mode mode = base64_mode::strict);

}  // namespace relayload::wire
