// alerts (sql/003, fitted by sql/014) through storage::AlertStore and alerts::AlertService
// against a real server (#17 item 5): a row round-trips with its sealed webhook secret, trigger
// and delivery; an alert made through the service is there again after a reload (a new service
// on the same database), a one-shot that fired still triggered; a user's cap holds.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "meridian/alerts/alert_service.hpp"
#include "meridian/storage/alert_store.hpp"
#include "meridian/storage/migrations.hpp"
#include "store_fixture.hpp"

namespace meridian::it {
namespace {

using nlohmann::json;

class AlertStoreTest : public OwnedRowsStoreTest<storage::AlertStore> {
 protected:
  AlertStoreTest() : OwnedRowsStoreTest({1, 2}) {}
};

const core::InstrumentTable& table() {
  static const core::InstrumentTable t = [] {
    core::Instrument btc;
    btc.symbol = "BTC-USD";
    return core::InstrumentTable({btc});
  }();
  return t;
}

TEST_F(AlertStoreTest, RowRoundTripsWithItsSealedSecretTriggerAndDelivery) {
  auto box = auth::SecretBox::from_text(auth::SecretBox::new_key_text());
  ASSERT_TRUE(box);
  storage::AlertRow row;
  row.owner_id = 2;
  row.kind = "price";
  row.condition = "crosses_above";
  row.symbol = "BTC-USD";
  row.threshold = 50000;
  row.spec = R"({"kind":"price","condition":"crosses_above","symbol":"BTC-USD","threshold":50000.0})";
  row.message = "moon";
  row.webhook_url = "http://127.0.0.1:9/hook";
  row.webhook_secret = box->seal("0123456789abcdef", alerts::webhook_secret_context(2, row.webhook_url));
  row.recurring = true;
  row.cooldown_s = 60;
  row.hysteresis = 1.5;
  auto created = store().create(row);
  ASSERT_TRUE(created);
  const auto id = created->first;

  auto raw = pqxx::connection(url());
  pqxx::work tx(raw);
  const auto stored = tx.exec_params1(
      "SELECT position('0123456789abcdef' in encode(webhook_secret, 'escape')) FROM alerts WHERE id = $1", id);
  EXPECT_EQ(stored[0].as<int>(), 0) << "the secret is not stored in the clear";
  tx.commit();

  ASSERT_TRUE(store().record_trigger(id, "active", core::now(), 50001.5, 3));
  ASSERT_TRUE(store().record_delivery(id, R"({"status":"dead_letter","attempts":5})", R"([{"error":"HTTP 500"}])"));
  auto all = store().all();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  const auto& back = (*all)[0];
  EXPECT_EQ(back.id, id);
  EXPECT_EQ(back.owner_id, 2);
  EXPECT_EQ(json::parse(back.spec), json::parse(row.spec));
  EXPECT_EQ(back.message, "moon");
  EXPECT_EQ(back.webhook_url, row.webhook_url);
  ASSERT_TRUE(back.webhook_secret);
  auto opened = box->open(*back.webhook_secret, alerts::webhook_secret_context(2, row.webhook_url));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->view(), "0123456789abcdef");
  EXPECT_FALSE(box->open(*back.webhook_secret, alerts::webhook_secret_context(1, row.webhook_url)))
      << "sealed for its owner only";
  EXPECT_TRUE(back.recurring);
  EXPECT_EQ(back.cooldown_s, 60);
  EXPECT_EQ(back.hysteresis, 1.5);
  EXPECT_EQ(back.trigger_count, 3);
  EXPECT_EQ(back.triggered_value, 50001.5);
  EXPECT_TRUE(back.triggered_at);
  EXPECT_EQ(json::parse(back.delivery)["status"], "dead_letter");
  EXPECT_EQ(json::parse(back.dead_letters).size(), 1u);

