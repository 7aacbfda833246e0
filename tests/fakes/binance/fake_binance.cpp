#include "tests/fakes/binance/fake_binance.hpp"

#include <cassert>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/fakes/binance/server.hpp"
#include "tests/fakes/binance/state.hpp"

#ifndef AUTOTRADER_FAKE_BINANCE_FIXTURES
#error "AUTOTRADER_FAKE_BINANCE_FIXTURES must name tests/fixtures/binance"
#endif

namespace autotrader::fakes::binance {

std::filesystem::path default_exchange_info_file() {
  return std::filesystem::path{AUTOTRADER_FAKE_BINANCE_FIXTURES} / "exchange_info.json";
}

class FakeBinance::Impl {
 public:
  explicit Impl(FakeBinanceOptions options)
      : options_(std::move(options)),
        state_(options_.start_time,
               AccountOptions{options_.api_key, options_.api_secret, options_.balances,
                              options_.commission_rate, options_.market_fill_parts}),
        server_(state_, options_) {}

  // Sends a stream event to every connection subscribed to `stream`.
  void publish(const std::string& stream, const nlohmann::json& payload) {
    server_.for_each_ws([&](WsSessionBase& session) {
      const auto& subscriptions = session.subscriptions();
      if (subscriptions.contains(stream)) session.send_text(subscriptions.frame(stream, payload));
    });
  }

  const FakeBinanceOptions options_;
  State state_;
  Server server_;
  bool exchange_info_loaded_ = false;
  std::int64_t next_trade_id_ = 1;  // ids of the trades set_price() publishes
};

FakeBinance::FakeBinance(FakeBinanceOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))), ws_(*this) {}

FakeBinance::~FakeBinance() {
  stop();
}

std::optional<std::string> FakeBinance::start() {
  if (!impl_->exchange_info_loaded_) {
    const auto& file = impl_->options_.exchange_info_file;
    std::ifstream in{file};
    if (!in) return "cannot read " + file.string();
    auto info = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!info.is_object()) return file.string() + " is not a JSON object";
    impl_->state_.set_exchange_info(std::move(info));
    impl_->exchange_info_loaded_ = true;
  }
  return impl_->server_.start();
}

void FakeBinance::stop() {
  impl_->server_.stop();
}

std::uint16_t FakeBinance::port() const {
  return impl_->server_.port();
}

bool FakeBinance::tls() const {
  return impl_->options_.tls.has_value();
}

std::string FakeBinance::rest_base_url() const {
  return std::string{tls() ? "https" : "http"} + "://127.0.0.1:" + std::to_string(port());
}

std::string FakeBinance::ws_base_url() const {
  return std::string{tls() ? "wss" : "ws"} + "://127.0.0.1:" + std::to_string(port());
}

core::TimestampMs FakeBinance::now() const {
  return impl_->state_.now();
}

void FakeBinance::set_time(core::TimestampMs now) {
  impl_->state_.set_time(now);
}

void FakeBinance::set_clock_skew(std::chrono::milliseconds skew) {
  impl_->state_.set_skew(skew);
}

void FakeBinance::advance_to(core::TimestampMs now) {
  auto from = impl_->state_.now();
  if (now <= from) return;
  auto events = impl_->state_.events_between(from, now);
  impl_->state_.set_time(now);
  impl_->state_.publish_prices_at(now);
  if (events.empty()) return;
  impl_->server_.for_each_ws([&](WsSessionBase& session) {
    const auto& subscriptions = session.subscriptions();
    for (const auto& [stream, payload] : events) {
      if (subscriptions.contains(stream)) session.send_text(subscriptions.frame(stream, payload));
    }
  });
}

void FakeBinance::set_klines(core::Symbol symbol, core::Interval interval,
                             std::vector<core::Candle> candles) {
  impl_->state_.set_klines(symbol, interval, std::move(candles));
  impl_->state_.publish_prices_at(impl_->state_.now(), /*only_unpriced=*/true);
}

void FakeBinance::set_exchange_info(std::string json) {
  auto info = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  assert(info.is_object() && "set_exchange_info needs a JSON object");
  impl_->state_.set_exchange_info(std::move(info));
  impl_->exchange_info_loaded_ = true;
}

void FakeBinance::set_weight_limit(int limit) {
  impl_->state_.set_weight_limit(limit);
}
void FakeBinance::set_used_weight(int weight) {
  impl_->state_.set_used_weight(weight);
}
int FakeBinance::used_weight() const {
  return impl_->state_.used_weight();
}

void FakeBinance::publish_kline(const core::Candle& candle) {
  auto& state = impl_->state_;
  if (auto price = state.price_from_double(candle.symbol.str(), candle.close)) {
    state.set_price(candle.symbol.str(), *price);
  }
  impl_->publish(kline_stream_name(candle.symbol, candle.interval),
                 kline_event(candle, state.now(), candle.closed));
}

void FakeBinance::publish_trade(const core::Trade& trade) {
  auto& state = impl_->state_;
  if (auto price = state.price_from_double(trade.symbol.str(), trade.price)) {
    state.set_price(trade.symbol.str(), *price);
  }
  impl_->publish(trade_stream_name(trade.symbol), trade_event(trade, state.now()));
}

std::optional<core::Decimal> FakeBinance::price(const std::string& symbol) const {
  return impl_->state_.price(symbol);
}

