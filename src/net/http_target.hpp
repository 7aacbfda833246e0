#pragma once
// Splits an origin-form request target ("/a%20b?x=1&y") into a decoded path and query. Pure
// functions over untrusted bytes: they never throw and reject what they cannot decode.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace autotrader::net {

struct ParsedTarget {
  std::string path;                          // percent-decoded; '+' stays '+'
  std::map<std::string, std::string> query;  // keys and values decoded, '+' means space
};

// Decodes %XX escapes (and '+' as space when `plus_is_space`). nullopt for a malformed escape
// ("%", "%4", "%zz").
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// nullopt when the target is not origin-form (does not start with '/') or an escape is malformed.
// A fragment ("#...") is dropped; a repeated query key keeps its last value; "k" alone maps to "".
std::optional<ParsedTarget> parse_target(std::string_view target);

}  // namespace autotrader::net
