#include "tests/fakes/binance/rest_api.hpp"

#include <algorithm>

namespace autotrader::fakes::binance {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;

Reply json_reply(const nlohmann::json& body) {
  return {200, body.dump(), {}};
}

Reply error_reply(const ApiError& error) {
  return {error.status, error_body(error.code, error.msg), {}};
}

std::optional<std::string> param(const Params& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

const ApiError kInvalidSymbol{400, -1121, "Invalid symbol."};

}  // namespace

Params decode_query(std::string_view query) {
  Params params;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    params[std::move(name)] = std::move(value);
  }
  return params;
}

std::string error_body(int code, const std::string& msg) {
  return nlohmann::json{{"code", code}, {"msg", msg}}.dump();
}

Reply fault_reply(const Fault& fault) {
  auto retry_after = std::to_string(fault.retry_after.count());
  switch (fault.kind) {
    case FaultKind::too_many_requests:
      return {429,
              error_body(-1003,
                         "Too much request weight used; current limit is 6000 request weight per "
                         "1 MINUTE. Please use WebSocket Streams for live updates to avoid "
                         "polling the API."),
              {{"Retry-After", retry_after}}};
    case FaultKind::ip_banned:
      return {
          418,
          error_body(-1003, "Way too much request weight used; IP banned until " + retry_after +
                                " seconds from now. Please use WebSocket Streams for live updates "
                                "to avoid bans."),
          {{"Retry-After", retry_after}}};
    case FaultKind::server_error:
      return {
          fault.status,
          error_body(-1001, "Internal error; unable to process your request. Please try again."),
          {}};
    case FaultKind::malformed_body:
      return {200, R"({"serverTime":17000000)", {}};
    case FaultKind::invalid_timestamp:
      return {
          400, error_body(-1021, "Timestamp for this request is outside of the recvWindow."), {}};
    case FaultKind::drop_connection:
    case FaultKind::go_silent:
    case FaultKind::delay:
    case FaultKind::scripted_reply:
    case FaultKind::accept_then_timeout:
    case FaultKind::accept_then_server_error:
    case FaultKind::accept_then_drop:
    case FaultKind::order_rejected:
    case FaultKind::delayed_visibility:
      break;
  }
  return {500, error_body(-1000, "An unknown error occurred while processing the request."), {}};
}

void RestApi::set_klines(std::vector<core::Candle> candles, core::Symbol symbol,
                         core::Interval interval) {
  std::stable_sort(
      candles.begin(), candles.end(),
      [](const core::Candle& a, const core::Candle& b) { return a.open_time < b.open_time; });
  std::vector<core::Candle> unique;
  unique.reserve(candles.size());
  for (auto& c : candles) {
    if (!unique.empty() && unique.back().open_time == c.open_time) {
      unique.back() = c;
    } else {
      unique.push_back(c);
    }
  }
  klines_[{symbol.str(), interval}] = std::move(unique);
}

const std::vector<core::Candle>* RestApi::klines(core::Symbol symbol,
                                                 core::Interval interval) const {
  auto it = klines_.find({symbol.str(), interval});
  return it == klines_.end() ? nullptr : &it->second;
}

void RestApi::set_used_weight(int weight, core::TimestampMs now) {
  weight_minute_ = now / kMinuteMs;
  weight_used_ = weight;
}

int RestApi::used_weight(core::TimestampMs now) const {
  return now / kMinuteMs == weight_minute_ ? weight_used_ : 0;
}

void RestApi::set_exchange_info(nlohmann::json info) {
  exchange_info_ = std::move(info);
  signed_.exchange().set_rules(parse_symbol_rules(exchange_info_));
}

int RestApi::weight_of(std::string_view path, const Params& params, std::string_view method) {
  if (SignedApi::serves(path)) return SignedApi::weight_of(method, path, params);
  if (path == "/api/v3/exchangeInfo") return 20;
  if (path == "/api/v3/klines") return 2;
  if (path == "/api/v3/ticker/price") return params.count("symbol") ? 2 : 4;
  return 1;
}

