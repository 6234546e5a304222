// ECIES as eciesjs 0.4.17 (protocol.md §3.2) on OpenSSL 3, following the recipe of §3.3.
//
// The shared secret is the whole point e·P serialised as SEC1 (65 bytes by default), not the
// 32-byte x-coordinate that EVP_PKEY_derive / ECDH_compute_key return, so the EC_POINT API is
// used directly. Some of it is deprecated in OpenSSL 3 but present; the project compiles
// with -Wno-deprecated-declarations and this file also defines OPENSSL_SUPPRESS_DEPRECATED.
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif

#include "relayload/session/ecies_key_manager.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
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
  void operator()(EC_GROUP* p) const noexcept { EC_GROUP_free(p); }
  void operator()(EC_POINT* p) const noexcept { EC_POINT_clear_free(p); }
  void operator()(BN_CTX* p) const noexcept { BN_CTX_free(p); }
  void operator()(BIGNUM* p) const noexcept { BN_clear_free(p); }
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

// Secret bytes on the stack, wiped when they go out of scope.
template <std::size_t N>
struct secret_buffer {
  std::uint8_t data[N];
  secret_buffer() noexcept = default;
  ~secret_buffer() { OPENSSL_cleanse(data, N); }
  secret_buffer(const secret_buffer&) = delete;
  secret_buffer& operator=(const secret_buffer&) = delete;
};

