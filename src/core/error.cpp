#include "meridian/core/error.hpp"

namespace meridian::core {
namespace {
class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "meridian"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::ok: return "ok";
      case Errc::invalid_argument: return "invalid argument";
      case Errc::not_found: return "not found";
      case Errc::conflict: return "conflict";
      case Errc::unavailable: return "unavailable";
      case Errc::rejected: return "rejected";
      case Errc::parse_error: return "parse error";
    }
    return "unknown error";
  }
};
}  // namespace

const boost::system::error_category& meridian_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace meridian::core
