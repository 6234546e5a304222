// ws_conformance_client — runs our two client WebSocket transports (net::lean_ws_client and,
// for comparison, net::ws_client on websocketpp) through every behaviour of
// ws_server_conformance.mjs (npm's strict `ws` server) and checks what the client saw.
//
//   ws_conformance_client ws://127.0.0.1:PORT [--transport lean|websocketpp|both]
//
// The script normally starts it (`node ws_server_conformance.mjs --client PATH`) and judges
// the server's side; this program judges the client's side. Every connection names its
// transport in the query (`/echo?client=lean`). For each transport and path it prints
// `PASS <transport> <path>: <how it ended>` or `FAIL <transport> <path>: <what differed>`,
// and exits 1 if anything failed, 2 on bad arguments. Every connection is bounded in time.
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/net/close_info.hpp"
#include "relayload/net/lean_ws_client.hpp"
#include "relayload/net/ws_client.hpp"
#include "relayload/net/ws_client_context.hpp"
#include "relayload/net/ws_url.hpp"

namespace {

using namespace std::chrono_literals;
namespace net = relayload::net;

constexpr auto connection_limit = 20s;
constexpr std::size_t small_limit = 65536;  // max_message_size for /oversize (the script: +1)

// ---- what the script sends (keep in step with ws_server_conformance.mjs) ------------------
std::string big_text() {
  std::string unit = "relayload \xE2\x9C\x93 12";  // 16 bytes, U+2713 in the middle
  std::string s;
  s.reserve(std::size_t{1} << 20);
  for (int i = 0; i < (1 << 20) / 16; ++i) s += unit;
  return s;
}
const std::string utf8_text =
    "fragmented: h\xC3\xA9llo w\xC3\xB6rld \xE2\x80\x94 \xE2\x98\x83 \xF0\x9F\x8C\x8D end";

/// The /echo messages: the length boundaries of the frame header (125/126/127, 16/64-bit
/// lengths), empty, 1 MiB, and multibyte UTF-8.
std::vector<std::string> echo_messages() {
  std::vector<std::string> v;
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{125}, std::size_t{126},
                        std::size_t{127}, std::size_t{65535}, std::size_t{65536}}) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    v.push_back(std::move(s));
  }
  v.push_back(big_text());
  v.push_back(
      "\xC3\xBCn\xC3\xAF"
      "c\xC3\xB8"
      "d\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x8C\x8D");
  return v;  // 9: ECHO_COUNT in the script
}

// ---- one connection over either transport -------------------------------------------------
struct observed {
  int opens = 0;
  int closes = 0;
  std::vector<std::string> messages;
  net::close_info close;
};

class conn {
 public:
  virtual ~conn() = default;
  virtual std::error_code connect(const net::ws_url& url) = 0;
  virtual std::error_code send(std::string_view text) = 0;
  virtual std::error_code close() = 0;
  virtual std::error_code close(std::uint16_t code, std::string_view reason) = 0;
  virtual std::error_code abort() = 0;
  virtual const char* name() const noexcept = 0;

  observed seen;
  std::function<void(conn&)> on_open;
  std::function<void(conn&, std::string_view)> on_message;

 protected:
  void opened() {
    ++seen.opens;
    if (on_open) on_open(*this);
  }
  void message(std::string_view text) {
    seen.messages.emplace_back(text);
    if (on_message) on_message(*this, text);
  }
  void closed(const net::close_info& info) {
    ++seen.closes;
    seen.close = info;
  }
};

class lean_conn final : public conn, private net::lean_ws_handler {
 public:
  explicit lean_conn(net::lean_ws_client_context& ctx) : client_(ctx) { client_.set_handler(this); }
  std::error_code connect(const net::ws_url& url) override { return client_.connect(url); }
  std::error_code send(std::string_view text) override { return client_.send(text); }
  std::error_code close() override { return client_.close(); }
  std::error_code close(std::uint16_t code, std::string_view reason) override {
    return client_.close(code, reason);
  }
  std::error_code abort() override { return client_.abort(); }
  const char* name() const noexcept override { return "lean"; }

