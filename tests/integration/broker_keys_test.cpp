// storage::IdentityStore's broker credentials against a real server: what the api_keys rows
// hold (never the plaintext), opening them, rows moved between users, and re-sealing every
// row under a new master key (all or nothing, idempotent, refused for rows of an unknown key).
#include <pqxx/pqxx>

#include "identity_store_fixture.hpp"
#include "meridian/auth/broker_credentials.hpp"
#include "meridian/storage/identity_store.hpp"

namespace meridian::it {
namespace {

constexpr std::string_view kKeyId = "PKTESTKEYID0001WXYZ";
constexpr std::string_view kSecret = "SECRET-MARKER-a1b2c3d4e5f6g7h8i9j0";

auth::SecretBox new_box() {
  auto box = auth::SecretBox::from_text(auth::SecretBox::new_key_text());
  if (!box) throw std::runtime_error("a new key was refused");
  return std::move(*box);
}

std::string text(const pqxx::field& f) {
  const pqxx::binarystring b(f);
  return std::string(b.str());
}

class BrokerKeysTest : public IdentityStoreFixture {
 protected:
  std::int64_t user(const std::string& email) {
    storage::NewUser u;
    u.email = email;
    u.password_hash = "$argon2id$v=19$stub";
    auto created = store->create_user(u);
    EXPECT_TRUE(created.has_value());
    return created ? created->id : 0;
  }

  // Sets (or, without a key id, removes) the user's credential at `broker` as a PATCH does.
  core::Result<storage::UserRecord> set(std::int64_t user_id, const std::string& broker, const auth::SecretBox& box,
                                        std::string_view key_id = kKeyId, std::string_view secret = kSecret) {
    storage::UserPatch patch;
    storage::BrokerKeyWrite w{broker, std::nullopt, {}};
    if (!key_id.empty()) {
      const auth::BrokerCredentials c{auth::SecretText(key_id), auth::SecretText(secret)};
      w.sealed = auth::seal_broker_credentials(box, {user_id, broker, ""}, c);
      w.hint = auth::broker_hint(key_id);
    }
    patch.broker_keys.push_back(std::move(w));
    return store->update_user(user_id, patch);
  }

  pqxx::result rows(const std::string& where = "true") {
    pqxx::connection conn(url());
    pqxx::read_transaction tx(conn);
    return tx.exec("SELECT id, user_id, broker, ciphertext, nonce, key_id, last4 FROM api_keys WHERE " + where +
                   " ORDER BY id");
  }

  void sql(const std::string& statement) {
    pqxx::connection conn(url());
    pqxx::work tx(conn);
    tx.exec0(statement);
    tx.commit();
  }
};

TEST_F(BrokerKeysTest, RowsHoldCiphertextOnlyAndOpenForTheirUser) {
  const auto box = new_box();
  const auto ann = user("ann@example.com");
  ASSERT_TRUE(set(ann, "alpaca", box));
  const auto stored = rows();
  ASSERT_EQ(stored.size(), 1u);
  const auto ciphertext = text(stored[0]["ciphertext"]);
  EXPECT_EQ(ciphertext.find(kSecret), std::string::npos);
  EXPECT_EQ(ciphertext.find("SECRET-MARKER"), std::string::npos);
  EXPECT_EQ(ciphertext.find(kKeyId), std::string::npos);
  EXPECT_EQ(text(stored[0]["nonce"]).size(), auth::kSealNonceBytes);
  EXPECT_EQ(std::string(stored[0]["key_id"].c_str()), box.key_id());
  EXPECT_EQ(std::string(stored[0]["last4"].c_str()), "WXYZ");
  // No other column of the row holds the secret either.
  pqxx::connection conn(url());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM api_keys WHERE strpos(api_keys::text, 'SECRET-MARKER') > 0")[0].as<int>(),
            0);

  auto status = store->broker_keys(ann);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->size(), 1u);
  EXPECT_EQ((*status)[0].broker, "alpaca");
  EXPECT_EQ((*status)[0].hint, "WXYZ");
  EXPECT_EQ((*status)[0].key_id, box.key_id());
  EXPECT_FALSE((*status)[0].last_used_at);

  auto opened = store->broker_credentials(ann, "alpaca", box);
  ASSERT_TRUE(opened) << opened.error().message();
  EXPECT_EQ(opened->key_id.view(), kKeyId);
  EXPECT_EQ(opened->secret.view(), kSecret);
  EXPECT_TRUE((*store->broker_keys(ann))[0].last_used_at) << "a use is recorded";
  EXPECT_EQ(store->broker_credentials(ann, "binance", box).error(), core::Errc::not_found);

  // A new credential replaces the old in place (one row per broker), unused again.
  ASSERT_TRUE(set(ann, "alpaca", box, "PKSECONDKEY00ABCD", "another-secret-value"));
  EXPECT_EQ(rows().size(), 1u);
  EXPECT_EQ((*store->broker_keys(ann))[0].hint, "ABCD");
  EXPECT_FALSE((*store->broker_keys(ann))[0].last_used_at);
  EXPECT_EQ(store->broker_credentials(ann, "alpaca", box).value().secret.view(), "another-secret-value");
  // Removed: nothing left.
  ASSERT_TRUE(set(ann, "alpaca", box, ""));
  EXPECT_TRUE(rows().empty());
  EXPECT_EQ(store->broker_credentials(ann, "alpaca", box).error(), core::Errc::not_found);
  // An unknown user: nothing is written.
  EXPECT_EQ(set(ann + 1000, "alpaca", box).error(), core::Errc::not_found);
  EXPECT_TRUE(rows().empty());
}

