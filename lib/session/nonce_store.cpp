#include "relayload/session/nonce_store.hpp"

namespace relayload::session {

std::uint64_t nonce_store::next_outgoing(std::string_view channel) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) it = channels_.emplace(std::string(channel), channel_state{}).first;
  return ++it->second.outgoing;
}

std::uint64_t nonce_store::outgoing(std::string_view channel) const noexcept {
  const auto it = channels_.find(channel);
  return it == channels_.end() ? 0 : it->second.outgoing;
}

bool nonce_store::accept(std::string_view channel, std::string_view sender, std::uint64_t nonce) {
  auto it = channels_.find(channel);
  if (it == channels_.end()) it = channels_.emplace(std::string(channel), channel_state{}).first;
  for (auto& [who, latest] : it->second.latest) {
    if (who != sender) continue;
    if (nonce <= latest) return false;
    latest = nonce;
    return true;
  }
  if (nonce == 0) return false;  // "nonce > 0" against the default of 0
  it->second.latest.emplace_back(std::string(sender), nonce);
  return true;
}

std::uint64_t nonce_store::latest(std::string_view channel,
                                  std::string_view sender) const noexcept {
  const auto it = channels_.find(channel);
  if (it == channels_.end()) return 0;
  for (const auto& [who, latest] : it->second.latest) {
    if (who == sender) return latest;
  }
  return 0;
}

void nonce_store::clear(std::string_view channel) {
  const auto it = channels_.find(channel);
  if (it != channels_.end()) channels_.erase(it);
}

}  // namespace relayload::session