 private:
  void on_ws_open(const net::connect_timings&) override { opened(); }
  void on_ws_message(std::string_view text) override { message(text); }
  void on_ws_close(const net::close_info& info) override { closed(info); }
  net::lean_ws_client client_;
};

class websocketpp_conn final : public conn {
 public:
  explicit websocketpp_conn(net::ws_client_context& ctx) : client_(ctx) {
    client_.callbacks().on_open = [this](const net::connect_timings&) { opened(); };
    client_.callbacks().on_message = [this](std::string_view text) { message(text); };
    client_.callbacks().on_close = [this](const net::close_info& info) { closed(info); };
  }
  std::error_code connect(const net::ws_url& url) override { return client_.connect(url); }
  std::error_code send(std::string_view text) override { return client_.send(text); }
  std::error_code close() override { return client_.close(); }
  std::error_code close(std::uint16_t code, std::string_view reason) override {
    return client_.close(code, reason);
  }
  std::error_code abort() override { return client_.abort(); }
  const char* name() const noexcept override { return "websocketpp"; }

 private:
  net::ws_client client_;
};

// ---- the cases ---------------------------------------------------------------------------
/// Collects the differences of one case.
struct verdict {
  std::vector<std::string> problems;
  std::string note;  // what happened, for the PASS line
  template <class A, class B>
  void expect_eq(const A& got, const B& want, const char* what) {
    if (got == want) return;
    std::ostringstream s;
    s << what << ": got " << got << ", expected " << want;
    problems.push_back(s.str());
  }
  void expect(bool ok, const std::string& what) {
    if (!ok) problems.push_back(what);
  }
};

std::string describe(const net::close_info& c) {
  std::ostringstream s;
  s << "phase " << net::to_string(c.phase) << ", local " << c.local_code;
  if (!c.local_reason.empty()) s << " \"" << c.local_reason << '"';
  s << ", remote " << c.remote_code;
  if (!c.remote_reason.empty()) s << " \"" << c.remote_reason << '"';
  s << ", error " << (c.error ? c.error.message() : std::string("none"));
  return s.str();
}

void expect_clean_remote_close(verdict& v, const observed& o, std::uint16_t code,
                               const std::string& reason) {
  v.expect(!o.close.error, "the close was not clean: " + o.close.error.message());
  v.expect_eq(o.close.remote_code, code, "the server's close code");
  v.expect_eq(o.close.remote_reason, reason, "the server's close reason");
}

/// The client closed the connection itself with `code` (a message it must refuse), and
/// close_info::error names the cause (lean_ws_client.hpp documents it), on both transports.
void expect_own_close(verdict& r, const observed& o, std::uint16_t code) {
  r.expect_eq(o.close.local_code, code, "our close code");
  r.expect_eq(o.messages.size(), std::size_t{0}, "messages delivered");
  if (!o.close.error) r.problems.push_back("no error reported for the refused message");
}

/// Server-driven: echo every text message back; the server closes with 1000 "verified".
void echo_back(conn& c, std::string_view text) {
  if (const auto e = c.send(text)) std::cerr << "echo send failed: " << e.message() << '\n';
}

struct test_case {
  const char* path;
  bool small_limit = false;
  std::function<void(conn&)> on_open;
  std::function<void(conn&, std::string_view)> on_message;
  std::function<void(verdict&, const observed&, const conn&)> judge;
};

