// The Prometheus text format parser (--target-metrics): what Prometheus accepts (comments,
// escapes, ±Inf/NaN, timestamps, exemplars, blank lines), our own exposition read back, and
// malformed input refused with the line and the problem named.
#include "relayload/metrics/prometheus_text.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "relayload/metrics/exposition.hpp"
#include "relayload/metrics/target_metrics.hpp"

using namespace relayload::metrics;
using std::chrono::milliseconds;

TEST_CASE("comments, labels with escapes, special values, timestamps and exemplars",
          "[metrics][prometheus_text]") {
  const std::string text =
      "# HELP http_requests_total The total number of HTTP requests.\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000\n"
      "\n"
      "# A normal comment.\n"
      "#\n"
      "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
      "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
      "negative_inf -Inf\n"
      "not_a_number NaN\n"
      "# HELP http_request_duration_seconds A histogram.\n"
      "# TYPE http_request_duration_seconds histogram\n"
      "http_request_duration_seconds_bucket{le=\"0.05\"} 24054\n"
      "http_request_duration_seconds_bucket{le=\"+Inf\",} 144320 # {trace_id=\"KOO5S4vxi0o\"} "
      "0.67\n"
      "  \t indented 1\r\n"
      "trailing_blanks{a=\"b\"} 2   \n"
      "empty_labels{} 3\n"
      "colon:name 4\n"
      "{\"utf8.name\",a=\"1\"} 5\n";
  std::string why;
  const auto parsed = parse_prometheus_text(text, &why);
  INFO(why);
  REQUIRE(parsed);
  const auto& s = parsed->samples;
  REQUIRE(s.size() == 14);
  CHECK(parsed->types.at("http_requests_total") == "counter");
  CHECK(parsed->types.at("http_request_duration_seconds") == "histogram");
  CHECK(parsed->help.at("http_requests_total") == "The total number of HTTP requests.");
  CHECK(s[0].name == "http_requests_total");
  CHECK(*s[0].label("code") == "200");
  CHECK(s[0].value == 1027);
  CHECK(s[0].timestamp_ms == 1395066363000);
  CHECK(s[1].value == 3);
  CHECK(*s[2].label("path") == "C:\\DIR\\FILE.TXT");
  CHECK(*s[2].label("error") == "Cannot find file:\n\"FILE.TXT\"");
  CHECK(s[2].value == 1.458255915e9);
  CHECK_FALSE(s[3].timestamp_ms);
  CHECK(s[4].value == std::numeric_limits<double>::infinity());
  CHECK(s[4].timestamp_ms == -3982045);
  CHECK(s[5].value == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(s[6].value));
  CHECK(*s[8].label("le") == "+Inf");
  CHECK(s[8].value == 144320);  // the exemplar's 0.67 is not the value
  CHECK_FALSE(s[8].timestamp_ms);
  CHECK(s[9].name == "indented");
  CHECK(s[10].value == 2);
  CHECK(s[11].labels.empty());
  CHECK(s[12].name == "colon:name");
  CHECK(s[13].name == "utf8.name");
  CHECK(*s[13].label("a") == "1");
  CHECK(parsed->sum("http_requests_total") == 1030);
  CHECK(parsed->sum("http_requests_total", {{"code", "400"}}) == 3);
  CHECK_FALSE(parsed->sum("http_requests_total", {{"code", "500"}}));
  CHECK_FALSE(parsed->sum("absent"));
}

TEST_CASE("an empty body and an OpenMetrics # EOF", "[metrics][prometheus_text]") {
  REQUIRE(parse_prometheus_text(""));
  CHECK(parse_prometheus_text("")->samples.empty());
  CHECK(parse_prometheus_text("\n\n  \n")->samples.empty());
  const auto om = parse_prometheus_text("a 1\n# EOF\n");
  REQUIRE(om);
  CHECK(om->samples.size() == 1);
}

