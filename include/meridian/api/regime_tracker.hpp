#pragma once
// The market regime of every symbol, followed live (issue 14 item 7): the market portfolio's
// closed 1m bars feed one indicators::RegimeClassifier per symbol, warmed on the symbol's first
// close from the snapshot's 1m history, so a reading is the one GET /api/market/regime/{symbol}
// gives at the same bar. The newest reading per symbol is kept for GET /api/engine/status
// ("regime": {symbol: document}); a change of a symbol's regime is sent on /ws as
// {"type":"regime","ts":..,"data":{the route's document, "previous": the regime before}}. The
// first reading after warm-up is a baseline, not a change: a client that connects reads the
// current regimes from the status or the route, then follows the changes.
//
// Threads: the engine strand only posts each 1m BarClosed of the market portfolio here
// (attach); the classifiers run on this tracker's own strand (O(history) per close, never on the
// tick path). readings() from any thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meridian/engine/events.hpp"
#include "meridian/engine/id_space.hpp"
#include "meridian/indicators/regime.hpp"

namespace meridian::api {

class RegimeTracker {
 public:
  // `symbol`: whose regime changed (for clients that follow some symbols only).
  using Publish = std::function<void(std::shared_ptr<const std::string> message, core::SymbolId symbol)>;

  // `market_portfolio`: the portfolio whose bars are followed (market data is the same for
  // every portfolio; the default one always exists).
  RegimeTracker(boost::asio::io_context& io, const core::InstrumentTable& instruments,
                engine::PortfolioId market_portfolio);
  RegimeTracker(const RegimeTracker&) = delete;
  RegimeTracker& operator=(const RegimeTracker&) = delete;

  // Before the engine starts.
  void attach(engine::EventBus& bus);
  // Any time: changes from then on go to `publish` (none before it is set).
  void set_publisher(Publish publish);
  // {symbol: the route's document} of every symbol read so far.
  nlohmann::json readings() const;

 private:
  struct Symbol {
    indicators::RegimeClassifier classifier;
    bool warmed = false;
  };
  void on_bar(const core::Bar& bar, const std::shared_ptr<const engine::Snapshot>& snap);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const core::InstrumentTable& instruments_;
  const engine::PortfolioId market_portfolio_;
  std::vector<std::unique_ptr<Symbol>> symbols_;  // strand only; by SymbolId, made on first use
  Publish publish_;                               // strand only
  mutable std::mutex mutex_;
  nlohmann::json readings_ = nlohmann::json::object();  // under mutex_
};

}  // namespace meridian::api
