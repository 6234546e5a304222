// relayload/net/asio_fwd.hpp — Asio's io_context by name only, so that public headers which
// merely take an `asio::io_context&` do not pull all of <asio.hpp> (150K preprocessed lines)
// into every harness file. To create or run an io_context, include <asio/io_context.hpp>
// (or <asio.hpp>) yourself.
#pragma once

namespace asio {
class io_context;
}  // namespace asio
