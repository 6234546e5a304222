// Private: tiny append helpers for hand-written, byte-exact JSON. Keys are string literals
// that already carry their quotes and colon, so writing a key is one append.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "relayload/wire/json_string.hpp"

namespace relayload::wire::detail {

template <std::size_t N>
inline void lit(std::string& out, const char (&s)[N]) {
  out.append(s, N - 1);
}

inline void raw(std::string& out, std::string_view s) { out.append(s.data(), s.size()); }

// Writes the members of one object, inserting commas. Keys are literals like "\"data\":".
class object_writer {
 public:
  explicit object_writer(std::string& out) : out_(out) {}

  template <std::size_t N>
  void key(const char (&k)[N]) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.append(k, N - 1);
  }
  template <std::size_t N>
  void string(const char (&k)[N], std::string_view v) {
    key(k);
    append_json_string(out_, v);
  }
  template <std::size_t N>
  void string_if(const char (&k)[N], std::string_view v) {
    if (!v.empty()) string(k, v);
  }
  template <std::size_t N>
  void raw(const char (&k)[N], std::string_view v) {
    key(k);
    out_.append(v.data(), v.size());
  }
  template <std::size_t N>
  void raw_if(const char (&k)[N], std::string_view v) {
    if (!v.empty()) raw(k, v);
  }
  template <std::size_t N>
  void uint(const char (&k)[N], std::uint64_t v) {
    key(k);
    append_json_uint(out_, v);
  }
  template <std::size_t N>
  void uint_if(const char (&k)[N], std::uint64_t v) {
    if (v != 0) uint(k, v);
  }
  template <std::size_t N>
  void sint(const char (&k)[N], std::int64_t v) {
    key(k);
    append_json_int(out_, v);
  }
  template <std::size_t N>
  void sint_if(const char (&k)[N], std::int64_t v) {
    if (v != 0) sint(k, v);
  }
  template <std::size_t N>
  void true_if(const char (&k)[N], bool v) {
    if (v) {
      key(k);
      out_.append("true", 4);
    }
  }
  std::string& out() noexcept { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace relayload::wire::detail
