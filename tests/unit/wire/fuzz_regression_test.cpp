// Inputs found by the fuzzers (tests/fuzz) that once broke the wire decoders, kept as
// regression tests. Run them under ASan (the asan preset) to see what they guard against.
#include <catch2/catch.hpp>

#include <string>

#include "relayload/error.hpp"
#include "relayload/wire/command_decoder.hpp"
#include "relayload/wire/reply_decoder.hpp"

using relayload::errc;

TEST_CASE("a frame ending inside a UTF-8 sequence is invalid_utf8, not an over-read",
          "[wire][fuzz]") {
  // fuzz_wire_decode: an unterminated string whose last bytes are a 4-byte UTF-8 lead and
  // one continuation byte. RapidJSON's in-place validator read past the frame copy's NUL.
  // Every filler length, so that one of them puts the end exactly at the allocation's end.
  for (std::size_t filler = 0; filler < 64; ++filler) {
    INFO("filler " << filler);
    const std::string frame = "\":\\\"eyJ" + std::string(filler, 'z') + "8jttlG\xf0\x84";
    relayload::wire::reply_decoder replies;
    CHECK(replies.decode(frame) == errc::invalid_utf8);
    relayload::wire::command_decoder commands;
    CHECK(commands.decode(frame) == errc::invalid_utf8);
    // The same bytes as the first of two lines, and after a good line.
    CHECK(commands.decode(frame + "\n{}") == errc::invalid_utf8);
    CHECK(commands.decode("{}\n" + frame) == errc::invalid_utf8);
    CHECK(commands.commands().size() == 1);  // the pong before the bad line
  }
}
