// libFuzzer target: the wire decoders (command_decoder on the relay side, reply_decoder on
// the client side) on arbitrary frames. Besides "no crash, no sanitizer report", it checks
// that decoding is stable: the commands it accepts re-encode to a frame that decodes to the
// same commands, and encoding that again gives the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/reply_decoder.hpp"

namespace {

using relayload::wire::command;

void check(bool ok) {
  if (!ok) std::abort();  // libFuzzer reports the input that got here
}

std::string encode_all(const std::vector<command>& cmds) {
  std::string out;
  for (const command& c : cmds) {
    if (!out.empty()) out += '\n';
    relayload::wire::append_command(out, c);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);

  relayload::wire::reply_decoder replies;
  (void)replies.decode(frame);

  relayload::wire::command_decoder commands;
  (void)commands.decode(frame);
  // Commands decoded before an error are valid on their own (the relay executes them).
  // Pongs carry no id and encode as "{}", which is only a pong in its own frame position;
  // skip frames with them to keep the property simple.
  for (const command& c : commands.commands()) {
    if (c.kind() == relayload::wire::method::pong) return 0;
  }
  if (commands.commands().empty()) return 0;
  const std::string once = encode_all(commands.commands());
  // Re-escaping may lengthen strings (e.g. "\u2028"), so allow a larger frame.
  relayload::wire::decode_options larger;
  larger.max_frame_size = 8 * once.size() + 1024;
  relayload::wire::command_decoder again(larger);
  check(!again.decode(once));
  check(again.commands().size() == commands.commands().size());
  for (std::size_t i = 0; i < again.commands().size(); ++i) {
    check(again.commands()[i].kind() == commands.commands()[i].kind());
    check(again.commands()[i].id == commands.commands()[i].id);
  }
  check(encode_all(again.commands()) == once);
  return 0;
}
