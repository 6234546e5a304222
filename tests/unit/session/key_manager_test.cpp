// mock_key_manager against the MockKeyManager payloads of protocol.md §5.2 (copied here), the
// key_manager factory, and the publicKeyB64 helpers.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "relayload/error.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/key_manager.hpp"
#include "relayload/session/mock_key_manager.hpp"

using namespace relayload::session;
using relayload::errc;

namespace {

struct mock_vector {
  const char* name;
  const char* plaintext;
  const char* payload;
};

// M3, M4, M5, M6a, M6b of §5.2: plaintext → MockKeyManager payload.
const mock_vector mock_vectors[] = {
    {"M3 trusted offer",
     R"({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}})",
     "eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME"
     "5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRi"
     "LWUwN2ZjMWY5MGFlNyJ9fQ=="},
    {"M4 untrusted offer",
     R"({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","otp":"123456","deadline":1700000065000}})",
     "eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME"
     "5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRi"
     "LWUwN2ZjMWY5MGFlNyIsIm90cCI6IjEyMzQ1NiIsImRlYWRsaW5lIjoxNzAwMDAwMDY1MDAwfX0="},
    {"M5 handshake ack", R"({"type":"handshake-ack"})", "eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9"},
    {"M6a request",
     R"({"type":"message","payload":{"method":"personal_sign","params":["0x4578616d706c65206d65737361676520746f207369676e","0x1234567890abcdef1234567890abcdef12345678"],"id":1}})",
     "eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweD"
     "Q1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYx"
     "MjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ=="},
    {"M6b response",
     R"({"type":"message","payload":{"result":"0x1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b01","id":1}})",
     "eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYT"
     "RiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdl"
     "OGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19"},
};

}  // namespace

TEST_CASE("Mock key manager: the constant key pair of the JS load tests") {
  mock_key_manager km;
  const key_pair kp = km.generate_key_pair();
  CHECK(kp.private_key == bytes(32, 0x42));
  CHECK(kp.public_key == bytes(33, 0x43));
  CHECK(km.generate_key_pair() == kp);
  CHECK(mock_key_manager::private_key() == kp.private_key);
  CHECK(mock_key_manager::public_key() == kp.public_key);
  CHECK(public_key_to_base64(kp.public_key) == "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND");
}

TEST_CASE("Mock key manager: M3, M4, M5, M6a, M6b payloads byte-exact, both ways") {
  mock_key_manager km;
  for (const auto& v : mock_vectors) {
    INFO(v.name);
    const auto payload = km.encrypt(v.plaintext, mock_key_manager::public_key());
    REQUIRE(payload);
    CHECK(*payload == v.payload);
    const auto plain = km.decrypt(v.payload, mock_key_manager::private_key());
    REQUIRE(plain);
    CHECK(*plain == v.plaintext);
  }
  // Sizes quoted in §5.2.
  CHECK(std::string(mock_vectors[0].payload).size() == 204);
  CHECK(std::string(mock_vectors[1].payload).size() == 256);
  CHECK(std::string(mock_vectors[2].payload).size() == 32);
  CHECK(std::string(mock_vectors[3].payload).size() == 228);
  CHECK(std::string(mock_vectors[4].payload).size() == 236);
}

TEST_CASE("Mock key manager: keys are ignored and never validated") {
  mock_key_manager km;
  for (const bytes& key : {bytes{}, bytes(33, 0x43), bytes(5, 0x00), bytes(65, 0x04)}) {
    CHECK(km.validate_peer_key(key));
    CHECK(km.encrypt("abc", key).value() == "YWJj");
    CHECK(km.decrypt("YWJj", key).value() == "abc");
  }
}

TEST_CASE("Mock key manager: decrypt decodes like Node's Buffer.from, and rejects non-base64") {
  mock_key_manager km;
  const bytes k = mock_key_manager::private_key();
  CHECK(km.decrypt("eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9", k).value() == R"({"type":"handshake-ack"})");
  CHECK(km.decrypt("YWI", k).value() == "ab");             // padding optional
  CHECK(km.decrypt("Y W\nI=", k).value() == "ab");         // whitespace skipped
  CHECK(km.decrypt("-_-_", k).value() == "\xfb\xff\xbf");  // URL-safe alphabet
  CHECK(km.decrypt("", k).value().empty());
  CHECK(km.encrypt("", k).value().empty());
  CHECK(km.decrypt("YW*j", k).error() == errc::invalid_base64);
  // Bytes come back as they are, also when they are not UTF-8.
  const std::string binary("\xff\xfe\x00x", 4);
  CHECK(km.decrypt(km.encrypt(binary, k).value(), k).value() == binary);
}

TEST_CASE("Key manager: kinds by name and the factory") {
  CHECK(std::string(to_string(key_manager_kind::mock)) == "mock");
  CHECK(std::string(to_string(key_manager_kind::ecies)) == "ecies");
  CHECK(parse_key_manager_kind("mock").value() == key_manager_kind::mock);
  CHECK(parse_key_manager_kind("ecies").value() == key_manager_kind::ecies);
  CHECK(parse_key_manager_kind("ECIES").error() == errc::invalid_argument);
  CHECK(parse_key_manager_kind("").error() == errc::invalid_argument);

  const std::unique_ptr<key_manager> mock = make_key_manager(key_manager_kind::mock);
  REQUIRE(mock);
  CHECK(dynamic_cast<mock_key_manager*>(mock.get()) != nullptr);
  const std::unique_ptr<key_manager> ecies = make_key_manager(key_manager_kind::ecies);
  REQUIRE(ecies);
  CHECK(dynamic_cast<ecies_key_manager*>(ecies.get()) != nullptr);
}

TEST_CASE("Key manager: both kinds round-trip through the interface") {
  for (const auto kind : {key_manager_kind::mock, key_manager_kind::ecies}) {
    INFO(to_string(kind));
    const auto km = make_key_manager(kind);
    const key_pair dapp = km->generate_key_pair();
    const key_pair wallet = km->generate_key_pair();
    REQUIRE(km->validate_peer_key(wallet.public_key));
    const std::string msg = R"({"type":"message","payload":{"method":"eth_accounts"}})";
    const auto payload = km->encrypt(msg, wallet.public_key);
    REQUIRE(payload);
    const auto back = km->decrypt(*payload, wallet.private_key);
    REQUIRE(back);
    CHECK(*back == msg);
    // publicKeyB64 survives the trip through the SessionRequest.
    CHECK(public_key_from_base64(public_key_to_base64(dapp.public_key)).value() == dapp.public_key);
  }
}

TEST_CASE("Key manager: publicKeyB64 helpers") {
  const auto key = public_key_from_base64("A081W9y3zAr3KO88zrlhXZBoS7Wyyl+FmrDwtwQHWHGq");
  REQUIRE(key);
  REQUIRE(key->size() == 33);
  CHECK((*key)[0] == 0x03);
  CHECK((*key)[32] == 0xaa);
  CHECK(public_key_to_base64(*key) == "A081W9y3zAr3KO88zrlhXZBoS7Wyyl+FmrDwtwQHWHGq");
  CHECK(public_key_from_base64("A081W9y3zAr3KO88zrlhXZBoS7Wyyl-FmrDwtwQHWHGq").value() == *key);
  CHECK(public_key_from_base64("not base64!").error() == errc::invalid_base64);
  CHECK(public_key_from_base64("").value().empty());
  CHECK(public_key_to_base64(bytes{}).empty());
}
