// Resolution of a channel name to its namespace options, with the channel regexes compiled
// once (at relay_core construction), never per command.
#pragma once

#include <chrono>
#include <memory>
#include <regex>
#include <string_view>
#include <vector>

#include "relayload/relay/relay_config.hpp"

namespace relayload::relay::detail {

/// One namespace, ready for matching.
class compiled_namespace {
 public:
  compiled_namespace(const namespace_options& options, std::chrono::milliseconds default_meta_ttl);

  const namespace_options& options() const noexcept { return options_; }
  /// True when `rest` (the channel without "<namespace>:") satisfies channel_regex.
  bool matches(std::string_view rest) const noexcept;
  bool has_history() const noexcept { return options_.has_history(); }
  /// Stream metadata lifetime: the namespace's own or the relay's; 0 = never expires.
  std::chrono::milliseconds meta_ttl() const noexcept { return meta_ttl_; }

 private:
  enum class matcher { any, lowercase_uuid, regex };
  namespace_options options_;
  matcher matcher_ = matcher::any;
  std::unique_ptr<std::regex> regex_;
  std::chrono::milliseconds meta_ttl_;
};

/// All namespaces of a relay_config.
class namespace_table {
 public:
  /// Throws std::regex_error for a bad channel_regex (relay_config::validate() reports it
  /// first).
  explicit namespace_table(const relay_config& config);

  struct lookup {
    const compiled_namespace* ns = nullptr;  ///< nullptr: unknown namespace (→ 102)
    std::string_view rest;                   ///< the part the regex applies to
    bool is_private = false;                 ///< the channel starts with '$'
  };
  /// Splits `channel` at the first ':' (after an optional private '$' prefix); channels
  /// without ':' resolve to the without_namespace options.
  lookup find(std::string_view channel) const noexcept;

 private:
  compiled_namespace top_level_;
  std::vector<compiled_namespace> namespaces_;
};

/// Matches ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ without std::regex.
bool is_lowercase_uuid(std::string_view s) noexcept;

}  // namespace relayload::relay::detail
