#pragma once
// Requests as a signed-in client makes them (the auth and ownership suites): credentials in
// headers, any method with a JSON body, signing in, and the first start's administrator.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "shapes.hpp"
#include "support/http_client.hpp"

namespace meridian::e2e {

// The first line of a file the daemon wrote (its secret, the administrator's password).
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

inline Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// Any method; a request that is not a GET or HEAD carries `body` as JSON ("{}" when empty).
inline HttpResponse call(std::uint16_t port, std::string method, std::string target, Headers headers = {},
                         std::string body = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  if (r.method != "GET" && r.method != "HEAD") {
    r.body = body.empty() ? "{}" : std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
  }
  return http_request(port, r);
}

inline HttpResponse post_json(std::uint16_t port, const std::string& target, const nlohmann::json& body,
                              Headers headers = {}) {
  return call(port, "POST", target, std::move(headers), body.dump());
}

// POST /api/auth/login: the session (a failure unless 200).
inline nlohmann::json login(std::uint16_t port, const std::string& email, const std::string& password) {
  return expect_json_response(post_json(port, "/api/auth/login", {{"email", email}, {"password", password}}), 200,
                              "login " + email);
}

// The access token of the administrator the daemon's first start created (its password is in
// the state directory).
inline std::string admin_token(std::uint16_t port, const std::filesystem::path& state_dir) {
  return login(port, "admin@meridian.local", read_text(state_dir / "admin-password")).value("access_token", "");
}

// A new user with `role`, made by an administrator (`admin`: their headers), signed in: the
// bearer headers of their session.
inline Headers new_user(std::uint16_t port, const Headers& admin, const std::string& email, const std::string& role) {
  constexpr const char* kPassword = "correct horse battery staple";
  expect_json_response(
      post_json(port, "/api/users", {{"email", email}, {"role", role}, {"password", kPassword}}, admin), 201,
      "create " + email);
  return bearer(login(port, email, kPassword).value("access_token", ""));
}

}  // namespace meridian::e2e
