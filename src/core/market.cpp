#include "core/market.hpp"

namespace autotrader::core {
namespace {

struct IntervalName {
  Interval interval;
  std::string_view name;
  std::chrono::milliseconds length;
};

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::array<IntervalName, 16> kIntervals{{
    {Interval::s1, "1s", seconds{1}},
    {Interval::m1, "1m", minutes{1}},
    {Interval::m3, "3m", minutes{3}},
    {Interval::m5, "5m", minutes{5}},
    {Interval::m15, "15m", minutes{15}},
    {Interval::m30, "30m", minutes{30}},
    {Interval::h1, "1h", hours{1}},
    {Interval::h2, "2h", hours{2}},
    {Interval::h4, "4h", hours{4}},
    {Interval::h6, "6h", hours{6}},
    {Interval::h8, "8h", hours{8}},
    {Interval::h12, "12h", hours{12}},
    {Interval::d1, "1d", hours{24}},
    {Interval::d3, "3d", hours{72}},
    {Interval::w1, "1w", hours{168}},
    {Interval::mo1, "1M", hours{720}},
}};

bool symbol_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

}  // namespace

std::optional<Symbol> Symbol::parse(std::string_view text) {
  if (text.empty() || text.size() > max_length) return std::nullopt;
  Symbol symbol;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!symbol_char(c)) return std::nullopt;
    symbol.data_[i] = c;
  }
  symbol.size_ = static_cast<std::uint8_t>(text.size());
  return symbol;
}

std::optional<Interval> parse_interval(std::string_view text) {
  for (const auto& entry : kIntervals) {
    if (entry.name == text) return entry.interval;
  }
  return std::nullopt;
}

std::string_view to_string(Interval interval) {
  return kIntervals[static_cast<std::size_t>(interval)].name;
}

std::chrono::milliseconds duration(Interval interval) {
  return kIntervals[static_cast<std::size_t>(interval)].length;
}

}  // namespace autotrader::core
