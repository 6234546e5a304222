// permessage-deflate (RFC 7692) in the lean client: the offer, the check of the server's
// answer, the codec against an independent zlib "server", and the frame parser with RSV1.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "net/lean_ws_client_impl.hpp"
#include "net/permessage_deflate_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/net/close_info.hpp"

namespace {

namespace detail = relayload::net::detail;
namespace close_code = relayload::net::close_code;
using relayload::errc;
using detail::deflate_params;
using detail::permessage_deflate;
using status = detail::frame_parser::status;
using inflate_status = permessage_deflate::inflate_status;

// The server side, straight on zlib: raw DEFLATE, a sync flush per message, the 00 00 ff ff
// tail stripped (RFC 7692 §7.2.1), optionally reset after each message.
class zlib_server {
 public:
  explicit zlib_server(bool no_context_takeover = false, int bits = 15)
      : reset_(no_context_takeover) {
    REQUIRE(deflateInit2(&d_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -bits, 8, Z_DEFAULT_STRATEGY) ==
            Z_OK);
    REQUIRE(inflateInit2(&i_, -15) == Z_OK);
  }
  ~zlib_server() {
    deflateEnd(&d_);
    inflateEnd(&i_);
  }
  zlib_server(const zlib_server&) = delete;
  zlib_server& operator=(const zlib_server&) = delete;

  std::string compress(const std::string& in) {
    std::string out(in.size() + 64, '\0');
    d_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    d_.avail_in = static_cast<uInt>(in.size());
    d_.next_out = reinterpret_cast<Bytef*>(&out[0]);
    d_.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&d_, Z_SYNC_FLUSH) == Z_OK);
    REQUIRE(d_.avail_out > 0);
    out.resize(out.size() - d_.avail_out);
    REQUIRE(out.size() >= 4);
    REQUIRE(out.substr(out.size() - 4) == std::string("\x00\x00\xff\xff", 4));
    out.resize(out.size() - 4);
    if (reset_) deflateReset(&d_);
    return out;
  }

  // Inflates what the client sent (its context is kept, as a server with takeover does).
  std::string decompress(std::string in) {
    in.append("\x00\x00\xff\xff", 4);
    std::string out(1 << 20, '\0');
    i_.next_in = reinterpret_cast<Bytef*>(&in[0]);
    i_.avail_in = static_cast<uInt>(in.size());
    i_.next_out = reinterpret_cast<Bytef*>(&out[0]);
    i_.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&i_, Z_SYNC_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_BUF_ERROR));
    REQUIRE(i_.avail_in == 0);
    out.resize(out.size() - i_.avail_out);
    return out;
  }

 private:
  z_stream d_{};
  z_stream i_{};
  bool reset_;
};

std::string server_frame(std::uint8_t first_byte, const std::string& payload) {
  std::string f;
  f.push_back(static_cast<char>(first_byte));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    f.push_back(static_cast<char>(126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(127));
    for (int i = 7; i >= 0; --i) {
      f.push_back(static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xFF));
    }
  }
  return f + payload;
}

struct recorder final : detail::frame_sink {
  std::vector<std::string> texts;
  bool on_frame_text(std::string_view m) override {
    texts.emplace_back(m);
    return true;
  }
  bool on_frame_ping(std::string_view) override { return true; }
  bool on_frame_pong(std::string_view) override { return true; }
  bool on_frame_close(std::uint16_t, std::string_view) override { return true; }
};

const std::string json =
    R"({"push":{"channel":"mwp:abc","pub":{"data":{"id":"0123456789","message":"hello"}}}})";

std::string parse_problem(std::string_view value) {
  deflate_params p;
  const char* problem = detail::parse_deflate_response(value, p);
  return problem == nullptr ? std::string() : std::string(problem);
}

}  // namespace

TEST_CASE("permessage-deflate: the offer is the browsers'", "[net][deflate]") {
  CHECK(detail::permessage_deflate_offer == "permessage-deflate; client_max_window_bits");
}

