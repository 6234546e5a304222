// Newline batching (protocol.md §1.2).
#include <catch2/catch.hpp>

#include "relayload/error.hpp"
#include "relayload/wire/frame.hpp"

using namespace relayload::wire;
using relayload::errc;

TEST_CASE("Frame splitting yields messages in order") {
  std::vector<std::string_view> out;
  REQUIRE_FALSE(split_frame("{}", out));
  CHECK(out == std::vector<std::string_view>{"{}"});
  out.clear();
  REQUIRE_FALSE(split_frame("{\"a\":1}\n{}\n[x", out));  // no JSON parsing here
  CHECK(out == std::vector<std::string_view>{"{\"a\":1}", "{}", "[x"});
  CHECK(count_messages("a\nb\nc") == 3);
}

TEST_CASE("Frame splitting tolerates one trailing newline") {
  std::vector<std::string_view> out;
  REQUIRE_FALSE(split_frame("a\nb\n", out));
  CHECK(out == std::vector<std::string_view>{"a", "b"});
  CHECK(count_messages("a\n") == 1);
}

TEST_CASE("Frame splitting rejects empty frames") {
  std::vector<std::string_view> out;
  CHECK(split_frame("", out) == errc::empty_frame);
  CHECK(split_frame("\n", out) == errc::empty_frame);
  CHECK(out.empty());
  CHECK(count_messages("") == 0);
}

TEST_CASE("Frame splitting rejects empty lines, keeping the messages before them") {
  std::vector<std::string_view> out;
  CHECK(split_frame("a\n\nb", out) == errc::malformed_frame);
  CHECK(out == std::vector<std::string_view>{"a"});
  out.clear();
  CHECK(split_frame("a\n\n", out) == errc::malformed_frame);  // two trailing newlines
  out.clear();
  CHECK(split_frame("\na", out) == errc::malformed_frame);
  CHECK(split_frame("\n\n", out) == errc::malformed_frame);
  CHECK(count_messages("a\n\nb") == 0);
}

TEST_CASE("Frame joining uses single separators and no trailing newline") {
  CHECK(join_messages({"{}"}) == "{}");
  CHECK(join_messages({"a", "b", "c"}) == "a\nb\nc");
  CHECK(join_messages(std::vector<std::string_view>{}).empty());
  std::string frame;
  append_message(frame, "a");
  append_message(frame, "b");
  CHECK(frame == "a\nb");
  begin_message(frame);
  frame += "c";
  CHECK(frame == "a\nb\nc");
  std::vector<std::string_view> back;
  REQUIRE_FALSE(split_frame(frame, back));
  CHECK(back.size() == 3);
}
