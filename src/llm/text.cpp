#include "llm/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace autotrader::llm {
namespace {

// One decoded code point and its length in bytes; length 1 and valid = false for a byte that
// does not start a well-formed UTF-8 sequence (overlong forms and surrogates included).
struct CodePoint {
  std::uint32_t value = 0;
  std::size_t length = 1;
  bool valid = false;
};

CodePoint decode(std::string_view text, std::size_t at) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t length = 0;
  std::uint32_t value = 0;
  std::uint32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  for (std::size_t i = 1; i < length; ++i) {
    unsigned char next = byte(at + i);
    if ((next & 0xC0) != 0x80) return {};
    value = (value << 6) | (next & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length, true};
}

bool is_space(std::uint32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x2028 ||
         c == 0x2029 || c == 0x85 || c == 0xA0;
}

bool is_removed(std::uint32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

}  // namespace

std::string clean_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  bool pending_space = false;
  for (std::size_t at = 0; at < text.size();) {
    CodePoint cp = decode(text, at);
    std::string_view piece = cp.valid ? text.substr(at, cp.length) : std::string_view{"?"};
    at += cp.length;
    if (cp.valid && is_space(cp.value)) {
      pending_space = !out.empty();
      continue;
    }
    if (cp.valid && is_removed(cp.value)) continue;
    std::size_t needed = piece.size() + (pending_space ? 1 : 0);
    if (out.size() + needed > max_bytes) break;
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(piece);
  }
  return out;
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  decimals = std::clamp(decimals, 0, 12);
  // Anything that rounds to zero prints as zero, never "-0.00".
  if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0.0;
  // fmt formats floating point independently of the global and C locales unless asked ('L').
  return fmt::format("{:.{}f}", value, decimals);
}

std::string format_price(double value) {
  if (!std::isfinite(value)) return "n/a";
  int decimals = 2;
  if (value != 0.0) {
    int magnitude = static_cast<int>(std::floor(std::log10(std::fabs(value))));
    decimals = std::clamp(5 - magnitude, 2, 10);
  }
  return format_fixed(value, decimals);
}

}  // namespace autotrader::llm
