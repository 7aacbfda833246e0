#include "actors/trading/trading_tree.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/trading/executor_actor.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/storage_actor.hpp"
#include "actors/trading/trader_actor.hpp"
#include "core/log.hpp"

namespace autotrader::trading_actors {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

core::Decimal decimal(const std::string& text) {
  // Checked when the configuration loaded (config/schema.cpp).
  return core::Decimal::parse(text).value_or(core::Decimal{});
}

supervision::ChildSpec child(std::string id, supervision::StartFn start,
                             const config::Settings& settings) {
  const auto& sup = settings.supervision;
  supervision::ChildSpec spec;
  spec.id = std::move(id);
  spec.start = std::move(start);
  spec.shutdown = supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  spec.heartbeat = supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                                          duration_cast<milliseconds>(sup.heartbeat_timeout)};
  return spec;
}

nlohmann::json parameters_json(const config::Settings& settings) {
  const auto& r = settings.risk;
  return {{"min_confidence_for_trade", settings.trading.min_confidence},
          {"confidence_factors", settings.trading.confidence_factors},
          {"max_position_size", r.max_position_size},
          {"stop_loss_pct", r.stop_loss_pct},
          {"take_profit_pct", r.take_profit_pct},
          {"max_daily_loss", r.max_daily_loss},
          {"max_drawdown", r.max_drawdown},
          {"max_open_positions", r.max_open_positions}};
}

}  // namespace

risk::RiskOptions risk_options(const config::Settings& settings) {
  const auto& r = settings.risk;
  risk::RiskOptions o;
  o.stop_loss_pct = r.stop_loss_pct;
  o.take_profit_pct = r.take_profit_pct;
  o.min_stop_loss_pct = r.min_stop_loss_pct;
  o.max_stop_loss_pct = r.max_stop_loss_pct;
  o.min_take_profit_pct = r.min_take_profit_pct;
  o.max_take_profit_pct = r.max_take_profit_pct;
  o.min_reward_risk = r.min_reward_risk;
  o.base_position_size = r.base_position_size;
  o.max_position_size = r.max_position_size;
  o.max_open_positions = static_cast<std::size_t>(r.max_open_positions);
  o.max_symbol_exposure = r.max_symbol_exposure;
  o.max_data_age = duration_cast<milliseconds>(r.max_data_age);
  o.max_orders_per_minute = static_cast<std::size_t>(r.max_orders_per_minute);
  o.max_daily_loss = r.max_daily_loss;
  o.max_drawdown = r.max_drawdown;
  o.day_utc_offset = std::chrono::minutes{r.day_utc_offset_minutes};
  o.high_confidence = r.high_confidence;
  o.high_confidence_multiplier = r.high_confidence_multiplier;
  o.low_confidence = r.low_confidence;
  o.low_confidence_multiplier = r.low_confidence_multiplier;
  o.win_rate_window = static_cast<std::size_t>(r.win_rate_window);
  o.win_rate_min_trades = static_cast<std::size_t>(r.win_rate_min_trades);
  o.high_win_rate = r.high_win_rate;
  o.high_win_rate_multiplier = r.high_win_rate_multiplier;
  o.low_win_rate = r.low_win_rate;
  o.low_win_rate_multiplier = r.low_win_rate_multiplier;
  return o;
}

paper::PaperBrokerOptions paper_options(const config::Settings& settings) {
  const auto& p = settings.paper;
  paper::PaperBrokerOptions o;
  o.initial_balance = decimal(p.initial_balance);
  o.quote_asset = p.quote_asset;
  o.fee_bps = decimal(p.fee_bps);
  o.slippage_bps = decimal(p.slippage_bps);
  o.partial_fill_fraction = decimal(p.partial_fill_fraction);
  o.quantity_step = decimal(p.quantity_step);
  return o;
}

risk::SymbolRules paper_symbol_rules(const config::Settings& settings) {
  risk::SymbolRules rules;
  rules.tick_size = decimal(settings.paper.tick_size);
  rules.step_size = decimal(settings.paper.quantity_step);
  rules.min_qty = rules.step_size;
  rules.min_notional = decimal(settings.paper.min_notional);
  return rules;
}

