// Golden vectors C1–C11 of protocol.md §5.1: byte-exact for what we encode, field-exact for
// what we decode (client frames with the relay's command decoder, server frames with the
// client's reply decoder).
#include <catch2/catch.hpp>

#include "golden_vectors.hpp"
#include "relayload/wire/command_encoder.hpp"
#include "relayload/wire/frame.hpp"
#include "relayload/wire/reply_encoder.hpp"
#include "wire_test_util.hpp"

using namespace wire_test;
using namespace relayload::wire;

namespace {

const std::string m3_data = envelope_data(golden::wallet_client_id, 1, golden::m3_payload);
const std::string m6b_data = envelope_data(golden::wallet_client_id, 1, golden::m6b_payload);

const reply& only_reply(reply_decoder& d, std::string_view frame) {
  const auto& msgs = decode_messages(d, frame);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].kind() == server_message_kind::reply);
  return *msgs[0].get_reply();
}

const command& only_command(command_decoder& d, std::string_view frame) {
  const auto& cmds = decode_commands(d, frame);
  REQUIRE(cmds.size() == 1);
  return cmds[0];
}

publication offer_publication() {
  publication p;
  p.data = m3_data;
  p.info = client_info{"", golden::wallet_conn_id, {}, {}};
  p.offset = 1;
  return p;
}

}  // namespace

TEST_CASE("C1 connect command") {
  std::string out;
  append_command(out, 1, connect_request{});
  CHECK(out == golden::c1_connect);
  CHECK(out.size() == golden::c1_connect_size);

  command_decoder d;
  const command& c = only_command(d, golden::c1_connect);
  CHECK(c.id == 1);
  REQUIRE(c.kind() == method::connect);
  const auto& r = c.as<connect_request>();
  CHECK(r.name == "js");
  CHECK(r.token.empty());
  CHECK(r.data.empty());
  CHECK(r.version.empty());
}

TEST_CASE("C2 connect reply") {
  connect_result r;
  r.client = golden::dapp_conn_id;
  r.version = "6.9.1 OSS";
  r.ping = 25;
  r.pong = true;
  std::string out;
  append_reply(out, 1, r);
  CHECK(out == golden::c2_connect_reply);
  CHECK(out.size() == golden::c2_connect_reply_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c2_connect_reply);
  CHECK(rep.id == 1);
  REQUIRE(rep.kind() == reply_kind::connect);
  CHECK(rep.as<connect_result>() == r);
}

TEST_CASE("C4a subscribe command (centrifuge-js 5.4.0)") {
  subscribe_request s;
  s.channel = golden::handshake_channel;
  s.positioned = true;
  s.recoverable = true;
  std::string out;
  append_command(out, 2, s);
  CHECK(out == golden::c4a_subscribe);
  CHECK(out.size() == golden::c4a_subscribe_size);

  command_decoder d;
  const command& c = only_command(d, golden::c4a_subscribe);
  CHECK(c.id == 2);
  REQUIRE(c.kind() == method::subscribe);
  CHECK(c.as<subscribe_request>() == s);
}

TEST_CASE("C4b subscribe command with flag (centrifuge-js >= 5.5)") {
  subscribe_request s;
  s.channel = golden::handshake_channel;
  s.positioned = true;
  s.recoverable = true;
  s.flag = 1;
  std::string out;
  append_command(out, 2, s);
  CHECK(out == golden::c4b_subscribe_flag);
  CHECK(out.size() == golden::c4b_subscribe_flag_size);

  command_decoder d;
  const command& c = only_command(d, golden::c4b_subscribe_flag);
  CHECK(c.id == 2);
  REQUIRE(c.kind() == method::subscribe);
  CHECK(c.as<subscribe_request>() == s);
}

