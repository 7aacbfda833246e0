#include "llm/technical.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace autotrader::llm {

namespace {

enum class Vote : std::uint8_t { none, buy, sell };

struct Signal {
  std::string name;  // short name used in the reasoning, e.g. "RSI oversold"
  double weight = 1;
  bool present = false;
  Vote vote = Vote::none;
  std::string factor;
};

constexpr double rsi_weight = 1;
constexpr double ma_weight = 1;
constexpr double trend_weight = 1;
constexpr double macd_weight = 0.5;
constexpr double total_weight = rsi_weight + ma_weight + trend_weight + macd_weight;

std::optional<double> usable(std::optional<double> value) {
  if (value && std::isfinite(*value)) return value;
  return std::nullopt;
}

// printf with a fixed format: the same text for the same numbers, whatever the stream state.
std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string fixed2(double value) {
  return format("%.2f", value);
}

double finite_or(double value, double fallback) {
  return std::isfinite(value) ? value : fallback;
}

double clamp_finite(double value, double low, double high) {
  return std::isfinite(value) ? std::clamp(value, low, high) : low;
}

Signal rsi_signal(const DecisionInput& input, const TechnicalOptions& options) {
  Signal signal{"RSI", rsi_weight, false, Vote::none, "RSI missing"};
  auto rsi = usable(input.rsi);
  if (!rsi || *rsi < 0 || *rsi > 100) return signal;
  signal.present = true;
  if (*rsi < options.rsi_oversold) {
    signal.vote = Vote::buy;
    signal.name = "RSI oversold";
    signal.factor = "RSI " + fixed2(*rsi) + " oversold (< " + fixed2(options.rsi_oversold) + ")";
  } else if (*rsi > options.rsi_overbought) {
    signal.vote = Vote::sell;
    signal.name = "RSI overbought";
    signal.factor =
        "RSI " + fixed2(*rsi) + " overbought (> " + fixed2(options.rsi_overbought) + ")";
  } else {
    signal.factor = "RSI " + fixed2(*rsi) + " neutral";
  }
  return signal;
}

Signal ma_signal(const DecisionInput& input, const TechnicalOptions& options) {
  Signal signal{"MA", ma_weight, false, Vote::none, "MA20/MA50 missing"};
  auto fast = usable(input.ma_short);
  auto slow = usable(input.ma_long);
  if (!fast || !slow || *fast <= 0 || *slow <= 0) return signal;
  signal.present = true;
  double spread_pct = (*fast - *slow) / *slow * 100;
  double band = finite_or(options.ma_neutral_band_pct, 0);
  if (spread_pct > band) {
    signal.vote = Vote::buy;
    signal.name = "MA20 above MA50";
    signal.factor = "MA20 above MA50 by " + fixed2(spread_pct) + "% (bullish alignment)";
  } else if (spread_pct < -band) {
    signal.vote = Vote::sell;
    signal.name = "MA20 below MA50";
    signal.factor = "MA20 below MA50 by " + fixed2(-spread_pct) + "% (bearish alignment)";
  } else {
    signal.factor = "MA20 within " + fixed2(band) + "% of MA50 (no alignment)";
  }
  return signal;
}

Signal trend_signal(const DecisionInput& input) {
  Signal signal{"trend", trend_weight, false, Vote::none, "trend unknown"};
  if (input.trend == "up") {
    signal = {"trend up", trend_weight, true, Vote::buy, "trend up"};
  } else if (input.trend == "down") {
    signal = {"trend down", trend_weight, true, Vote::sell, "trend down"};
  } else if (input.trend == "sideways") {
    signal = {"trend sideways", trend_weight, true, Vote::none, "trend sideways"};
  }
  return signal;
}

Signal macd_signal(const DecisionInput& input) {
  Signal signal{"MACD", macd_weight, false, Vote::none, "MACD histogram missing"};
  auto histogram = usable(input.macd_histogram);
  if (!histogram) return signal;
  signal.present = true;
  std::string value = format("%+.4g", *histogram);
  if (*histogram > 0) {
    signal.vote = Vote::buy;
    signal.name = "MACD histogram positive";
    signal.factor = "MACD histogram " + value + " (bullish)";
  } else if (*histogram < 0) {
    signal.vote = Vote::sell;
    signal.name = "MACD histogram negative";
    signal.factor = "MACD histogram " + value + " (bearish)";
  } else {
    signal.factor = "MACD histogram 0 (flat)";
  }
  return signal;
}

// The confidence adjustment from volume, and its factor.
double volume_adjustment(const DecisionInput& input, const TechnicalOptions& options,
                         std::vector<std::string>& factors) {
  double ratio = input.volume_ratio;
  if (!std::isfinite(ratio) || ratio < 0) {
    factors.emplace_back("volume ratio missing");
    return 0;
  }
  std::string text = "volume " + fixed2(ratio) + "x average";
  if (ratio >= options.volume_confirms) {
    factors.push_back(text + " (confirms)");
    return 0.1;
  }
  if (ratio < options.volume_thin) {
    factors.push_back(text + " (thin)");
    return -0.1;
  }
  factors.push_back(text + " (normal)");
  return 0;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += ", ";
    out += part;
  }
  return out;
}