  auto removed = store().remove(id);
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  auto again = store().remove(id);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(AlertStoreTest, AlertsSurviveAReloadAndTheCapHolds) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto call = [](auto&& start) {
    std::promise<alerts::AlertService::Answer> p;
    auto f = p.get_future();
    start([&p](alerts::AlertService::Answer a) { p.set_value(std::move(a)); });
    return f.get();
  };
  alerts::ServiceLimits limits;
  limits.per_user = 2;
  std::int64_t one_shot_id = 0;
  {
    alerts::AlertService service(io, table(), store(), nullptr, 1, limits);
    ASSERT_TRUE(service.load());
    auto decoded = alerts::decode(
        {{"kind", "price"}, {"symbol", "BTC-USD"}, {"condition", "above"}, {"threshold", 1}, {"message", "one"}},
        table());
    ASSERT_TRUE(decoded);
    auto a = call([&](auto done) { service.create(1, *decoded, done); });
    ASSERT_FALSE(a.failure);
    one_shot_id = a.body["id"].get<std::int64_t>();
    EXPECT_EQ(a.body["state"], "armed");
    ASSERT_FALSE(call([&](auto done) { service.create(1, *decoded, done); }).failure);
    auto third = call([&](auto done) { service.create(1, *decoded, done); });
    ASSERT_TRUE(third.failure);
    EXPECT_EQ(third.failure->code, alerts::Failure::Code::too_many);
    EXPECT_FALSE(call([&](auto done) { service.create(2, *decoded, done); }).failure) << "the cap is per user";
    auto hook = alerts::decode({{"kind", "price"},
                                {"symbol", "BTC-USD"},
                                {"condition", "above"},
                                {"threshold", 1},
                                {"webhook_url", "http://127.0.0.1:9/"},
                                {"webhook_secret", "0123456789abcdef"}},
                               table());
    ASSERT_TRUE(hook);
    auto refused = call([&](auto done) { service.create(2, *hook, done); });
    ASSERT_TRUE(refused.failure);
    EXPECT_EQ(refused.failure->code, alerts::Failure::Code::secrets_key_missing);
    service.stop();
  }
  // The first one fired (as a daemon would have recorded it) before the restart.
  ASSERT_TRUE(store().record_trigger(one_shot_id, "triggered", core::now(), 2, 1));
  {
    alerts::AlertService service(io, table(), store(), nullptr, 1, limits);
    auto loaded = service.load();
    ASSERT_TRUE(loaded);
    EXPECT_EQ(*loaded, 3u);
    auto listed = call([&](auto done) { service.list([](std::int64_t owner) { return owner == 1; }, done); });
    ASSERT_EQ(listed.body["items"].size(), 2u);
    const auto& first = listed.body["items"][0];
    EXPECT_EQ(first["id"], one_shot_id);
    EXPECT_EQ(first["message"], "one");
    EXPECT_EQ(first["status"], "triggered");
    EXPECT_EQ(first["state"], "triggered");
    EXPECT_EQ(first["trigger_count"], 1);
    EXPECT_EQ(first["condition"]["symbol"], "BTC-USD");
    auto hidden = call([&](auto done) {
      service.remove(
          one_shot_id, [](std::int64_t) { return false; }, done);
    });
    ASSERT_TRUE(hidden.failure);
    EXPECT_EQ(hidden.failure->code, alerts::Failure::Code::not_found) << "another user's alert is not found";
    auto gone = call([&](auto done) {
      service.remove(
          one_shot_id, [](std::int64_t) { return true; }, done);
    });
    EXPECT_FALSE(gone.failure);
    auto full =
        alerts::decode({{"kind", "price"}, {"symbol", "BTC-USD"}, {"condition", "below"}, {"threshold", 5}}, table());
    ASSERT_TRUE(full);
    EXPECT_FALSE(call([&](auto done) { service.create(1, *full, done); }).failure) << "a delete frees a place";
    service.stop();
  }
  guard.reset();
  runner.join();
}

}  // namespace
}  // namespace meridian::it
