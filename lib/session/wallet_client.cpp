#include "relayload/session/wallet_client.hpp"

#include "relayload/wire/protocol_message.hpp"
#include "session/party_impl.hpp"

namespace relayload::session {

namespace {

constexpr std::string_view session_prefix = "session:";

class wallet_impl final : public detail::party_core {
 public:
  wallet_impl(session_context& ctx, std::string client_id, std::uint64_t seed)
      : party_core(ctx, std::move(client_id), seed), ack_timer_(ctx.timers) {}

  std::error_code connect(const wire::session_request& request, time_point intended,
                          const wallet_connect_options& o) {
    if (detached_ || state_ != party_state::idle) return make_error_code(errc::invalid_argument);
    if (request.id.empty() || request.channel.empty()) {
      return make_error_code(errc::invalid_argument);
    }
    const auto& so = *ctx_.options;
    const unix_time wall = so.wall_now();
    if (wall > request.expires_at)
      return make_error_code(errc::session_expired);  // REQUEST_EXPIRED
    auto dapp_key = public_key_from_base64(request.public_key_b64);
    if (!dapp_key) return dapp_key.error();
    if (auto ok = ctx_.keys.validate_peer_key(*dapp_key); !ok) return ok.error();

    // The whole session exists before any I/O (trusted JS does this too; untrusted JS sets
    // it only after both subscribes, which can lose an early ack).
    session_info s;
    s.id = request.id;
    s.channel.assign(session_prefix);
    s.channel += o.channel_uuid.empty() ? ctx_.ids.uuid_v4() : o.channel_uuid;
    s.keys = ctx_.keys.generate_key_pair();
    s.their_public_key = std::move(*dapp_key);
    s.expires_at = wall + so.session_ttl;
    session_ = std::move(s);
    request_ = request;
    otp_override_ = o.otp;

    start_connecting(intended, [this] {
      // Both subscribes go out at once (§5.5: subscribe handshake#2, subscribe session#3,
      // then the two history fetches).
      subscribes_left_ = 2;
      auto on_sub = connect_step(party_stage::subscribe, [this] {
        if (--subscribes_left_ == 0) publish_offer();
      });
      transport_->subscribe(request_.channel, on_sub);
      transport_->subscribe(session_->channel, on_sub);
    });
    return {};
  }

  const std::string& otp() const noexcept { return otp_; }

 private:
  std::shared_ptr<wallet_impl> self() {
    return std::static_pointer_cast<wallet_impl>(shared_from_this());
  }

  void publish_offer() {
    wire::handshake_offer offer;
    offer.public_key_b64 = public_key_to_base64(session_->keys.public_key);
    // channelId is the session channel without its first "session:".
    offer.channel_id = session_->channel.substr(session_prefix.size());
    if (request_.mode == wire::session_mode::untrusted) {
      otp_ = otp_override_.empty() ? ctx_.ids.otp() : otp_override_;
      deadline_ = ctx_.options->wall_now() + ctx_.options->otp_ttl;
      offer.otp = otp_;
      offer.deadline = deadline_;
      if (callbacks_.on_display_otp) {
        const transport* raw = transport_.get();
        callbacks_.on_display_otp(otp_, deadline_);
        if (!connecting_over(raw)) return;
      }
      // Armed BEFORE the offer goes out: an ack that overtakes the publish reply is kept
      // (the JS wallet registers its listener only after the publish resolves, §6 Q3).
      awaiting_ack_ = true;
      std::weak_ptr<wallet_impl> weak = self();
      ack_timer_.arm_after(ctx_.options->otp_ttl, [weak] {
        auto me = weak.lock();
        if (me && me->state_ == party_state::connecting) {
          me->fail(party_stage::ack, make_error_code(errc::handshake_timeout));  // REQUEST_EXPIRED
        }
      });
    }
    std::string plain;
    wire::append_handshake_offer(plain, offer);
    auto payload = encrypt_for_peer(plain);
    if (!payload) {
      fail(party_stage::offer, payload.error());
      return;
    }
    const auto published = [this] {
      offer_published_ = true;
      // Trusted: CONNECTED at once, without waiting for the dApp.
      if (request_.mode == wire::session_mode::trusted || ack_received_) complete();
    };
    transport_->publish(request_.channel, std::move(*payload),
                        connect_step(party_stage::offer, published));
  }

  void on_transport_message(const incoming_message& m) override {
    if (!session_ || m.channel != session_->channel) return;  // the handshake channel: nothing
    auto msg = open_session_payload(m.payload);
    if (!msg) return;
    switch (msg->type) {
      case wire::protocol_message_type::handshake_ack:
        if (!awaiting_ack_ || ack_received_) return;  // nobody waits: ignored, as in JS
        ack_received_ = true;
        if (offer_published_ && state_ == party_state::connecting) complete();
        return;
      case wire::protocol_message_type::message:
        // Delivered in any state, as the JS wallet does.
        deliver(msg->payload, m.sender, m.nonce, delivery_of(m.source), m.received_at);
        return;
      default:
        return;
    }
  }

  void complete() {
    ack_timer_.cancel();
    awaiting_ack_ = false;
    transport_->clear(request_.channel);
    become_connected(false);
    if (detached_ || state_ != party_state::connected || request_.initial_message.empty()) return;
    // Delivered to the own app on the next tick, and only if it is a `message` (§6 Q13).
    std::weak_ptr<wallet_impl> weak = self();
    post([weak] {
      auto me = weak.lock();
      if (!me || me->state_ != party_state::connected) return;
      auto msg = wire::decode_protocol_message(me->request_.initial_message);
      if (!msg || msg->type != wire::protocol_message_type::message) return;
      me->deliver(msg->payload, "", 0, delivery::initial, me->ctx_.timers.now());
    });
  }

  void on_stop() noexcept override {
    ack_timer_.cancel();
    awaiting_ack_ = false;
  }

  wire::session_request request_;
  std::string otp_override_;
  std::string otp_;
  unix_time deadline_;
  timer ack_timer_;
  int subscribes_left_ = 0;
  bool awaiting_ack_ = false;
  bool ack_received_ = false;
  bool offer_published_ = false;
};

wallet_impl& as_wallet(detail::party_core& p) { return static_cast<wallet_impl&>(p); }

}  // namespace

wallet_client::wallet_client(session_context& context, std::string client_id, std::uint64_t seed)
    : party(std::make_shared<wallet_impl>(context, std::move(client_id), seed)) {}

std::error_code wallet_client::connect(const wire::session_request& request,
                                       clock::time_point intended,
                                       const wallet_connect_options& options) {
  const auto keep = impl_;
  return as_wallet(*impl_).connect(request, intended, options);
}

const std::string& wallet_client::otp() const noexcept { return as_wallet(*impl_).otp(); }

}  // namespace relayload::session
