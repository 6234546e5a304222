// The lean WebSocket client's socket-free parts: frame parser, UTF-8 validation, the
// upgrade-response parser, the accept key and client frame masking.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "net/lean_ws_client_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/close_info.hpp"

namespace {

namespace detail = relayload::net::detail;
namespace close_code = relayload::net::close_code;
using relayload::errc;
using status = detail::frame_parser::status;

// An unmasked server frame (or a masked one, to test the refusal).
std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true,
                  bool masked = false, std::uint8_t rsv = 0) {
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | rsv | opcode));
  const std::size_t n = payload.size();
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (n < 126) {
    f.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
  } else if (n <= 0xFFFF) {
    f.push_back(static_cast<char>(mask_bit | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(mask_bit | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF));
  }
  if (masked) f.append("\x01\x02\x03\x04", 4);
  f.append(payload.data(), payload.size());
  return f;
}

std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p;
  p.push_back(static_cast<char>(code >> 8));
  p.push_back(static_cast<char>(code & 0xFF));
  p.append(reason.data(), reason.size());
  return p;
}

struct recorder final : detail::frame_sink {
  std::vector<std::string> events;  // "text:...", "ping:...", "pong:...", "close:code:reason"
  bool stop_after_text = false;
  bool on_frame_text(std::string_view m) override {
    events.push_back("text:" + std::string(m));
    return !stop_after_text;
  }
  bool on_frame_ping(std::string_view p) override {
    events.push_back("ping:" + std::string(p));
    return true;
  }
  bool on_frame_pong(std::string_view p) override {
    events.push_back("pong:" + std::string(p));
    return true;
  }
  bool on_frame_close(std::uint16_t code, std::string_view reason) override {
    events.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
    return true;
  }
};

constexpr std::size_t big = 1 << 20;

// Feeds `bytes` whole, then one byte at a time into a fresh parser: both must agree.
std::vector<std::string> parse_both_ways(const std::string& bytes, std::size_t max = big) {
  detail::frame_parser whole;
  recorder a;
  REQUIRE(whole.feed(bytes, max, a) == status::ok);
  detail::frame_parser split;
  recorder b;
  for (char c : bytes) REQUIRE(split.feed(&c, 1, max, b) == status::ok);
  CHECK(a.events == b.events);
  CHECK(whole.idle());
  CHECK(split.idle());
  return a.events;
}

}  // namespace

TEST_CASE("lean frame parser: whole and byte-split text frames", "[net][lean]") {
  const std::string big_text(70000, 'x');
  const std::string mid_text(300, 'y');
  const auto ev = parse_both_ways(frame(1, "hello") + frame(1, "") + frame(1, mid_text) +
                                  frame(1, big_text) + frame(1, "h\xC3\xA9llo"));
  REQUIRE(ev.size() == 5);
  CHECK(ev[0] == "text:hello");
  CHECK(ev[1] == "text:");
  CHECK(ev[2] == "text:" + mid_text);
  CHECK(ev[3] == "text:" + big_text);
  CHECK(ev[4] == "text:h\xC3\xA9llo");
}

TEST_CASE("lean frame parser: a fragmented message is one message, storage released after",
          "[net][lean]") {
  detail::frame_parser p;
  recorder r;
  const std::string bytes =
      frame(1, "frag", false) + frame(0, "men", false) + frame(0, "ted", true) + frame(1, "next");
  REQUIRE(p.feed(bytes, big, r) == status::ok);
  CHECK(r.events == std::vector<std::string>{"text:fragmented", "text:next"});
  CHECK(p.idle());
  CHECK(p.stored() < 32);  // no heap block kept once the message completed

  // While the message is partial the parser holds it.
  detail::frame_parser q;
  recorder s;
  REQUIRE(q.feed(frame(1, std::string(100, 'a'), false), big, s) == status::ok);
  CHECK(s.events.empty());
  CHECK_FALSE(q.idle());
  CHECK(q.stored() >= 100);
}

TEST_CASE("lean frame parser: control frames inside a fragmented message", "[net][lean]") {
  const auto ev = parse_both_ways(frame(1, "ab", false) + frame(9, "p1") + frame(0, "cd", false) +
                                  frame(10, "p2") + frame(0, "ef", true));
  CHECK(ev == std::vector<std::string>{"ping:p1", "pong:p2", "text:abcdef"});
}