// Stop, target and size for a BUY or SELL at this confidence.
void size_position(const DecisionInput& input, const TechnicalOptions& options,
                   Decision& decision) {
  auto atr = usable(input.atr);
  if (atr && *atr > 0) {
    double atr_pct = *atr / input.price * 100;
    double stop = clamp_finite(options.atr_stop_multiple * atr_pct, options.min_stop_loss_pct,
                               options.max_stop_loss_pct);
    decision.stop_loss_pct = stop;
    decision.take_profit_pct = std::min(options.reward_risk * stop, options.max_take_profit_pct);
    double size = stop > 0 ? std::min(options.max_position_size, options.risk_per_trade_pct / stop)
                           : options.max_position_size;
    decision.position_size = size * decision.confidence;
    decision.factors.push_back("ATR " + fixed2(atr_pct) + "% of price: stop " +
                               fixed2(decision.stop_loss_pct) + "%, take profit " +
                               fixed2(decision.take_profit_pct) + "%");
  } else {
    decision.stop_loss_pct = options.default_stop_loss_pct;
    decision.take_profit_pct = options.default_take_profit_pct;
    decision.position_size = options.max_position_size * decision.confidence * 0.5;
    decision.factors.push_back("ATR missing: default stop " + fixed2(decision.stop_loss_pct) +
                               "%, take profit " + fixed2(decision.take_profit_pct) +
                               "%, half size");
  }
}

nlohmann::json optional_number(std::optional<double> value) {
  if (value && std::isfinite(*value)) return *value;
  return nullptr;
}

nlohmann::json input_json(const DecisionInput& input) {
  return nlohmann::json{
      {"symbol", input.symbol},
      {"interval", input.interval},
      {"price", optional_number(input.price)},
      {"rsi", optional_number(input.rsi)},
      {"ma_short", optional_number(input.ma_short)},
      {"ma_long", optional_number(input.ma_long)},
      {"atr", optional_number(input.atr)},
      {"macd_histogram", optional_number(input.macd_histogram)},
      {"trend", input.trend},
      {"volume_ratio", optional_number(input.volume_ratio)},
      {"as_of_ms", input.as_of_ms},
  };
}

nlohmann::json decision_json(const Decision& decision) {
  return nlohmann::json{
      {"action", to_string(decision.action)},
      {"confidence", decision.confidence},
      {"reasoning", decision.reasoning},
      {"factors", decision.factors},
      {"position_size", decision.position_size},
      {"stop_loss_pct", decision.stop_loss_pct},
      {"take_profit_pct", decision.take_profit_pct},
  };
}

