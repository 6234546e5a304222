// The socket-free parts of the lean WebSocket client: see lean_ws_client_impl.hpp.
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "net/lean_ws_client_impl.hpp"
#include "net/permessage_deflate_impl.hpp"
#include "relayload/net/close_info.hpp"

namespace relayload::net::detail {

// ---------------------------------------------------------------------------------------
// UTF-8

bool utf8_validator::feed(const unsigned char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  while (i < n) {
    if (need_ == 0) {
      // ASCII runs, 8 bytes at a time: JSON text is mostly ASCII.
      while (i + 8 <= n) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & 0x8080808080808080ULL) != 0) break;
        i += 8;
      }
      if (i >= n) break;
      const unsigned char c = p[i++];
      if (c < 0x80) continue;
      if (c >= 0xC2 && c <= 0xDF) {
        need_ = 1, lo_ = 0x80, hi_ = 0xBF;
      } else if (c == 0xE0) {
        need_ = 2, lo_ = 0xA0, hi_ = 0xBF;  // no overlong 3-byte forms
      } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        need_ = 2, lo_ = 0x80, hi_ = 0xBF;
      } else if (c == 0xED) {
        need_ = 2, lo_ = 0x80, hi_ = 0x9F;  // no surrogates
      } else if (c == 0xF0) {
        need_ = 3, lo_ = 0x90, hi_ = 0xBF;  // no overlong 4-byte forms
      } else if (c >= 0xF1 && c <= 0xF3) {
        need_ = 3, lo_ = 0x80, hi_ = 0xBF;
      } else if (c == 0xF4) {
        need_ = 3, lo_ = 0x80, hi_ = 0x8F;  // nothing above U+10FFFF
      } else {
        return false;
      }
    } else {
      const unsigned char c = p[i++];
      if (c < lo_ || c > hi_) return false;
      lo_ = 0x80, hi_ = 0xBF;
      --need_;
    }
  }
  return true;
}

bool valid_utf8(std::string_view s) noexcept {
  utf8_validator v;
  return v.feed(s) && v.complete();
}

// ---------------------------------------------------------------------------------------
// frame parser

namespace {

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;

// Codes a peer may put in a close frame (RFC 6455 §7.4.1, and the IANA registry's 1012–1014).
bool receivable_close_code(std::uint16_t c) noexcept {
  if (c >= 1000 && c <= 1003) return true;
  if (c >= 1007 && c <= 1014) return true;
  return c >= 3000 && c <= 4999;
}

}  // namespace

void frame_parser::reset() noexcept {
  std::string().swap(buffer_);
  frame_left_ = 0;
  control_at_ = 0;
  failure_ = {};
  utf8_.reset();
  stage_ = stage::header;
  header_len_ = 0;
  frame_opcode_ = 0;
  frame_fin_ = false;
  opcode_ = 0;
  compressed_ = false;
  inflater_ = nullptr;
}

frame_parser::status frame_parser::fail(std::uint16_t code, errc e, const char* reason) noexcept {
  failure_ = ws_failure{code, e, reason};
  return status::failed;
}

std::size_t frame_parser::header_size(const unsigned char* h, std::size_t have) noexcept {
  if (have < 2) return 0;
  const unsigned len7 = h[1] & 0x7Fu;
  // The mask bit is refused in start_frame, before any masking key would be read.
  return len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
}

