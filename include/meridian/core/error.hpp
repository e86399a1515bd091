#pragma once
// Why an expected operation failed (a command refused, an unknown id): boundaries turn it
// into a clear JSON error or a log line.
namespace meridian::core {

enum class Errc {
  ok = 0,
  invalid_argument = 1,  // a client sent a value out of range or of the wrong type
  not_found,             // unknown symbol, id or route
  conflict,              // the request does not fit the current state
  unavailable,           // a dependency (database, venue) is down
  rejected,              // risk or venue refused an order
  parse_error,           // malformed input
  out_of_range,          // a number that does not fit the ledger (or its type): refused, never wrapped
};

}  // namespace meridian::core
