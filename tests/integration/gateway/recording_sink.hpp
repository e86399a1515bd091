#pragma once
// The gateway tests' engine side: a sink recording the reports as they are handed over (on the
// engine strand, checked), read by the test thread under a mutex; exact decimals; a limit order.
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "client_rig.hpp"
#include "meridian/execution/executor.hpp"

namespace gateway_test {

using meridian::core::Price;
using meridian::core::Quantity;
using meridian::execution::ExecutionReport;
using meridian::execution::ExecutionSink;
using meridian::execution::Fill;
using meridian::execution::Order;
using meridian::execution::OrderId;
using meridian::execution::OrderStatus;
using meridian::execution::OrderType;
using meridian::execution::TimeInForce;
using venue_test::SplitRig;

// The engine's side, recording: reports as they are handed over (on the strand), read by the
// test thread under a mutex.
class RecordingSink final : public ExecutionSink {
 public:
  explicit RecordingSink(const SplitRig& rig) : engine_(rig.engine) {}
  void report(ExecutionReport r) override {
    check_strand();
    std::lock_guard lock(mutex_);
    reports_.push_back(std::move(r));
  }
  void reports_arrived() override {
    check_strand();
    std::lock_guard lock(mutex_);
    ++arrivals_;
  }
  int off_engine() const { return off_engine_; }
  Quantity reducible(const Order& o) const noexcept override { return o.remaining(); }
  OrderId allocate_order_id() noexcept override { return ++next_id_; }

  std::vector<ExecutionReport> reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
  }
  std::vector<Fill> fills(OrderId id) const {
    std::vector<Fill> out;
    for (const auto& r : reports())
      if (r.kind == ExecutionReport::Kind::fill && r.order.id == id) out.push_back(r.fill);
    return out;
  }
  // The order as last reported; status new_order when nothing was reported.
  Order last(OrderId id) const {
    Order o;
    for (const auto& r : reports())
      if (r.order.id == id) o = r.order;
    return o;
  }
  bool reached(OrderId id, OrderStatus s) const {
    for (const auto& r : reports())
      if (r.order.id == id && r.order.status == s) return true;
    return false;
  }

 private:
  void check_strand() {
    if (!engine_.running_in_this_thread()) ++off_engine_;
  }

  SplitRig::Strand engine_;
  std::atomic<int> off_engine_{0};
  mutable std::mutex mutex_;
  std::vector<ExecutionReport> reports_;
  std::size_t arrivals_ = 0;
  OrderId next_id_ = 1000;
};

inline Quantity qty(const char* s) {
  return *Quantity::parse(s);
}
inline Price px(const char* s) {
  return *Price::parse(s);
}

// A GTC limit buy of symbol 0, and its client order id in portfolio 7 (the tests' portfolio).
inline Order limit_buy_gtc(OrderId id, const char* quantity, const char* price) {
  Order o;
  o.id = id;
  o.request.symbol = 0;
  o.request.side = meridian::core::Side::buy;
  o.request.quantity = qty(quantity);
  o.request.type = OrderType::limit;
  o.request.limit_price = px(price);
  o.request.tif = TimeInForce::gtc;
  return o;
}

inline std::string cid(OrderId id) {
  return "mrd-7-" + std::to_string(id);
}

}  // namespace gateway_test
