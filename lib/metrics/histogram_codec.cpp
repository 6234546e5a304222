// histogram::encode() / histogram::decode().
//
// Binary record (then base64):
//   "RLH" 0x01                      magic and format version
//   varint lowest, highest, digits  layout
//   varint count, underflow, overflow, min, max, sum_high, sum_low
//   varint n                        number of non-empty buckets
//   n × (varint gap, varint count)  bucket index = previous index + 1 + gap (first: gap)
//   4 bytes CRC-32 (little endian)  over everything before it
// An empty histogram stores min = max = sum = 0.
#include <algorithm>
#include <limits>
#include <string>

#include "metrics/codec_impl.hpp"
#include "metrics/histogram_geometry_impl.hpp"
#include "relayload/error.hpp"
#include "relayload/metrics/histogram.hpp"

namespace relayload::metrics {

namespace {
constexpr char magic[] = {'R', 'L', 'H', '\x01'};
constexpr std::size_t magic_size = sizeof(magic);
constexpr std::size_t crc_size = 4;
}  // namespace

// Has the private access the decoder needs to fill a histogram in place.
class histogram_codec {
 public:
  static result<histogram> decode(std::string_view text);
};

std::string histogram::encode() const {
  std::string bin(magic, magic_size);
  detail::put_varint(bin, static_cast<std::uint64_t>(layout_.lowest_discernible));
  detail::put_varint(bin, static_cast<std::uint64_t>(layout_.highest_trackable));
  detail::put_varint(bin, static_cast<std::uint64_t>(layout_.significant_digits));
  detail::put_varint(bin, total_);
  detail::put_varint(bin, underflow_);
  detail::put_varint(bin, overflow_);
  detail::put_varint(bin, static_cast<std::uint64_t>(min()));
  detail::put_varint(bin, static_cast<std::uint64_t>(max_));
  detail::put_varint(bin, static_cast<std::uint64_t>(sum_ >> 64));
  detail::put_varint(bin, static_cast<std::uint64_t>(sum_));
  std::uint64_t non_empty = 0;
  for (const std::uint64_t c : counts_) non_empty += c != 0;
  detail::put_varint(bin, non_empty);
  std::size_t next = 0;  // the index a gap of 0 refers to
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    detail::put_varint(bin, i - next);
    detail::put_varint(bin, counts_[i]);
    next = i + 1;
  }
  const std::uint32_t crc = detail::crc32(bin);
  for (int i = 0; i < 4; ++i) bin.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  return detail::base64_encode(bin);
}

result<histogram> histogram::decode(std::string_view text) { return histogram_codec::decode(text); }

result<histogram> histogram_codec::decode(std::string_view text) {
  const auto corrupt = [] { return unexpected(errc::corrupt_data); };
  // The largest record a valid layout can produce: header plus two 10-byte varints per
  // bucket. Anything longer is refused before decoding allocates anything.
  constexpr std::size_t max_binary = 128 + 20 * histogram_layout::max_bucket_count + crc_size;
  if (text.size() > (max_binary + 2) / 3 * 4) return corrupt();
  const auto bin = detail::base64_decode(text);
  if (!bin || bin->size() < magic_size + crc_size) return corrupt();

  const std::string_view body(bin->data(), bin->size() - crc_size);
  std::uint32_t stored_crc = 0;
  for (std::size_t i = 0; i < crc_size; ++i) {
    stored_crc |= static_cast<std::uint32_t>(static_cast<std::uint8_t>((*bin)[body.size() + i]))
                  << (8 * i);
  }
  if (detail::crc32(body) != stored_crc) return corrupt();
  if (!std::equal(magic, magic + magic_size, body.begin())) return corrupt();

  detail::byte_reader in(body.substr(magic_size));
  std::uint64_t f[11];  // lowest highest digits total underflow overflow min max hi lo n
  for (std::uint64_t& v : f) {
    const auto r = in.varint();
    if (!r) return corrupt();
    v = *r;
  }
  constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (f[0] > int64_max || f[1] > int64_max || f[2] > 5 || f[6] > int64_max || f[7] > int64_max) {
    return corrupt();
  }
  histogram_layout layout;
  layout.lowest_discernible = static_cast<std::int64_t>(f[0]);
  layout.highest_trackable = static_cast<std::int64_t>(f[1]);
  layout.significant_digits = static_cast<int>(f[2]);
  if (!detail::compute_geometry(layout).valid) return corrupt();

  const std::uint64_t total = f[3], underflow = f[4], overflow = f[5];
  const auto min = static_cast<std::int64_t>(f[6]);
  const auto max = static_cast<std::int64_t>(f[7]);
  const uint128 sum = static_cast<uint128>(f[8]) << 64 | f[9];
  const std::uint64_t non_empty = f[10];

  histogram h(layout);
  const std::size_t length = h.counts_.size();
  // Each bucket takes at least two bytes, so a count larger than that is a lie.
  if (non_empty > length || non_empty > in.remaining() / 2) return corrupt();

  std::size_t next = 0;
  std::size_t first_index = length, last_index = 0;
  std::uint64_t seen = 0;
  for (std::uint64_t b = 0; b < non_empty; ++b) {
    const auto gap = in.varint();
    const auto count = in.varint();
    if (!gap || !count || *count == 0) return corrupt();
    if (*gap >= length - next) return corrupt();
    const std::size_t index = next + static_cast<std::size_t>(*gap);
    if (*count > std::numeric_limits<std::uint64_t>::max() - seen) return corrupt();
    seen += *count;
    h.counts_[index] = *count;
    if (first_index == length) first_index = index;
    last_index = index;
    next = index + 1;
  }
  if (!in.at_end() || seen != total) return corrupt();
  if (underflow > total || overflow > total - underflow) return corrupt();

  if (total == 0) {
    if (min != 0 || max != 0 || sum != 0) return corrupt();
    return h;
  }
  const std::int64_t lowest = layout.lowest_discernible, highest = layout.highest_trackable;
  if (min < lowest || max > highest || min > max) return corrupt();
  // min and max were recorded, so they lie in the first and the last non-empty bucket.
  if (min < h.value_at_index(first_index) ||
      min > h.value_at_index(first_index) + h.bucket_width_at_index(first_index) - 1 ||
      max < h.value_at_index(last_index) ||
      max > h.value_at_index(last_index) + h.bucket_width_at_index(last_index) - 1) {
    return corrupt();
  }
  // Clamped values were recorded as exactly the range's ends.
  if (underflow > 0 && (min != lowest || h.counts_[h.index_of(lowest)] < underflow)) {
    return corrupt();
  }
  if (overflow > 0 && (max != highest || h.counts_[h.index_of(highest)] < overflow)) {
    return corrupt();
  }
  // The sum must be reachable with the recorded buckets, min and max.
  uint128 sum_low = 0, sum_high = 0;
  for (std::size_t i = first_index; i <= last_index; ++i) {
    if (h.counts_[i] == 0) continue;
    const std::int64_t lo = std::max(h.value_at_index(i), min);
    const std::int64_t hi = std::min(h.value_at_index(i) + h.bucket_width_at_index(i) - 1, max);
    sum_low += static_cast<uint128>(lo) * h.counts_[i];
    sum_high += static_cast<uint128>(hi) * h.counts_[i];
  }
  if (sum < sum_low || sum > sum_high) return corrupt();

  h.total_ = total;
  h.underflow_ = underflow;
  h.overflow_ = overflow;
  h.min_ = min;
  h.max_ = max;
  h.sum_ = sum;
  return h;
}

}  // namespace relayload::metrics
