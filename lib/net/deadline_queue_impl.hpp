// Private: one timer for many deadlines, shared by both client contexts (every connection
// attempt's connect deadline; the lean client's close deadline too).
#pragma once

#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <queue>
#include <system_error>
#include <utility>
#include <vector>

namespace relayload::net::detail {

/// Calls client->on_deadline(event) at each added time, if the client still exists, with
/// one steady_timer armed for the earliest. Entries of attempts that ended early stay until
/// their time (lazy deletion): a stale entry costs a weak_ptr lock and the client's own
/// attempt check. A member of the object that owns it; `owner` (that object) keeps it alive
/// while the timer waits. Thread safety: none (the io_context's thread).
template <class Client, class Event>
class deadline_queue {
 public:
  using clock = std::chrono::steady_clock;

  explicit deadline_queue(asio::io_context& io) : timer_(io) {}

  void add(clock::time_point when, std::weak_ptr<Client> client, Event event,
           std::weak_ptr<void> owner) {
    entries_.push(entry{when, std::move(client), std::move(event)});
    if (when < armed_for_) arm(when, std::move(owner));
  }

 private:
  struct entry {
    clock::time_point when;
    std::weak_ptr<Client> client;
    Event event;
    bool operator>(const entry& o) const noexcept { return when > o.when; }
  };

  void arm(clock::time_point when, std::weak_ptr<void> owner) {
    armed_for_ = when;
    timer_.expires_at(when);  // cancels the wait for a later deadline
    timer_.async_wait([this, owner = std::move(owner)](const std::error_code& ec) {
      if (ec) return;
      if (auto alive = owner.lock()) fire(owner);
    });
  }

  void fire(const std::weak_ptr<void>& owner) {
    armed_for_ = clock::time_point::max();
    const auto now = clock::now();
    while (!entries_.empty() && entries_.top().when <= now) {
      entry e = entries_.top();
      entries_.pop();
      if (auto client = e.client.lock()) client->on_deadline(e.event);
    }
    if (!entries_.empty() && entries_.top().when < armed_for_) arm(entries_.top().when, owner);
  }

  asio::steady_timer timer_;
  clock::time_point armed_for_ = clock::time_point::max();
  std::priority_queue<entry, std::vector<entry>, std::greater<>> entries_;
};

}  // namespace relayload::net::detail
