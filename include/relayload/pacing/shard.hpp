// relayload::pacing::shard — which part of a load one worker (thread, process, MPI rank) runs.
#pragma once

#include <cstdint>
#include <vector>

namespace relayload::pacing {

/// Shard `index` of `count`: the arithmetic for dividing N events over K workers with the
/// remainder spread, never dropped (h2load's division of work over its workers).
///
/// Two divisions are offered; both give shard k exactly N/K events plus one for the first
/// N mod K shards, so sizes differ by at most one and sum to exactly N:
///  - round-robin (size_of, global_index, owns, local_index): shard k takes events
///    k, k+K, k+2K, … This is how schedules are sharded (see `schedule::sharded`): every
///    shard starts at t0 and runs at 1/K of the rate with its own starts evenly spaced, and
///    the union of all shards is exactly the unsharded schedule. Contiguous blocks would
///    instead make shard 0 run all of the early starts at the full global rate while the
///    others idle — each worker would have to sustain K times its share.
///  - contiguous blocks (block_begin, block_end): shard k takes one run of consecutive
///    indices, for things that are ranges rather than times (pair ids, source addresses).
///
/// Value type. A shard is valid when count > 0 and index < count; the other members assume
/// validity.
struct shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;

  bool valid() const noexcept { return count > 0 && index < count; }

  /// How many of `total` events this shard owns (the same for both divisions).
  std::uint64_t size_of(std::uint64_t total) const noexcept {
    return total / count + (index < total % count ? 1 : 0);
  }

  /// Round-robin: the global index of this shard's `local`-th event (local·count + index).
  std::uint64_t global_index(std::uint64_t local) const noexcept { return local * count + index; }
  /// Round-robin: whether the event with global index `global` belongs to this shard.
  bool owns(std::uint64_t global) const noexcept { return global % count == index; }
  /// Round-robin: the local position of an owned global index.
  std::uint64_t local_index(std::uint64_t global) const noexcept { return global / count; }

  /// Contiguous blocks: first global index of this shard's block of `total`.
  std::uint64_t block_begin(std::uint64_t total) const noexcept {
    const std::uint64_t extra = total % count;
    return index * (total / count) + (index < extra ? index : extra);
  }
  /// Contiguous blocks: one past the last global index of this shard's block of `total`.
  std::uint64_t block_end(std::uint64_t total) const noexcept {
    return block_begin(total) + size_of(total);
  }

  /// Round-robin within round-robin: part `sub_index` of `sub_count` of this shard's events,
  /// as one shard of the whole. A process that owns shard I of N (`--shard`, an MPI rank)
  /// and splits its events over T threads gives thread j the shard {I + N·j, N·T}: it
  /// walks global events I + N·j, I + N·j + N·T, …, which are exactly the j-th, (j+T)-th, …
  /// of the process's own events. So the threads of every process together cover each
  /// global event exactly once, even when processes use different thread counts.
  /// Assumes count · sub_count fits in 32 bits.
  shard sub(std::uint32_t sub_index, std::uint32_t sub_count) const noexcept {
    return shard{index + count * sub_index, count * sub_count};
  }

  friend bool operator==(const shard& a, const shard& b) noexcept {
    return a.index == b.index && a.count == b.count;
  }
  friend bool operator!=(const shard& a, const shard& b) noexcept { return !(a == b); }
};

/// The sizes of all `count` shards of `total` events, in shard order; empty when count is 0.
/// Sizes differ by at most one and sum to exactly `total`.
std::vector<std::uint64_t> split_evenly(std::uint64_t total, std::uint32_t count);

}  // namespace relayload::pacing