bool frame_parser::start_frame(const unsigned char* h, std::size_t max_message) {
  const bool fin = (h[0] & 0x80u) != 0;
  const std::uint8_t op = h[0] & 0x0Fu;
  // RSV1 only on the first frame of a text message, and only with permessage-deflate.
  const unsigned rsv = h[0] & 0x70u;
  if (rsv != 0 && (rsv != 0x40u || inflater_ == nullptr || op != op_text)) {
    fail(close_code::protocol_error, errc::malformed_frame, "reserved bits set");
    return false;
  }
  if ((h[1] & 0x80u) != 0) {
    fail(close_code::protocol_error, errc::malformed_frame, "masked frame from the server");
    return false;
  }
  std::uint64_t len = h[1] & 0x7Fu;
  if (len == 126) {
    len = (std::uint64_t{h[2]} << 8) | h[3];
  } else if (len == 127) {
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | h[i];
    if ((len >> 63) != 0) {
      fail(close_code::protocol_error, errc::malformed_frame, "64-bit length with the top bit set");
      return false;
    }
  }
  switch (op) {
    case op_continuation:
      if (opcode_ == 0) {
        fail(close_code::protocol_error, errc::malformed_frame, "continuation without a message");
        return false;
      }
      break;
    case op_text:
      if (opcode_ != 0) {
        fail(close_code::protocol_error, errc::malformed_frame,
             "new message inside a fragmented one");
        return false;
      }
      opcode_ = op_text;
      compressed_ = rsv != 0;
      utf8_.reset();
      break;
    case op_binary:
      if (opcode_ != 0) {
        fail(close_code::protocol_error, errc::malformed_frame,
             "new message inside a fragmented one");
        return false;
      }
      fail(close_code::unsupported_data, errc::malformed_frame, "binary frames are not supported");
      return false;
    case op_close:
    case op_ping:
    case op_pong:
      if (!fin) {
        fail(close_code::protocol_error, errc::malformed_frame, "fragmented control frame");
        return false;
      }
      if (len > 125) {
        fail(close_code::protocol_error, errc::malformed_frame, "control frame above 125 bytes");
        return false;
      }
      control_at_ = static_cast<std::uint32_t>(buffer_.size());
      break;
    default:
      fail(close_code::protocol_error, errc::malformed_frame, "unknown opcode");
      return false;
  }
  if (op < op_close && (len > max_message || buffer_.size() + len > max_message)) {
    fail(close_code::message_too_big, errc::frame_too_large, "message too big");
    return false;
  }
  frame_opcode_ = op;
  frame_fin_ = fin;
  frame_left_ = len;
  stage_ = stage::payload;
  return true;
}

frame_parser::status frame_parser::finish_frame(frame_sink& sink) {
  stage_ = stage::header;
  if (frame_opcode_ < op_close) {
    if (!frame_fin_) return status::ok;
    if (!utf8_.complete()) {
      return fail(close_code::invalid_payload, errc::invalid_utf8, "invalid UTF-8 in a text message");
    }
    // The parser is ready for the next frame before the sink runs (it may reset us).
    opcode_ = 0;
    utf8_.reset();
    const std::string message = std::move(buffer_);
    buffer_ = std::string();
    if (compressed_) {  // its bytes were not UTF-8-fed: they are DEFLATE data
      compressed_ = false;
      return deliver_compressed(message, sink);
    }
    return sink.on_frame_text(message) ? status::ok : status::stopped;
  }
  std::array<char, 125> payload;
  const std::size_t n = buffer_.size() - control_at_;
  std::memcpy(payload.data(), buffer_.data() + control_at_, n);
  buffer_.resize(control_at_);
  if (buffer_.empty()) std::string().swap(buffer_);
  const std::string_view view(payload.data(), n);
  switch (frame_opcode_) {
    case op_ping:
      return sink.on_frame_ping(view) ? status::ok : status::stopped;
    case op_pong:
      return sink.on_frame_pong(view) ? status::ok : status::stopped;
    default: {  // close
      if (n == 1) {
        return fail(close_code::protocol_error, errc::malformed_frame, "close payload of 1 byte");
      }
      std::uint16_t code = close_code::no_status;
      std::string_view reason;
      if (n >= 2) {
        code = static_cast<std::uint16_t>((static_cast<unsigned char>(view[0]) << 8) |
                                          static_cast<unsigned char>(view[1]));
        if (!receivable_close_code(code)) {
          return fail(close_code::protocol_error, errc::malformed_frame, "invalid close code");
        }
        reason = view.substr(2);
        if (!valid_utf8(reason)) {
          return fail(close_code::invalid_payload, errc::invalid_utf8,
                      "invalid UTF-8 in a close reason");
        }
      }
      return sink.on_frame_close(code, reason) ? status::ok : status::stopped;
    }
  }
}

