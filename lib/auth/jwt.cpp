// HS256 JWTs on OpenSSL's HMAC. Verification parses with RapidJSON's iterative parser so
// a hostile, deeply nested claims object cannot exhaust the stack.
#include "relayload/auth/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>
#include <limits>
#include <system_error>

#include "relayload/error.hpp"

namespace relayload::auth {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// The fixed header: {"alg":"HS256","typ":"JWT"}, what every JWT library writes for HS256.
constexpr std::string_view encoded_header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

std::array<unsigned char, 32> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  // A zero-length key is legal for HMAC but never reaches here (callers refuse it).
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string signature_of(std::string_view signing_input, std::string_view secret) {
  const auto mac = hmac_sha256(secret, signing_input);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

// A NumericDate claim: an integer, or a finite number (floored), within int64.
bool numeric_date(const rapidjson::Value& v, std::int64_t& out) noexcept {
  if (v.IsInt64()) {
    out = v.GetInt64();
    return true;
  }
  if (v.IsDouble()) {
    const double d = std::floor(v.GetDouble());
    if (!std::isfinite(d) || d < -9.2e18 || d > 9.2e18) return false;
    out = static_cast<std::int64_t>(d);
    return true;
  }
  return false;
}

}  // namespace

const char* to_string(token_status s) noexcept {
  switch (s) {
    case token_status::valid:
      return "valid";
    case token_status::malformed:
      return "malformed";
    case token_status::bad_signature:
      return "bad_signature";
    case token_status::expired:
      return "expired";
    case token_status::not_yet_valid:
      return "not_yet_valid";
  }
  return "unknown";
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const int s = sextet(c);
    if (s < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(s);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so every byte string has exactly one encoding.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string sign_hs256(const jwt_claims& claims, std::string_view secret) {
  if (secret.empty()) {
    throw std::system_error(make_error_code(errc::invalid_argument),
                            "sign_hs256: the HMAC secret is empty");
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("sub");
  w.String(claims.sub.data(), static_cast<rapidjson::SizeType>(claims.sub.size()));
  if (claims.exp) {
    w.Key("exp");
    w.Int64(*claims.exp);
  }
  if (claims.iat) {
    w.Key("iat");
    w.Int64(*claims.iat);
  }
  w.EndObject();
  std::string token(encoded_header);
  token += '.';
  token += base64url_encode(std::string_view(buf.GetString(), buf.GetSize()));
  const std::string sig = signature_of(token, secret);
  token += '.';
  token += sig;
  return token;
}

token_check verify_hs256(std::string_view token, std::string_view secret,
                         std::chrono::system_clock::time_point now) noexcept {
  token_check out;
  out.status = token_status::malformed;
  if (secret.empty()) return out;
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return out;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return out;
  }
  const auto header_b64 = token.substr(0, dot1);
  const auto claims_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const auto sig_b64 = token.substr(dot2 + 1);

  const auto header = base64url_decode(header_b64);
  const auto payload = base64url_decode(claims_b64);
  if (!header || !payload || !base64url_decode(sig_b64)) return out;

  constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::Document h;
  h.Parse<flags>(header->data(), header->size());
  if (h.HasParseError() || !h.IsObject()) return out;
  const auto alg = h.FindMember("alg");
  if (alg == h.MemberEnd() || !alg->value.IsString() ||
      std::string_view(alg->value.GetString(), alg->value.GetStringLength()) != "HS256") {
    return out;
  }

  // Signature before claims: nothing in an unauthenticated payload is interpreted.
  const std::string expected = signature_of(token.substr(0, dot2), secret);
  if (expected.size() != sig_b64.size() ||
      CRYPTO_memcmp(expected.data(), sig_b64.data(), expected.size()) != 0) {
    out.status = token_status::bad_signature;
    return out;
  }

  rapidjson::Document c;
  c.Parse<flags>(payload->data(), payload->size());
  if (c.HasParseError() || !c.IsObject()) return out;
  jwt_claims claims;
  const auto sub = c.FindMember("sub");
  if (sub != c.MemberEnd()) {
    if (!sub->value.IsString()) return out;
    claims.sub.assign(sub->value.GetString(), sub->value.GetStringLength());
  }
  std::int64_t t = 0;
  const auto exp = c.FindMember("exp");
  if (exp != c.MemberEnd() && !exp->value.IsNull()) {
    if (!numeric_date(exp->value, t)) return out;
    claims.exp = t;
  }
  const auto iat = c.FindMember("iat");
  if (iat != c.MemberEnd() && !iat->value.IsNull()) {
    if (!numeric_date(iat->value, t)) return out;
    claims.iat = t;
  }
  std::optional<std::int64_t> nbf;
  const auto nbf_it = c.FindMember("nbf");
  if (nbf_it != c.MemberEnd() && !nbf_it->value.IsNull()) {
    if (!numeric_date(nbf_it->value, t)) return out;
    nbf = t;
  }
  out.claims = std::move(claims);
  const std::int64_t now_s = unix_seconds(now);
  if (out.claims.exp && now_s >= *out.claims.exp) {
    out.status = token_status::expired;
  } else if (nbf && now_s < *nbf) {
    out.status = token_status::not_yet_valid;
  } else {
    out.status = token_status::valid;
  }
  return out;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace relayload::auth
