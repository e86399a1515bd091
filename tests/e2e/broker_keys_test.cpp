// Users' broker credentials end to end (issue 13 items 1 and 6): meridiand with --auth on and a
// secrets key file.
//   BrokerKeys:      an administrator sets a user's credentials with PATCH /api/users/{id}, a
//                    trader their own with PUT/DELETE /api/auth/me/broker-keys/{broker}; reads
//                    show only set/last4; the rows hold ciphertext under the configured key;
//                    bad credentials are 422 without the value; no reply or log shows a secret.
//   BrokerKeysNoKey: without a secrets key nothing is stored (409 secrets_key_missing).
//   BrokerKeysCli:   `meridiand secrets rotate` re-encrypts every row under the new key, once;
//                    refuses rows under an unknown key and unusable key files; a daemon with
//                    the new key carries on.
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "fixture.hpp"
#include "meridian/auth/broker_credentials.hpp"
#include "support/poll.hpp"

namespace meridian::e2e {
namespace {

using nlohmann::json;

constexpr const char* kPassword = "correct horse battery staple";
constexpr const char* kAlpacaKeyId = "PKE2ETESTKEY0000WXYZ";
constexpr const char* kAlpacaSecret = "ALPACA-SECRET-MARKER-0123456789abcdef";
constexpr const char* kBinanceKeyId = "BINANCEE2EKEY000QRST";
constexpr const char* kBinanceSecret = "BINANCE-SECRET-MARKER-0123456789abcdef";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A new secrets key in `dir`/`name` with `mode`; returns its path.
std::filesystem::path key_file(const std::filesystem::path& dir, const std::string& name, mode_t mode = 0600) {
  const auto path = dir / name;
  std::ofstream(path) << auth::SecretBox::new_key_text() << "\n";
  ::chmod(path.c_str(), mode);
  return path;
}

std::string key_id_of(const std::filesystem::path& file) {
  return auth::SecretBox::from_text(read_text(file)).value().key_id();
}

HttpResponse call(std::uint16_t port, std::string method, std::string target, const std::string& token,
                  std::string body = {}) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = {{"Authorization", "Bearer " + token}};
  if (r.method != "GET") {
    r.body = body.empty() ? "{}" : std::move(body);
    r.headers.emplace_back("Content-Type", "application/json");
  }
  return http_request(port, r);
}

std::string login(std::uint16_t port, const std::string& email, const std::string& password) {
  HttpRequest r{"POST",
                "/api/auth/login",
                json{{"email", email}, {"password", password}}.dump(),
                {{"Content-Type", "application/json"}}};
  return expect_json_response(http_request(port, r), 200, "login " + email).value("access_token", "");
}

std::string admin_token(std::uint16_t port, const Daemon& d) {
  return login(port, "admin@meridian.local", read_text(d.state_dir() / "admin-password"));
}

// A user created by the admin with `role`; its id.
std::int64_t create_user(std::uint16_t port, const std::string& admin, const std::string& email,
                         const std::string& role) {
  auto created = expect_json_response(
      call(port, "POST", "/api/users", admin, json{{"email", email}, {"role", role}, {"password", kPassword}}.dump()),
      201, "create " + email);
  return created.value("id", std::int64_t{0});
}

json alpaca_and_binance() {
  return {{"broker_keys",
           {{"alpaca", {{"key_id", kAlpacaKeyId}, {"secret", kAlpacaSecret}}},
            {"binance", {{"key_id", kBinanceKeyId}, {"secret", kBinanceSecret}}}}}};
}

// No secret, and no key id whole, in `text` (a reply, a log).
void expect_no_secret(const std::string& text, std::string_view where) {
  for (const char* s : {kAlpacaSecret, kBinanceSecret, kAlpacaKeyId, kBinanceKeyId, "SECRET-MARKER"})
    EXPECT_EQ(text.find(s), std::string::npos) << where << " shows " << s << ": " << text.substr(0, 2000);
}

// What a read shows of one broker: only whether it is set, and its last 4 characters.
void expect_status(const json& user, const std::string& broker, bool set, const std::string& last4 = {}) {
  SCOPED_TRACE(broker);
  ASSERT_TRUE(user.contains("broker_keys")) << user.dump();
  const auto& b = user["broker_keys"][broker];
  EXPECT_EQ(b.value("set", !set), set) << b.dump();
  if (!set) {
    EXPECT_EQ(b.size(), 1u) << b.dump();
    return;
  }
  EXPECT_EQ(b.value("last4", ""), last4);
  EXPECT_TRUE(b["updated_at"].is_string());
  EXPECT_TRUE(b.contains("last_used_at"));
  EXPECT_FALSE(b.contains("secret"));
  EXPECT_FALSE(b.contains("key_id"));
}

// The stored rows of `user_id`: broker -> (ciphertext bytes, key_id).
std::map<std::string, std::pair<std::string, std::string>> stored(const TestDatabase& db, std::int64_t user_id) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& r :
       db.query("SELECT broker, ciphertext, nonce, key_id FROM api_keys WHERE user_id = " + std::to_string(user_id)))
    out[r["broker"].c_str()] = {pqxx::binarystring(r["ciphertext"]).str(), r["key_id"].c_str()};
  return out;
}

