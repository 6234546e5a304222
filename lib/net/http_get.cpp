// http_get(): resolve, connect, write the request, read the response, all under one deadline
// on a private single-threaded io_context. The response is parsed once it has all arrived:
// a scrape is small (tens of KiB), so there is nothing to gain from streaming it.
#include "relayload/net/http_get.hpp"

#include <asio.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "relayload/error.hpp"

namespace relayload::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 32)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u >= 0x7f ? '.' : c;
  }
  return out + (s.size() > 32 ? "…" : "");
}

// Splits a complete response (headers and everything after them) into status, headers and
// body. Returns an error sentence, or std::nullopt.
std::optional<std::string> parse_response(const std::string& raw, bool closed, std::size_t max_body,
                                          http_response& out, bool& complete) {
  complete = false;
  const std::size_t probe = std::min<std::size_t>(raw.size(), 5);
  if (probe > 0 && raw.compare(0, probe, std::string_view("HTTP/").substr(0, probe)) != 0) {
    return "not an HTTP response: '" + printable(raw) + "'";
  }
  const std::size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (closed) return "the connection closed before the response headers ended";
    return std::nullopt;  // more to read
  }
  const std::string_view head(raw.data(), end);
  const std::size_t eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, eol);
  // HTTP/1.1 200 OK
  const std::size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || status_line.size() < sp + 4 ||
      !std::isdigit(static_cast<unsigned char>(status_line[sp + 1])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[sp + 2])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[sp + 3]))) {
    return "not an HTTP status line: '" + printable(status_line) + "'";
  }
  out.status = std::stoi(std::string(status_line.substr(sp + 1, 3)));
  out.reason = std::string(status_line.size() > sp + 5 ? status_line.substr(sp + 5) : "");
  std::optional<std::size_t> length;
  bool chunked = false;
  std::size_t at = eol == std::string_view::npos ? head.size() : eol + 2;
  while (at < head.size()) {
    std::size_t next = head.find("\r\n", at);
    if (next == std::string_view::npos) next = head.size();
    const std::string_view line = head.substr(at, next - at);
    at = next + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (name == "content-length") {
      std::size_t n = 0;
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        return "Content-Length '" + printable(value) + "' is not a number";
      }
      for (char c : value) n = n * 10 + static_cast<std::size_t>(c - '0');
      length = n;
    } else if (name == "transfer-encoding") {
      chunked = lower(value).find("chunked") != std::string::npos;
    } else if (name == "content-type") {
      out.content_type = std::string(value);
    }
  }
  const std::string_view rest(raw.data() + end + 4, raw.size() - end - 4);
  if (chunked) {
    std::string body;
    std::size_t p = 0;
    for (;;) {
      const std::size_t line_end = rest.find("\r\n", p);
      if (line_end == std::string_view::npos) {
        if (closed) return "the connection closed inside a chunk";
        return std::nullopt;
      }
      std::size_t size = 0;
      std::size_t i = p;
      for (; i < line_end && std::isxdigit(static_cast<unsigned char>(rest[i])); ++i) {
        if (size > (max_body >> 4)) return "the body is larger than the limit";
        size =
            size * 16 + static_cast<std::size_t>(std::stoi(std::string(1, rest[i]), nullptr, 16));
      }
      if (i == p)
        return "a chunk size that is not hexadecimal: '" + printable(rest.substr(p)) + "'";
      const std::size_t data = line_end + 2;
      if (size == 0) break;  // trailers, if any, are not needed
      if (rest.size() < data + size + 2) {
        if (closed) return "the connection closed inside a chunk";
        return std::nullopt;
      }
      body.append(rest.substr(data, size));
      if (body.size() > max_body) return "the body is larger than the limit";
      p = data + size + 2;
    }
    out.body = std::move(body);
    complete = true;
    return std::nullopt;
  }
  if (length) {
    if (*length > max_body) return "the body is larger than the limit";
    if (rest.size() < *length) {
      if (closed) return "the connection closed before the body ended";
      return std::nullopt;
    }
    out.body = std::string(rest.substr(0, *length));
    complete = true;
    return std::nullopt;
  }
  if (rest.size() > max_body) return "the body is larger than the limit";
  if (!closed) return std::nullopt;  // the body ends when the server closes
  out.body = std::string(rest);
  complete = true;
  return std::nullopt;
}

class exchange {
 public:
  exchange(const http_url& url, const http_get_options& options)
      : url_(url), options_(options), resolver_(io_), socket_(io_) {
    request_ = "GET " + url.target + " HTTP/1.1\r\nHost: " + host_header() +
               "\r\nUser-Agent: relayload\r\nAccept: text/plain;version=0.0.4;q=1,*/*;q=0.1"
               "\r\nConnection: close\r\n\r\n";
  }

