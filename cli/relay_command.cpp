// `relayload-cli relay`: the embedded relay in the foreground until SIGINT/SIGTERM, as one
// process or as --workers processes sharing the port with SO_REUSEPORT.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fmt/core.h>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "relayload/relay/embedded_relay.hpp"
#include "signals.hpp"

namespace relayload::cli {

namespace {

relay::embedded_relay_options relay_options(const relay_command& c, std::uint16_t port,
                                            bool reuse_port) {
  relay::embedded_relay_options o;
  o.config_file = c.config_file;
  o.host = c.host;
  o.port = port;
  o.reuse_port = reuse_port;
  o.tls_certificate_file = c.tls_cert;
  o.tls_private_key_file = c.tls_key;
  o.compression = c.compression;
  if (c.ping_interval_ms) {
    o.config.ping_interval = std::chrono::milliseconds(*c.ping_interval_ms);
  }
  o.config.max_publish_rate = c.max_publish_rate;
  o.config.max_connect_rate = c.max_connect_rate;
  // The relay's own thread writes these; they are rare (e.g. the rate-limit queue full).
  o.hooks.log = [](std::string_view line) { std::cerr << "relayload-cli relay: " << line << "\n"; };
  return o;
}

// The test limits for the start-up line, e.g. " (test limits per worker: publish 2.5/s,
// connect unlimited)"; empty without limits, so the usual line is unchanged.
std::string limits_note(const relay_command& c) {
  if (c.max_publish_rate == 0 && c.max_connect_rate == 0) return {};
  const auto rate = [](double r) {
    return r == 0 ? std::string("unlimited") : fmt::format("{}/s", r);
  };
  return fmt::format(" (test limits{}: publish {}, connect {})", c.workers > 1 ? " per worker" : "",
                     rate(c.max_publish_rate), rate(c.max_connect_rate));
}

// Serves until a signal arrives; returns the exit code.
int serve(const relay_command& c, std::uint16_t port, bool reuse_port, bool announce,
          signal_watch& signals) {
  std::unique_ptr<relay::embedded_relay> relay;
  try {
    relay = std::make_unique<relay::embedded_relay>(relay_options(c, port, reuse_port));
    relay->start();
  } catch (const std::exception& e) {
    std::cerr << "relayload-cli relay: error: " << e.what() << "\n";
    return exit_code::usage;
  }
  if (announce) {
    fmt::print("relay listening on {}{}\n", relay->url(), limits_note(c));
    std::fflush(stdout);
  }
  std::unique_ptr<metrics_endpoint> endpoint;
  if (const int code = open_metrics(c.metrics_listen, endpoint); code != exit_code::ok) {
    relay->stop();
    return code;
  }
  if (endpoint) {
    // stats() posts to the relay's thread and waits: no cross-thread reads of its counters.
    endpoint->serve(
        [r = relay.get()] {
          metrics::exposition e;
          add_relay_metrics(e, r->stats(), {});
          return e;
        },
        {});
  }
  while (signals.wait(std::chrono::milliseconds(1000)) == 0) {
  }
  endpoint.reset();  // before the relay it reads from
  relay->stop();
  return exit_code::ok;
}

// A port every worker can bind: held by a SO_REUSEPORT socket that never listens.
int reserve_port(const std::string& host, std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

}  // namespace

int run_relay(const relay_command& command) {
  signal_watch signals;  // inherited by forked workers
  if (command.workers <= 1) return serve(command, command.port, false, true, signals);

  std::uint16_t port = command.port;
  const int holder = reserve_port(command.host, port);
  if (holder < 0) {
    std::cerr << "relayload-cli relay: error: cannot bind " << command.host << ":"
              << command.port << " (an IPv4 address and a free port are needed for --workers)\n";
    return exit_code::usage;
  }
  std::vector<pid_t> children;
  for (unsigned i = 0; i < command.workers; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(holder);
      ::_exit(serve(command, port, true, false, signals));
    }
    if (pid < 0) {
      std::cerr << "relayload-cli relay: error: fork failed\n";
      break;
    }
    children.push_back(pid);
  }
  fmt::print("relay listening on {}://{}:{}/connection/websocket ({} worker processes sharing "
             "the port; channels are per worker){}\n",
             command.tls_cert.empty() ? "ws" : "wss", command.host, port, children.size(),
             limits_note(command));
  std::fflush(stdout);
  ::close(holder);
  int code = exit_code::ok;
  std::size_t alive = children.size();
  while (alive > 0) {
    if (signals.wait(std::chrono::milliseconds(500)) != 0) {
      for (pid_t p : children) ::kill(p, SIGTERM);
    }
    int status = 0;
    pid_t done;
    while ((done = ::waitpid(-1, &status, WNOHANG)) > 0) {
      --alive;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) code = exit_code::usage;
    }
  }
  return code;
}

}  // namespace relayload::cli
