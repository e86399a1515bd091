#pragma once
// The order lists the engine shares with readers: its own header so the order book
// (order_manager.hpp) and the snapshot (snapshot.hpp) name them without depending on each other.
#include <cstddef>
#include <vector>

#include "meridian/engine/chunked_series.hpp"
#include "meridian/execution/order.hpp"

namespace meridian::engine {

// Open orders (a copy of the executor's book, rebuilt when an order changes) and the most
// recent finished ones (kOrdersInMemory, in the order they finished, shared in chunks).
inline constexpr std::size_t kOrdersInMemory = 1000;
using OrderList = std::vector<execution::Order>;
using FinishedOrders = ChunkedSeries<execution::Order, 64>;
using FinishedOrderHistory = ChunkedHistory<execution::Order, 64>;

}  // namespace meridian::engine
