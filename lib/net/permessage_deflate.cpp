// permessage-deflate (RFC 7692) for the lean client: see permessage_deflate_impl.hpp.
#include "net/permessage_deflate_impl.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "net/lean_ws_client_impl.hpp"

namespace relayload::net::detail {

// ---------------------------------------------------------------------------------------
// the server's answer

namespace {

// "8" … "15" (RFC 7692 §7.1.2: 1*DIGIT without a leading zero, 8–15); 0 when not that.
std::uint8_t window_bits(std::string_view v) noexcept {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 2 || v.front() == '0') return 0;
  unsigned n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<unsigned>(c - '0');
  }
  return n >= 8 && n <= 15 ? static_cast<std::uint8_t>(n) : 0;
}

}  // namespace

const char* parse_deflate_response(std::string_view value, deflate_params& out) noexcept {
  value = trim(value);
  if (value.empty()) return "empty Sec-WebSocket-Extensions in the 101 response";
  if (value.find(',') != std::string_view::npos) {
    return "the server accepted more than one extension (only permessage-deflate was offered)";
  }
  std::size_t semi = value.find(';');
  if (!iequals(trim(value.substr(0, semi)), "permessage-deflate")) {
    return "the server chose an extension that was not offered";
  }
  deflate_params p;
  bool seen_snct = false, seen_cnct = false, seen_smwb = false, seen_cmwb = false;
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    const std::string_view param = trim(value.substr(0, semi));
    const std::size_t eq = param.find('=');
    const std::string_view name = trim(param.substr(0, eq));
    const bool has_value = eq != std::string_view::npos;
    const std::string_view v = has_value ? trim(param.substr(eq + 1)) : std::string_view();
    if (iequals(name, "server_no_context_takeover")) {
      if (seen_snct) return "permessage-deflate: server_no_context_takeover given twice";
      if (has_value) return "permessage-deflate: server_no_context_takeover with a value";
      seen_snct = true;
      p.server_no_context_takeover = true;
    } else if (iequals(name, "client_no_context_takeover")) {
      if (seen_cnct) return "permessage-deflate: client_no_context_takeover given twice";
      if (has_value) return "permessage-deflate: client_no_context_takeover with a value";
      seen_cnct = true;
      p.client_no_context_takeover = true;
    } else if (iequals(name, "server_max_window_bits")) {
      if (seen_smwb) return "permessage-deflate: server_max_window_bits given twice";
      seen_smwb = true;
      p.server_max_window_bits = window_bits(v);
      if (p.server_max_window_bits == 0) {
        return "permessage-deflate: server_max_window_bits must be 8 to 15";
      }
    } else if (iequals(name, "client_max_window_bits")) {
      if (seen_cmwb) return "permessage-deflate: client_max_window_bits given twice";
      seen_cmwb = true;
      p.client_max_window_bits = window_bits(v);
      if (p.client_max_window_bits == 0) {
        return "permessage-deflate: client_max_window_bits must be 8 to 15 in the response";
      }
    } else if (name.empty()) {
      return "permessage-deflate: empty extension parameter";
    } else {
      return "permessage-deflate: unknown extension parameter in the response";
    }
  }
  out = p;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// codec

namespace {

constexpr unsigned char sync_tail[4] = {0x00, 0x00, 0xFF, 0xFF};
constexpr std::size_t chunk = 16 * 1024;  // output step of inflate and deflate
// Half of zlib's default 8 (browsers, `ws`): 145 KB instead of 268 KB per deflater at 15 window
// bits, and the same output for relay-sized JSON messages (measured: 200 messages of ~420
// bytes, 5,343 vs 5,342 compressed bytes). websocketpp's server uses 4 too.
constexpr int mem_level = 4;

}  // namespace

struct permessage_deflate::stream {
  z_stream z{};
  std::size_t allocated = 0;
  bool is_deflate = false;

  // zlib allocations go through here, counted per stream; a size word leads each block.
  static void* alloc(void* opaque, uInt items, uInt size) {
    const std::size_t n = std::size_t{items} * size;
    auto* block = static_cast<std::max_align_t*>(std::malloc(n + sizeof(std::max_align_t)));
    if (block == nullptr) return Z_NULL;
    std::memcpy(block, &n, sizeof n);
    static_cast<stream*>(opaque)->allocated += n;
    return block + 1;
  }
  static void release(void* opaque, void* p) {
    if (p == nullptr) return;
    auto* block = static_cast<std::max_align_t*>(p) - 1;
    std::size_t n = 0;
    std::memcpy(&n, block, sizeof n);
    static_cast<stream*>(opaque)->allocated -= n;
    std::free(block);
  }

