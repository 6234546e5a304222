#include <catch2/catch.hpp>

#include "relayload/net/preflight.hpp"

namespace net = relayload::net;

namespace {
net::system_limits machine_like_this() {
  net::system_limits l;
  l.open_files_soft = 20000;
  l.open_files_hard = 20000;
  l.ephemeral_port_low = 32768;
  l.ephemeral_port_high = 60999;
  l.conntrack_max = 262144;
  l.conntrack_count = 100;
  return l;
}
}  // namespace

TEST_CASE("preflight passes a load that fits", "[net][preflight]") {
  net::preflight_request r;
  r.client_sockets = 10000;
  CHECK(net::preflight_problems(r, machine_like_this()).empty());
}

TEST_CASE("preflight lists every limit problem at once", "[net][preflight]") {
  auto l = machine_like_this();
  l.conntrack_max = 30000;
  net::preflight_request r;
  r.client_sockets = 40000;
  r.server_sockets = 40000;
  const auto problems = net::preflight_problems(r, l);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].rfind("open files:", 0) == 0);
  CHECK(problems[0].find("80064") != std::string::npos);       // what is needed
  CHECK(problems[0].find("relayload-cli relay") != std::string::npos);
  CHECK(problems[1].rfind("ephemeral ports:", 0) == 0);
  CHECK(problems[1].find("--source-ips") != std::string::npos);
  CHECK(problems[2].rfind("conntrack:", 0) == 0);
}

TEST_CASE("more source addresses lift the per-destination port limit", "[net][preflight]") {
  auto l = machine_like_this();
  l.open_files_soft = l.open_files_hard = 1000000;
  net::preflight_request r;
  r.client_sockets = 100000;
  r.source_addresses = 1;
  CHECK(net::preflight_problems(r, l).size() == 1);
  r.source_addresses = 4;  // 4 × 28232 ports
  CHECK(net::preflight_problems(r, l).empty());
}

TEST_CASE("a soft limit below the hard limit is a problem that names the fix", "[net][preflight]") {
  auto l = machine_like_this();
  l.open_files_soft = 1024;
  net::preflight_request r;
  r.client_sockets = 5000;
  const auto problems = net::preflight_problems(r, l);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("ulimit -n 20000") != std::string::npos);
}

TEST_CASE("read_system_limits reads this machine", "[net][preflight]") {
  const auto l = net::read_system_limits();
  CHECK(l.open_files_soft > 0);
  CHECK(l.open_files_hard >= l.open_files_soft);
}

TEST_CASE("preflight advises more source addresses before the port search gets expensive",
          "[net][preflight]") {
  auto l = machine_like_this();
  l.open_files_soft = l.open_files_hard = 1000000;
  net::preflight_request r;
  r.client_sockets = 10000;  // 35 % of one address's 28,232 ports: measured cheap, no advice
  CHECK(net::preflight_advice(r, l).empty());

  r.client_sockets = 100000;
  r.source_addresses = 8;  // 12,500 per address = 44 %: measured cheap, no advice
  CHECK(net::preflight_advice(r, l).empty());
  r.source_addresses = 6;  // 16,667 per address = 59 %
  const auto advice = net::preflight_advice(r, l);
  REQUIRE(advice.size() == 1);
  CHECK(advice[0].find("100000 connections from 6 source address(es) take 59%") !=
        std::string::npos);
  CHECK(advice[0].find("about 50 addresses") != std::string::npos);
  CHECK(advice[0].find("127.0.1.1-127.0.1.50") != std::string::npos);
  CHECK(net::preflight_problems(r, l).empty());  // advice, not a problem: the run goes ahead

  r.source_addresses = 64;  // 1,563 per address
  CHECK(net::preflight_advice(r, l).empty());
}

TEST_CASE("preflight advice counts every shard of the run that shares this machine",
          "[net][preflight]") {
  auto l = machine_like_this();
  net::preflight_request r;
  r.client_sockets = 17858;  // one of 14 shards of 250,000
  r.run_client_sockets = 250000;
  r.source_addresses = 16;
  const auto advice = net::preflight_advice(r, l);
  REQUIRE(advice.size() == 1);
  CHECK(advice[0].find("250000 connections (the whole run, all shards on this machine)") !=
        std::string::npos);
  CHECK(advice[0].find("about 125 addresses") != std::string::npos);

  r.run_client_sockets = 0;  // alone, 17,858 over 16 addresses is cheap
  CHECK(net::preflight_advice(r, l).empty());
}

TEST_CASE("preflight gives no advice where ports are short: that is a problem",
          "[net][preflight]") {
  auto l = machine_like_this();
  l.open_files_soft = l.open_files_hard = 1000000;
  net::preflight_request r;
  r.client_sockets = 40000;  // more than one address's ports
  CHECK(net::preflight_advice(r, l).empty());
  REQUIRE(net::preflight_problems(r, l).size() == 1);
}
