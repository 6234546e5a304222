// Client-side decoding of Centrifugo server messages: replies, pushes and server pings
// (protocol.md §1.2, §1.4–§1.7).
#pragma once

#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/wire/decode_options.hpp"
#include "relayload/wire/server_message.hpp"
#include "relayload/wire/utf8_input.hpp"

namespace relayload::wire {

/// Decodes the messages of one WebSocket frame the way centrifuge-js dispatches them:
/// `id` > 0 → reply (`error` if present, else the first result key found among connect,
/// subscribe, unsubscribe, publish, presence, presence_stats, history, rpc, refresh,
/// sub_refresh); else `push` present → push; else → server ping (e.g. `{}`). Keys may come
/// in any order; unknown fields are ignored; `null` is treated as absent. Publication `data`
/// and other raw JSON fields are views of the exact bytes received.
///
/// Errors (first wins): frame_too_large, empty_frame, malformed_frame (empty line in the
/// middle, message not an object), malformed_json, invalid_utf8, nesting_too_deep,
/// wrong_type (a field of the wrong JSON type or range), unknown_message (a reply with no
/// known result key, a push with no known kind), missing_field (an error reply without
/// `code`).
///
/// Lifetime: views point into the decoder's own buffer and into `frame`; they stay valid
/// until the next decode() on this decoder, its destruction, and while the caller keeps
/// `frame` alive. Moving the decoder keeps them valid; a moved-from decoder holds no
/// results and its decode() fails with errc::invalid_argument.
///
/// Thread safety: one thread at a time; use one decoder per connection or per shard.
/// decode() never throws. It does not allocate once its buffers have grown, except for the
/// publication/presence lists of subscribe, history and presence replies.
class reply_decoder {
 public:
  explicit reply_decoder(decode_options options = {});
  ~reply_decoder();
  reply_decoder(reply_decoder&&) noexcept;
  reply_decoder& operator=(reply_decoder&&) noexcept;
  reply_decoder(const reply_decoder&) = delete;
  reply_decoder& operator=(const reply_decoder&) = delete;

  /// Decodes every message of `frame` into messages(), replacing the previous contents. On
  /// error, messages() holds the messages that precede the bad one.
  std::error_code decode(std::string_view frame) noexcept;

  /// The same; with utf8_input::validated for bytes already validated as UTF-8 (a text
  /// message from a WebSocket client transport), which skips the decoder's own UTF-8 check
  /// and gives the same messages for the same valid input. decode(frame) is
  /// decode(frame, utf8_input::unchecked).
  std::error_code decode(std::string_view frame, utf8_input input) noexcept;

  /// The messages decoded by the last decode(), in frame order.
  const std::vector<server_message>& messages() const noexcept;

  const decode_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::wire
