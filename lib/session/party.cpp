#include <algorithm>

#include "session/party_impl.hpp"

namespace relayload::session {

const char* to_string(party_state s) noexcept {
  switch (s) {
    case party_state::idle:
      return "idle";
    case party_state::connecting:
      return "connecting";
    case party_state::connected:
      return "connected";
    case party_state::offline:
      return "offline";
    case party_state::failed:
      return "failed";
    case party_state::disconnected:
      return "disconnected";
  }
  return "unknown";
}

const char* to_string(party_stage s) noexcept {
  switch (s) {
    case party_stage::validate:
      return "validate";
    case party_stage::connect:
      return "connect";
    case party_stage::subscribe:
      return "subscribe";
    case party_stage::offer:
      return "offer";
    case party_stage::otp:
      return "otp";
    case party_stage::ack:
      return "ack";
    case party_stage::session:
      return "session";
    case party_stage::send:
      return "send";
    case party_stage::receive:
      return "receive";
  }
  return "unknown";
}

const char* to_string(delivery d) noexcept {
  switch (d) {
    case delivery::live:
      return "live";
    case delivery::recovered:
      return "recovered";
    case delivery::history:
      return "history";
    case delivery::buffered:
      return "buffered";
    case delivery::initial:
      return "initial";
  }
  return "unknown";
}

unix_time session_options::wall_now() const {
  if (wall) return wall();
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::vector<std::string> session_options::validate() const {
  std::vector<std::string> problems;
  if (request_ttl.count() <= 0) problems.emplace_back("The session request TTL must be above 0.");
  if (handshake_grace.count() < 0)
    problems.emplace_back("The handshake grace must not be negative.");
  if (otp_ttl.count() <= 0) problems.emplace_back("The OTP TTL must be above 0.");
  if (session_ttl.count() <= 0) problems.emplace_back("The session TTL must be above 0.");
  if (max_otp_attempts == 0) problems.emplace_back("At least one OTP attempt must be allowed.");
  return problems;
}

// ---- detail::party_core --------------------------------------------------------------------------

detail::party_core::party_core(session_context& ctx, std::string client_id, std::uint64_t seed)
    : ctx_(ctx), client_id_(std::move(client_id)), seed_(seed) {
  if (client_id_.empty()) client_id_ = ctx_.ids.uuid_v4();
}

detail::party_core::~party_core() = default;

transport_stats detail::party_core::stats() const noexcept {
  transport_stats s = retired_;
  if (transport_) s += transport_->stats();
  for (const auto& t : closing_) s += t->stats();
  return s;
}

void detail::party_core::open_transport() {
  auto t = std::make_unique<transport>(ctx_.timers, nonces_, client_id_, ctx_.transport,
                                       seed_ + 0x9E3779B97F4A7C15ULL * transports_made_++);
  const transport* raw = t.get();
  std::weak_ptr<party_core> weak = weak_from_this();
  // Events of a transport that is no longer the current one (closing) are not news.
  auto current = [weak, raw]() -> std::shared_ptr<party_core> {
    auto self = weak.lock();
    if (!self || self->detached_ || self->transport_.get() != raw) return nullptr;
    return self;
  };
  auto& cb = t->callbacks();
  cb.on_message = [current](const incoming_message& m) {
    if (auto self = current()) self->on_transport_message(m);
  };
  cb.on_parse_failed = [current](std::string_view, std::error_code ec) {
    if (auto self = current()) self->report(party_stage::receive, ec);
  };
  cb.on_history_failed = [current](std::string_view, std::error_code ec) {
    if (auto self = current()) self->report(party_stage::receive, ec);
  };
  cb.on_connected = [current](const client::connected_info& info) {
    auto self = current();
    if (self && info.reconnect && self->callbacks_.on_link_restored) {
      self->callbacks_.on_link_restored(info);
    }
  };
  cb.on_connect_failed = [current](const connect_failure& f) {
    auto self = current();
    if (self && self->callbacks_.on_connect_failed) self->callbacks_.on_connect_failed(f);
  };
  cb.on_disconnected = [current](const client::disconnected_info& info) {
    auto self = current();
    if (self && self->callbacks_.on_link_lost) self->callbacks_.on_link_lost(info);
  };
  cb.on_stopped = [current](client::stop_reason, const client::client_error& cause) {
    auto self = current();
    if (!self) return;
    // The client gave up or was told to stop for good while we still needed it.
    const std::error_code ec = cause.error ? cause.error : make_error_code(errc::disconnected);
    if (self->state_ == party_state::connecting)
      self->fail(party_stage::connect, ec);
    else if (self->state_ == party_state::connected)
      self->fail(party_stage::session, ec);
  };
  transport_ = std::move(t);
}

void detail::party_core::close_transport(done_handler then) {
  if (!transport_) {
    post_done(std::move(then), {});
    return;
  }
  transport* raw = transport_.get();
  closing_.push_back(std::move(transport_));
  std::weak_ptr<party_core> weak = weak_from_this();
  raw->disconnect([weak, raw, then = std::move(then)](std::error_code ec) {
    auto self = weak.lock();
    if (!self || self->detached_) return;
    auto it = std::find_if(self->closing_.begin(), self->closing_.end(),
                           [raw](const std::unique_ptr<transport>& t) { return t.get() == raw; });
    if (it != self->closing_.end()) {
      self->retired_ += (*it)->stats();
      // Destroying a transport inside its own handler is allowed (transport.hpp).
      self->closing_.erase(it);
    }
    if (then) then(ec);
  });
}

result<std::string> detail::party_core::encrypt_for_peer(std::string_view plaintext) {
  if (!session_ || session_->their_public_key.empty()) return unexpected(errc::invalid_key);
  return ctx_.keys.encrypt(plaintext, session_->their_public_key);
}

result<wire::protocol_message> detail::party_core::open_payload(std::string_view payload) {
  if (!session_) return unexpected(errc::invalid_argument);
  auto plain = ctx_.keys.decrypt(payload, session_->keys.private_key);
  if (!plain) return unexpected(plain.error());
  return wire::decode_protocol_message(*plain);
}

result<wire::protocol_message> detail::party_core::open_or_report(std::string_view payload) {
  auto msg = open_payload(payload);
  if (!msg) report(party_stage::receive, msg.error());
  return msg;
}

result<wire::protocol_message> detail::party_core::open_session_payload(std::string_view payload) {
  if (session_expired()) {
    fail(party_stage::session, make_error_code(errc::session_expired));
    return unexpected(errc::session_expired);
  }
  return open_or_report(payload);
}

bool detail::party_core::session_expired() const {
  return session_ && ctx_.options->wall_now() > session_->expires_at;
}

void detail::party_core::fail(party_stage stage, std::error_code ec) {
  if (detached_ || state_ == party_state::failed || state_ == party_state::disconnected) return;
  const auto keep = shared_from_this();
  state_ = party_state::failed;
  on_stop();
  if (callbacks_.on_error) {
    callbacks_.on_error(party_error{ec, stage, true});
    if (detached_ || state_ != party_state::failed) return;
  }
  close_transport({});
}

void detail::party_core::report(party_stage stage, std::error_code ec) {
  if (detached_) return;
  if (callbacks_.on_error) callbacks_.on_error(party_error{ec, stage, false});
}

void detail::party_core::become_connected(bool resumed) {
  if (detached_) return;
  state_ = party_state::connected;
  party_connected_info info;
  info.started = started_;
  info.connected = ctx_.timers.now();
  info.resumed = resumed;
  if (callbacks_.on_connected) callbacks_.on_connected(info);
}

void detail::party_core::deliver(std::string_view payload, std::string_view sender, std::uint64_t nonce,
                          delivery how, time_point received_at) {
  if (detached_ || !callbacks_.on_message) return;
  received_message m;
  m.payload = payload;
  m.sender = sender;
  m.nonce = nonce;
  m.how = how;
  m.received_at = received_at;
  m.delivered_at = ctx_.timers.now();
  callbacks_.on_message(m);
}

delivery detail::party_core::delivery_of(message_source s) noexcept {
  switch (s) {
    case message_source::live:
      return delivery::live;
    case message_source::recovered:
      return delivery::recovered;
    case message_source::history:
      return delivery::history;
  }
  return delivery::live;
}

void detail::party_core::send_message(std::string_view raw_payload, publish_handler done) {
  if (detached_) return;
  auto fail_now = [this](publish_handler d, std::error_code ec) {
    if (!d) return;
    const time_point now = ctx_.timers.now();
    post([d = std::move(d), ec, now] {
      publish_info info;
      info.requested = now;
      info.done = now;
      d(ec, info);
    });
  };
  if (state_ != party_state::connected || !transport_ || !session_) {
    fail_now(std::move(done), make_error_code(errc::disconnected));
    return;
  }
  if (session_expired()) {
    // JS: an expired session disconnects and raises SESSION_EXPIRED (from the event loop).
    post([this] { fail(party_stage::session, make_error_code(errc::session_expired)); });
    fail_now(std::move(done), make_error_code(errc::session_expired));
    return;
  }
  std::string plain;
  wire::append_app_message(plain, raw_payload);
  auto payload = encrypt_for_peer(plain);
  if (!payload) {
    fail_now(std::move(done), payload.error());
    return;
  }
  transport_->publish(session_->channel, std::move(*payload), std::move(done));
}

void detail::party_core::suspend(done_handler done) {
  if (detached_) return;
  if (state_ != party_state::connected) {
    post_done(std::move(done), make_error_code(errc::invalid_argument));
    return;
  }
  state_ = party_state::offline;
  close_transport(std::move(done));
}

std::error_code detail::party_core::resume(time_point intended) {
  if (detached_) return make_error_code(errc::invalid_argument);
  if (state_ != party_state::offline || !session_ || session_->channel.empty()) {
    return make_error_code(errc::invalid_argument);
  }
  if (session_expired()) return make_error_code(errc::session_expired);
  if (auto ok = ctx_.keys.validate_peer_key(session_->their_public_key); !ok) return ok.error();
  start_connecting(intended, [this] {
    transport_->subscribe(session_->channel,
                          connect_step(party_stage::subscribe, [this] { on_resumed(); }));
  });
  return {};
}

void detail::party_core::on_resumed() { become_connected(true); }

void detail::party_core::disconnect(done_handler done) {
  if (detached_) return;
  if (state_ == party_state::disconnected) {
    post_done(std::move(done), {});
    return;
  }
  state_ = party_state::disconnected;
  on_stop();
  std::string channel = session_ ? session_->channel : std::string();
  session_.reset();
  std::weak_ptr<party_core> weak = weak_from_this();
  close_transport([weak, channel = std::move(channel), done = std::move(done)](std::error_code ec) {
    auto self = weak.lock();
    if (!self || self->detached_) return;
    if (!channel.empty()) self->nonces_.clear(channel);
    if (done) done(ec);
  });
}

void detail::party_core::detach() noexcept {
  if (detached_) return;
  detached_ = true;
  on_stop();
  // callbacks_ stay: one of them may be running right now; every event checks detached_.
  transport_.reset();
  closing_.clear();
}

// ---- party ----------------------------------------------------------------------------------

party::party(std::shared_ptr<impl> p) noexcept : impl_(std::move(p)) {}

party::~party() {
  if (impl_) impl_->detach();
}

party_callbacks& party::callbacks() noexcept { return impl_->callbacks_; }

void party::send_message(std::string_view raw_payload, publish_handler done) {
  const auto keep = impl_;
  impl_->send_message(raw_payload, std::move(done));
}
void party::suspend(done_handler done) {
  const auto keep = impl_;
  impl_->suspend(std::move(done));
}
std::error_code party::resume(clock::time_point intended) {
  const auto keep = impl_;
  return impl_->resume(intended);
}
void party::disconnect(done_handler done) {
  const auto keep = impl_;
  impl_->disconnect(std::move(done));
}
party_state party::state() const noexcept { return impl_->state(); }
const session_info* party::session() const noexcept { return impl_->session(); }
const std::string& party::client_id() const noexcept { return impl_->client_id(); }
transport_stats party::stats() const noexcept { return impl_->stats(); }
const transport* party::current_transport() const noexcept { return impl_->current_transport(); }
const nonce_store& party::nonces() const noexcept { return impl_->nonces(); }
const client::client_options& party::client_options() const noexcept {
  return *impl_->context().transport->client;
}

}  // namespace relayload::session
