#pragma once
// A strand of its own beside another executor: a client that must not run on the engine strand
// (a venue feed, a gateway: TLS, JSON parsing, waiting on a server) gets a new strand on the
// same io_context, so its handlers run on whichever I/O thread is free, serialised among
// themselves and never with the engine's.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <stdexcept>

namespace meridian::transport {

// `ex` is a strand on an io_context or the io_context's executor; throws std::logic_error for
// anything else (there would be no io_context to put the new strand on).
inline boost::asio::any_io_executor strand_beside(const boost::asio::any_io_executor& ex) {
  using IoExecutor = boost::asio::io_context::executor_type;
  if (const auto* strand = ex.target<boost::asio::strand<IoExecutor>>())
    return boost::asio::make_strand(strand->get_inner_executor().context());
  if (const auto* io = ex.target<IoExecutor>()) return boost::asio::make_strand(io->context());
  throw std::logic_error("a client off the engine strand needs the engine strand to run on an io_context");
}

}  // namespace meridian::transport
