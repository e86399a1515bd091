#include "meridian/app/secrets_cmd.hpp"

#include "app_log.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "meridian/app/config.hpp"
#include "meridian/app/secrets.hpp"
#include "meridian/app/secrets_key.hpp"
#include "meridian/storage/identity_store.hpp"
#include "meridian/storage/migrations.hpp"

namespace meridian::app {

SecretsCommand::SecretsCommand(CLI::App& app) {
  secrets_ = app.add_subcommand("secrets", "Manage the key broker credentials are encrypted under");
  secrets_->require_subcommand(1);
  rotate_ = secrets_->add_subcommand(
      "rotate", "Re-encrypt every stored broker credential under a new key (the current key as for serve)");
  rotate_
      ->add_option("--new-key-file", new_key_file_,
                   "File holding the new key (mode 600 or stricter): 64 hex digits or base64 of 32 bytes")
      ->required();
}

bool SecretsCommand::parsed() const {
  return secrets_->parsed();
}

// Logging is set up by the caller (config.cpp), before the redaction of secrets over its sinks.
int SecretsCommand::run(const Config& config) const {
  if (config.database_url.empty()) {
    app_log()->error("secrets rotate needs --database-url or DATABASE_URL");
    return 2;
  }
  const auto current = secrets_box(config);
  if (!current) {
    app_log()->error("secrets rotate needs the current key: --secrets-key-file FILE or {}", kSecretsKeyEnv);
    return 2;
  }
  std::optional<auth::SecretBox> next;
  try {
    auto text = read_secret_file(new_key_file_);
    auto box = auth::SecretBox::from_text(text);
    auth::wipe(text);
    if (!box)
      throw std::runtime_error("the new key file " + new_key_file_ +
                               " does not hold a usable key: 64 hex digits or base64 of 32 bytes, not one byte "
                               "repeated");
    next.emplace(std::move(*box));
  } catch (const std::exception& e) {
    app_log()->error("{}", e.what());
    return 2;
  }
  try {
    storage::apply_migrations(config.database_url);
    storage::IdentityStore store(config.database_url);
    const auto report = store.reseal_broker_keys(*current, *next);
    if (!report) {
      app_log()->error("cannot re-encrypt the broker credentials: {}", report.error().message());
      return 1;
    }
    if (!report->unknown_key_ids.empty()) {
      std::string unknown;
      for (const auto& id : report->unknown_key_ids) unknown += (unknown.empty() ? "" : ", ") + id;
      app_log()->error(
          "refusing to rotate: broker credentials are encrypted under key(s) {}, neither the current key {} nor the "
          "new key {}; nothing was changed",
          unknown, current->key_id(), next->key_id());
      return 2;
    }
    if (report->unreadable) {
      app_log()->error(
          "refusing to rotate: {} broker credentials under the current key {} do not decrypt (altered?); nothing was "
          "changed",
          report->unreadable, current->key_id());
      return 1;
    }
    std::cout << "re-encrypted " << report->moved << " broker credentials from key " << current->key_id() << " to key "
              << next->key_id() << " (" << report->current << " under it already)" << std::endl;
    app_log()->info("secrets rotate: {} broker credentials moved from key {} to key {}, {} already there",
                    report->moved, current->key_id(), next->key_id(), report->current);
    if (current->key_id() != next->key_id())
      std::cout << "configure the new key (--secrets-key-file or " << kSecretsKeyEnv
                << ") and restart meridiand: the old key no longer decrypts them" << std::endl;
    return 0;
  } catch (const std::exception& e) {
    app_log()->error("secrets rotate failed: {}", e.what());
    return 1;
  }
}

}  // namespace meridian::app
