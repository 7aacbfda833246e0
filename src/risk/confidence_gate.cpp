#include "risk/confidence_gate.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "risk/format.hpp"

namespace autotrader::risk {

namespace {

std::string normalise(const std::string& factor) {
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  auto begin = std::find_if_not(factor.begin(), factor.end(), is_space);
  auto end = std::find_if_not(factor.rbegin(), std::string::const_reverse_iterator{begin}, is_space)
                 .base();
  std::string text{begin, end};
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::size_t count_distinct_factors(const std::vector<std::string>& factors) {
  std::set<std::string> distinct;
  for (const auto& factor : factors) {
    auto text = normalise(factor);
    if (!text.empty()) {
      distinct.insert(std::move(text));
    }
  }
  return distinct.size();
}

std::vector<Rejection> check_confidence_gate(double confidence,
                                             const std::vector<std::string>& factors,
                                             const ConfidenceGateOptions& options) {
  std::vector<Rejection> rejections;
  if (!(confidence >= options.min_confidence_for_trade)) {
    rejections.push_back({RejectReason::confidence_below_minimum,
                          "confidence " + format_number(confidence) + " is below the minimum " +
                              format_number(options.min_confidence_for_trade)});
  }
  const std::size_t count = count_distinct_factors(factors);
  if (count < options.confidence_factors) {
    rejections.push_back({RejectReason::too_few_factors,
                          std::to_string(count) + " distinct factors, at least " +
                              std::to_string(options.confidence_factors) + " required"});
  }
  return rejections;
}

}  // namespace autotrader::risk
