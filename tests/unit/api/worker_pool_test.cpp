// The bounded worker pool that keeps hashing and the identity store off the I/O threads.
#include "meridian/api/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

using meridian::api::WorkerPool;

TEST(WorkerPool, RunsPostedJobs) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(2, 16);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(pool.try_post([&] { ++ran; }));
  }  // the destructor runs what is queued
  EXPECT_EQ(ran.load(), 10);
}

TEST(WorkerPool, AFullQueueRefusesWithoutBlocking) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<void> started;
  // The one worker blocks in the first job, so the next two fill the queue.
  ASSERT_TRUE(pool.try_post([&started, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();
  EXPECT_TRUE(pool.try_post([] {}));
  EXPECT_TRUE(pool.try_post([] {}));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.try_post([] {}));
  release.set_value();
  pool.stop();
  EXPECT_EQ(pool.queued(), 0u);
}

TEST(WorkerPool, AThrowingJobDoesNotStopTheWorker) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 4);
    ASSERT_TRUE(pool.try_post([] { throw std::runtime_error("job failed"); }));
    ASSERT_TRUE(pool.try_post([&] { ++ran; }));
  }
  EXPECT_EQ(ran.load(), 1);
}

TEST(WorkerPool, AStoppedPoolRefuses) {
  WorkerPool pool(1, 4);
  pool.stop();
  EXPECT_FALSE(pool.try_post([] {}));
}
