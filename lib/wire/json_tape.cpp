#include "wire/json_tape_impl.hpp"

#include <rapidjson/error/error.h>
#include <rapidjson/reader.h>

#include <limits>

namespace relayload::wire::detail {
namespace {
// RapidJSON parses strings and numbers on a local copy of a "copy-optimized" stream and
// writes the position back only afterwards, so Tell() inside a callback would still point
// at the value's start. This stream opts out (see the StreamTraits below), keeping Tell()
// exact at every callback: the end offset of each value.
struct tracked_stream : rapidjson::InsituStringStream {
  using rapidjson::InsituStringStream::GenericInsituStringStream;
};
}  // namespace
}  // namespace relayload::wire::detail

namespace rapidjson {
template <>
struct StreamTraits<relayload::wire::detail::tracked_stream> {
  enum { copyOptimization = 0 };
};
}  // namespace rapidjson

namespace relayload::wire::detail {
namespace {

constexpr unsigned parse_flags =
    rapidjson::kParseInsituFlag | rapidjson::kParseValidateEncodingFlag;
// For bytes already validated as UTF-8 (utf8_input::validated): the same parse without the
// per-byte encoding check, which was ~30 % of the client's message path.
constexpr unsigned parse_flags_validated = rapidjson::kParseInsituFlag;

// Builds the tape. RapidJSON reports scalars after consuming them and containers at their
// brackets; begin offsets of scalars are recovered by skipping the separators (whitespace,
// ':' and ',') that can lie between the previous event and the value.
class tape_handler {
 public:
  tape_handler(json_tape& tape, tracked_stream& is,
               std::string_view original, std::size_t max_depth)
      : tokens_(tape.tokens()),
        stack_(tape.stack()),
        is_(is),
        original_(original),
        max_depth_(max_depth) {}

  bool Null() { return scalar(jtype::null); }
  bool Bool(bool b) {
    jtoken& t = scalar_token(jtype::boolean);
    t.b = b;
    return true;
  }
  bool Int(int i) { return Int64(i); }
  bool Uint(unsigned u) { return Uint64(u); }
  bool Int64(std::int64_t i) {
    if (i >= 0) return Uint64(static_cast<std::uint64_t>(i));  // not reached for JSON text
    jtoken& t = scalar_token(jtype::sint);
    t.i = i;
    return true;
  }
  bool Uint64(std::uint64_t u) {
    jtoken& t = scalar_token(jtype::uint);
    t.u = u;
    return true;
  }
  bool Double(double d) {
    jtoken& t = scalar_token(jtype::dbl);
    t.d = d;
    return true;
  }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }  // flag not used
  bool String(const char* s, rapidjson::SizeType n, bool) {
    jtoken& t = scalar_token(jtype::string);
    t.str = std::string_view(s, n);
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    jtoken& t = scalar_token(jtype::key);
    t.str = std::string_view(s, n);
    return true;
  }
  bool StartObject() { return open(jtype::object); }
  bool StartArray() { return open(jtype::array); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  bool too_deep() const noexcept { return too_deep_; }

 private:
  std::uint32_t pos() noexcept {
    return static_cast<std::uint32_t>(is_.Tell());
  }

  std::uint32_t value_begin() const noexcept {
    std::size_t p = last_;
    while (p < original_.size()) {
      const char c = original_[p];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ':' && c != ',') break;
      ++p;
    }
    return static_cast<std::uint32_t>(p);
  }

  jtoken& scalar_token(jtype type) {
    jtoken t;
    t.type = type;
    t.begin = value_begin();
    t.end = pos();
    t.next = static_cast<std::uint32_t>(tokens_.size() + 1);
    last_ = t.end;
    tokens_.push_back(t);
    return tokens_.back();
  }
  bool scalar(jtype type) {
    scalar_token(type);
    return true;
  }

