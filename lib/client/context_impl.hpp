// Private: the shared state behind client_context — the deadline heap with its one timer,
// decoders, the encode buffer and the transport factory.
#pragma once

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relayload/client/client_context.hpp"
#include "relayload/client/transport.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/wire/reply_decoder.hpp"

namespace relayload::client {

/// Something that registers deadlines with the context (a client, a pool).
class timer_target {
 public:
  /// One of the target's deadlines (maybe a stale one) is due; `now` is the context's time.
  virtual void on_deadline(std::chrono::steady_clock::time_point now) = 0;

 protected:
  ~timer_target() = default;
};

/// Min-heap of (time, slot, generation). A target owns a slot; unregistering bumps the
/// slot's generation so its remaining heap entries become stale and are skipped. A target
/// keeps at most a few entries: it computes its earliest own deadline and registers only
/// when that is earlier than what it already has pending (watchdogs that only move later
/// never touch the heap).
class timer_queue {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  std::uint32_t add_target(timer_target* t) {
    if (!free_.empty()) {
      const std::uint32_t s = free_.back();
      free_.pop_back();
      slots_[s].target = t;
      return s;
    }
    slots_.push_back({t, 0});
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }

  void remove_target(std::uint32_t id) {
    slots_[id].target = nullptr;
    ++slots_[id].generation;
    free_.push_back(id);
  }

  void schedule(std::uint32_t id, time_point at) {
    heap_.push_back({at, id, slots_[id].generation});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  std::optional<time_point> next() const noexcept {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }

  std::size_t size() const noexcept { return heap_.size(); }

  /// Pops one entry due at `now` whose target is alive; nullptr when none is due.
  timer_target* pop_due(time_point now) {
    while (!heap_.empty() && heap_.front().at <= now) {
      const entry e = heap_.front();
      std::pop_heap(heap_.begin(), heap_.end(), later);
      heap_.pop_back();
      const slot& s = slots_[e.slot];
      if (s.generation == e.generation && s.target != nullptr) return s.target;
    }
    return nullptr;
  }

 private:
  struct entry {
    time_point at;
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct slot {
    timer_target* target;
    std::uint32_t generation;
  };
  static bool later(const entry& a, const entry& b) noexcept { return a.at > b.at; }

  std::vector<entry> heap_;
  std::vector<slot> slots_;
  std::vector<std::uint32_t> free_;
};

class client_context::impl : public std::enable_shared_from_this<client_context::impl> {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  impl(asio::io_context& io, client_context_options options);

  asio::io_context& io() const noexcept { return io_; }
  const client_context_options& options() const noexcept { return options_; }
  time_point now() const noexcept { return options_.clock ? options_.clock() : clock::now(); }

  std::uint32_t add_target(timer_target* t) { return timers_.add_target(t); }
  void remove_target(std::uint32_t slot) { timers_.remove_target(slot); }
  /// Registers a wake-up of `slot` at `at` and re-arms the real timer when it is earlier.
  void schedule(std::uint32_t slot, time_point at);
  std::size_t run_due();
  std::optional<time_point> next_deadline() const noexcept { return timers_.next(); }
  std::size_t pending() const noexcept { return timers_.size(); }

  std::unique_ptr<transport> make_transport();

  /// A decoder for one frame; nested use (a callback that makes another client decode,
  /// e.g. with a synchronous fake transport) gets a second decoder instead of clobbering
  /// the views the outer frame is still iterating over.
  class decoder_lease {
   public:
    decoder_lease(impl& owner, wire::reply_decoder* d, std::size_t depth) noexcept
        : owner_(&owner), decoder_(d), depth_(depth) {}
    decoder_lease(const decoder_lease&) = delete;
    decoder_lease& operator=(const decoder_lease&) = delete;
    ~decoder_lease() { owner_->decoder_depth_ = depth_; }
    wire::reply_decoder& operator*() const noexcept { return *decoder_; }
    wire::reply_decoder* operator->() const noexcept { return decoder_; }

   private:
    impl* owner_;
    wire::reply_decoder* decoder_;
    std::size_t depth_;
  };
  decoder_lease lease_decoder();

  /// The shared encode buffer, cleared. Encode and send without calling out in between.
  std::string& scratch() noexcept {
    scratch_.clear();
    return scratch_;
  }

 private:
  void arm(time_point at);

  asio::io_context& io_;
  client_context_options options_;
  std::unique_ptr<net::ws_client_context> ws_;  // made on first use (tests never need it)
  std::unique_ptr<net::lean_ws_client_context> lean_;  // likewise, for transport_kind::lean
  std::uint64_t traced_connections_ = 0;        // numbers traced transports from 1
  timer_queue timers_;
  asio::steady_timer timer_;
  std::optional<time_point> armed_at_;
  std::uint64_t arm_generation_ = 0;
  std::vector<std::unique_ptr<wire::reply_decoder>> decoders_;
  std::size_t decoder_depth_ = 0;
  std::string scratch_;
};

}  // namespace relayload::client