TEST_CASE("permessage-deflate: acceptable server answers", "[net][deflate]") {
  deflate_params p;
  REQUIRE(detail::parse_deflate_response("permessage-deflate", p) == nullptr);
  CHECK(p == deflate_params{});

  REQUIRE(detail::parse_deflate_response(
              "Permessage-Deflate; server_no_context_takeover ;client_no_context_takeover; "
              "server_max_window_bits=10; client_max_window_bits=\"9\"",
              p) == nullptr);
  CHECK(p.server_no_context_takeover);
  CHECK(p.client_no_context_takeover);
  CHECK(p.server_max_window_bits == 10);
  CHECK(p.client_max_window_bits == 9);

  REQUIRE(detail::parse_deflate_response("permessage-deflate; client_max_window_bits=15", p) ==
          nullptr);
  CHECK(p.client_max_window_bits == 15);
  CHECK_FALSE(p.server_no_context_takeover);
}

TEST_CASE("permessage-deflate: bad server answers are refused with a cause", "[net][deflate]") {
  CHECK(parse_problem("x-webkit-deflate-frame") ==
        "the server chose an extension that was not offered");
  CHECK(parse_problem("permessage-deflate, permessage-deflate").find("more than one") !=
        std::string::npos);
  CHECK(parse_problem("permessage-deflate; server_no_context_takeover; server_no_context_takeover")
            .find("given twice") != std::string::npos);
  CHECK(parse_problem("permessage-deflate; client_no_context_takeover=1").find("with a value") !=
        std::string::npos);
  // client_max_window_bits needs a value in a response (RFC 7692 §7.1.2.2).
  CHECK(parse_problem("permessage-deflate; client_max_window_bits").find("8 to 15") !=
        std::string::npos);
  for (const char* v : {"7", "16", "08", "x", "", "1 5", "\"\""}) {
    INFO(v);
    CHECK(parse_problem(std::string("permessage-deflate; server_max_window_bits=") + v)
              .find("8 to 15") != std::string::npos);
  }
  CHECK(parse_problem("permessage-deflate; mux").find("unknown") != std::string::npos);
  CHECK(parse_problem("permessage-deflate;").find("empty") != std::string::npos);
  CHECK_FALSE(parse_problem("").empty());
}

TEST_CASE("permessage-deflate: the upgrade parser takes it only when offered", "[net][deflate]") {
  const std::string accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  const std::string head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " + accept + "\r\n";
  const std::vector<std::string> none;
  using st = detail::upgrade_response::status;
  deflate_params p;

  // Accepted with parameters.
  auto r = detail::parse_upgrade_response(
      head + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n",
      accept, none, &p);
  REQUIRE(r.result == st::accepted);
  CHECK(r.deflate);
  CHECK(p.server_no_context_takeover);

  // Offered, not accepted: an uncompressed connection.
  r = detail::parse_upgrade_response(head + "\r\n", accept, none, &p);
  REQUIRE(r.result == st::accepted);
  CHECK_FALSE(r.deflate);

  // Not offered but answered: refused, as before.
  r = detail::parse_upgrade_response(head + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
                                     accept, none);
  REQUIRE(r.result == st::invalid);
  CHECK(r.http_status == 101);
  CHECK(std::string(r.problem) == "the server chose an extension that was not offered");

  // Offered, answered badly: refused with the parameter problem.
  r = detail::parse_upgrade_response(
      head + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=20\r\n\r\n",
      accept, none, &p);
  REQUIRE(r.result == st::invalid);
  CHECK(std::string(r.problem) == "permessage-deflate: server_max_window_bits must be 8 to 15");

  // Twice.
  r = detail::parse_upgrade_response(head +
                                         "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                                         "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n",
                                     accept, none, &p);
  CHECK(r.result == st::invalid);
}

