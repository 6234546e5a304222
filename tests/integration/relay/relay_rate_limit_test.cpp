// The embedded relay's rate limits (relay_config::max_publish_rate / max_connect_rate) over
// real sockets on 127.0.0.1 port 0: commands beyond the bucket are answered in order, and no
// sooner than the bucket allows. Only lower bounds on time are asserted (a loaded machine
// makes everything later, never earlier); every wait is bounded by run_until.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/relay/embedded_relay.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = relayload::net;
using relayload::relay::embedded_relay;
using relayload::relay::embedded_relay_options;
using relayload::relay::relay_config;
using relayload::test::run_until;
using steady = std::chrono::steady_clock;

constexpr const char* hs = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";

embedded_relay_options limited(double publish_rate, double connect_rate) {
  embedded_relay_options o;
  o.config.max_publish_rate = publish_rate;
  o.config.max_connect_rate = connect_rate;
  o.close_timeout = 300ms;  // stop() does not wait long for clients the test is not pumping
  return o;
}

/// One WebSocket client on the test's io_context that records when each reply line came
/// (the relay batches what one event produced into one message, one reply per line).
class timed_client {
 public:
  timed_client(net::ws_client_context& ctx, const std::string& url)
      : io_(ctx.io_context()), ws_(ctx) {
    ws_.callbacks().on_open = [this](const net::connect_timings&) { open_ = true; };
    ws_.callbacks().on_message = [this](std::string_view m) {
      const auto now = steady::now();
      std::size_t start = 0;
      for (;;) {
        const auto nl = m.find('\n', start);
        lines_.push_back({now, std::string(m.substr(start, nl - start))});
        if (nl == std::string_view::npos) break;
        start = nl + 1;
      }
    };
    ws_.callbacks().on_close = [this](const net::close_info& info) { closed_ = info; };
    const auto u = net::ws_url::parse(url);
    REQUIRE(u.has_value());
    REQUIRE_FALSE(ws_.connect(*u));
    REQUIRE(run_until(io_, [this] { return open_ || closed_.has_value(); }));
    REQUIRE_FALSE(closed_.has_value());
  }

  void send(const std::string& frame) { REQUIRE_FALSE(ws_.send(frame)); }

  struct line {
    steady::time_point at;
    std::string text;
  };
  const std::vector<line>& lines() const { return lines_; }
  bool closed() const { return closed_.has_value(); }

 private:
  asio::io_context& io_;
  net::ws_client ws_;
  bool open_ = false;
  std::vector<line> lines_;
  std::optional<net::close_info> closed_;
};

std::string publish_reply(int id) { return R"({"id":)" + std::to_string(id) + R"(,"publish":{}})"; }

}  // namespace

TEST_CASE("rate limit: publishes beyond the bucket come back in order, no sooner than the rate",
          "[relay][integration][rate_limit]") {
  embedded_relay relay(limited(20, 0));  // a token every 50 ms, a bucket of 20
  relay.start();
  asio::io_context io;
  net::ws_client_context ctx{io};
  timed_client c(ctx, relay.url());
  c.send(R"({"connect":{"name":"js"},"id":1})");
  REQUIRE(run_until(io, [&] { return c.lines().size() == 1; }));

  constexpr int count = 30;            // 10 beyond the bucket: at least 500 ms in all
  const auto sent_at = steady::now();  // the relay cannot see them before this
  for (int i = 0; i < count; ++i) {
    c.send(R"({"publish":{"channel":")" + std::string(hs) + R"(","data":"m)" + std::to_string(i) +
           R"("},"id":)" + std::to_string(2 + i) + "}");
  }
  REQUIRE(run_until(
      io, [&] { return c.lines().size() == 1 + count || c.closed(); }, 30s));
  REQUIRE(c.lines().size() == 1 + count);

  for (int i = 0; i < count; ++i) {
    const auto& l = c.lines()[1 + static_cast<std::size_t>(i)];
    INFO("publish " << i);
    CHECK(l.text == publish_reply(2 + i));  // in the order sent
    if (i >= 20) {
      // The (i - 19)th token after the bucket comes 50 ms after the one before it; 45 ms
      // keeps a margin for clock reading, never for slowness.
      CHECK(l.at - sent_at >= (i - 19) * 45ms);
    }
  }
  const auto s = relay.stats();
  CHECK(s.publishes == count);
  CHECK(s.errors_of(111) == 0);
}

TEST_CASE("rate limit: connect replies beyond the bucket are delayed at the connect rate",
          "[relay][integration][rate_limit]") {
  embedded_relay relay(limited(0, 5));  // a token every 200 ms, a bucket of 5
  relay.start();
  asio::io_context io;
  net::ws_client_context ctx{io};
  constexpr std::size_t count = 8;
  std::vector<std::unique_ptr<timed_client>> clients;
  for (std::size_t i = 0; i < count; ++i) {
    clients.push_back(std::make_unique<timed_client>(ctx, relay.url()));
  }
  const auto sent_at = steady::now();
  for (auto& c : clients) c->send(R"({"connect":{"name":"js"},"id":1})");
  REQUIRE(run_until(
      io,
      [&] {
        return std::all_of(clients.begin(), clients.end(),
                           [](const auto& c) { return !c->lines().empty() || c->closed(); });
      },
      30s));

  // The connections are read in whatever order the sockets are ready, so the replies are
  // compared by arrival time, not by client.
  std::vector<steady::duration> after;
  for (const auto& c : clients) {
    REQUIRE(c->lines().size() == 1);
    CHECK(c->lines()[0].text.rfind(R"({"id":1,"connect":{"client":)", 0) == 0);
    after.push_back(c->lines()[0].at - sent_at);
  }
  std::sort(after.begin(), after.end());
  for (std::size_t k = 5; k < count; ++k) {
    INFO("reply " << k + 1 << " of " << count);
    CHECK(after[k] >= static_cast<int>(k - 4) * 180ms);
  }
  CHECK(relay.stats().connections_connected == count);
}

TEST_CASE("rate limit: the limits survive a --config file, which cannot set them",
          "[relay][integration][rate_limit]") {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("relayload-rate-limit-" + std::to_string(::getpid()) + ".json"))
                               .string();
  {
    std::ofstream f(path);
    f << R"({"client":{"ping_interval":"10s"},"max_publish_rate":1})";
  }
  auto o = limited(2.5, 7);
  o.config_file = path;
  embedded_relay relay(o);  // not started: the file is read at construction
  std::remove(path.c_str());
  CHECK(relay.config().ping_interval == 10s);
  CHECK(relay.config().max_publish_rate == 2.5);
  CHECK(relay.config().max_connect_rate == 7);
}
