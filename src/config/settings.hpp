#pragma once
// The effective configuration of the daemon as plain typed values. config::load() fills it from
// defaults, the config file, .env and the environment; the defaults below are the ones in the
// schema table (schema.cpp, schema_trading.cpp) and in config/autotrader.json, and tests keep
// the three equal.
// Secrets are not here: they live in config::Secrets, so printing Settings never leaks one.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/trading_mode.hpp"
#include "core/log.hpp"

namespace autotrader::config {

struct LogSettings {
  core::log::Level level = core::log::Level::info;
  bool console = true;
  std::size_t file_max_bytes = 10'485'760;
  std::size_t file_count = 5;
};

struct HttpSettings {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 5000;  // 0: any free port
  std::size_t max_body_bytes = 1'048'576;
  std::size_t max_header_bytes = 16'384;
  std::chrono::nanoseconds request_timeout = std::chrono::seconds{10};
  std::size_t max_connections = 64;
};

struct SupervisionSettings {
  std::size_t max_restarts = 5;
  std::chrono::nanoseconds period = std::chrono::seconds{60};
  std::chrono::nanoseconds backoff_min = std::chrono::milliseconds{500};
  std::chrono::nanoseconds backoff_max = std::chrono::seconds{30};
  double backoff_random_factor = 0.2;
  std::chrono::nanoseconds reset_after = std::chrono::seconds{60};
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds{5};
  std::chrono::nanoseconds heartbeat_interval = std::chrono::seconds{5};
  std::chrono::nanoseconds heartbeat_timeout = std::chrono::seconds{5};
};

struct MarketSettings {
  // "sim" or "binance". Follows `mode` (config::venue_of); the loader keeps the two in step, so
  // code that only needs the data source may read either.
  std::string venue = "sim";
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  std::string interval = "1m";  // a Binance interval name (core::parse_interval)
  std::chrono::nanoseconds stale_after = std::chrono::seconds{30};
};

struct BinanceSettings {
  std::string rest_base_url = "https://testnet.binance.vision";
  std::string ws_base_url = "wss://stream.testnet.binance.vision";
  std::string tls_ca_file;  // empty: the system store only
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds{50};
  std::chrono::nanoseconds rotation_period = std::chrono::hours{23};
  std::chrono::nanoseconds backoff_initial = std::chrono::seconds{2};
  std::chrono::nanoseconds backoff_max = std::chrono::seconds{30};
  double weight_budget_fraction = 0.5;
  std::size_t warmup_candles = 200;
  bool trades = false;
  // Order execution (modes binance-testnet and binance-live).
  std::string ws_api_url = "wss://ws-api.testnet.binance.vision/ws-api/v3";
  std::chrono::milliseconds recv_window{5000};
  // An order whose outcome is unknown is queried by client id this often, this far apart, while
  // Binance answers -2013 (it may still be propagating), before it is taken as never placed.
  std::int64_t order_query_attempts = 5;
  std::chrono::milliseconds order_query_delay{500};
  std::chrono::nanoseconds poll_interval = std::chrono::seconds{10};  // user-data stream down
  UnknownOrders unknown_orders = UnknownOrders::cancel;
  bool use_oco = true;                 // false: the executor watches exits, sends MARKET orders
  double stop_limit_offset_pct = 0.5;  // STOP_LOSS_LIMIT's limit below its stop, in percent
  std::chrono::nanoseconds request_timeout = std::chrono::seconds{10};
};

struct SimSettings {
  std::uint64_t seed = 42;
  std::chrono::nanoseconds bar_period = std::chrono::milliseconds{100};  // 0: real time
  std::string replay_file;  // empty: the generator; "{symbol}" stands for each symbol
};

// The decision loop (src/trading) and its confidence gate.
struct TradingSettings {
  bool autonomous = true;               // AUTONOMOUS_MODE; the run-time toggle flips it
  double min_confidence = 0.60;         // MIN_CONFIDENCE_FOR_TRADE
  std::int64_t confidence_factors = 3;  // CONFIDENCE_FACTORS
  bool decide_during_warm_up = false;
};

// The risk engine's limits (risk::RiskOptions; the reasoning behind each default is in
// src/risk/README.md). Fractions are of equity; percentages of the entry price.
struct RiskSettings {
  double stop_loss_pct = 2.0;    // STOP_LOSS_PERCENTAGE
  double take_profit_pct = 4.0;  // TAKE_PROFIT_PERCENTAGE
  double min_stop_loss_pct = 0.5;
  double max_stop_loss_pct = 5.0;
  double min_take_profit_pct = 1.0;
  double max_take_profit_pct = 20.0;
  double min_reward_risk = 2.0;
  double base_position_size = 0.05;
  double max_position_size = 0.10;      // MAX_POSITION_SIZE
  std::int64_t max_open_positions = 5;  // MAX_OPEN_POSITIONS
  double max_symbol_exposure = 0.20;
  std::chrono::nanoseconds max_data_age = std::chrono::minutes{2};
  std::int64_t max_orders_per_minute = 10;
  double max_daily_loss = 0.03;  // MAX_DAILY_LOSS
  double max_drawdown = 0.10;    // MAX_DRAWDOWN
  std::int64_t day_utc_offset_minutes = 0;
  double high_confidence = 0.90;
  double high_confidence_multiplier = 1.5;
  double low_confidence = 0.75;
  double low_confidence_multiplier = 0.7;
  std::int64_t win_rate_window = 20;
  std::int64_t win_rate_min_trades = 10;
  double high_win_rate = 0.60;
  double high_win_rate_multiplier = 1.2;
  double low_win_rate = 0.40;
  double low_win_rate_multiplier = 0.8;
};

// The paper broker (venues/paper) and the symbol filters orders to it must satisfy. Amounts are
// exact decimal strings (core::Decimal::parse), checked when the configuration loads.
struct PaperSettings {
  std::string initial_balance = "10000";  // PAPER_INITIAL_BALANCE
  std::string quote_asset = "USDT";
  std::string fee_bps = "10";
  std::string slippage_bps = "5";
  std::string partial_fill_fraction = "1";
  std::string tick_size = "0.01";
  std::string quantity_step = "0.00001";
  std::string min_notional = "5";
};

// The database and the audit trail (src/store) in the data directory.
struct StoreSettings {
  bool synchronous_full = false;
  std::int64_t busy_timeout_ms = 5000;
};

// The health monitor (src/health, actors/health): how often it checks and its thresholds.
struct HealthSettings {
  std::chrono::nanoseconds interval = std::chrono::seconds{60};
  double disk_min_free_ratio = 0.05;  // below: HALTED; below twice this: REDUCING
  std::int64_t max_rss_bytes = 0;     // 0: no memory check
  std::chrono::nanoseconds feed_max_age = std::chrono::seconds{180};
  std::chrono::nanoseconds restart_cooldown = std::chrono::seconds{600};
};

// One LLM provider of the pool. Its key comes from the environment (config::Secrets); a provider
// without one (except local, which needs none) shows as DISABLED and is never called.
struct LlmProviderSettings {
  bool enabled = true;
  std::string base_url;
  std::string model;
  double temperature = 0.2;
  std::int64_t max_tokens = 1024;
  std::chrono::nanoseconds timeout = std::chrono::seconds{20};
};

struct LlmSettings {
  bool enable_backup_apis = true;
  std::vector<std::string> priority{"gemini", "openai", "anthropic", "together", "local"};
  std::chrono::nanoseconds analysis_timeout = std::chrono::seconds{30};
  std::string tls_ca_file;
  std::int64_t breaker_consecutive_failures = 5;
  double breaker_failure_rate = 0.5;
  std::int64_t breaker_window = 20;
  std::chrono::nanoseconds breaker_cooldown = std::chrono::seconds{30};
  std::chrono::nanoseconds breaker_cooldown_max = std::chrono::seconds{600};
  std::chrono::nanoseconds breaker_auth_cooldown = std::chrono::seconds{3600};
  bool hedging = false;
  double hedge_max_fraction = 0.1;
  LlmProviderSettings gemini{true, "https://generativelanguage.googleapis.com", "gemini-2.5-flash"};
  LlmProviderSettings openai{true, "https://api.openai.com/v1", "gpt-4o-mini"};
  LlmProviderSettings anthropic{true, "https://api.anthropic.com", "claude-sonnet-4-5"};
  LlmProviderSettings together{true, "https://api.together.xyz/v1",
                               "meta-llama/Llama-3.3-70B-Instruct-Turbo"};
  LlmProviderSettings local{false, "http://127.0.0.1:11434/v1", "llama3.1"};
};

struct Settings {
  // Where market data comes from and where orders go; binance-live also needs live_trading and
  // the command-line opt-in (app::check_mode).
  Mode mode = Mode::sim;
  bool live_trading = false;
  std::filesystem::path data_dir = "data";
  LogSettings log;
  HttpSettings http;
  SupervisionSettings supervision;
  MarketSettings market;
  BinanceSettings binance;
  SimSettings sim;
  TradingSettings trading;
  RiskSettings risk;
  PaperSettings paper;
  StoreSettings store;
  HealthSettings health;
  LlmSettings llm;
};

// The effective configuration in the layout of the config file (durations in seconds).
nlohmann::json to_json(const Settings& settings);

// What core::log::init needs.
core::log::LogOptions log_options(const Settings& settings);

}  // namespace autotrader::config
