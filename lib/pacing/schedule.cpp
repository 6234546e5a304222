#include "relayload/pacing/schedule.hpp"

#include <utility>

#include "relayload/error.hpp"

namespace relayload::pacing {

schedule::schedule(source s, shard part) noexcept : source_(std::move(s)), part_(part) {
  if (const auto* c = std::get_if<constant_rate_schedule>(&source_)) {
    size_ = part_.size_of(c->size());
  } else if (const auto* st = std::get_if<staircase_schedule>(&source_)) {
    size_ = part_.size_of(st->size());
  } else if (const auto* p = std::get_if<poisson_schedule>(&source_)) {
    position_ = p->position();  // a partly consumed Poisson cursor continues where it was
  }
}

schedule::schedule(constant_rate_schedule s) noexcept : schedule(source(s), shard{}) {}
schedule::schedule(staircase_schedule s) noexcept : schedule(source(std::move(s)), shard{}) {}
schedule::schedule(const poisson_schedule& s) noexcept : schedule(source(s), shard{}) {}

result<schedule> schedule::sharded(constant_rate_schedule s, shard part) noexcept {
  if (!part.valid()) return unexpected(errc::invalid_argument);
  return schedule(source(s), part);
}

result<schedule> schedule::sharded(staircase_schedule s, shard part) noexcept {
  if (!part.valid()) return unexpected(errc::invalid_argument);
  return schedule(source(std::move(s)), part);
}

result<schedule> schedule::sharded(const poisson_schedule& s, shard part) noexcept {
  auto slice = s.for_shard(part);
  if (!slice) return unexpected(slice.error());
  return schedule(*slice);
}

bool schedule::done() const noexcept {
  if (const auto* p = std::get_if<poisson_schedule>(&source_)) return p->done();
  return position_ >= size_;
}

std::optional<scheduled_event> schedule::peek() const noexcept {
  // get_if rather than std::visit: visit may throw bad_variant_access, and this is noexcept.
  if (const auto* p = std::get_if<poisson_schedule>(&source_)) {
    if (p->done()) return std::nullopt;
    return scheduled_event{p->index(), p->offset()};
  }
  if (position_ >= size_) return std::nullopt;  // also the empty (monostate) schedule
  const std::uint64_t global = part_.global_index(position_);
  if (const auto* c = std::get_if<constant_rate_schedule>(&source_)) {
    return scheduled_event{global, c->offset(global)};
  }
  const auto* st = std::get_if<staircase_schedule>(&source_);
  return scheduled_event{global, st->offset(global)};
}

void schedule::advance() noexcept {
  if (auto* p = std::get_if<poisson_schedule>(&source_)) {
    if (p->done()) return;
    p->advance();
    ++position_;
    return;
  }
  if (position_ < size_) ++position_;
}

std::optional<scheduled_event> schedule::next() noexcept {
  auto event = peek();
  if (event) advance();
  return event;
}

std::optional<std::uint64_t> schedule::size() const noexcept {
  if (const auto* p = std::get_if<poisson_schedule>(&source_)) return p->size();
  return size_;
}

}  // namespace relayload::pacing
