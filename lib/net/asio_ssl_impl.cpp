// Asio's TLS implementation, compiled once (see lib/base/asio_impl.cpp): the net layer is the
// one that links OpenSSL.
#include <asio/ssl/impl/src.hpp>
