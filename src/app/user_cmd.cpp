#include "meridian/app/user_cmd.hpp"

#include "app_log.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "meridian/api/identity.hpp"
#include "meridian/app/auth_setup.hpp"
#include "meridian/app/config.hpp"
#include "meridian/app/secrets.hpp"
#include "meridian/app/serve.hpp"
#include "meridian/storage/identity_store.hpp"
#include "meridian/storage/migrations.hpp"

namespace meridian::app {

namespace {
// One line of stdin, without its line ending.
std::string password_from_stdin() {
  std::string line;
  std::getline(std::cin, line);
  return trim_secret(std::move(line));
}
}  // namespace

UserCommand::UserCommand(CLI::App& app) {
  user_ = app.add_subcommand("user", "Manage accounts");
  user_->require_subcommand(1);
  add_ = user_->add_subcommand("add", "Create an account (its password from a file, stdin, or generated)");
  add_->add_option("--email", email_, "Email address (the login name)")->required();
  add_->add_option("--role", role_, "viewer, trader or admin")->check(CLI::IsMember({"viewer", "trader", "admin"}));
  add_->add_option("--first-name", first_name_, "First name");
  add_->add_option("--last-name", last_name_, "Last name");
  add_->add_option("--password-file", password_file_,
                   "File holding the password (mode 600 or stricter), or - for one line of stdin; without it a "
                   "password is generated and printed once");
}

bool UserCommand::parsed() const {
  return user_->parsed();
}

// Logging is set up by the caller (config.cpp), before the redaction of secrets over its sinks.
int UserCommand::run(const Config& config) const {
  if (config.database_url.empty()) {
    app_log()->error("user add needs --database-url or DATABASE_URL");
    return 2;
  }
  std::string password;
  const bool generated = password_file_.empty();
  try {
    password = generated               ? random_secret()
               : password_file_ == "-" ? password_from_stdin()
                                       : read_secret_file(password_file_);
  } catch (const std::exception& e) {
    app_log()->error("{}", e.what());
    return 2;
  }
  for (const auto& refused :
       {api::check_email(email_, "--email"), api::check_person_name(first_name_, "--first-name"),
        api::check_person_name(last_name_, "--last-name"), api::check_new_password(password, "the password")})
    if (refused) {
      app_log()->error("{}", refused->message);
      return 2;
    }
  try {
    storage::apply_migrations(config.database_url);
    storage::IdentityStore store(config.database_url);
    storage::NewUser user{email_,
                          first_name_,
                          last_name_,
                          *auth::parse_role(role_),
                          auth::hash_password(password, auth::PasswordCost::standard()),
                          core::Money{}};
    auto created = store.create_user(user);
    if (!created) {
      if (created.error() == core::Errc::conflict) {
        app_log()->error("an account with the email {} exists already", email_);
        return 2;
      }
      app_log()->error("cannot create the user: {}", created.error().message());
      return 1;
    }
    std::cout << "created user " << created->id << " " << created->email << " (" << auth::to_string(created->role)
              << ")" << std::endl;
    if (generated) std::cout << "password (shown once): " << password << std::endl;
    return 0;
  } catch (const std::exception& e) {
    app_log()->error("user add failed: {}", e.what());
    return 1;
  }
}

}  // namespace meridian::app
