// Golden frames of protocol.md §5.1 (copied verbatim so the tests work from a clean clone).
#pragma once

namespace golden {

// C1 connect (centrifuge-js, no token) (32 bytes)
constexpr const char* c1 = R"gold({"connect":{"name":"js"},"id":1})gold";
// C2 connect reply (Centrifugo v6 shape) (112 bytes)
constexpr const char* c2 = R"gold({"id":1,"connect":{"client":"0b0b0b0b-0000-4000-8000-00000000000b","version":"6.9.1 OSS","ping":25,"pong":true}})gold";
// C4a subscribe (centrifuge-js 5.4.0) (118 bytes)
constexpr const char* c4a = R"gold({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":2})gold";
// C4b subscribe (centrifuge-js >=5.5) (127 bytes)
constexpr const char* c4b = R"gold({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true,"flag":1},"id":2})gold";
// C5a subscribe reply, empty stream (78 bytes)
constexpr const char* c5a = R"gold({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","positioned":true}})gold";
// C5b subscribe reply, stream top=1 (89 bytes)
constexpr const char* c5b = R"gold({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","offset":1,"positioned":true}})gold";
// C6a history cmd (90 bytes)
constexpr const char* c6a = R"gold({"history":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","limit":50},"id":3})gold";
// C6b history reply, empty (68 bytes)
constexpr const char* c6b = R"gold({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":0}})gold";
// C6c history reply, one publication (trusted offer, MockKeyManager) (445 bytes)
constexpr const char* c6c = R"gold({"id":3,"history":{"publications":[{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":1}],"epoch":"AbCdEfGh","offset":1}})gold";
// C7a publish cmd (wallet -> handshake offer, MockKeyManager) (377 bytes)
constexpr const char* c7a = R"gold({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}"},"id":6})gold";
// C7b push delivered to every subscriber of the channel (453 bytes)
constexpr const char* c7b = R"gold({"push":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","pub":{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":1}}})gold";
// C7c publish reply (21 bytes)
constexpr const char* c7c = R"gold({"id":6,"publish":{}})gold";
// C8a re-subscribe after reconnect, batched with connect (one WebSocket text frame) (194 bytes)
constexpr const char* c8a = R"gold({"connect":{"name":"js"},"id":8}
{"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"offset":1,"epoch":"QrStUvWx"},"id":9})gold";
// C8b reply frame: new connection id + recovered publication at offset 2 (wallet response published while the dApp was away) (668 bytes)
constexpr const char* c8b = R"gold({"id":8,"connect":{"client":"0b0b0b0b-0000-4000-8000-0000000000bb","version":"6.9.1 OSS","ping":25,"pong":true}}
{"id":9,"subscribe":{"recoverable":true,"epoch":"QrStUvWx","publications":[{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":2}],"recovered":true,"offset":1,"positioned":true,"was_recovering":true}})gold";
// C8c not recoverable (epoch changed / history expired) (111 bytes)
constexpr const char* c8c = R"gold({"id":9,"subscribe":{"recoverable":true,"epoch":"NewEpoch","offset":7,"positioned":true,"was_recovering":true}})gold";
// C9a unsubscribe command (83 bytes)
constexpr const char* c9a = R"gold({"unsubscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f"},"id":7})gold";
// C9b unsubscribe reply (25 bytes)
constexpr const char* c9b = R"gold({"id":7,"unsubscribe":{}})gold";
constexpr const char* c10_0 = R"gold({"id":2,"error":{"code":102,"message":"unknown channel"}})gold";
constexpr const char* c10_1 = R"gold({"id":2,"error":{"code":103,"message":"permission denied"}})gold";
constexpr const char* c10_2 = R"gold({"id":2,"error":{"code":105,"message":"already subscribed"}})gold";
constexpr const char* c10_3 = R"gold({"id":2,"error":{"code":107,"message":"bad request"}})gold";
constexpr const char* c10_4 = R"gold({"id":4,"error":{"code":108,"message":"not available"}})gold";
constexpr const char* c10_5 = R"gold({"id":4,"error":{"code":100,"message":"internal server error","temporary":true}})gold";
// C11 server unsubscribe push (insufficient state -> client must resubscribe with recover) (125 bytes)
constexpr const char* c11 = R"gold({"push":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","unsubscribe":{"code":2500,"reason":"insufficient state"}}})gold";
// M7 ack publish frame (dApp, MockKeyManager) (204 bytes)
constexpr const char* m7 = R"gold({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9\"}"},"id":12})gold";
// M8 request publish frame (dApp, MockKeyManager) (400 bytes)
constexpr const char* m8 = R"gold({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==\"}"},"id":13})gold";
// M9 response publish frame (wallet, MockKeyManager) (408 bytes)
constexpr const char* m9 = R"gold({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}"},"id":14})gold";

}  // namespace golden