bool RestApi::known_symbol(std::string_view symbol) const {
  if (const auto* symbols =
          exchange_info_.contains("symbols") ? &exchange_info_["symbols"] : nullptr) {
    for (const auto& entry : *symbols) {
      if (entry.value("symbol", "") == symbol) return true;
    }
  }
  return std::any_of(klines_.begin(), klines_.end(),
                     [&](const auto& entry) { return entry.first.first == symbol; });
}

Reply RestApi::handle(std::string_view method, std::string_view path, const Params& params,
                      core::TimestampMs now) {
  HttpCall call;
  call.method = std::string{method};
  call.path = std::string{path};
  call.params = params;
  return handle(call, now);
}

Reply RestApi::handle(const HttpCall& call, core::TimestampMs now) {
  const auto& method = call.method;
  const auto& path = call.path;
  const auto& params = call.params;
  int weight = weight_of(path, params, method);
  if (now / kMinuteMs != weight_minute_) {
    weight_minute_ = now / kMinuteMs;
    weight_used_ = 0;
  }
  if (weight_used_ + weight > weight_limit_) {
    auto seconds_left = (kMinuteMs - now % kMinuteMs + 999) / 1000;
    return fault_reply(Fault::too_many_requests(std::chrono::seconds{seconds_left}));
  }
  weight_used_ += weight;

  if (SignedApi::serves(path)) return signed_.handle(call, now);
  const bool get = method == "GET";
  if (path == "/api/v3/ping" && get) return json_reply(nlohmann::json::object());
  if (path == "/api/v3/time" && get) return json_reply({{"serverTime", now}});
  if (path == "/api/v3/exchangeInfo" && get) return exchange_info_reply(params, now);
  if (path == "/api/v3/klines" && get) return klines_reply(params, now);
  if (path == "/api/v3/ping" || path == "/api/v3/time" || path == "/api/v3/exchangeInfo" ||
      path == "/api/v3/klines") {
    return {405, error_body(-1000, "Method not allowed."), {}};
  }
  return {404, error_body(-1000, "Unknown endpoint: " + path), {}};
}

Reply RestApi::exchange_info_reply(const Params& params, core::TimestampMs now) const {
  nlohmann::json info = exchange_info_;
  info["serverTime"] = now;
  auto symbol = param(params, "symbol");
  auto symbols_text = param(params, "symbols");
  if (symbol && symbols_text) {
    return error_reply({400, -1128, "Combination of optional parameters invalid."});
  }
  if (!symbol && !symbols_text) return json_reply(info);

  std::vector<std::string> wanted;
  if (symbol) {
    wanted.push_back(*symbol);
  } else {
    auto list = nlohmann::json::parse(*symbols_text, nullptr, /*allow_exceptions=*/false);
    if (!list.is_array() || list.empty()) {
      return error_reply({400, -1100,
                          "Illegal characters found in parameter 'symbols'; legal range is "
                          "'^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'."});
    }
    for (const auto& entry : list) {
      if (!entry.is_string()) return error_reply(kInvalidSymbol);
      wanted.push_back(entry.get<std::string>());
    }
  }
  nlohmann::json selected = nlohmann::json::array();
  for (const auto& name : wanted) {
    auto& all = info["symbols"];
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const nlohmann::json& s) { return s.value("symbol", "") == name; });
    if (it == all.end()) return error_reply(kInvalidSymbol);
    selected.push_back(*it);
  }
  info["symbols"] = std::move(selected);
  return json_reply(info);
}

Reply RestApi::klines_reply(const Params& params, core::TimestampMs now) const {
  auto parsed = parse_klines_query(param(params, "symbol"), param(params, "interval"),
                                   param(params, "startTime"), param(params, "endTime"),
                                   param(params, "limit"));
  if (auto* error = std::get_if<ApiError>(&parsed)) return error_reply(*error);
  const auto& query = std::get<KlinesQuery>(parsed);
  if (!known_symbol(query.symbol)) return error_reply(kInvalidSymbol);
  nlohmann::json rows = nlohmann::json::array();
  auto symbol = core::Symbol::parse(query.symbol);
  const auto* candles = symbol ? klines(*symbol, query.interval) : nullptr;
  if (candles) {
    for (const auto& c : select_klines(*candles, query, now)) rows.push_back(kline_row(c));
  }
  return json_reply(rows);
}

}  // namespace autotrader::fakes::binance
