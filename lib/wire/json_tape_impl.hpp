// Private: a flat "tape" of JSON tokens built by RapidJSON's SAX reader in insitu mode.
// Each token records the byte range of its value in the original text, so decoders can
// hand out raw JSON values (publication data) as the exact bytes received, while string
// values are unescaped in place in the tape's own copy of the text (no allocation per
// string). The tape is reused across parses: steady state allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/wire/decode_options.hpp"
#include "relayload/wire/utf8_input.hpp"

namespace relayload::wire::detail {

enum class jtype : std::uint8_t { object, array, string, key, uint, sint, dbl, boolean, null };

struct jtoken {
  jtype type = jtype::null;
  bool b = false;              // boolean value
  std::uint32_t begin = 0;     // offset of the value's first byte in the original text
  std::uint32_t end = 0;       // offset one past its last byte
  std::uint32_t next = 0;      // index of the token after this value's subtree
  std::string_view str;        // key/string: unescaped content (points into the scratch copy)
  std::uint64_t u = 0;         // uint: value
  std::int64_t i = 0;          // sint: value (negative, or -0)
  double d = 0;                // dbl: value
};

constexpr std::uint32_t npos = 0xffffffffu;

// Depth/size limits are clamped to what the tape can represent and the reader can recurse.
constexpr std::size_t max_supported_depth = 1024;
constexpr std::size_t max_supported_size = 0xfffffff0u;

// NUL bytes after a buffer parsed in place (see parse_insitu): a 4-byte UTF-8 lead byte
// just before the terminator makes the validator read 3 bytes past it (fuzz_wire_decode).
inline constexpr std::size_t insitu_padding = 4;

class json_tape {
 public:
  // Parses one JSON text held in `buf` (mutable, NUL at buf[len], modified in place), whose
  // original bytes are `original` (same length; must stay unmodified: raw() views it).
  // buf[len + 1 .. len + insitu_padding - 1] must be readable too: RapidJSON's UTF-8
  // validation takes a multi-byte sequence's continuation bytes without stopping at the NUL.
  // Tokens are replaced. Errors: malformed_json, invalid_utf8, nesting_too_deep.
  // utf8_input::validated skips RapidJSON's encoding check (escapes are still checked).
  std::error_code parse_insitu(char* buf, std::size_t len, std::string_view original,
                               std::size_t max_depth,
                               utf8_input input = utf8_input::unchecked);

  // Copies `text` into the tape's own buffer and parses it there. Views stay valid until
  // the next parse/copy_parse. Also checks max_frame_size (frame_too_large).
  std::error_code copy_parse(std::string_view text, const decode_options& options,
                             utf8_input input = utf8_input::unchecked);

  // This thread's tape for one-shot decoders (envelope, protocol message, sample payload):
  // its buffers are reused instead of allocated per call. Only for a decode that copies its
  // results out before returning and calls no other user of it meanwhile. Use through
  // scratch_tape, which trims it afterwards.
  static json_tape& thread_scratch() noexcept;

  // Releases buffers grown beyond what a typical message needs (a reused tape does not keep
  // the memory of the largest input it has seen).
  void trim() noexcept;
  // Bytes held by the tape's buffers (for tests of trim()).
  std::size_t capacity_bytes() const noexcept {
    return scratch_.capacity() + tokens_.capacity() * sizeof(jtoken) +
           stack_.capacity() * sizeof(std::uint32_t);
  }

  std::size_t size() const noexcept { return tokens_.size(); }
  const jtoken& operator[](std::uint32_t i) const noexcept { return tokens_[i]; }

  // The exact original text of token i's value.
  std::string_view raw(std::uint32_t i) const noexcept {
    const jtoken& t = tokens_[i];
    return original_.substr(t.begin, t.end - t.begin);
  }

  // Calls f(key_view, value_index) for each member of object token `obj`, in text order.
  // Returns early with the first non-zero error_code f returns.
  template <class F>
  std::error_code for_each_member(std::uint32_t obj, F&& f) const {
    const std::uint32_t stop = tokens_[obj].next;
    std::uint32_t k = obj + 1;
    while (k < stop) {
      const std::uint32_t v = k + 1;
      if (std::error_code ec = f(tokens_[k].str, v)) return ec;
      k = tokens_[v].next;
    }
    return {};
  }

  // Calls f(value_index) for each element of array token `arr`.
  template <class F>
  std::error_code for_each_element(std::uint32_t arr, F&& f) const {
    const std::uint32_t stop = tokens_[arr].next;
    std::uint32_t v = arr + 1;
    while (v < stop) {
      if (std::error_code ec = f(v)) return ec;
      v = tokens_[v].next;
    }
    return {};
  }

  // Value index of the last member named `key` of object `obj`, or npos.
  std::uint32_t find(std::uint32_t obj, std::string_view key) const noexcept;

  bool is_null(std::uint32_t v) const noexcept { return tokens_[v].type == jtype::null; }

  // Typed reads of value token v. A JSON null leaves `out` unchanged and succeeds (protobuf
  // JSON treats null as absent); any other type mismatch or range error → wrong_type.
  std::error_code get(std::uint32_t v, std::string_view& out) const noexcept;
  std::error_code get(std::uint32_t v, bool& out) const noexcept;
  std::error_code get(std::uint32_t v, std::uint32_t& out) const noexcept;
  std::error_code get(std::uint32_t v, std::uint64_t& out) const noexcept;
  std::error_code get(std::uint32_t v, std::int32_t& out) const noexcept;
  std::error_code get(std::uint32_t v, std::int64_t& out) const noexcept;
  // Raw JSON of any value (null → absent, out unchanged).
  std::error_code get_raw(std::uint32_t v, std::string_view& out) const noexcept;

  // Internal use by the SAX handler.
  std::vector<jtoken>& tokens() noexcept { return tokens_; }
  std::vector<std::uint32_t>& stack() noexcept { return stack_; }

 private:
  std::string scratch_;            // copy_parse's buffer
  std::string_view original_;
  std::vector<jtoken> tokens_;
  std::vector<std::uint32_t> stack_;
};

inline std::error_code make_ec(errc e) noexcept { return make_error_code(e); }

// Buffers above this many bytes are released after a one-shot decode.
inline constexpr std::size_t scratch_keep_bytes = 16384;

// The thread's scratch tape for the span of one one-shot decode; trimmed afterwards.
class scratch_tape {
 public:
  scratch_tape() noexcept : tape_(json_tape::thread_scratch()) {}
  ~scratch_tape() { tape_.trim(); }
  scratch_tape(const scratch_tape&) = delete;
  scratch_tape& operator=(const scratch_tape&) = delete;
  json_tape& operator*() const noexcept { return tape_; }

 private:
  json_tape& tape_;
};

}  // namespace relayload::wire::detail
