#include "meridian/api/static_files.hpp"

#include <boost/url/pct_string_view.hpp>
#include <fstream>
#include <sstream>

namespace meridian::api {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = root;
}

std::string_view content_type_for(const fs::path& file) noexcept {
  const auto ext = file.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool is_hashed_asset(const fs::path& relative) noexcept {
  return !relative.empty() && *relative.begin() == "assets";
}

namespace {
HttpResponse plain_error(const HttpRequest& req, http::status status, std::string_view code, std::string_view message) {
  return error_response(req.version(), req.keep_alive(), status, code, message);
}
}  // namespace

std::optional<HttpResponse> StaticFiles::serve(const HttpRequest& req, std::string_view path) const {
  auto encoded = boost::urls::make_pct_string_view(path);
  if (!encoded)
    return plain_error(req, http::status::bad_request, "invalid_path", "malformed percent-encoding in path");
  const std::string decoded(encoded->decode());
  if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string::npos ||
      decoded.find('\\') != std::string::npos)
    return plain_error(req, http::status::bad_request, "invalid_path", "invalid path");

  fs::path relative;
  std::size_t i = 1;
  while (i <= decoded.size()) {
    auto j = decoded.find('/', i);
    if (j == std::string::npos) j = decoded.size();
    std::string_view seg(decoded.data() + i, j - i);
    if (seg == "..") return plain_error(req, http::status::bad_request, "invalid_path", "path escapes the web root");
    if (!seg.empty() && seg != ".") relative /= fs::path(seg);
    i = j + 1;
  }
  if (relative.empty() || relative == "dashboard") relative = "index.html";

  std::error_code ec;
  fs::path file = fs::weakly_canonical(root_ / relative, ec);
  if (!ec && fs::is_directory(file, ec)) file /= "index.html";
  if (ec) return std::nullopt;
  // Symlinks may not lead out of the root.
  auto [root_end, file_it] = std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  if (root_end != root_.end()) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;

  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  if (ec) return std::nullopt;
  std::ostringstream tag;
  tag << '"' << std::hex << size << '-' << mtime << '"';
  const std::string etag = tag.str();

  HttpResponse res{http::status::ok, req.version()};
  add_common_headers(res);
  res.set(http::field::etag, etag);
  // Under assets/ every name carries its content's hash (web/build.mjs): a changed file is a new
  // name, so a browser may keep one for a year without asking. Everything else (index.html,
  // which names the current assets) is revalidated every time: the ETag makes that a cheap
  // 304, and a new build shows at once.
  res.set(http::field::cache_control, is_hashed_asset(relative) ? "public, max-age=31536000, immutable" : "no-cache");
  res.keep_alive(req.keep_alive());
  if (req[http::field::if_none_match] == etag) {
    res.result(http::status::not_modified);
    return res;
  }
  res.set(http::field::content_type, content_type_for(file));
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (req.method() == http::verb::head) {
    res.content_length(size);
  } else {
    res.body() = content.str();
    res.prepare_payload();
  }
  return res;
}

}  // namespace meridian::api
