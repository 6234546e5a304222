// libFuzzer target: the lean WebSocket client's frame parser and upgrade-response parser on
// arbitrary bytes. Besides "no crash, no sanitizer report", it checks that the frame parser
// does not depend on how the stream is split (whole vs. chunks chosen by the input), that
// every text message it delivers is UTF-8 and within the size limit, and that an accepted
// upgrade response is incomplete when cut anywhere before its end. A third mode covers
// permessage-deflate: the server's Sec-WebSocket-Extensions answer, inflating arbitrary
// bytes (never more than the limit delivered, any split of the stream into two messages
// allowed), and deflate → inflate round trips under every window size and takeover choice.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/lean_ws_client_impl.hpp"
#include "net/permessage_deflate_impl.hpp"

namespace {

namespace detail = relayload::net::detail;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that got here
}

struct recorder final : detail::frame_sink {
  std::size_t max = 0;
  std::vector<std::string> events;
  bool on_frame_text(std::string_view m) override {
    check(m.size() <= max);
    check(detail::valid_utf8(m));
    events.push_back("t" + std::string(m));
    return true;
  }
  bool on_frame_ping(std::string_view p) override {
    check(p.size() <= 125);
    events.push_back("i" + std::string(p));
    return true;
  }
  bool on_frame_pong(std::string_view p) override {
    check(p.size() <= 125);
    events.push_back("o" + std::string(p));
    return true;
  }
  bool on_frame_close(std::uint16_t code, std::string_view reason) override {
    events.push_back("c" + std::to_string(code) + std::string(reason));
    return true;
  }
};

void fuzz_frames(std::string_view in, std::size_t max, std::uint8_t split_seed) {
  detail::frame_parser whole;
  recorder a;
  a.max = max;
  const auto sa = whole.feed(in, max, a);

  detail::frame_parser pieces;
  recorder b;
  b.max = max;
  auto sb = detail::frame_parser::status::ok;
  std::size_t at = 0;
  std::uint32_t x = split_seed | 1u;
  while (at < in.size() && sb == detail::frame_parser::status::ok) {
    x = x * 1103515245u + 12345u;
    const std::size_t n = std::min<std::size_t>(in.size() - at, 1 + (x >> 16) % 17);
    sb = pieces.feed(in.substr(at, n), max, b);
    at += n;
  }
  check(sa == sb);
  check(a.events == b.events);
  if (sa == detail::frame_parser::status::failed) {
    check(whole.failure().code == pieces.failure().code);
    check(whole.failure().code >= 1002 && whole.failure().code <= 1009);
  }
}

void fuzz_upgrade(std::string_view in) {
  const std::string accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  const std::vector<std::string> offered = {"json", "protobuf"};
  const auto r = detail::parse_upgrade_response(in, accept, offered);
  using st = detail::upgrade_response::status;
  if (r.result == st::accepted || r.result == st::rejected) {
    check(r.header_size >= 4 && r.header_size <= in.size());
    check(r.http_status >= 100 && r.http_status <= 999);
    check(r.result != st::accepted || r.http_status == 101);
    // Any cut before the blank line is incomplete (or found invalid early), never accepted.
    const auto cut = detail::parse_upgrade_response(in.substr(0, r.header_size - 1), accept, offered);
    check(cut.result == st::incomplete || cut.result == st::invalid);
  }
}

// flags: bits 0-2 the server's window (8 + n), bit 3 server_no_context_takeover, bits 4-6
// the client's window (8 + n), bit 7 client_no_context_takeover. `rest` is an extension
// answer up to its first NUL, then the bytes to inflate and to round-trip.
void fuzz_deflate(std::string_view rest, std::size_t max, std::uint8_t flags) {
  const std::size_t nul = rest.find('\0');
  const std::string_view answer = rest.substr(0, nul);
  const std::string_view data = nul == std::string_view::npos ? std::string_view{} : rest.substr(nul + 1);

  detail::deflate_params parsed;
  if (detail::parse_deflate_response(answer, parsed) == nullptr) {
    check(parsed.server_max_window_bits >= 8 && parsed.server_max_window_bits <= 15);
    check(parsed.client_max_window_bits >= 8 && parsed.client_max_window_bits <= 15);
  }

  detail::deflate_params p;
  p.server_max_window_bits = static_cast<std::uint8_t>(8 + (flags & 7));
  p.server_no_context_takeover = (flags & 8) != 0;
  p.client_max_window_bits = static_cast<std::uint8_t>(8 + ((flags >> 4) & 7));
  p.client_no_context_takeover = (flags & 0x80) != 0;

  // Arbitrary bytes from a server, as two messages on one connection.
  {
    detail::permessage_deflate inflater(p);
    std::string out;
    using st = detail::permessage_deflate::inflate_status;
    const std::size_t half = data.size() / 2;
    const st first = inflater.inflate(data.substr(0, half), max, out);
    check(first != st::ok || out.size() <= max);
    if (first == st::ok) {
      const st second = inflater.inflate(data.substr(half), max, out);
      check(second != st::ok || out.size() <= max);
    }
  }

  // What our deflater sends, the peer's inflater (window 15, resetting when we reset) reads
  // back exactly; twice, so that context takeover is exercised.
  {
    detail::permessage_deflate sender(p);
    detail::deflate_params peer_params;
    peer_params.server_max_window_bits = p.client_max_window_bits;  // the window we compress within
    peer_params.server_no_context_takeover = p.client_no_context_takeover;
    detail::permessage_deflate peer(peer_params);
    for (int round = 0; round < 2; ++round) {
      std::string wire;
      check(sender.deflate(data, wire));
      std::string back;
      check(peer.inflate(wire, data.size(), back) ==
            detail::permessage_deflate::inflate_status::ok);
      check(back == data);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  const std::size_t max = 1 + static_cast<std::size_t>(data[1]) * 64;  // 1 .. 16321 bytes
  if ((data[0] & 1) == 0) {
    fuzz_frames(rest, max, data[2]);
  } else if ((data[0] & 3) == 1) {
    fuzz_upgrade(rest);
  } else {
    fuzz_deflate(rest, max, data[2]);
  }
  return 0;
}