TEST_CASE("permessage-deflate: round trip both ways with context takeover", "[net][deflate]") {
  zlib_server server;
  permessage_deflate codec{deflate_params{}};
  CHECK(codec.allocated_bytes() == 0);  // nothing until the first message

  // Server -> client: the second copy of the same message refers back to the first.
  const std::string m1 = server.compress(json);
  const std::string m2 = server.compress(json);
  CHECK(m2.size() < m1.size());
  std::string out;
  REQUIRE(codec.inflate(m1, 1 << 20, out) == inflate_status::ok);
  CHECK(out == json);
  REQUIRE(codec.inflate(m2, 1 << 20, out) == inflate_status::ok);
  CHECK(out == json);
  // Without the first message's window the second cannot be decoded to the same text.
  {
    permessage_deflate fresh{deflate_params{}};
    std::string other;
    const auto s = fresh.inflate(m2, 1 << 20, other);
    CHECK((s != inflate_status::ok || other != json));
  }

  // Client -> server: our deflater keeps its context too.
  std::string c1, c2;
  REQUIRE(codec.deflate(json, c1));
  REQUIRE(codec.deflate(json, c2));
  CHECK(c2.size() < c1.size());
  CHECK(server.decompress(c1) == json);
  CHECK(server.decompress(c2) == json);

  // Large and empty messages.
  std::string big;
  for (int i = 0; i < 5000; ++i) big += json;
  std::string cb;
  REQUIRE(codec.deflate(big, cb));
  CHECK(cb.size() < big.size() / 10);
  CHECK(server.decompress(cb) == big);
  std::string ce;
  REQUIRE(codec.deflate("", ce));
  CHECK(ce == std::string(1, '\0'));
  CHECK(server.decompress(ce).empty());
  REQUIRE(codec.inflate(server.compress(big), big.size(), out) == inflate_status::ok);
  CHECK(out == big);
  REQUIRE(codec.inflate(std::string(1, '\0'), 10, out) == inflate_status::ok);
  CHECK(out.empty());

  CHECK(codec.allocated_bytes() > 32 * 1024);  // both streams exist now
}

TEST_CASE("permessage-deflate: no_context_takeover both ways", "[net][deflate]") {
  deflate_params p;
  p.server_no_context_takeover = true;
  p.client_no_context_takeover = true;
  zlib_server server(true);
  permessage_deflate codec{p};

  // The server resets per message: each message decodes alone, and our inflater resets too.
  const std::string m1 = server.compress(json);
  const std::string m2 = server.compress(json);
  CHECK(m1 == m2);
  std::string out;
  REQUIRE(codec.inflate(m1, 1 << 20, out) == inflate_status::ok);
  CHECK(out == json);
  REQUIRE(codec.inflate(m2, 1 << 20, out) == inflate_status::ok);
  CHECK(out == json);

  // We reset per message: identical output, each decodable by a fresh inflater.
  std::string c1, c2;
  REQUIRE(codec.deflate(json, c1));
  REQUIRE(codec.deflate(json, c2));
  CHECK(c1 == c2);
  zlib_server fresh;
  CHECK(fresh.decompress(c2) == json);
}

TEST_CASE("permessage-deflate: small windows are honoured", "[net][deflate]") {
  deflate_params p;
  p.server_max_window_bits = 9;
  p.client_max_window_bits = 8;  // zlib compresses with 9 bits: distances stay below 256
  zlib_server server(false, 9);
  permessage_deflate codec{p};
  std::string big;
  for (int i = 0; i < 200; ++i) big += json;
  std::string out;
  REQUIRE(codec.inflate(server.compress(big), 1 << 20, out) == inflate_status::ok);
  CHECK(out == big);
  std::string c;
  REQUIRE(codec.deflate(big, c));
  CHECK(zlib_server().decompress(c) == big);
}

TEST_CASE("permessage-deflate: a zip bomb stops at the limit", "[net][deflate]") {
  zlib_server server;
  const std::string zeros(8 * 1024 * 1024, 'a');
  const std::string bomb = server.compress(zeros);
  CHECK(bomb.size() < 16 * 1024);
  permessage_deflate codec{deflate_params{}};
  std::string out;
  CHECK(codec.inflate(bomb, 64 * 1024, out) == inflate_status::too_big);
  CHECK(out.capacity() < 256 * 1024);  // stopped early, not inflated to 8 MB

  // Through the frame parser: close 1009, frame_too_large.
  permessage_deflate codec2{deflate_params{}};
  detail::frame_parser parser;
  parser.set_inflater(&codec2);
  recorder sink;
  REQUIRE(parser.feed(server_frame(0xC1, zlib_server().compress(zeros)), 64 * 1024, sink) ==
          status::failed);
  CHECK(parser.failure().code == close_code::message_too_big);
  CHECK(parser.failure().error == errc::frame_too_large);
  CHECK(sink.texts.empty());
}