std::vector<test_case> cases() {
  std::vector<test_case> list;
  list.push_back({"/echo", false,
                  [](conn& c) {
                    for (const auto& m : echo_messages()) {
                      if (const auto e = c.send(m)) std::cerr << "send: " << e.message() << '\n';
                    }
                  },
                  [](conn& c, std::string_view) {
                    if (c.seen.messages.size() == echo_messages().size())
                      (void)c.close(1000, "bye");
                  },
                  [](verdict& r, const observed& o, const conn&) {
                    const auto want = echo_messages();
                    r.expect_eq(o.messages.size(), want.size(), "echoed messages");
                    for (std::size_t i = 0; i < want.size() && i < o.messages.size(); ++i) {
                      r.expect(o.messages[i] == want[i],
                               "echo " + std::to_string(i) + " (" + std::to_string(want[i].size()) +
                                   " bytes) differs: got " + std::to_string(o.messages[i].size()) +
                                   " bytes");
                    }
                    r.expect(!o.close.error, "the close was not clean: " + o.close.error.message());
                    r.expect_eq(o.close.local_code, 1000, "our close code");
                    r.expect_eq(o.close.remote_code, 1000, "the server's answer");
                    r.expect_eq(o.close.remote_reason, std::string("bye"), "the server's reason");
                  }});
  const auto verified = [](std::vector<std::string> want) {
    return [want](verdict& r, const observed& o, const conn&) {
      expect_clean_remote_close(r, o, 1000, "verified");
      r.expect_eq(o.messages.size(), want.size(), "messages");
      for (std::size_t i = 0; i < want.size() && i < o.messages.size(); ++i) {
        r.expect(o.messages[i] == want[i], "message " + std::to_string(i) + " differs (" +
                                               std::to_string(o.messages[i].size()) + " bytes, " +
                                               std::to_string(want[i].size()) + " expected)");
      }
    };
  };
  list.push_back({"/fragmented", false, nullptr, echo_back, verified({utf8_text})});
  list.push_back({"/ping-inside-fragments", false, nullptr, echo_back, verified({utf8_text})});
  list.push_back({"/fragmented-big", false, nullptr, echo_back, verified({big_text()})});
  list.push_back({"/big", false, nullptr, echo_back, verified({big_text()})});
  std::vector<std::string> many;
  for (int i = 0; i < 1000; ++i) many.push_back("m" + std::to_string(i));
  list.push_back({"/many", false, nullptr, echo_back, verified(many)});
  list.push_back({"/server-ping", false, nullptr, echo_back, verified({})});
  list.push_back({"/close-1001-with-reason", false, nullptr, nullptr,
                  [](verdict& r, const observed& o, const conn&) {
                    expect_clean_remote_close(r, o, 1001, "server going away");
                  }});
  list.push_back(
      {"/close-no-code", false, nullptr, nullptr, [](verdict& r, const observed& o, const conn&) {
         expect_clean_remote_close(r, o, net::close_code::no_status, "");
       }});
  list.push_back(
      {"/binary", false, nullptr, nullptr, [](verdict& r, const observed& o, const conn&) {
         expect_own_close(r, o, net::close_code::unsupported_data);
       }});
  list.push_back({"/invalid-utf8-from-server", false, nullptr, nullptr,
                  [](verdict& r, const observed& o, const conn&) {
                    expect_own_close(r, o, net::close_code::invalid_payload);
                  }});
  // A text message that ends inside a character, in one frame and in fragments: 1007.
  for (const char* path : {"/utf8-truncated", "/utf8-truncated-fragmented"}) {
    list.push_back(
        {path, false, nullptr, nullptr, [](verdict& r, const observed& o, const conn&) {
           expect_own_close(r, o, net::close_code::invalid_payload);
         }});
  }
  list.push_back(
      {"/oversize", true, nullptr, nullptr, [](verdict& r, const observed& o, const conn&) {
         expect_own_close(r, o, net::close_code::message_too_big);
       }});
  list.push_back({"/client-close-no-code", false, [](conn& c) { (void)c.close(); }, nullptr,
                  [](verdict& r, const observed& o, const conn&) {
                    r.expect(!o.close.error, "the close was not clean: " + o.close.error.message());
                    r.expect_eq(o.close.local_code, net::close_code::no_status, "our close code");
                    r.expect_eq(o.close.remote_code, net::close_code::no_status,
                                "the server's answer");
                  }});
  // Negative control of the script's error detection: text that is not UTF-8. A client that
  // refuses to send it (websocketpp validates outgoing text) closes with 1000 "send refused";
  // one that sends it must be closed by `ws` with 1007.
  list.push_back({"/invalid-utf8-from-client", false,
                  [](conn& c) {
                    if (c.send("ok\xC3\x28")) {
                      c.seen.messages.emplace_back("<send refused>");
                      (void)c.close(1000, "send refused");
                    }
                  },
                  nullptr,
                  [](verdict& r, const observed& o, const conn&) {
                    const bool refused =
                        o.messages.size() == 1 && o.messages[0] == "<send refused>";
                    if (refused) {
                      r.note = "send refused locally; ";
                      expect_clean_remote_close(r, o, 1000, "send refused");
                    } else {
                      r.note = "sent; ";
                      r.expect_eq(o.close.remote_code, net::close_code::invalid_payload,
                                  "ws's close code for invalid UTF-8");
                    }
                  }});
  return list;
}