  bool open(jtype type) {
    if (stack_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    jtoken t;
    t.type = type;
    t.end = pos();
    t.begin = t.end - 1;  // the bracket just consumed
    last_ = t.end;
    stack_.push_back(static_cast<std::uint32_t>(tokens_.size()));
    tokens_.push_back(t);
    return true;
  }

  bool close() {
    const std::uint32_t idx = stack_.back();
    stack_.pop_back();
    jtoken& t = tokens_[idx];
    t.end = pos();
    t.next = static_cast<std::uint32_t>(tokens_.size());
    last_ = t.end;
    return true;
  }

  std::vector<jtoken>& tokens_;
  std::vector<std::uint32_t>& stack_;
  tracked_stream& is_;
  std::string_view original_;
  std::size_t max_depth_;
  std::size_t last_ = 0;
  bool too_deep_ = false;
};

std::error_code map_parse_error(rapidjson::ParseErrorCode code, bool too_deep) noexcept {
  switch (code) {
    case rapidjson::kParseErrorTermination:
      return make_ec(too_deep ? errc::nesting_too_deep : errc::malformed_json);
    case rapidjson::kParseErrorStringInvalidEncoding:
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
      return make_ec(errc::invalid_utf8);
    default:
      return make_ec(errc::malformed_json);
  }
}

}  // namespace

std::error_code json_tape::parse_insitu(char* buf, std::size_t len, std::string_view original,
                                        std::size_t max_depth, utf8_input input) {
  tokens_.clear();
  stack_.clear();
  original_ = original;
  if (max_depth > max_supported_depth) max_depth = max_supported_depth;
  tracked_stream is(buf);
  tape_handler handler(*this, is, original, max_depth);
  rapidjson::Reader reader;
  const rapidjson::ParseResult ok = input == utf8_input::validated
                                        ? reader.Parse<parse_flags_validated>(is, handler)
                                        : reader.Parse<parse_flags>(is, handler);
  if (!ok) {
    tokens_.clear();
    return map_parse_error(ok.Code(), handler.too_deep());
  }
  // The insitu stream stops at the first NUL: a NUL byte inside the text must not let
  // trailing bytes through unparsed.
  if (is.Tell() != len) {
    tokens_.clear();
    return make_ec(errc::malformed_json);
  }
  return {};
}

std::error_code json_tape::copy_parse(std::string_view text, const decode_options& options,
                                      utf8_input input) {
  if (text.size() > options.max_frame_size || text.size() > max_supported_size) {
    tokens_.clear();
    return make_ec(errc::frame_too_large);
  }
  scratch_.reserve(text.size() + insitu_padding);  // one allocation, not two
  scratch_.assign(text.data(), text.size());
  scratch_.append(insitu_padding, '\0');
  return parse_insitu(scratch_.data(), text.size(), text, options.max_depth, input);
}

json_tape& json_tape::thread_scratch() noexcept {
  thread_local json_tape tape;
  return tape;
}

void json_tape::trim() noexcept {
  original_ = {};
  if (scratch_.capacity() > scratch_keep_bytes) std::string().swap(scratch_);
  if (tokens_.capacity() * sizeof(jtoken) > scratch_keep_bytes) std::vector<jtoken>().swap(tokens_);
  if (stack_.capacity() * sizeof(std::uint32_t) > scratch_keep_bytes) {
    std::vector<std::uint32_t>().swap(stack_);
  }
}

std::uint32_t json_tape::find(std::uint32_t obj, std::string_view key) const noexcept {
  std::uint32_t found = npos;
  for_each_member(obj, [&](std::string_view k, std::uint32_t v) {
    if (k == key) found = v;
    return std::error_code{};
  });
  return found;
}

std::error_code json_tape::get(std::uint32_t v, std::string_view& out) const noexcept {
  const jtoken& t = tokens_[v];
  if (t.type == jtype::null) return {};
  if (t.type != jtype::string) return make_ec(errc::wrong_type);
  out = t.str;
  return {};
}

std::error_code json_tape::get(std::uint32_t v, bool& out) const noexcept {
  const jtoken& t = tokens_[v];
  if (t.type == jtype::null) return {};
  if (t.type != jtype::boolean) return make_ec(errc::wrong_type);
  out = t.b;
  return {};
}

namespace {
// Integer value of a number token, accepting "-0" as 0; doubles (fractions, exponents,
// values beyond 64 bits) are not integers here.
bool as_unsigned(const jtoken& t, std::uint64_t& out) noexcept {
  if (t.type == jtype::uint) {
    out = t.u;
    return true;
  }
  if (t.type == jtype::sint && t.i == 0) {
    out = 0;
    return true;
  }
  return false;
}
}  // namespace

std::error_code json_tape::get(std::uint32_t v, std::uint64_t& out) const noexcept {
  const jtoken& t = tokens_[v];
  if (t.type == jtype::null) return {};
  if (!as_unsigned(t, out)) return make_ec(errc::wrong_type);
  return {};
}

std::error_code json_tape::get(std::uint32_t v, std::uint32_t& out) const noexcept {
  const jtoken& t = tokens_[v];
  if (t.type == jtype::null) return {};
  std::uint64_t u = 0;
  if (!as_unsigned(t, u) || u > std::numeric_limits<std::uint32_t>::max()) {
    return make_ec(errc::wrong_type);
  }
  out = static_cast<std::uint32_t>(u);
  return {};
}

std::error_code json_tape::get(std::uint32_t v, std::int64_t& out) const noexcept {
  const jtoken& t = tokens_[v];
  if (t.type == jtype::null) return {};
  if (t.type == jtype::sint) {
    out = t.i;
    return {};
  }
  if (t.type == jtype::uint && t.u <= static_cast<std::uint64_t>(
                                          std::numeric_limits<std::int64_t>::max())) {
    out = static_cast<std::int64_t>(t.u);
    return {};
  }
  return make_ec(errc::wrong_type);
}

std::error_code json_tape::get(std::uint32_t v, std::int32_t& out) const noexcept {
  std::int64_t i = 0;
  if (tokens_[v].type == jtype::null) return {};
  if (std::error_code ec = get(v, i)) return ec;
  if (i < std::numeric_limits<std::int32_t>::min() ||
      i > std::numeric_limits<std::int32_t>::max()) {
    return make_ec(errc::wrong_type);
  }
  out = static_cast<std::int32_t>(i);
  return {};
}

std::error_code json_tape::get_raw(std::uint32_t v, std::string_view& out) const noexcept {
  if (tokens_[v].type == jtype::null) return {};
  out = raw(v);
  return {};
}

}  // namespace relayload::wire::detail
