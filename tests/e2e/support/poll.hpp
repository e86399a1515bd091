#pragma once
// Waiting without asserting timing: poll a condition until it holds or a deadline passes.
#include <chrono>
#include <thread>

namespace meridian::e2e {

using namespace std::chrono_literals;

// Polls `done` every `every` until it holds or `timeout` passes; returns its last value.
template <class Pred>
bool poll_until(Pred&& done, std::chrono::milliseconds timeout, std::chrono::milliseconds every = 20ms) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace meridian::e2e