// The row of (user, broker) opened with the key in `file`.
core::Result<auth::BrokerCredentials> open_row(const TestDatabase& db, std::int64_t user_id, const std::string& broker,
                                               const std::filesystem::path& file) {
  const auto rows =
      db.query("SELECT ciphertext, nonce, key_id FROM api_keys WHERE user_id = " + std::to_string(user_id) +
               " AND broker = '" + broker + "'");
  if (rows.empty()) return core::Errc::not_found;
  auth::Sealed sealed;
  const auto c = pqxx::binarystring(rows[0]["ciphertext"]).str();
  const auto n = pqxx::binarystring(rows[0]["nonce"]).str();
  sealed.ciphertext.assign(c.begin(), c.end());
  if (n.size() != sealed.nonce.size()) return core::Errc::parse_error;
  std::copy(n.begin(), n.end(), sealed.nonce.begin());
  sealed.key_id = rows[0]["key_id"].c_str();
  return auth::open_broker_credentials(*auth::SecretBox::from_text(read_text(file)), {user_id, broker, ""}, sealed);
}

class BrokerKeys : public SharedDaemonTest<BrokerKeys> {
 public:
  static const std::filesystem::path& secrets_key() {
    static TempDir dir("meridian-brokerkeys-");
    static const auto file = key_file(dir.path(), "secrets-key");
    return file;
  }
  static DaemonOptions daemon_options() {
    DaemonOptions o;
    o.auth = true;
    o.extra_args = {"--secrets-key-file", secrets_key().string()};
    return o;
  }

 protected:
  static const std::string& admin() {
    static const std::string token = admin_token(port(), daemon());
    return token;
  }
};

TEST_F(BrokerKeys, AnAdministratorSetsKeysOverPatchAndReadsShowOnlySetAndLast4) {
  const auto id = create_user(port(), admin(), "carol@example.com", "trader");
  const auto path = "/api/users/" + std::to_string(id);
  const auto patched = call(port(), "PATCH", path, admin(), alpaca_and_binance().dump());
  expect_no_secret(patched.body, "PATCH reply");
  auto user = expect_json_response(patched, 200, "PATCH broker_keys");
  expect_status(user, "alpaca", true, "WXYZ");
  expect_status(user, "binance", true, "QRST");
  const auto fetched = http_get(port(), path, {{"Authorization", "Bearer " + admin()}});
  expect_no_secret(fetched.body, "GET user");
  user = expect_json_response(fetched, 200, "GET user");
  expect_status(user, "alpaca", true, "WXYZ");
  expect_status(user, "binance", true, "QRST");

  // The rows: ciphertext under the configured key, no plaintext.
  auto rows = stored(db(), id);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& [broker, row] : rows) {
    expect_no_secret(row.first, "the ciphertext of " + broker);
    EXPECT_EQ(row.second, key_id_of(secrets_key())) << broker;
  }
  auto opened = open_row(db(), id, "alpaca", secrets_key());
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->secret.view(), kAlpacaSecret);
  EXPECT_EQ(opened->key_id.view(), kAlpacaKeyId);

  // null removes one; the other stays.
  user = expect_json_response(call(port(), "PATCH", path, admin(), R"({"broker_keys":{"binance":null}})"), 200,
                              "remove binance");
  expect_status(user, "binance", false);
  expect_status(user, "alpaca", true, "WXYZ");
  EXPECT_EQ(stored(db(), id).size(), 1u);

  // Nowhere else either: status, metrics, the daemon's log.
  const auto admin_header = Headers{{"Authorization", "Bearer " + admin()}};
  expect_no_secret(http_get(port(), "/api/status", admin_header).body, "/api/status");
  expect_no_secret(http_get(port(), "/metrics", admin_header).body, "/metrics");
  expect_no_secret(read_text(daemon().dir() / "output.log"), "the daemon's log");
  EXPECT_EQ(read_text(daemon().dir() / "output.log").find(read_text(secrets_key())), std::string::npos);

  // The audit trail has the change, attributable, with the credentials redacted (rows are
  // written off the request path: polled).
  const auto audited = "SELECT params::text AS p FROM audit_log WHERE method = 'PATCH' AND path = '" + path + "'";
  ASSERT_TRUE(poll_until([&] { return db().query(audited).size() == 2; }, std::chrono::seconds(10)))
      << "two PATCH rows of " << path;
  std::string params;
  for (const auto& r : db().query(audited)) params += std::string(r["p"].c_str()) + "\n";
  expect_no_secret(params, "the audit trail");
  EXPECT_NE(params.find(R"("broker_keys": "***")"), std::string::npos) << params;
}