// OpenSSL records every failure in a per-thread queue; a failure we handle (a bad key, a
// forged tag) must not leave entries behind for unrelated code to find later.
template <class T>
T clear_errors(T value) noexcept {
  ERR_clear_error();
  return value;
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
        group_(checked(EC_GROUP_new_by_curve_name(NID_secp256k1))),
        ctx_(checked(BN_CTX_new())),
        scalar_(checked(BN_secure_new())),  // plain heap unless a secure heap is set up
        peer_(checked(EC_POINT_new(group_.get()))),
        ephemeral_(checked(EC_POINT_new(group_.get()))),
        shared_(checked(EC_POINT_new(group_.get()))),
        enc_(checked(EVP_CIPHER_CTX_new())),
        dec_(checked(EVP_CIPHER_CTX_new())) {
    BN_set_flags(scalar_.get(), BN_FLG_CONSTTIME);
    order_ = EC_GROUP_get0_order(group_.get());

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

  // Parses a peer key in the forms eciesjs accepts (33 02/03, 65 04, 64 raw X‖Y) into `out`.
  // The prefix is checked here because EC_POINT_oct2point also accepts the hybrid form
  // (06/07), which eciesjs rejects; oct2point checks that the point is on the curve.
  bool parse_public_key(const std::uint8_t* p, std::size_t n, EC_POINT* out) noexcept {
    std::uint8_t buf[uncompressed_size];
    if (n == raw_xy_size) {
      buf[0] = 0x04;
      std::memcpy(buf + 1, p, raw_xy_size);
      p = buf;
      n = uncompressed_size;
    } else if (n == compressed_size) {
      if (p[0] != 0x02 && p[0] != 0x03) return false;
    } else if (n == uncompressed_size) {
      if (p[0] != 0x04) return false;
    } else {
      return false;
    }
    if (EC_POINT_oct2point(group_.get(), out, p, n, ctx_.get()) != 1) return clear_errors(false);
    return EC_POINT_is_at_infinity(group_.get(), out) == 0;
  }

  // Loads a 32-byte big-endian scalar into scalar_; requires 0 < k < n, like eciesjs.
  bool load_scalar(const std::uint8_t* p, std::size_t n) noexcept {
    if (n != private_key_size) return false;
    if (BN_bin2bn(p, static_cast<int>(n), scalar_.get()) == nullptr) return clear_errors(false);
    return !BN_is_zero(scalar_.get()) && BN_cmp(scalar_.get(), order_) < 0;
  }

  std::size_t serialize(const EC_POINT* point, bool compressed, std::uint8_t* out) noexcept {
    const auto form = compressed ? POINT_CONVERSION_COMPRESSED : POINT_CONVERSION_UNCOMPRESSED;
    const std::size_t want = compressed ? compressed_size : uncompressed_size;
    const std::size_t n = EC_POINT_point2oct(group_.get(), point, form, out, want, ctx_.get());
    return n == want ? n : clear_errors(std::size_t{0});
  }

  // key = HKDF-SHA256(serialize(E) ‖ serialize(S)) with the configured point form.
  bool derive_key(const EC_POINT* e, const EC_POINT* s,
                  std::uint8_t (&key)[sym_key_size]) noexcept {
    secret_buffer<2 * uncompressed_size> ikm;
    const bool c = options_.hkdf_key_compressed;
    const std::size_t n1 = serialize(e, c, ikm.data);
    if (n1 == 0) return false;
    const std::size_t n2 = serialize(s, c, ikm.data + n1);
    if (n2 == 0) return false;
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

  // Draws a valid ephemeral scalar into scalar_ (and its bytes into `out`).
  void random_scalar(std::uint8_t (&out)[private_key_size]) noexcept {
    do {
      random_bytes(out, sizeof out);
    } while (!load_scalar(out, sizeof out));
  }

  // The encryption proper, with scalar_ holding the ephemeral key and peer_ the receiver.
  result<std::string> encrypt_loaded(const std::uint8_t* nonce, std::string_view plaintext) {
    if (plaintext.size() > static_cast<std::size_t>(INT_MAX) - 1024) {
      return unexpected(errc::invalid_argument);  // OpenSSL's update takes an int length
    }
    EC_GROUP* g = group_.get();
    if (EC_POINT_mul(g, ephemeral_.get(), scalar_.get(), nullptr, nullptr, ctx_.get()) != 1 ||
        EC_POINT_mul(g, shared_.get(), nullptr, peer_.get(), scalar_.get(), ctx_.get()) != 1) {
      BN_clear(scalar_.get());
      return clear_errors(unexpected(errc::invalid_key));
    }
    BN_clear(scalar_.get());

    secret_buffer<sym_key_size> key;
    if (!derive_key(ephemeral_.get(), shared_.get(), key.data)) {
      return unexpected(errc::invalid_key);
    }
    const std::size_t e_size = options_.ephemeral_key_size();
    const std::size_t nonce_size = options_.effective_nonce_length();
    blob_.resize(e_size + nonce_size + tag_size + plaintext.size());
    auto* b = reinterpret_cast<std::uint8_t*>(blob_.data());
    if (serialize(ephemeral_.get(), options_.ephemeral_key_compressed, b) != e_size) {
      return unexpected(errc::invalid_key);
    }
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
    if (!parse_public_key(their_public_key.data(), their_public_key.size(), peer_.get())) {
      return unexpected(errc::invalid_key);
    }
    secret_buffer<private_key_size> e;
    random_scalar(e.data);
    std::uint8_t nonce[max_nonce_size];
    random_bytes(nonce, options_.effective_nonce_length());
    return encrypt_loaded(nonce, plaintext);
  }

  result<std::string> encrypt_with(const bytes& ephemeral_private_key, const bytes& nonce,
                                   std::string_view plaintext, const bytes& their_public_key) {
    if (nonce.size() != options_.effective_nonce_length() ||
        !load_scalar(ephemeral_private_key.data(), ephemeral_private_key.size())) {
      return unexpected(errc::invalid_argument);
    }
    if (!parse_public_key(their_public_key.data(), their_public_key.size(), peer_.get())) {
      BN_clear(scalar_.get());
      return unexpected(errc::invalid_key);
    }
    return encrypt_loaded(nonce.data(), plaintext);
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
    if (!parse_public_key(b, e_size, ephemeral_.get())) {
      return unexpected(errc::decryption_failed);
    }
    if (!load_scalar(my_private_key.data(), my_private_key.size())) {
      BN_clear(scalar_.get());
      return unexpected(errc::invalid_key);
    }
    const int mul_ok = EC_POINT_mul(group_.get(), shared_.get(), nullptr, ephemeral_.get(),
                                    scalar_.get(), ctx_.get());
    BN_clear(scalar_.get());
    if (mul_ok != 1) return clear_errors(unexpected(errc::decryption_failed));

    secret_buffer<sym_key_size> key;
    if (!derive_key(ephemeral_.get(), shared_.get(), key.data)) {
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
    if (!load_scalar(p, n)) {
      BN_clear(scalar_.get());
      return unexpected(errc::invalid_key);
    }
    const int ok =
        EC_POINT_mul(group_.get(), ephemeral_.get(), scalar_.get(), nullptr, nullptr, ctx_.get());
    BN_clear(scalar_.get());
    if (ok != 1) return clear_errors(unexpected(errc::invalid_key));
    bytes out(compressed_size);
    if (serialize(ephemeral_.get(), true, out.data()) != compressed_size) {
      return unexpected(errc::invalid_key);
    }
    return out;
  }

  key_pair generate_key_pair() {
    key_pair kp;
    kp.private_key.resize(private_key_size);
    for (;;) {
      random_bytes(kp.private_key.data(), private_key_size);
      auto pub = public_key_of(kp.private_key.data(), private_key_size);
      if (pub) {
        kp.public_key = std::move(*pub);
        return kp;
      }
      // Out of range (probability ~2^-128) or an OpenSSL failure; a range failure is
      // retried, anything else would repeat forever, so tell them apart.
      if (load_scalar(kp.private_key.data(), private_key_size)) {
        BN_clear(scalar_.get());
        throw std::bad_alloc();
      }
    }
  }

  result<void> validate_peer_key(const bytes& key) noexcept {
    if (parse_public_key(key.data(), key.size(), peer_.get())) return {};
    return unexpected(errc::invalid_key);
  }

 private:
  ecies_options options_;
  ossl_ptr<EC_GROUP> group_;
  const BIGNUM* order_ = nullptr;  // owned by group_
  ossl_ptr<BN_CTX> ctx_;
  ossl_ptr<BIGNUM> scalar_;  // the secret scalar of the operation in progress; cleared after
  ossl_ptr<EC_POINT> peer_;
  ossl_ptr<EC_POINT> ephemeral_;
  ossl_ptr<EC_POINT> shared_;
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

result<bytes> ecies_key_manager::public_key_of(const bytes& private_key) {
  return impl_->public_key_of(private_key.data(), private_key.size());
}

result<std::string> ecies_key_manager::encrypt_with(const bytes& ephemeral_private_key,
                                                    const bytes& nonce, std::string_view plaintext,
                                                    const bytes& their_public_key) {
  return impl_->encrypt_with(ephemeral_private_key, nonce, plaintext, their_public_key);
}

}  // namespace relayload::session
