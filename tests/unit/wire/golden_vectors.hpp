// Golden vectors of protocol.md §5.1 and §5.2, copied byte for byte (with the byte counts the
// spec gives) so the tests run from a clean clone. C8a and C8b are one frame each: the line
// break inside them is the single 0x0A separator.
#pragma once

#include <cstddef>
#include <string_view>

namespace golden {

// Fixed values used by the vectors (§5).
inline constexpr std::string_view session_id = "3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
inline constexpr std::string_view session_uuid = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline constexpr std::string_view handshake_channel = "handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f";
inline constexpr std::string_view session_channel = "session:7c9e6679-7425-40de-944b-e07fc1f90ae7";
inline constexpr std::string_view dapp_client_id = "d1a2b3c4-0000-4000-8000-000000000001";
inline constexpr std::string_view wallet_client_id = "e1a2b3c4-0000-4000-8000-000000000002";
inline constexpr std::string_view dapp_conn_id = "0b0b0b0b-0000-4000-8000-00000000000b";
inline constexpr std::string_view wallet_conn_id = "0a0a0a0a-0000-4000-8000-00000000000a";
inline constexpr std::string_view mock_public_key_b64 = "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND";

// C1 — C1 connect (centrifuge-js, no token) (32 bytes)
inline constexpr std::string_view c1_connect = R"J({"connect":{"name":"js"},"id":1})J";
inline constexpr std::size_t c1_connect_size = 32;

// C2 — C2 connect reply (Centrifugo v6 shape) (112 bytes)
inline constexpr std::string_view c2_connect_reply = R"J({"id":1,"connect":{"client":"0b0b0b0b-0000-4000-8000-00000000000b","version":"6.9.1 OSS","ping":25,"pong":true}})J";
inline constexpr std::size_t c2_connect_reply_size = 112;

// C4a — C4a subscribe (centrifuge-js 5.4.0) (118 bytes)
inline constexpr std::string_view c4a_subscribe = R"J({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true},"id":2})J";
inline constexpr std::size_t c4a_subscribe_size = 118;

// C4b — C4b subscribe (centrifuge-js >=5.5) (127 bytes)
inline constexpr std::string_view c4b_subscribe_flag = R"J({"subscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","positioned":true,"recoverable":true,"flag":1},"id":2})J";
inline constexpr std::size_t c4b_subscribe_flag_size = 127;

// C5a — C5a subscribe reply, empty stream (78 bytes)
inline constexpr std::string_view c5a_subscribe_reply_empty = R"J({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","positioned":true}})J";
inline constexpr std::size_t c5a_subscribe_reply_empty_size = 78;

// C5b — C5b subscribe reply, stream top=1 (89 bytes)
inline constexpr std::string_view c5b_subscribe_reply_top1 = R"J({"id":2,"subscribe":{"recoverable":true,"epoch":"AbCdEfGh","offset":1,"positioned":true}})J";
inline constexpr std::size_t c5b_subscribe_reply_top1_size = 89;

// C6a — C6a history cmd (90 bytes)
inline constexpr std::string_view c6a_history = R"J({"history":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","limit":50},"id":3})J";
inline constexpr std::size_t c6a_history_size = 90;

// C6b — C6b history reply, empty (68 bytes)
inline constexpr std::string_view c6b_history_reply_empty = R"J({"id":3,"history":{"publications":[],"epoch":"AbCdEfGh","offset":0}})J";
inline constexpr std::size_t c6b_history_reply_empty_size = 68;

// C6c — C6c history reply, one publication (trusted offer, MockKeyManager) (445 bytes)
inline constexpr std::string_view c6c_history_reply_one = R"J({"id":3,"history":{"publications":[{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":1}],"epoch":"AbCdEfGh","offset":1}})J";
inline constexpr std::size_t c6c_history_reply_one_size = 445;

// C7a — C7a publish cmd (wallet -> handshake offer, MockKeyManager) (377 bytes)
inline constexpr std::string_view c7a_publish = R"J({"publish":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}"},"id":6})J";
inline constexpr std::size_t c7a_publish_size = 377;

