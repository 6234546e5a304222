// ECIES as eciesjs 0.4.17 (protocol.md §3.2): the elliptic-curve work (key pairs, public-key
// parsing and serialisation, e·G and e·P) on libsecp256k1, HKDF-SHA256 and AES-256-GCM on
// OpenSSL 3 (the recipe of §3.3), XChaCha20-Poly1305 on libsodium.
//
// The shared secret is the whole point e·P serialised as SEC1 (65 bytes by default), not the
// 32-byte x-coordinate: secp256k1_ecdh is given a "hash" function that writes the point in the
// configured form instead of hashing it, and that serialisation goes into HKDF.
#include "relayload/session/ecies_key_manager.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <sodium.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <new>
#include <system_error>

#include "relayload/error.hpp"
#include "relayload/session/random.hpp"
#include "relayload/wire/base64.hpp"

namespace relayload::session {
namespace {

constexpr std::size_t private_key_size = 32;
constexpr std::size_t compressed_size = 33;
constexpr std::size_t raw_xy_size = 64;
constexpr std::size_t uncompressed_size = 65;
constexpr std::size_t tag_size = 16;
constexpr std::size_t sym_key_size = 32;
constexpr std::size_t max_nonce_size = 24;

struct openssl_free {
  void operator()(EVP_CIPHER* p) const noexcept { EVP_CIPHER_free(p); }
  void operator()(EVP_CIPHER_CTX* p) const noexcept { EVP_CIPHER_CTX_free(p); }
  void operator()(EVP_KDF_CTX* p) const noexcept { EVP_KDF_CTX_free(p); }
};
template <class T>
using ossl_ptr = std::unique_ptr<T, openssl_free>;

template <class T>
ossl_ptr<T> checked(T* p) {
  if (p == nullptr) throw std::bad_alloc();
  return ossl_ptr<T>(p);
}

struct secp256k1_free {
  void operator()(secp256k1_context* p) const noexcept { secp256k1_context_destroy(p); }
};

// Secret bytes on the stack, wiped when they go out of scope.
template <std::size_t N>
struct secret_buffer {
  std::uint8_t data[N];
  secret_buffer() noexcept = default;
  ~secret_buffer() { OPENSSL_cleanse(data, N); }
  secret_buffer(const secret_buffer&) = delete;
  secret_buffer& operator=(const secret_buffer&) = delete;
};

// OpenSSL records every failure in a per-thread queue; a failure we handle (a forged tag) must
// not leave entries behind for unrelated code to find later.
template <class T>
T clear_errors(T value) noexcept {
  ERR_clear_error();
  return value;
}

// The secp256k1_ecdh "hash": writes the shared point itself, SEC1-serialised, compressed
// (33 bytes, 02/03 by the parity of y) when *data is true, else uncompressed (65 bytes).
int copy_shared_point(unsigned char* out, const unsigned char* x32, const unsigned char* y32,
                      void* data) {
  const bool compressed = *static_cast<const bool*>(data);
  if (compressed) {
    out[0] = static_cast<unsigned char>(0x02 | (y32[31] & 1));
    std::memcpy(out + 1, x32, 32);
  } else {
    out[0] = 0x04;
    std::memcpy(out + 1, x32, 32);
    std::memcpy(out + 33, y32, 32);
  }
  return 1;
}

// Why `p` is not a public key eciesjs PublicKey.fromHex accepts (33 bytes 02/03, 65 bytes 04,
// 64 bytes raw X‖Y), or nullptr when it is one; `out` receives the parsed point. The prefix
// is checked here because secp256k1_ec_pubkey_parse also accepts the hybrid form (06/07),
// which eciesjs rejects; the parse checks that the point is on the curve.
const char* parse_public_key(const secp256k1_context* ctx, const std::uint8_t* p, std::size_t n,
                             secp256k1_pubkey* out) noexcept {
  std::uint8_t buf[uncompressed_size];
  if (n == raw_xy_size) {
    buf[0] = 0x04;
    std::memcpy(buf + 1, p, raw_xy_size);
    p = buf;
    n = uncompressed_size;
  } else if (n == compressed_size) {
    if (p[0] != 0x02 && p[0] != 0x03) {
      return "a 33-byte public key must start with 02 or 03 (compressed SEC1)";
    }
  } else if (n == uncompressed_size) {
    if (p[0] != 0x04) {
      return "a 65-byte public key must start with 04 (uncompressed SEC1; the hybrid forms 06 "
             "and 07 are refused, as eciesjs does)";
    }
  } else {
    return "a public key must be 33 (compressed), 65 (uncompressed) or 64 (raw X||Y) bytes";
  }
  if (secp256k1_ec_pubkey_parse(ctx, out, p, n) != 1) {
    return n == compressed_size
               ? "no point on secp256k1 has this x coordinate (or x is not below the field prime)"
               : "the point is not on secp256k1 (or a coordinate is not below the field prime)";
  }
  return nullptr;
}

}  // namespace

const char* to_string(ecies_cipher c) noexcept {
  switch (c) {
    case ecies_cipher::aes_256_gcm:
      return "aes-256-gcm";
    case ecies_cipher::xchacha20_poly1305:
      return "xchacha20";
  }
  return "unknown";
}

std::vector<std::string> ecies_options::validate() const {
  std::vector<std::string> problems;
  if (cipher != ecies_cipher::aes_256_gcm && cipher != ecies_cipher::xchacha20_poly1305) {
    problems.emplace_back("cipher must be aes-256-gcm or xchacha20");
  }
  if (cipher == ecies_cipher::aes_256_gcm && nonce_length != 12 && nonce_length != 16) {
    problems.emplace_back(
        "nonce_length must be 12 or 16 for aes-256-gcm (eciesjs allows no other)");
  }
  return problems;
}

class ecies_key_manager::impl {
 public:
  explicit impl(const ecies_options& options)
      : options_(options),
        secp_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)),
        enc_(checked(EVP_CIPHER_CTX_new())),
        dec_(checked(EVP_CIPHER_CTX_new())) {
    if (!secp_) throw std::bad_alloc();
    {  // Blinds e·G (key pairs, ephemeral keys) against side channels; seeded once per manager.
      secret_buffer<32> seed;
      random_bytes(seed.data, sizeof seed.data);
      if (secp256k1_context_randomize(secp_.get(), seed.data) != 1) throw std::bad_alloc();
    }

    {  // HKDF-SHA256, extract and expand, no salt, no info; only the key changes per message.
      EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
      if (kdf == nullptr) throw std::bad_alloc();
      kdf_.reset(EVP_KDF_CTX_new(kdf));
      EVP_KDF_free(kdf);
      if (!kdf_) throw std::bad_alloc();
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
          OSSL_PARAM_construct_end()};
      if (EVP_KDF_CTX_set_params(kdf_.get(), params) != 1) throw std::bad_alloc();
    }

    if (options_.cipher == ecies_cipher::aes_256_gcm) {
      // Fetched once: the implicit fetch behind EVP_aes_256_gcm() costs a lookup per init.
      // The IV length is set once per context (default 12, eciesjs uses 16) and survives the
      // per-message re-inits that only change key and IV.
      aes_ = checked(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr));
      const int iv_len = static_cast<int>(options_.nonce_length);
      if (EVP_EncryptInit_ex(enc_.get(), aes_.get(), nullptr, nullptr, nullptr) != 1 ||
          EVP_CIPHER_CTX_ctrl(enc_.get(), EVP_CTRL_GCM_SET_IVLEN, iv_len, nullptr) != 1 ||
          EVP_DecryptInit_ex(dec_.get(), aes_.get(), nullptr, nullptr, nullptr) != 1 ||
          EVP_CIPHER_CTX_ctrl(dec_.get(), EVP_CTRL_GCM_SET_IVLEN, iv_len, nullptr) != 1) {
        throw std::bad_alloc();
      }
    }
    ERR_clear_error();
  }

  ~impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  const ecies_options& options() const noexcept { return options_; }

  bool parse(const std::uint8_t* p, std::size_t n, secp256k1_pubkey* out) const noexcept {
    return parse_public_key(secp_.get(), p, n, out) == nullptr;
  }

  // Whether `p` is a private key eciesjs accepts: 32 bytes, big-endian, 0 < k < n.
  bool valid_scalar(const std::uint8_t* p, std::size_t n) const noexcept {
    return n == private_key_size && secp256k1_ec_seckey_verify(secp_.get(), p) == 1;
  }

  std::size_t serialize(const secp256k1_pubkey& point, bool compressed,
                        std::uint8_t* out) const noexcept {
    std::size_t n = compressed ? compressed_size : uncompressed_size;
    secp256k1_ec_pubkey_serialize(secp_.get(), out, &n, &point,
                                  compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
    return n;
  }

  // key = HKDF-SHA256(serialize(E) ‖ serialize(k·P)) with the configured point form, where
  // (E, P, k) is (e·G, receiver, e) when encrypting and (E, E, receiver key) when decrypting.
  bool derive_key(const secp256k1_pubkey& e, const secp256k1_pubkey& p, const std::uint8_t* k,
                  std::uint8_t (&key)[sym_key_size]) noexcept {
    secret_buffer<2 * uncompressed_size> ikm;
    bool c = options_.hkdf_key_compressed;
    const std::size_t n1 = serialize(e, c, ikm.data);
    if (secp256k1_ecdh(secp_.get(), ikm.data + n1, &p, k, copy_shared_point, &c) != 1) {
      return false;
    }
    const std::size_t n2 = c ? compressed_size : uncompressed_size;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data, n1 + n2),
        OSSL_PARAM_construct_end()};
    if (EVP_KDF_derive(kdf_.get(), key, sym_key_size, params) != 1) return clear_errors(false);
    return true;
  }

  bool seal(const std::uint8_t* key, const std::uint8_t* nonce, std::string_view plaintext,
            std::uint8_t* tag, std::uint8_t* ct) noexcept {
    const auto* pt = reinterpret_cast<const unsigned char*>(plaintext.data());
    if (options_.cipher == ecies_cipher::xchacha20_poly1305) {
      unsigned long long tag_len = 0;
      return crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
                 ct, tag, &tag_len, pt, plaintext.size(), nullptr, 0, nullptr, nonce, key) == 0;
    }
    int len = 0;
    int fin = 0;
    EVP_CIPHER_CTX* c = enc_.get();
    if (EVP_EncryptInit_ex(c, nullptr, nullptr, key, nonce) != 1 ||
        EVP_EncryptUpdate(c, ct, &len, pt, static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(c, ct + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), tag) != 1) {
      return clear_errors(false);
    }
    return true;
  }

  bool open(const std::uint8_t* key, const std::uint8_t* nonce, const std::uint8_t* tag,
            const std::uint8_t* ct, std::size_t n, std::uint8_t* pt) noexcept {
    if (options_.cipher == ecies_cipher::xchacha20_poly1305) {
      return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(pt, nullptr, ct, n, tag, nullptr,
                                                                 0, nonce, key) == 0;
    }
    std::uint8_t tag_copy[tag_size];  // SET_TAG takes a non-const pointer
    std::memcpy(tag_copy, tag, tag_size);
    int len = 0;
    int fin = 0;
    EVP_CIPHER_CTX* c = dec_.get();
    if (EVP_DecryptInit_ex(c, nullptr, nullptr, key, nonce) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag_copy) != 1 ||
        EVP_DecryptUpdate(c, pt, &len, ct, static_cast<int>(n)) != 1 ||
        EVP_DecryptFinal_ex(c, pt + len, &fin) != 1) {
      return clear_errors(false);
    }
    return true;
  }

  // A valid random private key (retried until 0 < k < n; a retry has probability ~2^-128).
  void random_scalar(std::uint8_t (&out)[private_key_size]) const noexcept {
    do {
      random_bytes(out, sizeof out);
    } while (!valid_scalar(out, sizeof out));
  }

  // The encryption proper: `e` a valid ephemeral private key, `peer` the receiver's key.
  result<std::string> encrypt_loaded(const std::uint8_t* e, const secp256k1_pubkey& peer,
                                     const std::uint8_t* nonce, std::string_view plaintext) {
    if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - 1024) {
      return unexpected(errc::invalid_argument);  // OpenSSL's update takes an int length
    }
    secp256k1_pubkey ephemeral;
    if (secp256k1_ec_pubkey_create(secp_.get(), &ephemeral, e) != 1) {
      return unexpected(errc::invalid_key);
    }
    secret_buffer<sym_key_size> key;
    if (!derive_key(ephemeral, peer, e, key.data)) return unexpected(errc::invalid_key);

    const std::size_t e_size = options_.ephemeral_key_size();
    const std::size_t nonce_size = options_.effective_nonce_length();
    blob_.resize(e_size + nonce_size + tag_size + plaintext.size());
    auto* b = reinterpret_cast<std::uint8_t*>(blob_.data());
    serialize(ephemeral, options_.ephemeral_key_compressed, b);
    std::memcpy(b + e_size, nonce, nonce_size);
    std::uint8_t* tag = b + e_size + nonce_size;
    if (!seal(key.data, nonce, plaintext, tag, tag + tag_size)) {
      return unexpected(errc::invalid_argument);
    }
    std::string out;
    wire::append_base64(out, blob_.data(), blob_.size());
    return out;
  }

  result<std::string> encrypt(std::string_view plaintext, const bytes& their_public_key) {
    secp256k1_pubkey peer;
    if (!parse(their_public_key.data(), their_public_key.size(), &peer)) {
      return unexpected(errc::invalid_key);
    }
    secret_buffer<private_key_size> e;
    random_scalar(e.data);
    std::uint8_t nonce[max_nonce_size];
    random_bytes(nonce, options_.effective_nonce_length());
    return encrypt_loaded(e.data, peer, nonce, plaintext);
  }

  result<std::string> encrypt_with(const bytes& ephemeral_private_key, const bytes& nonce,
                                   std::string_view plaintext, const bytes& their_public_key) {
    if (nonce.size() != options_.effective_nonce_length() ||
        !valid_scalar(ephemeral_private_key.data(), ephemeral_private_key.size())) {
      return unexpected(errc::invalid_argument);
    }
    secp256k1_pubkey peer;
    if (!parse(their_public_key.data(), their_public_key.size(), &peer)) {
      return unexpected(errc::invalid_key);
    }
    return encrypt_loaded(ephemeral_private_key.data(), peer, nonce.data(), plaintext);
  }

  result<std::string> decrypt(std::string_view payload_b64, const bytes& my_private_key) {
    blob_.clear();
    if (wire::append_base64_decoded(blob_, payload_b64, wire::base64_mode::lenient)) {
      return unexpected(errc::invalid_base64);
    }
    const std::size_t e_size = options_.ephemeral_key_size();
    const std::size_t nonce_size = options_.effective_nonce_length();
    if (blob_.size() < e_size + nonce_size + tag_size) return unexpected(errc::decryption_failed);
    const auto* b = reinterpret_cast<const std::uint8_t*>(blob_.data());
    // The ephemeral key must be in the configured form exactly (eciesjs slices a fixed size).
    secp256k1_pubkey ephemeral;
    if (!parse(b, e_size, &ephemeral)) return unexpected(errc::decryption_failed);
    if (!valid_scalar(my_private_key.data(), my_private_key.size())) {
      return unexpected(errc::invalid_key);
    }
    secret_buffer<sym_key_size> key;
    if (!derive_key(ephemeral, ephemeral, my_private_key.data(), key.data)) {
      return unexpected(errc::decryption_failed);
    }
    const std::uint8_t* nonce = b + e_size;
    const std::uint8_t* tag = nonce + nonce_size;
    const std::uint8_t* ct = tag + tag_size;
    const std::size_t n = blob_.size() - e_size - nonce_size - tag_size;
    if (n > static_cast<std::size_t>(INT_MAX) - 1024) return unexpected(errc::decryption_failed);
    std::string plaintext(n, '\0');
    if (!open(key.data, nonce, tag, ct, n, reinterpret_cast<std::uint8_t*>(plaintext.data()))) {
      return unexpected(errc::decryption_failed);
    }
    return plaintext;
  }

  result<bytes> public_key_of(const std::uint8_t* p, std::size_t n) {
    secp256k1_pubkey pub;
    if (!valid_scalar(p, n) || secp256k1_ec_pubkey_create(secp_.get(), &pub, p) != 1) {
      return unexpected(errc::invalid_key);
    }
    bytes out(compressed_size);
    serialize(pub, true, out.data());
    return out;
  }

  key_pair generate_key_pair() {
    key_pair kp;
    kp.private_key.resize(private_key_size);
    secret_buffer<private_key_size> k;
    random_scalar(k.data);
    std::memcpy(kp.private_key.data(), k.data, private_key_size);
    secp256k1_pubkey pub;
    if (secp256k1_ec_pubkey_create(secp_.get(), &pub, k.data) != 1) {
      throw std::bad_alloc();  // cannot happen for a verified key; never loop on it
    }
    kp.public_key.resize(compressed_size);
    serialize(pub, true, kp.public_key.data());
    return kp;
  }

  result<void> validate_peer_key(const bytes& key) const noexcept {
    secp256k1_pubkey peer;
    if (parse(key.data(), key.size(), &peer)) return {};
    return unexpected(errc::invalid_key);
  }

 private:
  ecies_options options_;
  std::unique_ptr<secp256k1_context, secp256k1_free> secp_;  // randomised once, at construction
  ossl_ptr<EVP_CIPHER> aes_;
  ossl_ptr<EVP_CIPHER_CTX> enc_;
  ossl_ptr<EVP_CIPHER_CTX> dec_;
  ossl_ptr<EVP_KDF_CTX> kdf_;
  std::string blob_;  // scratch for the binary blob, reused so a message allocates only its output
};

