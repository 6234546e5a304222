// Private: the socket-free parts of the lean WebSocket client (RFC 6455, client side): the
// incremental frame parser, the streaming UTF-8 validator, the upgrade-response parser, the
// Sec-WebSocket-Key / -Accept pair and the per-thread masking source. Pure code, testable
// (and fuzzable) without sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"

namespace relayload::net::detail {

class permessage_deflate;  // net/permessage_deflate_impl.hpp
struct deflate_params;

/// Streaming UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above
/// U+10FFFF); the state is 3 bytes, so a message may be validated fragment by fragment.
class utf8_validator {
 public:
  /// False at the first byte that cannot continue valid UTF-8.
  bool feed(const unsigned char* p, std::size_t n) noexcept;
  bool feed(std::string_view s) noexcept {
    return feed(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  /// True when no sequence is left open.
  bool complete() const noexcept { return need_ == 0; }
  void reset() noexcept { need_ = 0; }

 private:
  std::uint8_t need_ = 0;  // continuation bytes still expected
  std::uint8_t lo_ = 0x80;  // range of the next continuation byte
  std::uint8_t hi_ = 0xBF;
};

/// True when `s` is complete, valid UTF-8.
bool valid_utf8(std::string_view s) noexcept;

// HTTP header text (the upgrade response, the extension answer): ASCII case folding and
// optional whitespace.
inline char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Why the parser gave up: the close code this side sends, the cause for close_info.error
/// and a short reason (a string literal) for the close frame.
struct ws_failure {
  std::uint16_t code = 0;
  errc error = errc::malformed_frame;
  const char* reason = "";
};

/// What a frame_parser finds in the byte stream. Each returns false to stop parsing at once
/// (the connection ended or went away inside the call; the parser is not touched again).
class frame_sink {
 public:
  /// A complete, UTF-8-validated text message; the view is valid during the call only.
  virtual bool on_frame_text(std::string_view message) = 0;
  virtual bool on_frame_ping(std::string_view payload) = 0;
  virtual bool on_frame_pong(std::string_view payload) = 0;
  /// A close frame; code is close_code::no_status for a frame without a code.
  virtual bool on_frame_close(std::uint16_t code, std::string_view reason) = 0;

 protected:
  ~frame_sink() = default;
};

/// Incremental parser of server-to-client frames. Feed it any split of the byte stream;
/// complete unfragmented text frames that lie whole in one feed are delivered straight
/// from the caller's buffer; only a partial message (or a partial control frame) is copied
/// into the parser's own storage, which is released when the message completes.
///
/// With set_inflater() (permessage-deflate negotiated, RFC 7692), RSV1 on the first frame of
/// a text message marks it compressed: the joined payload is inflated (above the size limit
/// — 1009; not valid DEFLATE — 1007), then UTF-8-validated and delivered.
///
/// Refuses (RFC 6455 §5, §7.4): masked frames, RSV bits (RSV1 only where allowed above),
/// unknown opcodes, fragmented or oversized (> 125 bytes) control frames, a continuation
/// without a message, a new message inside a fragmented one, a 64-bit length with the top
/// bit set, a close payload of 1 byte or with a code that may not be sent — 1002; binary
/// messages — 1003; text or close reasons that are not UTF-8 — 1007; a message above the
/// size limit — 1009.
class frame_parser {
 public:
  enum class status {
    ok,       ///< everything was consumed
    stopped,  ///< the sink returned false
    failed,   ///< a protocol violation: see failure(); the parser must be reset to reuse
  };

  status feed(const char* data, std::size_t size, std::size_t max_message,
              frame_sink& sink);
  status feed(std::string_view data, std::size_t max_message, frame_sink& sink) {
    return feed(data.data(), data.size(), max_message, sink);
  }

  const ws_failure& failure() const noexcept { return failure_; }

  /// Accept compressed messages, inflated by `p` (nullptr: refuse RSV1 again). reset()
  /// forgets it.
  void set_inflater(permessage_deflate* p) noexcept { inflater_ = p; }

  /// Forgets everything (a new connection) and releases the storage.
  void reset() noexcept;
  /// True when no partial frame or message is held.
  bool idle() const noexcept { return stage_ == stage::header && header_len_ == 0 && opcode_ == 0; }
  /// Bytes of storage held for partial data (for memory tests).
  std::size_t stored() const noexcept { return buffer_.capacity(); }

 private:
  enum class stage : std::uint8_t { header, payload };

  status fail(std::uint16_t code, errc e, const char* reason) noexcept;
  /// Header bytes complete in `h` (length n): sets up the frame. 0 ok, else failure.
  bool start_frame(const unsigned char* h, std::size_t max_message);
  /// Header length needed for the bytes seen so far (2, 4, 10), or 0 if not yet known.
  static std::size_t header_size(const unsigned char* h, std::size_t have) noexcept;
  status finish_frame(frame_sink& sink);
  /// Inflates a complete compressed message, validates and delivers it.
  status deliver_compressed(std::string_view payload, frame_sink& sink);

  std::string buffer_;               // partial message, then a partial control payload
  std::uint64_t frame_left_ = 0;     // payload bytes of the current frame still to come
  std::uint32_t control_at_ = 0;     // where a control payload starts in buffer_
  ws_failure failure_;
  utf8_validator utf8_;
  stage stage_ = stage::header;
  std::uint8_t header_len_ = 0;
  std::array<unsigned char, 14> header_{};
  std::uint8_t frame_opcode_ = 0;    // opcode of the current frame
  bool frame_fin_ = false;
  std::uint8_t opcode_ = 0;          // opcode of the message in progress (0: none)
  bool compressed_ = false;          // the message in progress had RSV1 (permessage-deflate)
  permessage_deflate* inflater_ = nullptr;  // set when permessage-deflate was negotiated
  std::size_t max_message_ = 0;      // the limit of the current feed()
};

/// The result of parsing the server's answer to the upgrade request.
struct upgrade_response {
  enum class status {
    incomplete,  ///< no blank line yet: read more
    accepted,    ///< 101 with the right headers; header_size bytes belong to HTTP
    rejected,    ///< another status than 101: http_status, reason
    invalid,     ///< 101 but a header is wrong, or not HTTP at all: problem
  };
  status result = status::incomplete;
  std::size_t header_size = 0;
  int http_status = 0;
  std::string_view reason;   // the status line's reason phrase, a view into the input
  const char* problem = "";  // for invalid
  bool deflate = false;      // accepted with permessage-deflate (parameters in *offered_deflate)
};

/// The largest upgrade response head accepted; more without a blank line is invalid.
inline constexpr std::size_t max_upgrade_response = 16 * 1024;

/// Parses an HTTP/1.1 upgrade response head. Checks 101, `Upgrade: websocket`, a
/// `Connection` with the `upgrade` token, `Sec-WebSocket-Accept` == expected_accept, no
/// extension unless `offered_deflate` is given (permessage-deflate was offered): then an
/// acceptable permessage-deflate answer sets `deflate` and fills *offered_deflate, and a bad
/// one is invalid with parse_deflate_response's problem; a subprotocol only when one of
/// `offered` (if any). Other headers are skipped, not kept.
upgrade_response parse_upgrade_response(std::string_view data, std::string_view expected_accept,
                                        const std::vector<std::string>& offered,
                                        deflate_params* offered_deflate = nullptr);

/// A 24-character Sec-WebSocket-Key from 16 random bytes.
std::array<char, 24> make_websocket_key() noexcept;
/// base64(SHA-1(key + the RFC 6455 GUID)): 28 characters.
std::array<char, 28> websocket_accept(std::string_view key) noexcept;

/// The per-thread pseudo-random source for masks and keys (xorshift64*, seeded once per
/// thread from std::random_device).
std::uint64_t thread_random() noexcept;

/// Appends one masked client frame (FIN set; RSV1 too when `compressed`) to `out`.
void append_client_frame(std::string& out, std::uint8_t opcode, std::string_view payload,
                         bool compressed = false);

}  // namespace relayload::net::detail