TEST_CASE("lean frame parser: a UTF-8 sequence split across fragments is valid", "[net][lean]") {
  // U+1F600 (F0 9F 98 80) split 2 + 2.
  const auto ev = parse_both_ways(frame(1, "\xF0\x9F", false) + frame(0, "\x98\x80", true));
  CHECK(ev == std::vector<std::string>{"text:\xF0\x9F\x98\x80"});
}

TEST_CASE("lean frame parser: close frames", "[net][lean]") {
  SECTION("without a code: 1005") {
    CHECK(parse_both_ways(frame(8, "")) == std::vector<std::string>{"close:1005:"});
  }
  SECTION("with a code and reason") {
    CHECK(parse_both_ways(frame(8, close_payload(1000, "bye"))) ==
          std::vector<std::string>{"close:1000:bye"});
    CHECK(parse_both_ways(frame(8, close_payload(3501, "app"))) ==
          std::vector<std::string>{"close:3501:app"});
  }
  SECTION("one byte of payload: 1002") {
    detail::frame_parser p;
    recorder r;
    CHECK(p.feed(frame(8, "\x03"), big, r) == status::failed);
    CHECK(p.failure().code == close_code::protocol_error);
    CHECK(r.events.empty());
  }
  SECTION("a code that may not be sent (1005, 1006, 999, 5000): 1002") {
    for (std::uint16_t code : {1005, 1006, 999, 5000, 2000}) {
      detail::frame_parser p;
      recorder r;
      CHECK(p.feed(frame(8, close_payload(code)), big, r) == status::failed);
      CHECK(p.failure().code == close_code::protocol_error);
      CHECK(p.failure().error == errc::malformed_frame);
    }
  }
  SECTION("a reason that is not UTF-8: 1007") {
    detail::frame_parser p;
    recorder r;
    CHECK(p.feed(frame(8, close_payload(1000, "\xFF")), big, r) == status::failed);
    CHECK(p.failure().code == close_code::invalid_payload);
    CHECK(p.failure().error == errc::invalid_utf8);
  }
}

TEST_CASE("lean frame parser: a masked server frame fails with 1002", "[net][lean]") {
  detail::frame_parser p;
  recorder r;
  // Refused after the first two bytes: no need to wait for the rest.
  const std::string f = frame(1, "hello", true, true);
  CHECK(p.feed(f.substr(0, 2), big, r) == status::failed);
  CHECK(p.failure().code == close_code::protocol_error);
  CHECK(p.failure().error == errc::malformed_frame);
  CHECK(std::string(p.failure().reason) == "masked frame from the server");
  CHECK(r.events.empty());
}

TEST_CASE("lean frame parser: invalid UTF-8 fails with 1007", "[net][lean]") {
  const std::vector<std::string> bad = {
      "\xFF",                  // never valid
      "\xC0\xAF",              // overlong '/'
      "\xE0\x80\xAF",          // overlong 3-byte
      "\xED\xA0\x80",          // surrogate U+D800
      "\xF4\x90\x80\x80",      // above U+10FFFF
      "abc\xE2\x82",           // truncated at the end of the message
      "\x80",                  // lone continuation
  };
  for (const std::string& text : bad) {
    detail::frame_parser p;
    recorder r;
    CHECK(p.feed(frame(1, text), big, r) == status::failed);
    CHECK(p.failure().code == close_code::invalid_payload);
    CHECK(p.failure().error == errc::invalid_utf8);
    CHECK(r.events.empty());
  }
  // Invalid in the middle of a fragmented message fails at once, before the final fragment.
  detail::frame_parser p;
  recorder r;
  CHECK(p.feed(frame(1, "ok", false) + frame(0, "\xFE", false), big, r) == status::failed);
  CHECK(p.failure().code == close_code::invalid_payload);
  // The same message ending in an open sequence fails at its final fragment.
  detail::frame_parser q;
  CHECK(q.feed(frame(1, "ok", false) + frame(0, "\xE2\x82", true), big, r) == status::failed);
  CHECK(q.failure().error == errc::invalid_utf8);
}

