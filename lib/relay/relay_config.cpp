// Parsing of Centrifugo JSON configuration files into relay_config, and Go durations.
#include "relayload/relay/relay_config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <tuple>

#include "relayload/error.hpp"

namespace relayload::relay {

namespace {

constexpr const char* uuid_regex = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

auto namespace_tie(const namespace_options& n) {
  return std::tie(
      n.name, n.channel_regex, n.allow_subscribe_for_client, n.allow_subscribe_for_anonymous,
      n.allow_publish_for_client, n.allow_publish_for_anonymous, n.allow_publish_for_subscriber,
      n.allow_history_for_client, n.allow_history_for_anonymous, n.allow_history_for_subscriber,
      n.allow_presence_for_client, n.allow_presence_for_anonymous, n.allow_presence_for_subscriber,
      n.history_size, n.history_ttl, n.history_meta_ttl, n.force_positioning, n.allow_positioning,
      n.force_recovery, n.allow_recovery, n.presence, n.join_leave, n.force_push_join_leave);
}

auto config_tie(const relay_config& c) {
  return std::tie(c.allow_anonymous_connect_without_token, c.token_hmac_secret_key,
                  c.without_namespace, c.namespaces,
                  c.ping_interval, c.pong_timeout, c.stale_close_delay, c.channel_limit,
                  c.connection_limit, c.channel_max_length, c.history_max_publication_limit,
                  c.recovery_max_publication_limit, c.history_meta_ttl, c.message_size_limit,
                  c.queue_max_size, c.version, c.randomize_first_ping, c.seed,
                  c.max_publish_rate, c.max_connect_rate, c.rate_limit_queue_size);
}

namespace_options mwp_namespace(const char* name, std::size_t history_size) {
  namespace_options n;
  n.name = name;
  n.channel_regex = uuid_regex;
  n.allow_subscribe_for_client = true;
  n.allow_subscribe_for_anonymous = true;
  n.allow_publish_for_client = true;
  n.allow_publish_for_anonymous = true;
  n.allow_history_for_client = true;
  n.allow_history_for_anonymous = true;
  n.history_size = history_size;
  n.history_ttl = std::chrono::seconds(300);
  n.force_positioning = true;
  n.force_recovery = true;
  return n;
}

// Reads typed fields out of a JSON object, recording the first problem with its path.
// Parsing stops at the first error: later fields may depend on earlier ones.
class field_reader {
 public:
  explicit field_reader(std::string& error) : error_(error) {}

  bool failed() const { return !error_.empty(); }

  void fail(const std::string& path, const std::string& what) {
    if (error_.empty()) error_ = path + ": " + what;
  }

  void boolean(const rapidjson::Value& obj, const char* key, const std::string& prefix, bool& out) {
    const auto* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsBool()) return fail(prefix + key, "expected true or false");
    out = v->GetBool();
  }

  void size(const rapidjson::Value& obj, const char* key, const std::string& prefix,
            std::size_t& out) {
    const auto* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsUint64()) return fail(prefix + key, "expected a non-negative integer");
    out = static_cast<std::size_t>(v->GetUint64());
  }

  void string(const rapidjson::Value& obj, const char* key, const std::string& prefix,
              std::string& out) {
    const auto* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsString()) return fail(prefix + key, "expected a string");
    out.assign(v->GetString(), v->GetStringLength());
  }

  void duration(const rapidjson::Value& obj, const char* key, const std::string& prefix,
                std::chrono::milliseconds& out) {
    const auto* v = member(obj, key);
    if (v == nullptr) return;
    if (!v->IsString()) {
      return fail(prefix + key, "expected a Go duration string such as \"300s\" or \"1h30m\"");
    }
    const std::string_view text(v->GetString(), v->GetStringLength());
    const auto d = parse_go_duration(text);
    if (!d) return fail(prefix + key, "\"" + std::string(text) + "\" is not a Go duration");
    if (d->count() < 0) return fail(prefix + key, "must not be negative");
    // Round up so a sub-millisecond duration never becomes "off".
    out = std::chrono::ceil<std::chrono::milliseconds>(*d);
  }

 private:
  static const rapidjson::Value* member(const rapidjson::Value& obj, const char* key) {
    const auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }

  std::string& error_;
};

