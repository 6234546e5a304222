// A channel's retained publications: a ring of at most history_size entries with
// contiguous offsets (oldest_offset() .. oldest_offset() + size() - 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace relayload::relay::detail {

/// One retained publication; `data` holds the raw JSON bytes exactly as published.
struct stored_publication {
  std::uint64_t offset = 0;
  std::string data;
  std::string client;  ///< the publisher's connection id (ClientInfo.client)
  std::string user;    ///< the publisher's user id ("" for anonymous connections)
};

/// Not a std::deque: an empty deque already allocates ~600 bytes, and a relay holds a
/// stream per channel for hundreds of thousands of channels.
class publication_ring {
 public:
  bool empty() const noexcept { return size_ == 0; }
  std::size_t size() const noexcept { return size_; }

  /// i-th oldest retained publication, 0 <= i < size().
  const stored_publication& at(std::size_t i) const noexcept {
    return slots_[(head_ + i) % slots_.size()];
  }
  std::uint64_t oldest_offset() const noexcept { return at(0).offset; }

  /// Appends, dropping the oldest beyond `capacity` (> 0). Offsets must be consecutive.
  void push(stored_publication&& p, std::size_t capacity) {
    if (capacity == 0) return;
    if (slots_.size() > capacity) {  // capacity shrank: keep the newest ones
      std::vector<stored_publication> keep;
      for (std::size_t i = size_ - capacity; i < size_; ++i) keep.push_back(std::move(slot(i)));
      slots_ = std::move(keep);
      head_ = 0;
      size_ = slots_.size();
    }
    if (size_ < capacity) {
      if (head_ != 0) normalise();
      slots_.push_back(std::move(p));
      ++size_;
      return;
    }
    slots_[head_] = std::move(p);  // overwrite the oldest
    head_ = (head_ + 1) % slots_.size();
  }

  /// Drops everything and releases the memory.
  void clear() noexcept {
    std::vector<stored_publication>().swap(slots_);
    head_ = 0;
    size_ = 0;
  }

 private:
  stored_publication& slot(std::size_t i) noexcept { return slots_[(head_ + i) % slots_.size()]; }

  void normalise() {
    std::vector<stored_publication> v;
    v.reserve(size_ + 1);
    for (std::size_t i = 0; i < size_; ++i) v.push_back(std::move(slot(i)));
    slots_ = std::move(v);
    head_ = 0;
  }

  std::vector<stored_publication> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace relayload::relay::detail
