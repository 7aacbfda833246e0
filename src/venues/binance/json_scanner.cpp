#include "venues/binance/json_scanner.hpp"

#include <charconv>
#include <cmath>

namespace autotrader::binance::detail {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Longer decimals than this are not prices or sizes; refusing them bounds the work per field.
constexpr std::size_t kMaxDecimalLength = 64;

}  // namespace

bool parse_decimal_text(std::string_view text, double& out) {
  if (text.empty() || text.size() > kMaxDecimalLength) return false;
  std::size_t i = text[0] == '-' ? 1 : 0;
  std::size_t digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++digits;
  if (digits == 0) return false;
  if (i < text.size()) {
    if (text[i] != '.') return false;
    ++i;
    std::size_t fraction = 0;
    while (i < text.size() && is_digit(text[i])) ++i, ++fraction;
    if (fraction == 0 || i != text.size()) return false;
  }
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && std::isfinite(out);
}

void JsonScanner::skip_ws() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ++pos_;
  }
}

JsonScanner::Kind JsonScanner::peek() {
  if (failed_) return Kind::invalid;
  skip_ws();
  if (pos_ >= text_.size()) return Kind::invalid;
  switch (text_[pos_]) {
    case '{':
      return Kind::object;
    case '[':
      return Kind::array;
    case '"':
      return Kind::string;
    case 't':
    case 'f':
      return Kind::boolean;
    case 'n':
      return Kind::null;
    default:
      return (text_[pos_] == '-' || is_digit(text_[pos_])) ? Kind::number : Kind::invalid;
  }
}

bool JsonScanner::begin_object() {
  if (peek() != Kind::object) return fail();
  if (++depth_ > max_depth) return fail();
  ++pos_;
  just_opened_ = true;
  return true;
}

bool JsonScanner::begin_array() {
  if (peek() != Kind::array) return fail();
  if (++depth_ > max_depth) return fail();
  ++pos_;
  just_opened_ = true;
  return true;
}

bool JsonScanner::before_item(char close, bool& end) {
  end = false;
  if (failed_) return false;
  skip_ws();
  if (pos_ >= text_.size()) return fail();
  if (text_[pos_] == close) {
    ++pos_;
    --depth_;
    just_opened_ = false;  // the container is a value that is now complete
    end = true;
    return true;
  }
  if (!just_opened_) {
    if (text_[pos_] != ',') return fail();
    ++pos_;
    skip_ws();
  }
  just_opened_ = false;
  return true;
}

bool JsonScanner::next_member(std::string_view& key) {
  bool end = false;
  if (!before_item('}', end) || end) return false;
  if (pos_ >= text_.size() || text_[pos_] != '"') return fail();
  if (!scan_string(key)) return false;
  skip_ws();
  if (pos_ >= text_.size() || text_[pos_] != ':') return fail();
  ++pos_;
  return true;
}

bool JsonScanner::next_element() {
  bool end = false;
  return before_item(']', end) && !end;
}

bool JsonScanner::scan_string(std::string_view& raw) {
  // pos_ is at the opening quote.
  std::size_t start = ++pos_;
  while (pos_ < text_.size()) {
    auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      raw = text_.substr(start, pos_ - start);
      ++pos_;
      just_opened_ = false;
      return true;
    }
    if (c < 0x20) return fail();
    if (c == '\\') {
      if (++pos_ >= text_.size()) return fail();
      char e = text_[pos_];
      if (e == 'u') {
        if (pos_ + 4 >= text_.size()) return fail();
        for (int k = 1; k <= 4; ++k) {
          if (!is_hex(text_[pos_ + k])) return fail();
        }
        pos_ += 4;
      } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                 e != 'r' && e != 't') {
        return fail();
      }
    }
    ++pos_;
  }
  return fail();
}

bool JsonScanner::read_string(std::string_view& raw) {
  if (peek() != Kind::string) return fail();
  return scan_string(raw);
}

bool JsonScanner::scan_number(std::string_view& raw) {
  // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  std::size_t start = pos_;
  if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
  if (pos_ >= text_.size() || !is_digit(text_[pos_])) return fail();
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ < text_.size() && text_[pos_] == '.') {
    ++pos_;
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) return fail();
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  bool exponent = pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E');
  if (exponent) {
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (pos_ >= text_.size() || !is_digit(text_[pos_])) return fail();
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
  }
  raw = text_.substr(start, pos_ - start);
  // A number no double can hold (1e999) is refused even where we skip it, as other JSON parsers
  // do; only exponents and very long numbers can be out of range, so the common case pays nothing.
  if (exponent || raw.size() > 300) {
    double value = 0;
    auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (ec != std::errc{} || ptr != raw.data() + raw.size()) return fail();
  }
  just_opened_ = false;
  return true;
}

bool JsonScanner::read_int(std::int64_t& out) {
  if (peek() != Kind::number) return fail();
  std::string_view raw;
  if (!scan_number(raw)) return false;
  const char* end = raw.data() + raw.size();
  auto [ptr, ec] = std::from_chars(raw.data(), end, out);
  if (ec != std::errc{} || ptr != end) return fail();
  return true;
}

bool JsonScanner::read_decimal(double& out) {
  std::string_view raw;
  Kind kind = peek();
  if (kind == Kind::string) {
    if (!scan_string(raw)) return false;
  } else if (kind == Kind::number) {
    if (!scan_number(raw)) return false;
  } else {
    return fail();
  }
  return parse_decimal_text(raw, out) ? true : fail();
}

bool JsonScanner::scan_literal(std::string_view literal) {
  if (text_.substr(pos_, literal.size()) != literal) return fail();
  pos_ += literal.size();
  just_opened_ = false;
  return true;
}

bool JsonScanner::read_bool(bool& out) {
  if (peek() != Kind::boolean) return fail();
  out = text_[pos_] == 't';
  return scan_literal(out ? "true" : "false");
}

bool JsonScanner::skip_value() {
  std::string_view ignored;
  switch (peek()) {
    case Kind::object:
      if (!begin_object()) return false;
      while (next_member(ignored)) {
        if (!skip_value()) return false;
      }
      return !failed_;
    case Kind::array:
      if (!begin_array()) return false;
      while (next_element()) {
        if (!skip_value()) return false;
      }
      return !failed_;
    case Kind::string:
      return scan_string(ignored);
    case Kind::number:
      return scan_number(ignored);
    case Kind::boolean:
      return scan_literal(text_[pos_] == 't' ? "true" : "false");
    case Kind::null:
      return scan_literal("null");
    case Kind::invalid:
      break;
  }
  return fail();
}

bool JsonScanner::finish() {
  if (failed_) return false;
  skip_ws();
  return pos_ == text_.size() ? true : fail();
}

}  // namespace autotrader::binance::detail