TEST_CASE("our own exposition reads back", "[metrics][prometheus_text]") {
  exposition e;
  e.add_counter("relayload_things", "Things \\ seen\nover lines",
                {{"rank", "0"}, {"q", "a\"b\\c\nd"}}, 42);
  e.add_gauge("relayload_level", "A level", {}, 2.5);
  e.add_gauge("relayload_big", "", {{"k", "c"}}, std::nan(""));
  e.add_gauge("relayload_big", "", {{"k", "i"}}, -std::numeric_limits<double>::infinity());
  std::string why;
  const auto parsed = parse_prometheus_text(render_prometheus_text(e), &why);
  INFO(why);
  REQUIRE(parsed);
  REQUIRE(parsed->samples.size() == 4);
  CHECK(parsed->samples[0].name == "relayload_things_total");
  CHECK(*parsed->samples[0].label("q") == "a\"b\\c\nd");
  CHECK(parsed->help.at("relayload_things_total") == "Things \\ seen\nover lines");
  CHECK(parsed->sum("relayload_level") == 2.5);
  CHECK(std::isnan(parsed->samples[2].value));
  CHECK(parsed->samples[3].value == -std::numeric_limits<double>::infinity());
}

TEST_CASE("malformed input names the line and the problem", "[metrics][prometheus_text]") {
  const auto error_of = [](const std::string& text) {
    std::string why;
    const auto parsed = parse_prometheus_text(text, &why);
    CHECK_FALSE(parsed);
    return why;
  };
  CHECK(error_of("<html><body>Internal error</body></html>") ==
        "line 1: expected a metric name, got '<html><body>Internal err…'");
  CHECK(error_of("ok 1\nno_value\n") == "line 2: 'no_value' has no value");
  CHECK(error_of("a 1\nb{x=\"1\"} one\n") ==
        "line 2: value 'one' of 'b' is not a number (nor NaN, +Inf or -Inf)");
  CHECK(error_of("a{x=\"unclosed} 1\n") ==
        "line 1: the value of label 'x' is not closed with '\"'");
  CHECK(error_of("a{x=\"bad \\t escape\"} 1\n") ==
        "line 1: invalid escape '\\t' in the value of label 'x' (only \\\\, \\\" and \\n)");
  CHECK(error_of("a{x=1} 1") == "line 1: expected '\"' to open the value of label 'x', got '1} 1'");
  CHECK(error_of("a{x} 1") == "line 1: expected '=' after label name 'x', got '} 1'");
  CHECK(error_of("a{x=\"1\" y=\"2\"} 1") ==
        "line 1: expected ',' or '}' after a label, got 'y=\"2\"} 1'");
  CHECK(error_of("a{x=\"1\",x=\"2\"} 1") == "line 1: label 'x' given twice");
  CHECK(error_of("a{9x=\"1\"} 1") == "line 1: expected a label name or '}', got '9x=\"1\"} 1'");
  CHECK(error_of("a 1 soon") ==
        "line 1: timestamp 'soon' of 'a' is not a whole number of milliseconds");
  CHECK(error_of("a 1 1.5") ==
        "line 1: timestamp '1.5' of 'a' is not a whole number of milliseconds");
  CHECK(error_of("a 1 2 3") == "line 1: unexpected '3' after the value of 'a'");
  CHECK(error_of("# TYPE a kounter\n") ==
        "line 1: unknown metric type 'kounter' for 'a' (expected counter, gauge, histogram, "
        "summary or untyped)");
  CHECK(error_of("# TYPE a counter\n# TYPE a gauge\n") == "line 2: a second TYPE line for 'a'");
  CHECK(error_of("# HELP 1a help\n") == "line 1: # HELP needs a metric name, got '1a'");
  CHECK(error_of("a 1e999") ==
        "line 1: value '1e999' of 'a' is not a number (nor NaN, +Inf or -Inf)");
  CHECK(error_of("{} 1") == "line 1: a sample without a metric name");
  CHECK(error_of(std::string("a \x01")) ==
        "line 1: value '\\x01' of 'a' is not a number (nor NaN, +Inf or -Inf)");
}

