#pragma once
// A feed that runs off the engine strand (issue 12 item 5). The inner feed (a venue feed) lives
// on its own strand, so its TLS reads, JSON parsing and validation run on whichever I/O thread
// picks that strand up; every batch it delivers is copied into a bounded lock-free SPSC ring
// (producer: the feed strand, consumer: the engine strand). At most one drain is posted to the
// engine strand at a time; it takes everything in the ring and calls the engine's sink once with
// it, so a burst of venue messages becomes one batch and the engine strand never waits on the
// venue. No lock and, once the drain's vector has grown, no allocation per tick on either side.
//
// A full ring (the engine this many ticks behind) drops the ticks that do not fit: they are
// counted in health().dropped and logged (once per burst), never lost silently.
//
// The inner feed's start, stop and destruction run on its own strand, in that order, as its
// contract asks; subscribe, unsubscribe, name and health are forwarded (any thread, by Feed's
// contract). health() is the inner feed's, except `ticks` (those delivered to the engine's sink)
// and `dropped`.
//
// The simulated and CSV replay feeds stay on the engine strand without this (deterministic, cheap).
#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <memory>

#include "meridian/market/feed.hpp"

namespace meridian::market {

class OffStrandFeed final : public Feed {
 public:
  static constexpr std::size_t kDefaultCapacity = 65'536;  // ticks

  // `engine`: where the sink is called (the engine strand). `feed_strand`: the executor `inner`
  // was built on (its own strand, e.g. make_strand(io)). The io_context(s) behind both must
  // outlive this object: destruction posts the inner feed's end to its strand. Throws
  // std::invalid_argument for a null inner feed or a capacity below 2.
  OffStrandFeed(boost::asio::any_io_executor engine, boost::asio::any_io_executor feed_strand,
                std::unique_ptr<Feed> inner, std::size_t capacity = kDefaultCapacity);
  // Stops (if stop() did not), cuts the sink off (a drain still posted delivers nothing), and
  // destroys the inner feed on its strand after whatever handler of it is running there.
  ~OffStrandFeed() override;
  OffStrandFeed(const OffStrandFeed&) = delete;
  OffStrandFeed& operator=(const OffStrandFeed&) = delete;

  // Once. The inner feed starts on its strand with the hand-off as its sink.
  void start(TickSink& sink) override;
  // Called on the engine strand (as the engine does): the sink receives what was pushed before
  // it (a drain already posted still delivers that), nothing pushed after. The inner feed stops
  // on its strand. From another thread it takes effect on the engine strand shortly after.
  void stop() override;
  void subscribe(std::span<const core::SymbolId> symbols) override;
  void unsubscribe(std::span<const core::SymbolId> symbols) override;
  std::string_view name() const noexcept override;
  FeedHealth health() const noexcept override;

  struct State;

 private:
  std::shared_ptr<State> state_;  // shared with the drains posted to the engine strand
};

}  // namespace meridian::market
