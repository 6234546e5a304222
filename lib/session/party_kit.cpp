#include "relayload/session/party_kit.hpp"

#include <utility>

#include "relayload/error.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/scheduler.hpp"

namespace relayload::session {

namespace {

void add_problems(std::vector<std::string>& to, const char* field,
                  const std::vector<std::string>& problems) {
  for (const auto& p : problems) to.push_back(std::string(field) + ": " + p);
}

}  // namespace

std::vector<std::string> party_kit_options::validate() const {
  std::vector<std::string> problems;
  if (keys == key_kind::ecies) add_problems(problems, "ecies", ecies.validate());
  add_problems(problems, "client", client.validate());
  add_problems(problems, "context", context.validate());
  add_problems(problems, "session", session.validate());
  return problems;
}

// Declaration order is construction order: each part refers only to parts above it.
struct party_kit::parts {
  parts(asio::io_context& io, const party_kit_options& o, const net::ws_url& url)
      : client_context(io, o.context),
        timers(client_context),
        keys(make_keys(o)),
        context{timers, *keys, ids, make_transport(o, url),
                std::make_shared<const session_options>(o.session)} {}

  static std::unique_ptr<key_manager> make_keys(const party_kit_options& o) {
    if (o.keys == key_kind::mock) return std::make_unique<mock_key_manager>();
    return std::make_unique<ecies_key_manager>(o.ecies);
  }
  static std::shared_ptr<const transport_options> make_transport(const party_kit_options& o,
                                                                 const net::ws_url& url) {
    auto client = o.client;
    client.url = url;
    auto transport = o.transport;
    transport.client = std::make_shared<const client::client_options>(std::move(client));
    return std::make_shared<const transport_options>(std::move(transport));
  }

  client::client_context client_context;
  scheduler timers;
  std::unique_ptr<key_manager> keys;
  id_generator ids = id_generator::system();
  session_context context;
};

result<std::unique_ptr<party_kit>> party_kit::create(asio::io_context& io, std::string_view url,
                                                     const party_kit_options& options,
                                                     std::string* why) {
  std::vector<std::string> problems;
  const auto parsed = net::ws_url::parse(url);
  if (!parsed) {
    problems.push_back("url: \"" + std::string(url) +
                       "\" is not a ws:// or wss:// URL (ws://host[:port][/path])");
  }
  // The client is checked with the URL it will get (its own `url` is replaced).
  auto checked = options;
  if (parsed) checked.client.url = *parsed;
  else checked.client.url = *net::ws_url::parse("ws://placeholder/");
  auto more = checked.validate();
  problems.insert(problems.end(), more.begin(), more.end());
  if (!problems.empty()) {
    if (why != nullptr) {
      why->clear();
      for (const auto& p : problems) *why += (why->empty() ? "" : "\n") + p;
    }
    return unexpected(errc::invalid_argument);
  }
  if (why != nullptr) why->clear();
  return std::unique_ptr<party_kit>(new party_kit(std::make_unique<parts>(io, options, *parsed)));
}

party_kit::party_kit(std::unique_ptr<parts> p) noexcept : parts_(std::move(p)) {}
party_kit::~party_kit() = default;

session_context& party_kit::context() noexcept { return parts_->context; }
client::client_context& party_kit::client_context() noexcept { return parts_->client_context; }
scheduler& party_kit::timers() noexcept { return parts_->timers; }
key_manager& party_kit::keys() noexcept { return *parts_->keys; }
id_generator& party_kit::ids() noexcept { return parts_->ids; }

}  // namespace relayload::session
