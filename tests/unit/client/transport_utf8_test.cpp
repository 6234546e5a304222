// The transport's UTF-8 validation is passed on: a message the transport validated reaches
// the handler as on_transport_validated_message (the client then decodes it with
// wire::utf8_input::validated); wrappers keep the distinction; a handler that knows only
// on_transport_message gets every message there (the checking path).
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/traced_transport_impl.hpp"
#include "relayload/client/transport.hpp"

namespace {

using namespace relayload;
using namespace relayload::client;

// What a handler saw, in order: "checked:<text>" or "validated:<text>".
struct recording_handler final : transport_handler {
  std::vector<std::string> seen;
  void on_transport_open(const net::connect_timings&) override {}
  void on_transport_message(std::string_view text) override {
    seen.push_back("checked:" + std::string(text));
  }
  void on_transport_validated_message(std::string_view text) override {
    seen.push_back("validated:" + std::string(text));
  }
  void on_transport_close(const net::close_info&) override {}
};

// Knows only the checking callback (as the test fakes and older handlers).
struct plain_handler final : transport_handler {
  std::vector<std::string> seen;
  void on_transport_open(const net::connect_timings&) override {}
  void on_transport_message(std::string_view text) override { seen.emplace_back(text); }
  void on_transport_close(const net::close_info&) override {}
};

// A transport whose events the test raises by hand through its handler.
struct manual_transport final : transport {
  transport_handler* handler = nullptr;
  void set_handler(transport_handler* h) noexcept override { handler = h; }
  std::error_code connect(const net::ws_url&, const net::ws_connect_options&) override {
    return {};
  }
  std::error_code send(std::string_view) noexcept override { return {}; }
  std::error_code close() noexcept override { return {}; }
  std::error_code abort() noexcept override { return {}; }
  net::ws_client_state state() const noexcept override { return net::ws_client_state::open; }
};

}  // namespace

TEST_CASE("a handler without the validated callback gets validated messages on the checking one",
          "[client][utf8]") {
  plain_handler h;
  transport_handler& base = h;
  base.on_transport_validated_message("{\"a\":1}");
  base.on_transport_message("{}");
  CHECK(h.seen == std::vector<std::string>{"{\"a\":1}", "{}"});
}

TEST_CASE("the frame tracer wrapper passes the transport's validation on, and traces both",
          "[client][utf8]") {
  auto inner = std::make_unique<manual_transport>();
  manual_transport& raw = *inner;
  std::vector<std::string> traced;
  const frame_tracer tracer = [&](const frame_event& e) {
    if (e.kind == frame_event_kind::received) traced.emplace_back(e.text);
  };
  traced_transport t(std::move(inner), tracer,
                     [] { return std::chrono::steady_clock::time_point{}; }, 1);
  recording_handler h;
  t.set_handler(&h);
  REQUIRE(raw.handler != nullptr);
  raw.handler->on_transport_validated_message("v");
  raw.handler->on_transport_message("c");
  CHECK(h.seen == std::vector<std::string>{"validated:v", "checked:c"});
  CHECK(traced == std::vector<std::string>{"v", "c"});
}
