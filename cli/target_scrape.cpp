#include "target_scrape.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdio>

#include "relayload/error.hpp"
#include "relayload/metrics/prometheus_text.hpp"

namespace relayload::cli {

using std::chrono::milliseconds;

target_scraper::target_scraper(net::http_url url, std::string shown, milliseconds interval)
    : url_(std::move(url)), interval_(interval) {
  data_.url = std::move(shown);
  data_.interval = interval;
}

target_scraper::~target_scraper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

milliseconds target_scraper::timeout_for(milliseconds interval) {
  return std::clamp(interval / 2, milliseconds(1000), milliseconds(5000));
}

void target_scraper::start() {
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "rl-scrape");
    loop();
  });
}

void target_scraper::loop() {
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_until(lock, next, [this] { return stopping_; })) return;
    }
    scrape();
    // The next scrape an interval after this one was due; after a slow scrape (a timeout
    // longer than the interval), at once but never more than one behind.
    next = std::max(next + interval_, std::chrono::steady_clock::now() - interval_);
  }
}

void target_scraper::scrape() {
  net::http_get_options options;
  options.timeout = timeout_for(interval_);
  std::string why;
  const auto got = net::http_get(url_, options, &why);
  const auto at = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  std::string cause;
  std::string detail;
  if (!got) {
    const std::error_code ec = got.error();
    cause = ec == std::errc::timed_out                                   ? "timeout"
            : ec == errc::malformed_frame || ec == errc::frame_too_large ? "bad HTTP response"
                                                                         : "connect failed";
    detail = why;
  } else if (got->status != 200) {
    cause = "HTTP status";
    detail = "HTTP " + std::to_string(got->status) + (got->reason.empty() ? "" : " " + got->reason);
  } else {
    std::string problem;
    if (const auto text = metrics::parse_prometheus_text(got->body, &problem)) {
      const metrics::target_sample s = data_.sample_of(*text, at.time_since_epoch());
      if (s.cpu_seconds || s.resident_bytes || s.clients || s.subscriptions || s.messages_in ||
          s.messages_out) {
        ++data_.scrapes_ok;
        data_.samples.push_back(s);
        return;
      }
      cause = "no relay series";
      detail =
          "none of process_cpu_seconds_total, process_resident_memory_bytes, "
          "centrifugo_node_num_clients, centrifugo_node_num_subscriptions or a message "
          "counter in " +
          std::to_string(text->samples.size()) + " samples";
    } else {
      cause = "not Prometheus text";
      detail = problem;
    }
  }
  data_.add_failure(cause, detail);
  if (std::find(announced_.begin(), announced_.end(), cause) == announced_.end()) {
    announced_.push_back(cause);
    std::fprintf(stderr,
                 "\n[relayload] --target-metrics %s: scrape failed (%s: %s); counted, "
                 "the run goes on\n",
                 data_.url.c_str(), cause.c_str(), detail.c_str());
  }
}

metrics::target_metrics target_scraper::finish(metrics::report_time t0) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  scrape();  // the relay's state once the load has ended (on this thread: the other is gone)
  metrics::target_metrics out = std::move(data_);
  for (metrics::target_sample& s : out.samples) s.offset -= t0.time_since_epoch();
  return out;
}

}  // namespace relayload::cli
