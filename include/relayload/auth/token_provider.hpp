// relayload::auth::hs256_token_provider — fresh HS256 connection tokens per connection, for
// client_options::token_provider: `sub` from a user template, `iat` now, `exp` now + ttl.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relayload::auth {

/// How per-connection tokens are made. `user` may contain "{n}", replaced by the
/// connection index (e.g. "loadtest-{n}" → "loadtest-17"); without it every connection
/// gets the same user.
struct token_provider_options {
  std::string secret;  ///< HMAC key; must not be empty
  std::string user = "relayload-{n}";
  std::chrono::seconds ttl{3600};  ///< exp = iat + ttl; must be positive
  /// Wall clock for iat/exp. Empty: std::chrono::system_clock::now.
  std::function<std::chrono::system_clock::time_point()> wall_clock;

  /// Every problem, one sentence each; empty when usable.
  std::vector<std::string> validate() const;
};

/// `user_template` with every "{n}" replaced by `index`.
std::string format_user(std::string_view user_template, std::uint64_t index);

/// A callable for client_options::token_provider. It holds copies of the options and is
/// safe to call from several threads at once (it only reads them). Throws
/// std::system_error(errc::invalid_argument) naming the problems when validate() finds any.
std::function<std::string(std::uint64_t index)> hs256_token_provider(token_provider_options o);

}  // namespace relayload::auth
