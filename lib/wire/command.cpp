#include "relayload/wire/command.hpp"

namespace relayload::wire {

const char* to_string(method m) noexcept {
  switch (m) {
    case method::pong: return "pong";
    case method::connect: return "connect";
    case method::subscribe: return "subscribe";
    case method::unsubscribe: return "unsubscribe";
    case method::publish: return "publish";
    case method::history: return "history";
    case method::presence: return "presence";
    case method::presence_stats: return "presence_stats";
    case method::rpc: return "rpc";
    case method::send: return "send";
    case method::refresh: return "refresh";
    case method::sub_refresh: return "sub_refresh";
  }
  return "unknown";
}

}  // namespace relayload::wire
