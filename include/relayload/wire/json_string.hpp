// JSON string escaping that produces exactly what JavaScript's JSON.stringify produces, so
// that frames, envelopes and mock payloads built here are byte-identical to the JS clients'
// (protocol.md §1.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relayload::wire {

/// Appends the body of a JSON string literal for `text` (no surrounding quotes), escaped as
/// JSON.stringify escapes: `"` → `\"`, `\` → `\\`, U+0000–U+001F as `\b \t \n \f \r` or
/// `\u00xx` (lowercase hex); `/` and all other bytes are copied raw. A UTF-16 surrogate
/// encoded in UTF-8 form (bytes ED A0–BF xx, as WTF-8 carries lone surrogates) is written as
/// `\udxxx`, which is what JSON.stringify does for lone surrogates. Other invalid UTF-8 is
/// copied unchanged: callers pass UTF-8 text. Throws only std::bad_alloc.
void append_json_escaped(std::string& out, std::string_view text);

/// Appends `text` as a complete JSON string literal: `"` + escaped body + `"`.
void append_json_string(std::string& out, std::string_view text);

/// The quoted JSON string literal for `text` (cold-path convenience).
std::string to_json_string(std::string_view text);

/// Number of bytes append_json_string would append (for reserving exact capacity).
std::size_t json_string_size(std::string_view text) noexcept;

/// Appends an unsigned integer in plain decimal, as JSON.stringify writes integers.
void append_json_uint(std::string& out, std::uint64_t value);

/// Appends a signed integer in plain decimal.
void append_json_int(std::string& out, std::int64_t value);

}  // namespace relayload::wire