void FakeBinance::set_price(core::Symbol symbol, core::Decimal price) {
  auto& state = impl_->state_;
  state.set_price(symbol.str(), price);
  core::Trade trade;
  trade.symbol = symbol;
  trade.time = state.now();
  trade.id = impl_->next_trade_id_++;
  trade.price = price.to_double();
  trade.quantity = 1;
  impl_->publish(trade_stream_name(symbol), trade_event(trade, state.now()));
}

void FakeBinance::set_balance(const std::string& asset, core::Decimal free) {
  impl_->state_.set_balance(asset, free);
}

nlohmann::json FakeBinance::orders() const {
  return impl_->state_.orders_json(false);
}
nlohmann::json FakeBinance::open_orders() const {
  return impl_->state_.orders_json(true);
}
nlohmann::json FakeBinance::trades() const {
  return impl_->state_.trades_json();
}
nlohmann::json FakeBinance::balances() const {
  return impl_->state_.balances_json();
}
nlohmann::json FakeBinance::order_lists() const {
  return impl_->state_.order_lists_json();
}

void FakeBinance::fail_next_orders(OrderFault fault, std::size_t times) {
  impl_->state_.fail_next_orders(fault, times);
}

void FakeBinance::fail_next(std::string path, Fault fault, std::size_t times) {
  impl_->state_.fail_next(std::move(path), fault, times);
}

void FakeBinance::clear_scripts() {
  impl_->state_.clear_scripts();
}

std::size_t FakeBinance::fault_count(FaultKind kind) const {
  return impl_->state_.fault_count(kind);
}

std::size_t FakeBinance::faults_total() const {
  return impl_->state_.faults_total();
}

std::vector<RecordedRequest> FakeBinance::requests() const {
  return impl_->state_.requests();
}

std::vector<RecordedRequest> FakeBinance::requests_to(std::string_view path) const {
  std::vector<RecordedRequest> out;
  for (auto& r : impl_->state_.requests()) {
    if (r.path == path) out.push_back(std::move(r));
  }
  return out;
}

bool FakeBinance::wait_for_requests(std::string_view path, std::size_t count,
                                    std::chrono::milliseconds timeout) const {
  return impl_->state_.wait_for_requests(path, count, timeout);
}

void FakeBinance::clear_records() {
  impl_->state_.clear_records();
}

void RouteScript::reply(int status, std::string body, HeaderList headers) {
  fake_.impl_->state_.set_script(path_, Reply{status, std::move(body), std::move(headers)});
}

void RouteScript::fault(Fault fault) {
  fake_.impl_->state_.set_script(path_, fault);
}

void RouteScript::clear() {
  fake_.impl_->state_.clear_script(path_);
}

// --- WsControl ---

std::size_t WsControl::connection_count() const {
  return fake_.impl_->state_.ws_connection_count();
}
std::vector<WsConnectionInfo> WsControl::connections() const {
  return fake_.impl_->state_.ws_connections();
}
std::vector<RecordedWsMessage> WsControl::messages() const {
  return fake_.impl_->state_.ws_messages();
}
std::size_t WsControl::pings_sent() const {
  return fake_.impl_->state_.ws_pings_sent();
}
std::size_t WsControl::pongs_received() const {
  return fake_.impl_->state_.ws_pongs_received();
}

bool WsControl::wait_for_connections(std::size_t count, std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_for_connections(count, timeout);
}
bool WsControl::wait_until_subscribed(const std::string& stream,
                                      std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_until_subscribed(stream, timeout);
}
bool WsControl::wait_for_messages(std::size_t count, std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_for_messages(count, timeout);
}
bool WsControl::wait_for_pongs(std::size_t count, std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_for_pongs(count, timeout);
}

bool WsControl::wait_for_no_connections(std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_for_no_connections(timeout);
}

bool WsControl::wait_for_user_data_subscription(std::chrono::milliseconds timeout) const {
  return fake_.impl_->state_.wait_for_user_data_subscription(timeout);
}

void WsControl::drop_all() {
  std::size_t n = 0;
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    session.drop();
    ++n;
  });
  fake_.impl_->state_.count(FaultKind::drop_connection, n);
}

void WsControl::go_silent() {
  std::size_t n = 0;
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    session.go_silent();
    ++n;
  });
  fake_.impl_->state_.count(FaultKind::go_silent, n);
}

void WsControl::drop_user_streams() {
  std::size_t n = 0;
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    if (!session.is_ws_api()) return;
    session.drop();
    ++n;
  });
  fake_.impl_->state_.count(FaultKind::drop_connection, n);
}

void WsControl::silence_user_streams() {
  std::size_t n = 0;
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    if (!session.is_ws_api()) return;
    session.go_silent();
    ++n;
  });
  fake_.impl_->state_.count(FaultKind::go_silent, n);
}

void WsControl::send_malformed() {
  std::size_t n = 0;
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    session.send_text(R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":17)");
    ++n;
  });
  fake_.impl_->state_.count(FaultKind::malformed_body, n);
}

void WsControl::send_raw(std::string text) {
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) { session.send_text(text); });
}

void WsControl::server_shutdown() {
  auto payload = server_shutdown_event(fake_.impl_->state_.server_time());
  fake_.impl_->server_.for_each_ws([&](WsSessionBase& session) {
    session.send_text(session.subscriptions().frame(kServerShutdownStream, payload));
  });
}

void WsControl::close_all() {
  fake_.impl_->server_.for_each_ws([](WsSessionBase& session) { session.close_going_away(); });
}

}  // namespace autotrader::fakes::binance