TEST_CASE("a relay's series are read from a scrape, Centrifugo's names first",
          "[metrics][target_metrics]") {
  const std::string centrifugo =
      "# TYPE process_cpu_seconds_total counter\n"
      "process_cpu_seconds_total 12.5\n"
      "process_resident_memory_bytes 1.048576e+08\n"
      "centrifugo_node_num_clients 300\n"
      "centrifugo_node_num_subscriptions 150\n"
      "centrifugo_node_messages_sent_count{type=\"publication\"} 1000\n"
      "centrifugo_node_messages_sent_count{type=\"join\"} 7\n"
      "centrifugo_transport_messages_sent{transport=\"websocket\",frame_type=\"push\"} 1500\n"
      "centrifugo_transport_messages_sent{transport=\"websocket\",frame_type=\"reply\"} 500\n"
      "relayload_relay_publications_total 99\n";
  target_metrics t;
  const auto text = parse_prometheus_text(centrifugo);
  REQUIRE(text);
  const target_sample s = t.sample_of(*text, milliseconds(1500));
  CHECK(s.offset == milliseconds(1500));
  CHECK(s.cpu_seconds == 12.5);
  CHECK(s.resident_bytes == 104857600.0);
  CHECK(s.clients == 300);
  CHECK(s.subscriptions == 150);
  CHECK(s.messages_in == 1000);  // publications only
  CHECK(s.messages_out == 2000);
  CHECK(t.messages_in_metric == "centrifugo_node_messages_sent_count");
  CHECK(t.messages_out_metric == "centrifugo_transport_messages_sent");

  target_metrics ours;
  const auto embedded = parse_prometheus_text(
      "process_cpu_seconds_total 1\nrelayload_relay_publications_total 5\n"
      "relayload_relay_pushes_total 10\n");
  const target_sample e = ours.sample_of(*embedded, milliseconds(0));
  CHECK_FALSE(e.clients);
  CHECK(e.messages_in == 5);
  CHECK(e.messages_out == 10);
  CHECK(ours.messages_in_metric == "relayload_relay_publications_total");
}

TEST_CASE("derived figures: CPU per connection and per message, failures by cause",
          "[metrics][target_metrics]") {
  target_metrics t;
  CHECK_FALSE(t.cpu_seconds_used());
  CHECK_FALSE(t.cpu_per_connection());
  target_sample a, b, c;
  a.offset = milliseconds(-10);
  a.cpu_seconds = 1.0;
  a.clients = 0;
  a.messages_in = 100;
  b.offset = milliseconds(5000);
  b.cpu_seconds = 1.5;
  b.clients = 200;
  b.resident_bytes = 3e6;
  c.offset = milliseconds(10000);
  c.cpu_seconds = 3.0;
  c.clients = 100;
  c.messages_in = 1100;
  t.samples = {a, b, c};
  CHECK(t.cpu_seconds_used() == Approx(2.0));
  CHECK(t.cpu_span() == milliseconds(10010));
  CHECK(t.peak_clients() == 200);
  CHECK(t.peak_resident_bytes() == 3e6);
  CHECK(t.cpu_per_connection() == Approx(0.01));
  CHECK(t.messages_in_total() == 1000);
  CHECK_FALSE(t.messages_out_total());
  CHECK(t.cpu_per_message() == Approx(0.002));

  t.add_failure("HTTP status", "HTTP 500 Internal Server Error");
  t.add_failure("timeout", "no answer within 1000 ms");
  t.add_failure("HTTP status", "HTTP 503 Service Unavailable");
  REQUIRE(t.failures.size() == 2);
  CHECK(t.failures[0].count == 2);
  CHECK(t.failures[0].last == "HTTP 503 Service Unavailable");
  CHECK(t.scrapes_failed() == 3);
}
