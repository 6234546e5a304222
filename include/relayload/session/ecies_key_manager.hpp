// relayload::session::ecies_key_manager — real MWP encryption: ECIES on secp256k1 exactly as
// eciesjs 0.4.17 does it (protocol.md §3.2): the curve work on libsecp256k1, HKDF and AES-GCM on
// OpenSSL 3 (recipe of §3.3), so C++ clients interoperate with the MetaMask JS dApp and wallet
// clients.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relayload/result.hpp"
#include "relayload/session/key_manager.hpp"

namespace relayload::session {

/// The symmetric AEAD (eciesjs `symmetricAlgorithm`).
enum class ecies_cipher {
  aes_256_gcm,         ///< "aes-256-gcm" (the eciesjs default), nonce of options.nonce_length
  xchacha20_poly1305,  ///< "xchacha20" (XChaCha20-Poly1305 IETF), 24-byte nonce
};

/// "aes-256-gcm" / "xchacha20" (the eciesjs spelling).
const char* to_string(ecies_cipher c) noexcept;

/// The eciesjs configuration switches (ECIES_CONFIG). The defaults are eciesjs 0.4.17's and
/// what the MWP demo KeyManager uses; the others exist because it is unconfirmed that the
/// production wallet uses the defaults (protocol.md §6 Q10). Curve is always secp256k1.
struct ecies_options {
  /// `isEphemeralKeyCompressed`: the ephemeral key in the blob is 33 bytes instead of 65.
  bool ephemeral_key_compressed = false;
  /// `isHkdfKeyCompressed`: HKDF input is compressed ephemeral ‖ compressed shared point
  /// (33 + 33 bytes) instead of both uncompressed (65 + 65).
  bool hkdf_key_compressed = false;
  /// `symmetricAlgorithm`.
  ecies_cipher cipher = ecies_cipher::aes_256_gcm;
  /// `symmetricNonceLength`: 16 or 12; used by aes-256-gcm only (xchacha20 always uses 24).
  std::size_t nonce_length = 16;

  /// Size of the ephemeral public key at the start of the blob: 65 or 33.
  std::size_t ephemeral_key_size() const noexcept { return ephemeral_key_compressed ? 33 : 65; }
  /// Size of the nonce in the blob.
  std::size_t effective_nonce_length() const noexcept {
    return cipher == ecies_cipher::xchacha20_poly1305 ? 24 : nonce_length;
  }
  /// Blob bytes beyond the plaintext: ephemeral key + nonce + 16-byte tag (97 by default).
  std::size_t overhead() const noexcept {
    return ephemeral_key_size() + effective_nonce_length() + 16;
  }

  /// Every problem with these options, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

/// ECIES as eciesjs: blob = E ‖ nonce ‖ tag ‖ ct, where E = e·G for a fresh random ephemeral
/// key e, key = HKDF-SHA256(E ‖ e·P) with the points serialised whole (not the ECDH
/// x-coordinate), and the payload is the standard base64 of the blob. Private keys are 32-byte
/// big-endian scalars 0 < k < n; generated public keys are 33-byte compressed SEC1.
///
/// Randomness (private keys, ephemeral keys, nonces) comes from libsodium's randombytes
/// (the OS CSPRNG), never from a seeded generator.
///
/// Thread safety: none per instance (it reuses its secp256k1 context, randomised once at
/// construction, and its OpenSSL cipher and KDF contexts between calls so that a message costs
/// the elliptic-curve work and not setup): one instance per shard. Instances are independent.
/// Lifetime: a moved-from manager may only be destroyed or assigned to.
class ecies_key_manager final : public key_manager {
 public:
  /// Throws std::system_error(errc::invalid_argument) when options.validate() finds a
  /// problem, std::bad_alloc when libsecp256k1 or OpenSSL cannot allocate its contexts.
  explicit ecies_key_manager(const ecies_options& options = {});
  ~ecies_key_manager() override;
  ecies_key_manager(ecies_key_manager&&) noexcept;
  ecies_key_manager& operator=(ecies_key_manager&&) noexcept;
  ecies_key_manager(const ecies_key_manager&) = delete;
  ecies_key_manager& operator=(const ecies_key_manager&) = delete;

  const ecies_options& options() const noexcept;

  /// A random private key (retried until 0 < k < n) and its 33-byte compressed public key.
  key_pair generate_key_pair() override;

  /// errc::invalid_key when `their_public_key` is not a valid point in one of the forms
  /// validate_peer_key() accepts.
  result<std::string> encrypt(std::string_view plaintext, const bytes& their_public_key) override;

  /// Base64 is decoded leniently like Node (whitespace skipped, padding optional, URL-safe
  /// alphabet accepted): errc::invalid_base64 for other characters. errc::invalid_key when
  /// `my_private_key` is not 32 bytes with 0 < k < n. errc::decryption_failed for everything
  /// wrong with the blob: too short, an ephemeral key with the wrong prefix or off the curve,
  /// a tag that does not authenticate (the JS client's DECRYPTION_FAILED).
  result<std::string> decrypt(std::string_view payload_b64, const bytes& my_private_key) override;

  /// As eciesjs PublicKey.fromHex: accepts a 33-byte compressed key (prefix 02/03), a
  /// 65-byte uncompressed key (prefix 04) and a 64-byte raw X‖Y, each only if it is a point
  /// on secp256k1; everything else (hybrid prefixes 06/07, the mock key, empty) is
  /// errc::invalid_key.
  result<void> validate_peer_key(const bytes& public_key) override;

  /// Why validate_peer_key() refuses `public_key`, one sentence naming the problem (its
  /// length, its prefix, or that it is no point on secp256k1), for error messages; empty when
  /// it is accepted. Needs no manager.
  static std::string public_key_problem(const bytes& public_key);

  /// The 33-byte compressed public key of a private key; errc::invalid_key unless it is 32
  /// bytes with 0 < k < n.
  result<bytes> public_key_of(const bytes& private_key);

  /// FOR TESTS ONLY (golden vectors): encrypt() with a given ephemeral private key and nonce
  /// instead of random ones. Reusing an ephemeral key or nonce destroys confidentiality, so
  /// real traffic must use encrypt(). errc::invalid_argument when the ephemeral key is not a
  /// valid private key or the nonce has the wrong length.
  result<std::string> encrypt_with(const bytes& ephemeral_private_key, const bytes& nonce,
                                   std::string_view plaintext, const bytes& their_public_key);

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::session
