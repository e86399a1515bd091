#pragma once
// Builds array literals for set-based batch statements (see PgArray).
#include <string>
#include <string_view>

namespace meridian::storage {

// One PostgreSQL array literal, built element by element, sent as one text parameter and
// expanded server-side by unnest(): a whole column of a batch in one value. Text elements are
// double-quoted with " and \ escaped, so reasons and indicator JSON survive any content.
class PgArray {
 public:
  void add(std::string_view text) {
    out_ += out_.size() == 1 ? "\"" : ",\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
  }
  // Numbers, timestamps and booleans as we format them hold no character that needs quoting.
  void add_plain(std::string_view text) {
    if (out_.size() > 1) out_ += ',';
    out_ += text;
  }
  void add_plain(long long v) { add_plain(std::string_view(std::to_string(v))); }
  void add_null() { add_plain(std::string_view("NULL")); }
  bool empty() const noexcept { return out_.size() == 1; }
  std::string str() const { return out_ + '}'; }

 private:
  std::string out_ = "{";
};

}  // namespace meridian::storage
