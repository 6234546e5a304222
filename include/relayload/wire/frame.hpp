// Newline batching of Centrifugo JSON messages in one WebSocket text frame (protocol.md §1.2):
// messages are separated by a single '\n', no trailing newline is written, and a single
// trailing '\n' is tolerated when reading.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace relayload::wire {

/// Splits `frame` into its messages (views into `frame`), appended to `out` in frame order.
/// Errors: errc::empty_frame when the frame holds no message (empty, or just "\n");
/// errc::malformed_frame when a line in the middle is empty ("a\n\nb") or the frame ends in
/// more than one '\n'. On error `out` holds the messages before the bad line. No JSON parsing
/// happens here. Never throws except std::bad_alloc from `out`.
std::error_code split_frame(std::string_view frame, std::vector<std::string_view>& out);

/// Number of messages split_frame would yield, or 0 when it would fail.
std::size_t count_messages(std::string_view frame) noexcept;

/// Appends one message to a frame under construction: writes the '\n' separator first when
/// `frame` is not empty. Use it to batch replies/commands into one WebSocket message.
void append_message(std::string& frame, std::string_view message);

/// Writes the separator that must precede the next message when `frame` is not empty; for
/// callers that encode the next message directly into `frame` with an append_* encoder.
inline void begin_message(std::string& frame) {
  if (!frame.empty()) frame.push_back('\n');
}

/// Joins messages with single '\n' separators and no trailing newline.
std::string join_messages(const std::vector<std::string_view>& messages);
std::string join_messages(std::initializer_list<std::string_view> messages);

}  // namespace relayload::wire
