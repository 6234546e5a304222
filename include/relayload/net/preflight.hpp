// relayload::net::preflight — checks, before a run starts, that this machine can hold the
// connections asked for, and lists every problem at once (open files, ephemeral ports per
// source address and destination, conntrack), like tcpkali's start-up checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relayload::net {

/// What a run needs from this process and this machine.
struct preflight_request {
  /// Client sockets this process will hold at the same time.
  std::uint64_t client_sockets = 0;
  /// Server sockets this process will hold (an in-process embedded relay accepts every
  /// client connection, so it needs as many again).
  std::uint64_t server_sockets = 0;
  /// Distinct local source addresses the client sockets are spread over (0 or 1: one).
  std::uint64_t source_addresses = 1;
  /// The whole run's client sockets when this process is one shard of it (--shard, MPI
  /// ranks) and the shards share this machine's port space; 0: `client_sockets`. Only the
  /// advice uses it (the kernel's port space is per machine, not per process).
  std::uint64_t run_client_sockets = 0;
  /// Whether the destination is on this machine (loopback): both ends then sit in the
  /// conntrack table and in this machine's port range.
  bool loopback_target = true;
  /// Raise the soft open-file limit towards the hard limit when it is too low.
  bool raise_soft_limit = true;
};

/// The limits as read from the system (0 where a value could not be read).
struct system_limits {
  std::uint64_t open_files_soft = 0;
  std::uint64_t open_files_hard = 0;
  std::uint64_t ephemeral_port_low = 0;   ///< /proc/sys/net/ipv4/ip_local_port_range
  std::uint64_t ephemeral_port_high = 0;
  std::uint64_t conntrack_max = 0;        ///< 0 when conntrack is not loaded
  std::uint64_t conntrack_count = 0;

  /// Ports per (source address, destination) pair.
  std::uint64_t ephemeral_ports() const noexcept {
    return ephemeral_port_high >= ephemeral_port_low && ephemeral_port_high > 0
               ? ephemeral_port_high - ephemeral_port_low + 1
               : 0;
  }
};

struct preflight_result {
  system_limits limits;
  /// Every problem, each a sentence with the numbers and what to do about it. Empty: go.
  std::vector<std::string> problems;
  /// What was changed (e.g. "raised the soft open-file limit from 1024 to 20000").
  std::vector<std::string> actions;
  /// What would make the run cheaper or steadier without being needed for it to run (e.g.
  /// more source addresses before connect()'s port search gets expensive). Not a problem.
  std::vector<std::string> advice;

  bool ok() const noexcept { return problems.empty(); }
};

/// Reads the current limits (no changes). For tests, the environment variables
/// RELAYLOAD_TEST_NOFILE_LIMIT (N: soft and hard open-file limit) and
/// RELAYLOAD_TEST_PORT_RANGE ("LOW HIGH") replace what the system says.
system_limits read_system_limits();

/// Checks `request` against the limits, raising the soft open-file limit first when
/// allowed and needed. Not thread-safe with respect to other setrlimit callers.
preflight_result run_preflight(const preflight_request& request);

/// The pure part of run_preflight, for tests: the problems of `request` under `limits`.
std::vector<std::string> preflight_problems(const preflight_request& request,
                                            const system_limits& limits);

/// The pure part of the advice: when the run's connections would fill more than half of
/// each source address's ephemeral ports towards one destination, the kernel's search for a
/// free port in connect() becomes the largest share of the generator's CPU (measured:
/// benchmarks/RESULTS.md, "250,000 connections"), so it advises about one source address
/// per 2,000 connections. Empty when that share is lower, or when ports are already short
/// (then it is a problem, not advice).
std::vector<std::string> preflight_advice(const preflight_request& request,
                                          const system_limits& limits);

}  // namespace relayload::net
