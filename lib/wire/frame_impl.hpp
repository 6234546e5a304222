// Private: the line-splitting rule shared by split_frame and the frame decoders.
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "relayload/error.hpp"

namespace relayload::wire::detail {

// Calls f(offset, length) for each message of `frame` (protocol.md §1.2: '\n'-separated, one
// trailing '\n' tolerated). Stops with the first error: empty_frame when there is no message,
// malformed_frame on an empty line, or whatever f returns.
template <class F>
std::error_code for_each_line(std::string_view frame, F&& f) {
  std::size_t n = frame.size();
  if (n != 0 && frame[n - 1] == '\n') --n;
  if (n == 0) return make_error_code(errc::empty_frame);
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = frame.substr(0, n).find('\n', start);
    const std::size_t stop = nl == std::string_view::npos ? n : nl;
    if (stop == start) return make_error_code(errc::malformed_frame);
    if (std::error_code ec = f(start, stop - start)) return ec;
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
}

}  // namespace relayload::wire::detail