// ---- running ------------------------------------------------------------------------------
template <class Done>
bool run_until(asio::io_context& io, Done done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    io.restart();
    io.run_for(20ms);
  }
  return true;
}

struct transport {
  std::string name;
  std::function<std::unique_ptr<conn>(bool small_limit)> make;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ws_conformance_client ws://127.0.0.1:PORT [--transport "
                 "lean|websocketpp|both]\n";
    return 2;
  }
  const auto base = net::ws_url::parse(argv[1]);
  if (!base || base->tls) {
    std::cerr << "not a ws:// URL: " << argv[1] << '\n';
    return 2;
  }
  std::string which = "both";
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--transport" && i + 1 < argc) {
      which = argv[++i];
    } else {
      std::cerr << "unknown argument: " << a << '\n';
      return 2;
    }
  }
  if (which != "both" && which != "lean" && which != "websocketpp") {
    std::cerr << "--transport: expected lean, websocketpp or both, got \"" << which << "\"\n";
    return 2;
  }

  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  net::ws_client_context_options normal;
  net::ws_client_context_options small = normal;
  small.max_message_size = small_limit;
  net::lean_ws_client_context lean_ctx(io, normal);
  net::lean_ws_client_context lean_small(io, small);
  net::ws_client_context wspp_ctx(io, normal);
  net::ws_client_context wspp_small(io, small);

  std::vector<transport> transports;
  if (which != "websocketpp") {
    transports.push_back({"lean", [&](bool s) -> std::unique_ptr<conn> {
                            return std::make_unique<lean_conn>(s ? lean_small : lean_ctx);
                          }});
  }
  if (which != "lean") {
    transports.push_back({"websocketpp", [&](bool s) -> std::unique_ptr<conn> {
                            return std::make_unique<websocketpp_conn>(s ? wspp_small : wspp_ctx);
                          }});
  }

  int failures = 0;
  for (const auto& t : transports) {
    for (const auto& tc : cases()) {
      std::string target = std::string(tc.path) + "?client=" + t.name;
      auto url = *base;
      url.target = target;
      auto c = t.make(tc.small_limit);
      c->on_open = tc.on_open;
      c->on_message = tc.on_message;
      verdict v;
      if (const auto e = c->connect(url)) {
        v.problems.push_back("connect() refused: " + e.message());
      } else if (!run_until(
                     io, [&] { return c->seen.closes > 0; }, connection_limit)) {
        v.problems.push_back("no on_close within " +
                             std::to_string(std::chrono::seconds(connection_limit).count()) + " s");
        (void)c->abort();
        run_until(
            io, [&] { return c->seen.closes > 0; }, 2s);
      } else {
        v.expect_eq(c->seen.opens, 1, "on_open calls");
        v.expect_eq(c->seen.close.phase == net::close_phase::open, true, "ended while open");
        tc.judge(v, c->seen, *c);
      }
      // A second on_close would break exactly-once: give it a moment to show up.
      run_until(
          io, [] { return false; }, 50ms);
      v.expect_eq(c->seen.closes, 1, "on_close calls");
      if (v.problems.empty()) {
        std::cout << "PASS " << t.name << ' ' << tc.path << ": " << v.note
                  << describe(c->seen.close) << '\n';
      } else {
        ++failures;
        std::cout << "FAIL " << t.name << ' ' << tc.path << ": ";
        for (std::size_t i = 0; i < v.problems.size(); ++i) {
          std::cout << (i ? "; " : "") << v.problems[i];
        }
        std::cout << " [" << describe(c->seen.close) << "]\n";
      }
      std::cout.flush();
    }
  }
  std::cout << "client side: " << failures << " failures\n";
  return failures == 0 ? 0 : 1;
}
