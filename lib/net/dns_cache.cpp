#include "net/dns_cache_impl.hpp"

#include <asio/post.hpp>
#include <unordered_map>
#include <utility>

namespace relayload::net {

struct dns_cache::state {
  struct entry {
    endpoint_list_ptr endpoints;    // set once resolved
    std::vector<handler> waiters;   // while a lookup is running
  };
  explicit state(asio::io_context& context) : io(context), resolver(context) {}
  asio::io_context& io;
  asio::ip::tcp::resolver resolver;
  std::unordered_map<std::string, entry> entries;
};

dns_cache::dns_cache(asio::io_context& io) : state_(std::make_shared<state>(io)) {}

dns_cache::~dns_cache() = default;

void dns_cache::resolve(const std::string& host, std::uint16_t port, handler h) {
  std::string key = host + ':' + std::to_string(port);
  state::entry& e = state_->entries[key];
  if (e.endpoints) {
    asio::post(state_->io, [h = std::move(h), eps = e.endpoints] { h({}, eps); });
    return;
  }
  e.waiters.push_back(std::move(h));
  if (e.waiters.size() > 1) return;  // a lookup for this name is already running
  state_->resolver.async_resolve(
      host, std::to_string(port), asio::ip::tcp::resolver::numeric_service,
      [w = std::weak_ptr<state>(state_), key = std::move(key)](
          const std::error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
        const auto s = w.lock();
        if (!s) return;
        const auto it = s->entries.find(key);
        if (it == s->entries.end()) return;
        std::vector<handler> waiters = std::move(it->second.waiters);
        it->second.waiters.clear();
        if (ec || results.empty()) {
          s->entries.erase(it);
          const std::error_code why = ec ? ec : asio::error::host_not_found;
          for (auto& wh : waiters) wh(why, nullptr);
          return;
        }
        auto eps = std::make_shared<endpoint_list>();
        for (const auto& r : results) eps->push_back(r.endpoint());
        it->second.endpoints = eps;
        for (auto& wh : waiters) wh({}, eps);
      });
}

void dns_cache::clear() noexcept {
  for (auto it = state_->entries.begin(); it != state_->entries.end();) {
    if (it->second.waiters.empty()) {
      it = state_->entries.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace relayload::net
