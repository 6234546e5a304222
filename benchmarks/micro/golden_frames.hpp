// Golden frames of protocol.md §5 used as benchmark inputs, copied byte for byte so the
// benchmarks build from a clean clone (the unit tests keep their own copy). Each benchmark
// checks once, before timing, that the code under test still produces or accepts exactly
// these bytes, so a figure never describes a wrong encoding.
#pragma once

#include <cstddef>
#include <string_view>

namespace bench_golden {

inline constexpr std::string_view handshake_channel =
    "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
inline constexpr std::string_view session_channel = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline constexpr std::string_view dapp_client_id = "d1a2b3c4-0000-4000-8000-000000000001";
inline constexpr std::string_view wallet_client_id = "e1a2b3c4-0000-4000-8000-000000000002";
inline constexpr std::string_view wallet_conn_id = "0a0a0a0a-0000-4000-8000-00000000000a";

// C7a publish command (wallet → handshake offer, MockKeyManager), 377 bytes.
inline constexpr std::string_view c7a_publish =
    R"J({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}"},"id":6})J";
static_assert(c7a_publish.size() == 377);

// C7b pub push delivered to every subscriber of the handshake channel, 453 bytes.
inline constexpr std::string_view c7b_pub_push =
    R"J({"push":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","pub":{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":1}}})J";
static_assert(c7b_pub_push.size() == 453);

// M6a MockKeyManager payload of the load-test request, messageId 1 (228 chars).
inline constexpr std::string_view m6a_payload =
    R"J(eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==)J";
static_assert(m6a_payload.size() == 228);

// M8 request publish frame (dApp, MockKeyManager, nonce 1, id 13), 400 bytes.
inline constexpr std::string_view m8_request_publish =
    R"J({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==\"}"},"id":13})J";
static_assert(m8_request_publish.size() == 400);

}  // namespace bench_golden
