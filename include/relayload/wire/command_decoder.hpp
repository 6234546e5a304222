// Relay-side decoding of Centrifugo commands (protocol.md §1.2, §1.3, §1.6, §1.15).
#pragma once

#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/wire/command.hpp"
#include "relayload/wire/decode_options.hpp"

namespace relayload::wire {

/// Decodes the commands of one WebSocket frame, as Centrifugo's JSON decoder accepts them:
/// keys in any order, unknown fields ignored (flag, name, version, headers, join_leave, ...),
/// `null` treated as absent, raw JSON values (`data`) returned as the exact bytes received.
///
/// Rules, with the error each violation yields (first error wins):
///   frame larger than max_frame_size → frame_too_large; no message → empty_frame; empty line
///   in the middle → malformed_frame; a line that is not JSON → malformed_json; invalid UTF-8
///   in a string (or a lone \u surrogate escape) → invalid_utf8; nesting deeper than max_depth
///   → nesting_too_deep; a message that is not an object → malformed_frame; a field of the
///   wrong JSON type or range (e.g. id not a uint32, offset negative) → wrong_type; id > 0
///   without a known method → unknown_message; a method other than send with id 0/absent →
///   missing_field; a request without its required `channel` → missing_field.
///   An id-less message with no known method (e.g. `{}`) is a pong. When several method keys
///   are present the first in Centrifugo's dispatch order wins (connect, subscribe,
///   unsubscribe, publish, presence, presence_stats, history, rpc, send, refresh, sub_refresh).
///   An empty `channel` string is not a decoding error (the relay closes with 3501).
///
/// Lifetime: the string views in commands() point into the decoder's own buffer and into
/// `frame`; they stay valid until the next decode() on this decoder, its destruction, and as
/// long as the caller keeps `frame` alive. Moving the decoder keeps them valid; a moved-from
/// decoder holds no results and its decode() fails with errc::invalid_argument.
///
/// Thread safety: a decoder is used by one thread at a time; use one per connection or per
/// shard. decode() never throws and does not allocate once its buffers have grown.
class command_decoder {
 public:
  explicit command_decoder(decode_options options = {});
  ~command_decoder();
  command_decoder(command_decoder&&) noexcept;
  command_decoder& operator=(command_decoder&&) noexcept;
  command_decoder(const command_decoder&) = delete;
  command_decoder& operator=(const command_decoder&) = delete;

  /// Decodes every command of `frame` into commands(), replacing the previous contents.
  /// On error, commands() holds the commands that precede the bad one (Centrifugo executes
  /// those before it disconnects) and the error says why the rest was refused.
  std::error_code decode(std::string_view frame) noexcept;

  /// The commands decoded by the last decode(), in frame order.
  const std::vector<command>& commands() const noexcept;

  const decode_options& options() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace relayload::wire