trading::DecisionLoopOptions loop_options(const config::Settings& settings) {
  trading::DecisionLoopOptions o;
  const auto rules = paper_symbol_rules(settings);
  for (const auto& name : settings.market.symbols) {
    if (auto symbol = core::Symbol::parse(name)) {
      o.symbols.push_back(*symbol);
      o.symbol_rules[std::string{symbol->view()}] = rules;
    }
  }
  o.interval = core::parse_interval(settings.market.interval).value_or(core::Interval::m1);
  o.autonomous_mode = settings.trading.autonomous;
  o.gate.min_confidence_for_trade = settings.trading.min_confidence;
  o.gate.confidence_factors = static_cast<std::size_t>(settings.trading.confidence_factors);
  o.decide_during_warm_up = settings.trading.decide_during_warm_up;
  o.venue = execution_venue(settings);
  return o;
}

std::string trading_mode(const config::Settings& settings) {
  return std::string{config::mode_name(settings.mode)};
}

std::string execution_venue(const config::Settings& settings) {
  return config::places_real_orders(settings.mode) ? "binance" : "paper";
}

TradingTree trading_tree(const config::Settings& settings, prometheus::Registry* registry,
                         std::shared_ptr<feed::FeedCursorStore> feeds,
                         std::shared_ptr<llm_actors::PoolHandle> pool,
                         std::vector<std::string> providers,
                         std::shared_ptr<const core::Clock> clock, ExecutorSpawn spawn_executor) {
  providers.push_back("technical");
  std::shared_ptr<TradingMetrics> metrics;
  if (registry != nullptr) {
    metrics = std::make_shared<TradingMetrics>(*registry, execution_venue(settings), providers);
  }
  TradingTree tree;
  tree.shared = std::make_shared<TradingShared>(settings.trading.autonomous, trading_mode(settings),
                                                execution_venue(settings), metrics);
  const auto& sup = settings.supervision;
  tree.spec.id = "trading";
  tree.spec.strategy = supervision::Strategy::rest_for_one;
  tree.spec.intensity = {sup.max_restarts, duration_cast<milliseconds>(sup.period)};
  tree.spec.backoff = {duration_cast<milliseconds>(sup.backoff_min),
                       duration_cast<milliseconds>(sup.backoff_max), sup.backoff_random_factor,
                       duration_cast<milliseconds>(sup.reset_after)};

  StorageConfig storage;
  storage.store.data_dir = settings.data_dir;
  storage.store.synchronous_full = settings.store.synchronous_full;
  storage.store.busy_timeout_ms = static_cast<int>(settings.store.busy_timeout_ms);
  storage.audit.directory = settings.data_dir / "logs";
  storage.audit.utc_offset = std::chrono::minutes{settings.risk.day_utc_offset_minutes};
  storage.day_utc_offset = std::chrono::minutes{settings.risk.day_utc_offset_minutes};
  storage.parameters = parameters_json(settings);
  storage.shared = tree.shared;
  storage.clock = clock;
  storage.log = core::log::get("storage");

  ExecutorConfig executor;
  executor.broker = paper_options(settings);
  executor.feed_venue = settings.market.venue;
  executor.feeds = feeds;
  executor.shared = tree.shared;
  executor.clock = clock;
  executor.log = core::log::get("executor");

  TraderConfig trader;
  trader.loop = loop_options(settings);
  trader.risk = risk_options(settings);
  trader.feed_venue = settings.market.venue;
  trader.feeds = std::move(feeds);
  trader.pool = std::move(pool);
  trader.ask_timeout =
      duration_cast<milliseconds>(settings.llm.analysis_timeout) + milliseconds{5'000};
  trader.shared = tree.shared;
  trader.clock = std::move(clock);
  trader.log = core::log::get("trader");

  tree.spec.children.push_back(child(
      "storage",
      [storage](caf::event_based_actor& parent) { return spawn_storage_actor(parent, storage); },
      settings));
  if (spawn_executor) {
    tree.spec.children.push_back(child(
        "executor",
        [spawn_executor, shared = tree.shared](caf::event_based_actor& parent) {
          return spawn_executor(parent, shared);
        },
        settings));
  } else {
    tree.spec.children.push_back(child(
        "executor",
        [executor](caf::event_based_actor& parent) {
          return spawn_executor_actor(parent, executor);
        },
        settings));
  }
  tree.spec.children.push_back(child(
      "trader",
      [trader](caf::event_based_actor& parent) { return spawn_trader_actor(parent, trader); },
      settings));
  return tree;
}

}  // namespace autotrader::trading_actors
