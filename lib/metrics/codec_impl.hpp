// Byte-level helpers for the histogram serialisation: LEB128 varints, CRC-32 and strict
// base64 (private to lib/metrics). Decoders never read past their input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relayload::metrics::detail {

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(v) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

/// Sequential reader over bytes; every read reports failure instead of overrunning.
class byte_reader {
 public:
  explicit byte_reader(std::string_view bytes) noexcept : bytes_(bytes) {}

  std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  bool at_end() const noexcept { return pos_ == bytes_.size(); }

  std::optional<std::uint8_t> byte() noexcept {
    if (pos_ >= bytes_.size()) return std::nullopt;
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }

  /// Canonical (shortest) LEB128 of a 64-bit value; anything else is refused, so that a
  /// decodable input has exactly one encoding.
  std::optional<std::uint64_t> varint() noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 10; ++i) {
      const auto b = byte();
      if (!b) return std::nullopt;
      const std::uint64_t payload = *b & 0x7Fu;
      if (i == 9 && payload > 1) return std::nullopt;  // more than 64 bits
      value |= payload << (7 * i);
      if ((*b & 0x80u) == 0) {
        if (i > 0 && payload == 0) return std::nullopt;  // overlong
        return value;
      }
    }
    return std::nullopt;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

inline constexpr std::array<std::uint32_t, 256> make_crc32_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

/// CRC-32 (IEEE 802.3, as zlib's crc32()).
inline std::uint32_t crc32(std::string_view bytes) noexcept {
  static constexpr std::array<std::uint32_t, 256> table = make_crc32_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) {
    c = table[(c ^ static_cast<std::uint8_t>(ch)) & 0xFFu] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

inline constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t n = static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i])) << 16 |
                            static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i + 1])) << 8 |
                            static_cast<std::uint8_t>(in[i + 2]);
    out.push_back(base64_alphabet[(n >> 18) & 63]);
    out.push_back(base64_alphabet[(n >> 12) & 63]);
    out.push_back(base64_alphabet[(n >> 6) & 63]);
    out.push_back(base64_alphabet[n & 63]);
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[i + 1])) << 8;
    out.push_back(base64_alphabet[(n >> 18) & 63]);
    out.push_back(base64_alphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? base64_alphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

inline int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// Strict padded base64: length a multiple of 4, '=' only as final padding, unused bits
/// zero (so each byte string has exactly one accepted text).
inline std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int pad = 0;
    if (last && in[i + 3] == '=') pad = in[i + 2] == '=' ? 2 : 1;
    std::uint32_t n = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      int v = 0;
      if (k < 4 - static_cast<std::size_t>(pad)) {
        v = base64_value(in[i + k]);
        if (v < 0) return std::nullopt;
      }
      n = n << 6 | static_cast<std::uint32_t>(v);
    }
    if (pad == 2 && (n & 0xFFFFu) != 0) return std::nullopt;
    if (pad == 1 && (n & 0xFFu) != 0) return std::nullopt;
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

}  // namespace relayload::metrics::detail
