#include "meridian/core/error.hpp"

namespace meridian::core {

const char* to_string(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "ok";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::unavailable: return "unavailable";
    case Errc::rejected: return "rejected";
    case Errc::parse_error: return "parse_error";
    case Errc::out_of_range: return "out_of_range";
    case Errc::unauthenticated: return "unauthenticated";
    case Errc::forbidden: return "forbidden";
    case Errc::rate_limited: return "rate_limited";
  }
  return "unknown";
}

namespace {

class MeridianCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "meridian"; }
  std::string message(int ev) const override { return to_string(static_cast<Errc>(ev)); }
  // The buffer overload keeps message() allocation-free for callers that use it (Beast does).
  char const* message(int ev, char*, std::size_t) const noexcept override { return to_string(static_cast<Errc>(ev)); }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const MeridianCategory category;
  return category;
}

}  // namespace meridian::core
