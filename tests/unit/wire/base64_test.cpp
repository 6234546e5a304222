#include <catch2/catch.hpp>

#include <string>

#include "relayload/error.hpp"
#include "relayload/wire/base64.hpp"

using namespace relayload::wire;
using relayload::errc;

TEST_CASE("Base64: RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},        {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_encoded_size(std::string_view(plain).size()) == std::string_view(encoded).size());
    const auto back = base64_decode(encoded);
    REQUIRE(back);
    CHECK(*back == plain);
  }
}

TEST_CASE("Base64: MWP keys (mock key and the X1 receiver key of 5.3)") {
  CHECK(base64_encode(std::string(33, '\x43')) == "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND");
  const auto key = base64_decode("A081W9y3zAr3KO88zrlhXZBoS7Wyyl+FmrDwtwQHWHGq");
  REQUIRE(key);
  REQUIRE(key->size() == 33);
  CHECK(static_cast<unsigned char>((*key)[0]) == 0x03);
  CHECK(static_cast<unsigned char>((*key)[1]) == 0x4f);
  CHECK(static_cast<unsigned char>((*key)[32]) == 0xaa);
}

TEST_CASE("Base64: every byte value round-trips") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    const std::string chunk = all.substr(0, n);
    const auto back = base64_decode(base64_encode(chunk));
    REQUIRE(back);
    CHECK(*back == chunk);
  }
}

TEST_CASE("Base64: strict decoding rejects anything an encoder would not write") {
  const char* bad[] = {"Zg=",  "Zg",    "Z===", "Zh==",      "Zm9=",  "Zm9v!A==",
                       "Zg==Zg==", "-_8=", " Zg==", "Zg==\n", "====", "Zm9vY"};
  for (const char* b : bad) {
    INFO(b);
    CHECK(base64_decode(b).error() == errc::invalid_base64);
  }
  std::string out = "keep";
  CHECK(append_base64_decoded(out, "Zm9v*") == errc::invalid_base64);
  CHECK(out == "keep");
  CHECK_FALSE(append_base64_decoded(out, "Zm9v"));
  CHECK(out == "keepfoo");
}

TEST_CASE("Base64: lenient decoding behaves like Node's Buffer.from") {
  const auto lenient = [](const char* s) { return base64_decode(s, base64_mode::lenient); };
  CHECK(*lenient("Zg") == "f");
  CHECK(*lenient(" Zm 9v\nYg = = ") == "foob");
  CHECK(*lenient("Zh==") == "f");
  CHECK(*lenient("-_8=") == *base64_decode("+/8="));
  CHECK(*lenient("Zm9v=garbage") == "foo");
  CHECK(lenient("Zm9v!").error() == errc::invalid_base64);
}