void read_channel_options(field_reader& r, const rapidjson::Value& obj, const std::string& prefix,
                          namespace_options& n) {
  r.string(obj, "channel_regex", prefix, n.channel_regex);
  r.boolean(obj, "allow_subscribe_for_client", prefix, n.allow_subscribe_for_client);
  r.boolean(obj, "allow_subscribe_for_anonymous", prefix, n.allow_subscribe_for_anonymous);
  r.boolean(obj, "allow_publish_for_client", prefix, n.allow_publish_for_client);
  r.boolean(obj, "allow_publish_for_anonymous", prefix, n.allow_publish_for_anonymous);
  r.boolean(obj, "allow_publish_for_subscriber", prefix, n.allow_publish_for_subscriber);
  r.boolean(obj, "allow_history_for_client", prefix, n.allow_history_for_client);
  r.boolean(obj, "allow_history_for_anonymous", prefix, n.allow_history_for_anonymous);
  r.boolean(obj, "allow_history_for_subscriber", prefix, n.allow_history_for_subscriber);
  r.boolean(obj, "allow_presence_for_client", prefix, n.allow_presence_for_client);
  r.boolean(obj, "allow_presence_for_anonymous", prefix, n.allow_presence_for_anonymous);
  r.boolean(obj, "allow_presence_for_subscriber", prefix, n.allow_presence_for_subscriber);
  r.size(obj, "history_size", prefix, n.history_size);
  r.duration(obj, "history_ttl", prefix, n.history_ttl);
  r.duration(obj, "history_meta_ttl", prefix, n.history_meta_ttl);
  r.boolean(obj, "force_positioning", prefix, n.force_positioning);
  r.boolean(obj, "allow_positioning", prefix, n.allow_positioning);
  r.boolean(obj, "force_recovery", prefix, n.force_recovery);
  r.boolean(obj, "allow_recovery", prefix, n.allow_recovery);
  r.boolean(obj, "presence", prefix, n.presence);
  r.boolean(obj, "join_leave", prefix, n.join_leave);
  r.boolean(obj, "force_push_join_leave", prefix, n.force_push_join_leave);
}

void read_namespaces(field_reader& r, const rapidjson::Value& arr, const std::string& path,
                     std::vector<namespace_options>& out) {
  if (!arr.IsArray()) return r.fail(path, "expected an array of namespace objects");
  out.clear();
  for (rapidjson::SizeType i = 0; i < arr.Size() && !r.failed(); ++i) {
    const std::string prefix = path + "[" + std::to_string(i) + "].";
    const auto& item = arr[i];
    if (!item.IsObject()) return r.fail(prefix.substr(0, prefix.size() - 1), "expected an object");
    namespace_options n;
    const auto name = item.FindMember("name");
    if (name == item.MemberEnd()) return r.fail(prefix + "name", "missing");
    r.string(item, "name", prefix, n.name);
    read_channel_options(r, item, prefix, n);
    out.push_back(std::move(n));
  }
}

