// libFuzzer target: relay_config::from_json, the parser of `relayload-cli relay --config`.
// A refusal must come with a diagnostic; an accepted configuration must validate and be
// usable by relay_core (which compiles its namespaces' channel regexes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "relayload/relay/relay_config.hpp"
#include "relayload/relay/relay_core.hpp"

namespace {
class null_sink : public relayload::relay::relay_sink {
 public:
  void send(relayload::relay::connection_id, std::string_view) noexcept override {}
  void close(relayload::relay::connection_id, std::uint16_t, std::string_view) noexcept override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string diagnostic;
  const auto c = relayload::relay::relay_config::from_json(text, "fuzz.json", diagnostic);
  if (!c) {
    if (diagnostic.empty()) std::abort();
    return 0;
  }
  if (!c->validate().empty()) std::abort();
  null_sink sink;
  relayload::relay::relay_core core(*c, sink);
  return 0;
}
