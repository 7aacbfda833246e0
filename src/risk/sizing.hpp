#pragma once
// Position-sizing multipliers and the venue rounding the risk engine applies. Pure functions.
//
// The multipliers scale the requested fraction of equity; the engine then bounds the result by
// max_position_size, the symbol's exposure headroom and the available cash, so a multiplier can
// never push an order past a limit.
#include <cstddef>
#include <optional>
#include <vector>

#include "core/decimal.hpp"
#include "risk/options.hpp"
#include "risk/types.hpp"

namespace autotrader::risk {

// ×high_confidence_multiplier strictly above high_confidence, ×low_confidence_multiplier strictly
// below low_confidence, else ×1.
double confidence_multiplier(double confidence, const RiskOptions& options);

// The share of wins among the last win_rate_window outcomes; nullopt while fewer than
// win_rate_min_trades are known (a win rate of 2 trades says nothing).
std::optional<double> recent_win_rate(const std::vector<bool>& outcomes,
                                      const RiskOptions& options);

// ×high_win_rate_multiplier strictly above high_win_rate, ×low_win_rate_multiplier strictly
// below low_win_rate, else (or while unknown) ×1.
double win_rate_multiplier(const std::vector<bool>& outcomes, const RiskOptions& options);

// `value` rounded to a multiple of `step` in the rounding's direction, with no intermediate
// overflow for long fractions (it first rounds to the step's scale, which is exact for floor and
// ceiling). A zero step keeps `fallback_scale` fraction digits. nullopt when it cannot fit.
std::optional<core::Decimal> round_to_rule(const core::Decimal& value, const core::Decimal& step,
                                           core::Rounding rounding, int fallback_scale = 8);

// a / b rounded to a multiple of `step` (see round_to_rule); nullopt when b is zero or it does
// not fit.
std::optional<core::Decimal> divide_to_rule(const core::Decimal& a, const core::Decimal& b,
                                            const core::Decimal& step, core::Rounding rounding,
                                            int fallback_scale = 8);

}  // namespace autotrader::risk
