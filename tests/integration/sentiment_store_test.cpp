// sentiment_data (sql/003) through storage::SentimentStore against a real server (#14 item 9):
// an insert is all or nothing, recent() is the symbol's window newest first (market-wide rows
// apart), aggregate() is summarise() over the same rows, and a server that is gone is
// Errc::unavailable, not an exception.
#include <pqxx/pqxx>

#include "meridian/storage/migrations.hpp"
#include "meridian/storage/sentiment_store.hpp"
#include "pg_fixture.hpp"

namespace meridian::it {
namespace {

using namespace std::chrono_literals;

const core::Timestamp kNow = core::from_epoch_ms(1'800'000'000'000);

storage::SentimentItem item(std::string symbol, std::string source, double score, core::Duration age,
                            std::optional<double> confidence = {}) {
  storage::SentimentItem i;
  i.symbol = std::move(symbol);
  i.source = std::move(source);
  i.score = score;
  i.confidence = confidence;
  i.mentions = 2;
  i.headline = "h " + std::to_string(score);
  i.observed_at = kNow - age;
  return i;
}

class SentimentStoreTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    storage::apply_migrations(url());
    store_.emplace(url());
  }
  const storage::SentimentStore& store() const { return *store_; }
  long long rows() const {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    return tx.exec1("SELECT count(*) FROM sentiment_data")[0].as<long long>();
  }

 private:
  std::optional<storage::SentimentStore> store_;
};

TEST_F(SentimentStoreTest, InsertIsAllOrNothing) {
  const std::vector good{item("BTC-USD", "news", 0.5, 1h, 0.9), item("", "market", -0.2, 2h)};
  auto ids = store().insert(good);
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_EQ(rows(), 2);
  // The second item breaks the table's CHECK: the first is not kept either.
  const std::vector mixed{item("BTC-USD", "news", 0.1, 1h), item("BTC-USD", "news", 3, 1h)};
  auto refused = store().insert(mixed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), core::Errc::unavailable);
  EXPECT_EQ(rows(), 2);
}

TEST_F(SentimentStoreTest, RecentIsTheWindowNewestFirstWithMarketWideRowsApart) {
  auto url_item = item("BTC-USD", "social", 0.3, 10min, 0.4);
  url_item.url = "https://example.com/x";
  const std::vector items{item("BTC-USD", "news", 0.1, 3h), url_item, item("BTC-USD", "news", 0.2, 30h),
                          item("ETH-USD", "news", 0.9, 1h), item("", "market", -0.5, 1h)};
  ASSERT_TRUE(store().insert(items));
  auto btc = store().recent("BTC-USD", kNow - 24h, kNow, 10);
  ASSERT_TRUE(btc);
  ASSERT_EQ(btc->size(), 2u);
  EXPECT_EQ((*btc)[0].score, 0.3);
  EXPECT_EQ((*btc)[0].source, "social");
  EXPECT_EQ((*btc)[0].confidence, 0.4);
  EXPECT_EQ((*btc)[0].mentions, 2);
  EXPECT_EQ((*btc)[0].url, "https://example.com/x");
  EXPECT_EQ((*btc)[0].observed_at, kNow - 10min);
  EXPECT_GT((*btc)[0].id, 0);
  EXPECT_EQ((*btc)[1].score, 0.1);
  EXPECT_FALSE((*btc)[1].confidence);
  EXPECT_EQ((*btc)[1].url, "");
  auto limited = store().recent("BTC-USD", kNow - 48h, kNow, 1);
  ASSERT_TRUE(limited);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().score, 0.3);
  auto market = store().recent("", kNow - 24h, kNow, 10);
  ASSERT_TRUE(market);
  ASSERT_EQ(market->size(), 1u);
  EXPECT_EQ(market->front().source, "market");
  EXPECT_EQ(market->front().symbol, "");
}

TEST_F(SentimentStoreTest, AggregateIsSummariseOverTheWindowsRows) {
  const std::vector items{item("BTC-USD", "news", 0.8, 1h, 0.5),  item("BTC-USD", "news", -0.2, 7h),
                          item("BTC-USD", "social", -0.6, 20min), item("BTC-USD", "insider", 1, 23h, 1.0),
                          item("BTC-USD", "news", 1, 25h),        item("ETH-USD", "news", -1, 1h)};
  ASSERT_TRUE(store().insert(items));
  auto got = store().aggregate("BTC-USD", kNow - 24h, kNow, 6h);
  ASSERT_TRUE(got);
  const std::vector in_window(items.begin(), items.begin() + 4);
  const auto want = storage::summarise(in_window, kNow, 6h);
  EXPECT_EQ(got->symbol, "BTC-USD");
  EXPECT_EQ(got->items, 4u);
  EXPECT_NEAR(got->score, want.score, 1e-9);
  EXPECT_NEAR(got->mean_score, want.mean_score, 1e-12);
  EXPECT_EQ(got->first, want.first);
  EXPECT_EQ(got->last, want.last);
  ASSERT_EQ(got->sources.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got->sources[i].source, want.sources[i].source);
    EXPECT_EQ(got->sources[i].items, want.sources[i].items);
    EXPECT_NEAR(got->sources[i].score, want.sources[i].score, 1e-9);
  }
  auto empty = store().aggregate("SOL-USD", kNow - 24h, kNow, 6h);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->items, 0u);
}

TEST(SentimentStoreDown, AServerThatIsGoneIsUnavailable) {
  const storage::SentimentStore store("postgresql://127.0.0.1:1/none?connect_timeout=2");
  const std::vector items{item("BTC-USD", "news", 0.1, 1h)};
  EXPECT_EQ(store.insert(items).error(), core::Errc::unavailable);
  EXPECT_EQ(store.recent("BTC-USD", kNow - 1h, kNow, 5).error(), core::Errc::unavailable);
  EXPECT_EQ(store.aggregate("", kNow - 1h, kNow, 6h).error(), core::Errc::unavailable);
}

}  // namespace
}  // namespace meridian::it
