#include "relayload/metrics/report_export.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace relayload::metrics;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("HdrHistogram percentile distribution, line by line", "[export]") {
  // 1, 2, 3, 4 (nanoseconds) at 3 significant digits from 1 ns: one exact bucket each.
  histogram h(histogram_layout{1, 3'600'000'000'000, 3});
  for (std::int64_t v = 1; v <= 4; ++v) h.record(v);
  hdr_text_options unscaled;
  unscaled.value_scale = 1.0;
  const std::vector<std::string> expected = {
      "       Value     Percentile TotalCount 1/(1-Percentile)",
      "",
      "       1.000 0.000000000000          1           1.00",
      "       1.000 0.100000000000          1           1.11",
      "       1.000 0.200000000000          1           1.25",
      "       2.000 0.300000000000          2           1.43",
      "       2.000 0.400000000000          2           1.67",
      "       2.000 0.500000000000          2           2.00",
      "       3.000 0.550000000000          3           2.22",
      "       3.000 0.600000000000          3           2.50",
      "       3.000 0.650000000000          3           2.86",
      "       3.000 0.700000000000          3           3.33",
      "       3.000 0.750000000000          3           4.00",
      "       4.000 0.775000000000          4           4.44",
      "       4.000 1.000000000000          4",
      "#[Mean    =        2.500, StdDeviation   =        1.118]",
      "#[Max     =        4.000, Total count    =            4]",
      "#[Buckets =           32, SubBuckets     =         2048]",
  };
  const auto got = lines_of(to_hdr_percentiles(h, unscaled));
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("line " << i + 1);
    CHECK(got[i] == expected[i]);
  }
}

TEST_CASE("HdrHistogram output: milliseconds by default, values clamped to min and max",
          "[export]") {
  histogram h;                         // 1 µs .. 1 h, 3 digits
  h.record(std::int64_t{1'234'567});   // 1.234567 ms
  h.record(std::int64_t{98'765'432});  // 98.765432 ms, in a bucket wider than 1 ns
  const auto got = lines_of(to_hdr_percentiles(h));
  REQUIRE(got.size() >= 6);
  CHECK(got[2].substr(0, 12) == "       1.235");  // the bucket top, at most the exact max
  const std::string& last = got[got.size() - 4];
  CHECK(last == "      98.765 1.000000000000          2");
  CHECK(got[got.size() - 2] == "#[Max     =       98.765, Total count    =            2]");

  // Empty: header and footer only, zeros.
  const auto empty = lines_of(to_hdr_percentiles(histogram{}));
  REQUIRE(empty.size() == 5);
  CHECK(empty[2] == "#[Mean    =        0.000, StdDeviation   =        0.000]");
  CHECK(empty[3] == "#[Max     =        0.000, Total count    =            0]");
}

TEST_CASE("HdrHistogram output of a large histogram steps like HdrHistogram", "[export]") {
  histogram h;
  for (std::int64_t i = 1; i <= 100'000; ++i) h.record(i * 1'000);
  const auto got = lines_of(to_hdr_percentiles(h));
  // Percentiles are non-decreasing, counts too, and the last line is at 100 %.
  double last_p = -1;
  std::uint64_t last_count = 0;
  std::size_t rows = 0;
  for (std::size_t i = 2; i + 3 < got.size(); ++i) {
    std::istringstream in(got[i]);
    double value = 0, p = 0;
    std::uint64_t count = 0;
    in >> value >> p >> count;
    CHECK(p >= last_p);
    CHECK(count >= last_count);
    last_p = p;
    last_count = count;
    ++rows;
  }
  CHECK(last_p == 1.0);
  CHECK(last_count == 100'000);
  CHECK(rows > 50);
  CHECK_THAT(got[got.size() - 2], Catch::EndsWith("Total count    =       100000]"));
}

TEST_CASE("time series as CSV", "[export]") {
  report r;
  time_series_options o;
  o.interval = std::chrono::seconds(1);
  o.counters = {"connects", "errors"};
  o.gauges = {"active"};
  time_series s(o);
  s.count(0, 0, 5);
  s.set_gauge(0, 0, 5);
  s.count(1, 0, 3);
  s.count(1, 1, 1);
  s.set_gauge(1, 0, 7);
  s.record(1, 2'000'000);
  s.record(1, 4'000'000);
  r.series.emplace("connections", s);

  time_series_options hostile;
  hostile.counters = {"=cmd|' /C calc'!A0", "a,\"b\""};
  time_series h(hostile);
  h.count(0, 1, 9);
  r.series.emplace("x\ny", h);

  const auto lines = lines_of(to_csv(r));
  REQUIRE(lines.size() == 1 + 2 + 2);  // header, one row per interval (the hostile one has a
                                       // newline inside a quoted cell: two physical lines)
  CHECK(lines[0] ==
        "series,interval,start_s,end_s,latency_count,latency_min_ms,latency_mean_ms,"
        "latency_p50_ms,latency_p90_ms,latency_p99_ms,latency_max_ms,connects,errors,active,"
        "'=cmd|' /C calc'!A0,\"a,\"\"b\"\"\"");
  CHECK(lines[1] == "connections,0,0.000,1.000,0,,,,,,,5,0,5,,");
  CHECK(lines[2].rfind("connections,1,1.000,2.000,2,2.000000,3.000000,", 0) == 0);
  CHECK_THAT(lines[2], Catch::EndsWith(",3,1,7,,"));
  CHECK(lines[3] == "\"x");
  CHECK(lines[4] == "y\",0,0.000,1.000,0,,,,,,,,,,0,9");

  report none;
  CHECK(lines_of(to_csv(none)).size() == 1);
}

TEST_CASE("report histograms and their file names", "[export]") {
  report r;
  r.connect_time = histogram{};
  r.messages = messages_section{};
  r.histograms.emplace("messages.serviceTime", histogram{});
  r.histograms.emplace("../../etc/passwd", histogram{});
  const auto all = report_histograms(r);
  REQUIRE(all.size() == 4);
  CHECK(all[0].first == "connectTime");
  CHECK(all[1].first == "messages.latency");
  CHECK(all[1].second == &r.messages->latency);
  CHECK(all[2].first == "../../etc/passwd");
  CHECK(all[3].first == "messages.serviceTime");

  CHECK(hdr_file_name("messages.latency") == "messages.latency.hgrm");
  CHECK(hdr_file_name("../../etc/passwd") == "_._.._etc_passwd.hgrm");
  CHECK(hdr_file_name("..") == "_..hgrm");
  CHECK(hdr_file_name("") == "_.hgrm");
  CHECK(hdr_file_name("a b/c\\d") == "a_b_c_d.hgrm");
}
