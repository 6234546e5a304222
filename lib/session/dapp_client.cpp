#include "relayload/session/dapp_client.hpp"

#include <rapidjson/document.h>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "relayload/session/random.hpp"
#include "relayload/wire/json_string.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "session/party_impl.hpp"

namespace relayload::session {

namespace {

/// How many timed-out request ids are remembered to recognise (count and drop) their late
/// responses.
constexpr std::size_t max_remembered_timeouts = 1024;

/// The `id` member of a JSON object, read for correlation: `key` tells numbers from strings
/// ("n7", "s7"), `text` is the id as JSON text (`7`, `"7"`).
struct json_id {
  std::string key;
  std::string text;
};

/// The id of a parsed payload: nothing when it is not an object or has no `id`; `bad` when
/// the id is there but neither an integer nor a string.
std::optional<json_id> read_id(const rapidjson::Value& v, bool& bad) {
  bad = false;
  if (!v.IsObject()) return std::nullopt;
  const auto it = v.FindMember("id");
  if (it == v.MemberEnd()) return std::nullopt;
  const rapidjson::Value& id = it->value;
  json_id out;
  if (id.IsString()) {
    const std::string_view text(id.GetString(), id.GetStringLength());
    out.key.reserve(text.size() + 1);
    out.key.push_back('s');
    out.key.append(text);
    out.text = wire::to_json_string(text);
  } else if (id.IsUint64()) {
    out.text = std::to_string(id.GetUint64());
    out.key = "n" + out.text;
  } else if (id.IsInt64()) {
    out.text = std::to_string(id.GetInt64());
    out.key = "n" + out.text;
  } else {
    bad = true;
    return std::nullopt;
  }
  return out;
}

/// Parses JSON text from a peer or the caller; iterative, so that deep nesting cannot
/// exhaust the stack.
bool parse_json(rapidjson::Document& doc, std::string_view text) {
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  return !doc.HasParseError();
}

class dapp_impl final : public detail::party_core {
 public:
  dapp_impl(session_context& ctx, std::string client_id, std::uint64_t seed)
      : party_core(ctx, std::move(client_id), seed),
        offer_timer_(ctx.timers),
        request_timer_(ctx.timers) {}

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

  // ---- request(): JSON-RPC-style calls correlated by the payload's id ----------------------

  result<std::string> send_request(std::string_view payload, clock::duration timeout,
                                   response_handler done) {
    if (detached_ || !done || timeout <= clock::duration::zero())
      return unexpected(errc::invalid_argument);
    rapidjson::Document doc;
    if (!parse_json(doc, payload) || !doc.IsObject()) return unexpected(errc::invalid_argument);
    bool bad = false;
    std::optional<json_id> id = read_id(doc, bad);
    if (bad) return unexpected(errc::invalid_argument);
    std::string text;
    if (id) {
      if (pending_.count(id->key) != 0) return unexpected(errc::invalid_argument);
      text.assign(payload.data(), payload.size());
    } else {
      // Our own id, appended before the closing brace: the caller's bytes stay as they are.
      json_id own;
      do {
        own.text = std::to_string(next_auto_id_++);
        own.key = "n" + own.text;
      } while (pending_.count(own.key) != 0);
      const std::size_t close = payload.find_last_of('}');  // an object: it ends with '}'
      text.reserve(payload.size() + own.text.size() + 6);
      text.append(payload.data(), close);
      text.append(doc.MemberCount() == 0 ? "\"id\":" : ",\"id\":");
      text.append(own.text);
      text.append(payload.data() + close, payload.size() - close);
      id = std::move(own);
    }

    const time_point now = ctx_.timers.now();
    pending_request p;
    p.seq = ++request_seq_;
    p.id_text = id->text;
    p.done = std::move(done);
    p.requested = now;
    p.deadline = now + timeout;
    const std::uint64_t seq = p.seq;
    deadlines_.emplace(p.deadline, id->key);
    pending_.emplace(id->key, std::move(p));
    forget_timeout(id->key);  // a reused id: a response now answers the new request
    ++requests_.sent;
    arm_request_timer();

    std::weak_ptr<dapp_impl> weak = self();
    send_message(text, [weak, key = id->key, seq](std::error_code ec, const publish_info&) {
      auto me = weak.lock();
      if (!ec || !me || me->detached_) return;
      me->fail_request(key, seq, ec);
    });
    return std::move(id->text);
  }

