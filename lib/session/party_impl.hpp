// Private: the machinery the dApp and wallet clients share (the JS BaseClient): session,
// nonce state, the current transport and the ones still closing, the steps of the connect
// set-up, encryption, expiry, the life-cycle calls, and event delivery with the "owner may be
// destroyed inside a callback" rule.
#pragma once

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/result.hpp"
#include "relayload/session/party.hpp"
#include "relayload/wire/protocol_message.hpp"

namespace relayload::session {

namespace detail {

class party_core : public std::enable_shared_from_this<party_core> {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  party_core(session_context& ctx, std::string client_id, std::uint64_t seed);
  virtual ~party_core();
  party_core(const party_core&) = delete;
  party_core& operator=(const party_core&) = delete;

  // ---- the public API of party ----
  void send_message(std::string_view raw_payload, publish_handler done);
  void suspend(done_handler done);
  std::error_code resume(time_point intended);
  void disconnect(done_handler done);
  /// The owning object is gone: no event may run any more.
  void detach() noexcept;

  party_state state() const noexcept { return state_; }
  const session_info* session() const noexcept { return session_ ? &*session_ : nullptr; }
  const std::string& client_id() const noexcept { return client_id_; }
  transport_stats stats() const noexcept;
  const transport* current_transport() const noexcept { return transport_.get(); }
  const nonce_store& nonces() const noexcept { return nonces_; }
  bool detached() const noexcept { return detached_; }
  /// The shard's io_context (a reference fixed at construction: readable from any thread).
  asio::io_context& io_context() const noexcept { return ctx_.timers.context().io_context(); }
  const session_context& context() const noexcept { return ctx_; }

  party_callbacks callbacks_;

 protected:
  /// A transport event for the subclass to dispatch (its handshake and message rules).
  virtual void on_transport_message(const incoming_message& m) = 0;
  /// Called when the party fails or is disconnected: cancel the subclass's timers.
  virtual void on_stop() noexcept {}
  /// resume() subscribed to the session channel; the default becomes CONNECTED.
  virtual void on_resumed();

  /// A new transport (same clientId and nonce store) as transport_, its events wired here.
  void open_transport();
  /// Ends transport_ (kept alive until its socket has ended, then its counters are kept);
  /// `then` runs once it has ended.
  void close_transport(done_handler then);

  /// The set-up every connect and resume starts with: CONNECTING from `intended` over a new
  /// transport (open_transport()) that connects at once; connect_step() says what follows.
  template <class F>
  void start_connecting(time_point intended, F connected) {
    state_ = party_state::connecting;
    started_ = intended;
    open_transport();
    transport_->connect(intended, connect_step(party_stage::connect, std::move(connected)));
  }

  /// The completion handler of one step of the set-up (connect, subscribe, publish) on the
  /// current transport, for done_handler and publish_handler alike. Once the operation ends
  /// it does nothing unless the party still connects over that transport
  /// (connecting_over()); then an error fails the party at `stage`, and success runs
  /// `next()`. `next` runs only while a reference to the party is held, so it may use `this`.
  template <class F>
  auto connect_step(party_stage stage, F next) {
    return [weak = weak_from_this(), raw = transport_.get(), stage, next = std::move(next)](
               std::error_code ec, const auto&...) {
      const auto self = weak.lock();
      if (!self || !self->connecting_over(raw)) return;
      if (ec) {
        self->fail(stage, ec);
        return;
      }
      next();
    };
  }

  /// Whether the party is still CONNECTING over `raw`, the transport a step of the set-up
  /// started on: not detached, and that transport not replaced (closing) meanwhile.
  bool connecting_over(const transport* raw) const noexcept {
    return !detached_ && state_ == party_state::connecting && transport_.get() == raw;
  }

  /// The peer-encrypted payload of a protocol message's plaintext.
  result<std::string> encrypt_for_peer(std::string_view plaintext);
  /// Decrypts an envelope payload with our private key and parses the protocol message.
  result<wire::protocol_message> open_payload(std::string_view payload);
  /// open_payload() of a received payload; one that does not open is reported (not fatal).
  result<wire::protocol_message> open_or_report(std::string_view payload);
  /// open_or_report() of a payload received on the session channel, where an expired session
  /// fails the party instead (errc::session_expired).
  result<wire::protocol_message> open_session_payload(std::string_view payload);
  /// Whether the session's 30-day lifetime has passed (wall clock).
  bool session_expired() const;

  /// Fatal: state failed, on_error, then the transport closes (JS: disconnect() after a
  /// failed connect).
  void fail(party_stage stage, std::error_code ec);
  /// Not fatal: on_error only.
  void report(party_stage stage, std::error_code ec);
  /// CONNECTED: on_connected.
  void become_connected(bool resumed);
  /// Hands an application message to the app.
  void deliver(std::string_view payload, std::string_view sender, std::uint64_t nonce, delivery how,
               time_point received_at);
  /// A delivery helper for incoming_message sources.
  static delivery delivery_of(message_source s) noexcept;

  /// Runs `f` from the event loop unless the party is gone by then.
  template <class F>
  void post(F f) {
    std::weak_ptr<party_core> weak = weak_from_this();
    asio::post(ctx_.timers.context().io_context(), [weak, f = std::move(f)]() mutable {
      auto self = weak.lock();
      if (self && !self->detached_) f();
    });
  }
  void post_done(done_handler done, std::error_code ec) {
    if (!done) return;
    post([done = std::move(done), ec] { done(ec); });
  }

  session_context& ctx_;
  std::string client_id_;
  std::uint64_t seed_;
  party_state state_ = party_state::idle;
  std::optional<session_info> session_;
  nonce_store nonces_;
  std::unique_ptr<transport> transport_;
  time_point started_{};
  bool detached_ = false;

 private:
  std::vector<std::unique_ptr<transport>> closing_;
  transport_stats retired_;
  std::uint64_t transports_made_ = 0;
};

}  // namespace detail

}  // namespace relayload::session
