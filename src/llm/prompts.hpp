#pragma once
// The prompts of the multi-turn analysis: the system prompt, phase 1 ("initial analysis") and
// phase 2 ("refinement", which challenges the first answer on volume confirmation, nearby
// support and resistance, and the downside before asking for the final decision).
//
// Prompts carry only our own text and numbers: the numbers of a DecisionInput, and of the
// first decision only its action and numbers (never the model's reasoning or factors, which are
// already in the conversation as its own turn). The symbol, interval and trend strings are cut
// to [A-Za-z0-9._-] so that nothing else can reach a prompt through them. Numbers use fixed,
// locale-independent formatting (format_fixed / format_price); a missing indicator is "n/a".
// The same input always gives the same bytes.
#include <cstdint>
#include <string>

#include "llm/types.hpp"

namespace autotrader::llm {

inline constexpr const char* kInitialPhase = "initial";
inline constexpr const char* kRefinementPhase = "refinement";

std::string system_prompt();
std::string initial_prompt(const DecisionInput& input);
std::string refinement_prompt(const DecisionInput& input, const Decision& first);

// Unix milliseconds as "2024-03-01T12:34:56Z" (UTC, no locale); "n/a" when not positive.
std::string format_utc(std::int64_t unix_ms);

}  // namespace autotrader::llm