// Centrifugo v6 layout: everything under client/channel/websocket objects.
void read_v6(field_reader& r, const rapidjson::Value& root, relay_config& c) {
  const auto client = root.FindMember("client");
  if (client != root.MemberEnd() && !client->value.IsNull()) {
    const auto& v = client->value;
    if (!v.IsObject()) return r.fail("client", "expected an object");
    const std::string p = "client.";
    r.boolean(v, "allow_anonymous_connect_without_token", p,
              c.allow_anonymous_connect_without_token);
    const auto token = v.FindMember("token");
    if (token != v.MemberEnd() && !token->value.IsNull()) {
      if (!token->value.IsObject()) return r.fail("client.token", "expected an object");
      r.string(token->value, "hmac_secret_key", "client.token.", c.token_hmac_secret_key);
    }
    r.duration(v, "ping_interval", p, c.ping_interval);
    r.duration(v, "pong_timeout", p, c.pong_timeout);
    r.duration(v, "stale_close_delay", p, c.stale_close_delay);
    r.size(v, "channel_limit", p, c.channel_limit);
    r.size(v, "connection_limit", p, c.connection_limit);
    r.size(v, "history_max_publication_limit", p, c.history_max_publication_limit);
    r.size(v, "recovery_max_publication_limit", p, c.recovery_max_publication_limit);
    r.size(v, "queue_max_size", p, c.queue_max_size);
  }
  const auto channel = root.FindMember("channel");
  if (channel != root.MemberEnd() && !channel->value.IsNull() && !r.failed()) {
    const auto& v = channel->value;
    if (!v.IsObject()) return r.fail("channel", "expected an object");
    const std::string p = "channel.";
    r.size(v, "max_length", p, c.channel_max_length);
    r.duration(v, "history_meta_ttl", p, c.history_meta_ttl);
    const auto wn = v.FindMember("without_namespace");
    if (wn != v.MemberEnd() && !wn->value.IsNull()) {
      if (!wn->value.IsObject()) return r.fail("channel.without_namespace", "expected an object");
      read_channel_options(r, wn->value, "channel.without_namespace.", c.without_namespace);
    }
    const auto ns = v.FindMember("namespaces");
    if (ns != v.MemberEnd() && !ns->value.IsNull() && !r.failed()) {
      read_namespaces(r, ns->value, "channel.namespaces", c.namespaces);
    }
  }
  const auto ws = root.FindMember("websocket");
  if (ws != root.MemberEnd() && !ws->value.IsNull() && !r.failed()) {
    if (!ws->value.IsObject()) return r.fail("websocket", "expected an object");
    r.size(ws->value, "message_size_limit", "websocket.", c.message_size_limit);
  }
}

// Centrifugo v5 layout: flat keys at the top level.
void read_v5(field_reader& r, const rapidjson::Value& root, relay_config& c) {
  r.boolean(root, "allow_anonymous_connect_without_token", "",
            c.allow_anonymous_connect_without_token);
  r.string(root, "token_hmac_secret_key", "", c.token_hmac_secret_key);
  r.duration(root, "ping_interval", "", c.ping_interval);
  r.duration(root, "pong_timeout", "", c.pong_timeout);
  r.duration(root, "client_stale_close_delay", "", c.stale_close_delay);
  r.size(root, "client_channel_limit", "", c.channel_limit);
  r.size(root, "client_connection_limit", "", c.connection_limit);
  r.size(root, "client_history_max_publication_limit", "", c.history_max_publication_limit);
  r.size(root, "client_recovery_max_publication_limit", "", c.recovery_max_publication_limit);
  r.size(root, "client_queue_max_size", "", c.queue_max_size);
  r.size(root, "channel_max_length", "", c.channel_max_length);
  r.duration(root, "history_meta_ttl", "", c.history_meta_ttl);
  r.size(root, "websocket_message_size_limit", "", c.message_size_limit);
  read_channel_options(r, root, "", c.without_namespace);
  const auto ns = root.FindMember("namespaces");
  if (ns != root.MemberEnd() && !ns->value.IsNull() && !r.failed()) {
    read_namespaces(r, ns->value, "namespaces", c.namespaces);
  }
}

bool valid_namespace_name(const std::string& name) {
  // Centrifugo: ^[-a-zA-Z0-9_.]{2,}$
  if (name.size() < 2) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.';
  });
}

// The largest repetition count in a channel_regex: Go's regexp (Centrifugo's) refuses more
// than 1000, and libstdc++'s std::regex overflows a signed long on a count of 19+ digits
// (undefined behaviour, found by fuzz_relay_config) instead of refusing it.
constexpr std::uint64_t max_repeat_count = 1000;

