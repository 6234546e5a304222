// relayload::client::call_reply — what the completion handler of a client call (subscribe,
// publish, history, unsubscribe) gets, with the times needed to measure it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <system_error>

#include "relayload/wire/reply.hpp"

namespace relayload::client {

/// The answer to one call. Views (server_message, reply and what it points to) are valid only
/// during the handler; copy what you keep.
struct call_reply {
  using clock = std::chrono::steady_clock;

  /// The command id it was sent with; 0 when it was never sent.
  std::uint32_t id = 0;
  /// With errc::server_error: the error reply's code, message and temporary flag.
  std::uint32_t server_code = 0;
  std::string_view server_message;
  bool temporary = false;
  /// When the call was made, when the command was written (default if never), and when the
  /// handler was called. done − sent is the service time.
  clock::time_point requested{};
  clock::time_point sent{};
  clock::time_point done{};
  /// The decoded reply, or nullptr (timeout, disconnect, unsubscribe while disconnected).
  const wire::reply* reply = nullptr;

  /// The typed results, or nullptr when absent or of another kind.
  const wire::subscribe_result* subscribe() const noexcept {
    return reply != nullptr ? reply->get<wire::subscribe_result>() : nullptr;
  }
  const wire::history_result* history() const noexcept {
    return reply != nullptr ? reply->get<wire::history_result>() : nullptr;
  }
  const wire::publish_result* publish() const noexcept {
    return reply != nullptr ? reply->get<wire::publish_result>() : nullptr;
  }
};

/// Completion handler of a call: `ec` is empty on success, else errc::server_error (see
/// server_code), errc::reply_timeout, errc::disconnected (the connection was lost or the
/// client stopped while the call was pending), errc::cancelled (a subscribe whose
/// subscription was removed by unsubscribe() before its reply) or errc::invalid_argument
/// (bad use, e.g. subscribing twice to one channel). Called exactly once, on the context's
/// thread, never from inside the call that started it; destroying the client drops pending
/// handlers without calling them.
using call_handler = std::function<void(std::error_code ec, const call_reply& reply)>;

}  // namespace relayload::client
