// Golden vectors copied verbatim from spec/protocol.md §5.1–§5.2 (C7a, M1–M9), so the tests
// run from a clean clone. Fixed values: session id 3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f,
// session channel uuid 7c9e6679-7425-40de-944b-e07fc1f90ae7, dApp clientId
// d1a2b3c4-0000-4000-8000-000000000001, wallet clientId e1a2b3c4-0000-4000-8000-000000000002,
// expiresAt 1700000060000, OTP 123456, deadline 1700000065000, MockKeyManager.
#pragma once

#include <string>

namespace relayload::session::test::golden {

inline const std::string C7a =
    R"g({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}"},"id":6})g";
inline const std::string M1 =
    R"g({"id":"3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","mode":"trusted","channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","expiresAt":1700000060000})g";
inline const std::string M2 =
    R"g({"id":"3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","mode":"untrusted","channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","expiresAt":1700000060000,"initialMessage":{"type":"message","payload":{"method":"eth_requestAccounts"}}})g";
inline const std::string M3_plain =
    R"g({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}})g";
inline const std::string M3_payload =
    R"g(eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==)g";
inline const std::string M3_envelope =
    R"g({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ=="})g";
inline const std::string M4_plain =
    R"g({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","otp":"123456","deadline":1700000065000}})g";
inline const std::string M4_payload =
    R"g(eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyIsIm90cCI6IjEyMzQ1NiIsImRlYWRsaW5lIjoxNzAwMDAwMDY1MDAwfX0=)g";
inline const std::string M4_envelope =
    R"g({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyIsIm90cCI6IjEyMzQ1NiIsImRlYWRsaW5lIjoxNzAwMDAwMDY1MDAwfX0="})g";
inline const std::string M5_envelope =
    R"g({"clientId":"d1a2b3c4-0000-4000-8000-000000000001","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9"})g";
inline const std::string M6a_envelope =
    R"g({"clientId":"d1a2b3c4-0000-4000-8000-000000000001","nonce":1,"payload":"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ=="})g";
inline const std::string M6b_envelope =
    R"g({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19"})g";
inline const std::string M7 =
    R"g({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9\"}"},"id":12})g";
inline const std::string M8 =
    R"g({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==\"}"},"id":13})g";
inline const std::string M9 =
    R"g({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}"},"id":14})g";

inline const std::string session_id = "3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
inline const std::string channel_uuid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline const std::string handshake = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
inline const std::string session = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline const std::string dapp_id = "d1a2b3c4-0000-4000-8000-000000000001";
inline const std::string wallet_id = "e1a2b3c4-0000-4000-8000-000000000002";

}  // namespace relayload::session::test::golden