TEST_F(BrokerKeys, BadCredentialsAre422NamingTheFieldNeverTheValue) {
  const auto id = create_user(port(), admin(), "erin@example.com", "trader");
  const auto path = "/api/users/" + std::to_string(id);
  const std::string long_secret = std::string(kAlpacaSecret) + std::string(300, 'x');
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"broker_keys", {{"groww", {{"key_id", kAlpacaKeyId}, {"secret", kAlpacaSecret}}}}}}, "broker_keys.groww"},
      {{{"broker_keys", {{"alpaca", {{"key_id", kAlpacaKeyId}, {"secret", long_secret}}}}}},
       "broker_keys.alpaca.secret"},
      {{{"broker_keys", {{"alpaca", {{"key_id", kAlpacaKeyId}, {"secret", std::string(kAlpacaSecret) + '\0'}}}}}},
       "broker_keys.alpaca.secret"},
      {{{"broker_keys", {{"alpaca", {{"key_id", std::string(257, 'K')}, {"secret", kAlpacaSecret}}}}}},
       "broker_keys.alpaca.key_id"},
      {{{"broker_keys", {{"alpaca", {{"secret", kAlpacaSecret}}}}}}, "broker_keys.alpaca.key_id"},
      {{{"broker_keys", {{"alpaca", {{"key_id", kAlpacaKeyId}, {"secret", kAlpacaSecret}, {"x", 1}}}}}},
       "broker_keys.alpaca.x"},
      {{{"broker_keys", kAlpacaSecret}}, "broker_keys"},
  };
  for (const auto& [body, field] : cases) {
    const auto r = call(port(), "PATCH", path, admin(), body.dump());
    expect_no_secret(r.body, field);
    const auto error = expect_error(r, 422, "invalid_field", field);
    EXPECT_EQ(error["error"]["details"].value("field", ""), field) << r.body;
  }
  EXPECT_TRUE(stored(db(), id).empty()) << "nothing was stored";
  expect_no_secret(read_text(daemon().dir() / "output.log"), "the daemon's log");
}

