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

bool accepts_gzip(std::string_view accept_encoding) noexcept {
  // RFC 9110 12.5.3: a comma list of codings, each with an optional ;q= weight; q=0 refuses.
  // "*" stands for any coding not named.
  bool star = false, named = false, gzip = false;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    auto item = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semi = item.find(';');
    auto name = item.substr(0, semi);
    auto params = semi == std::string_view::npos ? std::string_view{} : item.substr(semi + 1);
    const auto trim = [](std::string_view v) {
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    };
    name = trim(name);
    params = trim(params);
    bool refused = false;
    if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
      const auto q = params.substr(2);
      refused = !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
    }
    const auto is = [&](std::string_view want) {
      return name.size() == want.size() &&
             std::equal(name.begin(), name.end(), want.begin(), [](char a, char b) { return (a | 0x20) == b; });
    };
    if (is("gzip")) {
      named = true;
      gzip = !refused;
    } else if (name == "*") {
      star = !refused;
    }
  }
  return named ? gzip : star;
}

namespace {
bool within(const fs::path& root, const fs::path& file) {
  return std::mismatch(root.begin(), root.end(), file.begin(), file.end()).first == root.end();
}

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
  if (!within(root_, file)) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;

  // The bundler's gzip twin (web/build.mjs writes FILE.gz beside each text file) for a client
  // that takes gzip: the same content, a third of the bytes, compressed once at build time.
  const fs::path type_of = file;
  bool gzipped = false;
  if (accepts_gzip(req[http::field::accept_encoding])) {
    auto twin = file;
    twin += ".gz";
    twin = fs::weakly_canonical(twin, ec);
    if (!ec && within(root_, twin) && fs::is_regular_file(twin, ec)) {
      file = std::move(twin);
      gzipped = true;
    }
    ec.clear();
  }

  const auto size = fs::file_size(file, ec);
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  if (ec) return std::nullopt;
  std::ostringstream tag;
  tag << '"' << std::hex << size << '-' << mtime << (gzipped ? "-gz" : "") << '"';
  const std::string etag = tag.str();

  HttpResponse res{http::status::ok, req.version()};
  add_common_headers(res);
  res.set(http::field::etag, etag);
  res.set(http::field::vary, "Accept-Encoding");
  if (gzipped) res.set(http::field::content_encoding, "gzip");
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
  res.set(http::field::content_type, content_type_for(type_of));
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
