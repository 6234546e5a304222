// relay_host: runs relayload's embedded relay on 127.0.0.1 (port 0) and one Node.js interop
// script against it, lets the script drive the relay's fault hooks, and, on request, plays
// the MWP wallet with OUR relayload::session::wallet_client (the real JS dApp against us).
//
//   relay_host [--timeout SECONDS] [--node PATH] [--cwd DIR] [--node-path DIR]
//              [--] SCRIPT [ARG...]
//
// The child runs as `node SCRIPT <relay url> ARG...` with stdin and stdout on pipes. Control
// lines on its stdout, each answered on its stdin with `ok` or `error <message>`:
//
//   @@wallet <mock|ecies> <base64 of the SessionRequest JSON>
//   @@relay wallet <mock|ecies> <base64>  (the same, through lib/host.mjs relayHook())
//       creates a C++ wallet_client (own io_context and thread, key manager of that kind)
//       and connects it with the SessionRequest; `ok` once the wallet is CONNECTED (it
//       published the trusted offer). The wallet answers every application message whose
//       payload has an `id` with {"result":"ok-<n>","id":<that id>}, n = 1, 2, ...
//   @@relay dapp <mock|ecies> <trusted|untrusted>
//       creates a C++ dapp_client and starts connect(); answers `ok <base64 SessionRequest>`
//       at once. The script then plays the wallet; `@@relay dapp otp <code>`,
//       `@@relay dapp connected`, `@@relay dapp request <n>` and `@@relay dapp disconnect`
//       drive the dApp (see cpp_dapp below).
//   @@relay <command>
//       fault hooks: disconnect_all, restart keep|lose, pause, resume.
//
// Every other stdout line is forwarded. Exit codes: the child's (128 + signal); 124 on the
// hard timeout; 125 when the host could not set up. A wallet error after `ok` is printed to
// stderr and makes the host exit 3 even if the script passed, so that a wallet the dApp
// could not see failing still fails the test (the same for the dApp).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <asio.hpp>

#include "relayload/client/client_context.hpp"
#include "relayload/client/client_options.hpp"
#include "relayload/net/ws_url.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "relayload/session/dapp_client.hpp"
#include "relayload/session/key_manager.hpp"
#include "relayload/session/random.hpp"
#include "relayload/session/scheduler.hpp"
#include "relayload/session/session_context.hpp"
#include "relayload/session/session_options.hpp"
#include "relayload/session/transport_options.hpp"
#include "relayload/session/wallet_client.hpp"
#include "relayload/wire/base64.hpp"
#include "relayload/wire/session_request.hpp"

extern char** environ;

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int exit_timeout = 124;
constexpr int exit_setup = 125;
constexpr int exit_party_failed = 3;

struct host_options {
  seconds timeout{90};
  std::string node = "node";
  std::string cwd;        // working directory of the child (empty: inherit)
  std::string node_path;  // NODE_PATH for the child (empty: inherit)
  std::vector<std::string> script_and_args;
};

void say(const std::string& msg) {
  std::fprintf(stderr, "relay_host: %s\n", msg.c_str());
  std::fflush(stderr);
}

const char* usage =
    "usage: relay_host [--timeout SECONDS] [--node PATH] [--cwd DIR] [--node-path DIR] "
    "[--] SCRIPT [ARG...]";

std::optional<host_options> parse_args(int argc, char** argv) {
  host_options o;
  int i = 1;
  auto value = [&](const char* flag) -> const char* {
    if (i + 1 >= argc) {
      say(std::string(flag) + " needs a value");
      return nullptr;
    }
    return argv[++i];
  };
  for (; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.substr(0, 2) != "--") break;
    if (a == "--timeout") {
      const char* v = value("--timeout");
      if (v == nullptr) return std::nullopt;
      char* end = nullptr;
      const long s = std::strtol(v, &end, 10);
      if (end == v || *end != '\0' || s <= 0) {
        say(std::string("--timeout: not a positive number of seconds: ") + v);
        return std::nullopt;
      }
      o.timeout = seconds(s);
    } else if (a == "--node") {
      const char* v = value("--node");
      if (v == nullptr) return std::nullopt;
      o.node = v;
    } else if (a == "--cwd") {
      const char* v = value("--cwd");
      if (v == nullptr) return std::nullopt;
      o.cwd = v;
    } else if (a == "--node-path") {
      const char* v = value("--node-path");
      if (v == nullptr) return std::nullopt;
      o.node_path = v;
    } else {
      say("unknown option " + std::string(a));
      return std::nullopt;
    }
  }
  for (; i < argc; ++i) o.script_and_args.emplace_back(argv[i]);
  if (o.script_and_args.empty()) {
    say("no script given");
    return std::nullopt;
  }
  return o;
}