frame_parser::status frame_parser::deliver_compressed(std::string_view payload,
                                                      frame_sink& sink) {
  std::string message;  // the inflated text, released after delivery
  using st = permessage_deflate::inflate_status;
  switch (inflater_->inflate(payload, max_message_, message)) {
    case st::ok:
      break;
    case st::too_big:
      return fail(close_code::message_too_big, errc::frame_too_large,
                  "message too big after inflating");
    case st::corrupt:
      return fail(close_code::invalid_payload, errc::malformed_frame,
                  "invalid permessage-deflate data");
    case st::no_memory:
      return fail(close_code::internal_error, errc::malformed_frame,
                  "no memory to inflate a message");
  }
  if (!valid_utf8(message)) {
    return fail(close_code::invalid_payload, errc::invalid_utf8, "invalid UTF-8 in a text message");
  }
  return sink.on_frame_text(message) ? status::ok : status::stopped;
}

frame_parser::status frame_parser::feed(const char* data, std::size_t size,
                                        std::size_t max_message, frame_sink& sink) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  std::size_t n = size;
  max_message_ = max_message;
  while (n > 0) {
    if (stage_ == stage::header) {
      std::size_t need = header_len_ == 0 ? header_size(p, n) : 0;
      if (need != 0 && n >= need) {  // the whole header is here: no copy
        if (!start_frame(p, max_message)) return status::failed;
        p += need;
        n -= need;
      } else {
        while (n > 0 && stage_ == stage::header) {
          header_[header_len_++] = *p++;
          --n;
          need = header_size(header_.data(), header_len_);
          if (need != 0 && header_len_ == need) {
            header_len_ = 0;
            if (!start_frame(header_.data(), max_message)) return status::failed;
          }
        }
        if (stage_ == stage::header) return status::ok;  // more header bytes to come
      }
      if (frame_left_ == 0) {
        const status s = finish_frame(sink);
        if (s != status::ok) return s;
        continue;
      }
    }
    // Payload of the current frame.
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, n));
    if (frame_opcode_ == op_text && frame_fin_ && buffer_.empty() && take == frame_left_) {
      // A whole unfragmented message in the caller's buffer: validate and deliver in place.
      const std::string_view message(reinterpret_cast<const char*>(p), take);
      if (compressed_) {
        p += take;
        n -= take;
        frame_left_ = 0;
        stage_ = stage::header;
        opcode_ = 0;
        compressed_ = false;
        const status s = deliver_compressed(message, sink);
        if (s != status::ok) return s;
        continue;
      }
      if (!valid_utf8(message)) {
        return fail(close_code::invalid_payload, errc::invalid_utf8,
                    "invalid UTF-8 in a text message");
      }
      p += take;
      n -= take;
      frame_left_ = 0;
      stage_ = stage::header;
      opcode_ = 0;
      if (!sink.on_frame_text(message)) return status::stopped;
      continue;
    }
    if (frame_opcode_ < op_close && !compressed_ && !utf8_.feed(p, take)) {
      return fail(close_code::invalid_payload, errc::invalid_utf8, "invalid UTF-8 in a text message");
    }
    buffer_.append(reinterpret_cast<const char*>(p), take);
    p += take;
    n -= take;
    frame_left_ -= take;
    if (frame_left_ == 0) {
      const status s = finish_frame(sink);
      if (s != status::ok) return s;
    }
  }
  return status::ok;
}

// ---------------------------------------------------------------------------------------
// upgrade response

namespace {

// True when the comma-separated list `value` has `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) noexcept {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

upgrade_response invalid(const char* problem) noexcept {
  upgrade_response r;
  r.result = upgrade_response::status::invalid;
  r.problem = problem;
  return r;
}

}  // namespace

