#include "tests/fakes/binance/state.hpp"

#include <algorithm>

#include "tests/fakes/binance/exchange_json.hpp"

namespace autotrader::fakes::binance {

bool path_matches(const std::string& key, const std::string& path) {
  if (!key.empty() && key.back() == '*') {
    return path.compare(0, key.size() - 1, key, 0, key.size() - 1) == 0;
  }
  return key == path;
}

core::TimestampMs State::now() const {
  std::lock_guard lock{mutex_};
  return now_;
}

core::TimestampMs State::server_time() const {
  std::lock_guard lock{mutex_};
  return now_ + skew_.count();
}

void State::set_time(core::TimestampMs now) {
  std::lock_guard lock{mutex_};
  now_ = now;
}

void State::set_skew(std::chrono::milliseconds skew) {
  std::lock_guard lock{mutex_};
  skew_ = skew;
}

Decision State::decide(const std::string& path) {
  std::lock_guard lock{mutex_};
  for (auto& [key, queue] : one_shot_) {
    if (queue.empty() || !path_matches(key, path)) continue;
    Fault fault = queue.front();
    queue.pop_front();
    ++fault_counts_[static_cast<std::size_t>(fault.kind)];
    return {fault, std::nullopt};
  }
  for (const auto& [key, script] : scripts_) {
    if (!path_matches(key, path)) continue;
    if (script.reply) {
      ++fault_counts_[static_cast<std::size_t>(FaultKind::scripted_reply)];
      return {std::nullopt, script.reply};
    }
    ++fault_counts_[static_cast<std::size_t>(script.fault->kind)];
    return {script.fault, std::nullopt};
  }
  return {};
}

void State::fail_next(std::string path, Fault fault, std::size_t times) {
  std::lock_guard lock{mutex_};
  auto& queue = one_shot_[std::move(path)];
  for (std::size_t i = 0; i < times; ++i) queue.push_back(fault);
}

void State::set_script(std::string path, Fault fault) {
  std::lock_guard lock{mutex_};
  scripts_[std::move(path)] = Script{fault, std::nullopt};
}

void State::set_script(std::string path, Reply reply) {
  std::lock_guard lock{mutex_};
  scripts_[std::move(path)] = Script{std::nullopt, std::move(reply)};
}

void State::clear_script(const std::string& path) {
  std::lock_guard lock{mutex_};
  scripts_.erase(path);
}

void State::clear_scripts() {
  std::lock_guard lock{mutex_};
  scripts_.clear();
  one_shot_.clear();
  api_.signed_api().clear_order_faults();
}

void State::set_event_sink(EventSink sink) {
  std::lock_guard lock{mutex_};
  event_sink_ = std::move(sink);
}

void State::flush_events_locked() {
  auto events = api_.signed_api().exchange().take_events();
  if (!events.empty() && event_sink_) event_sink_(std::move(events));
}

void State::count(FaultKind kind, std::size_t n) {
  std::lock_guard lock{mutex_};
  fault_counts_[static_cast<std::size_t>(kind)] += n;
}

std::size_t State::fault_count(FaultKind kind) const {
  std::lock_guard lock{mutex_};
  return fault_counts_[static_cast<std::size_t>(kind)];
}

std::size_t State::faults_total() const {
  std::lock_guard lock{mutex_};
  std::size_t total = 0;
  for (auto n : fault_counts_) total += n;
  return total;
}

std::pair<Reply, int> State::rest(const HttpCall& call) {
  std::lock_guard lock{mutex_};
  auto time = now_ + skew_.count();
  auto reply = api_.handle(call, time);
  for (auto kind : reply.faults) ++fault_counts_[static_cast<std::size_t>(kind)];
  flush_events_locked();
  return {std::move(reply), api_.used_weight(time)};
}

std::string State::ws_api(std::string_view text, WsApiSession& session) {
  std::lock_guard lock{mutex_};
  auto time = now_ + skew_.count();
  return handle_ws_api_request(text, session, api_.signed_api(), time, api_.used_weight(time));
}

std::optional<Decimal> State::price_from_double_locked(const std::string& symbol,
                                                       double value) const {
  auto price = Decimal::from_double(value, 8, core::Rounding::half_even);
  if (!price) return std::nullopt;
  if (const auto* rules = api_.signed_api().exchange().rules(symbol)) {
    return round_to_step(*price, rules->tick_size, core::Rounding::half_even);
  }
  return price;
}

std::optional<Decimal> State::price_from_double(const std::string& symbol, double value) const {
  std::lock_guard lock{mutex_};
  return price_from_double_locked(symbol, value);
}

void State::publish_prices_at(core::TimestampMs now, bool only_unpriced) {
  std::lock_guard lock{mutex_};
  std::string last_symbol;
  auto& exchange = api_.signed_api().exchange();
  for (const auto& [key, candles] : api_.all_klines()) {
    if (key.first == last_symbol) continue;  // a smaller interval of this symbol came first
    if (only_unpriced && exchange.price(key.first)) continue;
    auto it = std::find_if(candles.begin(), candles.end(), [&](const core::Candle& c) {
      return c.open_time <= now && now <= c.close_time;
    });
    if (it == candles.end()) continue;
    last_symbol = key.first;
    if (auto price = price_from_double_locked(key.first, it->close)) {
      exchange.set_price(key.first, *price, now + skew_.count());
    }
  }
  flush_events_locked();
}

void State::set_price(const std::string& symbol, const Decimal& price) {
  std::lock_guard lock{mutex_};
  api_.signed_api().exchange().set_price(symbol, price, now_ + skew_.count());
  flush_events_locked();
}

std::optional<Decimal> State::price(const std::string& symbol) const {
  std::lock_guard lock{mutex_};
  return api_.signed_api().exchange().price(symbol);
}

void State::set_balance(const std::string& asset, const Decimal& free) {
  std::lock_guard lock{mutex_};
  api_.signed_api().exchange().set_balance(asset, free);
}

void State::fail_next_orders(OrderFault fault, std::size_t times) {
  std::lock_guard lock{mutex_};
  api_.signed_api().fail_next_orders(fault, times);
}

nlohmann::json State::orders_json(bool open_only) const {
  std::lock_guard lock{mutex_};
  auto out = nlohmann::json::array();
  for (const auto& order : api_.signed_api().exchange().orders()) {
    if (!open_only || order.open()) out.push_back(order_json(order));
  }
  return out;
}

nlohmann::json State::trades_json() const {
  std::lock_guard lock{mutex_};
  auto out = nlohmann::json::array();
  for (const auto& fill : api_.signed_api().exchange().fills()) out.push_back(trade_json(fill));
  return out;
}

nlohmann::json State::balances_json() const {
  std::lock_guard lock{mutex_};
  auto out = nlohmann::json::object();
  for (const auto& [asset, balance] : api_.signed_api().exchange().balances()) {
    out[asset] = {{"free", decimal_text(balance.free)}, {"locked", decimal_text(balance.locked)}};
  }
  return out;
}

nlohmann::json State::order_lists_json() const {
  std::lock_guard lock{mutex_};
  const auto& exchange = api_.signed_api().exchange();
  auto out = nlohmann::json::array();
  for (const auto& list : exchange.order_lists()) {
    out.push_back(order_list_json(list, exchange.list_orders(list), ListReports::none,
                                  list.transaction_time));
  }
  return out;
}

int State::used_weight() const {
  std::lock_guard lock{mutex_};
  return api_.used_weight(now_ + skew_.count());
}

void State::set_used_weight(int weight) {
  std::lock_guard lock{mutex_};
  api_.set_used_weight(weight, now_ + skew_.count());
}

void State::set_weight_limit(int limit) {
  std::lock_guard lock{mutex_};
  api_.set_weight_limit(limit);
}

void State::set_exchange_info(nlohmann::json info) {
  std::lock_guard lock{mutex_};
  api_.set_exchange_info(std::move(info));
}

void State::set_klines(core::Symbol symbol, core::Interval interval,
                       std::vector<core::Candle> candles) {
  std::lock_guard lock{mutex_};
  api_.set_klines(std::move(candles), symbol, interval);
}

std::vector<std::pair<std::string, nlohmann::json>> State::events_between(
    core::TimestampMs from, core::TimestampMs to) const {
  std::lock_guard lock{mutex_};
  std::vector<std::pair<std::string, nlohmann::json>> events;
  if (to <= from) return events;
  for (const auto& [key, candles] : api_.all_klines()) {
    if (candles.empty()) continue;
    auto stream = kline_stream_name(candles.front().symbol, key.second);
    for (const auto& c : candles) {
      if (c.close_time >= from && c.close_time < to) {
        events.emplace_back(stream, kline_event(c, c.close_time + 1, true));
      } else if (c.open_time <= to && to <= c.close_time) {
        events.emplace_back(stream, kline_event(c, to, false));
      }
    }
  }
  return events;
}

void State::record(RecordedRequest request) {
  {
    std::lock_guard lock{mutex_};
    request.server_time = now_ + skew_.count();
    requests_.push_back(std::move(request));
  }
  changed_.notify_all();
}

std::vector<RecordedRequest> State::requests() const {
  std::lock_guard lock{mutex_};
  return requests_;
}

template <typename Predicate>
bool State::wait(std::chrono::milliseconds timeout, Predicate predicate) const {
  std::unique_lock lock{mutex_};
  return changed_.wait_for(lock, timeout, predicate);
}

bool State::wait_for_requests(std::string_view path, std::size_t count,
                              std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] {
    return static_cast<std::size_t>(
               std::count_if(requests_.begin(), requests_.end(),
                             [&](const RecordedRequest& r) { return r.path == path; })) >= count;
  });
}