// The first construct in a channel_regex that Centrifugo's Go regexp refuses and that
// libstdc++'s std::regex would mishandle, described for a diagnostic; empty when none:
//  - a repetition count ({n}, {n,}, {n,m}) above max_repeat_count, outside bracket
//    expressions and escapes;
//  - a backreference (\1 to \9, anywhere): Go has none ("invalid escape sequence"), and
//    libstdc++ reads its number into a signed long that a long one overflows (undefined
//    behaviour, found by fuzz_relay_config as well).
std::string unsupported_regex_construct(const std::string& pattern) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  bool in_class = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char ch = pattern[i];
    if (ch == '\\') {
      if (i + 1 < pattern.size() && pattern[i + 1] >= '1' && pattern[i + 1] <= '9') {
        std::size_t end = i + 1;
        while (end < pattern.size() && is_digit(pattern[end])) ++end;
        const auto shown = std::min<std::size_t>(end - i, 12);
        return "backreference " + pattern.substr(i, shown) + (end - i > shown ? "..." : "") +
               " is not supported (Centrifugo's regexp has no backreferences)";
      }
      ++i;  // the escaped character is a literal
    } else if (in_class) {
      in_class = ch != ']';
    } else if (ch == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // "[]...]": ']' is literal
    } else if (ch == '{') {
      for (std::size_t j = i + 1; j < pattern.size(); ++j) {
        if (!is_digit(pattern[j])) continue;
        std::size_t end = j;
        while (end < pattern.size() && is_digit(pattern[end])) ++end;
        const std::string digits = pattern.substr(j, end - j);
        // More digits than max_repeat_count has cannot be within it (leading zeros aside).
        const auto significant = digits.find_first_not_of('0');
        if (significant != std::string::npos &&
            (digits.size() - significant > 4 ||
             std::stoull(digits.substr(significant)) > max_repeat_count)) {
          return "repetition count " + digits + " is larger than " +
                 std::to_string(max_repeat_count) + " (the limit of Centrifugo's regexp)";
        }
        j = end;
        if (j >= pattern.size() || pattern[j] != ',') break;
      }
    }
  }
  return {};
}

void validate_channel_options(const namespace_options& n, const std::string& path,
                              std::vector<std::string>& problems) {
  if (const auto construct = unsupported_regex_construct(n.channel_regex); !construct.empty()) {
    problems.push_back(path + "channel_regex: " + construct);
  } else if (!n.channel_regex.empty()) {
    try {
      std::regex re(n.channel_regex, std::regex::ECMAScript);
      (void)re;
    } catch (const std::regex_error& e) {
      problems.push_back(path + "channel_regex: \"" + n.channel_regex +
                         "\" is not a supported regular expression (" + e.what() + ")");
    }
  }
  const bool history = n.has_history();
  if ((n.force_recovery || n.allow_recovery) && !history) {
    problems.push_back(path +
                       "force_recovery/allow_recovery: recovery needs history_size > 0 "
                       "and history_ttl > 0");
  }
  if ((n.force_positioning || n.allow_positioning) && !history) {
    problems.push_back(path +
                       "force_positioning/allow_positioning: positioning needs "
                       "history_size > 0 and history_ttl > 0");
  }
  if ((n.history_size > 0) != (n.history_ttl.count() > 0)) {
    problems.push_back(path + "history_size/history_ttl: both must be set to keep history");
  }
}

// A rate of relay_config's test knobs. Beyond the bounds, the interval between tokens would
// not fit the relay's nanosecond arithmetic (too slow) or would round to nothing (too fast).
void check_rate(const char* name, double rate, std::vector<std::string>& problems) {
  if (rate == 0) return;
  if (!std::isfinite(rate) || rate < 0) {
    problems.push_back(std::string(name) + ": must be finite and not negative (0 = unlimited)");
  } else if (rate < 0.001 || rate > 1e9) {
    std::ostringstream text;
    text << name << ": " << rate << " per second is outside 0.001 to 1e9 (0 = unlimited)";
    problems.push_back(text.str());
  }
}

}  // namespace

