#include "risk/sizing.hpp"

#include <algorithm>

namespace autotrader::risk {

double confidence_multiplier(double confidence, const RiskOptions& options) {
  if (confidence > options.high_confidence) {
    return options.high_confidence_multiplier;
  }
  if (confidence < options.low_confidence) {
    return options.low_confidence_multiplier;
  }
  return 1.0;
}

std::optional<double> recent_win_rate(const std::vector<bool>& outcomes,
                                      const RiskOptions& options) {
  const std::size_t window = std::min(outcomes.size(), options.win_rate_window);
  if (window == 0 || window < options.win_rate_min_trades) {
    return std::nullopt;
  }
  const auto first = outcomes.end() - static_cast<std::ptrdiff_t>(window);
  const auto wins = std::count(first, outcomes.end(), true);
  return static_cast<double>(wins) / static_cast<double>(window);
}

double win_rate_multiplier(const std::vector<bool>& outcomes, const RiskOptions& options) {
  const auto rate = recent_win_rate(outcomes, options);
  if (!rate) {
    return 1.0;
  }
  if (*rate > options.high_win_rate) {
    return options.high_win_rate_multiplier;
  }
  if (*rate < options.low_win_rate) {
    return options.low_win_rate_multiplier;
  }
  return 1.0;
}

std::optional<core::Decimal> round_to_rule(const core::Decimal& value, const core::Decimal& step,
                                           core::Rounding rounding, int fallback_scale) {
  if (step.is_zero()) {
    return core::round_to_scale(value, fallback_scale, rounding);
  }
  const auto scaled = core::round_to_scale(value, step.scale(), rounding);
  if (!scaled) {
    return std::nullopt;
  }
  return core::round_to_step(*scaled, step, rounding);
}

std::optional<core::Decimal> divide_to_rule(const core::Decimal& a, const core::Decimal& b,
                                            const core::Decimal& step, core::Rounding rounding,
                                            int fallback_scale) {
  const int scale = step.is_zero() ? fallback_scale : step.scale();
  const auto quotient = core::divide(a, b, scale, rounding);
  if (!quotient) {
    return std::nullopt;
  }
  return step.is_zero() ? quotient : core::round_to_step(*quotient, step, rounding);
}

}  // namespace autotrader::risk
