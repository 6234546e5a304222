#include "relayload/auth/token_provider.hpp"

#include <memory>
#include <system_error>
#include <utility>

#include "relayload/auth/jwt.hpp"
#include "relayload/error.hpp"

namespace relayload::auth {

std::vector<std::string> token_provider_options::validate() const {
  std::vector<std::string> problems;
  if (secret.empty()) problems.emplace_back("The token HMAC secret is empty.");
  if (ttl.count() <= 0) problems.emplace_back("The token TTL must be above 0 seconds.");
  return problems;
}

std::string format_user(std::string_view user_template, std::uint64_t index) {
  static constexpr std::string_view placeholder = "{n}";
  std::string out;
  out.reserve(user_template.size() + 20);
  std::size_t pos = 0;
  for (;;) {
    const auto hit = user_template.find(placeholder, pos);
    out.append(user_template.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out += std::to_string(index);
    pos = hit + placeholder.size();
  }
  return out;
}

std::function<std::string(std::uint64_t index)> hs256_token_provider(token_provider_options o) {
  const auto problems = o.validate();
  if (!problems.empty()) {
    std::string what = "hs256_token_provider:";
    for (const auto& p : problems) what += " " + p;
    throw std::system_error(make_error_code(errc::invalid_argument), what);
  }
  if (!o.wall_clock) o.wall_clock = [] { return std::chrono::system_clock::now(); };
  // Shared and immutable: copies of the std::function (one per shard) stay cheap.
  auto opts = std::make_shared<const token_provider_options>(std::move(o));
  return [opts](std::uint64_t index) {
    const std::int64_t now = unix_seconds(opts->wall_clock());
    return sign_hs256({format_user(opts->user, index), now + opts->ttl.count(), now}, opts->secret);
  };
}

}  // namespace relayload::auth
