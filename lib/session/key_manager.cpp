#include "relayload/session/key_manager.hpp"

#include "relayload/error.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/wire/base64.hpp"

namespace relayload::session {

const char* to_string(key_manager_kind k) noexcept {
  switch (k) {
    case key_manager_kind::mock:
      return "mock";
    case key_manager_kind::ecies:
      return "ecies";
  }
  return "unknown";
}

result<key_manager_kind> parse_key_manager_kind(std::string_view name) noexcept {
  if (name == "mock") return key_manager_kind::mock;
  if (name == "ecies") return key_manager_kind::ecies;
  return unexpected(errc::invalid_argument);
}

std::unique_ptr<key_manager> make_key_manager(key_manager_kind kind) {
  if (kind == key_manager_kind::ecies) return std::make_unique<ecies_key_manager>();
  return std::make_unique<mock_key_manager>();
}

std::string public_key_to_base64(const bytes& public_key) {
  std::string out;
  wire::append_base64(out, public_key.data(), public_key.size());
  return out;
}

result<bytes> public_key_from_base64(std::string_view text) {
  auto raw = wire::base64_decode(text, wire::base64_mode::lenient);
  if (!raw) return unexpected(raw.error());
  return bytes(raw->begin(), raw->end());
}

}  // namespace relayload::session
