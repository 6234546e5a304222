// HS256 JWTs: signing against tokens computed independently (python3 hmac/hashlib/base64,
// and the well-known jwt.io example), verification of every refusal, base64url edges.
#include "relayload/auth/jwt.hpp"
#include "relayload/auth/token_provider.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <system_error>

using namespace relayload::auth;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

system_clock::time_point at(std::int64_t unix_s) {
  return system_clock::time_point(seconds(unix_s));
}

// python3:
//   b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b'=').decode()
//   h = b64(json.dumps({"alg":"HS256","typ":"JWT"}, separators=(',',':')).encode())
//   p = b64(json.dumps(claims, separators=(',',':')).encode())
//   s = b64(hmac.new(secret.encode(), (h+'.'+p).encode(), hashlib.sha256).digest())
constexpr const char* py_full =  // {"sub":"relayload-7","exp":1900000000,"iat":1800000000}
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJyZWxheWxvYWQtNyIsImV4cCI6MTkwMDAwMDAwMCwiaWF0IjoxODAwMDAwMDAwfQ."
    "IdR7qPKAdzWaVidGCty_Rh61dPvWcOkS7OeW_Dl7Sxg";
constexpr const char* py_full_secret = "s3cr3t-key";
constexpr const char* py_sub_only =  // {"sub":"user-1"}, secret "another secret"
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ."
    "X87auwVvnU3sv1r6CNiyaaPJCsS4mCB0IE3q10Ihyzo";
constexpr const char* py_expired =  // {"sub":"u","exp":1700000000}, secret "s3cr3t-key"
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1IiwiZXhwIjoxNzAwMDAwMDAwfQ."
    "7E3UeLpeQ4YVFeH_ydQg76VVPT4rwgHAl0bDWZAuOZo";
// The jwt.io example: {"sub":"1234567890","name":"John Doe","iat":1516239022}.
constexpr const char* jwt_io =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

// A token with any header and claims JSON, correctly signed (HMAC-SHA256 computed here with
// OpenSSL directly), to reach the checks that come after the signature.
std::string forge(const std::string& header_json, const std::string& claims_json,
                  const std::string& secret) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

constexpr const char* std_header = R"({"alg":"HS256","typ":"JWT"})";

}  // namespace

TEST_CASE("jwt: sign_hs256 matches independently computed tokens", "[auth][jwt]") {
  CHECK(sign_hs256({"relayload-7", 1900000000, 1800000000}, py_full_secret) == py_full);
  CHECK(sign_hs256({"user-1", std::nullopt, std::nullopt}, "another secret") == py_sub_only);
  CHECK(sign_hs256({"u", 1700000000, std::nullopt}, py_full_secret) == py_expired);
}

TEST_CASE("jwt: verify_hs256 accepts valid tokens and returns their claims", "[auth][jwt]") {
  const auto a = verify_hs256(py_full, py_full_secret, at(1850000000));
  CHECK(a.status == token_status::valid);
  CHECK(a.claims == jwt_claims{"relayload-7", 1900000000, 1800000000});

  const auto b = verify_hs256(jwt_io, "your-256-bit-secret", at(1516239022));
  CHECK(b.status == token_status::valid);
  CHECK(b.claims.sub == "1234567890");
  CHECK(b.claims.iat == 1516239022);
  CHECK_FALSE(b.claims.exp.has_value());

  const auto c = verify_hs256(py_sub_only, "another secret", at(4000000000));
  CHECK(c.status == token_status::valid);
  CHECK(c.claims.sub == "user-1");
}

TEST_CASE("jwt: expiry is checked at now >= exp", "[auth][jwt]") {
  CHECK(verify_hs256(py_expired, py_full_secret, at(1699999999)).status == token_status::valid);
  const auto e = verify_hs256(py_expired, py_full_secret, at(1700000000));
  CHECK(e.status == token_status::expired);
  CHECK(e.claims.sub == "u");  // the claims are authentic, just out of date
  CHECK(verify_hs256(py_full, py_full_secret, at(1900000001)).status == token_status::expired);
}

