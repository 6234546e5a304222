// --target-metrics URL on `run`: scrapes the target relay's Prometheus endpoint on its own
// thread ("rl-scrape"), once before the load, then every progress interval, and once more when
// the run has ended. A failed scrape (refused, timed out, an HTTP error, a body that is not the
// Prometheus text format) is counted by cause and never touches the load.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "relayload/metrics/report.hpp"
#include "relayload/metrics/target_metrics.hpp"
#include "relayload/net/http_get.hpp"

namespace relayload::cli {

class target_scraper {
 public:
  /// `shown` is the URL as the user gave it (kept in the report).
  target_scraper(net::http_url url, std::string shown, std::chrono::milliseconds interval);
  ~target_scraper();
  target_scraper(const target_scraper&) = delete;
  target_scraper& operator=(const target_scraper&) = delete;

  /// Starts the thread; its first scrape is at once.
  void start();
  /// Takes a last scrape, joins the thread and returns what was read, the samples' offsets
  /// counted from `t0` (the run's report::start_time). Call once.
  metrics::target_metrics finish(metrics::report_time t0);

  /// How long one scrape may take: half the interval, at least 1 s and at most 5 s.
  static std::chrono::milliseconds timeout_for(std::chrono::milliseconds interval);

 private:
  void loop();
  void scrape();

  net::http_url url_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  // Written by the scraping thread only; read by finish() after the join. Sample offsets
  // hold unix milliseconds until finish() subtracts t0.
  metrics::target_metrics data_;
  std::vector<std::string> announced_;  // causes already told on stderr
  std::thread thread_;
};

}  // namespace relayload::cli