// ---- the relay and its hooks ------------------------------------------------------------

// Performs one control command; returns "" on success or an error message.
std::string run_hook(relayload::relay::embedded_relay& relay, std::string_view command) {
  try {
    if (command == "disconnect_all") {
      const std::size_t n = relay.disconnect_all();
      say("disconnect_all closed " + std::to_string(n) + " connection(s)");
      return {};
    }
    if (command == "restart keep" || command == "restart lose") {
      relayload::relay::restart_options r;
      r.keep_history = command == "restart keep";
      std::error_code ec;
      relay.restart(r, ec);
      return ec ? "restart failed: " + ec.message() : std::string();
    }
    if (command == "pause") {
      relay.pause_delivery();
      return {};
    }
    if (command == "resume") {
      relay.resume_delivery();
      return {};
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  return "unknown command \"" + std::string(command) +
         "\" (known: disconnect_all, restart keep, restart lose, pause, resume)";
}

// One line of counters, so a failing run shows what the relay saw (error replies and
// closes by code are the usual suspects).
std::string describe(const relayload::relay::relay_stats& s) {
  std::string out = "relay stats: connections " + std::to_string(s.connections_total) +
                    ", commands " + std::to_string(s.commands_total) + ", publishes " +
                    std::to_string(s.publishes) + ", pushes " + std::to_string(s.pushes) +
                    ", frames in/out " + std::to_string(s.frames_in) + "/" +
                    std::to_string(s.frames_out) + ", error replies {";
  for (const auto& [code, n] : s.errors_by_code) {
    out += " " + std::to_string(code) + ":" + std::to_string(n);
  }
  out += " }, relay closes {";
  for (const auto& [code, n] : s.disconnects_by_code) {
    out += " " + std::to_string(code) + ":" + std::to_string(n);
  }
  out += " }, client closes " + std::to_string(s.client_disconnects);
  return out;
}

// ---- the child process --------------------------------------------------------------------

struct child_process {
  pid_t pid = -1;
  int stdin_fd = -1;   // our end: write replies here
  int stdout_fd = -1;  // our end: read the child's output here
};

std::vector<std::string> child_environment(const host_options& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view kv = *e;
    if (kv.rfind("RELAYLOAD_INTEROP_HOST=", 0) == 0) continue;
    if (!o.node_path.empty() && kv.rfind("NODE_PATH=", 0) == 0) continue;
    env.emplace_back(kv);
  }
  env.emplace_back("RELAYLOAD_INTEROP_HOST=1");
  if (!o.node_path.empty()) env.push_back("NODE_PATH=" + o.node_path);
  return env;
}

std::optional<child_process> spawn_child(const host_options& o, const std::string& url) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    say(std::string("pipe: ") + std::strerror(errno));
    return std::nullopt;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, o.cwd.c_str());
  // Asio opens its sockets without SOCK_CLOEXEC: a child inheriting the relay's listening
  // socket would keep the port bound across a relay restart (EADDRINUSE) and keep client
  // connections half-open. The child gets stdin, stdout and stderr only.
  posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);

  std::vector<std::string> args{o.node, o.script_and_args.front(), url};
  args.insert(args.end(), o.script_and_args.begin() + 1, o.script_and_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = child_environment(o);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  child_process c;
  const int rc = posix_spawnp(&c.pid, o.node.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    say("cannot start " + o.node + ": " + std::strerror(rc));
    close(in[1]);
    close(out[0]);
    return std::nullopt;
  }
  c.stdin_fd = in[1];
  c.stdout_fd = out[0];
  return c;
}

// Exit status of a finished child as a shell would report it.
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return exit_setup;
}

// Waits up to `limit` for the child; returns its exit code or nullopt if still running.
std::optional<int> wait_for(pid_t pid, milliseconds limit) {
  const auto until = steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return exit_code_of(status);
    if (r < 0 && errno != EINTR) return exit_setup;
    if (steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(milliseconds(20));
  }
}