TEST_F(BrokerKeys, ATraderSetsTheirOwnKeysWithATokenButNotWithAnApiKey) {
  const auto id = create_user(port(), admin(), "frank@example.com", "trader");
  const auto token = login(port(), "frank@example.com", kPassword);
  const json credentials = {{"key_id", kAlpacaKeyId}, {"secret", kAlpacaSecret}};
  const auto put = call(port(), "PUT", "/api/auth/me/broker-keys/alpaca", token, credentials.dump());
  expect_no_secret(put.body, "PUT reply");
  auto shown = expect_json_response(put, 200, "PUT own alpaca");
  EXPECT_EQ(shown.value("set", false), true);
  EXPECT_EQ(shown.value("last4", ""), "WXYZ");
  const auto me = http_get(port(), "/api/auth/me", {{"Authorization", "Bearer " + token}});
  expect_no_secret(me.body, "me");
  expect_status(expect_json_response(me, 200, "me"), "alpaca", true, "WXYZ");
  expect_status(expect_json_response(me, 200, "me"), "binance", false);
  EXPECT_EQ(open_row(db(), id, "alpaca", secrets_key()).value().secret.view(), kAlpacaSecret);

  expect_error(call(port(), "PUT", "/api/auth/me/broker-keys/groww", token, credentials.dump()), 404, "not_found",
               "unknown broker");
  expect_error(call(port(), "PUT", "/api/auth/me/broker-keys/binance", token, R"({"key_id":"short"})"), 422,
               "invalid_field", "bad body");

  EXPECT_EQ(call(port(), "DELETE", "/api/auth/me/broker-keys/alpaca", token).status, 204);
  expect_status(expect_json_response(http_get(port(), "/api/auth/me", {{"Authorization", "Bearer " + token}}), 200,
                                     "me after delete"),
                "alpaca", false);
  EXPECT_EQ(call(port(), "DELETE", "/api/auth/me/broker-keys/alpaca", token).status, 204) << "idempotent";
  EXPECT_TRUE(stored(db(), id).empty());

  // A viewer does not trade: no broker credentials.
  create_user(port(), admin(), "gina@example.com", "viewer");
  const auto viewer = login(port(), "gina@example.com", kPassword);
  expect_error(call(port(), "PUT", "/api/auth/me/broker-keys/alpaca", viewer, credentials.dump()), 403, "forbidden",
               "viewer");
  // An API key of the trader: refused, as for creating API keys.
  auto key = expect_json_response(call(port(), "POST", "/api/auth/keys", token, R"({"name":"bot","role":"trader"})"),
                                  201, "API key");
  expect_error(call(port(), "PUT", "/api/auth/me/broker-keys/alpaca", key.value("key", ""), credentials.dump()), 403,
               "forbidden", "API key");
  EXPECT_TRUE(stored(db(), id).empty());
}

class BrokerKeysNoKey : public DaemonTest {};

TEST_F(BrokerKeysNoKey, WithoutASecretsKeyNothingIsStored) {
  DaemonOptions o;
  o.auth = true;
  auto& d = start_daemon(o);
  const auto admin = admin_token(d.port(), d);
  const auto id = create_user(d.port(), admin, "hank@example.com", "trader");
  const auto path = "/api/users/" + std::to_string(id);
  const auto refused = call(d.port(), "PATCH", path, admin, alpaca_and_binance().dump());
  expect_no_secret(refused.body, "409 reply");
  expect_error(refused, 409, "secrets_key_missing", "PATCH without a key");
  // Nothing else of that patch applied either.
  auto patch = alpaca_and_binance();
  patch["first_name"] = "Hank";
  expect_error(call(d.port(), "PATCH", path, admin, patch.dump()), 409, "secrets_key_missing", "with a name");
  auto user = expect_json_response(http_get(d.port(), path, {{"Authorization", "Bearer " + admin}}), 200, "GET");
  EXPECT_EQ(user.value("first_name", ""), "");
  expect_status(user, "alpaca", false);
  // A removal needs no key.
  expect_json_response(call(d.port(), "PATCH", path, admin, R"({"broker_keys":{"alpaca":null}})"), 200, "remove");
  const auto token = login(d.port(), "hank@example.com", kPassword);
  expect_error(call(d.port(), "PUT", "/api/auth/me/broker-keys/binance", token,
                    json{{"key_id", kBinanceKeyId}, {"secret", kBinanceSecret}}.dump()),
               409, "secrets_key_missing", "PUT without a key");
  EXPECT_TRUE(db().query("SELECT 1 FROM api_keys").empty());
}

class BrokerKeysCli : public DaemonTest {};

