#include "relayload/session/dapp_client.hpp"

#include <optional>
#include <vector>

#include "relayload/session/random.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "session/party_impl.hpp"

namespace relayload::session {

namespace {

class dapp_impl final : public party::impl {
 public:
  dapp_impl(session_context& ctx, std::string client_id, std::uint64_t seed)
      : impl(ctx, std::move(client_id), seed), offer_timer_(ctx.timers) {}

  result<wire::session_request> connect(const dapp_connect_options& o, time_point intended) {
    if (detached_ || state_ != party_state::idle) return unexpected(errc::invalid_argument);
    std::string initial;
    if (!o.initial_payload.empty()) {
      wire::append_app_message(initial, o.initial_payload);
      // The payload goes into the SessionRequest verbatim: it must be JSON.
      if (!wire::decode_protocol_message(initial)) return unexpected(errc::invalid_argument);
    }
    std::string id = o.session_id.empty() ? ctx_.ids.uuid_v4() : o.session_id;
    const auto& so = *ctx_.options;
    const unix_time wall = so.wall_now();
    key_pair keys = ctx_.keys.generate_key_pair();

    request_ = wire::session_request{};
    request_.id = id;
    request_.mode = o.mode;
    request_.channel = "handshake:" + id;
    request_.public_key_b64 = public_key_to_base64(keys.public_key);
    request_.expires_at = wall + so.request_ttl;
    request_.initial_message = std::move(initial);

    // The pending session: its channel and the wallet's key come with the offer.
    session_info s;
    s.id = std::move(id);
    s.keys = std::move(keys);
    s.expires_at = wall + so.session_ttl;
    session_ = std::move(s);

    const unix_time offer_deadline =
        request_.expires_at +
        (o.mode == wire::session_mode::trusted ? so.handshake_grace : std::chrono::milliseconds(0));
    std::weak_ptr<dapp_impl> weak = self();
    offer_timer_.arm_after(offer_deadline - wall, [weak] {
      auto me = weak.lock();
      if (me && me->state_ == party_state::connecting && !me->offer_taken_) {
        me->fail(party_stage::offer, make_error_code(errc::handshake_timeout));
      }
    });

    // The offer comes as a publication on the handshake channel (on_transport_message).
    start_connecting(intended, [this] {
      transport_->subscribe(request_.channel, connect_step(party_stage::subscribe, [] {}));
    });
    return request_;
  }

  std::error_code submit_otp(std::string_view code) {
    if (detached_ || state_ != party_state::connecting || !otp_asked_ || !pending_offer_) {
      return make_error_code(errc::invalid_argument);
    }
    otp_asked_ = false;
    const auto& so = *ctx_.options;
    std::weak_ptr<dapp_impl> weak = self();
    if (so.check_otp_deadline_on_submit && pending_offer_->deadline &&
        so.wall_now() > *pending_offer_->deadline) {
      post([weak] {
        if (auto me = weak.lock())
          me->fail(party_stage::otp, make_error_code(errc::handshake_timeout));
      });
      return {};
    }
    if (constant_time_equal(code, pending_offer_->otp.value_or(std::string()))) {
      post([weak] {
        auto me = weak.lock();
        if (me && me->state_ == party_state::connecting && me->pending_offer_) me->finalize();
      });
      return {};
    }
    ++otp_failures_;
    if (otp_failures_ >= so.max_otp_attempts) {
      post([weak] {
        if (auto me = weak.lock()) me->fail(party_stage::otp, make_error_code(errc::otp_mismatch));
      });
      return {};
    }
    post([weak] {
      auto me = weak.lock();
      if (!me || me->state_ != party_state::connecting) return;
      me->report(party_stage::otp, make_error_code(errc::otp_mismatch));
      if (me->detached_ || me->state_ != party_state::connecting) return;
      me->ask_otp();
    });
    return {};
  }

  void cancel_otp() {
    if (detached_ || state_ != party_state::connecting || !otp_asked_) return;
    otp_asked_ = false;
    std::weak_ptr<dapp_impl> weak = self();
    post([weak] {
      if (auto me = weak.lock()) me->fail(party_stage::otp, make_error_code(errc::cancelled));
    });
  }

  std::uint64_t overflows() const noexcept { return overflows_; }
  const wire::session_request& request() const noexcept { return request_; }

 private:
  struct held {
    std::string payload;
    std::string sender;
    std::uint64_t nonce = 0;
    time_point received_at{};
  };

  std::shared_ptr<dapp_impl> self() {
    return std::static_pointer_cast<dapp_impl>(shared_from_this());
  }

  void on_transport_message(const incoming_message& m) override {
    if (m.channel == request_.channel) {
      // The handshake channel: only an offer, only while waiting for one (first one wins).
      if (state_ != party_state::connecting || offer_taken_) return;
      auto msg = open_or_report(m.payload);
      if (!msg) return;
      if (msg->type == wire::protocol_message_type::handshake_offer) take_offer(msg->offer);
      return;
    }
    if (!session_ || session_->channel.empty() || m.channel != session_->channel) return;
    auto msg = open_session_payload(m.payload);
    if (!msg) return;
    if (msg->type != wire::protocol_message_type::message) return;
    if (state_ == party_state::connected) {
      deliver(msg->payload, m.sender, m.nonce, delivery_of(m.source), m.received_at);
    } else if (state_ == party_state::connecting) {
      // JS drops it for good (its nonce is already consumed); hold it instead (§6 Q6).
      if (held_.size() >= ctx_.options->max_buffered_messages) {
        ++overflows_;
        return;
      }
      held_.push_back(held{std::move(msg->payload), std::string(m.sender), m.nonce, m.received_at});
    }
  }