  request_stats requests() const noexcept {
    request_stats s = requests_;
    s.pending = pending_.size();
    return s;
  }

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
      hand_over(msg->payload, m.sender, m.nonce, delivery_of(m.source), m.received_at);
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
      hand_over(h.payload, h.sender, h.nonce, delivery::buffered, h.received_at);
    }
  }

  void on_stop() noexcept override {
    offer_timer_.cancel();
    otp_asked_ = false;
    held_.clear();
    fail_all_requests();
  }

  struct pending_request {
    std::uint64_t seq = 0;  // tells a reused id's requests apart
    std::string id_text;
    response_handler done;
    time_point requested{};
    time_point deadline{};
  };

  /// An application message for the app: the response of a pending request goes to that
  /// request, a late one is counted and dropped, anything else to on_message.
  void hand_over(std::string_view payload, std::string_view sender, std::uint64_t nonce,
                 delivery how, time_point received_at) {
    if (!take_response(payload, sender, nonce, how))
      deliver(payload, sender, nonce, how, received_at);
  }

  bool take_response(std::string_view payload, std::string_view sender, std::uint64_t nonce,
                     delivery how) {
    if (pending_.empty() && timed_out_.empty()) return false;  // nothing to correlate
    rapidjson::Document doc;
    if (!parse_json(doc, payload)) return false;
    bool bad = false;
    const std::optional<json_id> id = read_id(doc, bad);
    if (!id) return false;
    const auto it = pending_.find(id->key);
    if (it == pending_.end()) {
      if (!forget_timeout(id->key)) return false;
      ++requests_.late;
      return true;
    }
    pending_request p = std::move(it->second);
    pending_.erase(it);
    deadlines_.erase({p.deadline, id->key});
    ++requests_.answered;
    const auto keep = self();
    request_outcome r;
    r.id = p.id_text;
    r.payload = payload;
    r.sender = sender;
    r.nonce = nonce;
    r.how = how;
    r.requested = p.requested;
    r.done = ctx_.timers.now();
    p.done(std::error_code(), r);
    if (!detached_) arm_request_timer();
    return true;
  }

  /// The publish of request `key` (generation `seq`) failed.
  void fail_request(const std::string& key, std::uint64_t seq, std::error_code ec) {
    const auto it = pending_.find(key);
    if (it == pending_.end() || it->second.seq != seq) return;  // answered or timed out
    pending_request p = std::move(it->second);
    pending_.erase(it);
    deadlines_.erase({p.deadline, key});
    ++requests_.failed;
    const auto keep = self();
    complete_with_error(p, ec);
    if (!detached_) arm_request_timer();
  }

  void complete_with_error(pending_request& p, std::error_code ec) {
    request_outcome r;
    r.id = p.id_text;
    r.requested = p.requested;
    r.done = ctx_.timers.now();
    p.done(ec, r);
  }

  /// The one timer of this client's requests, at the earliest deadline.
  void arm_request_timer() {
    if (deadlines_.empty()) {
      request_timer_.cancel();
      timer_at_.reset();
      return;
    }
    const time_point first = deadlines_.begin()->first;
    if (timer_at_ == first && request_timer_.armed()) return;
    timer_at_ = first;
    std::weak_ptr<dapp_impl> weak = self();
    request_timer_.arm_at(first, [weak] {
      if (auto me = weak.lock(); me && !me->detached_) me->expire_requests();
    });
  }

