#pragma once
// Where orders go: the paper executor here, live gateways later. Fills are reported to
// a FillSink; every call happens on the engine strand.
#include <string_view>

#include "meridian/execution/order.hpp"

namespace meridian::execution {

class FillSink {
 public:
  virtual ~FillSink() = default;
  virtual void on_fill(const Fill& fill) = 0;
  virtual void on_reject(const Order& order, std::string_view reason) = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // `touch` is the latest quote for the order's symbol.
  virtual void submit(const Order& order, const core::Tick& touch, FillSink& sink) = 0;
  virtual std::string_view name() const noexcept = 0;
};

}  // namespace meridian::execution