// SIGTERM, a grace period, then SIGKILL: node gets a chance to flush its output.
void kill_child(pid_t pid) {
  kill(pid, SIGTERM);
  if (wait_for(pid, milliseconds(2000))) return;
  kill(pid, SIGKILL);
  (void)wait_for(pid, milliseconds(5000));
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// ---- the C++ parties -----------------------------------------------------------------------

namespace session = relayload::session;

using reply_fn = std::function<void(const std::string& line)>;

// The wallet's answer to request payload `payload`: {"result":"ok-<n>","id":<its id>}, the id
// copied as JSON (number or string). Empty when the payload is no object with an `id`.
std::string response_for(std::string_view payload, std::uint64_t n) {
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  const auto id = d.FindMember("id");
  if (id == d.MemberEnd()) return {};
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  const std::string result = "ok-" + std::to_string(n);
  w.StartObject();
  w.Key("result");
  w.String(result.c_str(), static_cast<rapidjson::SizeType>(result.size()));
  w.Key("id");
  id->value.Accept(w);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

// The `id` member of a JSON object as JSON text ("" when there is none).
std::string id_of(std::string_view payload) {
  rapidjson::Document d;
  d.Parse(payload.data(), payload.size());
  if (d.HasParseError() || !d.IsObject()) return {};
  const auto id = d.FindMember("id");
  if (id == d.MemberEnd()) return {};
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  id->value.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

// One session-layer party (dApp or wallet) on its own io_context and thread. Everything of
// the session layer is created, used and destroyed on that thread (none of it is
// thread-safe); the host thread only posts to the io_context and joins. Subclasses create
// their party in start() and keep it in party_.
class party_host {
 public:
  party_host(std::string role, relayload::net::ws_url url, session::key_manager_kind kind,
             reply_fn reply)
      : role_(std::move(role)),
        reply_(std::move(reply)),
        url_(std::move(url)),
        kind_(kind),
        work_(asio::make_work_guard(io_)) {}
  virtual ~party_host() = default;
  party_host(const party_host&) = delete;
  party_host& operator=(const party_host&) = delete;

  // Disconnects the party (bounded wait) and joins its thread. Idempotent. Subclasses call
  // it from their destructor (the thread uses their members).
  void stop() {
    if (!thread_.joinable()) return;
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> ended = done->get_future();
    asio::post(io_, [this, done] {
      if (party_ == nullptr || party_->state() == session::party_state::idle) {
        done->set_value();
        return;
      }
      party_->disconnect([done](std::error_code) { done->set_value(); });
    });
    if (ended.wait_for(seconds(5)) != std::future_status::ready) {
      say(role_ + ": disconnect did not finish within 5 s");
    }
    io_.stop();
    thread_.join();
  }

  // True when something went wrong after the party reported CONNECTED.
  bool failed() const noexcept { return failed_.load(); }

 protected:
  // Starts the thread; call at the end of the subclass constructor.
  void launch() {
    thread_ = std::thread([this] { run(); });
  }
  // On the party's thread: create party_ and start it.
  virtual void start(session::session_context& context) = 0;

  void post(std::function<void()> f) { asio::post(io_, std::move(f)); }
  void note_error(const session::party_error& e, bool connected) {
    const std::string what = role_ + " " + session::to_string(e.stage) + " error" +
                             (e.fatal ? " (fatal)" : "") + ": " + e.error.message();
    say(what);
    if (connected) failed_ = true;
    last_error_ = what;
  }

  const std::string role_;
  reply_fn reply_;
  std::unique_ptr<session::party> party_;  // only on the party's thread
  std::string last_error_;                 // only on the party's thread
  std::atomic<bool> failed_{false};

 private:
  void run() {
    relayload::client::client_context cctx(io_);
    session::scheduler timers(cctx);
    std::unique_ptr<session::key_manager> keys = session::make_key_manager(kind_);
    session::id_generator ids;
    auto copts = std::make_shared<relayload::client::client_options>(
        relayload::client::client_options::mwp());
    copts->url = url_;
    auto topts = std::make_shared<session::transport_options>();
    topts->client = std::move(copts);
    session::session_context sctx{timers, *keys, ids, std::move(topts),
                                  std::make_shared<const session::session_options>()};
    start(sctx);
    io_.run();
    party_.reset();
    // sctx, keys, timers, cctx are destroyed here, on this thread.
  }

  relayload::net::ws_url url_;
  session::key_manager_kind kind_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

// `@@relay wallet <crypto> <b64>`: OUR wallet for the JS dApp's SessionRequest. Replies `ok`
// once CONNECTED (it has published the offer). Answers every application message whose
// payload has an `id` with {"result":"ok-<n>","id":<that id>}, n = 1, 2, ...
class cpp_wallet final : public party_host {
 public:
  cpp_wallet(relayload::net::ws_url url, session::key_manager_kind kind,
             relayload::wire::session_request request, reply_fn reply)
      : party_host("wallet", std::move(url), kind, std::move(reply)), request_(std::move(request)) {
    launch();
  }
  ~cpp_wallet() override { stop(); }

  std::uint64_t answered() const noexcept { return answered_.load(); }

 private:
  void start(session::session_context& context) override {
    auto owned = std::make_unique<session::wallet_client>(context);
    session::wallet_client& wallet = *owned;
    party_ = std::move(owned);

    auto& cb = wallet.callbacks();
    cb.on_connected = [this](const session::party_connected_info& info) {
      connected_ = true;
      say("wallet: CONNECTED after " +
          std::to_string(
              std::chrono::duration_cast<milliseconds>(info.connected - info.started).count()) +
          " ms");
      reply_("ok");
    };
    cb.on_message = [this, &wallet](const session::received_message& m) {
      const std::uint64_t n = ++received_;
      const std::string response = response_for(m.payload, n);
      say("wallet: message #" + std::to_string(n) + " (" + session::to_string(m.how) + ", nonce " +
          std::to_string(m.nonce) + "): " + std::string(m.payload));
      if (response.empty()) {
        say("wallet: message #" + std::to_string(n) + " has no id; not answered");
        failed_ = true;
        return;
      }
      wallet.send_message(response, [this, n, response](std::error_code ec, const auto&) {
        if (ec) {
          say("wallet: response #" + std::to_string(n) + " failed: " + ec.message());
          failed_ = true;
          return;
        }
        ++answered_;
        say("wallet: answered #" + std::to_string(n) + " with " + response);
      });
    };
    cb.on_error = [this](const session::party_error& e) {
      note_error(e, connected_);
      if (!connected_ && e.fatal) reply_("error " + last_error_);
    };
    cb.on_link_lost = [](const relayload::client::disconnected_info&) { say("wallet: link lost"); };
    cb.on_link_restored = [](const relayload::client::connected_info&) {
      say("wallet: link restored");
    };

    if (const std::error_code ec = wallet.connect(request_)) {
      say("wallet: connect refused the SessionRequest: " + ec.message());
      reply_("error wallet connect: " + ec.message());
    }
  }

  relayload::wire::session_request request_;
  bool connected_ = false;      // only on the party's thread
  std::uint64_t received_ = 0;  // only on the party's thread
  std::atomic<std::uint64_t> answered_{0};
};

// `@@relay dapp <crypto> <trusted|untrusted>`: OUR dApp, for a script that plays the wallet.
// Replies `ok <base64 of the SessionRequest JSON>` at once (the QR code); then waits for the
// offer. Further commands, each answered on stdin:
//   dapp otp <code>      untrusted: the code the user types; `ok` once submitted (when the
//                        dApp asks for it; a wrong code makes it ask again)
//   dapp connected       `ok` once CONNECTED, `error <why>` when the handshake failed
//   dapp request <n>     sends {"method":"personal_sign","params":[...],"id":<n>} and
//                        answers `ok <payload JSON>` with the message that carries id <n>
//   dapp disconnect      BaseClient.disconnect(); `ok` once the socket has ended
class cpp_dapp final : public party_host {
 public:
  cpp_dapp(relayload::net::ws_url url, session::key_manager_kind kind,
           relayload::wire::session_mode mode, reply_fn reply)
      : party_host("dapp", std::move(url), kind, std::move(reply)), mode_(mode) {
    launch();
  }
  ~cpp_dapp() override { stop(); }

  // Handles `dapp <command...>` after the dApp exists; answers through reply_.
  void command(const std::string& line) {
    post([this, line] { on_command(line); });
  }

 private:
  static constexpr std::string_view sample_params =
      R"(["0x4578616d706c65206d65737361676520746f207369676e","0x1234567890abcdef1234567890abcdef12345678"])";

  void start(session::session_context& context) override {
    auto owned = std::make_unique<session::dapp_client>(context);
    session::dapp_client& dapp = *owned;
    dapp_ = &dapp;
    party_ = std::move(owned);

    auto& cb = dapp.callbacks();
    cb.on_otp_required = [this](const session::otp_request& r) {
      say("dapp: OTP required (" + std::to_string(r.attempts_left) + " attempt(s) left)");
      otp_asked_ = true;
      submit_otp_if_ready();
    };
    cb.on_connected = [this](const session::party_connected_info& info) {
      connected_ = true;
      say("dapp: CONNECTED after " +
          std::to_string(
              std::chrono::duration_cast<milliseconds>(info.connected - info.started).count()) +
          " ms");
      answer_connected_waiter();
    };
    cb.on_message = [this](const session::received_message& m) {
      say("dapp: message (" + std::string(session::to_string(m.how)) + ", nonce " +
          std::to_string(m.nonce) + "): " + std::string(m.payload));
      const std::string id = id_of(m.payload);
      const auto waiting = requests_.find(id);
      if (waiting == requests_.end()) {
        say("dapp: message with id " + (id.empty() ? "(none)" : id) + " nobody asked for");
        failed_ = true;
        return;
      }
      requests_.erase(waiting);
      reply_("ok " + std::string(m.payload));
    };
    cb.on_error = [this](const session::party_error& e) {
      note_error(e, connected_);
      if (!connected_ && e.fatal) {
        handshake_failed_ = true;
        if (!otp_.empty()) {  // an `otp` command still waits for its answer
          otp_.clear();
          reply_("error " + last_error_);
        }
        answer_connected_waiter();
      }
    };

    session::dapp_connect_options options;
    options.mode = mode_;
    auto request = dapp.connect(options);
    if (!request) {
      reply_("error dapp connect: " + request.error().message());
      return;
    }
    const std::string json = relayload::wire::encode_session_request(*request);
    say("dapp: SessionRequest " + json);
    reply_("ok " + relayload::wire::base64_encode(json));
  }

  void on_command(const std::string& line) {
    const std::string_view l = line;
    if (l.rfind("otp ", 0) == 0) {
      if (!otp_.empty()) {
        reply_("error an OTP is already waiting to be submitted");
        return;
      }
      otp_ = std::string(l.substr(4));
      if (otp_.empty()) {
        reply_("error dapp otp: empty code");
        return;
      }
      submit_otp_if_ready();
    } else if (l == "connected") {
      connected_waiter_ = true;
      answer_connected_waiter();
    } else if (l.rfind("request ", 0) == 0) {
      send_request(std::string(l.substr(8)));
    } else if (l == "disconnect") {
      dapp_->disconnect([this](std::error_code ec) {
        reply_(ec ? "error dapp disconnect: " + ec.message() : std::string("ok"));
      });
    } else {
      reply_("error unknown dapp command \"" + line +
             "\" (known: otp <code>, connected, request <n>, disconnect)");
    }
  }

  // Submits the typed code once the dApp asks for one, then answers the `otp` command: the
  // script knows the code went in (a wrong one makes the dApp ask again).
  void submit_otp_if_ready() {
    if (!otp_asked_ || otp_.empty()) return;
    otp_asked_ = false;
    const std::string code = std::exchange(otp_, std::string());
    if (const std::error_code ec = dapp_->submit_otp(code)) {
      reply_("error dapp submit_otp(" + code + "): " + ec.message());
      return;
    }
    say("dapp: submitted OTP " + code);
    reply_("ok");
  }

  void answer_connected_waiter() {
    if (!connected_waiter_) return;
    if (connected_) {
      connected_waiter_ = false;
      reply_("ok");
    } else if (handshake_failed_) {
      connected_waiter_ = false;
      reply_("error " + last_error_);
    }
  }

  void send_request(const std::string& n) {
    if (n.empty() || n.find_first_not_of("0123456789") != std::string::npos) {
      reply_("error dapp request: \"" + n + "\" is not a number");
      return;
    }
    const std::string payload = R"({"method":"personal_sign","params":)" +
                                std::string(sample_params) + R"(,"id":)" + n + "}";
    requests_.insert(n);
    dapp_->send_message(payload, [this, n](std::error_code ec, const auto&) {
      if (!ec) return;  // the answer comes with the response
      requests_.erase(n);
      reply_("error dapp request " + n + ": " + ec.message());
    });
  }

  relayload::wire::session_mode mode_;
  session::dapp_client* dapp_ = nullptr;  // everything below: only on the party's thread
  bool connected_ = false;
  bool handshake_failed_ = false;
  bool connected_waiter_ = false;
  bool otp_asked_ = false;
  std::string otp_;
  std::set<std::string> requests_;  // ids (JSON text) of requests awaiting a response
};

// Creates the wallet for `@@wallet <crypto> <base64>`; returns "" or an error message.
std::string start_wallet(std::string_view args, const std::string& relay_url,
                         std::unique_ptr<cpp_wallet>& wallet, reply_fn reply) {
  if (wallet) return "a wallet is already running";
  const std::size_t sp = args.find(' ');
  if (sp == std::string_view::npos) return "usage: @@wallet <mock|ecies> <base64 SessionRequest>";
  const auto kind = session::parse_key_manager_kind(args.substr(0, sp));
  if (!kind) return "unknown crypto \"" + std::string(args.substr(0, sp)) + "\" (mock or ecies)";
  const auto json = relayload::wire::base64_decode(args.substr(sp + 1));
  if (!json) return "SessionRequest is not base64: " + json.error().message();
  const auto request = relayload::wire::decode_session_request(*json);
  if (!request) return "bad SessionRequest JSON: " + request.error().message() + ": " + *json;
  const auto url = relayload::net::ws_url::parse(relay_url);
  if (!url) return "bad relay url " + relay_url + ": " + url.error().message();
  say("wallet: " + std::string(session::to_string(*kind)) + " wallet for SessionRequest " + *json);
  wallet = std::make_unique<cpp_wallet>(*url, *kind, *request, std::move(reply));
  return {};
}

// `@@relay dapp <crypto> <mode>` creates the dApp; `@@relay dapp <command>` drives it.
// Returns "" or an error message (the reply then is `error <message>`).
std::string drive_dapp(std::string_view args, const std::string& relay_url,
                       std::unique_ptr<cpp_dapp>& dapp, reply_fn reply) {
  const std::size_t sp = args.find(' ');
  const auto kind = session::parse_key_manager_kind(args.substr(0, sp));
  if (!kind) {
    if (!dapp) return "no dApp yet: start one with `dapp <mock|ecies> <trusted|untrusted>`";
    dapp->command(std::string(args));
    return {};
  }
  if (dapp) return "a dApp is already running";
  if (sp == std::string_view::npos) return "usage: dapp <mock|ecies> <trusted|untrusted>";
  const std::string_view mode_name = args.substr(sp + 1);
  relayload::wire::session_mode mode;
  if (mode_name == "trusted")
    mode = relayload::wire::session_mode::trusted;
  else if (mode_name == "untrusted")
    mode = relayload::wire::session_mode::untrusted;
  else
    return "unknown mode \"" + std::string(mode_name) + "\" (trusted or untrusted)";
  const auto url = relayload::net::ws_url::parse(relay_url);
  if (!url) return "bad relay url " + relay_url + ": " + url.error().message();
  dapp = std::make_unique<cpp_dapp>(*url, *kind, mode, std::move(reply));
  return {};
}

// Reads the child's stdout until EOF or the deadline, serving hook requests on the way.
// Returns false when the deadline passed first.
bool serve(child_process& child, relayload::relay::embedded_relay& relay,
           steady_clock::time_point deadline, std::unique_ptr<cpp_wallet>& wallet,
           std::unique_ptr<cpp_dapp>& dapp) {
  constexpr std::string_view prefix = "@@relay ";
  constexpr std::string_view wallet_prefix = "@@wallet ";
  constexpr std::string_view relay_wallet_prefix = "@@relay wallet ";
  constexpr std::string_view relay_dapp_prefix = "@@relay dapp ";
  std::string pending;
  char buf[4096];
  // Replies come from this thread (hooks) and from the wallet's thread (connected / failed).
  auto stdin_mutex = std::make_shared<std::mutex>();
  const int stdin_fd = child.stdin_fd;
  auto reply = [stdin_mutex, stdin_fd](const std::string& text) {
    const std::lock_guard<std::mutex> lock(*stdin_mutex);
    // The child may already have exited (EPIPE, SIGPIPE ignored): its exit code tells.
    (void)write_all(stdin_fd, text + "\n");
  };
  auto handle_line = [&](std::string_view line) {
    // `@@relay wallet ...` is the same command through lib/host.mjs relayHook(), whose
    // reader owns the script's stdin.
    std::string_view wallet_args;
    if (line.rfind(wallet_prefix, 0) == 0) {
      wallet_args = line.substr(wallet_prefix.size());
    } else if (line.rfind(relay_wallet_prefix, 0) == 0) {
      wallet_args = line.substr(relay_wallet_prefix.size());
    }
    if (!wallet_args.empty()) {
      // The reply (`ok` once CONNECTED) comes later, from the wallet's thread.
      const std::string error = start_wallet(wallet_args, relay.url(), wallet, reply);
      if (!error.empty()) {
        say("@@wallet: error " + error);
        reply("error " + error);
      }
      return;
    }
    if (line.rfind(relay_dapp_prefix, 0) == 0) {
      // The reply comes from the dApp's thread.
      const std::string error =
          drive_dapp(line.substr(relay_dapp_prefix.size()), relay.url(), dapp, reply);
      if (!error.empty()) {
        say("@@relay dapp: error " + error);
        reply("error " + error);
      }
      return;
    }
    if (line.rfind(prefix, 0) != 0) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
      return;
    }
    const std::string_view command = line.substr(prefix.size());
    const std::string error = run_hook(relay, command);
    say("hook \"" + std::string(command) + "\": " + (error.empty() ? "ok" : "error " + error));
    reply(error.empty() ? std::string("ok") : "error " + error);
  };
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{child.stdout_fd, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (r < 0) {
      if (errno == EINTR) continue;
      say(std::string("poll: ") + std::strerror(errno));
      return true;
    }
    if (r == 0) continue;
    const ssize_t n = read(child.stdout_fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      say(std::string("read: ") + std::strerror(errno));
      return true;
    }
    if (n == 0) {
      if (!pending.empty()) handle_line(pending);
      return true;
    }
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      handle_line(std::string_view(pending).substr(start, nl - start));
    }
    pending.erase(0, start);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<host_options> options = parse_args(argc, argv);
  if (!options) {
    std::fprintf(stderr, "%s\n", usage);
    return exit_setup;
  }
  // Writing a reply to a child that just exited must not kill the host.
  signal(SIGPIPE, SIG_IGN);

  relayload::relay::embedded_relay_options relay_options;
  relay_options.host = "127.0.0.1";
  relay_options.port = 0;  // never a fixed port: other tests share this loopback
  std::optional<relayload::relay::embedded_relay> relay;
  try {
    relay.emplace(relay_options);
  } catch (const std::exception& e) {
    say(std::string("cannot create the embedded relay: ") + e.what());
    return exit_setup;
  }
  std::error_code ec;
  relay->start(ec);
  if (ec) {
    say("cannot start the embedded relay: " + ec.message());
    return exit_setup;
  }
  const std::string url = relay->url();
  say("relay listening at " + url);

  const auto deadline = steady_clock::now() + options->timeout;
  std::optional<child_process> child = spawn_child(*options, url);
  if (!child) return exit_setup;

  std::unique_ptr<cpp_wallet> wallet;
  std::unique_ptr<cpp_dapp> dapp;
  const bool finished = serve(*child, *relay, deadline, wallet, dapp);
  int code = exit_timeout;
  if (finished) {
    // stdout closed; the child is exiting. Give it what is left of the budget.
    const auto left = std::max(
        milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now()));
    if (const auto rc = wait_for(child->pid, left)) {
      code = *rc;
    } else {
      say("the script closed its stdout but did not exit");
      kill_child(child->pid);
    }
  } else {
    say("hard timeout: " + std::to_string(options->timeout.count()) + " s passed; killing " +
        options->script_and_args.front());
    kill_child(child->pid);
  }
  if (wallet) {
    wallet->stop();
    say("wallet: answered " + std::to_string(wallet->answered()) + " request(s)" +
        (wallet->failed() ? ", with errors" : ""));
    if (wallet->failed() && code == 0) code = exit_party_failed;
    wallet.reset();
  }
  if (dapp) {
    dapp->stop();
    if (dapp->failed()) {
      say("dapp: failed after CONNECTED (see above)");
      if (code == 0) code = exit_party_failed;
    }
    dapp.reset();
  }
  close(child->stdin_fd);
  close(child->stdout_fd);
  say(describe(relay->stats()));
  relay->stop();
  say("exit code " + std::to_string(code));
  return code;
}
