#include "relayload/wire/json_string.hpp"

#include <array>
#include <charconv>
#include <cstring>

namespace relayload::wire {
namespace {

// 0: copy as is; 1: escape; 2: 0xED, the lead byte of UTF-8-encoded surrogates.
constexpr std::array<std::uint8_t, 256> make_escape_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  t[0xED] = 2;
  return t;
}
constexpr std::array<std::uint8_t, 256> escape_table = make_escape_table();

constexpr char hex_digits[] = "0123456789abcdef";

inline unsigned char byte(char c) noexcept { return static_cast<unsigned char>(c); }

// True when p[0..2] encode U+D800–U+DFFF (ED A0–BF 80–BF).
inline bool is_surrogate(const char* p, const char* end) noexcept {
  return end - p >= 3 && (byte(p[1]) & 0xE0) == 0xA0 && (byte(p[2]) & 0xC0) == 0x80;
}

// Length of the escape sequence for a byte with table entry 1.
inline std::size_t escape_size(unsigned char c) noexcept {
  switch (c) {
    case '"': case '\\': case '\b': case '\t': case '\n': case '\f': case '\r':
      return 2;
    default:
      return 6;
  }
}

void append_escape(std::string& out, unsigned char c) {
  char buf[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};
  switch (c) {
    case '"': out.append("\\\"", 2); return;
    case '\\': out.append("\\\\", 2); return;
    case '\b': out.append("\\b", 2); return;
    case '\t': out.append("\\t", 2); return;
    case '\n': out.append("\\n", 2); return;
    case '\f': out.append("\\f", 2); return;
    case '\r': out.append("\\r", 2); return;
    default: out.append(buf, 6); return;
  }
}

void append_surrogate_escape(std::string& out, const char* p) {
  const unsigned cp = 0xD000u | ((byte(p[1]) & 0x3Fu) << 6) | (byte(p[2]) & 0x3Fu);
  const char buf[6] = {'\\', 'u', hex_digits[(cp >> 12) & 0xF], hex_digits[(cp >> 8) & 0xF],
                       hex_digits[(cp >> 4) & 0xF], hex_digits[cp & 0xF]};
  out.append(buf, 6);
}

constexpr std::uint64_t ones = 0x0101010101010101ull;
constexpr std::uint64_t highs = 0x8080808080808080ull;

// Word-at-a-time tests (exact, no false positives): any byte zero / below n (n <= 0x80).
constexpr std::uint64_t has_zero(std::uint64_t w) noexcept { return (w - ones) & ~w & highs; }
constexpr std::uint64_t has_less(std::uint64_t w, std::uint64_t n) noexcept {
  return (w - ones * n) & ~w & highs;
}

// First byte in [p, end) whose table entry is not 0. Most text has none, so scan 8 bytes at
// a time for control characters, '"', '\\' and 0xED, then finish byte by byte.
const char* find_special(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if (has_less(w, 0x20) | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\')) |
        has_zero(w ^ (ones * 0xED))) {
      break;
    }
    p += 8;
  }
  while (p != end && escape_table[byte(*p)] == 0) ++p;
  return p;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* run = p;  // start of the pending unescaped run, copied in one append
  while ((p = find_special(p, end)) != end) {
    const std::uint8_t kind = escape_table[byte(*p)];
    if (kind == 1) {
      out.append(run, static_cast<std::size_t>(p - run));
      append_escape(out, byte(*p));
      run = ++p;
    } else if (is_surrogate(p, end)) {
      out.append(run, static_cast<std::size_t>(p - run));
      append_surrogate_escape(out, p);
      run = p += 3;
    } else {
      ++p;
    }
  }
  out.append(run, static_cast<std::size_t>(p - run));
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

std::string to_json_string(std::string_view text) {
  std::string out;
  out.reserve(json_string_size(text));
  append_json_string(out, text);
  return out;
}

std::size_t json_string_size(std::string_view text) noexcept {
  std::size_t n = 2;
  const char* p = text.data();
  const char* const end = p + text.size();
  for (;;) {
    const char* const special = find_special(p, end);
    n += static_cast<std::size_t>(special - p);
    p = special;
    if (p == end) break;
    const std::uint8_t kind = escape_table[byte(*p)];
    if (kind == 1) {
      n += escape_size(byte(*p));
      ++p;
    } else if (kind == 2 && is_surrogate(p, end)) {
      n += 6;
      p += 3;
    } else {
      ++n;
      ++p;
    }
  }
  return n;
}

void append_json_uint(std::string& out, std::uint64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

void append_json_int(std::string& out, std::int64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace relayload::wire
