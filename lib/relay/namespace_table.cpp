#include "namespace_table_impl.hpp"

namespace relayload::relay::detail {

namespace {
constexpr std::string_view uuid_pattern =
    "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
}  // namespace

bool is_lowercase_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

compiled_namespace::compiled_namespace(const namespace_options& options,
                                       std::chrono::milliseconds default_meta_ttl)
    : options_(options),
      meta_ttl_(options.history_meta_ttl.count() > 0 ? options.history_meta_ttl
                                                     : default_meta_ttl) {
  if (options_.channel_regex.empty()) {
    matcher_ = matcher::any;
  } else if (options_.channel_regex == uuid_pattern) {
    // The MWP pattern, checked by hand: publish and subscribe validate every channel.
    matcher_ = matcher::lowercase_uuid;
  } else {
    matcher_ = matcher::regex;
    regex_ = std::make_unique<std::regex>(options_.channel_regex,
                                          std::regex::ECMAScript | std::regex::optimize);
  }
}

bool compiled_namespace::matches(std::string_view rest) const noexcept {
  switch (matcher_) {
    case matcher::any:
      return true;
    case matcher::lowercase_uuid:
      return is_lowercase_uuid(rest);
    case matcher::regex:
      try {
        // Go's MatchString searches (unanchored) unless the pattern anchors itself.
        return std::regex_search(rest.begin(), rest.end(), *regex_);
      } catch (...) {  // std::regex_error(error_complexity/error_stack) on pathological input
        return false;
      }
  }
  return false;
}

namespace_table::namespace_table(const relay_config& config)
    : top_level_(config.without_namespace, config.history_meta_ttl) {
  namespaces_.reserve(config.namespaces.size());
  for (const auto& n : config.namespaces) namespaces_.emplace_back(n, config.history_meta_ttl);
}

namespace_table::lookup namespace_table::find(std::string_view channel) const noexcept {
  lookup l;
  if (!channel.empty() && channel.front() == '$') {
    l.is_private = true;
    channel.remove_prefix(1);
  }
  const auto colon = channel.find(':');
  if (colon == std::string_view::npos) {
    l.ns = &top_level_;
    l.rest = channel;
    return l;
  }
  const auto name = channel.substr(0, colon);
  l.rest = channel.substr(colon + 1);
  for (const auto& n : namespaces_) {
    if (n.options().name == name) {
      l.ns = &n;
      break;
    }
  }
  return l;
}

}  // namespace relayload::relay::detail
