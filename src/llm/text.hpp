#pragma once
// Text hygiene for the LLM module: model answers and provider error messages are untrusted, so
// every string we keep from them (a decision's reasoning and factors, a Failure message) goes
// through clean_text before it reaches a log line, the audit trail or the API. Also the
// locale-independent number formatting the prompts use.
#include <cstddef>
#include <string>
#include <string_view>

namespace autotrader::llm {

// Returns the text with control characters removed and its length capped:
// - tab, CR, LF, U+2028/U+2029 and every other whitespace run become one space; leading and
//   trailing spaces are dropped;
// - other C0 controls, DEL, C1 controls (U+0080..U+009F) and the bidirectional overrides and
//   isolates (U+202A..U+202E, U+2066..U+2069), which can disguise a log line, are removed;
// - an invalid UTF-8 byte becomes '?';
// - the result is cut to at most max_bytes at a code point boundary, so it stays valid UTF-8.
std::string clean_text(std::string_view text, std::size_t max_bytes);

// Fixed-point, "C" locale always ('.' decimal point, no grouping), never "-0.00"; "n/a" for NaN
// and infinities.
std::string format_fixed(double value, int decimals);

// A price-like value with at least six significant digits and between 2 and 10 decimals:
// 65000.5 -> "65000.50", 1.2345678 -> "1.23457", 0.00001234 -> "0.0000123400".
std::string format_price(double value);

}  // namespace autotrader::llm
