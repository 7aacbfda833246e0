#include "llm/prompts.hpp"

#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/calendar.hpp"
#include "llm/text.hpp"
#include "llm/validate.hpp"

namespace autotrader::llm {
namespace {

std::string safe_token(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() == 20) break;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') {
      out.push_back(c);
    }
  }
  return out.empty() ? "n/a" : out;
}

std::string value_or_na(const std::optional<double>& value) {
  return value ? format_price(*value) : "n/a";
}

// "+0.35%" / "-1.20%": how far a level is from the close.
std::string distance_pct(double level, double price) {
  if (!std::isfinite(level) || !std::isfinite(price) || price <= 0) return "n/a";
  double pct = (level - price) / price * 100.0;
  std::string text = format_fixed(pct, 2);
  if (text != "n/a" && text.front() != '-') text.insert(text.begin(), '+');
  return text + "%";
}

std::string position_text(const PositionState& position) {
  if (!(std::fabs(position.quantity) > 0)) return "flat (no position)";
  return fmt::format(
      "{} {} at an average entry of {} (unrealized {}%)", position.quantity > 0 ? "long" : "short",
      format_price(std::fabs(position.quantity)), format_price(position.average_entry_price),
      format_fixed(position.unrealized_pnl_pct, 2));
}

struct Level {
  const char* name;
  double value;
};

std::vector<Level> levels(const DecisionInput& input) {
  std::vector<Level> out;
  if (input.ma_short && std::isfinite(*input.ma_short)) out.push_back({"SMA(20)", *input.ma_short});
  if (input.ma_long && std::isfinite(*input.ma_long)) out.push_back({"SMA(50)", *input.ma_long});
  if (input.vwap && std::isfinite(*input.vwap)) out.push_back({"VWAP", *input.vwap});
  return out;
}

std::string level_list(const DecisionInput& input, bool below) {
  std::string text;
  for (const Level& level : levels(input)) {
    if ((level.value < input.price) != below) continue;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {} ({})", level.name, format_price(level.value),
                        distance_pct(level.value, input.price));
  }
  return text.empty() ? "none in our data" : text;
}

std::string atr_text(const DecisionInput& input) {
  if (!input.atr || !std::isfinite(*input.atr)) return "n/a";
  std::string text = format_price(*input.atr);
  if (input.price > 0 && std::isfinite(input.price)) {
    text += fmt::format(" ({}% of the close)", format_fixed(*input.atr / input.price * 100, 2));
  }
  return text;
}

}  // namespace

std::string format_utc(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "n/a";
  std::int64_t seconds = unix_ms / 1000;
  const std::int64_t days = seconds / 86400;
  const std::int64_t rest = seconds % 86400;
  const auto date = core::civil_from_days(days);
  const auto year = date.year;
  const auto month = date.month;
  const auto day = date.day;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", year, month, day, rest / 3600,
                     rest % 3600 / 60, rest % 60);
}

std::string system_prompt() {
  return "You are the trading decision engine of an automated spot trading system. You get "
         "market data for one symbol, computed by the system itself, and answer with one "
         "decision.\n"
         "Rules:\n"
         "- Base the decision only on the numbers given; \"n/a\" means a value is not "
         "available yet.\n"
         "- BUY opens or adds to a long position, SELL reduces or closes it (no short "
         "selling), HOLD changes nothing.\n"
         "- Prefer HOLD when the signals disagree or the data is thin.\n"
         "- position_size is a fraction of equity (0.05 = 5%): keep it small unless you are "
         "confident; 0 for HOLD.\n"
         "- stop_loss_pct and take_profit_pct are distances from the entry price in percent "
         "(2 = 2%).\n"
         "- Answer with the JSON object only: no prose, no Markdown.\n" +
         decision_schema_text();
}

std::string initial_prompt(const DecisionInput& input) {
  std::string text = "Initial analysis.\n";
  text += fmt::format("Symbol {}, interval {}, last candle closed {}.\n", safe_token(input.symbol),
                      safe_token(input.interval), format_utc(input.as_of_ms));
  text += "Market data:\n";
  text += fmt::format("- last close: {}\n", format_price(input.price));
  text += fmt::format("- RSI(14): {}\n", input.rsi ? format_fixed(*input.rsi, 1) : "n/a");
  text += fmt::format("- SMA(20): {}", value_or_na(input.ma_short));
  if (input.ma_short)
    text += fmt::format(" ({} vs the close)", distance_pct(*input.ma_short, input.price));
  text += fmt::format("\n- SMA(50): {}", value_or_na(input.ma_long));
  if (input.ma_long)
    text += fmt::format(" ({} vs the close)", distance_pct(*input.ma_long, input.price));
  text += fmt::format("\n- VWAP: {}", value_or_na(input.vwap));
  if (input.vwap) text += fmt::format(" ({} vs the close)", distance_pct(*input.vwap, input.price));
  text += fmt::format("\n- ATR(14): {}\n", atr_text(input));
  text +=
      fmt::format("- MACD(12,26,9): line {}, signal {}, histogram {}\n", value_or_na(input.macd),
                  value_or_na(input.macd_signal), value_or_na(input.macd_histogram));
  text += fmt::format("- trend: {}\n", safe_token(input.trend));
  text += fmt::format("- volume: {}x its average\n", format_fixed(input.volume_ratio, 2));
  text += fmt::format("Position: {}.\n", position_text(input.position));
  text += "Decide BUY, SELL or HOLD now. Answer with the decision JSON only.";
  return text;
}

std::string refinement_prompt(const DecisionInput& input, const Decision& first) {
  std::string text = "Refinement.\n";
  text += fmt::format(
      "Your initial answer: {}, confidence {}, position size {}, stop loss {}%, take profit "
      "{}%.\n",
      to_string(first.action), format_fixed(first.confidence, 2),
      format_fixed(first.position_size, 2), format_fixed(first.stop_loss_pct, 2),
      format_fixed(first.take_profit_pct, 2));
  text += "Challenge it before it becomes final:\n";
  text += fmt::format(
      "1. Volume confirmation: volume is {}x its average. Does it confirm the move, or is the "
      "move on thin volume?\n",
      format_fixed(input.volume_ratio, 2));
  text += fmt::format(
      "2. Support and resistance near the close {}: below it {}; above it {}. How much room "
      "is there before the nearest level, and does it favour the trade?\n",
      format_price(input.price), level_list(input, true), level_list(input, false));
  text += fmt::format(
      "3. Downside: if the decision is wrong, what is the loss? ATR(14) is {}. Is the stop loss "
      "outside normal noise, and is the reward worth the risk?\n",
      atr_text(input));
  text +=
      "Then give your refined decision in the same JSON schema. Lower the confidence or the "
      "size, or change the action, if the challenge weakens the case; keep it if it holds. "
      "Answer with the decision JSON only.";
  return text;
}

}  // namespace autotrader::llm
