#pragma once
// Serves files under one root directory: content types, ETag revalidation (cached for a year
// under assets/, where names are content hashes), and no way
// out of the root (dot segments, encoded dot segments, backslashes, NULs and symlinks
// that leave the root are all refused).
#include <filesystem>
#include <optional>

#include "meridian/api/http_types.hpp"

namespace meridian::api {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The response for a GET/HEAD of `path` (still percent-encoded), or nullopt when no
  // file answers to it (the caller replies 404).
  std::optional<HttpResponse> serve(const HttpRequest& req, std::string_view path) const;
  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
};

std::string_view content_type_for(const std::filesystem::path& file) noexcept;
// A path (relative to the root) under assets/: the bundler's content-hashed files, served
// immutable; everything else is revalidated on every use (no-cache).
bool is_hashed_asset(const std::filesystem::path& relative) noexcept;
// Whether an Accept-Encoding header value takes gzip (named, or "*", without q=0).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

}  // namespace meridian::api
