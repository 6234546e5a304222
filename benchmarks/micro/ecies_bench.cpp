// ECIES micro-benchmarks (eciesjs 0.4.17 defaults: uncompressed ephemeral key and HKDF input,
// AES-256-GCM with a 16-byte nonce): what one real-crypto MWP message and one session's keys
// cost the generator. Issue 16's goal: encrypt ≤ 100 µs.
//
// Each benchmark uses one manager, as one shard does. Payloads are the sizes of the §5.3
// vectors: X1 (24 bytes, a handshake-ack) and X2 (54 bytes, a small RPC message), plus 1 KiB.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "alloc_meter.hpp"
#include "relayload/session/ecies_key_manager.hpp"

namespace {

namespace session = relayload::session;

std::string payload_of(std::size_t n) {
  std::string s = R"({"type":"message","payload":{"method":"eth_accounts","pad":")";
  while (s.size() + 3 < n) s.push_back('x');
  s += "\"}}";
  s.resize(n, ' ');
  return s;
}

// A fresh key pair: a random scalar and its compressed public key (e·G).
void BM_ecies_generate_key_pair(benchmark::State& state) {
  session::ecies_key_manager km;
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    session::key_pair kp = km.generate_key_pair();
    benchmark::DoNotOptimize(kp);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ecies_generate_key_pair)->Unit(benchmark::kMicrosecond);

// encrypt(): peer key parse, random ephemeral key, e·G, e·P, HKDF, AES-GCM, base64.
void BM_ecies_encrypt(benchmark::State& state) {
  session::ecies_key_manager km;
  const session::key_pair receiver = km.generate_key_pair();
  const std::string plain = payload_of(static_cast<std::size_t>(state.range(0)));
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto out = km.encrypt(plain, receiver.public_key);
    if (!out) {
      state.SkipWithError("encrypt failed");
      return;
    }
    benchmark::DoNotOptimize(*out);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ecies_encrypt)->Arg(24)->Arg(54)->Arg(1024)->Unit(benchmark::kMicrosecond);

// decrypt(): base64, ephemeral key parse, k·E, HKDF, AES-GCM open.
void BM_ecies_decrypt(benchmark::State& state) {
  session::ecies_key_manager km;
  const session::key_pair receiver = km.generate_key_pair();
  const std::string plain = payload_of(static_cast<std::size_t>(state.range(0)));
  const auto payload = km.encrypt(plain, receiver.public_key);
  if (!payload) {
    state.SkipWithError("encrypt failed");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto out = km.decrypt(*payload, receiver.private_key);
    if (!out || *out != plain) {
      state.SkipWithError("decrypt failed");
      return;
    }
    benchmark::DoNotOptimize(*out);
  }
  allocs.report(state);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ecies_decrypt)->Arg(24)->Arg(54)->Arg(1024)->Unit(benchmark::kMicrosecond);

// validate_peer_key() of a 33-byte compressed key (decompression: one square root).
void BM_ecies_validate_peer_key(benchmark::State& state) {
  session::ecies_key_manager km;
  const session::key_pair peer = km.generate_key_pair();
  for (auto _ : state) {
    auto ok = km.validate_peer_key(peer.public_key);
    if (!ok) {
      state.SkipWithError("validate_peer_key failed");
      return;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ecies_validate_peer_key)->Unit(benchmark::kMicrosecond);

// The crypto of one MWP session pair with one exchange, both sides in one process as the
// generator runs them: two key pairs, each side validates the other's key, and four
// messages (offer/handshake-ack and one request/response) are encrypted and decrypted.
void BM_ecies_session_pair_crypto(benchmark::State& state) {
  session::ecies_key_manager km;
  const std::string small = payload_of(54);
  for (auto _ : state) {
    const session::key_pair dapp = km.generate_key_pair();
    const session::key_pair wallet = km.generate_key_pair();
    if (!km.validate_peer_key(dapp.public_key) || !km.validate_peer_key(wallet.public_key)) {
      state.SkipWithError("validate_peer_key failed");
      return;
    }
    for (int i = 0; i < 2; ++i) {
      auto to_wallet = km.encrypt(small, wallet.public_key);
      auto to_dapp = km.encrypt(small, dapp.public_key);
      if (!to_wallet || !to_dapp) {
        state.SkipWithError("encrypt failed");
        return;
      }
      auto a = km.decrypt(*to_wallet, wallet.private_key);
      auto b = km.decrypt(*to_dapp, dapp.private_key);
      if (!a || !b) {
        state.SkipWithError("decrypt failed");
        return;
      }
      benchmark::DoNotOptimize(*a);
      benchmark::DoNotOptimize(*b);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ecies_session_pair_crypto)->Unit(benchmark::kMicrosecond);

}  // namespace
