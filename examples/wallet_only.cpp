// wallet_only — the wallet side of one MWP session, alone, against a dApp somewhere else (a
// real dApp, or example_dapp_only): a standalone session::wallet_client, no session_pair.
//
// It reads the dApp's SessionRequest (JSON) from a file — where a real wallet would scan a QR
// code — waiting for the file to appear, then answers the handshake (in untrusted mode it
// prints the OTP for the user to type into the dApp) and answers every request the dApp
// sends until --answers requests were answered.
//
// Run: example_wallet_only --target ws://host:port/connection/websocket --request-file PATH
//                          [--answers N] [--mock-keys] [--timeout SECONDS]
// Exit code 0 when N requests were answered.
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "one_side.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/error.hpp"
#include "relayload/session/party_kit.hpp"
#include "relayload/session/wallet_client.hpp"
#include "relayload/wire/session_request.hpp"

namespace rl = relayload;
namespace session = relayload::session;
using namespace std::chrono_literals;

namespace {

/// The JSON text of the request's "id" (a number or a string), or null when it has none. A
/// simple scan for the first "id" key, enough for the flat requests of this example; a real
/// wallet parses the JSON-RPC request with a JSON library.
std::string json_id_of(std::string_view payload) {
  const auto key = payload.find("\"id\"");
  if (key == std::string_view::npos) return "null";
  std::size_t i = key + 4;
  while (i < payload.size() && (payload[i] == ' ' || payload[i] == ':')) ++i;
  std::size_t end = i;
  if (end < payload.size() && payload[end] == '"') {
    for (++end; end < payload.size() && payload[end] != '"'; ++end) {
      if (payload[end] == '\\') ++end;
    }
    ++end;
  } else {
    while (end < payload.size() && payload[end] != ',' && payload[end] != '}' &&
           payload[end] != ' ')
      ++end;
  }
  if (end <= i || end > payload.size()) return "null";
  return std::string(payload.substr(i, end - i));
}

/// wallet_only's own flag: --answers N.
struct wallet_args : example::side_args {
  int answers = 1;
};

std::optional<wallet_args> parse(int argc, char** argv) {
  int answers = 1;
  const auto common = example::parse_side_args(
      argc, argv, [&](const std::string& flag, const char* value, bool& took_value) {
        if (flag != "--answers" || value == nullptr) return false;
        answers = std::atoi(value);
        took_value = true;
        return true;
      });
  if (!common || answers < 1) return std::nullopt;
  wallet_args a;
  static_cast<example::side_args&>(a) = *common;
  a.answers = answers;
  return a;
}

/// The file's content once it exists (the dApp writes it in one rename), or nothing after
/// `timeout`.
std::optional<std::string> wait_for_file(const std::string& path, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      if (!text.str().empty()) return text.str();
    }
    std::this_thread::sleep_for(50ms);
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  const auto a = parse(argc, argv);
  if (!a) {
    std::fprintf(stderr,
                 "usage: %s --target URL --request-file PATH [--answers N] [--mock-keys] "
                 "[--timeout SECONDS]\n",
                 argv[0]);
    return 2;
  }
  // The shard, as in dapp_only.cpp; a bad URL is refused before waiting for the file.
  asio::io_context io;
  session::party_kit_options kit_options;
  if (a->mock_keys) kit_options.keys = session::key_kind::mock;  // must match the dApp's
  std::string why;
  auto kit = session::party_kit::create(io, a->target, kit_options, &why);
  if (!kit) {
    std::fprintf(stderr, "wallet: %s\n", why.c_str());
    return 2;
  }

  // "Scan the QR code": the SessionRequest the dApp wrote.
  const auto text = wait_for_file(a->request_file, a->timeout);
  if (!text) {
    std::fprintf(stderr, "wallet: no %s within %lld s\n", a->request_file.c_str(),
                 static_cast<long long>(a->timeout.count()));
    return 1;
  }
  const auto request = rl::wire::decode_session_request(*text);
  if (!request) {
    std::fprintf(stderr, "wallet: %s is not a SessionRequest: %s\n", a->request_file.c_str(),
                 rl::to_string(request.error()).c_str());
    return 1;
  }

  session::wallet_client wallet((*kit)->context());
  bool connected = false;
  bool failed = false;
  int answered = 0;
  auto& cb = wallet.callbacks();
  example::log_failures(cb, "wallet", failed);
  cb.on_display_otp = [](std::string_view otp, relayload::unix_time) {
    std::printf("wallet: OTP %.*s (type it into the dApp)\n", static_cast<int>(otp.size()),
                otp.data());
    std::fflush(stdout);
  };
  cb.on_connected = [&](const session::party_connected_info&) {
    connected = true;
    std::printf("wallet: connected\n");
  };
  cb.on_message = [&](const session::received_message& m) {
    if (m.how == session::delivery::initial) return;  // the SessionRequest's initialMessage
    std::printf("wallet: request %.*s\n", static_cast<int>(m.payload.size()), m.payload.data());
    // A JSON-RPC response: the request's id, so that the dApp's request() matches it.
    const std::string reply = R"({"id":)" + json_id_of(m.payload) +
                              R"(,"result":["0x0000000000000000000000000000000000000001"]})";
    wallet.send_message(reply, [&](std::error_code ec, const session::publish_info&) {
      if (ec) {
        std::fprintf(stderr, "wallet: answer not sent: %s\n", rl::to_string(ec).c_str());
        failed = true;
      } else {
        ++answered;
      }
    });
  };

  if (const std::error_code ec = wallet.connect(*request)) {
    std::fprintf(stderr, "wallet: connect: %s\n", rl::to_string(ec).c_str());
    return 1;
  }
  const bool ok =
      rl::client::run_until(io, [&] { return answered >= a->answers || failed; }, a->timeout) &&
      answered >= a->answers;
  if (!ok && !failed) std::fprintf(stderr, "wallet: timed out (connected: %d)\n", connected);
  bool closed = false;
  wallet.disconnect([&](std::error_code) { closed = true; });
  rl::client::run_until(io, [&] { return closed; }, 5s);
  std::printf("wallet: %d request(s) answered\n", answered);
  return ok ? 0 : 1;
}