void State::clear_records() {
  std::lock_guard lock{mutex_};
  requests_.clear();
  ws_messages_.clear();
}

void State::ws_opened(WsConnectionInfo info) {
  {
    std::lock_guard lock{mutex_};
    connections_[info.id] = std::move(info);
  }
  changed_.notify_all();
}

void State::ws_changed(std::uint64_t id, bool combined, std::vector<std::string> streams) {
  {
    std::lock_guard lock{mutex_};
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    it->second.combined = combined;
    it->second.streams = std::move(streams);
  }
  changed_.notify_all();
}

void State::ws_silenced(std::uint64_t id) {
  {
    std::lock_guard lock{mutex_};
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second.silent = true;
  }
  changed_.notify_all();
}

void State::ws_closed(std::uint64_t id) {
  {
    std::lock_guard lock{mutex_};
    connections_.erase(id);
  }
  changed_.notify_all();
}

void State::ws_user_data(std::uint64_t id, std::optional<std::int64_t> subscription) {
  {
    std::lock_guard lock{mutex_};
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second.user_data_subscription = subscription;
  }
  changed_.notify_all();
}

void State::ws_message(std::uint64_t id, std::string text) {
  {
    std::lock_guard lock{mutex_};
    ws_messages_.push_back({id, std::move(text)});
  }
  changed_.notify_all();
}

