// Reconciliation's comparison: the venue's open orders against the gateway's book. Unknown venue
// orders are reported (never ours to cancel), ours the venue no longer has are to be read back,
// and orders not yet acknowledged are left to their own query.
#include "meridian/execution/reconciliation.hpp"

#include <gtest/gtest.h>

using namespace meridian::execution;

namespace {

Order order(OrderId id) {
  Order o;
  o.id = id;
  o.request.side = meridian::core::Side::buy;
  o.request.quantity = *meridian::core::Quantity::parse("10");
  o.request.type = OrderType::limit;
  o.request.limit_price = *meridian::core::Price::parse("100");
  return o;
}

// Our order `id`, acknowledged by the venue as "v-<id>".
void acknowledged(GatewayOrders& book, OrderId id) {
  std::string cid;
  ASSERT_TRUE(book.add(order(id), cid));
  VenueOrderUpdate u;
  u.client_order_id = cid;
  u.venue_order_id = "v-" + std::to_string(id);
  std::vector<ExecutionReport> out;
  book.apply(u, out);
}

VenueOpenOrder at_venue(const std::string& cid, const std::string& venue_id) {
  return {cid, venue_id, "AAPL", "buy", "10"};
}

}  // namespace

TEST(Reconciliation, TheSameOrdersOnBothSidesAreNoDifference) {
  GatewayOrders book(7);
  acknowledged(book, 1);
  const std::vector<VenueOpenOrder> venue{at_venue("mrd-7-1", "v-1")};
  EXPECT_TRUE(compare_open_orders(book, venue).empty());
}

TEST(Reconciliation, AnOrderOnlyTheVenueHasIsReportedAsUnknown) {
  GatewayOrders book(7);
  const std::vector<VenueOpenOrder> venue{at_venue("manual-1", "v-9")};
  const auto d = compare_open_orders(book, venue);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, OrderDifference::Kind::unknown_at_venue);
  EXPECT_EQ(d[0].order, 0u);
  EXPECT_NE(d[0].text.find("v-9"), std::string::npos) << d[0].text;
  EXPECT_NE(d[0].text.find("manual-1"), std::string::npos);
  EXPECT_NE(d[0].text.find("left alone"), std::string::npos);
}

TEST(Reconciliation, AnUnknownOrderWithOurClientIdFormSaysSo) {
  GatewayOrders book(7);
  const std::vector<VenueOpenOrder> venue{at_venue("mrd-7-55", "v-55"), at_venue("mrd-8-55", "v-56")};
  const auto d = compare_open_orders(book, venue);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_NE(d[0].text.find("carries this portfolio's client order id"), std::string::npos) << d[0].text;
  EXPECT_NE(d[1].text.find("not placed by this gateway"), std::string::npos) << d[1].text;  // another portfolio's
}

TEST(Reconciliation, AnOrderThatEndedHereButIsOpenAtTheVenueIsReported) {
  GatewayOrders book(7);
  acknowledged(book, 1);
  std::vector<ExecutionReport> out;
  ASSERT_TRUE(book.cancel_locally(1, "gone", {}, out));
  const std::vector<VenueOpenOrder> venue{at_venue("mrd-7-1", "v-1")};
  const auto d = compare_open_orders(book, venue);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, OrderDifference::Kind::unknown_at_venue);
  EXPECT_NE(d[0].text.find("ended here as order 1"), std::string::npos) << d[0].text;
}

TEST(Reconciliation, OurOrderTheVenueNoLongerHasOpenIsToBeReadBack) {
  GatewayOrders book(7);
  acknowledged(book, 1);
  acknowledged(book, 2);
  const std::vector<VenueOpenOrder> venue{at_venue("mrd-7-2", "v-2")};
  const auto d = compare_open_orders(book, venue);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, OrderDifference::Kind::closed_at_venue);
  EXPECT_EQ(d[0].order, 1u);
  EXPECT_NE(d[0].text.find("mrd-7-1"), std::string::npos);
}

TEST(Reconciliation, AnOrderNotYetAcknowledgedIsLeftToItsOwnQuery) {
  GatewayOrders book(7);
  std::string cid;
  ASSERT_TRUE(book.add(order(1), cid));  // its POST has not been answered
  EXPECT_TRUE(compare_open_orders(book, {}).empty());
  // And the venue listing it already is no difference either: it is ours.
  const std::vector<VenueOpenOrder> venue{at_venue(cid, "v-1")};
  EXPECT_TRUE(compare_open_orders(book, venue).empty());
}

// Positions: the ledger against the venue, symbols matched across spellings, signs kept.
TEST(ComparePositions, SameSymbolIgnoresSeparatorsAndCase) {
  using meridian::execution::same_symbol;
  EXPECT_TRUE(same_symbol("BTC-USD", "BTCUSD"));
  EXPECT_TRUE(same_symbol("BTC-USD", "BTC/USD"));
  EXPECT_TRUE(same_symbol("btc-usd", "BTCUSD"));
  EXPECT_TRUE(same_symbol("AAPL", "AAPL"));
  EXPECT_FALSE(same_symbol("BTC-USD", "BTCUSDT"));
  EXPECT_FALSE(same_symbol("BTC-USD", "BTCUS"));
  EXPECT_FALSE(same_symbol("AAPL", ""));
  EXPECT_TRUE(same_symbol("--", "/"));  // nothing that counts on either side
}

TEST(ComparePositions, ReportsEverySymbolThatDiffersAndNoneThatAgree) {
  using meridian::core::Quantity;
  using meridian::execution::VenuePosition;
  const auto q = [](const char* s) { return *Quantity::parse(s); };
  const std::vector<std::pair<std::string, Quantity>> ledger{
      {"AAPL", q("10")}, {"BTC-USD", q("0.5")}, {"ETH-USD", q("2")}, {"MSFT", q("0")}};
  const std::vector<VenuePosition> venue{{"BTCUSD", false, q("0.5")},  // agrees across spellings
                                         {"AAPL", false, q("12")},     // differs
                                         {"TSLA", true, q("3")},       // only at the venue, short
                                         {"MSFT", false, q("0")}};     // flat on both sides
  const auto d = meridian::execution::compare_positions(ledger, venue);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].symbol, "AAPL");
  EXPECT_EQ(d[0].ledger, q("10"));
  EXPECT_EQ(d[0].venue, q("12"));
  EXPECT_EQ(d[1].symbol, "ETH-USD");  // only in the ledger
  EXPECT_EQ(d[1].venue, Quantity{});
  EXPECT_EQ(d[2].symbol, "TSLA");
  EXPECT_EQ(d[2].ledger, Quantity{});
  EXPECT_EQ(d[2].venue, -q("3"));
  EXPECT_TRUE(meridian::execution::compare_positions(ledger, {}).size() == 3u);  // AAPL, BTC, ETH
}
