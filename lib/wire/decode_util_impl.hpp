// Private: shared plumbing of the frame decoders (command_decoder, reply_decoder).
#pragma once

#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include "wire/frame_impl.hpp"
#include "wire/json_tape_impl.hpp"

namespace relayload::wire::detail {

// Copies `frame` into `scratch`, then parses each line in place and calls
// on_message(tape) for it. Lines are NUL-terminated in the copy, so strings unescaped by one
// line's parse stay valid while later lines are parsed. `input` says whether the frame's
// bytes were validated as UTF-8 already (then the parser skips its own check).
template <class F>
std::error_code decode_frame(std::string_view frame, const decode_options& options,
                             utf8_input input, std::string& scratch, json_tape& tape,
                             F&& on_message) noexcept {
  try {
    if (frame.size() > options.max_frame_size || frame.size() > max_supported_size) {
      return make_ec(errc::frame_too_large);
    }
    scratch.assign(frame.data(), frame.size());
    scratch.append(insitu_padding, '\0');  // the last line's validator may read past its NUL
    return for_each_line(frame, [&](std::size_t off, std::size_t len) -> std::error_code {
      char* line = &scratch[off];
      line[len] = '\0';  // over the '\n' separator, or the string's own terminator
      if (std::error_code ec = tape.parse_insitu(line, len, frame.substr(off, len),
                                                 options.max_depth, input)) {
        return ec;
      }
      if (tape[0].type != jtype::object) return make_ec(errc::malformed_frame);
      return on_message(tape);
    });
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  }
}

// Reads `v` into `out` and records presence (a JSON null counts as absent).
template <class T>
std::error_code get_present(const json_tape& tape, std::uint32_t v, T& out, bool& present) {
  if (tape.is_null(v)) return {};
  present = true;
  return tape.get(v, out);
}

}  // namespace relayload::wire::detail
