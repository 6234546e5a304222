// ecies_roundtrip — MWP end-to-end encryption with the library's key managers, then one real
// dApp ↔ wallet session pair with ECIES through a relay.
//
// Part 1: the eciesjs-compatible ECIES key manager (secp256k1, HKDF-SHA256, AES-256-GCM):
// generate key pairs, encrypt an MWP protocol message for the wallet, decrypt it, and see
// what real crypto costs on the wire compared with the original tool's mock "cipher".
// Part 2: session_pair with that key manager: the handshake and one request → response.
//
// Run: example_ecies_roundtrip [--target ws://host:port/connection/websocket]
// Without --target it starts the embedded relay on 127.0.0.1 (a free port).
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "relayload/error.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/session/ecies_key_manager.hpp"
#include "relayload/session/mock_key_manager.hpp"
#include "relayload/session/session_pair.hpp"
#include "relayload/wire/protocol_message.hpp"
#include "relayload/wire/sample_payloads.hpp"

namespace rl = relayload;
namespace session = relayload::session;
using namespace std::chrono_literals;

static bool part1_key_managers() {
  session::ecies_key_manager ecies;  // eciesjs 0.4.17 defaults; one per thread (not shared)
  session::mock_key_manager mock;    // base64 only, what the JS load tests use by default

  // Each side has a key pair; the wallet's public key travels in the handshake offer as
  // publicKeyB64 and is checked (validate_peer_key) before anything is encrypted for it.
  const session::key_pair wallet = ecies.generate_key_pair();
  std::printf("wallet public key (%zu bytes, compressed): %s\n", wallet.public_key.size(),
              session::public_key_to_base64(wallet.public_key).c_str());
  if (!ecies.validate_peer_key(wallet.public_key)) return false;

  // The plaintext is a protocol message (JSON) carrying the original load test's request.
  rl::wire::protocol_message msg;
  msg.type = rl::wire::protocol_message_type::message;
  msg.payload = rl::wire::sample_request_payload(1);
  const std::string plaintext = rl::wire::encode_protocol_message(msg);

  // Encrypt for the wallet → base64 envelope payload; the wallet decrypts with its key.
  auto sealed = ecies.encrypt(plaintext, wallet.public_key);
  if (!sealed) return false;
  auto opened = ecies.decrypt(*sealed, wallet.private_key);
  if (!opened || *opened != plaintext) return false;
  // Fresh ephemeral key and nonce per message: the same plaintext never encrypts the same.
  auto again = ecies.encrypt(plaintext, wallet.public_key);
  if (!again || *again == *sealed) return false;

  // Any other key fails to authenticate: errc::decryption_failed (JS: DECRYPTION_FAILED).
  const auto stranger = ecies.generate_key_pair();
  auto wrong = ecies.decrypt(*sealed, stranger.private_key);
  if (wrong || wrong.error() != rl::errc::decryption_failed) return false;

  // Sizes: ECIES adds ephemeral key (65) + nonce (16) + tag (16) = 97 bytes before base64.
  auto mocked = mock.encrypt(plaintext, mock.generate_key_pair().public_key);
  std::printf("plaintext %zu bytes -> ecies payload %zu bytes (overhead %zu before base64), "
              "mock payload %zu bytes\n",
              plaintext.size(), sealed->size(), ecies.options().overhead(), mocked->size());
  return true;
}

static bool part2_session_pair(const std::string& target) {
  asio::io_context io;  // the pair's dApp and wallet share this thread and its clock
  rl::client::client_context context(io);
  session::scheduler timers(context);  // ONE timer for every deadline of the shard
  session::ecies_key_manager keys;
  auto ids = session::id_generator::system();

  auto client = rl::client::client_options::mwp();  // MWP's transport: 5 s calls
  client.url = rl::net::ws_url::parse(target).value();
  session::transport_options transport;
  transport.client = std::make_shared<const rl::client::client_options>(client);
  session::session_context ctx{timers, keys, ids,
                               std::make_shared<const session::transport_options>(transport)};

  session::pair_options options;
  options.wallet_connect_delay = 200ms;  // the simulated QR scan, shortened for the example
  options.handshake_timeout = 20s;
  options.message_timeout = 10s;
  session::session_pair pair(ctx, options, /*seed=*/1);

  std::optional<session::handshake_result> handshake;
  std::optional<session::exchange_result> exchange;
  pair.create(std::chrono::steady_clock::now(), [&](const session::handshake_result& r) {
    handshake = r;
    if (!r.ok()) return;
    // The dApp sends a request; the wallet "reviews" it for 100 ms and answers.
    pair.exchange(1, std::chrono::steady_clock::now(), 100ms,
                  [&](const session::exchange_result& e) { exchange = e; });
  });
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while ((!handshake || (handshake->ok() && !exchange)) &&
         std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(10ms);
  }
  if (!handshake || !handshake->ok()) {
    std::printf("handshake failed: %s\n", handshake ? handshake->cause().c_str() : "timed out");
    return false;
  }
  std::printf("handshake: %.1f ms after the scan\n",
              std::chrono::duration<double, std::milli>(handshake->headline()).count());
  if (!exchange || !exchange->ok()) return false;
  std::printf("exchange: latency %.1f ms (wallet think time excluded)\n",
              std::chrono::duration<double, std::milli>(exchange->latency()).count());
  bool disconnected = false;
  pair.disconnect([&](std::error_code) { disconnected = true; });
  while (!disconnected && std::chrono::steady_clock::now() < deadline + 5s) {
    io.restart();
    io.run_for(10ms);
  }
  return true;
}

int main(int argc, char** argv) {
  const bool keys_ok = part1_key_managers();
  std::printf("part 1 (key managers): %s\n", keys_ok ? "OK" : "FAILED");

  rl::relay::embedded_relay relay;
  std::string target = argc == 3 && std::string(argv[1]) == "--target" ? argv[2] : "";
  if (target.empty()) {
    relay.start();
    target = relay.url();
  }
  const bool pair_ok = part2_session_pair(target);
  std::printf("part 2 (session pair over %s): %s\n", target.c_str(), pair_ok ? "OK" : "FAILED");
  return keys_ok && pair_ok ? 0 : 1;
}
