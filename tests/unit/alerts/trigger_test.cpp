// alerts::Trigger: crossings need the previous value, hysteresis stops a hovering value from
// firing again, cooldowns hold back re-fires, one-shots fire once.
#include <gtest/gtest.h>

#include "meridian/alerts/condition.hpp"

namespace meridian::alerts {
namespace {

using namespace std::chrono_literals;
const core::Timestamp t0 = core::Timestamp(std::chrono::seconds(1'700'000'000));

TEST(AlertTrigger, CrossingNeedsAValueOnTheOtherSideFirst) {
  Trigger up(Op::crosses_above, 100, 0, false, 0s);
  EXPECT_FALSE(up.observe(105, t0)) << "already above: no crossing seen";
  EXPECT_FALSE(up.observe(110, t0));
  EXPECT_FALSE(up.observe(99, t0));
  EXPECT_TRUE(up.observe(101, t0));
  EXPECT_EQ(up.previous(), 99.0);
  EXPECT_TRUE(up.spent());
  EXPECT_FALSE(up.observe(50, t0));
  EXPECT_FALSE(up.observe(150, t0)) << "a one-shot fires once";
}

TEST(AlertTrigger, CrossingBelow) {
  Trigger down(Op::crosses_below, 100, 0, true, 0s);
  EXPECT_FALSE(down.observe(101, t0));
  EXPECT_TRUE(down.observe(100, t0)) << "at the threshold counts";
  EXPECT_FALSE(down.observe(95, t0));
  EXPECT_FALSE(down.observe(101, t0));
  EXPECT_TRUE(down.observe(90, t0));
}

TEST(AlertTrigger, HysteresisRearmsOnlyBeyondTheBand) {
  Trigger up(Op::crosses_above, 100, 2, true, 0s);
  EXPECT_FALSE(up.observe(97, t0));
  EXPECT_TRUE(up.observe(100.5, t0));
  EXPECT_FALSE(up.observe(99, t0)) << "inside the band: not re-armed";
  EXPECT_FALSE(up.observe(100.5, t0)) << "hovering at the threshold fires once";
  EXPECT_FALSE(up.observe(97.9, t0)) << "beyond the band: re-armed";
  EXPECT_TRUE(up.observe(100, t0));
}

TEST(AlertTrigger, CooldownHoldsBackAndTheFirstValueAfterItFires) {
  Trigger up(Op::crosses_above, 100, 0, true, 60s);
  EXPECT_FALSE(up.observe(90, t0));
  EXPECT_TRUE(up.observe(110, t0));
  EXPECT_FALSE(up.observe(90, t0 + 10s));
  EXPECT_FALSE(up.observe(110, t0 + 20s)) << "within the cooldown";
  EXPECT_TRUE(up.cooling_down(t0 + 20s));
  EXPECT_TRUE(up.observe(111, t0 + 61s)) << "still armed and holding after the cooldown";
}

TEST(AlertTrigger, LevelFiresWhileArmedAndRearmsOnRelease) {
  Trigger below(Op::below, 30, 5, true, 0s);
  EXPECT_TRUE(below.observe(25, t0)) << "a level is armed from the start";
  EXPECT_FALSE(below.observe(20, t0));
  EXPECT_FALSE(below.observe(33, t0)) << "inside the band";
  EXPECT_FALSE(below.observe(29, t0));
  EXPECT_FALSE(below.observe(36, t0));
  EXPECT_TRUE(below.observe(29, t0));
}

TEST(AlertTrigger, EventsFollowOneShotAndCooldown) {
  Trigger once(Op::changes, 0, 0, false, 0s);
  EXPECT_TRUE(once.fire_event(t0));
  EXPECT_FALSE(once.fire_event(t0 + 1h));
  Trigger again(Op::changes, 0, 0, true, 30s);
  EXPECT_TRUE(again.fire_event(t0));
  EXPECT_FALSE(again.fire_event(t0 + 29s));
  EXPECT_TRUE(again.fire_event(t0 + 30s));
}

TEST(AlertTrigger, RestoredAfterARestart) {
  Trigger once(Op::above, 10, 0, false, 0s);
  once.restore(t0);
  EXPECT_TRUE(once.spent());
  EXPECT_FALSE(once.observe(20, t0 + 1h));
  Trigger recurring(Op::above, 10, 0, true, 60s);
  recurring.restore(t0);
  EXPECT_FALSE(recurring.observe(20, t0 + 1s)) << "a level that fired waits for a release";
  EXPECT_FALSE(recurring.observe(5, t0 + 2s));
  EXPECT_FALSE(recurring.observe(20, t0 + 3s)) << "and keeps its cooldown";
  EXPECT_TRUE(recurring.observe(20, t0 + 61s));
}

TEST(AlertTrigger, NonFiniteValuesAreIgnored) {
  Trigger up(Op::above, 1, 0, true, 0s);
  EXPECT_FALSE(up.observe(std::nan(""), t0));
  EXPECT_TRUE(up.observe(2, t0));
}

}  // namespace
}  // namespace meridian::alerts