ecies_key_manager::ecies_key_manager(const ecies_options& options) {
  if (!options.validate().empty()) {
    throw std::system_error(make_error_code(errc::invalid_argument),
                            "ecies_key_manager: " + options.validate().front());
  }
  if (options.cipher == ecies_cipher::xchacha20_poly1305 && sodium_init() < 0) {
    throw std::bad_alloc();  // libsodium could not pick its implementations
  }
  impl_ = std::make_unique<impl>(options);
}

ecies_key_manager::~ecies_key_manager() = default;
ecies_key_manager::ecies_key_manager(ecies_key_manager&&) noexcept = default;
ecies_key_manager& ecies_key_manager::operator=(ecies_key_manager&&) noexcept = default;

const ecies_options& ecies_key_manager::options() const noexcept { return impl_->options(); }

key_pair ecies_key_manager::generate_key_pair() { return impl_->generate_key_pair(); }

result<std::string> ecies_key_manager::encrypt(std::string_view plaintext,
                                               const bytes& their_public_key) {
  return impl_->encrypt(plaintext, their_public_key);
}

result<std::string> ecies_key_manager::decrypt(std::string_view payload_b64,
                                               const bytes& my_private_key) {
  return impl_->decrypt(payload_b64, my_private_key);
}

result<void> ecies_key_manager::validate_peer_key(const bytes& public_key) {
  return impl_->validate_peer_key(public_key);
}

std::string ecies_key_manager::public_key_problem(const bytes& public_key) {
  secp256k1_pubkey point;
  const char* problem =
      parse_public_key(secp256k1_context_static, public_key.data(), public_key.size(), &point);
  if (problem == nullptr) return {};
  return "invalid public key (" + std::to_string(public_key.size()) + " bytes): " + problem;
}

result<bytes> ecies_key_manager::public_key_of(const bytes& private_key) {
  return impl_->public_key_of(private_key.data(), private_key.size());
}

result<std::string> ecies_key_manager::encrypt_with(const bytes& ephemeral_private_key,
                                                    const bytes& nonce, std::string_view plaintext,
                                                    const bytes& their_public_key) {
  return impl_->encrypt_with(ephemeral_private_key, nonce, plaintext, their_public_key);
}

}  // namespace relayload::session
