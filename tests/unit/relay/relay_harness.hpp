// Test harness for relay_core: a recording sink, a fake clock and injected ids/epochs.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "relayload/relay/relay_core.hpp"

namespace relay_test {

using namespace std::chrono_literals;
using relayload::relay::connection_id;
using relayload::relay::relay_config;
using relayload::relay::relay_core;

constexpr const char* hs = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
constexpr const char* ss = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";
constexpr const char* dapp_id = "0b0b0b0b-0000-4000-8000-00000000000b";
constexpr const char* wallet_id = "0a0a0a0a-0000-4000-8000-00000000000a";

struct recorded {
  connection_id id;
  bool is_close;
  std::string text;    // frame, or close reason
  std::uint16_t code;  // close code
};

class recording_sink : public relayload::relay::relay_sink {
 public:
  void send(connection_id id, std::string_view frame) noexcept override {
    log.push_back({id, false, std::string(frame), 0});
  }
  void close(connection_id id, std::uint16_t code, std::string_view reason) noexcept override {
    log.push_back({id, true, std::string(reason), code});
  }
  std::size_t buffered_amount(connection_id id) const noexcept override {
    return id == slow_id ? backlog : 0;
  }
  std::vector<recorded> log;
  connection_id slow_id = 0;  ///< the connection whose socket pretends to be backed up
  std::size_t backlog = 0;
};

class harness {
 public:
  explicit harness(relay_config config = relay_config::mwp_default(),
                   relayload::relay::relay_core_hooks hooks = {}) {
    if (!hooks.client_id) {
      hooks.client_id = [this] {
        if (!client_ids.empty()) {
          auto s = client_ids.front();
          client_ids.pop_front();
          return s;
        }
        return "client-" + std::to_string(++generated_clients);
      };
    }
    if (!hooks.epoch) {
      hooks.epoch = [this] {
        if (!epochs.empty()) {
          auto s = epochs.front();
          epochs.pop_front();
          return s;
        }
        return "epoch" + std::to_string(++generated_epochs);
      };
    }
    core = std::make_unique<relay_core>(std::move(config), sink, std::move(hooks));
  }

  void open(connection_id id) { core->on_open(id, now); }
  void frame(connection_id id, std::string_view text) { core->on_frame(id, text, now); }
  void client_close(connection_id id) { core->on_close(id, now); }
  void advance(relay_core::clock::duration d) {
    now += d;
    core->advance(now);
  }
  void advance_to(relay_core::time_point t) {
    now = t;
    core->advance(now);
  }

  /// Opens `id` and sends C1-style connect with command id `cmd_id`; the client id given is
  /// `client_id` (or a generated one). Returns the connect reply frame.
  std::string connect(connection_id id, std::string client_id = {}, int cmd_id = 1) {
    if (!client_id.empty()) client_ids.push_back(client_id);
    open(id);
    frame(id, R"({"connect":{"name":"js"},"id":)" + std::to_string(cmd_id) + "}");
    auto f = sent(id);
    REQUIRE(f.size() == 1);
    return f[0];
  }

  /// Sends `text` and returns the frames `id` received because of it.
  std::vector<std::string> call(connection_id id, std::string_view text) {
    frame(id, text);
    return sent(id);
  }
  std::string call1(connection_id id, std::string_view text) {
    auto f = call(id, text);
    REQUIRE(f.size() == 1);
    return f[0];
  }

  /// Removes and returns the frames sent to `id` so far.
  std::vector<std::string> sent(connection_id id) {
    std::vector<std::string> out;
    std::vector<recorded> rest;
    for (auto& r : sink.log) {
      if (r.id == id && !r.is_close) {
        out.push_back(std::move(r.text));
      } else {
        rest.push_back(std::move(r));
      }
    }
    sink.log = std::move(rest);
    return out;
  }

  /// Removes and returns the close of `id`, if the relay closed it.
  std::optional<std::pair<std::uint16_t, std::string>> closed(connection_id id) {
    std::optional<std::pair<std::uint16_t, std::string>> out;
    std::vector<recorded> rest;
    for (auto& r : sink.log) {
      if (r.id == id && r.is_close && !out) {
        out.emplace(r.code, r.text);
      } else {
        rest.push_back(std::move(r));
      }
    }
    sink.log = std::move(rest);
    return out;
  }

  /// The relay closed `id` with exactly `code` and `reason`.
  void expect_closed(connection_id id, std::uint16_t code, const std::string& reason) {
    const auto c = closed(id);
    REQUIRE(c.has_value());
    CHECK(c->first == code);
    CHECK(c->second == reason);
  }

  bool quiet() const { return sink.log.empty(); }

  recording_sink sink;
  std::deque<std::string> client_ids;
  std::deque<std::string> epochs;
  relay_core::time_point now = relay_core::time_point{} + std::chrono::hours(1000);
  std::unique_ptr<relay_core> core;

 private:
  int generated_clients = 0;
  int generated_epochs = 0;
};

inline std::string subscribe_cmd(const std::string& channel, int id) {
  return R"({"subscribe":{"channel":")" + channel +
         R"(","positioned":true,"recoverable":true},"id":)" + std::to_string(id) + "}";
}
inline std::string publish_cmd(const std::string& channel, const std::string& raw_data, int id) {
  return R"({"publish":{"channel":")" + channel + R"(","data":)" + raw_data + R"(},"id":)" +
         std::to_string(id) + "}";
}
inline std::string history_cmd(const std::string& channel, const std::string& extra, int id) {
  return R"({"history":{"channel":")" + channel + "\"" + extra + R"(},"id":)" + std::to_string(id) +
         "}";
}
inline std::string unsubscribe_cmd(const std::string& channel, int id) {
  return R"({"unsubscribe":{"channel":")" + channel + R"("},"id":)" + std::to_string(id) + "}";
}

/// Splits a batched frame into its messages.
inline std::vector<std::string> lines(const std::string& frame) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto nl = frame.find('\n', start);
    out.push_back(frame.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

/// `{"push":{"channel":"<ch>","pub":{"data":<data>,"info":{"user":"","client":"<client>"},"offset":N}}}`
inline std::string pub_push(const std::string& channel, const std::string& data,
                            const std::string& client, std::uint64_t offset) {
  std::string s = R"({"push":{"channel":")" + channel + R"(","pub":{"data":)" + data +
                  R"(,"info":{"user":"","client":")" + client + "\"}";
  if (offset > 0) s += R"(,"offset":)" + std::to_string(offset);
  return s + "}}}";
}

}  // namespace relay_test
