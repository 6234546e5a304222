#include "relayload/wire/base64.hpp"

#include <array>
#include <cstdint>

#include "relayload/error.hpp"

namespace relayload::wire {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint8_t invalid = 0xFF;

// Sextet value per byte; `-` and `_` (URL-safe) are marked 0x80|value so strict mode can
// refuse them with the same lookup.
constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = invalid;
  for (std::uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
  t['-'] = 0x80 | 62;
  t['_'] = 0x80 | 63;
  return t;
}
constexpr std::array<std::uint8_t, 256> decode_table = make_decode_table();

inline std::uint8_t sextet(char c) noexcept {
  return decode_table[static_cast<unsigned char>(c)];
}

inline bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool decode_strict(std::string& out, std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  const std::size_t chars = text.size() - pad;
  out.reserve(out.size() + chars / 4 * 3 + 2);
  std::uint32_t acc = 0;
  for (std::size_t i = 0; i < chars; ++i) {
    const std::uint8_t s = sextet(text[i]);
    if (s >= 64) return false;  // not in the standard alphabet (also '=' mid-text)
    acc = (acc << 6) | s;
    if (i % 4 == 3) {
      out.push_back(static_cast<char>(acc >> 16));
      out.push_back(static_cast<char>(acc >> 8));
      out.push_back(static_cast<char>(acc));
      acc = 0;
    }
  }
  // A final quantum of 2 or 3 characters; its unused low bits must be zero (canonical form).
  if (pad == 2) {
    if ((acc & 0xF) != 0) return false;
    out.push_back(static_cast<char>(acc >> 4));
  } else if (pad == 1) {
    if ((acc & 0x3) != 0) return false;
    out.push_back(static_cast<char>(acc >> 10));
    out.push_back(static_cast<char>(acc >> 2));
  }
  return true;
}

bool decode_lenient(std::string& out, std::string_view text) {
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    if (is_space(c)) continue;
    if (c == '=') break;
    const std::uint8_t s = sextet(c);
    if (s == invalid) return false;
    acc = (acc << 6) | (s & 0x3F);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return true;  // leftover bits (fewer than 8) are ignored, as Node does
}

}  // namespace

void append_base64(std::string& out, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  const std::size_t start = out.size();
  out.resize(start + base64_encoded_size(size));
  char* o = &out[start];
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 0x3F];
    *o++ = alphabet[(v >> 6) & 0x3F];
    *o++ = alphabet[v & 0x3F];
  }
  if (size - i == 1) {
    const std::uint32_t v = std::uint32_t{p[i]} << 16;
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 0x3F];
    *o++ = '=';
    *o++ = '=';
  } else if (size - i == 2) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 0x3F];
    *o++ = alphabet[(v >> 6) & 0x3F];
    *o++ = '=';
  }
}

void append_base64(std::string& out, std::string_view bytes) {
  append_base64(out, bytes.data(), bytes.size());
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

std::error_code append_base64_decoded(std::string& out, std::string_view text,
                                      base64_mode mode) {
  const std::size_t before = out.size();
  const bool ok =
      mode == base64_mode::strict ? decode_strict(out, text) : decode_lenient(out, text);
  if (ok) return {};
  out.resize(before);
  return make_error_code(errc::invalid_base64);
}

result<std::string> base64_decode(std::string_view text, base64_mode mode) {
  std::string out;
  if (std::error_code ec = append_base64_decoded(out, text, mode)) return unexpected(ec);
  return out;
}

}  // namespace relayload::wire