TEST_CASE("C5a subscribe reply, empty stream") {
  subscribe_result r;
  r.recoverable = true;
  r.epoch = "AbCdEfGh";
  r.positioned = true;
  std::string out;
  append_reply(out, 2, r);
  CHECK(out == golden::c5a_subscribe_reply_empty);
  CHECK(out.size() == golden::c5a_subscribe_reply_empty_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c5a_subscribe_reply_empty);
  CHECK(rep.id == 2);
  REQUIRE(rep.kind() == reply_kind::subscribe);
  CHECK(rep.as<subscribe_result>() == r);
  CHECK(rep.get<subscribe_result>()->offset == 0);
}

TEST_CASE("C5b subscribe reply, stream top 1") {
  subscribe_result r;
  r.recoverable = true;
  r.epoch = "AbCdEfGh";
  r.offset = 1;
  r.positioned = true;
  std::string out;
  append_reply(out, 2, r);
  CHECK(out == golden::c5b_subscribe_reply_top1);
  CHECK(out.size() == golden::c5b_subscribe_reply_top1_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c5b_subscribe_reply_top1);
  REQUIRE(rep.kind() == reply_kind::subscribe);
  CHECK(rep.as<subscribe_result>() == r);
}

TEST_CASE("C6a history command") {
  history_request h;
  h.channel = golden::handshake_channel;
  h.limit = 50;
  std::string out;
  append_command(out, 3, h);
  CHECK(out == golden::c6a_history);
  CHECK(out.size() == golden::c6a_history_size);

  command_decoder d;
  const command& c = only_command(d, golden::c6a_history);
  CHECK(c.id == 3);
  REQUIRE(c.kind() == method::history);
  const auto& got = c.as<history_request>();
  CHECK(got == h);
  CHECK_FALSE(got.since.has_value());
  CHECK_FALSE(got.reverse);
}

TEST_CASE("C6b history reply, empty") {
  history_result r;
  r.epoch = "AbCdEfGh";
  std::string out;
  append_reply(out, 3, r);
  CHECK(out == golden::c6b_history_reply_empty);
  CHECK(out.size() == golden::c6b_history_reply_empty_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c6b_history_reply_empty);
  CHECK(rep.id == 3);
  REQUIRE(rep.kind() == reply_kind::history);
  CHECK(rep.as<history_result>() == r);
}

TEST_CASE("C6c history reply, one publication") {
  history_result r;
  r.publications.push_back(offer_publication());
  r.epoch = "AbCdEfGh";
  r.offset = 1;
  std::string out;
  append_reply(out, 3, r);
  CHECK(out == golden::c6c_history_reply_one);
  CHECK(out.size() == golden::c6c_history_reply_one_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c6c_history_reply_one);
  REQUIRE(rep.kind() == reply_kind::history);
  const auto& got = rep.as<history_result>();
  CHECK(got == r);
  REQUIRE(got.publications.size() == 1);
  // The raw data is the exact byte span of the input, and it unwraps to the M3 envelope.
  const publication& p = got.publications[0];
  CHECK(p.data.data() >= golden::c6c_history_reply_one.data());
  CHECK(p.data.data() + p.data.size() <=
        golden::c6c_history_reply_one.data() + golden::c6c_history_reply_one.size());
  const auto env = decode_envelope_data(p.data);
  REQUIRE(env);
  CHECK(env->client_id == golden::wallet_client_id);
  CHECK(env->nonce == 1);
  CHECK(env->payload == golden::m3_payload);
}

TEST_CASE("C7a publish command") {
  std::string out;
  append_publish(out, 6, golden::handshake_channel, m3_data);
  CHECK(out == golden::c7a_publish);
  CHECK(out.size() == golden::c7a_publish_size);

  command_decoder d;
  const command& c = only_command(d, golden::c7a_publish);
  CHECK(c.id == 6);
  REQUIRE(c.kind() == method::publish);
  const auto& p = c.as<publish_request>();
  CHECK(p.channel == golden::handshake_channel);
  CHECK(p.data == m3_data);
}

