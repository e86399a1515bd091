// Order ids come from a durable reservation (issue 11 item 5): the engine starts above the
// previous run's reservation, journals the next block when half of the current one is used,
// and refuses new orders (503 order_ids_unavailable) rather than hand out an id the database
// has not reserved.
#include <gtest/gtest.h>

#include "engine_rig.hpp"

namespace meridian::engine::test {
namespace {

using core::Errc;

TEST(EngineOrderIds, StartAboveTheReservationAndExtendItThroughTheJournal) {
  RecoveredState rec;
  rec.last_order_id = 3;        // the stored orders
  rec.order_id_floor = 100;     // the previous run may have handed out ids up to here
  rec.order_id_reserved = 140;  // this run's block
  rec.order_id_block = 40;
  Rig rig(manual_config(), rec);
  rig.tick(kAaa, seconds(0), "100");
  rig.pull();

  const auto first = rig.submit(limit(kAaa, Side::buy, "1", "50.00"));
  ASSERT_FALSE(first.error) << first.error->message;
  EXPECT_EQ(first.ticket.order.id, 101u) << "ids start above the previous reservation";

  // Half the block used: the next reservation goes to the journal.
  std::uint64_t last_id = first.ticket.order.id;
  std::optional<OrderIdReservation> reservation;
  while (!reservation && last_id < 140) {
    const auto s = rig.submit(limit(kAaa, Side::buy, "1", "50.00"));
    ASSERT_FALSE(s.error) << s.error->message;
    last_id = s.ticket.order.id;
    for (const auto& r : records_of<OrderIdReservation>(rig.pull())) reservation = r;
  }
  ASSERT_TRUE(reservation) << "no reservation journalled by id " << last_id;
  EXPECT_EQ(reservation->upto, 180u);
  EXPECT_LE(last_id, 121u);

  // Not durable yet: ids run up to the durable mark (less a margin for bracket legs), then
  // new orders are refused instead of taking an unreserved id.
  std::optional<CommandError> refused;
  while (!refused) {
    const auto s = rig.submit(limit(kAaa, Side::buy, "1", "50.00"));
    if (s.error) {
      refused = s.error;
      break;
    }
    last_id = s.ticket.order.id;
    ASSERT_LE(last_id, 140u) << "an id beyond the durable reservation was handed out";
  }
  EXPECT_EQ(refused->code, Errc::unavailable);
  EXPECT_EQ(refused->reason, "order_ids_unavailable");

  // The reservation commits: orders go on, above every id handed out.
  rig.engine.on_durable(rig.engine.last_seq());
  const auto after = rig.submit(limit(kAaa, Side::buy, "1", "50.00"));
  ASSERT_FALSE(after.error) << after.error->message;
  EXPECT_EQ(after.ticket.order.id, last_id + 1);
}

}  // namespace
}  // namespace meridian::engine::test
