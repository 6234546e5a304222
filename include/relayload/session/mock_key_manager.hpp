// relayload::session::mock_key_manager — the JS load tests' MockKeyManager (protocol.md §3.4),
// byte for byte: a C++ load client that must talk to the JS load-test clients uses it, and
// so do load tests that want relay load without crypto cost (the default).
#pragma once

#include <string>
#include <string_view>

#include "relayload/result.hpp"
#include "relayload/session/key_manager.hpp"

namespace relayload::session {

/// No cryptography: "encryption" is base64 of the plaintext, and everybody has the same key
/// pair, whose public key (33 × 0x43) is not even a curve point. Stateless; safe to share
/// between threads.
class mock_key_manager final : public key_manager {
 public:
  /// 32 bytes of 0x42.
  static bytes private_key();
  /// 33 bytes of 0x43; base64 `Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND`.
  static bytes public_key();

  /// Always {private_key(), public_key()}.
  key_pair generate_key_pair() override;

  /// Standard padded base64 of the plaintext bytes; the key is ignored. Never fails.
  result<std::string> encrypt(std::string_view plaintext, const bytes& their_public_key) override;

  /// The bytes `payload_b64` decodes to, leniently like Node's Buffer.from (whitespace,
  /// missing padding and the URL-safe alphabet accepted); errc::invalid_base64 for other
  /// characters. The key is ignored.
  result<std::string> decrypt(std::string_view payload_b64, const bytes& my_private_key) override;

  /// Accepts every key, as the JS mock does.
  result<void> validate_peer_key(const bytes& public_key) override;
};

}  // namespace relayload::session