bool operator==(const namespace_options& a, const namespace_options& b) noexcept {
  return namespace_tie(a) == namespace_tie(b);
}

bool operator==(const relay_config& a, const relay_config& b) noexcept {
  return config_tie(a) == config_tie(b);
}

relay_config relay_config::mwp_default() {
  relay_config c;
  c.namespaces.push_back(mwp_namespace("handshake", 5));
  c.namespaces.push_back(mwp_namespace("session", 20));
  return c;
}

const namespace_options* relay_config::find_namespace(std::string_view name) const noexcept {
  for (const auto& n : namespaces) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

std::vector<std::string> relay_config::validate() const {
  std::vector<std::string> problems;
  validate_channel_options(without_namespace, "channel.without_namespace.", problems);
  for (std::size_t i = 0; i < namespaces.size(); ++i) {
    const auto& n = namespaces[i];
    const std::string path = "channel.namespaces[" + std::to_string(i) + "].";
    if (!valid_namespace_name(n.name)) {
      problems.push_back(path + "name: \"" + n.name +
                         "\" must be at least 2 characters of [-a-zA-Z0-9_.]");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (namespaces[j].name == n.name) {
        problems.push_back(path + "name: duplicate namespace \"" + n.name + "\"");
        break;
      }
    }
    validate_channel_options(n, path, problems);
  }
  if (ping_interval.count() < 0) problems.push_back("client.ping_interval: must not be negative");
  if (ping_interval.count() > 0) {
    if (pong_timeout.count() <= 0) {
      problems.push_back("client.pong_timeout: must be positive when pings are enabled");
    } else if (pong_timeout >= ping_interval) {
      problems.push_back("client.pong_timeout: must be shorter than client.ping_interval");
    }
  }
  if (stale_close_delay.count() <= 0) {
    problems.push_back("client.stale_close_delay: must be positive");
  }
  if (channel_max_length == 0) problems.push_back("channel.max_length: must be positive");
  if (message_size_limit == 0) {
    problems.push_back("websocket.message_size_limit: must be positive");
  }
  if (history_meta_ttl.count() < 0) {
    problems.push_back("channel.history_meta_ttl: must not be negative");
  }
  if (version.empty()) problems.push_back("version: must not be empty");
  check_rate("max_publish_rate", max_publish_rate, problems);
  check_rate("max_connect_rate", max_connect_rate, problems);
  if (rate_limit_queue_size == 0) problems.push_back("rate_limit_queue_size: must be positive");
  return problems;
}

result<relay_config> relay_config::from_json(std::string_view json, std::string_view source_name,
                                             std::string& diagnostic) {
  diagnostic.clear();
  const std::string source(source_name);
  rapidjson::Document doc;
  // Iterative: a deeply nested hostile file must not exhaust the stack. Text after the
  // object is an error, as in Centrifugo.
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    diagnostic = source + ": invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
                 rapidjson::GetParseError_En(doc.GetParseError());
    return unexpected(errc::invalid_argument);
  }
  if (!doc.IsObject()) {
    diagnostic = source + ": the configuration must be a JSON object";
    return unexpected(errc::invalid_argument);
  }
  relay_config c;
  std::string error;
  field_reader reader(error);
  const bool v6 = doc.HasMember("client") || doc.HasMember("channel") || doc.HasMember("websocket");
  if (v6) {
    read_v6(reader, doc, c);
  } else {
    read_v5(reader, doc, c);
  }
  if (!error.empty()) {
    diagnostic = source + ": " + error;
    return unexpected(errc::invalid_argument);
  }
  const auto problems = c.validate();
  if (!problems.empty()) {
    diagnostic = source + ": " + problems.front();
    for (std::size_t i = 1; i < problems.size(); ++i) diagnostic += "; " + problems[i];
    return unexpected(errc::invalid_argument);
  }
  return c;
}