TEST_CASE("jwt: a wrong secret or a tampered part is a bad signature", "[auth][jwt]") {
  CHECK(verify_hs256(py_full, "s3cr3t-kez", at(0)).status == token_status::bad_signature);
  std::string t = py_full;
  // Change the claims to another sub: same header, valid base64url, signature now wrong.
  const auto dot1 = t.find('.');
  const auto dot2 = t.find('.', dot1 + 1);
  const std::string other = base64url_encode(R"({"sub":"admin","exp":1900000000})");
  const std::string tampered = t.substr(0, dot1 + 1) + other + t.substr(dot2);
  CHECK(verify_hs256(tampered, py_full_secret, at(0)).status == token_status::bad_signature);
  // Flip the last signature character to another canonical one.
  std::string flipped = t;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'x' ? 'y' : 'x';
  CHECK(verify_hs256(flipped, py_full_secret, at(0)).status == token_status::bad_signature);
  // Signature truncated: refused, as bad_signature or (non-canonical base64url) malformed.
  for (std::size_t cut = 1; cut <= 43; ++cut) {
    CHECK(verify_hs256(t.substr(0, t.size() - cut), py_full_secret, at(0)).status !=
          token_status::valid);
  }
  CHECK(verify_hs256(t.substr(0, t.size() - 43), py_full_secret, at(0)).status ==
        token_status::bad_signature);  // empty signature: well-formed, wrong
}

TEST_CASE("jwt: malformed tokens are refused as malformed", "[auth][jwt]") {
  const auto status = [](std::string_view tok) {
    return verify_hs256(tok, py_full_secret, at(0)).status;
  };
  CHECK(status("") == token_status::malformed);
  CHECK(status("abc") == token_status::malformed);
  CHECK(status("a.b") == token_status::malformed);
  CHECK(status("a.b.c.d") == token_status::malformed);
  CHECK(status("..") == token_status::malformed);
  CHECK(status(std::string(py_full) + "=") == token_status::malformed);  // padding
  CHECK(status(std::string(py_full) + ".x") == token_status::malformed);
  // alg none and other algorithms, whatever the signature.
  const std::string none = base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." +
                           base64url_encode(R"({"sub":"admin"})") + ".";
  CHECK(status(none) == token_status::malformed);
  CHECK(status(forge(R"({"alg":"HS512"})", R"({"sub":"x"})", py_full_secret)) ==
        token_status::malformed);
  CHECK(status(forge(R"(["alg","HS256"])", R"({"sub":"x"})", py_full_secret)) ==
        token_status::malformed);
  CHECK(status(forge("not json", R"({"sub":"x"})", py_full_secret)) == token_status::malformed);
  // An empty secret refuses everything, also a token signed with an empty key elsewhere.
  CHECK(verify_hs256(py_full, "", at(0)).status == token_status::malformed);
}

