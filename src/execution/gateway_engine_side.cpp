#include "gateway_engine_side.hpp"

#include <boost/asio/post.hpp>

namespace meridian::execution {

namespace asio = boost::asio;

GatewayEngineSide::GatewayEngineSide(std::shared_ptr<GatewayFront> front, std::shared_ptr<GatewayCore> core,
                                     const core::InstrumentTable& instruments,
                                     std::shared_ptr<VenueOrderRate> order_rate, VenueRules rules)
    : front_(std::move(front)),
      core_(std::move(core)),
      instruments_(instruments),
      order_rate_(std::move(order_rate)),
      rules_(std::move(rules)) {
  core_->make_stream();
  asio::post(core_->strand(), [c = core_] { c->start(); });
}

std::unique_ptr<GatewayEngineSide> GatewayEngineSide::make(asio::any_io_executor engine_strand,
                                                           asio::any_io_executor io_strand, GatewayConfig settings,
                                                           std::unique_ptr<VenueApi> venue, std::string account_hint,
                                                           const core::InstrumentTable& instruments, VenueRules rules) {
  auto front = std::make_shared<GatewayFront>(std::move(engine_strand));
  auto order_rate = settings.order_rate;
  auto core = std::make_shared<GatewayCore>(std::move(io_strand), front, std::move(settings), std::move(venue),
                                            std::move(account_hint));
  return std::make_unique<GatewayEngineSide>(std::move(front), std::move(core), instruments, std::move(order_rate),
                                             std::move(rules));
}

GatewayEngineSide::~GatewayEngineSide() {
  front_->detached = true;
  core_->unpublish();
  // After whatever the gateway's strand is running now; the handler holds the gateway until
  // then (and, never run because the io_context stopped, is destroyed with it).
  auto strand = core_->strand();
  asio::post(strand, [c = std::move(core_)] { c->stop(); });
}

void GatewayEngineSide::submit(Order order, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  auto reject = [&](std::string reason) {
    asio::post(core_->strand(), [c = core_] { c->count_reject(); });
    order.status = OrderStatus::rejected;
    order.reason = std::move(reason);
    sink.report(ExecutionReport::changed(std::move(order)));
  };
  if (order.id == 0) return reject("invalid_order_id: order id 0 is reserved for 'no order'");
  if (f.find(order.id)) return reject("duplicate_order_id: order id " + std::to_string(order.id) + " was already sent");
  if (auto valid = validate(order.request); !valid)
    return reject(std::string(valid.error().code) + ": " + valid.error().message);
  if (order.request.symbol >= instruments_.size())
    return reject("unknown_symbol: symbol id " + std::to_string(order.request.symbol) +
                  " is not a configured instrument");
  if (rules_.unsupported)
    if (auto why = rules_.unsupported(order.request)) return reject("unsupported: " + *why);
  // Last: an order refused for another reason takes no slot.
  if (order_rate_ && !order_rate_->try_take())
    return reject("venue_order_rate: at most " + std::to_string(order_rate_->max_orders()) + " " + rules_.rate_text);
  order.status = OrderStatus::new_order;
  f.open.push_back(order);
  asio::post(core_->strand(), [c = core_, order = std::move(order)]() mutable { c->submit(std::move(order)); });
}

bool GatewayEngineSide::cancel(OrderId id, std::string_view reason, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  if (!f.find(id)) return false;
  if (!f.cancelling.insert(id).second) return true;  // asked already
  asio::post(core_->strand(),
             [c = core_, id, reason = std::string(reason)]() mutable { c->cancel(id, std::move(reason)); });
  return true;
}

bool GatewayEngineSide::replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) {
  auto& f = *front_;
  f.bind(sink);
  const auto* o = f.find(id);
  // Not before the venue acknowledged it, nor while a cancel is under way.
  if (!rules_.replaces || o == nullptr || changes.quantity <= o->filled_quantity ||
      o->status == OrderStatus::new_order || f.cancelling.contains(id))
    return false;
  asio::post(core_->strand(), [c = core_, id, changes] { c->replace(id, changes); });
  return true;
}

void GatewayEngineSide::restore(Order order) {
  if (front_->find(order.id)) return;
  front_->open.push_back(order);
  asio::post(core_->strand(), [c = core_, order = std::move(order)]() mutable { c->restore(std::move(order)); });
}

std::span<const ExecutionReport> GatewayEngineSide::in_flight() const noexcept {
  front_->take();
  return front_->held;
}

// ---- GatewayExecutor: the venue executors' calls, all here

GatewayExecutor::GatewayExecutor(std::unique_ptr<GatewayEngineSide> side) : side_(std::move(side)) {}

GatewayExecutor::~GatewayExecutor() = default;

void GatewayExecutor::submit(Order order, ExecutionSink& sink) {
  side_->submit(std::move(order), sink);
}

bool GatewayExecutor::cancel(OrderId id, std::string_view reason, ExecutionSink& sink) {
  return side_->cancel(id, reason, sink);
}

bool GatewayExecutor::replace(OrderId id, const OrderRequest& changes, ExecutionSink& sink) {
  return side_->replace(id, changes, sink);
}

void GatewayExecutor::on_tick(const core::Tick&, ExecutionSink& sink) {
  side_->bind(sink);
}

void GatewayExecutor::restore(Order order) {
  side_->restore(std::move(order));
}

core::Price GatewayExecutor::market_price(core::Side side, core::Quantity, const core::Tick& touch) const noexcept {
  const auto quote = side == core::Side::buy ? touch.ask : touch.bid;
  return quote.raw() > 0 ? quote : touch.last;
}

std::span<const Order> GatewayExecutor::open_orders() const noexcept {
  return side_->open_orders();
}

bool GatewayExecutor::accepting_entries() const noexcept {
  return side_->accepting_entries();
}

std::span<const ExecutionReport> GatewayExecutor::in_flight() const noexcept {
  return side_->in_flight();
}

GatewayStatus GatewayExecutor::status() const {
  return side_->status();
}

}  // namespace meridian::execution
