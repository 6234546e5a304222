// A hostile "relay" for tests: a raw Asio TCP server on 127.0.0.1 port 0 that speaks just
// enough WebSocket to misbehave in one chosen way. Built on raw Asio (not our ws_server) so
// that it can break the HTTP upgrade itself.
//
// Threads: owns an io_context run on its own thread between construction and destruction.
// Lifetime: RAII; the destructor closes every socket and joins the thread.
#pragma once

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <asio.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace relayload::test {

enum class hostile_mode {
  malformed_frames,     ///< upgrade, then answer the connect command with broken JSON
  oversized_frame,      ///< upgrade, then send a frame announcing 32 MiB (limit: 16 MiB)
  wrong_ids,            ///< upgrade, then answer the connect command with id 999
  never_answers,        ///< upgrade, then say nothing (connect reply timeout)
  close_after_upgrade,  ///< send 101 Switching Protocols, then close the TCP connection
  close_mid_upgrade,    ///< read the upgrade request, send half a status line, close
};

inline const char* to_string(hostile_mode m) {
  switch (m) {
    case hostile_mode::malformed_frames:
      return "malformed_frames";
    case hostile_mode::oversized_frame:
      return "oversized_frame";
    case hostile_mode::wrong_ids:
      return "wrong_ids";
    case hostile_mode::never_answers:
      return "never_answers";
    case hostile_mode::close_after_upgrade:
      return "close_after_upgrade";
    case hostile_mode::close_mid_upgrade:
      return "close_mid_upgrade";
  }
  return "?";
}

class hostile_relay {
 public:
  explicit hostile_relay(hostile_mode mode)
      : mode_(mode), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~hostile_relay() {
    asio::post(io_, [this] {
      std::error_code ec;
      acceptor_.close(ec);
      io_.stop();
    });
    thread_.join();
  }
  hostile_relay(const hostile_relay&) = delete;
  hostile_relay& operator=(const hostile_relay&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(port()) + "/connection/websocket";
  }
  /// TCP connections accepted so far.
  std::uint64_t accepted() const { return accepted_.load(); }

 private:
  struct conn : std::enable_shared_from_this<conn> {
    explicit conn(asio::ip::tcp::socket s, hostile_mode m) : sock(std::move(s)), mode(m) {}
    asio::ip::tcp::socket sock;
    hostile_mode mode;
    asio::streambuf in;
    std::string out;

    void start() {
      auto self = shared_from_this();
      asio::async_read_until(sock, in, "\r\n\r\n", [self](std::error_code ec, std::size_t) {
        if (!ec) self->on_request();
      });
    }

    void on_request() {
      std::string req(asio::buffers_begin(in.data()), asio::buffers_end(in.data()));
      in.consume(in.size());
      if (mode == hostile_mode::close_mid_upgrade) {
        write("HTTP/1.1 10", [](conn& c) { c.close(); });
        return;
      }
      std::string key;
      const std::string name = "sec-websocket-key:";
      std::string lower = req;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const auto at = lower.find(name);
      if (at != std::string::npos) {
        auto b = at + name.size();
        while (b < req.size() && req[b] == ' ') ++b;
        key = req.substr(b, req.find("\r\n", b) - b);
      }
      const std::string resp =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: " +
          accept_key(key) + "\r\n\r\n";
      if (mode == hostile_mode::close_after_upgrade) {
        write(resp, [](conn& c) { c.close(); });
        return;
      }
      write(resp, [](conn& c) { c.wait_for_command(); });
    }

    // The first client frame is the connect command; what follows depends on the mode.
    void wait_for_command() {
      auto self = shared_from_this();
      sock.async_read_some(in.prepare(65536), [self](std::error_code ec, std::size_t n) {
        if (ec) return;
        self->in.commit(n);
        self->on_command();
      });
    }

    void on_command() {
      switch (mode) {
        case hostile_mode::malformed_frames:
          write(text_frame("{\"id\":1,\"connect\":{\"client\":"), [](conn& c) { c.drain(); });
          break;
        case hostile_mode::wrong_ids:
          write(text_frame("{\"id\":999,\"connect\":{\"client\":\"x\",\"version\":\"0.0.0\"}}"),
                [](conn& c) { c.drain(); });
          break;
        case hostile_mode::oversized_frame: {
          std::string f;
          f.push_back(static_cast<char>(0x81));
          f.push_back(static_cast<char>(127));
          const std::uint64_t len = std::uint64_t{32} * 1024 * 1024;
          for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
          f.append(65536, 'x');
          write(f, [](conn& c) { c.drain(); });
          break;
        }
        default:
          drain();  // never_answers
      }
    }

    // Read and ignore everything until the peer goes away.
    void drain() {
      auto self = shared_from_this();
      in.consume(in.size());
      sock.async_read_some(in.prepare(65536), [self](std::error_code ec, std::size_t n) {
        if (ec) return;
        self->in.commit(n);
        self->drain();
      });
    }

    template <typename Next>
    void write(std::string data, Next next) {
      out = std::move(data);
      auto self = shared_from_this();
      asio::async_write(sock, asio::buffer(out), [self, next](std::error_code ec, std::size_t) {
        if (!ec) next(*self);
      });
    }

    void close() {
      std::error_code ec;
      sock.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      sock.close(ec);
    }

    static std::string text_frame(const std::string& payload) {
      std::string f;
      f.push_back(static_cast<char>(0x81));
      if (payload.size() < 126) {
        f.push_back(static_cast<char>(payload.size()));
      } else {
        f.push_back(static_cast<char>(126));
        f.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
        f.push_back(static_cast<char>(payload.size() & 0xff));
      }
      return f + payload;
    }

    static std::string accept_key(const std::string& key) {
      const std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
      unsigned char digest[SHA_DIGEST_LENGTH];
      SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
      unsigned char b64[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
      const int n = EVP_EncodeBlock(b64, digest, SHA_DIGEST_LENGTH);
      return std::string(reinterpret_cast<const char*>(b64), static_cast<std::size_t>(n));
    }
  };

  void accept() {
    acceptor_.async_accept([this](std::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      ++accepted_;
      std::make_shared<conn>(std::move(s), mode_)->start();
      accept();
    });
  }

  hostile_mode mode_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::uint64_t> accepted_{0};
  std::thread thread_;
};

}  // namespace relayload::test
