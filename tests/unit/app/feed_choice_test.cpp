// The venue feeds the app builds run off the engine strand: each comes wrapped in an
// OffStrandFeed (its own strand over the engine's io_context); the simulated feed is the
// runner's own (an empty factory) and stays on the engine strand.
#include "meridian/app/feed_choice.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <string>

#include "meridian/market/off_strand_feed.hpp"

namespace meridian::app {
namespace {

TEST(FeedChoice, VenueFeedsComeBehindOffStrandFeed) {
  const core::InstrumentTable instruments(core::default_instruments());
  for (const std::string venue : {"coinbase", "binance", "alpaca"}) {
    Config config;
    config.feed = venue;
    config.alpaca_key_id = "key";
    config.alpaca_secret_key = "secret";
    const auto factory = choose_feed(config, instruments);
    ASSERT_TRUE(factory) << venue;
    boost::asio::io_context io;  // outlives the feed: its destruction posts there
    auto feed = factory(boost::asio::make_strand(io));
    EXPECT_NE(dynamic_cast<market::OffStrandFeed*>(feed.get()), nullptr) << venue;
    EXPECT_EQ(feed->name(), venue);
    feed.reset();
  }
}

TEST(FeedChoice, TheSimulatedFeedIsTheRunnersOwn) {
  Config config;
  EXPECT_FALSE(choose_feed(config, core::InstrumentTable(core::default_instruments())));
}

}  // namespace
}  // namespace meridian::app