// C7b — C7b push delivered to every subscriber of the channel (453 bytes)
inline constexpr std::string_view c7b_pub_push = R"J({"push":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","pub":{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":1}}})J";
inline constexpr std::size_t c7b_pub_push_size = 453;

// C7c — C7c publish reply (21 bytes)
inline constexpr std::string_view c7c_publish_reply = R"J({"id":6,"publish":{}})J";
inline constexpr std::size_t c7c_publish_reply_size = 21;

// C8a — C8a re-subscribe after reconnect, batched with connect (one WebSocket text frame) (194 bytes)
inline constexpr std::string_view c8a_reconnect_frame = R"J({"connect":{"name":"js"},"id":8}
{"subscribe":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","positioned":true,"recoverable":true,"recover":true,"offset":1,"epoch":"QrStUvWx"},"id":9})J";
inline constexpr std::size_t c8a_reconnect_frame_size = 194;

// C8b — C8b reply frame: new connection id + recovered publication at offset 2 (wallet response published while the dApp was away) (668 bytes)
inline constexpr std::string_view c8b_reconnect_reply_frame = R"J({"id":8,"connect":{"client":"0b0b0b0b-0000-4000-8000-0000000000bb","version":"6.9.1 OSS","ping":25,"pong":true}}
{"id":9,"subscribe":{"recoverable":true,"epoch":"QrStUvWx","publications":[{"data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}","info":{"user":"","client":"0a0a0a0a-0000-4000-8000-00000000000a"},"offset":2}],"recovered":true,"offset":1,"positioned":true,"was_recovering":true}})J";
inline constexpr std::size_t c8b_reconnect_reply_frame_size = 668;

// C8c — C8c not recoverable (epoch changed / history expired) (111 bytes)
inline constexpr std::string_view c8c_subscribe_reply_not_recovered = R"J({"id":9,"subscribe":{"recoverable":true,"epoch":"NewEpoch","offset":7,"positioned":true,"was_recovering":true}})J";
inline constexpr std::size_t c8c_subscribe_reply_not_recovered_size = 111;

// C9a — C9a unsubscribe command (83 bytes)
inline constexpr std::string_view c9a_unsubscribe = R"J({"unsubscribe":{"channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f"},"id":7})J";
inline constexpr std::size_t c9a_unsubscribe_size = 83;

// C9b — C9b unsubscribe reply (25 bytes)
inline constexpr std::string_view c9b_unsubscribe_reply = R"J({"id":7,"unsubscribe":{}})J";
inline constexpr std::size_t c9b_unsubscribe_reply_size = 25;

// C10 error replies (each a separate reply).
inline constexpr std::string_view c10_error_replies[] = {
    R"J({"id":2,"error":{"code":102,"message":"unknown channel"}})J",
    R"J({"id":2,"error":{"code":103,"message":"permission denied"}})J",
    R"J({"id":2,"error":{"code":105,"message":"already subscribed"}})J",
    R"J({"id":2,"error":{"code":107,"message":"bad request"}})J",
    R"J({"id":4,"error":{"code":108,"message":"not available"}})J",
    R"J({"id":4,"error":{"code":100,"message":"internal server error","temporary":true}})J",
};

// C11 — C11 server unsubscribe push (insufficient state -> client must resubscribe with recover) (125 bytes)
inline constexpr std::string_view c11_unsubscribe_push = R"J({"push":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","unsubscribe":{"code":2500,"reason":"insufficient state"}}})J";
inline constexpr std::size_t c11_unsubscribe_push_size = 125;

// M1 — M1 SessionRequest, trusted, no initial message (209 bytes)
inline constexpr std::string_view m1_session_request_trusted = R"J({"id":"3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","mode":"trusted","channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","expiresAt":1700000060000})J";
inline constexpr std::size_t m1_session_request_trusted_size = 209;

// M2 — M2 SessionRequest, untrusted, with initial message (290 bytes)
inline constexpr std::string_view m2_session_request_untrusted = R"J({"id":"3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","mode":"untrusted","channel":"handshake:3f2b8c1e-9d4a-4e7b-8c6f-1a2b3c4d5e6f","publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","expiresAt":1700000060000,"initialMessage":{"type":"message","payload":{"method":"eth_requestAccounts"}}})J";
inline constexpr std::size_t m2_session_request_untrusted_size = 290;

// M3 — plaintext (151 bytes):
inline constexpr std::string_view m3_plaintext = R"J({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7"}})J";
inline constexpr std::size_t m3_plaintext_size = 151;

// M3 — MockKeyManager payload (204 chars):
inline constexpr std::string_view m3_payload = R"J(eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ==)J";
inline constexpr std::size_t m3_payload_size = 204;

// M3 — envelope = publication `data` content (278 bytes):
inline constexpr std::string_view m3_envelope = R"J({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyJ9fQ=="})J";
inline constexpr std::size_t m3_envelope_size = 278;

// M4 — plaintext (191 bytes):
inline constexpr std::string_view m4_plaintext = R"J({"type":"handshake-offer","payload":{"publicKeyB64":"Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND","channelId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","otp":"123456","deadline":1700000065000}})J";
inline constexpr std::size_t m4_plaintext_size = 191;

// M4 — MockKeyManager payload (256 chars):
inline constexpr std::string_view m4_payload = R"J(eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyIsIm90cCI6IjEyMzQ1NiIsImRlYWRsaW5lIjoxNzAwMDAwMDY1MDAwfX0=)J";
inline constexpr std::size_t m4_payload_size = 256;