upgrade_response parse_upgrade_response(std::string_view data, std::string_view expected_accept,
                                        const std::vector<std::string>& offered,
                                        deflate_params* offered_deflate) {
  constexpr std::string_view prefix = "HTTP/";
  if (data.substr(0, std::min(data.size(), prefix.size())) !=
      prefix.substr(0, std::min(data.size(), prefix.size()))) {
    return invalid("the answer to the upgrade request is not HTTP");
  }
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > max_upgrade_response) return invalid("upgrade response head above 16 KB");
    return {};
  }
  if (end + 4 > max_upgrade_response) return invalid("upgrade response head above 16 KB");
  std::string_view head = data.substr(0, end + 2);  // every line ends with \r\n
  const std::size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  head.remove_prefix(line_end + 2);

  // Status line: HTTP/1.x SP 3DIGIT SP reason
  if (line.size() < 12 || (line.substr(0, 9) != "HTTP/1.1 " && line.substr(0, 9) != "HTTP/1.0 ") ||
      line[9] < '1' || line[9] > '9' || line[10] < '0' || line[10] > '9' || line[11] < '0' ||
      line[11] > '9' || (line.size() > 12 && line[12] != ' ')) {
    return invalid("malformed HTTP status line");
  }
  upgrade_response r;
  r.header_size = end + 4;
  r.http_status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  r.reason = line.size() > 13 ? line.substr(13) : std::string_view();
  if (r.http_status != 101) {
    r.result = upgrade_response::status::rejected;
    return r;
  }

  // From here on the status (101) is known: an invalid answer keeps it.
  const auto bad = [&r](const char* problem) {
    r.result = upgrade_response::status::invalid;
    r.problem = problem;
    return r;
  };
  bool upgrade = false;
  bool connection = false;
  bool accept_seen = false;
  bool accept_ok = false;
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    line = head.substr(0, eol);
    head.remove_prefix(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad("malformed header line");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "upgrade")) {
      upgrade = iequals(value, "websocket");
    } else if (iequals(name, "connection")) {
      connection = has_token(value, "upgrade");
    } else if (iequals(name, "sec-websocket-accept")) {
      accept_seen = true;
      accept_ok = value == expected_accept;
    } else if (iequals(name, "sec-websocket-extensions")) {
      if (offered_deflate == nullptr) {
        if (!value.empty()) return bad("the server chose an extension that was not offered");
      } else if (r.deflate) {
        return bad("the server sent Sec-WebSocket-Extensions twice");
      } else if (!value.empty()) {
        const char* problem = parse_deflate_response(value, *offered_deflate);
        if (problem != nullptr) return bad(problem);
        r.deflate = true;
      }
    } else if (iequals(name, "sec-websocket-protocol")) {
      const bool known = std::any_of(offered.begin(), offered.end(),
                                     [&](const std::string& p) { return p == value; });
      if (!known) return bad("the server chose a subprotocol that was not offered");
    }
  }
  if (!upgrade) return bad("no 'Upgrade: websocket' in the 101 response");
  if (!connection) return bad("no 'Connection: upgrade' in the 101 response");
  if (!accept_seen) return bad("no Sec-WebSocket-Accept in the 101 response");
  if (!accept_ok) return bad("wrong Sec-WebSocket-Accept");
  r.result = upgrade_response::status::accepted;
  r.reason = {};
  return r;
}

// ---------------------------------------------------------------------------------------
// keys, masks

namespace {

constexpr char base64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Standard base64 with padding of n bytes into out (4 * ceil(n / 3) characters).
void base64(const unsigned char* in, std::size_t n, char* out) noexcept {
  std::size_t o = 0;
  std::size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out[o++] = base64_chars[(v >> 18) & 63];
    out[o++] = base64_chars[(v >> 12) & 63];
    out[o++] = base64_chars[(v >> 6) & 63];
    out[o++] = base64_chars[v & 63];
  }
  if (i < n) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    if (i + 1 < n) v |= std::uint32_t{in[i + 1]} << 8;
    out[o++] = base64_chars[(v >> 18) & 63];
    out[o++] = base64_chars[(v >> 12) & 63];
    out[o++] = i + 1 < n ? base64_chars[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
}

std::uint64_t seed_thread() noexcept {
  std::uint64_t s = 0;
  try {
    std::random_device rd;
    s = (std::uint64_t{rd()} << 32) ^ rd();
  } catch (...) {
    // No entropy device: the clock and this thread's stack address still differ per thread.
  }
  int local = 0;
  s ^= static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  s ^= reinterpret_cast<std::uintptr_t>(&local) * 0x9E3779B97F4A7C15ULL;
  return s == 0 ? 0x2545F4914F6CDD1DULL : s;
}

}  // namespace