TEST_F(BrokerKeysTest, ARowMovedToAnotherUserOrBrokerDoesNotOpen) {
  const auto box = new_box();
  const auto ann = user("ann@example.com");
  const auto bob = user("bob@example.com");
  ASSERT_TRUE(set(ann, "alpaca", box));
  sql("UPDATE api_keys SET user_id = " + std::to_string(bob));
  EXPECT_EQ(store->broker_credentials(bob, "alpaca", box).error(), core::Errc::rejected);
  sql("UPDATE api_keys SET user_id = " + std::to_string(ann) + ", broker = 'binance'");
  EXPECT_EQ(store->broker_credentials(ann, "binance", box).error(), core::Errc::rejected);
  sql("UPDATE api_keys SET broker = 'alpaca'");
  EXPECT_TRUE(store->broker_credentials(ann, "alpaca", box));
  // Under another master key: refused without trying to open.
  EXPECT_EQ(store->broker_credentials(ann, "alpaca", new_box()).error(), core::Errc::conflict);
}

TEST_F(BrokerKeysTest, ResealingMovesEveryRowToTheNewKeyOnceAndTheOldKeyNoLongerOpensThem) {
  const auto old_box = new_box();
  const auto new_box_ = new_box();
  const auto ann = user("ann@example.com");
  const auto bob = user("bob@example.com");
  ASSERT_TRUE(set(ann, "alpaca", old_box));
  ASSERT_TRUE(set(ann, "binance", old_box, "BINANCEKEY0000QRST", "binance-secret-value"));
  ASSERT_TRUE(set(bob, "alpaca", old_box, "PKBOBKEY000000LMNO", "bobs-secret-value"));
  const auto before = rows();

  auto report = store->reseal_broker_keys(old_box, new_box_);
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_TRUE(report->applied());
  EXPECT_EQ(report->moved, 3u);
  EXPECT_EQ(report->current, 0u);
  const auto after = rows();
  ASSERT_EQ(after.size(), 3u);
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(std::string(after[i]["key_id"].c_str()), new_box_.key_id());
    EXPECT_NE(text(after[i]["ciphertext"]), text(before[i]["ciphertext"]));
    EXPECT_NE(text(after[i]["nonce"]), text(before[i]["nonce"]));
    EXPECT_EQ(std::string(after[i]["last4"].c_str()), std::string(before[i]["last4"].c_str()));
    // The old key does not open the new ciphertext, even when told it is its own.
    auth::Sealed forged;
    const auto c = text(after[i]["ciphertext"]), n = text(after[i]["nonce"]);
    forged.ciphertext.assign(c.begin(), c.end());
    std::copy(n.begin(), n.end(), forged.nonce.begin());
    forged.key_id = old_box.key_id();
    const auth::BrokerSlot slot{after[i]["user_id"].as<long long>(), after[i]["broker"].c_str(), ""};
    EXPECT_EQ(auth::open_broker_credentials(old_box, slot, forged).error(), core::Errc::rejected);
  }
  EXPECT_EQ(store->broker_credentials(ann, "alpaca", old_box).error(), core::Errc::conflict);
  EXPECT_EQ(store->broker_credentials(ann, "alpaca", new_box_).value().secret.view(), kSecret);
  EXPECT_EQ(store->broker_credentials(ann, "binance", new_box_).value().secret.view(), "binance-secret-value");
  EXPECT_EQ(store->broker_credentials(bob, "alpaca", new_box_).value().key_id.view(), "PKBOBKEY000000LMNO");

  // Again: nothing to move.
  report = store->reseal_broker_keys(old_box, new_box_);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->applied());
  EXPECT_EQ(report->moved, 0u);
  EXPECT_EQ(report->current, 3u);
  EXPECT_EQ(text(rows()[0]["ciphertext"]), text(after[0]["ciphertext"]));
}

TEST_F(BrokerKeysTest, ARowUnderAnUnknownKeyStopsTheWholeResealing) {
  const auto old_box = new_box();
  const auto stray = new_box();
  const auto ann = user("ann@example.com");
  const auto bob = user("bob@example.com");
  ASSERT_TRUE(set(ann, "alpaca", old_box));
  ASSERT_TRUE(set(bob, "alpaca", stray));
  const auto before = rows();
  auto report = store->reseal_broker_keys(old_box, new_box());
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->applied());
  EXPECT_EQ(report->moved, 0u);
  EXPECT_EQ(report->unknown_key_ids, std::vector<std::string>{stray.key_id()});
  const auto after = rows();
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(text(after[i]["ciphertext"]), text(before[i]["ciphertext"])) << "nothing changed";
    EXPECT_EQ(std::string(after[i]["key_id"].c_str()), std::string(before[i]["key_id"].c_str()));
  }
}

TEST_F(BrokerKeysTest, ARowThatDoesNotOpenStopsTheWholeResealing) {
  const auto old_box = new_box();
  const auto ann = user("ann@example.com");
  const auto bob = user("bob@example.com");
  ASSERT_TRUE(set(ann, "alpaca", old_box));
  ASSERT_TRUE(set(bob, "alpaca", old_box));
  // Bob's row altered in the database: its last ciphertext byte flipped.
  sql("UPDATE api_keys SET ciphertext = set_byte(ciphertext, length(ciphertext) - 1,"
      " get_byte(ciphertext, length(ciphertext) - 1) # 1) WHERE user_id = " +
      std::to_string(bob));
  auto report = store->reseal_broker_keys(old_box, new_box());
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->applied());
  EXPECT_EQ(report->unreadable, 1u);
  for (const auto& r : rows()) EXPECT_EQ(std::string(r["key_id"].c_str()), old_box.key_id()) << "nothing changed";
  EXPECT_TRUE(store->broker_credentials(ann, "alpaca", old_box));
}

}  // namespace
}  // namespace meridian::it
