// Private: the permessage-deflate extension (RFC 7692) for the lean client: the offer, the
// check of the server's answer and the per-connection codec (raw DEFLATE through zlib).
// Socket-free, testable without a server.
//
// Memory (zlib 1.2.13, 64-bit, measured with allocated_bytes()): the inflater is ~7 KB of
// state plus a 2^server_max_window_bits window — 39,928 bytes at the default 15 — allocated
// at the first compressed message received; the deflater is 2^(windowBits+2) +
// 2^(memLevel+9) bytes plus ~6 KB of state — windowBits 15 (or the server's smaller
// client_max_window_bits, as browsers compress) and memLevel 4 (browsers use 8, which
// doubles the hash tables for no gain on small JSON) — 145,216 bytes, allocated at the first
// message sent. So ~185 KB per connection that has sent and received a message; a
// connection that negotiated the extension but moved no message holds no zlib memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace relayload::net::detail {

/// What a client offers in Sec-WebSocket-Extensions, as Chrome and Firefox do.
inline constexpr std::string_view permessage_deflate_offer =
    "permessage-deflate; client_max_window_bits";

/// The parameters the server accepted the extension with (RFC 7692 §7.1).
struct deflate_params {
  bool server_no_context_takeover = false;  ///< the server resets its compressor per message
  bool client_no_context_takeover = false;  ///< we must reset ours per message
  std::uint8_t server_max_window_bits = 15;  ///< the server's LZ77 window (our inflater's)
  std::uint8_t client_max_window_bits = 15;  ///< the largest window we may compress with

  friend bool operator==(const deflate_params& a, const deflate_params& b) noexcept {
    return a.server_no_context_takeover == b.server_no_context_takeover &&
           a.client_no_context_takeover == b.client_no_context_takeover &&
           a.server_max_window_bits == b.server_max_window_bits &&
           a.client_max_window_bits == b.client_max_window_bits;
  }
};

/// Checks the value of the 101's Sec-WebSocket-Extensions against our offer
/// (permessage_deflate_offer): exactly one extension, permessage-deflate, each parameter at
/// most once, window bits 8–15, nothing we do not know. Returns nullptr and fills `out` when
/// acceptable, else a sentence naming the problem (a string literal).
const char* parse_deflate_response(std::string_view value, deflate_params& out) noexcept;

/// One connection's compression state: an inflater for the server's messages and a deflater
/// for ours, each allocated on first use. Thread safety: none.
class permessage_deflate {
 public:
  enum class inflate_status {
    ok,        ///< `out` holds the message
    too_big,   ///< the message inflates to more than the limit (close 1009)
    corrupt,   ///< not a valid DEFLATE stream (close 1007)
    no_memory, ///< zlib could not allocate its state
  };

  explicit permessage_deflate(const deflate_params& params) noexcept;
  ~permessage_deflate();
  permessage_deflate(const permessage_deflate&) = delete;
  permessage_deflate& operator=(const permessage_deflate&) = delete;

  const deflate_params& params() const noexcept { return params_; }

  /// Inflates one message's payload (the frames' data joined, without the 00 00 ff ff tail)
  /// into `out` (replaced). Stops as soon as the output passes `max_size`, so a small
  /// "zip bomb" costs at most max_size plus one chunk. With server context takeover the
  /// window is kept for the next message; after any failure the connection must end.
  inflate_status inflate(std::string_view payload, std::size_t max_size, std::string& out);

  /// Compresses one message and appends it to `out` without the trailing 00 00 ff ff.
  /// False when zlib fails (out of memory).
  bool deflate(std::string_view message, std::string& out);

  /// Bytes zlib holds for this connection now (both directions).
  std::size_t allocated_bytes() const noexcept;

  struct stream;  // zlib's z_stream with our allocation counter

 private:
  deflate_params params_;
  std::unique_ptr<stream> inflater_;
  std::unique_ptr<stream> deflater_;
};

}  // namespace relayload::net::detail
