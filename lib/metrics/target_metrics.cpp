// target_metrics: what a scrape of the target relay's /metrics holds, and the figures
// derived from the samples.
#include "relayload/metrics/target_metrics.hpp"

#include <algorithm>

namespace relayload::metrics {

namespace {

using labels = std::vector<std::pair<std::string, std::string>>;

// The first of `names` that the scrape has (summed over its label sets), and which one it was.
std::optional<double> first_of(const prometheus_text& t,
                               std::initializer_list<std::pair<const char*, labels>> names,
                               std::string* which = nullptr) {
  for (const auto& [name, match] : names) {
    if (auto v = t.sum(name, match)) {
      if (which != nullptr) *which = name;
      return v;
    }
  }
  return std::nullopt;
}

template <class Get>
std::optional<double> peak(const std::vector<target_sample>& samples, Get get) {
  std::optional<double> out;
  for (const target_sample& s : samples) {
    if (const std::optional<double>& v = get(s); v) out = std::max(out.value_or(*v), *v);
  }
  return out;
}

// Last minus first of a counter over the samples that have it (a counter reset, a relay that
// restarted, counts from the restart on).
template <class Get>
std::optional<double> growth(const std::vector<target_sample>& samples, Get get) {
  std::optional<double> previous;
  std::optional<double> total;
  for (const target_sample& s : samples) {
    const std::optional<double>& v = get(s);
    if (!v) continue;
    if (previous) total = total.value_or(0.0) + (*v >= *previous ? *v - *previous : *v);
    previous = v;
  }
  return total;
}

}  // namespace

void target_metrics::add_failure(const std::string& cause, std::string detail) {
  for (scrape_failure& f : failures) {
    if (f.cause == cause) {
      ++f.count;
      f.last = std::move(detail);
      return;
    }
  }
  failures.push_back({cause, 1, std::move(detail)});
}

std::uint64_t target_metrics::scrapes_failed() const noexcept {
  std::uint64_t n = 0;
  for (const scrape_failure& f : failures) n += f.count;
  return n;
}

target_sample target_metrics::sample_of(const prometheus_text& t,
                                        std::chrono::milliseconds offset) {
  target_sample s;
  s.offset = offset;
  // Counters: the Go client's names end in _total; older exporters and ours without it.
  s.cpu_seconds = first_of(t, {{"process_cpu_seconds_total", {}}, {"process_cpu_seconds", {}}});
  s.resident_bytes = first_of(t, {{"process_resident_memory_bytes", {}}});
  s.clients = first_of(t, {{"centrifugo_node_num_clients", {}}});
  s.subscriptions = first_of(t, {{"centrifugo_node_num_subscriptions", {}}});
  std::string in, out;
  s.messages_in = first_of(t,
                           {{"centrifugo_node_messages_sent_count", {{"type", "publication"}}},
                            {"centrifugo_node_messages_sent_count", {}},
                            {"relayload_relay_publications_total", {}}},
                           &in);
  s.messages_out = first_of(t,
                            {{"centrifugo_transport_messages_sent", {}},
                             {"centrifugo_transport_messages_sent_total", {}},
                             {"relayload_relay_pushes_total", {}}},
                            &out);
  if (!in.empty()) messages_in_metric = in;
  if (!out.empty()) messages_out_metric = out;
  return s;
}

std::optional<double> target_metrics::cpu_seconds_used() const {
  return growth(samples, [](const target_sample& s) -> const std::optional<double>& {
    return s.cpu_seconds;
  });
}

std::optional<std::chrono::milliseconds> target_metrics::cpu_span() const {
  std::optional<std::chrono::milliseconds> first, last;
  for (const target_sample& s : samples) {
    if (!s.cpu_seconds) continue;
    if (!first) first = s.offset;
    last = s.offset;
  }
  if (!first || *first == *last) return std::nullopt;
  return *last - *first;
}

std::optional<double> target_metrics::peak_clients() const {
  return peak(samples,
              [](const target_sample& s) -> const std::optional<double>& { return s.clients; });
}

std::optional<double> target_metrics::peak_subscriptions() const {
  return peak(samples, [](const target_sample& s) -> const std::optional<double>& {
    return s.subscriptions;
  });
}

std::optional<double> target_metrics::peak_resident_bytes() const {
  return peak(samples, [](const target_sample& s) -> const std::optional<double>& {
    return s.resident_bytes;
  });
}

std::optional<double> target_metrics::messages_in_total() const {
  return growth(samples, [](const target_sample& s) -> const std::optional<double>& {
    return s.messages_in;
  });
}

std::optional<double> target_metrics::messages_out_total() const {
  return growth(samples, [](const target_sample& s) -> const std::optional<double>& {
    return s.messages_out;
  });
}

std::optional<double> target_metrics::cpu_per_connection() const {
  const auto cpu = cpu_seconds_used();
  const auto clients = peak_clients();
  if (!cpu || !clients || *clients <= 0) return std::nullopt;
  return *cpu / *clients;
}

std::optional<double> target_metrics::cpu_per_message() const {
  const auto cpu = cpu_seconds_used();
  const double messages = messages_in_total().value_or(0.0) + messages_out_total().value_or(0.0);
  if (!cpu || messages <= 0) return std::nullopt;
  return *cpu / messages;
}

}  // namespace relayload::metrics
