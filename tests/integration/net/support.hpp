// Helpers for the net integration tests: an echo server, a self-signed certificate, raw TCP
// peers. Net layer only (integration_net links no relay), so the relay fixture is not
// here; the bounded event-loop runs come from the layer-neutral event_loop.hpp.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "event_loop.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_server.hpp"

namespace net_test {

using namespace std::chrono_literals;
namespace net = relayload::net;

using relayload::test::run_for;
using relayload::test::run_until;

/// A server that echoes every text message and records its events.
struct echo_server {
  struct closed {
    net::connection_id id;
    net::close_info info;
  };

  explicit echo_server(asio::io_context& io, net::ws_server_options o = {}) : server(io, o) {
    server.callbacks().on_open = [this](net::connection_id id) { opened.push_back(id); };
    server.callbacks().on_message = [this](net::connection_id id, std::string_view text) {
      messages.emplace_back(text);
      if (echo) server.send(id, text);
    };
    server.callbacks().on_close = [this](net::connection_id id, const net::close_info& info) {
      closes.push_back({id, info});
    };
    const auto r = server.listen();
    if (!r) throw std::system_error(r.error());
  }

  net::ws_url url(const std::string& path = "/connection/websocket") const {
    std::string scheme = server.options().tls() ? "wss" : "ws";
    return *net::ws_url::parse(scheme + "://127.0.0.1:" + std::to_string(server.port()) + path);
  }

  net::ws_server server;
  bool echo = true;
  std::vector<net::connection_id> opened;
  std::vector<std::string> messages;
  std::vector<closed> closes;
};

/// A client that records its events; each close is counted, to prove exactly-once.
struct recording_client {
  explicit recording_client(net::ws_client_context& ctx) : client(ctx) {
    client.callbacks().on_open = [this](const net::connect_timings& t) {
      ++opens;
      timings = t;
    };
    client.callbacks().on_message = [this](std::string_view text) { messages.emplace_back(text); };
    client.callbacks().on_close = [this](const net::close_info& info) {
      ++closes;
      last_close = info;
    };
  }

  net::ws_client client;
  int opens = 0;
  int closes = 0;
  net::connect_timings timings;
  net::close_info last_close;
  std::vector<std::string> messages;
};

/// A port nobody listens on: bound once to get it, then released.
inline std::uint16_t closed_port(asio::io_context& io) {
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

/// A temporary directory, removed with its files.
struct temp_dir {
  temp_dir() {
    char tmpl[] = "/tmp/relayload-net-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~temp_dir() {
    for (const auto& f : files) std::remove(f.c_str());
    ::rmdir(path.c_str());
  }
  std::string file(const std::string& name) {
    files.push_back(path + "/" + name);
    return files.back();
  }
  std::string path;
  std::vector<std::string> files;
};

/// Writes a self-signed P-256 certificate for the given subjectAltName (for example
/// "IP:127.0.0.1,DNS:localhost") and its key as PEM files.
inline void make_self_signed(const std::string& cert_file, const std::string& key_file,
                             const std::string& san) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("relayload test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str());
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  ext = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "critical,CA:TRUE");
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(x, key, EVP_sha256());

  FILE* f = std::fopen(cert_file.c_str(), "w");
  PEM_write_X509(f, x);
  std::fclose(f);
  f = std::fopen(key_file.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(x);
  EVP_PKEY_free(key);
}

/// Reads from a raw socket until `marker` appears or `limit` passes; returns the data.
inline std::string read_until(asio::io_context& io, asio::ip::tcp::socket& s,
                              const std::string& marker, std::chrono::milliseconds limit = 5s) {
  std::string data;
  bool done = false;
  auto buf = std::make_shared<std::array<char, 4096>>();
  std::function<void()> next = [&] {
    s.async_read_some(asio::buffer(*buf), [&, buf](const std::error_code& ec, std::size_t n) {
      data.append(buf->data(), n);
      if (ec || data.find(marker) != std::string::npos) {
        done = true;
        return;
      }
      next();
    });
  };
  next();
  run_until(
      io, [&] { return done; }, limit);
  if (!done) {
    std::error_code ignored;
    s.cancel(ignored);
    run_until(
        io, [&] { return done; }, 1s);
  }
  return data;
}

}  // namespace net_test