TEST_CASE("C7b pub push") {
  const publication pub = offer_publication();
  std::string fast;
  append_pub_push(fast, golden::handshake_channel, pub);
  CHECK(fast == golden::c7b_pub_push);
  CHECK(fast.size() == golden::c7b_pub_push_size);
  push p;
  p.channel = golden::handshake_channel;
  p.body = pub;
  std::string generic;
  append_push(generic, p);
  CHECK(generic == golden::c7b_pub_push);

  reply_decoder d;
  const auto& msgs = decode_messages(d, golden::c7b_pub_push);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].kind() == server_message_kind::push);
  const push& got = *msgs[0].get_push();
  CHECK(got == p);
  REQUIRE(got.kind() == push_kind::pub);
  CHECK(got.get<publication>()->data == m3_data);
  CHECK(got.get<publication>()->info->user.empty());
}

TEST_CASE("C7c publish reply") {
  std::string out;
  append_reply(out, 6, publish_result{});
  CHECK(out == golden::c7c_publish_reply);
  CHECK(out.size() == golden::c7c_publish_reply_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c7c_publish_reply);
  CHECK(rep.id == 6);
  CHECK(rep.kind() == reply_kind::publish);
}

TEST_CASE("C8a reconnect frame: connect and recovering subscribe batched") {
  subscribe_request s;
  s.channel = golden::session_channel;
  s.positioned = true;
  s.recoverable = true;
  s.recover = true;
  s.offset = 1;
  s.epoch = "QrStUvWx";
  std::string frame;
  begin_message(frame);
  append_command(frame, 8, connect_request{});
  begin_message(frame);
  append_command(frame, 9, s);
  CHECK(frame == golden::c8a_reconnect_frame);
  CHECK(frame.size() == golden::c8a_reconnect_frame_size);

  command_decoder d;
  const auto& cmds = decode_commands(d, golden::c8a_reconnect_frame);
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0].id == 8);
  REQUIRE(cmds[0].kind() == method::connect);
  CHECK(cmds[0].get<connect_request>()->name == "js");
  CHECK(cmds[1].id == 9);
  REQUIRE(cmds[1].kind() == method::subscribe);
  CHECK(*cmds[1].get<subscribe_request>() == s);
}

TEST_CASE("C8b reconnect reply frame with a recovered publication") {
  connect_result c;
  c.client = "0b0b0b0b-0000-4000-8000-0000000000bb";
  c.version = "6.9.1 OSS";
  c.ping = 25;
  c.pong = true;
  subscribe_result s;
  s.recoverable = true;
  s.epoch = "QrStUvWx";
  publication pub;
  pub.data = m6b_data;
  pub.info = client_info{"", golden::wallet_conn_id, {}, {}};
  pub.offset = 2;
  s.publications.push_back(pub);
  s.recovered = true;
  s.offset = 1;
  s.positioned = true;
  s.was_recovering = true;
  std::string frame;
  append_reply(frame, 8, c);
  begin_message(frame);
  append_reply(frame, 9, s);
  CHECK(frame == golden::c8b_reconnect_reply_frame);
  CHECK(frame.size() == golden::c8b_reconnect_reply_frame_size);

  reply_decoder d;
  const auto& msgs = decode_messages(d, golden::c8b_reconnect_reply_frame);
  REQUIRE(msgs.size() == 2);
  REQUIRE(msgs[0].kind() == server_message_kind::reply);
  CHECK(msgs[0].get_reply()->id == 8);
  CHECK(msgs[0].as_reply().as<connect_result>() == c);
  REQUIRE(msgs[1].kind() == server_message_kind::reply);
  CHECK(msgs[1].get_reply()->id == 9);
  const auto& got = msgs[1].as_reply().as<subscribe_result>();
  CHECK(got == s);
  REQUIRE(got.publications.size() == 1);
  const auto env = decode_envelope_data(got.publications[0].data);
  REQUIRE(env);
  CHECK(env->payload == golden::m6b_payload);
}

