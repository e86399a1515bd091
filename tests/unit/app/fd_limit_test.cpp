// raise_fd_limit (app/fd_limit.hpp): a soft open-file limit below the hard one is raised to it,
// one already at it is left alone, and the limit never goes down.
#include "meridian/app/fd_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace meridian::app {
namespace {

// Restores the process's limit however a test ends.
class FdLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0); }
  void TearDown() override { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  rlimit saved_{};
};

TEST_F(FdLimitTest, ALowSoftLimitIsRaisedToTheHardOne) {
  if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max <= 256) GTEST_SKIP() << "hard limit " << saved_.rlim_max;
  rlimit low = saved_;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  const auto r = raise_fd_limit();
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.before, 256u);
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(r.after, now.rlim_cur);
  if (saved_.rlim_max != RLIM_INFINITY) {
    EXPECT_EQ(now.rlim_cur, saved_.rlim_max);
  }
  EXPECT_GT(now.rlim_cur, 256u);

  const auto again = raise_fd_limit();  // already at the top: nothing changes
  EXPECT_TRUE(again.error.empty()) << again.error;
  EXPECT_EQ(again.before, again.after);
  EXPECT_EQ(again.after, now.rlim_cur);
}

}  // namespace
}  // namespace meridian::app