  explicit stream(bool deflating) noexcept : is_deflate(deflating) {
    z.zalloc = &stream::alloc;
    z.zfree = &stream::release;
    z.opaque = this;
  }
  ~stream() {
    if (is_deflate) {
      deflateEnd(&z);
    } else {
      inflateEnd(&z);
    }
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
};

permessage_deflate::permessage_deflate(const deflate_params& params) noexcept : params_(params) {}

permessage_deflate::~permessage_deflate() = default;

std::size_t permessage_deflate::allocated_bytes() const noexcept {
  return (inflater_ ? inflater_->allocated : 0) + (deflater_ ? deflater_->allocated : 0);
}

permessage_deflate::inflate_status permessage_deflate::inflate(std::string_view payload,
                                                               std::size_t max_size,
                                                               std::string& out) {
  out.clear();
  if (!inflater_) {
    auto s = std::make_unique<stream>(false);
    if (inflateInit2(&s->z, -static_cast<int>(params_.server_max_window_bits)) != Z_OK) {
      return inflate_status::no_memory;
    }
    inflater_ = std::move(s);
  }
  z_stream& z = inflater_->z;
  std::size_t produced = 0;
  bool ended = false;
  // Runs the input through; false with `result` set on failure.
  const auto run = [&](const unsigned char* in, std::size_t n, bool is_tail,
                       inflate_status& result) {
    z.next_in = const_cast<unsigned char*>(in);
    z.avail_in = static_cast<uInt>(n);
    while (!ended) {
      if (produced > max_size) {
        result = inflate_status::too_big;
        return false;
      }
      const std::size_t room = std::min(chunk, max_size + 1 - produced);
      if (out.size() < produced + room) out.resize(produced + room);
      z.next_out = reinterpret_cast<unsigned char*>(&out[produced]);
      z.avail_out = static_cast<uInt>(room);
      const int rc = ::inflate(&z, Z_SYNC_FLUSH);
      produced += room - z.avail_out;
      if (rc == Z_STREAM_END) {
        // A final block: the server's stream ended; only our tail may follow it.
        ended = true;
        if (!is_tail && z.avail_in > 0) {
          result = inflate_status::corrupt;
          return false;
        }
        break;
      }
      if (rc == Z_MEM_ERROR) {
        result = inflate_status::no_memory;
        return false;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
        result = inflate_status::corrupt;
        return false;
      }
      if (z.avail_out != 0) break;  // all input taken, all output out
    }
    if (produced > max_size) {
      result = inflate_status::too_big;
      return false;
    }
    return true;
  };
  // The payload, then the 00 00 ff ff the sender stripped (RFC 7692 §7.2.2).
  inflate_status result = inflate_status::ok;
  const bool ok =
      run(reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), false, result) &&
      run(sync_tail, sizeof sync_tail, true, result);
  if (!ok) {
    out.clear();
    return result;
  }
  out.resize(produced);
  if (ended || params_.server_no_context_takeover) inflateReset(&z);
  return inflate_status::ok;
}

bool permessage_deflate::deflate(std::string_view message, std::string& out) {
  if (message.empty()) {
    // An empty stored block: what the receiver inflates to nothing (RFC 7692 §7.2.3.6); the
    // compressor's window is unchanged by an empty message, so context takeover holds.
    out.push_back('\0');
    return true;
  }
  if (!deflater_) {
    auto s = std::make_unique<stream>(true);
    // zlib refuses a raw 256-byte window; 9 bits never reaches back more than 250 bytes.
    const int bits = std::max<int>(9, params_.client_max_window_bits);
    if (deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -bits, mem_level,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return false;
    }
    deflater_ = std::move(s);
  }
  z_stream& z = deflater_->z;
  const std::size_t start = out.size();
  std::size_t at = start;
  z.next_in = reinterpret_cast<unsigned char*>(const_cast<char*>(message.data()));
  z.avail_in = static_cast<uInt>(message.size());
  for (;;) {
    const std::size_t room = std::max(chunk, message.size() / 2);
    out.resize(at + room);
    z.next_out = reinterpret_cast<unsigned char*>(&out[at]);
    z.avail_out = static_cast<uInt>(room);
    const int rc = ::deflate(&z, Z_SYNC_FLUSH);
    at += room - z.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      out.resize(start);
      return false;
    }
    if (z.avail_out != 0) break;
  }
  out.resize(at);
  if (at - start < 4 || std::memcmp(out.data() + at - 4, sync_tail, 4) != 0) {
    out.resize(start);
    return false;  // cannot happen after a sync flush with input
  }
  out.resize(at - 4);
  if (params_.client_no_context_takeover) deflateReset(&z);
  return true;
}

}  // namespace relayload::net::detail
