#pragma once
// The confidence gate (phase 4 of a decision, after risk validation): a BUY or SELL is executed
// only when the decision's confidence is at least min_confidence_for_trade and it names at least
// confidence_factors distinct supporting factors. Blank factors and repeats (ignoring case and
// surrounding spaces) do not count: "RSI oversold" said three times is one reason, not three.
// A pure function; the trader loop calls it with llm::Decision's confidence and factors.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "risk/reasons.hpp"

namespace autotrader::risk {

struct ConfidenceGateOptions {
  double min_confidence_for_trade = 0.60;  // MIN_CONFIDENCE_FOR_TRADE
  std::size_t confidence_factors = 3;      // CONFIDENCE_FACTORS
};

// Distinct non-blank factors, compared trimmed and case-insensitively (ASCII).
std::size_t count_distinct_factors(const std::vector<std::string>& factors);

// Every reason the decision fails the gate (empty = it passes): confidence_below_minimum
// (a NaN confidence fails it too) and too_few_factors, each with the numbers in its message.
std::vector<Rejection> check_confidence_gate(double confidence,
                                             const std::vector<std::string>& factors,
                                             const ConfidenceGateOptions& options = {});

}  // namespace autotrader::risk
