#pragma once
// `meridiand user add --email E --role R [--first-name F] [--last-name L] [--password-file P]`:
// creates an account from the command line (the operator's way in besides the first start's
// administrator). The password comes from a file (mode 0600; "-" reads one line from stdin),
// or is generated and printed once. Never a flag's value: a command line is public.
#include <string>

namespace CLI {
class App;
}

namespace meridian::app {

struct Config;

class UserCommand {
 public:
  explicit UserCommand(CLI::App& app);
  UserCommand(const UserCommand&) = delete;  // the app holds pointers to the options
  UserCommand& operator=(const UserCommand&) = delete;
  bool parsed() const;
  // Exit code: 0 created; 1 database failure; 2 no database, an invalid field or password,
  // or the email is taken.
  int run(const Config& config) const;

 private:
  CLI::App* user_;
  CLI::App* add_;
  std::string email_;
  std::string role_ = "trader";
  std::string first_name_;
  std::string last_name_;
  std::string password_file_;
};

}  // namespace meridian::app