TEST_CASE("jwt: correctly signed tokens with bad shapes are malformed", "[auth][jwt]") {
  const auto status = [](const std::string& h, const std::string& c) {
    return verify_hs256(forge(h, c, "k"), "k", at(1000)).status;
  };
  CHECK(forge(std_header, R"({"sub":"user-1"})", "another secret") == py_sub_only);
  CHECK(status(std_header, R"({"sub":"x"})") == token_status::valid);
  CHECK(status(std_header, R"({})") == token_status::valid);  // no sub: anonymous user
  CHECK(status(R"({"alg":"HS256"})", R"({"sub":"x"})") == token_status::valid);
  CHECK(status(R"({"alg":"HS512","typ":"JWT"})", R"({"sub":"x"})") == token_status::malformed);
  CHECK(status(R"({"alg":"none"})", R"({"sub":"x"})") == token_status::malformed);
  CHECK(status(R"({"typ":"JWT"})", R"({"sub":"x"})") == token_status::malformed);
  CHECK(status(R"(["alg","HS256"])", R"({"sub":"x"})") == token_status::malformed);
  CHECK(status("not json", R"({"sub":"x"})") == token_status::malformed);
  CHECK(status(std_header, R"({"sub":5})") == token_status::malformed);
  CHECK(status(std_header, R"({"sub":"x","exp":"tomorrow"})") == token_status::malformed);
  CHECK(status(std_header, R"({"sub":"x","iat":true})") == token_status::malformed);
  CHECK(status(std_header, R"({"sub":"x","exp":1e300})") == token_status::malformed);
  CHECK(status(std_header, R"(["sub"])") == token_status::malformed);
  CHECK(status(std_header, R"({"sub":"x"} trailing)") == token_status::malformed);
  CHECK(status(std_header, "{\"sub\":\"\xff\"}") == token_status::malformed);      // not UTF-8
  CHECK(status(std_header, std::string(100000, '[')) == token_status::malformed);  // deep
  CHECK(status(std_header, R"({"sub":"x","exp":1000.5})") == token_status::expired);
  CHECK(status(std_header, R"({"sub":"x","exp":1001.5})") == token_status::valid);
  CHECK(status(std_header, R"({"sub":"x","exp":null})") == token_status::valid);
  CHECK(status(std_header, R"({"sub":"x","nbf":1001})") == token_status::not_yet_valid);
  CHECK(status(std_header, R"({"sub":"x","nbf":1000})") == token_status::valid);
}

TEST_CASE("jwt: sign_hs256 refuses an empty secret, tokens round-trip", "[auth][jwt]") {
  CHECK_THROWS_AS(sign_hs256({"x", 1, 1}, ""), std::system_error);
  const jwt_claims c{"user \"quoted\" \xc3\xa9", 2000000000, 1999990000};
  const auto tok = sign_hs256(c, "k");
  const auto v = verify_hs256(tok, "k", at(1999999999));
  CHECK(v.status == token_status::valid);
  CHECK(v.claims == c);
  CHECK(unix_seconds(at(1234)) == 1234);
  CHECK(unix_seconds(at(-5)) == -5);
  CHECK(std::string(to_string(token_status::bad_signature)) == "bad_signature");
}

TEST_CASE("jwt: base64url without padding, strict decoding", "[auth][jwt]") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK(base64url_decode("Zg") == std::string("f"));
  CHECK(base64url_decode("Zm8") == std::string("fo"));
  CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK(base64url_decode("") == std::string());
  CHECK_FALSE(base64url_decode("Zg==").has_value());   // padding
  CHECK_FALSE(base64url_decode("Z").has_value());      // impossible length
  CHECK_FALSE(base64url_decode("Zh").has_value());     // non-zero trailing bits
  CHECK_FALSE(base64url_decode("+/8").has_value());    // standard alphabet
  CHECK_FALSE(base64url_decode("Zm 9v").has_value());  // whitespace
}

TEST_CASE("token provider: per-connection sub, iat now, exp now + ttl", "[auth][jwt]") {
  CHECK(format_user("loadtest-{n}", 17) == "loadtest-17");
  CHECK(format_user("{n}:{n}", 3) == "3:3");
  CHECK(format_user("fixed", 9) == "fixed");
  CHECK(format_user("", 9).empty());
  CHECK(format_user("{n", 9) == "{n");

  token_provider_options o;
  o.secret = py_full_secret;
  o.user = "relayload-{n}";
  o.ttl = std::chrono::seconds(100000000);
  o.wall_clock = [] { return at(1800000000); };
  const auto provider = hs256_token_provider(o);
  // Same claims as the python-computed token: sub relayload-7, iat 1.8e9, exp 1.9e9.
  CHECK(provider(7) == py_full);
  const auto v = verify_hs256(provider(12), py_full_secret, at(1800000001));
  CHECK(v.status == token_status::valid);
  CHECK(v.claims.sub == "relayload-12");

  token_provider_options bad;
  bad.ttl = std::chrono::seconds(0);
  CHECK(bad.validate().size() == 2);
  CHECK_THROWS_AS(hs256_token_provider(bad), std::system_error);
}
