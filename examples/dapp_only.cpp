// dapp_only — the dApp side of one MWP session, alone, against a wallet somewhere else (a real
// wallet, or example_wallet_only): a standalone session::dapp_client, no session_pair.
//
// It creates the SessionRequest and writes it (JSON) to a file — where a real dApp would
// show it as a QR code — then waits for the wallet's handshake. Untrusted mode asks for the
// OTP the wallet shows on standard input, from a thread of its own
// (dapp_client::post_submit_otp). Once connected it sends one request and waits for the
// answer, then disconnects.
//
// Run: example_dapp_only --target ws://host:port/connection/websocket --request-file PATH
//                        [--untrusted] [--mock-keys] [--timeout SECONDS]
// Then start the wallet with the same file (example_wallet_only --request-file PATH ...).
// Exit code 0 when the request was answered.
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "one_side.hpp"
#include "relayload/client/run_until.hpp"
#include "relayload/error.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/party_kit.hpp"
#include "relayload/wire/session_request.hpp"

namespace rl = relayload;
namespace session = relayload::session;
using namespace std::chrono_literals;

namespace {

/// dapp_only's own flag: --untrusted.
struct dapp_args : example::side_args {
  bool untrusted = false;
};

std::optional<dapp_args> parse(int argc, char** argv) {
  bool untrusted = false;
  const auto common = example::parse_side_args(argc, argv, [&](const std::string& flag, const char*, bool&) {
    if (flag != "--untrusted") return false;
    untrusted = true;
    return true;
  });
  if (!common) return std::nullopt;
  dapp_args a;
  static_cast<example::side_args&>(a) = *common;
  a.untrusted = untrusted;
  return a;
}

/// Writes `text` to `path` atomically (a temporary file renamed), so that a wallet polling
/// for the file never reads half of it.
bool write_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto a = parse(argc, argv);
  if (!a) {
    std::fprintf(stderr,
                 "usage: %s --target URL --request-file PATH [--untrusted] [--mock-keys] "
                 "[--timeout SECONDS]\n",
                 argv[0]);
    return 2;
  }
  // The shard: one io_context (run on this thread) and what every party of it shares.
  asio::io_context io;
  session::party_kit_options kit_options;  // ECIES keys, MWP's transport
  if (a->mock_keys) kit_options.keys = session::key_kind::mock;
  std::string why;
  auto kit = session::party_kit::create(io, a->target, kit_options, &why);
  if (!kit) {
    std::fprintf(stderr, "dapp: %s\n", why.c_str());
    return 2;
  }

  session::dapp_client dapp((*kit)->context());
  bool connected = false;
  bool failed = false;
  std::optional<std::string> answer;  // the wallet's response to our request
  auto& cb = dapp.callbacks();
  example::log_failures(cb, "dapp", failed);
  cb.on_connected = [&](const session::party_connected_info&) {
    connected = true;
    std::printf("dapp: connected\n");
  };

  // Untrusted: the user types the code the wallet shows. Reading stdin blocks, so it runs
  // on a thread of its own and hands the code to the loop with post_submit_otp.
  std::thread console;
  cb.on_otp_required = [&](const session::otp_request& r) {
    std::printf("dapp: enter the OTP the wallet shows (%u attempts left): ", r.attempts_left);
    std::fflush(stdout);
    if (console.joinable()) console.join();  // the previous (wrong) code's reader
    console = std::thread([&dapp] {
      std::string code;
      if (!std::getline(std::cin, code)) code.clear();  // EOF: an empty code, a mismatch
      dapp.post_submit_otp(code, [](std::error_code ec) {
        if (ec) std::fprintf(stderr, "dapp: OTP not taken: %s\n", rl::to_string(ec).c_str());
      });
    });
  };

  session::dapp_connect_options options;  // trusted unless --untrusted
  if (a->untrusted) options.mode = rl::wire::session_mode::untrusted;
  const auto request = dapp.connect(options);
  if (!request) {
    std::fprintf(stderr, "dapp: connect: %s\n", rl::to_string(request.error()).c_str());
    return 1;
  }
  if (!write_file(a->request_file, rl::wire::encode_session_request(*request))) {
    std::fprintf(stderr, "dapp: cannot write %s\n", a->request_file.c_str());
    return 1;
  }
  std::printf("dapp: SessionRequest %s written to %s; waiting for the wallet\n",
              request->id.c_str(), a->request_file.c_str());
  std::fflush(stdout);

  using rl::client::run_until;
  bool ok = run_until(io, [&] { return connected || failed; }, a->timeout) && connected;
  if (ok) {
    // A JSON-RPC-style call: the response is the wallet's message with the same id (the
    // client adds "id" when the payload has none), or an error after the timeout.
    const auto sent = dapp.request(
        R"({"id":1,"method":"eth_accounts","params":[]})", a->timeout,
        [&](std::error_code ec, const session::request_outcome& r) {
          if (ec) {
            std::fprintf(stderr, "dapp: request %.*s: %s\n", static_cast<int>(r.id.size()),
                         r.id.data(), rl::to_string(ec).c_str());
            failed = true;
          } else {
            answer = std::string(r.payload);
          }
        });
    if (!sent) {
      std::fprintf(stderr, "dapp: request: %s\n", rl::to_string(sent.error()).c_str());
      failed = true;
    }
    ok = run_until(io, [&] { return answer.has_value() || failed; }, a->timeout) &&
         answer.has_value();
    if (ok) std::printf("dapp: answer %s\n", answer->c_str());
  } else if (!failed) {
    std::fprintf(stderr, "dapp: no wallet within %lld s\n",
                 static_cast<long long>(a->timeout.count()));
  }
  bool closed = false;
  dapp.disconnect([&](std::error_code) { closed = true; });
  run_until(io, [&] { return closed; }, 5s);
  // A console thread still blocked in getline (the handshake failed while it waited) cannot
  // be interrupted portably: leave without joining it.
  if (console.joinable()) console.detach();
  return ok ? 0 : 1;
}
