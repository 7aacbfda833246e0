#include "risk/state.hpp"

#include <array>
#include <cstdio>

#include "core/calendar.hpp"

namespace autotrader::risk {

namespace {

constexpr std::array<std::string_view, 3> state_names{"ACTIVE", "REDUCING", "HALTED"};
constexpr std::array<std::string_view, 5> cause_names{"none", "daily_loss", "operator_halt",
                                                      "max_drawdown", "kill_switch"};

using core::days_from_civil;

bool fail(std::string* error, std::string message) {
  if (error != nullptr) {
    *error = std::move(message);
  }
  return false;
}

nlohmann::json decimal_json(const std::optional<core::Decimal>& value) {
  return value ? nlohmann::json(value->to_string()) : nlohmann::json(nullptr);
}

bool read_decimal(const nlohmann::json& json, const char* key, std::optional<core::Decimal>& out,
                  std::string* error) {
  const auto it = json.find(key);
  if (it == json.end() || it->is_null()) {
    out.reset();
    return true;
  }
  if (!it->is_string()) {
    return fail(error, std::string{key} + " must be a decimal string or null");
  }
  out = core::Decimal::parse(it->get_ref<const std::string&>());
  if (!out) {
    return fail(error, std::string{key} + " is not a decimal");
  }
  return true;
}

}  // namespace

std::string_view to_string(TradingState state) {
  const auto index = static_cast<std::size_t>(state);
  return index < state_names.size() ? state_names[index] : "UNKNOWN";
}

std::optional<TradingState> parse_trading_state(std::string_view text) {
  for (std::size_t i = 0; i < state_names.size(); ++i) {
    if (state_names[i] == text) {
      return static_cast<TradingState>(i);
    }
  }
  return std::nullopt;
}

std::string_view to_string(HaltCause cause) {
  const auto index = static_cast<std::size_t>(cause);
  return index < cause_names.size() ? cause_names[index] : "unknown";
}

std::optional<HaltCause> parse_halt_cause(std::string_view text) {
  for (std::size_t i = 0; i < cause_names.size(); ++i) {
    if (cause_names[i] == text) {
      return static_cast<HaltCause>(i);
    }
  }
  return std::nullopt;
}

std::int64_t trading_day(TimePoint time, std::chrono::minutes utc_offset) {
  const auto local = std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()) +
                     std::chrono::duration_cast<std::chrono::seconds>(utc_offset);
  constexpr std::int64_t seconds_per_day = 86'400;
  const std::int64_t s = local.count();
  // Floor division: an instant before 1970 still belongs to the day it falls in.
  return s >= 0 ? s / seconds_per_day : -((-s + seconds_per_day - 1) / seconds_per_day);
}

std::string day_to_string(std::int64_t day) {
  const auto date = core::civil_from_days(day);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(date.year),
                date.month, date.day);
  return text;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int fields[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (std::size_t i = 0; i < lengths[f]; ++i) {
      const char c = text[starts[f] + i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      fields[f] = fields[f] * 10 + (c - '0');
    }
  }
  const auto m = static_cast<unsigned>(fields[1]);
  const auto d = static_cast<unsigned>(fields[2]);
  if (m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  const std::int64_t day = days_from_civil(fields[0], m, d);
  // Round-tripping rejects dates that do not exist (2026-02-30).
  if (day_to_string(day) != text) {
    return std::nullopt;
  }
  return day;
}

TradingState RiskState::trading_state() const {
  if (halt_cause != HaltCause::none) {
    return TradingState::halted;
  }
  return reducing ? TradingState::reducing : TradingState::active;
}

bool operator==(const RiskState& a, const RiskState& b) {
  return a.halt_cause == b.halt_cause && a.halt_message == b.halt_message &&
         a.reducing == b.reducing && a.day == b.day && a.day_start_equity == b.day_start_equity &&
         a.equity_peak == b.equity_peak && a.last_equity == b.last_equity &&
         a.recent_outcomes == b.recent_outcomes;
}

nlohmann::json state_to_json(const RiskState& state) {
  nlohmann::json outcomes = nlohmann::json::array();
  for (const bool won : state.recent_outcomes) {
    outcomes.push_back(won);
  }
  return {
      {"trading_state", std::string{to_string(state.trading_state())}},
      {"reducing", state.reducing},
      {"halt_cause", std::string{to_string(state.halt_cause)}},
      {"halt_message", state.halt_message},
      {"day", state.day ? nlohmann::json(day_to_string(*state.day)) : nlohmann::json(nullptr)},
      {"day_start_equity", decimal_json(state.day_start_equity)},
      {"equity_peak", decimal_json(state.equity_peak)},
      {"last_equity", decimal_json(state.last_equity)},
      {"recent_outcomes", std::move(outcomes)},
  };
}

std::optional<RiskState> state_from_json(const nlohmann::json& json, std::string* error) {
  if (!json.is_object()) {
    fail(error, "the risk state must be a JSON object");
    return std::nullopt;
  }
  RiskState state;
  const auto cause = json.find("halt_cause");
  if (cause == json.end() || !cause->is_string()) {
    fail(error, "halt_cause must be a string");
    return std::nullopt;
  }
  const auto parsed_cause = parse_halt_cause(cause->get_ref<const std::string&>());
  if (!parsed_cause) {
    fail(error, "halt_cause is not a known cause");
    return std::nullopt;
  }
  state.halt_cause = *parsed_cause;

  const auto reducing = json.find("reducing");
  if (reducing == json.end() || !reducing->is_boolean()) {
    fail(error, "reducing must be a boolean");
    return std::nullopt;
  }
  state.reducing = reducing->get<bool>();

  const auto message = json.find("halt_message");
  if (message != json.end() && !message->is_null()) {
    if (!message->is_string()) {
      fail(error, "halt_message must be a string");
      return std::nullopt;
    }
    state.halt_message = message->get<std::string>();
  }

  const auto day = json.find("day");
  if (day != json.end() && !day->is_null()) {
    if (!day->is_string()) {
      fail(error, "day must be a YYYY-MM-DD string or null");
      return std::nullopt;
    }
    state.day = parse_day(day->get_ref<const std::string&>());
    if (!state.day) {
      fail(error, "day is not a YYYY-MM-DD date");
      return std::nullopt;
    }
  }

  if (!read_decimal(json, "day_start_equity", state.day_start_equity, error) ||
      !read_decimal(json, "equity_peak", state.equity_peak, error) ||
      !read_decimal(json, "last_equity", state.last_equity, error)) {
    return std::nullopt;
  }

  const auto outcomes = json.find("recent_outcomes");
  if (outcomes != json.end() && !outcomes->is_null()) {
    if (!outcomes->is_array()) {
      fail(error, "recent_outcomes must be an array of booleans");
      return std::nullopt;
    }
    for (const auto& outcome : *outcomes) {
      if (!outcome.is_boolean()) {
        fail(error, "recent_outcomes must be an array of booleans");
        return std::nullopt;
      }
      state.recent_outcomes.push_back(outcome.get<bool>());
    }
  }

  const auto written = json.find("trading_state");
  if (written != json.end() && !written->is_null()) {
    if (!written->is_string() ||
        parse_trading_state(written->get_ref<const std::string&>()) != state.trading_state()) {
      fail(error, "trading_state disagrees with halt_cause and reducing");
      return std::nullopt;
    }
  }
  return state;
}

}  // namespace autotrader::risk