// The decision from the signals, before the transcript.
Decision decide(const DecisionInput& input, const TechnicalOptions& options) {
  Decision decision;
  std::vector<Signal> signals{rsi_signal(input, options), ma_signal(input, options),
                              trend_signal(input), macd_signal(input)};
  for (const auto& signal : signals) decision.factors.push_back(signal.factor);
  double volume_adj = volume_adjustment(input, options, decision.factors);

  double present_weight = 0;
  double buy_weight = 0;
  double sell_weight = 0;
  std::vector<std::string> buys;
  std::vector<std::string> sells;
  for (const auto& signal : signals) {
    if (!signal.present) continue;
    present_weight += signal.weight;
    if (signal.vote == Vote::buy) {
      buy_weight += signal.weight;
      buys.push_back(signal.name);
    } else if (signal.vote == Vote::sell) {
      sell_weight += signal.weight;
      sells.push_back(signal.name);
    }
  }
  double hold_confidence = 0.5 * present_weight / total_weight;
  auto hold = [&](std::string why) {
    decision.action = Action::hold;
    decision.confidence = hold_confidence;
    decision.reasoning = "HOLD: " + std::move(why) + ".";
  };

  if (!std::isfinite(input.price) || input.price <= 0) {
    decision.factors.insert(decision.factors.begin(), "price missing or invalid");
    hold_confidence = 0;
    hold("no usable price");
    return decision;
  }
  if (!buys.empty() && !sells.empty()) {
    hold("signals disagree (buy: " + join(buys) + "; sell: " + join(sells) + ")");
    return decision;
  }
  bool buying = !buys.empty();
  const auto& agreeing = buying ? buys : sells;
  int needed = std::max(options.min_agreeing_votes, 1);
  if (static_cast<int>(agreeing.size()) < needed) {
    hold(std::to_string(agreeing.size()) + " signal(s) agree, " + std::to_string(needed) +
         " needed");
    return decision;
  }

  double agreement = (buying ? buy_weight : sell_weight) / total_weight;
  double confidence = std::min(0.3 + 0.5 * agreement + volume_adj, options.max_confidence);
  if (!(confidence >= options.min_action_confidence)) {
    hold(std::string(buying ? "BUY" : "SELL") + " signals too weak (confidence " +
         fixed2(confidence) + " < " + fixed2(options.min_action_confidence) + ")");
    return decision;
  }
  decision.action = buying ? Action::buy : Action::sell;
  decision.confidence = confidence;
  decision.reasoning = std::string(to_string(decision.action)) + ": " +
                       std::to_string(agreeing.size()) + " signals agree and none against (" +
                       join(agreeing) + ")";
  if (volume_adj > 0) decision.reasoning += "; volume confirms";
  if (volume_adj < 0) decision.reasoning += "; volume is thin";
  decision.reasoning += "; confidence " + fixed2(confidence) + ".";
  size_position(input, options, decision);
  return decision;
}

}  // namespace

Decision technical_decision(const DecisionInput& input, const TechnicalOptions& options) {
  Decision decision = decide(input, options);
  // Whatever the options were, the answer stays inside the ranges a Decision promises.
  decision.confidence = clamp_finite(decision.confidence, 0, 1);
  decision.position_size = clamp_finite(decision.position_size, 0, 1);
  decision.stop_loss_pct = clamp_finite(decision.stop_loss_pct, 0, 50);
  decision.take_profit_pct = clamp_finite(decision.take_profit_pct, 0, 100);
  decision.provider = std::string{technical_provider_name};
  decision.model = std::string{technical_model_name};

  TranscriptTurn turn;
  turn.phase = "technical";
  // Replace, not throw, should a symbol ever hold bytes that are not UTF-8.
  constexpr auto replace = nlohmann::json::error_handler_t::replace;
  turn.prompt = input_json(input).dump(-1, ' ', false, replace);
  turn.answer = decision_json(decision).dump(-1, ' ', false, replace);
  decision.transcript.push_back(std::move(turn));
  return decision;
}

}  // namespace autotrader::llm