void State::ws_ping_sent() {
  std::lock_guard lock{mutex_};
  ++pings_sent_;
}

void State::ws_pong(std::uint64_t id) {
  {
    std::lock_guard lock{mutex_};
    ++pongs_received_;
    auto it = connections_.find(id);
    if (it != connections_.end()) ++it->second.pongs_received;
  }
  changed_.notify_all();
}

std::size_t State::connection_count_locked() const {
  return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                [](const auto& c) { return !c.second.silent; }));
}

std::size_t State::ws_connection_count() const {
  std::lock_guard lock{mutex_};
  return connection_count_locked();
}

std::vector<WsConnectionInfo> State::ws_connections() const {
  std::lock_guard lock{mutex_};
  std::vector<WsConnectionInfo> out;
  for (const auto& [id, info] : connections_) out.push_back(info);
  return out;
}

std::vector<RecordedWsMessage> State::ws_messages() const {
  std::lock_guard lock{mutex_};
  return ws_messages_;
}

std::size_t State::ws_pings_sent() const {
  std::lock_guard lock{mutex_};
  return pings_sent_;
}

std::size_t State::ws_pongs_received() const {
  std::lock_guard lock{mutex_};
  return pongs_received_;
}

bool State::wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] { return connection_count_locked() >= count; });
}

bool State::wait_until_subscribed(const std::string& stream,
                                  std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] {
    return std::any_of(connections_.begin(), connections_.end(), [&](const auto& c) {
      const auto& streams = c.second.streams;
      return !c.second.silent && std::find(streams.begin(), streams.end(), stream) != streams.end();
    });
  });
}

bool State::wait_for_messages(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] { return ws_messages_.size() >= count; });
}

bool State::wait_for_pongs(std::size_t count, std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] { return pongs_received_ >= count; });
}

bool State::wait_for_no_connections(std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] { return connections_.empty(); });
}

bool State::wait_for_user_data_subscription(std::chrono::milliseconds timeout) const {
  return wait(timeout, [&] {
    return std::any_of(connections_.begin(), connections_.end(), [](const auto& c) {
      return !c.second.silent && c.second.user_data_subscription.has_value();
    });
  });
}

}  // namespace autotrader::fakes::binance
