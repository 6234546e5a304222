// libFuzzer target: relay_core's command handling, driven by a script of events on up to
// four connections with a fake clock. Every frame the relay sends must decode as valid
// server messages (the relay never emits what a client could not parse), and the core's
// bookkeeping must stay consistent (stats never count more connected than open).
//
// Input: records separated by a 0 byte. A record's first byte selects the event:
//   bits 0-1: connection slot (0-3); bits 2-4: kind
//   kind 0-3: the rest of the record is one WebSocket frame from that connection (opened
//             first if needed); 4: open; 5: client closes; 6: advance the clock by
//             (rest[0] << 8 | rest[1]) × 10 ms; 7: a fault hook chosen by rest[0]
//   bit 5: (first record only) require tokens: allow_anonymous_connect_without_token=false
// Connect tokens are verified with the secret "fuzz" at Unix time 1800000000.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "relayload/relay/relay_core.hpp"
#include "relayload/wire/reply_decoder.hpp"

namespace {

using relayload::relay::connection_id;

void check(bool ok) {
  if (!ok) std::abort();
}

class checking_sink : public relayload::relay::relay_sink {
 public:
  void send(connection_id, std::string_view frame) noexcept override {
    check(!decoder_.decode(frame));
    check(!decoder_.messages().empty());
  }
  void close(connection_id, std::uint16_t code, std::string_view reason) noexcept override {
    check(code == 0 || (code >= 1000 && code < 5000));
    check(reason.size() < 123);  // must fit a WebSocket close frame
  }

 private:
  relayload::wire::reply_decoder decoder_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  relayload::relay::relay_config config = relayload::relay::relay_config::mwp_default();
  config.channel_limit = 4;
  config.connection_limit = 3;
  config.message_size_limit = 4096;
  config.token_hmac_secret_key = "fuzz";
  config.allow_anonymous_connect_without_token = !(size > 0 && (data[0] & 0x20) != 0);

  relayload::relay::relay_core_hooks hooks;
  std::uint64_t ids = 0;
  hooks.client_id = [&ids] { return "client-" + std::to_string(++ids); };
  std::uint64_t epochs = 0;
  hooks.epoch = [&epochs] { return "epoch" + std::to_string(++epochs); };
  hooks.wall_clock = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  };

  checking_sink sink;
  relayload::relay::relay_core core(config, sink, hooks);
  auto now = relayload::relay::relay_core::time_point{} + 1000h;

  std::array<connection_id, 4> slot_id{};  // 0: not open
  connection_id next_id = 1;
  const auto ensure_open = [&](std::size_t s) {
    if (slot_id[s] == 0) {
      slot_id[s] = next_id++;
      core.on_open(slot_id[s], now);
    }
  };

  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t end = in.find('\0', pos);
    if (end == std::string_view::npos) end = in.size();
    const std::string_view rec = in.substr(pos, end - pos);
    pos = end + 1;
    if (rec.empty()) continue;
    const auto head = static_cast<std::uint8_t>(rec[0]);
    const std::size_t s = head & 3u;
    const unsigned kind = (head >> 2) & 7u;
    const std::string_view rest = rec.substr(1);
    if (kind <= 3) {
      ensure_open(s);
      core.on_frame(slot_id[s], rest, now);
    } else if (kind == 4) {
      ensure_open(s);
    } else if (kind == 5) {
      if (slot_id[s] != 0) core.on_close(slot_id[s], now);
      slot_id[s] = 0;
    } else if (kind == 6) {
      unsigned steps = 0;
      for (std::size_t i = 0; i < rest.size() && i < 2; ++i) {
        steps = (steps << 8) | static_cast<std::uint8_t>(rest[i]);
      }
      now += std::chrono::milliseconds(10) * steps;
      core.advance(now);
    } else {
      const unsigned which = rest.empty() ? 0 : static_cast<std::uint8_t>(rest[0]) % 6;
      switch (which) {
        case 0:
          core.disconnect_all();
          break;
        case 1:
          core.drop_fraction(0.5, head);
          break;
        case 2:
          core.pause_delivery();
          break;
        case 3:
          core.resume_delivery();
          break;
        case 4:
          core.reset_streams();
          break;
        default:
          if (slot_id[s] != 0) core.disconnect(slot_id[s], 3011, "force reconnect");
          break;
      }
    }
    const auto st = core.stats();
    check(st.connections_connected <= st.connections_current);
    check(st.connections_connected <= config.connection_limit);
  }
  // Whatever the script did, the core can still run its timers to the end.
  for (int i = 0; i < 8; ++i) {
    now += 30s;
    core.advance(now);
  }
  return 0;
}
