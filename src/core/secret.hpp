#pragma once
// Secrets (API keys, tokens) and the redaction that keeps them out of logs and error messages.
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace autotrader::core {

// What every printing path shows instead of a secret value.
inline constexpr std::string_view redacted_text = "[redacted]";

// A secret string. It prints as "[redacted]" through operator<< and fmt (so also through spdlog),
// converts to nothing implicitly, and hands out its value only through reveal(), which the one
// place that must send it (an HTTP auth header) calls. Copies are allowed so that settings can be
// passed around; each copy is still a Secret. Not synchronised: treat like a std::string.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_{std::move(value)} {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&) = default;
  Secret& operator=(Secret&&) noexcept = default;
  // Overwrites the bytes so a core dump taken later holds less of the value.
  ~Secret();

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  // Compares in time that depends only on the lengths, for checking a presented API token.
  bool matches(std::string_view candidate) const;

 private:
  std::string value_;
};

std::ostream& operator<<(std::ostream& out, const Secret& secret);

// Replaces every occurrence of any added value in a text with "[redacted]". Values shorter than
// min_length are ignored: redacting "ab" everywhere would shred ordinary text and such a value
// is no secret. Not synchronised: the owner guards it.
class Redactor {
 public:
  static constexpr std::size_t min_length = 4;

  // Returns false (and ignores the value) when it is shorter than min_length.
  bool add(std::string_view value);
  bool empty() const { return values_.empty(); }
  std::string apply(std::string_view text) const;

 private:
  // Longest first, so a value that contains another is replaced whole.
  std::vector<std::string> values_;
};

}  // namespace autotrader::core

template <>
struct fmt::formatter<autotrader::core::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const autotrader::core::Secret&, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view>::format(autotrader::core::redacted_text, ctx);
  }
};