relay_config relay_config::from_json(std::string_view json, std::string_view source_name) {
  std::string diagnostic;
  auto r = from_json(json, source_name, diagnostic);
  if (!r) throw std::system_error(r.error(), diagnostic);
  return std::move(*r);
}

result<relay_config> relay_config::from_file(const std::string& path, std::string& diagnostic) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    diagnostic = path + ": cannot open the file";
    if (err != 0) return unexpected(std::error_code(err, std::generic_category()));
    return unexpected(errc::invalid_argument);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diagnostic = path + ": read error";
    return unexpected(std::error_code(EIO, std::generic_category()));
  }
  return from_json(text.str(), path, diagnostic);
}

relay_config relay_config::from_file(const std::string& path) {
  std::string diagnostic;
  auto r = from_file(path, diagnostic);
  if (!r) throw std::system_error(r.error(), diagnostic);
  return std::move(*r);
}

result<std::chrono::nanoseconds> parse_go_duration(std::string_view s) noexcept {
  // Follows Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ or a bare "0".
  constexpr std::uint64_t limit = std::uint64_t{1} << 63;  // |int64 min|
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return unexpected(errc::invalid_argument);

  std::uint64_t total = 0;
  while (!s.empty()) {
    // Integer part.
    std::uint64_t whole = 0;
    bool overflow = false;
    std::size_t digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      const auto d = static_cast<std::uint64_t>(s.front() - '0');
      if (whole > (limit - d) / 10) overflow = true;
      if (!overflow) whole = whole * 10 + d;
      s.remove_prefix(1);
      ++digits;
    }
    if (overflow) return unexpected(errc::invalid_argument);
    // Fraction: keep at most 18 digits, which is more than nanoseconds of an hour need.
    std::uint64_t frac = 0;
    std::uint64_t scale = 1;
    std::size_t frac_digits = 0;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
        if (scale < 1000000000000000000ULL) {
          frac = frac * 10 + static_cast<std::uint64_t>(s.front() - '0');
          scale *= 10;
        }
        s.remove_prefix(1);
        ++frac_digits;
      }
    }
    if (digits == 0 && frac_digits == 0) return unexpected(errc::invalid_argument);
    // Unit.
    std::size_t n = 0;
    while (n < s.size() && s[n] != '.' && (s[n] < '0' || s[n] > '9')) ++n;
    const std::string_view unit = s.substr(0, n);
    s.remove_prefix(n);
    std::uint64_t unit_ns = 0;
    if (unit == "ns") {
      unit_ns = 1;
    } else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {  // µ (U+00B5, U+03BC)
      unit_ns = 1000;
    } else if (unit == "ms") {
      unit_ns = 1000000;
    } else if (unit == "s") {
      unit_ns = 1000000000;
    } else if (unit == "m") {
      unit_ns = 60ULL * 1000000000;
    } else if (unit == "h") {
      unit_ns = 3600ULL * 1000000000;
    } else {
      return unexpected(errc::invalid_argument);
    }
    if (whole > limit / unit_ns) return unexpected(errc::invalid_argument);
    std::uint64_t value = whole * unit_ns;
    if (frac > 0) {
      // frac/scale * unit_ns without overflow: frac < scale <= 1e18, unit_ns <= 3.6e12.
      const long double part = static_cast<long double>(frac) * static_cast<long double>(unit_ns) /
                               static_cast<long double>(scale);
      value += static_cast<std::uint64_t>(part);
    }
    if (value > limit || total > limit - value) return unexpected(errc::invalid_argument);
    total += value;
  }
  if (!negative && total > limit - 1) return unexpected(errc::invalid_argument);
  const auto signed_total = negative ? (total == limit ? std::numeric_limits<std::int64_t>::min()
                                                       : -static_cast<std::int64_t>(total))
                                     : static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(signed_total);
}

}  // namespace relayload::relay
