// relayload::client::run_until — drive an io_context from the calling thread until a
// condition holds or a timeout passes: the loop a harness otherwise writes by hand
// (`io.restart(); io.run_for(10ms);` until done).
#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>

namespace relayload::client {

/// Runs handlers of `io` on the calling thread until `done()` returns true or `timeout` has
/// passed on the steady clock; returns whether `done()` became true. `done()` is checked
/// before the first handler and after every handler, and at least every 10 ms in between,
/// so a condition that another thread makes true is seen too.
///
/// It does not spin: between handlers it blocks in io.run_one_for(). A work guard keeps
/// `io` from running out of work meanwhile, so a handler posted from another thread (e.g.
/// dapp_client::post_submit_otp) runs as soon as it arrives. A stopped `io` (io.stop(), or
/// out of work before the call) is restarted; the guard is released before returning.
///
/// Thread safety: call it from one thread at a time per `io`, and never from inside one of
/// `io`'s handlers (that would run handlers re-entrantly). `done` runs on the calling
/// thread. Exceptions thrown by handlers or by `done` propagate out of run_until (the
/// library's own handlers never throw).
///
/// Example (a dApp that waits up to 10 s for the wallet):
///
///     bool connected = false;
///     dapp.callbacks().on_connected = [&](const auto&) { connected = true; };
///     dapp.connect(options);
///     if (!relayload::client::run_until(io, [&] { return connected; }, std::chrono::seconds(10)))
///       ...  // timed out
bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::steady_clock::duration timeout);

}  // namespace relayload::client