TEST_CASE("lean frame parser: a message above the limit fails with 1009", "[net][lean]") {
  SECTION("one frame: refused from its header") {
    detail::frame_parser p;
    recorder r;
    const std::string f = frame(1, std::string(200, 'a'));
    CHECK(p.feed(f.substr(0, 4), 100, r) == status::failed);
    CHECK(p.failure().code == close_code::message_too_big);
    CHECK(p.failure().error == errc::frame_too_large);
  }
  SECTION("fragments that add up to more") {
    detail::frame_parser p;
    recorder r;
    CHECK(p.feed(frame(1, std::string(60, 'a'), false) + frame(0, std::string(60, 'a'), true), 100,
                 r) == status::failed);
    CHECK(p.failure().code == close_code::message_too_big);
    CHECK(r.events.empty());
  }
  SECTION("exactly the limit is accepted") {
    CHECK(parse_both_ways(frame(1, std::string(100, 'a')), 100).size() == 1);
  }
}

TEST_CASE("lean frame parser: framing violations fail with 1002, binary with 1003",
          "[net][lean]") {
  struct bad_case {
    std::string bytes;
    std::uint16_t code;
  };
  const std::vector<bad_case> cases = {
      {frame(0, "x"), close_code::protocol_error},                      // continuation first
      {frame(1, "a", false) + frame(1, "b"), close_code::protocol_error},  // new text inside
      {frame(9, "p", false), close_code::protocol_error},               // fragmented ping
      {frame(9, std::string(126, 'p')), close_code::protocol_error},    // ping > 125 bytes
      {frame(1, "x", true, false, 0x40), close_code::protocol_error},   // RSV1 (no extension)
      {frame(3, "x"), close_code::protocol_error},                      // reserved opcode
      {frame(0xB, "x"), close_code::protocol_error},                    // reserved control
      {std::string("\x81\x7F\x80\x00\x00\x00\x00\x00\x00\x01", 10), close_code::protocol_error},
      {frame(2, "bin"), close_code::unsupported_data},
  };
  for (const bad_case& c : cases) {
    detail::frame_parser p;
    recorder r;
    CHECK(p.feed(c.bytes, big, r) == status::failed);
    CHECK(p.failure().code == c.code);
    CHECK(r.events.empty());
  }
}

TEST_CASE("lean frame parser: truncated input waits, delivers nothing, then completes",
          "[net][lean]") {
  const std::string f = frame(1, std::string(300, 'z'));  // 16-bit length header
  for (std::size_t cut : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4},
                          std::size_t{100}, f.size() - 1}) {
    detail::frame_parser p;
    recorder r;
    REQUIRE(p.feed(f.substr(0, cut), big, r) == status::ok);
    CHECK(r.events.empty());
    CHECK_FALSE(p.idle());
    REQUIRE(p.feed(f.substr(cut), big, r) == status::ok);
    CHECK(r.events.size() == 1);
    CHECK(p.idle());
  }
}

TEST_CASE("lean frame parser: a sink that stops ends parsing at once", "[net][lean]") {
  detail::frame_parser p;
  recorder r;
  r.stop_after_text = true;
  CHECK(p.feed(frame(1, "a") + frame(1, "b"), big, r) == status::stopped);
  CHECK(r.events == std::vector<std::string>{"text:a"});
}

