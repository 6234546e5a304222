// What a decoder's caller knows about the UTF-8 validity of the bytes it passes.
#pragma once

#include <cstdint>

namespace relayload::wire {

/// Whether a decoder checks that its input is UTF-8. JSON text must be UTF-8 (RFC 8259 §8.1);
/// a WebSocket client fails the connection on a text message that is not (RFC 6455 §8.1,
/// close 1007), so bytes delivered by either client transport were checked once already.
enum class utf8_input : std::uint8_t {
  /// Anything (files, fuzzers, text from elsewhere): the decoder validates it and refuses
  /// invalid UTF-8 with errc::invalid_utf8. The default of every decode call.
  unchecked,
  /// The exact bytes were validated as strict UTF-8 (no overlong forms, no surrogates,
  /// nothing above U+10FFFF) by the caller, e.g. the WebSocket transport that received them;
  /// the decoder skips its own check. Escapes inside JSON strings are still checked (a lone
  /// `\ud800` is still invalid_utf8). Passing bytes that were not validated is a caller bug:
  /// the decoder then neither crashes nor over-reads, but may hand out invalid UTF-8.
  validated,
};

}  // namespace relayload::wire
