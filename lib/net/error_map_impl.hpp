// Private: translation of websocketpp, OpenSSL and Asio error codes into codes that
// relayload::classify() understands (see include/relayload/error.hpp).
#pragma once

#include <system_error>

namespace relayload::net::detail {

/// True when `ec` carries errno `value` in a system-like category. Asio reports errno
/// values in its own "asio.system" category, which compares unequal to std::errc
/// conditions, so `ec == std::errc::x` is not enough.
bool is_errno(const std::error_code& ec, int value) noexcept;

/// Maps an error from websocketpp's categories, the Asio SSL category or a system
/// category onto a relayload::errc or a system code that classify() knows. Codes that
/// are already classifiable pass through unchanged; a success code stays success.
std::error_code translate_error(const std::error_code& ec) noexcept;

/// An error from connect/bind/socket creation: "no local address or port" becomes
/// errc::source_exhausted and "out of descriptors" errc::too_many_open_files; others as
/// translate_error().
std::error_code translate_connect_error(const std::error_code& ec) noexcept;

}  // namespace relayload::net::detail
