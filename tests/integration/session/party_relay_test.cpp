// A standalone dapp_client and wallet_client (no session_pair) against the embedded relay on
// 127.0.0.1 port 0, driven with client::run_until: the OTP entered from another thread
// through dapp_client::post_submit_otp completes an untrusted handshake. Every wait is
// bounded; assertions are on events, never on elapsed time.
#include <catch2/catch.hpp>

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "party_shard.hpp"
#include "relay_fixture.hpp"
#include "relayload/client/client_context.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/wallet_client.hpp"

namespace {

using namespace std::chrono_literals;
using namespace relayload;
using relayload::client::run_until;
using relayload::test::shard;

}  // namespace

TEST_CASE("an OTP posted from another thread completes an untrusted handshake",
          "[session][otp]") {
  auto relay = test::start_relay();
  shard s(relay->url());
  session::dapp_client dapp(*s.ctx);
  session::wallet_client wallet(*s.ctx);

  // What the "UI thread" needs: the code the wallet shows and the dApp's prompt.
  std::mutex m;
  std::string shown;
  std::atomic<bool> asked{false};
  bool dapp_connected = false, wallet_connected = false, failed = false;
  std::optional<std::error_code> submitted;
  wallet.callbacks().on_display_otp = [&](std::string_view otp, relayload::unix_time) {
    const std::lock_guard<std::mutex> lock(m);
    shown.assign(otp);
  };
  dapp.callbacks().on_otp_required = [&](const session::otp_request&) { asked = true; };
  dapp.callbacks().on_connected = [&](const session::party_connected_info&) {
    dapp_connected = true;
  };
  wallet.callbacks().on_connected = [&](const session::party_connected_info&) {
    wallet_connected = true;
  };
  dapp.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };
  wallet.callbacks().on_error = [&](const session::party_error& e) { failed |= e.fatal; };

  session::dapp_connect_options o;
  o.mode = wire::session_mode::untrusted;
  auto request = dapp.connect(o);
  REQUIRE(request);
  REQUIRE(!wallet.connect(*request));

  // The user reads the code off the wallet and types it into the dApp, on a thread of its
  // own; the test thread keeps running the loop meanwhile.
  std::thread ui([&] {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::string code;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard<std::mutex> lock(m);
        code = shown;
      }
      if (asked && !code.empty()) break;
      std::this_thread::sleep_for(5ms);
    }
    dapp.post_submit_otp(code, [&](std::error_code ec) { submitted = ec; });
  });
  const bool done =
      run_until(s.io, [&] { return (dapp_connected && wallet_connected) || failed; }, 30s);
  ui.join();
  REQUIRE(done);
  CHECK_FALSE(failed);
  CHECK(dapp_connected);
  CHECK(wallet_connected);
  REQUIRE(submitted);
  CHECK(*submitted == std::error_code{});
  CHECK(dapp.state() == session::party_state::connected);

  bool closed = false;
  dapp.disconnect([&](std::error_code) { closed = true; });
  CHECK(run_until(s.io, [&] { return closed; }, 10s));
}

TEST_CASE("an OTP posted to a dApp destroyed meanwhile reports cancelled", "[session][otp]") {
  auto relay = test::start_relay();
  shard s(relay->url());
  std::optional<std::error_code> submitted;
  {
    session::dapp_client dapp(*s.ctx);
    dapp.post_submit_otp("123456", [&](std::error_code ec) { submitted = ec; });
  }
  CHECK(run_until(s.io, [&] { return submitted.has_value(); }, 10s));
  REQUIRE(submitted);
  CHECK(*submitted == make_error_code(errc::cancelled));
}