std::uint64_t thread_random() noexcept {
  thread_local std::uint64_t state = seed_thread();
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1DULL;
}

std::array<char, 24> make_websocket_key() noexcept {
  unsigned char raw[16];
  const std::uint64_t a = thread_random();
  const std::uint64_t b = thread_random();
  std::memcpy(raw, &a, 8);
  std::memcpy(raw + 8, &b, 8);
  std::array<char, 24> key{};
  base64(raw, sizeof raw, key.data());
  return key;
}

std::array<char, 28> websocket_accept(std::string_view key) noexcept {
  constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  char joined[128];
  const std::size_t k = std::min<std::size_t>(key.size(), sizeof joined - guid.size());
  std::memcpy(joined, key.data(), k);
  std::memcpy(joined + k, guid.data(), guid.size());
  // One fetched SHA-1 and one digest context per thread: EVP_Digest with EVP_sha1() looks
  // the algorithm up in OpenSSL 3's provider store and allocates a context on every call,
  // ~5 µs of a ~90 µs connect (perf, benchmarks/RESULTS.md).
  struct sha1_state {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~sha1_state() {
      EVP_MD_CTX_free(ctx);
      EVP_MD_free(md);
    }
  };
  thread_local sha1_state sha1;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  std::array<char, 28> out{};
  if (sha1.md == nullptr || sha1.ctx == nullptr ||
      EVP_DigestInit_ex2(sha1.ctx, sha1.md, nullptr) != 1 ||
      EVP_DigestUpdate(sha1.ctx, joined, k + guid.size()) != 1 ||
      EVP_DigestFinal_ex(sha1.ctx, digest, &digest_len) != 1 || digest_len != 20) {
    return out;  // all zero: never equal to a server's value
  }
  base64(digest, 20, out.data());
  return out;
}

void append_client_frame(std::string& out, std::uint8_t opcode, std::string_view payload,
                         bool compressed) {
  const std::size_t n = payload.size();
  unsigned char header[14];
  std::size_t h = 0;
  header[h++] = static_cast<unsigned char>(0x80u | (compressed ? 0x40u : 0u) | opcode);
  if (n < 126) {
    header[h++] = static_cast<unsigned char>(0x80u | n);
  } else if (n <= 0xFFFF) {
    header[h++] = 0x80u | 126u;
    header[h++] = static_cast<unsigned char>(n >> 8);
    header[h++] = static_cast<unsigned char>(n);
  } else {
    header[h++] = 0x80u | 127u;
    for (int i = 7; i >= 0; --i) header[h++] = static_cast<unsigned char>(std::uint64_t{n} >> (8 * i));
  }
  const std::uint32_t mask32 = static_cast<std::uint32_t>(thread_random() >> 17);
  unsigned char mask[4];
  std::memcpy(mask, &mask32, 4);
  std::memcpy(header + h, mask, 4);
  h += 4;
  const std::size_t at = out.size();
  out.resize(at + h + n);
  char* dst = &out[at];
  std::memcpy(dst, header, h);
  dst += h;
  // Eight bytes at a time with the mask repeated (the byte order of the memcpy'd mask is
  // the wire order, so this works on any endianness).
  std::uint64_t mask64;
  std::memcpy(&mask64, mask, 4);
  std::memcpy(reinterpret_cast<char*>(&mask64) + 4, mask, 4);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, payload.data() + i, 8);
    w ^= mask64;
    std::memcpy(dst + i, &w, 8);
  }
  for (; i < n; ++i) dst[i] = static_cast<char>(payload[i] ^ static_cast<char>(mask[i & 3]));
}

}  // namespace relayload::net::detail