  void take_offer(const wire::handshake_offer& offer) {
    offer_taken_ = true;
    offer_timer_.cancel();
    auto key = public_key_from_base64(offer.public_key_b64);
    if (!key) {
      fail(party_stage::offer, key.error());
      return;
    }
    if (auto ok = ctx_.keys.validate_peer_key(*key); !ok) {
      fail(party_stage::offer, ok.error());
      return;
    }
    wallet_key_ = std::move(*key);
    pending_offer_ = offer;
    if (request_.mode == wire::session_mode::trusted) {
      finalize();
      return;
    }
    if (!offer.otp || !offer.deadline) {
      fail(party_stage::offer, make_error_code(errc::missing_field));
      return;
    }
    if (ctx_.options->wall_now() > *offer.deadline) {
      fail(party_stage::otp, make_error_code(errc::handshake_timeout));  // OTP_ENTRY_TIMEOUT
      return;
    }
    ask_otp();
  }

  void ask_otp() {
    otp_asked_ = true;
    if (!callbacks_.on_otp_required) return;
    otp_request r;
    r.deadline = pending_offer_->deadline.value_or(unix_time{});
    const std::uint32_t max = ctx_.options->max_otp_attempts;
    r.attempts_left = max > otp_failures_ ? max - otp_failures_ : 0;
    callbacks_.on_otp_required(r);
  }

  // The final session: subscribe to the session channel, then (untrusted) the ack.
  void finalize() {
    otp_asked_ = false;
    session_->channel = "session:" + pending_offer_->channel_id;
    session_->their_public_key = wallet_key_;
    const auto subscribed = [this] {
      if (request_.mode == wire::session_mode::trusted) {
        complete();  // no ack in trusted mode
      } else {
        send_ack();
      }
    };
    transport_->subscribe(session_->channel, connect_step(party_stage::subscribe, subscribed));
  }

  void send_ack() {
    std::string plain;
    wire::append_handshake_ack(plain);
    auto payload = encrypt_for_peer(plain);
    if (!payload) {
      fail(party_stage::ack, payload.error());
      return;
    }
    transport_->publish(session_->channel, std::move(*payload),
                        connect_step(party_stage::ack, [this] { complete(); }));
  }

  void complete() {
    transport_->clear(request_.channel);
    become_connected(false);
    flush();
  }

  void on_resumed() override {
    become_connected(true);
    flush();
  }

  void flush() {
    std::vector<held> pending;
    pending.swap(held_);
    for (auto& h : pending) {
      if (detached_ || state_ != party_state::connected) return;
      deliver(h.payload, h.sender, h.nonce, delivery::buffered, h.received_at);
    }
  }

  void on_stop() noexcept override {
    offer_timer_.cancel();
    otp_asked_ = false;
    held_.clear();
  }

  wire::session_request request_;
  timer offer_timer_;
  bool offer_taken_ = false;
  bool otp_asked_ = false;
  std::uint32_t otp_failures_ = 0;
  std::optional<wire::handshake_offer> pending_offer_;
  bytes wallet_key_;
  std::vector<held> held_;
  std::uint64_t overflows_ = 0;
};

dapp_impl& as_dapp(party::impl& p) { return static_cast<dapp_impl&>(p); }

}  // namespace

dapp_client::dapp_client(session_context& context, std::string client_id, std::uint64_t seed)
    : party(std::make_shared<dapp_impl>(context, std::move(client_id), seed)) {}

result<wire::session_request> dapp_client::connect(const dapp_connect_options& options,
                                                   clock::time_point intended) {
  const auto keep = impl_;
  return as_dapp(*impl_).connect(options, intended);
}

std::error_code dapp_client::submit_otp(std::string_view code) {
  const auto keep = impl_;
  return as_dapp(*impl_).submit_otp(code);
}

void dapp_client::post_submit_otp(std::string code, otp_handler done) {
  // impl_ is set once at construction, so reading it here races with nothing but the
  // destructor (excluded by contract). The posted call holds the impl weakly: once the
  // dapp_client is gone, the impl is detached or freed and the code is not submitted.
  std::weak_ptr<party::impl> weak = impl_;
  asio::io_context& io = impl_->io_context();
  asio::post(io, [weak, code = std::move(code), done = std::move(done)] {
    const auto p = weak.lock();
    const std::error_code ec = p && !p->detached() ? as_dapp(*p).submit_otp(code)
                                                   : make_error_code(errc::cancelled);
    if (done) done(ec);
  });
}

void dapp_client::cancel_otp() {
  const auto keep = impl_;
  as_dapp(*impl_).cancel_otp();
}

std::uint64_t dapp_client::buffer_overflows() const noexcept { return as_dapp(*impl_).overflows(); }

const wire::session_request& dapp_client::request() const noexcept {
  return as_dapp(*impl_).request();
}

}  // namespace relayload::session
