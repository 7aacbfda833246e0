#include "app/binance_wiring.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/binance_exec/binance_executor_actor.hpp"
#include "actors/binance_exec/net_order_transport.hpp"
#include "actors/binance_feed/binance_feed_actor.hpp"
#include "actors/binance_feed/binance_metrics.hpp"
#include "actors/binance_feed/net_transport.hpp"
#include "actors/feed/cursor_store.hpp"
#include "actors/feed/feed_metrics.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "net/client_context.hpp"
#include "venues/binance/feed_connection.hpp"

namespace autotrader::app {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

binance_feed::BinanceFeedOptions feed_options(const config::Settings& settings) {
  const auto& b = settings.binance;
  binance_feed::BinanceFeedOptions options;
  options.venue = "binance";
  options.rest_base_url = b.rest_base_url;
  options.ws_base_url = b.ws_base_url;
  // The loader validated every symbol and the interval.
  for (const auto& name : settings.market.symbols) {
    if (auto symbol = core::Symbol::parse(name)) options.symbols.push_back(*symbol);
  }
  options.interval = core::parse_interval(settings.market.interval).value_or(core::Interval::m1);
  options.trades = b.trades;
  options.connection.idle_timeout = duration_cast<milliseconds>(b.idle_timeout);
  options.connection.rotation_period = duration_cast<milliseconds>(b.rotation_period);
  options.connection.backoff.initial = duration_cast<milliseconds>(b.backoff_initial);
  options.connection.backoff.max = duration_cast<milliseconds>(b.backoff_max);
  options.rate_limit.budget_fraction = b.weight_budget_fraction;
  options.warmup_candles = b.warmup_candles;
  options.stale_after = duration_cast<milliseconds>(settings.market.stale_after);
  return options;
}

}  // namespace

supervision::ChildSpec binance_feed_child(const config::Settings& settings,
                                          prometheus::Registry& registry,
                                          std::shared_ptr<feed::FeedCursorStore> cursors,
                                          std::shared_ptr<net::ClientContext> context,
                                          std::shared_ptr<const core::Clock> clock,
                                          std::uint64_t seed) {
  binance_feed::BinanceFeedConfig config;
  config.options = feed_options(settings);
  config.stores.cursors = std::move(cursors);
  config.stores.metrics = std::make_shared<feed::FeedMetrics>(
      registry, "binance", config.options.symbols, binance::reconnect_reason_names());
  config.stores.binance_metrics =
      std::make_shared<binance_feed::BinanceMetrics>(registry, "binance");
  config.stores.log = core::log::get("feed");
  config.stores.random = std::make_shared<core::SeededRandom>(seed);
  config.transport = binance_feed::net_transport(std::move(context));
  config.clock = std::move(clock);

  const auto& sup = settings.supervision;
  supervision::ChildSpec child;
  child.id = "binance";
  child.start = [config](caf::event_based_actor& parent) {
    return binance_feed::spawn_binance_feed(parent, config);
  };
  child.shutdown = supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  child.heartbeat = supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                                           duration_cast<milliseconds>(sup.heartbeat_timeout)};
  return child;
}

std::variant<trading_actors::ExecutorSpawn, std::string> binance_executor_spawn(
    const config::Settings& settings, const config::Secrets& secrets,
    prometheus::Registry& registry, std::shared_ptr<feed::FeedCursorStore> feeds,
    std::shared_ptr<net::ClientContext> context, std::shared_ptr<const core::Clock> clock) {
  const auto& b = settings.binance;
  auto signer = binance::RequestSigner::make(
      binance::Credentials{secrets.binance_api_key, secrets.binance_api_secret},
      b.recv_window.count());
  if (!signer) return "Binance keys: " + signer.error().message;
  binance_exec::BinanceExecutorConfig config;
  config.engine.quote_asset = trading_actors::paper_options(settings).quote_asset;
  config.engine.query_attempts = static_cast<int>(b.order_query_attempts);
  config.engine.query_delay = b.order_query_delay;
  config.engine.poll_interval = duration_cast<milliseconds>(b.poll_interval);
  config.engine.use_oco = b.use_oco;
  config.engine.stop_limit_offset_pct =
      core::Decimal::from_double(b.stop_limit_offset_pct, 4, core::Rounding::half_even)
          .value_or(core::Decimal{});
  config.engine.unknown_orders = b.unknown_orders == config::UnknownOrders::adopt
                                     ? binance::UnknownOrderPolicy::adopt
                                     : binance::UnknownOrderPolicy::cancel;
  for (const auto& name : settings.market.symbols) {
    if (auto symbol = core::Symbol::parse(name)) config.symbols.push_back(*symbol);
  }
  config.ws_api_url = b.ws_api_url;
  config.signer = std::make_shared<const binance::RequestSigner>(std::move(*signer));
  net::HttpClientOptions http;
  http.first_byte_timeout = duration_cast<milliseconds>(b.request_timeout);
  http.read_timeout = duration_cast<milliseconds>(b.request_timeout);
  http.total_timeout = duration_cast<milliseconds>(b.request_timeout) * 2;
  // A kept-alive connection found dead is never retried with an order on it: replayable stays
  // false for places (the transport's rule); idle reuse is safe for everything else.
  config.transport = binance_exec::make_net_order_transport_factory(
      std::move(context), b.rest_base_url, secrets.binance_api_key, clock, http);
  config.stream_backoff.initial = duration_cast<milliseconds>(b.backoff_initial);
  config.stream_backoff.max = duration_cast<milliseconds>(b.backoff_max);
  config.feed_venue = "binance";
  config.feeds = std::move(feeds);
  config.metrics = std::make_shared<binance_exec::BinanceExecMetrics>(registry);
  config.clock = std::move(clock);
  config.log = core::log::get("executor");
  return trading_actors::ExecutorSpawn{
      [config](caf::event_based_actor& parent,
               std::shared_ptr<trading_actors::TradingShared> shared) {
        auto c = config;
        c.shared = std::move(shared);
        return binance_exec::spawn_binance_executor_actor(parent, std::move(c));
      }};
}

}  // namespace autotrader::app