TEST_CASE("lean UTF-8 validator", "[net][lean]") {
  CHECK(detail::valid_utf8(""));
  CHECK(detail::valid_utf8("plain ascii that is longer than eight bytes"));
  CHECK(detail::valid_utf8("\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"));
  CHECK_FALSE(detail::valid_utf8("\xC1\xBF"));
  CHECK_FALSE(detail::valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(detail::valid_utf8("0123456789\xED\xBF\xBF"));
}

TEST_CASE("lean upgrade response parser", "[net][lean]") {
  const std::string accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  const std::vector<std::string> none;
  const std::string good =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: keep-alive, "
      "Upgrade\r\nSec-WebSocket-Accept: " +
      accept + "\r\nX-Other: dropped\r\n\r\n";
  using st = detail::upgrade_response::status;

  SECTION("accepted; every shorter prefix is incomplete") {
    const auto r = detail::parse_upgrade_response(good + "\x81\x01x", accept, none);
    CHECK(r.result == st::accepted);
    CHECK(r.header_size == good.size());
    for (std::size_t n = 0; n < good.size(); ++n) {
      CHECK(detail::parse_upgrade_response(good.substr(0, n), accept, none).result ==
            st::incomplete);
    }
  }
  SECTION("another status is a rejection with status and reason") {
    const auto r = detail::parse_upgrade_response(
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", accept, none);
    CHECK(r.result == st::rejected);
    CHECK(r.http_status == 404);
    CHECK(r.reason == "Not Found");
  }
  SECTION("a wrong accept key") {
    std::string wrong = good;
    wrong.replace(wrong.find(accept), 4, "AAAA");
    const auto r = detail::parse_upgrade_response(wrong, accept, none);
    CHECK(r.result == st::invalid);
    CHECK(r.http_status == 101);
    CHECK(std::string(r.problem) == "wrong Sec-WebSocket-Accept");
  }
  SECTION("missing headers, extensions and subprotocols not offered") {
    const std::string base = "HTTP/1.1 101 Switching Protocols\r\n";
    const std::string acc = "Sec-WebSocket-Accept: " + accept + "\r\n";
    CHECK(detail::parse_upgrade_response(base + "Connection: upgrade\r\n" + acc + "\r\n", accept,
                                         none).result == st::invalid);
    CHECK(detail::parse_upgrade_response(base + "Upgrade: websocket\r\n" + acc + "\r\n", accept,
                                         none).result == st::invalid);
    CHECK(detail::parse_upgrade_response(
              base + "Upgrade: websocket\r\nConnection: upgrade\r\n\r\n", accept, none)
              .result == st::invalid);
    const std::string ok_head = base + "Upgrade: websocket\r\nConnection: upgrade\r\n" + acc;
    CHECK(detail::parse_upgrade_response(
              ok_head + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n", accept, none)
              .result == st::invalid);
    CHECK(detail::parse_upgrade_response(ok_head + "Sec-WebSocket-Protocol: x\r\n\r\n", accept,
                                         none).result == st::invalid);
    CHECK(detail::parse_upgrade_response(ok_head + "Sec-WebSocket-Protocol: x\r\n\r\n", accept,
                                         {"y", "x"}).result == st::accepted);
  }
  SECTION("not HTTP, a bad status line, a head that never ends") {
    CHECK(detail::parse_upgrade_response("SSH-2.0", accept, none).result == st::invalid);
    CHECK(detail::parse_upgrade_response("HTTP/1.1 1O1 x\r\n\r\n", accept, none).result ==
          st::invalid);
    const std::string endless = "HTTP/1.1 101 OK\r\nX: " + std::string(20000, 'a');
    CHECK(detail::parse_upgrade_response(endless, accept, none).result == st::invalid);
  }
}

TEST_CASE("lean keys: RFC 6455's accept example, and random keys", "[net][lean]") {
  const auto a = detail::websocket_accept("dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(std::string(a.data(), a.size()) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const auto k1 = detail::make_websocket_key();
  const auto k2 = detail::make_websocket_key();
  CHECK(k1 != k2);
  CHECK(k1[22] == '=');
  CHECK(k1[23] == '=');
}

TEST_CASE("lean client frames are masked and unmask to the payload", "[net][lean]") {
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{125}, std::size_t{126},
                        std::size_t{65535}, std::size_t{65536}}) {
    std::string payload(n, '\0');
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string out = "prefix";
    detail::append_client_frame(out, 1, payload);
    const auto* b = reinterpret_cast<const unsigned char*>(out.data() + 6);
    CHECK(b[0] == 0x81);
    CHECK((b[1] & 0x80) != 0);  // masked
    std::size_t h = 2;
    std::uint64_t len = b[1] & 0x7F;
    if (len == 126) {
      len = (std::uint64_t{b[2]} << 8) | b[3];
      h = 4;
    } else if (len == 127) {
      len = 0;
      for (int i = 2; i < 10; ++i) len = (len << 8) | b[i];
      h = 10;
    }
    CHECK(len == n);
    CHECK(h == (n < 126 ? 2u : n <= 0xFFFF ? 4u : 10u));
    const unsigned char* mask = b + h;
    std::string unmasked(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
      unmasked[i] = static_cast<char>(b[h + 4 + i] ^ mask[i & 3]);
    }
    CHECK(unmasked == payload);
    CHECK(out.size() == 6 + h + 4 + n);
  }
}
