#include "live_metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "relayload/wire/command.hpp"

namespace relayload::cli {

namespace {

double u(std::uint64_t v) { return static_cast<double>(v); }

}  // namespace

void add_process_metrics(metrics::exposition& e, const metrics::metric_labels& labels) {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) {
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    e.add_counter("process_cpu_seconds", "Total user and system CPU time spent in seconds", labels,
                  cpu);
  }
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long long size = 0, resident = 0;
    if (std::fscanf(f, "%llu %llu", &size, &resident) == 2) {
      e.add_gauge("process_virtual_memory_bytes", "Virtual memory size in bytes", labels,
                  static_cast<double>(size) * page);
      e.add_gauge("process_resident_memory_bytes", "Resident memory size in bytes", labels,
                  static_cast<double>(resident) * page);
    }
    std::fclose(f);
  }
  // No process_open_fds: counting /proc/self/fd took 8.6 ms per scrape with 10,000 sockets
  // open, 2.6 % of the generator's CPU at 1 scrape/s (benchmarks/RESULTS.md, issue 17).
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    e.add_gauge("process_max_fds", "Maximum number of open file descriptors", labels,
                u(limit.rlim_cur));
  }
}

void add_relay_metrics(metrics::exposition& e, const relay::relay_stats& s,
                       const metrics::metric_labels& l) {
  e.add_gauge("centrifugo_node_num_clients", "Number of clients connected (connect completed)", l,
              u(s.connections_connected));
  e.add_gauge("centrifugo_node_num_subscriptions", "Number of subscriptions", l,
              u(s.subscriptions));
  e.add_gauge("centrifugo_node_num_channels", "Number of channels with subscribers or history", l,
              u(s.channels));
  e.add_gauge("relayload_relay_connections_open",
              "Open WebSocket connections, also those that have not sent connect yet", l,
              u(s.connections_current));
  e.add_counter("relayload_relay_connections_opened", "WebSocket connections accepted", l,
                u(s.connections_total));
  for (std::size_t i = 0; i < relay::relay_stats::method_count; ++i) {
    if (s.commands[i] == 0) continue;
    auto labels = l;
    labels.emplace_back("method", wire::to_string(static_cast<wire::method>(i)));
    e.add_counter("relayload_relay_commands", "Commands received, by method", labels,
                  u(s.commands[i]));
  }
  e.add_counter("relayload_relay_publications", "Publish commands accepted", l, u(s.publishes));
  e.add_counter("relayload_relay_pushes", "Publications pushed to subscribers", l, u(s.pushes));
  e.add_gauge("relayload_relay_history_channels", "Channels with a history stream", l,
              u(s.history_channels));
  e.add_gauge("relayload_relay_history_publications", "Publications held in history", l,
              u(s.history_publications));
  e.add_counter("relayload_relay_frames_received", "WebSocket messages received", l,
                u(s.frames_in));
  e.add_counter("relayload_relay_frames_sent", "WebSocket messages sent", l, u(s.frames_out));
  e.add_counter("relayload_relay_received_bytes", "WebSocket payload bytes received", l,
                u(s.bytes_in));
  e.add_counter("relayload_relay_sent_bytes", "WebSocket payload bytes sent", l, u(s.bytes_out));
  for (const auto& [code, n] : s.errors_by_code) {
    auto labels = l;
    labels.emplace_back("code", std::to_string(code));
    e.add_counter("relayload_relay_reply_errors", "Error replies sent, by Centrifugo error code",
                  labels, u(n));
  }
  for (const auto& [code, n] : s.disconnects_by_code) {
    auto labels = l;
    labels.emplace_back("code", std::to_string(code));
    e.add_counter("relayload_relay_disconnects", "Connections the relay closed, by close code",
                  labels, u(n));
  }
  e.add_counter("relayload_relay_client_disconnects",
                "Connections closed by the client or the transport", l, u(s.client_disconnects));
}

std::unique_ptr<metrics_endpoint> metrics_endpoint::open(const listen_address& address) {
  std::unique_ptr<metrics_endpoint> ep(new metrics_endpoint());
  net::metrics_server_options o;
  o.host = address.host;
  o.port = address.port;
  o.content_type = std::string(metrics::prometheus_text_content_type);
  o.render = [p = ep.get()] { return p->render(); };
  ep->server_ = std::make_unique<net::metrics_server>(std::move(o));
  std::error_code ec;
  ep->server_->start(ec);
  if (ec) {
    const bool v6 = address.host.find(':') != std::string::npos;
    std::cerr << "relayload-cli: error: --metrics-listen "
              << (v6 ? "[" + address.host + "]" : address.host) << ":" << address.port
              << ": cannot listen: " << ec.message()
              << (ec == std::errc::address_in_use ? " (another process holds the port; give "
                                                    "another, or 0 for any free port)"
                  : ec == std::errc::address_not_available ? " (not an address of this host)"
                                                           : "")
              << "\n";
    return nullptr;
  }
  return ep;
}

metrics_endpoint::~metrics_endpoint() {
  if (server_) server_->stop();
}

void metrics_endpoint::serve(std::function<metrics::exposition()> collect,
                             metrics::metric_labels process_labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  collect_ = std::move(collect);
  process_labels_ = std::move(process_labels);
}

std::string metrics_endpoint::render() {
  std::lock_guard<std::mutex> lock(mutex_);
  metrics::exposition e;
  if (collect_) e = collect_();
  add_process_metrics(e, process_labels_);
  return metrics::render_prometheus_text(e);
}

}  // namespace relayload::cli
