// Private: a client::transport that shows every message and every open and close of the
// transport it wraps to a frame_tracer (client_context_options::frame_trace).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "relayload/client/frame_trace.hpp"
#include "relayload/client/transport.hpp"

namespace relayload::client {

class traced_transport final : public transport, private transport_handler {
 public:
  using clock_fn = std::function<std::chrono::steady_clock::time_point()>;

  /// `tracer` must outlive the transport (the client_context's options do).
  traced_transport(std::unique_ptr<transport> inner, const frame_tracer& tracer, clock_fn now,
                   std::uint64_t connection)
      : inner_(std::move(inner)), tracer_(tracer), now_(std::move(now)), connection_(connection) {
    inner_->set_handler(this);
  }

  void set_handler(transport_handler* handler) noexcept override { handler_ = handler; }
  std::error_code connect(const net::ws_url& url, const net::ws_connect_options& options) override {
    url_ = url.to_string();
    return inner_->connect(url, options);
  }
  std::error_code send(std::string_view text) noexcept override {
    const std::error_code ec = inner_->send(text);
    if (!ec) trace(frame_event_kind::sent, text);
    return ec;
  }
  std::error_code close() noexcept override { return inner_->close(); }
  std::error_code abort() noexcept override { return inner_->abort(); }
  net::ws_client_state state() const noexcept override { return inner_->state(); }

 private:
  void on_transport_open(const net::connect_timings& timings) override {
    trace(frame_event_kind::opened, url_);
    if (handler_ != nullptr) handler_->on_transport_open(timings);
  }
  void on_transport_message(std::string_view text) override {
    trace(frame_event_kind::received, text);
    if (handler_ != nullptr) handler_->on_transport_message(text);
  }
  void on_transport_validated_message(std::string_view text) override {
    trace(frame_event_kind::received, text);
    if (handler_ != nullptr) handler_->on_transport_validated_message(text);
  }
  void on_transport_close(const net::close_info& info) override {
    trace(frame_event_kind::closed, {}, &info);
    if (handler_ != nullptr) handler_->on_transport_close(info);
  }

  // A tracer that throws must not unwind through the transport's event loop: noexcept
  // callers (send) would terminate, others would lose the event. The trace is dropped.
  void trace(frame_event_kind kind, std::string_view text,
             const net::close_info* close = nullptr) noexcept {
    try {
      frame_event e;
      e.kind = kind;
      e.connection = connection_;
      e.at = now_();
      e.text = text;
      e.close = close;
      tracer_(e);
    } catch (...) {
    }
  }

  std::unique_ptr<transport> inner_;
  const frame_tracer& tracer_;
  clock_fn now_;
  std::uint64_t connection_;
  transport_handler* handler_ = nullptr;
  std::string url_;
};

}  // namespace relayload::client
