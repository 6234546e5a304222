// relayload::client::frame_trace — every WebSocket message the clients of one client_context
// send and receive, and every connection they open and close, handed to a callback: what a
// harness author reaches for to see the frames of a failing session (client_context_options::
// frame_trace; session::party_kit_options::context.frame_trace).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "relayload/net/close_info.hpp"

namespace relayload::client {

enum class frame_event_kind {
  opened,    ///< the WebSocket is open; `text` is the URL
  sent,      ///< a text message went to the socket; `text` is it
  received,  ///< a text message arrived (one or more '\n'-separated server messages)
  closed,    ///< the connection or attempt ended; `close` says how, `text` is empty
};

/// Stable lower-case name ("sent").
const char* to_string(frame_event_kind k) noexcept;

struct frame_event {
  frame_event_kind kind = frame_event_kind::sent;
  /// Numbers the context's connections from 1: one number per client, kept across that
  /// client's reconnects (a session's dApp is one number, its wallet another).
  std::uint64_t connection = 0;
  /// The context's now() (the manual clock in tests).
  std::chrono::steady_clock::time_point at;
  /// The message or URL; valid during the call only.
  std::string_view text;
  /// For `closed`: the close_info of the connection; nullptr otherwise. Valid during the call.
  const net::close_info* close = nullptr;
};

/// Called on the context's thread, synchronously with the send or receive; it must not call
/// back into the client. Empty: no tracing and no cost.
using frame_tracer = std::function<void(const frame_event&)>;

}  // namespace relayload::client