TEST_F(BrokerKeysCli, RotationReEncryptsEveryRowOnceAndTheNewKeyCarriesOn) {
  TempDir dir("meridian-rotate-");
  const auto old_key = key_file(dir.path(), "old-key");
  const auto new_key = key_file(dir.path(), "new-key");
  const auto stray_key = key_file(dir.path(), "stray-key");
  std::int64_t ann = 0, bob = 0;
  std::string admin_password;  // written by the first start only
  {
    DaemonOptions o;
    o.auth = true;
    o.extra_args = {"--secrets-key-file", old_key.string()};
    auto& d = start_daemon(o);
    admin_password = read_text(d.state_dir() / "admin-password");
    const auto admin = login(d.port(), "admin@meridian.local", admin_password);
    ann = create_user(d.port(), admin, "ann@example.com", "trader");
    bob = create_user(d.port(), admin, "bob@example.com", "trader");
    for (auto id : {ann, bob})
      expect_json_response(
          call(d.port(), "PATCH", "/api/users/" + std::to_string(id), admin, alpaca_and_binance().dump()), 200,
          "set keys");
    const auto status = d.stop(SIGTERM);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  }
  const auto rotate = [&](const std::filesystem::path& current, const std::filesystem::path& next) {
    auto r = run_meridiand(dir, {"secrets", "rotate", "--database-url", db().url(), "--secrets-key-file",
                                 current.string(), "--new-key-file", next.string()});
    for (const auto& file : {old_key, new_key, stray_key}) {
      EXPECT_EQ(r.out.find(read_text(file)), std::string::npos) << "a key in the output";
      EXPECT_EQ(r.err.find(read_text(file)), std::string::npos) << "a key in the log";
    }
    expect_no_secret(r.out + r.err, "secrets rotate");
    return r;
  };

  auto moved = rotate(old_key, new_key);
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.out.find("re-encrypted 4 broker credentials from key " + key_id_of(old_key) + " to key " +
                           key_id_of(new_key)),
            std::string::npos)
      << moved.out;
  for (auto id : {ann, bob})
    for (const auto& [broker, row] : stored(db(), id)) EXPECT_EQ(row.second, key_id_of(new_key)) << broker;
  EXPECT_EQ(open_row(db(), ann, "alpaca", new_key).value().secret.view(), kAlpacaSecret);
  EXPECT_EQ(open_row(db(), bob, "binance", new_key).value().secret.view(), kBinanceSecret);
  EXPECT_FALSE(open_row(db(), ann, "alpaca", old_key)) << "the old key no longer decrypts";

  // Again: nothing left to move.
  const auto rows_before = stored(db(), ann);
  auto again = rotate(old_key, new_key);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("re-encrypted 0 broker credentials"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("(4 under it already)"), std::string::npos) << again.out;
  EXPECT_EQ(stored(db(), ann), rows_before);

  // Rows under neither key: refused, nothing changed.
  auto refused = rotate(stray_key, old_key);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find(key_id_of(new_key)), std::string::npos) << "names the unknown key: " << refused.err;
  EXPECT_EQ(stored(db(), ann), rows_before);
  // Unusable key files, and no current key.
  const auto exposed = key_file(dir.path(), "exposed-key", 0644);
  EXPECT_EQ(rotate(new_key, exposed).exit_code, 2);
  EXPECT_EQ(rotate(exposed, new_key).exit_code, 2);
  const auto not_a_key = dir.path() / "not-a-key";
  std::ofstream(not_a_key) << "not a key\n";
  ::chmod(not_a_key.c_str(), 0600);
  EXPECT_EQ(rotate(new_key, not_a_key).exit_code, 2);
  auto no_current =
      run_meridiand(dir, {"secrets", "rotate", "--database-url", db().url(), "--new-key-file", old_key.string()});
  EXPECT_EQ(no_current.exit_code, 2) << no_current.err;
  EXPECT_EQ(stored(db(), ann), rows_before);

  // The daemon with the new key: reads as before, writes under the new key.
  DaemonOptions o;
  o.auth = true;
  o.extra_args = {"--secrets-key-file", new_key.string()};
  auto& d = start_daemon(o);
  const auto admin = login(d.port(), "admin@meridian.local", admin_password);
  auto user = expect_json_response(
      http_get(d.port(), "/api/users/" + std::to_string(ann), {{"Authorization", "Bearer " + admin}}), 200, "GET");
  expect_status(user, "alpaca", true, "WXYZ");
  const auto token = login(d.port(), "bob@example.com", kPassword);
  expect_json_response(call(d.port(), "PUT", "/api/auth/me/broker-keys/alpaca", token,
                            json{{"key_id", "PKNEWKEYAFTERROTATE1"}, {"secret", kAlpacaSecret}}.dump()),
                       200, "PUT after rotation");
  EXPECT_EQ(open_row(db(), bob, "alpaca", new_key).value().key_id.view(), "PKNEWKEYAFTERROTATE1");
}

TEST(BrokerKeysConfig, AnExposedOrMalformedSecretsKeyIsRefusedAtStart) {
  MERIDIAN_E2E_REQUIRE_DATABASE();
  TestDatabase db;
  TempDir dir("meridian-secretskey-");
  for (const auto& file : {key_file(dir.path(), "exposed", 0640), dir.path() / "missing"}) {
    auto r = run_meridiand(dir, {"serve", "--port", "0", "--log-level", "warn", "--auth", "on", "--database-url",
                                 db.url(), "--secrets-key-file", file.string()});
    EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
  }
}

}  // namespace
}  // namespace meridian::e2e
