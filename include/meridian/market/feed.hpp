#pragma once
// A source of market data. Feeds deliver ticks on the executor they were given (the
// engine strand), never block it, and report their own health.
#include <cstdint>
#include <span>
#include <string_view>

#include "meridian/core/types.hpp"

namespace meridian::market {

class TickSink {
 public:
  virtual ~TickSink() = default;
  virtual void on_ticks(std::span<const core::Tick> ticks) = 0;
};

struct FeedHealth {
  bool connected = false;
  std::uint64_t ticks = 0;
  std::uint64_t errors = 0;
};

class Feed {
 public:
  virtual ~Feed() = default;
  virtual void start(TickSink& sink) = 0;
  virtual void stop() = 0;
  virtual std::string_view name() const noexcept = 0;
  virtual FeedHealth health() const noexcept = 0;
};

}  // namespace meridian::market
