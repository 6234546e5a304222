// relay_host: runs relayload's embedded relay on 127.0.0.1 (port 0) and one Node.js interop
// script against it, and lets the script drive the relay's fault hooks.
//
//   relay_host [--timeout SECONDS] [--node PATH] [--cwd DIR] [--node-path DIR]
//              [--] SCRIPT [ARG...]
//
// The child runs as `node SCRIPT <relay url> ARG...` with its stdin and stdout on pipes
// (stderr is shared). A stdout line `@@relay <command>` asks for a fault hook; the host
// carries it out and answers on the child's stdin with `ok` or `error <message>`. Every
// other stdout line is forwarded to our stdout. Commands:
//
//   disconnect_all   close every client connection with a reconnect-advising code
//   restart keep     stop and restart the relay on the same port, keeping channel history
//   restart lose     the same, losing history (new epochs)
//   pause | resume   hold back / release delivery of publications to subscribers
//
// The exit code is the child's (128 + signal if it was killed by one); 124 when the hard
// timeout killed it; 125 when the host itself could not set up (bad usage, relay or spawn
// failure). The hard timeout exists because a hung client must fail the test, not hang CI.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "relayload/relay/embedded_relay.hpp"

extern char** environ;

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int exit_timeout = 124;
constexpr int exit_setup = 125;

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

// Reads the child's stdout until EOF or the deadline, serving hook requests on the way.
// Returns false when the deadline passed first.
bool serve(child_process& child, relayload::relay::embedded_relay& relay,
           steady_clock::time_point deadline) {
  constexpr std::string_view prefix = "@@relay ";
  std::string pending;
  char buf[4096];
  auto handle_line = [&](std::string_view line) {
    if (line.rfind(prefix, 0) != 0) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
      return;
    }
    const std::string_view command = line.substr(prefix.size());
    const std::string error = run_hook(relay, command);
    say("hook \"" + std::string(command) + "\": " + (error.empty() ? "ok" : "error " + error));
    // The child may already have exited (EPIPE, SIGPIPE ignored): its exit code tells.
    (void)write_all(child.stdin_fd, error.empty() ? std::string("ok\n") : "error " + error + "\n");
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

  const bool finished = serve(*child, *relay, deadline);
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
  close(child->stdin_fd);
  close(child->stdout_fd);
  say(describe(relay->stats()));
  relay->stop();
  say("exit code " + std::to_string(code));
  return code;
}
