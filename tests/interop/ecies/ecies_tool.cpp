// ecies_tool — relayload's ECIES (session::ecies_key_manager) on the command line, so that
// ecies_interop.mjs can check it against the real eciesjs 0.4.17 from npm.
//
//   ecies_tool [options] keygen                    → "<private hex>\n<public hex>\n"
//   ecies_tool [options] pubkey <privhex>          → "<compressed public hex>\n"
//   ecies_tool [options] encrypt <pubhex> <text>   → "<base64 payload>\n"
//   ecies_tool [options] decrypt <privhex> <b64>   → the plaintext, exactly (no newline added)
//   ecies_tool [options] validate <pubhex>         → "valid\n" or "invalid\n"
//
// options (the eciesjs ECIES_CONFIG switches; defaults are eciesjs's):
//   --ephemeral-compressed  --hkdf-compressed  --cipher aes-256-gcm|xchacha20
//   --nonce-length 12|16    --hex (plaintext argument and output are hex)
//
// Exit status: 0 success, 1 a crypto failure (the error name on stderr), 2 bad usage.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "relayload/error.hpp"
#include "relayload/session/ecies_key_manager.hpp"

namespace {

using relayload::session::bytes;

int usage(const char* why) {
  std::fprintf(stderr,
               "ecies_tool: %s\n"
               "usage: ecies_tool [--ephemeral-compressed] [--hkdf-compressed] "
               "[--cipher aes-256-gcm|xchacha20] [--nonce-length 12|16] [--hex]\n"
               "                  keygen | pubkey PRIVHEX | encrypt PUBHEX TEXT | "
               "decrypt PRIVHEX B64 | validate PUBHEX\n",
               why);
  return 2;
}

bool from_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]);
    const int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

bool key_from_hex(std::string_view hex, bytes& out) {
  std::string raw;
  if (!from_hex(hex, raw)) return false;
  out.assign(raw.begin(), raw.end());
  return true;
}

std::string to_hex(const void* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 0xF]);
  }
  return out;
}

int fail(const std::error_code& ec) {
  std::fprintf(stderr, "ecies_tool: %s (%s)\n",
               relayload::to_string(static_cast<relayload::errc>(ec.value())),
               ec.message().c_str());
  return 1;
}

void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

int main(int argc, char** argv) {
  using namespace relayload::session;
  ecies_options options;
  bool hex_text = false;
  int i = 1;
  for (; i < argc && std::strncmp(argv[i], "--", 2) == 0; ++i) {
    const std::string_view a = argv[i];
    if (a == "--ephemeral-compressed") {
      options.ephemeral_key_compressed = true;
    } else if (a == "--hkdf-compressed") {
      options.hkdf_key_compressed = true;
    } else if (a == "--hex") {
      hex_text = true;
    } else if (a == "--cipher" && i + 1 < argc) {
      const std::string_view c = argv[++i];
      if (c == "aes-256-gcm") {
        options.cipher = ecies_cipher::aes_256_gcm;
      } else if (c == "xchacha20") {
        options.cipher = ecies_cipher::xchacha20_poly1305;
      } else {
        return usage("unknown cipher");
      }
    } else if (a == "--nonce-length" && i + 1 < argc) {
      options.nonce_length = std::strtoul(argv[++i], nullptr, 10);
    } else {
      return usage("unknown option");
    }
  }
  if (i >= argc) return usage("missing command");
  if (const auto problems = options.validate(); !problems.empty()) {
    return usage(problems.front().c_str());
  }
  ecies_key_manager km(options);
  const std::string_view cmd = argv[i];
  const std::vector<std::string_view> args(argv + i + 1, argv + argc);

  if (cmd == "keygen" && args.empty()) {
    const key_pair kp = km.generate_key_pair();
    print(to_hex(kp.private_key.data(), kp.private_key.size()) + "\n" +
          to_hex(kp.public_key.data(), kp.public_key.size()) + "\n");
    return 0;
  }
  if (cmd == "pubkey" && args.size() == 1) {
    bytes sk;
    if (!key_from_hex(args[0], sk)) return usage("PRIVHEX is not hex");
    const auto pk = km.public_key_of(sk);
    if (!pk) return fail(pk.error());
    print(to_hex(pk->data(), pk->size()) + "\n");
    return 0;
  }
  if (cmd == "encrypt" && args.size() == 2) {
    bytes pk;
    if (!key_from_hex(args[0], pk)) return usage("PUBHEX is not hex");
    std::string text(args[1]);
    if (hex_text && !from_hex(args[1], text)) return usage("TEXT is not hex");
    const auto payload = km.encrypt(text, pk);
    if (!payload) return fail(payload.error());
    print(*payload + "\n");
    return 0;
  }
  if (cmd == "decrypt" && args.size() == 2) {
    bytes sk;
    if (!key_from_hex(args[0], sk)) return usage("PRIVHEX is not hex");
    const auto plain = km.decrypt(args[1], sk);
    if (!plain) return fail(plain.error());
    print(hex_text ? to_hex(plain->data(), plain->size()) : *plain);
    return 0;
  }
  if (cmd == "validate" && args.size() == 1) {
    bytes pk;
    if (!key_from_hex(args[0], pk)) return usage("PUBHEX is not hex");
    print(km.validate_peer_key(pk) ? "valid\n" : "invalid\n");
    return 0;
  }
  return usage("unknown command or wrong number of arguments");
}
