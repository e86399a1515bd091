#include "meridian/api/strategy_stream.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/api/ws_hub.hpp"
#include "meridian/engine/strategy_instance.hpp"
#include "ws_message.hpp"

namespace meridian::api {

StrategyStream::StrategyStream(boost::asio::io_context& io, WsHub& hub, ApiContext& ctx,
                               std::chrono::milliseconds interval)
    : strand_(boost::asio::make_strand(io)), timer_(strand_), hub_(hub), ctx_(ctx), interval_(interval) {}

void StrategyStream::start() {
  boost::asio::dispatch(strand_, [this] {
    poll(false);  // what exists at start is not a change
    schedule();
  });
}

void StrategyStream::stop() {
  boost::asio::dispatch(strand_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void StrategyStream::schedule() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    poll(true);
    schedule();
  });
}

void StrategyStream::poll(bool publish) {
  const auto directory = ctx_.runner.portfolios();
  if (!directory) return;
  for (const auto& entry : *directory) {
    const auto snap = entry.store ? entry.store->load() : nullptr;
    if (!snap || !snap->instances) continue;
    auto& sent = sent_[entry.id];
    std::uint64_t latest = sent;
    for (const auto& v : *snap->instances) {
      latest = std::max(latest, v.version);
      if (!publish || v.version <= sent) continue;
      WsTarget target;
      target.audience = WsTarget::strategies;
      target.portfolio = entry.id;
      hub_.publish(ws_message("strategy", {{"portfolio_id", entry.id}, {"data", instance_json(v, *snap, entry.name)}}),
                   target);
    }
    sent = latest;
  }
}

}  // namespace meridian::api