TEST_CASE("C8c subscribe reply, not recovered") {
  subscribe_result s;
  s.recoverable = true;
  s.epoch = "NewEpoch";
  s.offset = 7;
  s.positioned = true;
  s.was_recovering = true;
  std::string out;
  append_reply(out, 9, s);
  CHECK(out == golden::c8c_subscribe_reply_not_recovered);
  CHECK(out.size() == golden::c8c_subscribe_reply_not_recovered_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c8c_subscribe_reply_not_recovered);
  const auto& got = rep.as<subscribe_result>();
  CHECK(got == s);
  CHECK_FALSE(got.recovered);
  CHECK(got.publications.empty());
}

TEST_CASE("C9a unsubscribe command") {
  std::string out;
  append_command(out, 7, unsubscribe_request{golden::handshake_channel});
  CHECK(out == golden::c9a_unsubscribe);
  CHECK(out.size() == golden::c9a_unsubscribe_size);

  command_decoder d;
  const command& c = only_command(d, golden::c9a_unsubscribe);
  CHECK(c.id == 7);
  REQUIRE(c.kind() == method::unsubscribe);
  CHECK(c.get<unsubscribe_request>()->channel == golden::handshake_channel);
}

TEST_CASE("C9b unsubscribe reply") {
  std::string out;
  append_reply(out, 7, unsubscribe_result{});
  CHECK(out == golden::c9b_unsubscribe_reply);
  CHECK(out.size() == golden::c9b_unsubscribe_reply_size);

  reply_decoder d;
  const reply& rep = only_reply(d, golden::c9b_unsubscribe_reply);
  CHECK(rep.id == 7);
  CHECK(rep.kind() == reply_kind::unsubscribe);
}

TEST_CASE("C10 error replies") {
  const error_info errors[] = {
      {102, "unknown channel", false}, {103, "permission denied", false},
      {105, "already subscribed", false}, {107, "bad request", false},
      {108, "not available", false}, {100, "internal server error", true},
  };
  const std::uint32_t ids[] = {2, 2, 2, 2, 4, 4};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("reply " << i);
    std::string out;
    append_error_reply(out, ids[i], errors[i].code, errors[i].message, errors[i].temporary);
    CHECK(out == golden::c10_error_replies[i]);

    reply_decoder d;
    const reply& rep = only_reply(d, golden::c10_error_replies[i]);
    CHECK(rep.id == ids[i]);
    REQUIRE(rep.is_error());
    CHECK(rep.as<error_info>() == errors[i]);
  }
}

TEST_CASE("C11 server unsubscribe push") {
  push p;
  p.channel = golden::session_channel;
  p.body = unsubscribe_push{2500, "insufficient state"};
  std::string out;
  append_push(out, p);
  CHECK(out == golden::c11_unsubscribe_push);
  CHECK(out.size() == golden::c11_unsubscribe_push_size);

  reply_decoder d;
  const auto& msgs = decode_messages(d, golden::c11_unsubscribe_push);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].kind() == server_message_kind::push);
  CHECK(*msgs[0].get_push() == p);
}

TEST_CASE("Server ping and client pong are both {}") {
  std::string ping;
  append_server_ping(ping);
  CHECK(ping == "{}");
  std::string pong;
  append_pong(pong);
  CHECK(pong == "{}");
  std::string via_command;
  append_command(via_command, command{42, pong_request{}});
  CHECK(via_command == "{}");  // a pong never carries an id

  reply_decoder rd;
  const auto& msgs = decode_messages(rd, "{}");
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].is_ping());
  command_decoder cd;
  const auto& cmds = decode_commands(cd, "{}");
  REQUIRE(cmds.size() == 1);
  CHECK(cmds[0].kind() == method::pong);
  CHECK(cmds[0].id == 0);
}