  result<http_response> run(std::string* why) {
    resolver_.async_resolve(
        url_.host, std::to_string(url_.port),
        [this](std::error_code ec, asio::ip::tcp::resolver::results_type r) {
          if (ec) return finish(ec, "cannot resolve " + url_.host + ": " + ec.message());
          asio::async_connect(socket_, r,
                              [this](std::error_code e, const auto&) { on_connect(e); });
        });
    io_.run_for(options_.timeout);
    if (!done_) {
      done_ = true;
      std::error_code ignored;
      socket_.close(ignored);
      resolver_.cancel();
      error_ = std::make_error_code(std::errc::timed_out);
      words_ = "no answer within " + std::to_string(options_.timeout.count()) + " ms";
    }
    if (why != nullptr) *why = words_;
    if (error_) return unexpected(error_);
    return std::move(response_);
  }

 private:
  std::string host_header() const {
    const bool v6 = url_.host.find(':') != std::string::npos;
    return (v6 ? "[" + url_.host + "]" : url_.host) + ":" + std::to_string(url_.port);
  }

  void on_connect(std::error_code ec) {
    if (ec) return finish(ec, ec.message());
    asio::async_write(socket_, asio::buffer(request_), [this](std::error_code e, std::size_t) {
      if (e) return finish(e, "sending the request: " + e.message());
      read_more();
    });
  }

  void read_more() {
    socket_.async_read_some(asio::buffer(chunk_), [this](std::error_code ec, std::size_t n) {
      raw_.append(chunk_.data(), n);
      const bool closed = ec == asio::error::eof || ec == asio::error::connection_reset;
      if (ec && !closed) return finish(ec, "reading the response: " + ec.message());
      bool complete = false;
      if (auto problem = parse_response(raw_, closed, options_.max_body, response_, complete)) {
        const bool too_large = problem->find("larger than the limit") != std::string::npos;
        return finish(make_error_code(too_large ? errc::frame_too_large : errc::malformed_frame),
                      *problem);
      }
      if (complete) return finish({}, "");
      if (raw_.size() > options_.max_body + 64 * 1024) {
        return finish(make_error_code(errc::frame_too_large),
                      "the response is larger than the limit");
      }
      if (closed) {
        return finish(make_error_code(errc::malformed_frame),
                      raw_.empty() ? "the server closed the connection without answering"
                                   : "the connection closed before the response ended");
      }
      read_more();
    });
  }

  void finish(std::error_code ec, std::string words) {
    if (done_) return;
    done_ = true;
    // Asio's "asio.system" category compares unequal to std::errc; the caller gets the same
    // value in std::system_category (as metrics_server does).
    if (ec && ec.category() == asio::system_category()) {
      ec = std::error_code(ec.value(), std::system_category());
    }
    error_ = ec;
    words_ = std::move(words);
    std::error_code ignored;
    socket_.close(ignored);
    io_.stop();
  }

  http_url url_;
  http_get_options options_;
  asio::io_context io_{1};
  asio::ip::tcp::resolver resolver_;
  asio::ip::tcp::socket socket_;
  std::string request_;
  std::array<char, 16 * 1024> chunk_{};
  std::string raw_;
  http_response response_;
  bool done_ = false;
  std::error_code error_;
  std::string words_;
};

}  // namespace

std::string http_url::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + target;
}

std::optional<std::string> parse_http_url(std::string_view text, http_url& out) {
  const std::string shown(text);
  if (starts_with_ci(text, "https://")) {
    return "'" + shown +
           "': https is not supported (plain http:// only; scrape through a local "
           "Prometheus or a plain-http port of the relay)";
  }
  if (!starts_with_ci(text, "http://")) {
    return "'" + shown + "': the scheme must be http://";
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return "'" + shown + "' contains whitespace or a control character";
    }
  }
  std::string_view rest = text.substr(7);
  const std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (const std::size_t hash = target.find('#'); hash != std::string::npos) target.erase(hash);
  if (target.empty() || target[0] == '?') target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return "'" + shown + "': user info (user@) is not supported";
  }
  std::string_view host = authority;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return "'" + shown + "': an IPv6 host without its ']'";
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "'" + shown + "': unexpected text after the IPv6 host";
      has_port = true;
      port_text = after.substr(1);
    }
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    has_port = true;
    port_text = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return "'" + shown + "': write an IPv6 host in brackets (http://[::1]:9100/metrics)";
    }
  }
  if (host.empty()) return "'" + shown + "' has no host";
  std::uint16_t port = 80;
  if (has_port) {
    unsigned long p = 0;
    const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                        std::all_of(port_text.begin(), port_text.end(), [](char c) {
                          return std::isdigit(static_cast<unsigned char>(c));
                        });
    if (digits) {
      for (char c : port_text) p = p * 10 + static_cast<unsigned long>(c - '0');
    }
    if (!digits || p == 0 || p > 65535) {
      return "'" + shown + "': port '" + std::string(port_text) + "' is not 1 to 65535";
    }
    port = static_cast<std::uint16_t>(p);
  }
  out.host = std::string(host);
  out.port = port;
  out.target = std::move(target);
  return std::nullopt;
}

result<http_response> http_get(const http_url& url, const http_get_options& options,
                               std::string* why) {
  exchange e(url, options);
  return e.run(why);
}

}  // namespace relayload::net
