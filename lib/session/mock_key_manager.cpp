#include "relayload/session/mock_key_manager.hpp"

#include "relayload/wire/base64.hpp"

namespace relayload::session {

bytes mock_key_manager::private_key() { return bytes(32, 0x42); }

bytes mock_key_manager::public_key() { return bytes(33, 0x43); }

key_pair mock_key_manager::generate_key_pair() { return {private_key(), public_key()}; }

result<std::string> mock_key_manager::encrypt(std::string_view plaintext,
                                              const bytes& /*their_public_key*/) {
  return wire::base64_encode(plaintext);
}

result<std::string> mock_key_manager::decrypt(std::string_view payload_b64,
                                              const bytes& /*my_private_key*/) {
  return wire::base64_decode(payload_b64, wire::base64_mode::lenient);
}

result<void> mock_key_manager::validate_peer_key(const bytes& /*public_key*/) { return {}; }

}  // namespace relayload::session
