// The escaper must produce what JSON.stringify produces (protocol.md §1.5). Expected values
// are JSON.stringify outputs.
#include <catch2/catch.hpp>

#include <string>

#include "relayload/wire/json_string.hpp"

using namespace relayload::wire;

TEST_CASE("JSON string escaping: quotes and backslashes are escaped, slash is not") {
  CHECK(to_json_string(R"(a"b\c/d)") == R"("a\"b\\c/d")");
  CHECK(to_json_string("") == R"("")");
  CHECK(to_json_string("plain ascii 0-9 +/=:,{}[]") == R"("plain ascii 0-9 +/=:,{}[]")");
}

TEST_CASE("JSON string escaping: control characters use short forms or lowercase \\u00xx") {
  const std::string controls("\x00\x01\b\t\n\x0b\f\r\x1a\x1f", 10);
  CHECK(to_json_string(controls) == R"("\u0000\u0001\b\t\n\u000b\f\r\u001a\u001f")");
  CHECK(to_json_string("\x7f") == "\"\x7f\"");  // DEL is not a control character for JSON
}

TEST_CASE("JSON string escaping: non-ASCII UTF-8 is copied raw") {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8 <>&";
  CHECK(to_json_string(text) == "\"" + text + "\"");
}

TEST_CASE("JSON string escaping: UTF-8-encoded lone surrogates become \\udxxx") {
  CHECK(to_json_string("a\xed\xa0\x80z") == R"("a\ud800z")");
  CHECK(to_json_string("\xed\xbf\xbf") == R"("\udfff")");
  // ED followed by a non-surrogate continuation is ordinary UTF-8 (U+D7FF) and stays raw.
  CHECK(to_json_string("\xed\x9f\xbf") == "\"\xed\x9f\xbf\"");
  // A truncated sequence at the end is copied as is.
  CHECK(to_json_string("\xed\xa0") == "\"\xed\xa0\"");
}

TEST_CASE("JSON string escaping: json_string_size matches the appended size") {
  const std::string samples[] = {"", "abc", std::string("\x00\"\\\n\x1f", 5),
                                 "\xed\xa0\x80", "\xc3\xa9/", std::string(300, 'x')};
  for (const std::string& s : samples) {
    std::string out;
    append_json_string(out, s);
    CHECK(json_string_size(s) == out.size());
  }
}

TEST_CASE("JSON string escaping appends without clearing") {
  std::string out = "prefix:";
  append_json_string(out, "x\"y");
  append_json_escaped(out, "\n");
  CHECK(out == R"(prefix:"x\"y"\n)");
}

TEST_CASE("Integers are written in plain decimal") {
  std::string out;
  append_json_uint(out, 0);
  out.push_back(',');
  append_json_uint(out, 18446744073709551615ull);
  out.push_back(',');
  append_json_int(out, -9223372036854775807ll - 1);
  out.push_back(',');
  append_json_int(out, 1700000060000);
  CHECK(out == "0,18446744073709551615,-9223372036854775808,1700000060000");
}

namespace {
// Byte-at-a-time reference of the JSON.stringify rules, to check the word-at-a-time scanner.
std::string reference_escape(const std::string& s) {
  static const char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\b') out += "\\b";
    else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\f') out += "\\f";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20) out += std::string("\\u00") + hex[c >> 4] + hex[c & 15];
    else if (c == 0xED && i + 2 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0xA0 &&
             (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80) {
      const unsigned cp = 0xD000u | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                          (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      out += std::string("\\u") + hex[(cp >> 12) & 15] + hex[(cp >> 8) & 15] +
             hex[(cp >> 4) & 15] + hex[cp & 15];
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}
}  // namespace

TEST_CASE("JSON string escaping: every special byte at every position of a long string") {
  const std::string specials[] = {std::string(1, '\0'), "\x01", "\x1f", "\"", "\\", "\n",
                                  "\xed\xa0\x80", "\xed\x9f\xbf", "\xc3\xa9", "\x7f", " ", "\xff"};
  for (std::size_t len : {1u, 7u, 8u, 9u, 16u, 31u, 40u}) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (const std::string& sp : specials) {
        std::string s(len, 'a');
        s.replace(pos, 1, sp);
        INFO("len " << len << " pos " << pos);
        std::string out;
        append_json_string(out, s);
        CHECK(out == reference_escape(s));
        CHECK(json_string_size(s) == out.size());
      }
    }
  }
}
