#pragma once
// A small, allocation-free pull parser over one JSON text, for the hot path: every WebSocket
// frame goes through it, and the ~300-byte kline frame must decode in well under a microsecond
// (nlohmann's DOM builds a map per object and costs several). The REST bodies, which are rare and
// big (exchangeInfo), use nlohmann instead.
//
// Use: begin_object(), then `while (next_member(key)) { read or skip exactly one value }`, then
// check failed(). Every call returns false on malformed input, after which failed() is true and
// every later call returns false too; next_member/next_element also return false (without
// failing) at the end of their container. Untrusted input can never read out of bounds or recurse
// deeper than max_depth.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace autotrader::binance::detail {

class JsonScanner {
 public:
  static constexpr int max_depth = 64;

  enum class Kind { object, array, string, number, boolean, null, invalid };

  explicit JsonScanner(std::string_view text) : text_{text} {}

  bool begin_object();
  // The next member's key (raw text between the quotes), or false at '}'.
  bool next_member(std::string_view& key);
  bool begin_array();
  // True when another element follows (read or skip it next), false at ']'.
  bool next_element();

  // The raw text between the quotes; escapes are validated but left unresolved (no field we
  // read may contain one, so a value with an escape simply fails its own validation later).
  bool read_string(std::string_view& raw);
  // A JSON integer (no fraction, no exponent) that fits in int64.
  bool read_int(std::int64_t& out);
  // A decimal as Binance sends it, a string such as "0.00100000" (a bare JSON number is accepted
  // too). Only [-]digits[.digits]; "1e5", "inf", "" and overlong values fail.
  bool read_decimal(double& out);
  bool read_bool(bool& out);
  // Skips one value of any kind (validating it).
  bool skip_value();
  // The kind of the next value, without consuming it.
  Kind peek();
  // True when only whitespace is left.
  bool finish();

  bool failed() const { return failed_; }
  std::size_t offset() const { return pos_; }

 private:
  bool fail() {
    failed_ = true;
    return false;
  }
  void skip_ws();
  bool scan_string(std::string_view& raw);
  bool scan_number(std::string_view& raw);
  bool scan_literal(std::string_view literal);
  // Before a member or element: a comma unless the container was just opened.
  bool before_item(char close, bool& end);

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool just_opened_ = false;
  bool failed_ = false;
};

// Parses [-]digits[.digits] into a finite double. Exposed for the REST codec.
bool parse_decimal_text(std::string_view text, double& out);

}  // namespace autotrader::binance::detail
