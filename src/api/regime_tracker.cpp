#include "meridian/api/regime_tracker.hpp"

#include <boost/asio/post.hpp>

#include "meridian/api/json_types.hpp"
#include "meridian/engine/snapshot.hpp"
#include "ws_message.hpp"

namespace meridian::api {

namespace asio = boost::asio;

RegimeTracker::RegimeTracker(asio::io_context& io, const core::InstrumentTable& instruments,
                             engine::PortfolioId market_portfolio)
    : strand_(asio::make_strand(io)),
      instruments_(instruments),
      market_portfolio_(market_portfolio),
      symbols_(instruments.size()) {}

void RegimeTracker::attach(engine::EventBus& bus) {
  // Called on the engine strand: filter and hand off at once.
  bus.subscribe([this](const engine::EngineEvent& event, const std::shared_ptr<const engine::Snapshot>& snap) {
    const auto* closed = std::get_if<engine::BarClosed>(&event);
    if (!closed || closed->bar.timeframe != core::Timeframe::m1 || snap->portfolio_id != market_portfolio_ ||
        closed->bar.symbol >= symbols_.size())
      return;
    asio::post(strand_, [this, bar = closed->bar, snap] { on_bar(bar, snap); });
  });
}

void RegimeTracker::set_publisher(Publish publish) {
  asio::post(strand_, [this, publish = std::move(publish)]() mutable { publish_ = std::move(publish); });
}

nlohmann::json RegimeTracker::readings() const {
  std::lock_guard lock(mutex_);
  return readings_;
}

void RegimeTracker::on_bar(const core::Bar& bar, const std::shared_ptr<const engine::Snapshot>& snap) {
  auto& slot = symbols_[bar.symbol];
  if (!slot) slot = std::make_unique<Symbol>();
  auto& s = *slot;
  const auto before = s.classifier.reading().regime;
  if (!s.warmed) {
    // The closed bars before this one (the snapshot already holds this one), as the route
    // replays them: the same reading at the same bar.
    const auto& series = snap->series(core::Timeframe::m1, bar.symbol);
    for (const auto& b : series)
      if (b.open_time < bar.open_time) s.classifier.warm(b);
    s.warmed = true;
  }
  s.classifier.update(bar);
  const auto& reading = s.classifier.reading();
  const auto& symbol = instruments_.at(bar.symbol).symbol;
  auto document = regime_json(reading, symbol, core::Timeframe::m1, bar.open_time);
  {
    std::lock_guard lock(mutex_);
    readings_[symbol] = document;
  }
  // A baseline (the first reading, or the first known one) is not a change.
  if (reading.regime == before || before == indicators::MarketRegime::unknown || !publish_) return;
  document["previous"] = indicators::to_string(before);
  publish_(ws_message("regime", {{"data", std::move(document)}}), bar.symbol);
}

}  // namespace meridian::api
