#include "relayload/client/probe.hpp"

#include <openssl/x509_vfy.h>

#include <algorithm>
#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <utility>

#include "relayload/client/centrifuge_client.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/client/reconnect_decision.hpp"
#include "relayload/wire/protocol_codes.hpp"
#include "lean_transport_impl.hpp"
#include "ws_transport_impl.hpp"

namespace relayload::client {

namespace {

using std::chrono::milliseconds;
using clock = std::chrono::steady_clock;

// "0.25 s", "2 s", "12.5 s".
std::string seconds_text(milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms.count()) / 1e3);
  return buf;
}

std::string host_port(const net::ws_url& url) {
  const bool v6 = url.host.find(':') != std::string::npos;
  return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

bool is_dns_error(const std::error_code& ec) noexcept {
  return ec.category() == asio::error::get_netdb_category() ||
         ec.category() == asio::error::get_addrinfo_category();
}

bool is_errno(const std::error_code& ec, int value) noexcept {
  const auto& cat = ec.category();
  return ec.value() == value && (cat == std::system_category() || cat == std::generic_category() ||
                                 cat == asio::error::get_system_category());
}

// Where an attempt was when it ended, as a phrase ("during the TLS handshake").
std::string phase_phrase(const net::close_info* t) {
  if (t == nullptr) return "while connecting";
  switch (t->phase) {
    case net::close_phase::resolve:
      return "while resolving the host name";
    case net::close_phase::tcp_connect:
      return "during the TCP connect";
    case net::close_phase::tls_handshake:
      return "during the TLS handshake";
    case net::close_phase::ws_upgrade:
      return "during the WebSocket upgrade";
    case net::close_phase::open:
      return "before the connect reply";
  }
  return "while connecting";
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string http_hint(int status) {
  if (status == 404)
    return "wrong path? Centrifugo serves WebSocket clients on /connection/websocket";
  if (status == 401 || status == 403) {
    return "the relay or a proxy in front of it refused this client: check the Origin and the "
           "authentication it requires";
  }
  if (status == 408 || status == 429) return "the relay is busy or rate-limiting: try again later";
  if (status >= 500) return "the relay or a proxy in front of it failed: see its logs";
  if (status >= 400) return "the server does not accept this WebSocket upgrade: is the URL right?";
  return {};
}

std::string close_hint(std::uint16_t code) {
  switch (code) {
    case 3500:
      return "the relay refused the token: check --token, or --token-hmac-secret against the "
             "relay's token secret";
    case 3501:
      return "the relay could not accept this connect; if it requires a connection token, "
             "give --token or --token-hmac-secret";
    case 3504:
      return "the relay's connection limit is reached";
    case 3507:
      return "the relay denies this user: check the token's claims (--user)";
    default:
      return {};
  }
}

std::string reply_hint(std::uint32_t code) {
  switch (code) {
    case 101:
      return "the relay requires a valid connection token: give --token or --token-hmac-secret";
    case 109:
      return "the token has expired: give a fresh --token, or --token-hmac-secret to make fresh "
             "ones";
    case 100:
    case 111:
      return "the relay is failing or rate-limiting: try again later";
    default:
      return {};
  }
}

bool decide_permanent(const probe_failure& f) noexcept {
  const client_error& e = f.error;
  if (e.server_code != 0 && e.error == make_error_code(errc::server_error)) {
    if (e.server_code == 109 && f.fixed_token) return true;  // the same token expires again
    return on_connect_error(e.server_code, e.temporary) == reconnect_decision::stop;
  }
  if (e.close_code != 0) return on_close_code(e.close_code) == reconnect_decision::stop;
  if (e.error == make_error_code(errc::invalid_argument)) return true;
  if (f.transport) return on_attempt_failure(*f.transport) == reconnect_decision::stop;
  return false;
}

}  // namespace

std::vector<std::string> probe_options::validate() const {
  std::vector<std::string> problems = client.validate();
  for (auto& p : ws.validate()) problems.push_back(std::move(p));
  if (total_timeout.count() <= 0)
    problems.emplace_back("The probe's total timeout must be above 0.");
  if (max_attempts == 0) problems.emplace_back("The probe needs at least 1 attempt.");
  if (retry_delay.count() < 0)
    problems.emplace_back("The probe's retry delay must not be negative.");
  if (close_grace.count() < 0)
    problems.emplace_back("The probe's close grace must not be negative.");
  return problems;
}

probe_result diagnose(const net::ws_url& url, const probe_failure& f) {
  probe_result r;
  const client_error& e = f.error;
  r.error = e.error;
  r.cause = e.cause();
  r.cls = e.condition_of();
  r.permanent = decide_permanent(f);
  r.attempts = f.attempts;
  r.elapsed = f.elapsed;

  const std::string hp = host_port(url);
  const net::close_info* t = f.transport ? &*f.transport : nullptr;
  const std::string phase = phase_phrase(t);
  const std::error_code& ec = e.error;
  std::string& d = r.diagnosis;

  if (e.server_code != 0 && ec == make_error_code(errc::server_error)) {
    const auto info = wire::make_error(static_cast<wire::reply_error_code>(e.server_code));
    d = "relay refused the connect: error " + std::to_string(e.server_code) + " " +
        quoted(info.message);
    r.hint = reply_hint(e.server_code);
  } else if (e.close_code != 0) {
    std::string name = wire::disconnect_reason(static_cast<wire::disconnect_code>(e.close_code));
    if (name.empty() && t != nullptr) name = t->remote_reason;
    d = "relay closed the connection at connect: " + std::to_string(e.close_code) +
        (name.empty() ? "" : " " + quoted(name));
    r.hint = close_hint(e.close_code);
  } else if (ec == make_error_code(errc::certificate_rejected)) {
    const std::string reason = t != nullptr && !t->tls_verify_reason.empty()
                                   ? t->tls_verify_reason
                                   : std::string("verification failed");
    d = "TLS certificate of " + hp + " rejected: " + reason;
    const long v = t != nullptr ? t->tls_verify_result : 0;
    if (v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      r.hint =
          "the certificate is for another name: connect by a name it lists, or skip "
          "verification with --insecure (test relays only)";
    } else if (v == X509_V_ERR_CERT_NOT_YET_VALID || v == X509_V_ERR_CERT_HAS_EXPIRED) {
      r.hint =
          "renew the relay's certificate (or check this machine's clock), or skip "
          "verification with --insecure (test relays only)";
    } else {
      r.hint =
          "trust the relay's CA or certificate with --ca-file=FILE (PEM), or skip "
          "verification with --insecure (test relays only)";
    }
  } else if (ec == make_error_code(errc::tls_handshake_failed)) {
    d = "TLS handshake with " + hp + " failed" +
        (t != nullptr && t->detail ? ": " + t->detail.message() : std::string());
    r.hint = "is " + hp + " a TLS port? use ws:// for a plain one";
  } else if (ec == make_error_code(errc::handshake_rejected)) {
    d = "WebSocket upgrade of " + url.to_string() + " refused";
    if (t != nullptr && t->http_status != 0) {
      d += ": HTTP " + std::to_string(t->http_status);
      if (!t->http_reason.empty()) d += " " + t->http_reason;
      r.hint = http_hint(t->http_status);
    } else if (t != nullptr && t->detail) {
      d += ": " + t->detail.message();
    }
  } else if (is_dns_error(ec)) {
    d = "cannot resolve " + url.host + ": " + ec.message();
    r.hint = "check the host name in --target";
  } else if (is_errno(ec, ECONNREFUSED)) {
    d = "connection refused by " + hp;
    r.hint = "is the relay running and listening on port " + std::to_string(url.port) + "?";
  } else if (ec == make_error_code(errc::connect_timeout)) {
    d = "connecting to " + hp + " timed out " + phase;
    r.hint = "a wrong address, a firewall or an overloaded relay? --connect-timeout sets the limit";
  } else if (ec == asio::error::eof || is_errno(ec, ECONNRESET)) {
    d = hp + (ec == asio::error::eof ? " closed" : " reset") + " the connection " + phase;
  } else if (ec == make_error_code(errc::reply_timeout)) {
    d = hp + " opened the WebSocket but sent no reply to the connect command";
    r.hint = "is " + url.to_string() + " a Centrifugo client endpoint?";
  } else if (ec == make_error_code(errc::invalid_argument)) {
    d = "cannot connect to " + url.to_string() + ": " + ec.message() +
        (t != nullptr && t->detail && t->detail != ec ? " (" + t->detail.message() + ")" : "");
  } else if (r.cls == condition::protocol_violation) {
    d = hp + " answered the connect with something that is not Centrifugo's protocol (" + r.cause +
        ")";
    r.hint = "is " + url.to_string() + " a Centrifugo client endpoint?";
  } else {
    d = "connecting to " + hp + " failed " + phase + ": " + ec.message() + " (" + r.cause + ")";
  }
  if (!r.permanent) {
    // A transient cause: say what was tried, so nobody reads it as a verdict for all time.
    d += " (" + std::to_string(f.attempts) + (f.attempts == 1 ? " attempt" : " attempts") + " in " +
         seconds_text(f.elapsed) + ")";
  }
  return r;
}

namespace {

/// What the probe's transport saw of the attempt under way.
struct attempt_watch {
  clock::time_point deadline;
  std::uint32_t attempts = 0;                 // WebSocket attempts started
  std::optional<net::close_info> last_close;  // the end of the current attempt, once known
  bool open = false;                          // the current attempt's WebSocket is open
};

/// The load's WebSocket transport under the probe's client, recording how each attempt
/// ended (the client keeps only the cause) and keeping every attempt inside the probe's
/// deadline.
class watched_transport final : public transport, private transport_handler {
 public:
  watched_transport(std::unique_ptr<transport> inner, attempt_watch& watch)
      : inner_(std::move(inner)), watch_(watch) {
    inner_->set_handler(this);
  }

  void set_handler(transport_handler* handler) noexcept override { handler_ = handler; }
  std::error_code connect(const net::ws_url& url, const net::ws_connect_options& options) override {
    watch_.last_close.reset();
    watch_.open = false;
    net::ws_connect_options o = options;
    const auto left = std::chrono::duration_cast<milliseconds>(watch_.deadline - clock::now());
    o.connect_timeout = std::clamp(left, milliseconds(1), o.connect_timeout);
    const std::error_code ec = inner_->connect(url, o);
    if (!ec) ++watch_.attempts;
    return ec;
  }
  std::error_code send(std::string_view text) noexcept override { return inner_->send(text); }
  std::error_code close() noexcept override { return inner_->close(); }
  std::error_code abort() noexcept override { return inner_->abort(); }
  net::ws_client_state state() const noexcept override { return inner_->state(); }

 private:
  // The handler may destroy this transport: record first, forward last.
  void on_transport_open(const net::connect_timings& timings) override {
    watch_.open = true;
    if (handler_ != nullptr) handler_->on_transport_open(timings);
  }
  void on_transport_message(std::string_view text) override {
    if (handler_ != nullptr) handler_->on_transport_message(text);
  }
  void on_transport_validated_message(std::string_view text) override {
    if (handler_ != nullptr) handler_->on_transport_validated_message(text);
  }
  void on_transport_close(const net::close_info& info) override {
    watch_.open = false;
    watch_.last_close = info;
    if (handler_ != nullptr) handler_->on_transport_close(info);
  }

  std::unique_ptr<transport> inner_;
  attempt_watch& watch_;
  transport_handler* handler_ = nullptr;
};

}  // namespace

probe_result probe(const probe_options& options) {
  const clock::time_point started = clock::now();
  const net::ws_url& url = options.client.url;
  const bool fixed_token = !options.client.token.empty() && !options.client.token_provider;
  const auto elapsed = [&] {
    return std::chrono::duration_cast<milliseconds>(clock::now() - started);
  };
  if (const auto problems = options.validate(); !problems.empty()) {
    probe_failure f;
    f.error.error = make_error_code(errc::invalid_argument);
    f.attempts = 0;
    probe_result r = diagnose(url, f);
    r.diagnosis = "unusable probe options:";
    for (const auto& p : problems) r.diagnosis += " " + p;
    return r;
  }

  attempt_watch watch;
  watch.deadline = started + options.total_timeout;
  asio::io_context io;
  // Only the context of the chosen transport is made (a websocketpp endpoint is not free).
  std::optional<net::ws_client_context> wspp;
  std::optional<net::lean_ws_client_context> lean;
  if (options.transport == transport_kind::lean) {
    lean.emplace(io, options.ws);
  } else {
    wspp.emplace(io, options.ws);
  }
  client_context_options co;
  co.ws = options.ws;
  co.transport = options.transport;
  co.make_transport = [&wspp, &lean, &watch](asio::io_context&) -> std::unique_ptr<transport> {
    std::unique_ptr<transport> inner;
    if (lean) {
      inner = std::make_unique<lean_transport>(*lean);
    } else {
      inner = std::make_unique<ws_transport>(*wspp);
    }
    return std::make_unique<watched_transport>(std::move(inner), watch);
  };
  client_context ctx(io, std::move(co));

  client_options copt = options.client;
  copt.call_timeout = std::min(copt.call_timeout, options.total_timeout);
  copt.give_up_after = milliseconds(0);  // the probe's own deadline bounds it
  copt.reconnect_give_up_after = milliseconds(0);
  copt.reconnect = backoff_policy{options.retry_delay, options.retry_delay};
  copt.max_recorded_errors = 0;
  centrifuge_client client(ctx, std::move(copt), /*seed=*/1);

  std::optional<probe_failure> last;
  std::optional<connect_outcome> outcome;
  bool stopped = false;
  auto& cb = client.callbacks();
  cb.on_error = [&](const client_error& e) {
    probe_failure f;
    f.error = e;
    f.transport = watch.last_close;
    f.attempts = watch.attempts;
    f.elapsed = elapsed();
    f.fixed_token = fixed_token;
    last = std::move(f);
    // Enough tried, or no time left for another attempt: stop here (permanent causes stop
    // the client by themselves).
    if (last->attempts >= options.max_attempts ||
        clock::now() + options.retry_delay >= watch.deadline) {
      client.abort();
    }
  };
  cb.on_outcome = [&](const connect_outcome& o) { outcome = o; };
  cb.on_stopped = [&](stop_reason, const client_error&) { stopped = true; };

  if (const std::error_code ec = client.connect(started, options.source_address)) {
    probe_failure f;
    f.error.error = ec;
    f.attempts = 0;
    f.fixed_token = fixed_token;
    return diagnose(url, f);
  }

  // Every handler is quick; the count only guards against a loop that would never block.
  const auto run_until = [&](clock::time_point until, auto done) {
    for (std::uint64_t n = 0; n < 10'000'000 && !done() && clock::now() < until; ++n) {
      if (io.run_one_until(until) == 0) break;
    }
  };
  // A little past the deadline: an attempt clamped to it reports its own timeout (with the
  // phase it was stuck in) at that instant.
  run_until(watch.deadline + milliseconds(100), [&] { return outcome.has_value(); });

  if (outcome && outcome->connected()) {
    probe_result r;
    r.ok = true;
    r.attempts = watch.attempts;
    r.connect_time = outcome->finished - outcome->timings.started;
    // Leave as a client would: close handshake, bounded.
    client.close();
    io.restart();
    run_until(clock::now() + options.close_grace, [&] { return stopped; });
    r.elapsed = elapsed();
    return r;
  }

  // Failed, or out of time with an attempt under way.
  if (!outcome && client.state() == client_state::connecting && watch.open) {
    probe_failure f;
    f.error.error = make_error_code(errc::reply_timeout);
    f.error.at = clock::now();
    last = std::move(f);
  } else if (!last) {
    probe_failure f;
    f.error.error = make_error_code(errc::connect_timeout);
    f.error.at = clock::now();
    last = std::move(f);
  }
  client.abort();
  last->attempts = std::max<std::uint32_t>(watch.attempts, 1);
  last->elapsed = elapsed();
  last->fixed_token = fixed_token;
  return diagnose(url, *last);
}

}  // namespace relayload::client
