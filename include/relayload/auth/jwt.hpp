// relayload::auth — Centrifugo connection JWTs (HS256): signing for the load-test clients,
// verification for the embedded relay. Pure functions over values: the current time is
// passed in, nothing is cached, nothing is global.
//
// Format (RFC 7519, as Centrifugo reads it): base64url without padding of the header
// {"alg":"HS256","typ":"JWT"}, a '.', base64url of the claims object, a '.', base64url of
// HMAC-SHA256(secret, header "." claims). Claims used: `sub` (the user id; empty means an
// anonymous user), `exp` and `iat` (NumericDate: integer seconds since the Unix epoch).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relayload::auth {

/// The claims relayload writes and reads. Other claims in a verified token are ignored,
/// except `nbf`, which is honoured.
struct jwt_claims {
  std::string sub;                  ///< user id
  std::optional<std::int64_t> exp;  ///< expiry, Unix seconds; absent: never expires
  std::optional<std::int64_t> iat;  ///< issued at, Unix seconds; informational

  friend bool operator==(const jwt_claims& a, const jwt_claims& b) noexcept {
    return a.sub == b.sub && a.exp == b.exp && a.iat == b.iat;
  }
  friend bool operator!=(const jwt_claims& a, const jwt_claims& b) noexcept { return !(a == b); }
};

/// Why a token was accepted or refused. The relay maps them to Centrifugo's answers:
/// malformed and bad_signature close with 3500 "invalid token"; expired is error 109.
enum class token_status {
  valid,          ///< well-formed, HS256, signature matches, not expired, not before nbf
  malformed,      ///< not three base64url parts, bad JSON, wrong claim types, other alg
  bad_signature,  ///< HS256 with a signature the secret does not produce
  expired,        ///< signature fine, but now >= exp
  not_yet_valid,  ///< signature fine, but now < nbf
};

/// Stable snake_case name ("bad_signature").
const char* to_string(token_status s) noexcept;

/// The outcome of verify_hs256(): the status, and the claims when the token parsed and its
/// signature matched (so also for expired and not_yet_valid).
struct token_check {
  token_status status = token_status::malformed;
  jwt_claims claims;
};

/// base64url (RFC 4648 §5) without padding.
std::string base64url_encode(std::string_view bytes);
/// Strict inverse of base64url_encode: no padding, no whitespace, canonical trailing bits.
/// nullopt on anything else.
std::optional<std::string> base64url_decode(std::string_view text);

/// Signs `claims` with HMAC-SHA256. Claims are written in the order sub, exp, iat (absent
/// ones omitted). Throws std::system_error(errc::invalid_argument) when `secret` is empty
/// (an empty HMAC key authenticates nothing).
std::string sign_hs256(const jwt_claims& claims, std::string_view secret);

/// Verifies `token` against `secret` at time `now`. Never throws; any input is safe.
/// Only "alg":"HS256" is accepted ("none" and every other algorithm are malformed), the
/// signature is compared in constant time, and an empty secret refuses every token.
token_check verify_hs256(std::string_view token, std::string_view secret,
                         std::chrono::system_clock::time_point now) noexcept;

/// Unix seconds of a system_clock time point (floor), for exp/iat.
std::int64_t unix_seconds(std::chrono::system_clock::time_point t) noexcept;

}  // namespace relayload::auth
