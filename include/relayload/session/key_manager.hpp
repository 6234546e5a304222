// relayload::session::key_manager — the MWP IKeyManager (protocol.md §3.1): key pairs, the
// per-message encryption of protocol messages into the envelope `payload`, and the check of a
// peer's public key. Two implementations: mock_key_manager (what the JS load tests use,
// §3.4; the default) and ecies_key_manager (eciesjs 0.4.17 ECIES, §3.2).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/result.hpp"

namespace relayload::session {

/// Key material. A vector, not a fixed-size array, because public keys legitimately come in
/// three sizes (33-byte compressed, 65-byte uncompressed, 64-byte raw X‖Y, §3.2) and the mock
/// key is not a curve point at all; keys are copied once per session, never per message.
using bytes = std::vector<std::uint8_t>;

/// A private key (32 bytes) and its public key (33 bytes, SEC1 compressed for real keys).
struct key_pair {
  bytes private_key;
  bytes public_key;
};

inline bool operator==(const key_pair& a, const key_pair& b) noexcept {
  return a.private_key == b.private_key && a.public_key == b.public_key;
}
inline bool operator!=(const key_pair& a, const key_pair& b) noexcept { return !(a == b); }

/// The JS IKeyManager. Every method reports failure through its result, never by throwing
/// (except std::bad_alloc).
///
/// Thread safety: an instance is used by one thread at a time; give each shard its own (the
/// ECIES manager keeps reusable OpenSSL contexts inside, which is why the methods are not
/// const). Different instances may be used concurrently.
class key_manager {
 public:
  virtual ~key_manager() = default;

  /// A fresh key pair (the mock returns the same constant pair every time).
  virtual key_pair generate_key_pair() = 0;

  /// The envelope payload carrying `plaintext` (UTF-8 JSON of a protocol message) for the
  /// holder of `their_public_key`: standard padded base64.
  virtual result<std::string> encrypt(std::string_view plaintext,
                                      const bytes& their_public_key) = 0;

  /// The plaintext of an envelope payload, decrypted with `my_private_key`. The bytes are
  /// returned as they are; JS would replace invalid UTF-8 with U+FFFD, the JSON decoder
  /// downstream reports it instead.
  virtual result<std::string> decrypt(std::string_view payload_b64,
                                      const bytes& my_private_key) = 0;

  /// Success when `public_key` is acceptable as a peer key, else errc::invalid_key.
  virtual result<void> validate_peer_key(const bytes& public_key) = 0;

 protected:
  key_manager() = default;
  key_manager(const key_manager&) = default;
  key_manager& operator=(const key_manager&) = default;
  key_manager(key_manager&&) = default;
  key_manager& operator=(key_manager&&) = default;
};

/// Which implementation to use.
enum class key_manager_kind {
  mock,   ///< MockKeyManager of the JS load tests: base64 only, one constant key pair
  ecies,  ///< real ECIES, eciesjs 0.4.17 defaults
};

/// "mock" / "ecies".
const char* to_string(key_manager_kind k) noexcept;

/// The kind named "mock" or "ecies"; anything else is errc::invalid_argument.
result<key_manager_kind> parse_key_manager_kind(std::string_view name) noexcept;

/// A new key manager of that kind (ecies with the eciesjs default options).
std::unique_ptr<key_manager> make_key_manager(key_manager_kind kind);

/// The text of `publicKeyB64`: standard padded base64 of the key bytes.
std::string public_key_to_base64(const bytes& public_key);

/// The key bytes of a `publicKeyB64`, decoded leniently like Node's Buffer.from(s, "base64");
/// errc::invalid_base64 when it is not base64. The key itself is not validated here.
result<bytes> public_key_from_base64(std::string_view text);

}  // namespace relayload::session
