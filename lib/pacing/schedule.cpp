#include "relayload/pacing/schedule.hpp"

#include <utility>

#include "relayload/error.hpp"

namespace relayload::pacing {

namespace {

// offset + by for non-negative values, saturating instead of overflowing.
std::chrono::nanoseconds later(std::chrono::nanoseconds offset,
                               std::chrono::nanoseconds by) noexcept {
  const auto limit = std::chrono::nanoseconds::max();
  return by > limit - offset ? limit : offset + by;
}

}  // namespace

schedule::schedule(source s, shard part) noexcept : source_(std::move(s)), part_(part) {
  if (const auto* c = std::get_if<constant_rate_schedule>(&source_)) {
    size_ = part_.size_of(c->size());
  } else if (const auto* st = std::get_if<staircase_schedule>(&source_)) {
    size_ = part_.size_of(st->size());
  } else if (const auto* pr = std::get_if<profile_schedule>(&source_)) {
    size_ = part_.size_of(pr->size());
  } else if (const auto* p = std::get_if<poisson_schedule>(&source_)) {
    position_ = p->position();  // a partly consumed Poisson cursor continues where it was
  } else if (const auto* pp = std::get_if<poisson_profile_schedule>(&source_)) {
    position_ = pp->position();
  }
}

schedule::schedule(constant_rate_schedule s) noexcept : schedule(source(s), shard{}) {}
schedule::schedule(staircase_schedule s) noexcept : schedule(source(std::move(s)), shard{}) {}
schedule::schedule(const poisson_schedule& s) noexcept : schedule(source(s), shard{}) {}
schedule::schedule(profile_schedule s) noexcept : schedule(source(std::move(s)), shard{}) {}
schedule::schedule(const poisson_profile_schedule& s) noexcept : schedule(source(s), shard{}) {}

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

result<schedule> schedule::sharded(profile_schedule s, shard part) noexcept {
  if (!part.valid()) return unexpected(errc::invalid_argument);
  return schedule(source(std::move(s)), part);
}

result<schedule> schedule::sharded(const poisson_profile_schedule& s, shard part) noexcept {
  auto slice = s.for_shard(part);
  if (!slice) return unexpected(slice.error());
  return schedule(*slice);
}

result<schedule> schedule::shifted(std::chrono::nanoseconds by) const& {
  return schedule(*this).shifted(by);
}

result<schedule> schedule::shifted(std::chrono::nanoseconds by) && noexcept {
  if (by.count() < 0) return unexpected(errc::invalid_argument);
  shift_ = later(shift_, by);
  return std::move(*this);
}

bool schedule::done() const noexcept {
  if (const auto* p = std::get_if<poisson_schedule>(&source_)) return p->done();
  if (const auto* pp = std::get_if<poisson_profile_schedule>(&source_)) return pp->done();
  return position_ >= size_;
}

std::optional<scheduled_event> schedule::peek() const noexcept {
  // get_if rather than std::visit: visit may throw bad_variant_access, and this is noexcept.
  if (const auto* p = std::get_if<poisson_schedule>(&source_)) {
    if (p->done()) return std::nullopt;
    return scheduled_event{p->index(), later(p->offset(), shift_)};
  }
  if (const auto* pp = std::get_if<poisson_profile_schedule>(&source_)) {
    if (pp->done()) return std::nullopt;
    return scheduled_event{pp->index(), later(pp->offset(), shift_)};
  }
  if (position_ >= size_) return std::nullopt;  // also the empty (monostate) schedule
  const std::uint64_t global = part_.global_index(position_);
  std::chrono::nanoseconds offset{0};
  if (const auto* c = std::get_if<constant_rate_schedule>(&source_)) {
    offset = c->offset(global);
  } else if (const auto* st = std::get_if<staircase_schedule>(&source_)) {
    offset = st->offset(global);
  } else if (const auto* pr = std::get_if<profile_schedule>(&source_)) {
    offset = pr->offset(global);
  }
  return scheduled_event{global, later(offset, shift_)};
}

void schedule::advance() noexcept {
  if (auto* p = std::get_if<poisson_schedule>(&source_)) {
    if (p->done()) return;
    p->advance();
    ++position_;
    return;
  }
  if (auto* pp = std::get_if<poisson_profile_schedule>(&source_)) {
    if (pp->done()) return;
    pp->advance();
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
  if (std::holds_alternative<poisson_profile_schedule>(source_)) return std::nullopt;
  return size_;
}

}  // namespace relayload::pacing