TEST_CASE("permessage-deflate: the frame parser inflates RSV1 messages only when negotiated",
          "[net][deflate]") {
  zlib_server server;
  const std::string c1 = server.compress(json);

  SECTION("not negotiated: RSV1 is a protocol error") {
    detail::frame_parser parser;
    recorder sink;
    REQUIRE(parser.feed(server_frame(0xC1, c1), 1 << 20, sink) == status::failed);
    CHECK(parser.failure().code == close_code::protocol_error);
  }
  permessage_deflate codec{deflate_params{}};
  detail::frame_parser parser;
  parser.set_inflater(&codec);
  recorder sink;

  SECTION("whole, byte by byte, fragmented, mixed with plain messages") {
    REQUIRE(parser.feed(server_frame(0xC1, c1), 1 << 20, sink) == status::ok);
    const std::string c2 = server.compress(json + "2");
    const std::string bytes = server_frame(0xC1, c2);
    for (char b : bytes) REQUIRE(parser.feed(&b, 1, 1 << 20, sink) == status::ok);
    REQUIRE(parser.feed(server_frame(0x81, "plain"), 1 << 20, sink) == status::ok);
    const std::string c3 = server.compress(json + "3");
    REQUIRE(c3.size() >= 4);
    const std::string split = server_frame(0x41, c3.substr(0, 2)) +       // RSV1, no FIN
                              server_frame(0x89, "ping") +                // control in between
                              server_frame(0x00, c3.substr(2, 2)) +       // continuation
                              server_frame(0x80, c3.substr(4));           // final
    REQUIRE(parser.feed(split, 1 << 20, sink) == status::ok);
    CHECK(sink.texts == std::vector<std::string>{json, json + "2", "plain", json + "3"});
    CHECK(parser.idle());
  }
  SECTION("RSV1 on a continuation or a control frame is a protocol error") {
    REQUIRE(parser.feed(server_frame(0x01, "ab") + server_frame(0xC0, "cd"), 1 << 20, sink) ==
            status::failed);
    CHECK(parser.failure().code == close_code::protocol_error);
    detail::frame_parser p2;
    p2.set_inflater(&codec);
    REQUIRE(p2.feed(server_frame(0xC9, ""), 1 << 20, sink) == status::failed);
    CHECK(p2.failure().code == close_code::protocol_error);
  }
  SECTION("RSV2 and RSV3 stay errors") {
    REQUIRE(parser.feed(server_frame(0xA1, c1), 1 << 20, sink) == status::failed);
    CHECK(parser.failure().code == close_code::protocol_error);
  }
  SECTION("invalid UTF-8 after inflating: 1007") {
    REQUIRE(parser.feed(server_frame(0xC1, server.compress("ok \xC3\x28")), 1 << 20, sink) ==
            status::failed);
    CHECK(parser.failure().code == close_code::invalid_payload);
    CHECK(parser.failure().error == errc::invalid_utf8);
  }
  SECTION("data that does not inflate: 1007") {
    REQUIRE(parser.feed(server_frame(0xC1, std::string("\xff\xff\xff\xff", 4)), 1 << 20, sink) ==
            status::failed);
    CHECK(parser.failure().code == close_code::invalid_payload);
    CHECK(parser.failure().error == errc::malformed_frame);
  }
  SECTION("reset() forgets the inflater") {
    parser.reset();
    REQUIRE(parser.feed(server_frame(0xC1, c1), 1 << 20, sink) == status::failed);
    CHECK(parser.failure().code == close_code::protocol_error);
  }
}

TEST_CASE("permessage-deflate: compressed client frames carry RSV1", "[net][deflate]") {
  std::string plain, packed;
  detail::append_client_frame(plain, 0x1, "abc");
  detail::append_client_frame(packed, 0x1, "abc", true);
  CHECK(static_cast<unsigned char>(plain[0]) == 0x81);
  CHECK(static_cast<unsigned char>(packed[0]) == 0xC1);
}
