#include "relayload/client/client_context.hpp"

#include "context_impl.hpp"
#include "lean_transport_impl.hpp"
#include "traced_transport_impl.hpp"
#include "ws_transport_impl.hpp"

namespace relayload::client {

std::vector<std::string> client_context_options::validate() const {
  std::vector<std::string> problems = ws.validate();
  if (max_frame_size == 0) problems.emplace_back("The largest server frame must be above 0 bytes.");
  return problems;
}

client_context::impl::impl(asio::io_context& io, client_context_options options)
    : io_(io), options_(std::move(options)), timer_(io) {}

void client_context::impl::schedule(std::uint32_t slot, time_point at) {
  timers_.schedule(slot, at);
  if (options_.clock) return;  // manual clock: the owner calls run_due()
  if (!armed_at_ || at < *armed_at_) arm(at);
}

void client_context::impl::arm(time_point at) {
  armed_at_ = at;
  const std::uint64_t generation = ++arm_generation_;
  timer_.expires_at(at);
  // A weak reference: the context may be destroyed while a wait is queued.
  timer_.async_wait([weak = weak_from_this(), generation](const std::error_code& ec) {
    if (ec) return;
    const auto self = weak.lock();
    if (!self || self->arm_generation_ != generation) return;
    self->armed_at_.reset();
    self->run_due();
    if (!self->armed_at_) {
      if (const auto next = self->timers_.next()) self->arm(*next);
    }
  });
}

std::size_t client_context::impl::run_due() {
  const time_point now = this->now();
  // Bounded: entries that targets add for a time already due are run on the next round
  // (after pending I/O), so a target can never keep this loop spinning.
  std::size_t budget = timers_.size();
  std::size_t fired = 0;
  while (budget-- > 0) {
    timer_target* t = timers_.pop_due(now);
    if (t == nullptr) break;
    ++fired;
    t->on_deadline(now);
  }
  return fired;
}

std::unique_ptr<transport> client_context::impl::make_transport() {
  std::unique_ptr<transport> t;
  if (options_.make_transport) {
    t = options_.make_transport(io_);
  } else if (options_.transport == transport_kind::lean) {
    if (!lean_) lean_ = std::make_unique<net::lean_ws_client_context>(io_, options_.ws);
    t = std::make_unique<lean_transport>(*lean_);
  } else {
    if (!ws_) ws_ = std::make_unique<net::ws_client_context>(io_, options_.ws);
    t = std::make_unique<ws_transport>(*ws_);
  }
  if (!options_.frame_trace) return t;
  return std::make_unique<traced_transport>(std::move(t), options_.frame_trace,
                                            [this] { return now(); }, ++traced_connections_);
}

client_context::impl::decoder_lease client_context::impl::lease_decoder() {
  const std::size_t depth = decoder_depth_;
  if (decoders_.size() <= depth) {
    wire::decode_options o;
    o.max_frame_size = options_.max_frame_size;
    decoders_.push_back(std::make_unique<wire::reply_decoder>(o));
  }
  decoder_depth_ = depth + 1;
  return decoder_lease(*this, decoders_[depth].get(), depth);
}

client_context::client_context(asio::io_context& io, client_context_options options)
    : impl_(std::make_shared<impl>(io, std::move(options))) {}

client_context::~client_context() = default;

asio::io_context& client_context::io_context() const noexcept { return impl_->io(); }
const client_context_options& client_context::options() const noexcept { return impl_->options(); }
client_context::clock::time_point client_context::now() const noexcept { return impl_->now(); }
std::size_t client_context::run_due() { return impl_->run_due(); }
std::optional<client_context::clock::time_point> client_context::next_deadline() const noexcept {
  return impl_->next_deadline();
}
std::size_t client_context::pending_deadlines() const noexcept { return impl_->pending(); }

}  // namespace relayload::client
