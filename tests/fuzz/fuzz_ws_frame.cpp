// libFuzzer target: the lean WebSocket client's frame parser and upgrade-response parser on
// arbitrary bytes. Besides "no crash, no sanitizer report", it checks that the frame parser
// does not depend on how the stream is split (whole vs. chunks chosen by the input), that
// every text message it delivers is UTF-8 and within the size limit, and that an accepted
// upgrade response is incomplete when cut anywhere before its end.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/lean_ws_client_impl.hpp"

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  if ((data[0] & 1) == 0) {
    const std::size_t max = 1 + static_cast<std::size_t>(data[1]) * 64;  // 1 .. 16321 bytes
    fuzz_frames(rest, max, data[2]);
  } else {
    fuzz_upgrade(rest);
  }
  return 0;
}
