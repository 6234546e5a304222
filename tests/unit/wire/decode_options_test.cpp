#include <catch2/catch.hpp>

#include "relayload/wire/decode_options.hpp"

using relayload::wire::decode_options;

TEST_CASE("Decode options: defaults are valid and match Centrifugo's limit") {
  const decode_options o;
  CHECK(o.max_frame_size == 65536);
  CHECK(o.max_depth == 64);
  CHECK(o.validate().empty());
}

TEST_CASE("Decode options: validate reports every problem at once") {
  decode_options o;
  o.max_frame_size = 0;
  o.max_depth = 0;
  CHECK(o.validate().size() == 2);
  o.max_frame_size = 1;
  o.max_depth = 100000;
  CHECK(o.validate().size() == 1);
}
