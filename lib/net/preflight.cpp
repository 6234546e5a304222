#include "relayload/net/preflight.hpp"

#include <sys/resource.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace relayload::net {

namespace {

// Descriptors the process needs besides sockets: stdio, the event loops' epoll and eventfd
// descriptors, the output file, a few libraries' own.
constexpr std::uint64_t fd_reserve = 64;

bool read_numbers(const char* path, std::uint64_t& a, std::uint64_t* b = nullptr) {
  std::ifstream in(path);
  if (!in) return false;
  in >> a;
  if (b != nullptr) in >> *b;
  return static_cast<bool>(in);
}

std::string num(std::uint64_t v) { return std::to_string(v); }

// Tests inject the limits so that a pre-flight failure can be shown on any machine (a
// container with a million open files included): RELAYLOAD_TEST_NOFILE_LIMIT=N sets the soft
// and hard open-file limits to N, RELAYLOAD_TEST_PORT_RANGE="LOW HIGH" the ephemeral ports.
// Read here only; nothing else in the tool looks at them.
void apply_test_overrides(system_limits& l) {
  if (const char* v = std::getenv("RELAYLOAD_TEST_NOFILE_LIMIT"); v != nullptr && *v != '\0') {
    std::istringstream in(v);
    std::uint64_t n = 0;
    if (in >> n) l.open_files_soft = l.open_files_hard = n;
  }
  if (const char* v = std::getenv("RELAYLOAD_TEST_PORT_RANGE"); v != nullptr && *v != '\0') {
    std::istringstream in(v);
    std::uint64_t low = 0, high = 0;
    if (in >> low >> high) {
      l.ephemeral_port_low = low;
      l.ephemeral_port_high = high;
    }
  }
}

}  // namespace

system_limits read_system_limits() {
  system_limits l;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    l.open_files_soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
    l.open_files_hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
  }
  read_numbers("/proc/sys/net/ipv4/ip_local_port_range", l.ephemeral_port_low,
               &l.ephemeral_port_high);
  read_numbers("/proc/sys/net/netfilter/nf_conntrack_max", l.conntrack_max);
  read_numbers("/proc/sys/net/netfilter/nf_conntrack_count", l.conntrack_count);
  apply_test_overrides(l);
  return l;
}

std::vector<std::string> preflight_problems(const preflight_request& r, const system_limits& l) {
  std::vector<std::string> out;
  const std::uint64_t fds = r.client_sockets + r.server_sockets + fd_reserve;
  if (l.open_files_soft != 0 && fds > l.open_files_soft) {
    std::string s = "open files: this process needs about " + num(fds) + " descriptors (" +
                    num(r.client_sockets) + " client sockets";
    if (r.server_sockets > 0) s += " + " + num(r.server_sockets) + " for the in-process relay";
    s += "), but its limit is " + num(l.open_files_soft) + " (hard limit " +
         num(l.open_files_hard) + ")";
    if (fds > l.open_files_hard) {
      s += "; spread the load over several processes (MPI ranks, --shard) or raise the hard "
           "limit (ulimit -Hn, /etc/security/limits.conf)";
      if (r.server_sockets > 0) s += ", and run the relay as its own process (relayload-cli relay)";
    } else {
      s += "; raise it with ulimit -n " + num(l.open_files_hard);
    }
    out.push_back(std::move(s));
  }
  const std::uint64_t ports = l.ephemeral_ports();
  const std::uint64_t sources = r.source_addresses == 0 ? 1 : r.source_addresses;
  if (ports != 0 && r.client_sockets > ports * sources) {
    out.push_back("ephemeral ports: " + num(r.client_sockets) + " connections to one destination " +
                  "need more than the " + num(ports) + " local ports (" +
                  num(l.ephemeral_port_low) + "-" + num(l.ephemeral_port_high) + ") × " +
                  num(sources) + " source address(es) = " + num(ports * sources) +
                  "; add source addresses with --source-ips (e.g. 127.0.0.2-127.0.0.9 on "
                  "loopback) or widen net.ipv4.ip_local_port_range");
  }
  if (l.conntrack_max != 0) {
    // Each TCP connection is one conntrack entry (loopback: still one per connection).
    const std::uint64_t need = r.client_sockets + l.conntrack_count;
    if (need > l.conntrack_max) {
      out.push_back("conntrack: " + num(r.client_sockets) + " new connections on top of the " +
                    num(l.conntrack_count) + " tracked now exceed net.netfilter." +
                    "nf_conntrack_max = " + num(l.conntrack_max) +
                    "; raise it (sysctl -w net.netfilter.nf_conntrack_max=" +
                    num(need * 2) + ")");
    }
  }
  return out;
}

std::vector<std::string> preflight_advice(const preflight_request& r, const system_limits& l) {
  std::vector<std::string> out;
  const std::uint64_t ports = l.ephemeral_ports();
  const std::uint64_t sources = r.source_addresses == 0 ? 1 : r.source_addresses;
  const std::uint64_t run = r.run_client_sockets == 0 ? r.client_sockets : r.run_client_sockets;
  // Measured on loopback (benchmarks/RESULTS.md): at 35 % and 44 % of the range the search
  // did not show in the generator's CPU; at 55 % (250K over 16 addresses) it doubled the
  // connect CPU and the run collapsed, at 64 % it was 61 % of the CPU samples.
  if (ports == 0 || run <= ports * sources / 2 || r.client_sockets > ports * sources) return out;
  constexpr std::uint64_t per_address = 2000;
  const std::uint64_t want = (run + per_address - 1) / per_address;
  std::string s = "source addresses: " + num(run) + " connections";
  if (run != r.client_sockets) s += " (the whole run, all shards on this machine)";
  s += " from " + num(sources) + " source address(es) take " + num(run * 100 / (ports * sources)) +
       "% of each address's " + num(ports) + " ephemeral ports towards the target; connect()'s " +
       "search for a free port then costs more than the rest of the connect. --source-ips with " +
       "about " + num(want) + " addresses (one per " + num(per_address) + " connections";
  if (want <= 254) s += ", e.g. 127.0.1.1-127.0.1." + num(want) + " on loopback";
  s += ") keeps it cheap";
  out.push_back(std::move(s));
  return out;
}

preflight_result run_preflight(const preflight_request& request) {
  preflight_result res;
  res.limits = read_system_limits();
  const std::uint64_t fds = request.client_sockets + request.server_sockets + fd_reserve;
  if (request.raise_soft_limit && fds > res.limits.open_files_soft &&
      res.limits.open_files_soft < res.limits.open_files_hard) {
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      const std::uint64_t before = res.limits.open_files_soft;
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
        res.limits.open_files_soft = res.limits.open_files_hard;
        res.actions.push_back("raised the soft open-file limit from " + num(before) + " to " +
                              num(res.limits.open_files_soft));
      }
    }
  }
  res.problems = preflight_problems(request, res.limits);
  res.advice = preflight_advice(request, res.limits);
  return res;
}

}  // namespace relayload::net