// M4 — envelope = publication `data` content (330 bytes):
inline constexpr std::string_view m4_envelope = R"J({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLW9mZmVyIiwicGF5bG9hZCI6eyJwdWJsaWNLZXlCNjQiOiJRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORFEwTkRRME5EUTBORCIsImNoYW5uZWxJZCI6IjdjOWU2Njc5LTc0MjUtNDBkZS05NDRiLWUwN2ZjMWY5MGFlNyIsIm90cCI6IjEyMzQ1NiIsImRlYWRsaW5lIjoxNzAwMDAwMDY1MDAwfX0="})J";
inline constexpr std::size_t m4_envelope_size = 330;

// M5 — plaintext (24 bytes):
inline constexpr std::string_view m5_plaintext = R"J({"type":"handshake-ack"})J";
inline constexpr std::size_t m5_plaintext_size = 24;

// M5 — MockKeyManager payload (32 chars):
inline constexpr std::string_view m5_payload = R"J(eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9)J";
inline constexpr std::size_t m5_payload_size = 32;

// M5 — envelope = publication `data` content (106 bytes):
inline constexpr std::string_view m5_envelope = R"J({"clientId":"d1a2b3c4-0000-4000-8000-000000000001","nonce":1,"payload":"eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9"})J";
inline constexpr std::size_t m5_envelope_size = 106;

// M6a — plaintext (169 bytes):
inline constexpr std::string_view m6a_plaintext = R"J({"type":"message","payload":{"method":"personal_sign","params":["0x4578616d706c65206d65737361676520746f207369676e","0x1234567890abcdef1234567890abcdef12345678"],"id":1}})J";
inline constexpr std::size_t m6a_plaintext_size = 169;

// M6a — MockKeyManager payload (228 chars):
inline constexpr std::string_view m6a_payload = R"J(eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==)J";
inline constexpr std::size_t m6a_payload_size = 228;

// M6a — envelope = publication `data` content (302 bytes):
inline constexpr std::string_view m6a_envelope = R"J({"clientId":"d1a2b3c4-0000-4000-8000-000000000001","nonce":1,"payload":"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ=="})J";
inline constexpr std::size_t m6a_envelope_size = 302;

// M6b — plaintext (177 bytes):
inline constexpr std::string_view m6b_plaintext = R"J({"type":"message","payload":{"result":"0x1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b01","id":1}})J";
inline constexpr std::size_t m6b_plaintext_size = 177;

// M6b — MockKeyManager payload (236 chars):
inline constexpr std::string_view m6b_payload = R"J(eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19)J";
inline constexpr std::size_t m6b_payload_size = 236;

// M6b — envelope = publication `data` content (310 bytes):
inline constexpr std::string_view m6b_envelope = R"J({"clientId":"e1a2b3c4-0000-4000-8000-000000000002","nonce":1,"payload":"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19"})J";
inline constexpr std::size_t m6b_envelope_size = 310;

// M7 — M7 ack publish frame (dApp, MockKeyManager) (204 bytes)
inline constexpr std::string_view m7_ack_publish = R"J({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoiaGFuZHNoYWtlLWFjayJ9\"}"},"id":12})J";
inline constexpr std::size_t m7_ack_publish_size = 204;

// M8 — M8 request publish frame (dApp, MockKeyManager) (400 bytes)
inline constexpr std::string_view m8_request_publish = R"J({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"d1a2b3c4-0000-4000-8000-000000000001\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsibWV0aG9kIjoicGVyc29uYWxfc2lnbiIsInBhcmFtcyI6WyIweDQ1Nzg2MTZkNzA2YzY1MjA2ZDY1NzM3MzYxNjc2NTIwNzQ2ZjIwNzM2OTY3NmUiLCIweDEyMzQ1Njc4OTBhYmNkZWYxMjM0NTY3ODkwYWJjZGVmMTIzNDU2NzgiXSwiaWQiOjF9fQ==\"}"},"id":13})J";
inline constexpr std::size_t m8_request_publish_size = 400;

// M9 — M9 response publish frame (wallet, MockKeyManager) (408 bytes)
inline constexpr std::string_view m9_response_publish = R"J({"publish":{"channel":"session:7c9e6679-7425-40de-944b-e07fc1f90ae7","data":"{\"clientId\":\"e1a2b3c4-0000-4000-8000-000000000002\",\"nonce\":1,\"payload\":\"eyJ0eXBlIjoibWVzc2FnZSIsInBheWxvYWQiOnsicmVzdWx0IjoiMHgxYjJhM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiM2M0ZDVlNmY3YThiOWMwZDFlMmYzYTRiNWM2ZDdlOGY5YTBiMWMyZDNlNGY1YTZiN2M4ZDllMGYxYTJiMDEiLCJpZCI6MX19\"}"},"id":14})J";
inline constexpr std::size_t m9_response_publish_size = 408;

}  // namespace golden
