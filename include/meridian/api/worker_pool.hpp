#pragma once
// A few threads for blocking work that must never run on an I/O thread (argon2 hashing, the
// identity store's database calls), fed by a bounded queue.
//
// Contract: try_post never blocks: it queues the job, or returns false when the queue holds
// `queue_limit` jobs already or the pool is stopping (the caller answers 503 busy). Jobs run
// in FIFO order on one of the pool's threads; a job that throws is logged and dropped (jobs
// that owe a reply catch their own exceptions). stop() (and the destructor) runs every job
// already queued, then joins the threads.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace meridian::api {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Any thread.
  bool try_post(std::function<void()> job);
  // Any thread but a worker's own.
  void stop();
  // Jobs waiting (not the ones running).
  std::size_t queued() const;

 private:
  void work();

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace meridian::api
