// Wire-layer micro-benchmarks: what a load-test client and a relay do per message.
//
// Client side: decode the C7b pub push (reply_decoder), then the MWP envelope in its data
// (decode_envelope_data) — measured separately and together so the costs can be told apart;
// encode the M8 request publish, with the envelope data ready and from the envelope fields.
// Relay side: decode the C7a publish command (command_decoder) and encode the C7b pub push.
//
// Every benchmark first checks that the code accepts or produces exactly the golden bytes
// and skips with an error otherwise: a figure for a wrong encoding would be meaningless.
// Buffers and decoders are built once outside the timed loop and reused, as a connection
// reuses them, so the loop measures the steady state (no allocation where the API allows).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "alloc_meter.hpp"
#include "golden_frames.hpp"
#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/envelope.hpp"
#include "relayload/wire/publication.hpp"
#include "relayload/wire/reply_decoder.hpp"
#include "relayload/wire/reply_encoder.hpp"

namespace {

namespace wire = relayload::wire;

void set_throughput(benchmark::State& state, std::size_t bytes_per_item) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes_per_item));
}

// The publication data of C7b, if `decoder` decoded exactly one pub push; else empty.
std::string_view pub_data(const wire::reply_decoder& decoder) {
  if (decoder.messages().size() != 1) return {};
  const wire::push* p = decoder.messages().front().get_push();
  if (p == nullptr) return {};
  const wire::publication* pub = p->get<wire::publication>();
  return pub == nullptr ? std::string_view{} : pub->data;
}

// The M8 envelope data string literal: what the client passes as publish_request::data.
std::string m8_envelope_data() {
  std::string data;
  wire::append_envelope_data(data, bench_golden::dapp_client_id, 1, bench_golden::m6a_payload);
  return data;
}

// --- client side ----------------------------------------------------------------------------

// The client's per-message cost of turning a received frame into a pub push.
void BM_client_decode_pub_push(benchmark::State& state) {
  const std::string_view frame = bench_golden::c7b_pub_push;
  wire::reply_decoder decoder;
  if (decoder.decode(frame) || pub_data(decoder).empty()) {
    state.SkipWithError("C7b does not decode as one pub push");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::error_code ec = decoder.decode(frame);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(decoder.messages().data());
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, frame.size());
}
BENCHMARK(BM_client_decode_pub_push);

// The MWP envelope inside the C7b publication's data, on its own. decode_envelope_data takes
// no reusable state and returns an envelope owning its strings, so every call allocates
// (parse buffers, the unescaped inner text, clientId and payload; see allocs_per_op): that
// is part of the cost a receiver pays with this API.
void BM_client_decode_envelope(benchmark::State& state) {
  wire::reply_decoder decoder;
  if (decoder.decode(bench_golden::c7b_pub_push)) {
    state.SkipWithError("C7b does not decode");
    return;
  }
  const std::string data(pub_data(decoder));  // own copy: independent of the decoder
  const auto check = wire::decode_envelope_data(data);
  if (!check || check->client_id != bench_golden::wallet_client_id || check->nonce != 1 ||
      check->payload.empty()) {
    state.SkipWithError("C7b data does not decode as an MWP envelope");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    auto envelope = wire::decode_envelope_data(data);
    benchmark::DoNotOptimize(envelope);
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, data.size());
}
BENCHMARK(BM_client_decode_envelope);

// Both steps, as the client runs them for every publication it receives.
void BM_client_decode_pub_push_and_envelope(benchmark::State& state) {
  const std::string_view frame = bench_golden::c7b_pub_push;
  wire::reply_decoder decoder;
  if (decoder.decode(frame) || !wire::decode_envelope_data(pub_data(decoder))) {
    state.SkipWithError("C7b does not decode as a pub push with an MWP envelope");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::error_code ec = decoder.decode(frame);
    auto envelope = wire::decode_envelope_data(pub_data(decoder));
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(envelope);
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, frame.size());
}
BENCHMARK(BM_client_decode_pub_push_and_envelope);

// The M8 publish command from envelope data the caller already holds (a publish retry
// reuses the same envelope bytes, protocol.md §2.2).
void BM_client_encode_publish_ready_data(benchmark::State& state) {
  const std::string data = m8_envelope_data();
  std::string out;
  wire::append_publish(out, 13, bench_golden::session_channel, data);
  if (out != bench_golden::m8_request_publish) {
    state.SkipWithError("publish encoding differs from M8");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    out.clear();  // keeps the capacity: no allocation in the loop
    wire::append_publish(out, 13, bench_golden::session_channel, data);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, out.size());
}
BENCHMARK(BM_client_encode_publish_ready_data);

// What the client does per new message: build the envelope data string from clientId,
// nonce and payload, then the publish command around it.
void BM_client_encode_envelope_and_publish(benchmark::State& state) {
  std::string data;
  std::string out;
  wire::append_envelope_data(data, bench_golden::dapp_client_id, 1, bench_golden::m6a_payload);
  wire::append_publish(out, 13, bench_golden::session_channel, data);
  if (out != bench_golden::m8_request_publish) {
    state.SkipWithError("envelope + publish encoding differs from M8");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    data.clear();
    out.clear();
    wire::append_envelope_data(data, bench_golden::dapp_client_id, 1, bench_golden::m6a_payload);
    wire::append_publish(out, 13, bench_golden::session_channel, data);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, out.size());
}
BENCHMARK(BM_client_encode_envelope_and_publish);

// --- relay side -----------------------------------------------------------------------------

// The relay's per-publish cost of decoding the C7a command.
void BM_relay_decode_publish(benchmark::State& state) {
  const std::string_view frame = bench_golden::c7a_publish;
  wire::command_decoder decoder;
  if (decoder.decode(frame) || decoder.commands().size() != 1 ||
      decoder.commands().front().get<wire::publish_request>() == nullptr) {
    state.SkipWithError("C7a does not decode as one publish command");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    std::error_code ec = decoder.decode(frame);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(decoder.commands().data());
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, frame.size());
}
BENCHMARK(BM_relay_decode_publish);

// The relay's per-subscriber cost of writing the C7b pub push (fan-out: once per subscriber
// unless the relay caches the encoded frame).
void BM_relay_encode_pub_push(benchmark::State& state) {
  wire::command_decoder decoder;
  const wire::publish_request* publish = nullptr;
  if (!decoder.decode(bench_golden::c7a_publish) && !decoder.commands().empty()) {
    publish = decoder.commands().front().get<wire::publish_request>();
  }
  if (publish == nullptr) {
    state.SkipWithError("C7a does not decode as a publish command");
    return;
  }
  const std::string data(publish->data);
  wire::publication pub;
  pub.data = data;
  pub.info = wire::client_info{"", bench_golden::wallet_conn_id, {}, {}};
  pub.offset = 1;
  std::string out;
  wire::append_pub_push(out, bench_golden::handshake_channel, pub);
  if (out != bench_golden::c7b_pub_push) {
    state.SkipWithError("pub push encoding differs from C7b");
    return;
  }
  const bench_alloc::allocation_meter allocs;
  for (auto _ : state) {
    out.clear();
    wire::append_pub_push(out, bench_golden::handshake_channel, pub);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  allocs.report(state);
  set_throughput(state, out.size());
}
BENCHMARK(BM_relay_encode_pub_push);

}  // namespace