  void expire_requests() {
    const auto keep = self();
    timer_at_.reset();
    const time_point now = ctx_.timers.now();
    // One at a time: a handler may send, disconnect or destroy the client.
    while (!detached_ && !deadlines_.empty() && deadlines_.begin()->first <= now) {
      const std::string key = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      const auto it = pending_.find(key);
      if (it == pending_.end()) continue;
      pending_request p = std::move(it->second);
      pending_.erase(it);
      ++requests_.timed_out;
      remember_timeout(key, p.seq);
      complete_with_error(p, make_error_code(errc::reply_timeout));
    }
    if (!detached_) arm_request_timer();
  }

  void remember_timeout(const std::string& key, std::uint64_t seq) {
    timed_out_[key] = seq;
    timeout_order_.emplace_back(key, seq);
    while (timeout_order_.size() > max_remembered_timeouts) {
      const auto& [old_key, old_seq] = timeout_order_.front();
      const auto it = timed_out_.find(old_key);
      if (it != timed_out_.end() && it->second == old_seq) timed_out_.erase(it);
      timeout_order_.pop_front();
    }
  }

  /// Forgets a timed-out id; whether it was remembered.
  bool forget_timeout(const std::string& key) { return timed_out_.erase(key) != 0; }

  /// The session ended (disconnect(), a fatal error) or the client is being destroyed: every
  /// waiting request fails with errc::disconnected, from the event loop (dropped uncalled
  /// when the client is gone by then).
  void fail_all_requests() noexcept {
    request_timer_.cancel();
    timer_at_.reset();
    deadlines_.clear();
    if (pending_.empty()) return;
    auto failed = std::make_shared<std::vector<pending_request>>();
    failed->reserve(pending_.size());
    for (auto& [key, p] : pending_) failed->push_back(std::move(p));
    pending_.clear();
    requests_.failed += failed->size();
    if (detached_) return;
    std::weak_ptr<dapp_impl> weak = self();
    post([weak, failed] {
      for (auto& p : *failed) {
        auto me = weak.lock();
        if (!me || me->detached_) return;
        me->complete_with_error(p, make_error_code(errc::disconnected));
      }
    });
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

  // request(): waiting requests by id key, their deadlines (one timer at the earliest), and
  // the ids that timed out, to count their late responses.
  std::map<std::string, pending_request> pending_;
  std::set<std::pair<time_point, std::string>> deadlines_;
  timer request_timer_;
  std::optional<time_point> timer_at_;
  std::unordered_map<std::string, std::uint64_t> timed_out_;
  std::deque<std::pair<std::string, std::uint64_t>> timeout_order_;
  std::uint64_t request_seq_ = 0;
  std::uint64_t next_auto_id_ = 1;
  request_stats requests_;
};

dapp_impl& as_dapp(detail::party_core& p) { return static_cast<dapp_impl&>(p); }

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
  std::weak_ptr<detail::party_core> weak = impl_;
  asio::io_context& io = impl_->io_context();
  asio::post(io, [weak, code = std::move(code), done = std::move(done)] {
    const auto p = weak.lock();
    const std::error_code ec =
        p && !p->detached() ? as_dapp(*p).submit_otp(code) : make_error_code(errc::cancelled);
    if (done) done(ec);
  });
}

void dapp_client::cancel_otp() {
  const auto keep = impl_;
  as_dapp(*impl_).cancel_otp();
}

result<std::string> dapp_client::request(std::string_view payload, clock::duration timeout,
                                         response_handler done) {
  const auto keep = impl_;
  return as_dapp(*impl_).send_request(payload, timeout, std::move(done));
}

request_stats dapp_client::requests() const noexcept { return as_dapp(*impl_).requests(); }

std::uint64_t dapp_client::buffer_overflows() const noexcept { return as_dapp(*impl_).overflows(); }

const wire::session_request& dapp_client::request() const noexcept {
  return as_dapp(*impl_).request();
}

}  // namespace relayload::session
