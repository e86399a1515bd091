#pragma once
// Drives SimulatedPrices from an Asio timer on the engine strand: one step per interval,
// or, with a zero interval, batches of steps as fast as the strand takes them.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "meridian/market/feed.hpp"
#include "meridian/market/simulated_prices.hpp"
#include "meridian/market/symbol_filter.hpp"

namespace meridian::market {

class SimulatedFeed final : public Feed {
 public:
  SimulatedFeed(boost::asio::any_io_executor strand, SimulatedPrices& prices, std::chrono::milliseconds interval);

  void start(TickSink& sink) override;
  void stop() override;
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override { return "simulated"; }
  FeedHealth health() const noexcept override;

 private:
  void schedule();
  void run_batch();

  boost::asio::any_io_executor strand_;
  SimulatedPrices& prices_;
  std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  TickSink* sink_ = nullptr;
  std::vector<core::Tick> ticks_;
  SymbolFilter filter_;
  std::vector<core::Tick> wanted_;  // ticks_ less the unsubscribed symbols
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> tick_count_{0};
};

}  // namespace meridian::market
