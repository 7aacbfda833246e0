// The decision loop on the technical path, in one thread, with the plain classes the feed,
// trader, risk, storage and venue actors own (no actors, no messages between them):
//
//   closed candle -> market::SymbolPipeline::push (quality gate, indicators, snapshot)
//     -> DecisionLoop::on_snapshot (AskAi) -> llm::technical_decision
//     -> DecisionLoop::on_ai_reply (risk::RiskEngine::validate, confidence gate, audit record)
//     -> the audit: acknowledged at once, or store::AuditWriter::append
//     -> DecisionLoop::on_audit_written (RecordDecision, PlaceOrder) -> paper::PaperBroker::place
//
//   latency/audit_skipped    one symbol; the audit write is acknowledged at once (issue 5's
//                            "in-process candle-close-to-paper-order latency", goal p99 < 100 µs)
//   latency/audit_write      the same with a real AuditWriter, fdatasync off: write(2) only
//   latency/audit_fdatasync  the same with the AuditWriter as the daemon runs it: write(2) and
//                            fdatasync(2) before the order (the price of "flushed before it")
//   throughput/100_symbols   candles round-robin over 100 symbols, each through the whole path
//                            with the audit skipped: decisions per second on one thread
//   audit_record/build       assembling one BUY decision's audit record, as the loop does
//   audit_record/serialize   what AuditWriter::append does to it before write(2): validate, dump
//
// Every candle is a real one through a real pipeline: a seeded oscillating market (period 16
// candles) whose swings make the technical provider answer BUY near the troughs and SELL near the
// peaks with confidence mostly above the gate; risk approves most BUYs and the SELLs that close a
// position (spot: a SELL with nothing held is refused). What did not
// become an order (HOLD, gated, risk rejected) is counted and printed, and the latency of the
// candles that produced an order is reported on its own.
//
// Outside the timed path, per candle, as the other actors would do it: the candle's close goes to
// the broker first (it fills the previous order and fires protective exits), the venue events go
// to the loop and to risk (closed trades), and the loop gets the account (equity, cash, positions
// at mark). The decisions row (RecordDecision) is dropped: the storage actor writes it after the
// order has gone out.
//
//   trading_loop_bench [--candles=N] [--audit_dir=DIR] [gbench flags]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "core/market.hpp"
#include "llm/technical.hpp"
#include "market/pipeline.hpp"
#include "risk/confidence_gate.hpp"
#include "risk/engine.hpp"
#include "store/audit_record.hpp"
#include "store/audit_writer.hpp"
#include "trading/audit_json.hpp"
#include "trading/decision_input.hpp"
#include "trading/decision_loop.hpp"
#include "venues/paper/client_order_id.hpp"
#include "venues/paper/paper_broker.hpp"

namespace {

using namespace autotrader;
using SteadyClock = std::chrono::steady_clock;
using trading::TimePoint;

std::size_t g_candles = 20'000;
std::string g_audit_dir = "/tmp/autotrader-trading-bench";

constexpr core::TimestampMs kStart = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
constexpr core::TimestampMs kMinute = 60'000;
constexpr auto kReplyDelay = std::chrono::milliseconds{200};  // candle close -> "now"
constexpr std::size_t kWarmUpCandles = 200;                   // per symbol, unmeasured

core::Decimal dec(double value) {
  return core::Decimal::from_double(value, 8, core::Rounding::half_even).value_or(core::Decimal{});
}

// A wall clock the desk sets to each candle's decision time (the broker stamps orders with it).
class SimClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point wall_now() const override { return now_; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point{now_.time_since_epoch()};
  }
  void set(TimePoint now) { now_ = now; }

 private:
  TimePoint now_{};
};

// One symbol's 1m candles: a sine of 16 candles and 2% amplitude with 0.05% noise per close,
// seeded, at a constant volume (a volume ratio of 1: neither confirming nor thin). Of the
// period-and-amplitude grid tried (12-60 candles, 0.5-3%), this one makes the technical provider
// answer BUY or SELL on most candles with a confidence that passes the gate.
class Market {
 public:
  Market(core::Symbol symbol, double base, int phase, std::uint64_t seed)
      : symbol_(symbol), base_(base), phase_(phase), rng_(seed), last_close_(base) {}

  core::Candle next() {
    constexpr double kPi = 3.14159265358979323846;
    constexpr double kPeriod = 16;
    constexpr double kAmplitude = 0.02;
    const double angle = 2 * kPi * static_cast<double>(n_ + phase_) / kPeriod;
    const double close = base_ * (1 + kAmplitude * std::sin(angle)) * (1 + noise_(rng_));
    core::Candle c;
    c.symbol = symbol_;
    c.interval = core::Interval::m1;
    c.open_time = kStart + static_cast<core::TimestampMs>(n_) * kMinute;
    c.close_time = c.open_time + kMinute - 1;
    c.open = last_close_;
    c.close = close;
    const double wick = std::abs(close - last_close_) * 0.3 + base_ * 0.0005;
    c.high = std::max(c.open, c.close) + wick;
    c.low = std::min(c.open, c.close) - wick;
    c.volume = 10;
    c.quote_volume = c.volume * close;
    c.trades = 100;
    last_close_ = close;
    ++n_;
    return c;
  }

 private:
  core::Symbol symbol_;
  double base_;
  int phase_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> noise_{0.0, 0.0005};
  double last_close_;
  std::uint64_t n_ = 0;
};

enum class AuditMode { skipped, write, fdatasync };

// What became of the measured candles.
struct Tally {
  std::uint64_t candles = 0;
  std::uint64_t buy = 0, sell = 0, hold = 0;  // the technical provider's answers
  std::uint64_t orders = 0;                   // PlaceOrder accepted by the broker
  std::uint64_t venue_rejected = 0;
  std::uint64_t no_decision = 0;  // the loop started none (warm-up, in flight)
  std::uint64_t audit_failures = 0;
  std::map<std::string, std::uint64_t> not_executed;  // final_decision.reason: its reasons
};

// Why a BUY or SELL did not execute, from its audit record: "risk_rejected:
// short_selling_disabled".
void count_not_executed(const nlohmann::json& record, Tally& tally) {
  const auto& final = record["final_decision"];
  const std::string reason = final["reason"];
  if (final["execute"] == true || reason == "hold") return;
  std::string key = reason;
  const auto& validation = record["risk_validation"];
  if (validation.is_object()) {
    std::string why;
    for (const auto& r : validation["rejections"])
      why += (why.empty() ? "" : ",") + r["reason"].get<std::string>();
    for (const auto& r : validation["confidence_gate"]["rejections"])
      why += (why.empty() ? "" : ",") + r["reason"].get<std::string>();
    if (!why.empty()) key += ": " + why;
  }
  ++tally.not_executed[key];
}

// Time stamps along one candle's path.
enum Stage : std::size_t {
  kCandle,        // the closed candle arrives
  kSnapshot,      // pipeline: gate, indicators, snapshot
  kAsked,         // on_snapshot: AskAi
  kDecided,       // technical_decision
  kAuditAsked,    // on_ai_reply: risk, gate, the audit record (WriteAudit)
  kAudited,       // the audit write (or nothing)
  kOrderEmitted,  // on_audit_written: RecordDecision, PlaceOrder
  kPlaced,        // PaperBroker::place
  kStages
};
constexpr std::array<const char*, kStages> kStageNames = {
    "",      "pipeline",         "on_snapshot", "technical", "on_ai_reply",
    "audit", "on_audit_written", "place"};

struct Sample {
  std::array<SteadyClock::time_point, kStages> at;
  bool ordered = false;
  bool decided = false;
  // Untimed bookkeeping before the path: the broker's price update, then the account sync.
  SteadyClock::time_point venue_started, account_started;
};

// One account trading `symbols` symbols on the paper broker, its risk engine and decision loop.
class Desk {
 public:
  Desk(std::size_t symbols, AuditMode audit, risk::RiskOptions risk_options,
       paper::PaperBrokerOptions broker_options, const std::string& audit_subdir)
      : risk_(std::move(risk_options), risk::RiskState{}),
        broker_(std::move(broker_options), clock_) {
    trading::DecisionLoopOptions options;
    for (std::size_t i = 0; i < symbols; ++i) {
      std::string digits = std::to_string(i);
      digits.insert(0, digits.size() < 3 ? 3 - digits.size() : 0, '0');
      auto symbol = *core::Symbol::parse("S" + digits + "USDT");  // S000USDT, S001USDT, ...
      options.symbols.push_back(symbol);
      // Binance-like filters: tick 0.01, step 0.00001, min notional 5.
      options.symbol_rules[symbol.str()] =
          risk::SymbolRules{dec(0.01), dec(0.00001), dec(0.00001), dec(9000), dec(5)};
      const double base = 50 + 10 * static_cast<double>(i);
      markets_.emplace_back(symbol, base, static_cast<int>(i % 16), 1000 + i);
      pipelines_.emplace_back("paper", symbol, core::Interval::m1);
    }
    loop_.emplace(std::move(options), risk_);
    if (audit != AuditMode::skipped) {
      store::AuditWriterOptions writer;
      writer.directory = std::filesystem::path{g_audit_dir} / audit_subdir;
      writer.fdatasync = audit == AuditMode::fdatasync;
      std::error_code ignored;
      std::filesystem::remove_all(writer.directory, ignored);
      auto opened = store::AuditWriter::open(writer);
      if (!opened) {
        std::fprintf(stderr, "audit writer: %s\n", opened.error().message.c_str());
      } else {
        writer_ = std::move(*opened);
      }
    }
    sync_account();
  }

  bool ready(AuditMode audit) const { return audit == AuditMode::skipped || writer_ != nullptr; }

  // The next candle of the next symbol, round-robin, through the whole path.
  Sample step(Tally* tally) {
    const std::size_t i = next_symbol_;
    next_symbol_ = (next_symbol_ + 1) % markets_.size();
    const core::Candle candle = markets_[i].next();
    const TimePoint now = TimePoint{std::chrono::milliseconds{candle.close_time}} + kReplyDelay;
    const auto now_ms = candle.close_time + kReplyDelay.count();
    clock_.set(now);
    Sample s;
    // The venue actor sees the close first: it fills the symbol's open order and fires exits.
    s.venue_started = SteadyClock::now();
    handle(broker_.on_price(candle.symbol, dec(candle.close), now_ms));
    s.account_started = SteadyClock::now();
    sync_account();

    s.at[kCandle] = SteadyClock::now();
    auto pushed = pipelines_[i].push(candle, now_ms);
    s.at[kSnapshot] = SteadyClock::now();
    trading::Effects asked;
    if (pushed.snapshot) asked = loop_->on_snapshot(*pushed.snapshot);
    s.at[kAsked] = SteadyClock::now();
    const auto* ask = asked.empty() ? nullptr : std::get_if<trading::AskAi>(&asked.front());
    if (ask == nullptr) {
      s.at[kDecided] = s.at[kAuditAsked] = s.at[kAudited] = s.at[kOrderEmitted] = s.at[kPlaced] =
          s.at[kAsked];
      if (tally != nullptr) {
        ++tally->candles;
        ++tally->no_decision;
      }
      return s;
    }
    s.decided = true;
    const llm::Decision decision = llm::technical_decision(ask->input);
    s.at[kDecided] = SteadyClock::now();
    auto replied = loop_->on_ai_reply(ask->request_id, decision, {}, now);
    s.at[kAuditAsked] = SteadyClock::now();
    auto& audit = std::get<trading::WriteAudit>(replied.front());
    bool ok = true;
    std::string error;
    if (writer_) {
      if (auto failure = writer_->append(audit.record)) {
        ok = false;
        error = failure->message;
      }
    }
    s.at[kAudited] = SteadyClock::now();
    auto acknowledged = loop_->on_audit_written(audit.decision_id, ok, error, now);
    s.at[kOrderEmitted] = SteadyClock::now();
    paper::VenueEvents placed;
    for (const auto& effect : acknowledged)
      if (const auto* order = std::get_if<trading::PlaceOrder>(&effect))
        placed = broker_.place(order->request);
    s.at[kPlaced] = SteadyClock::now();

    for (const auto& event : placed)
      if (std::holds_alternative<paper::OrderAccepted>(event)) s.ordered = true;
    if (tally != nullptr) {
      ++tally->candles;
      if (decision.action == llm::Action::buy) ++tally->buy;
      if (decision.action == llm::Action::sell) ++tally->sell;
      if (decision.action == llm::Action::hold) ++tally->hold;
      if (s.ordered) ++tally->orders;
      if (!placed.empty() && !s.ordered) ++tally->venue_rejected;
      if (!ok) ++tally->audit_failures;
      count_not_executed(audit.record, *tally);
    }
    handle(std::move(placed));
    return s;
  }

  const trading::LoopStatus& status() const { return loop_->status(); }
  const risk::RiskEngine& risk() const { return risk_; }
  std::size_t symbols() const { return markets_.size(); }

 private:
  // Venue events to the loop (history results) and to risk (closed trades, for the win rate).
  void handle(paper::VenueEvents events) {
    for (const auto& event : events) {
      loop_->on_venue_event(event);
      if (const auto* fill = std::get_if<paper::Fill>(&event))
        if (fill->side == paper::Side::sell) risk_.on_trade_closed(fill->realized_pnl);
    }
  }

  // The account as the risk actor would hand it to the trader after each change.
  void sync_account() {
    risk::PortfolioView view;
    view.cash = broker_.quote_balance();
    // Unrounded, as actors/trading/executor_actor.cpp hands it over: risk rounds amounts itself.
    view.equity = broker_.equity().value_or(view.cash);
    auto positions = broker_.positions();
    for (const auto& p : positions)
      view.positions.push_back(
          {p.symbol, p.quantity, broker_.last_price(p.symbol).value_or(p.average_entry_price)});
    risk_.on_equity(view.equity, clock_.wall_now());
    loop_->set_account(std::move(view), std::move(positions));
  }

  SimClock clock_;
  risk::RiskEngine risk_;
  paper::PaperBroker broker_;
  std::optional<trading::DecisionLoop> loop_;
  std::unique_ptr<store::AuditWriter> writer_;
  std::vector<Market> markets_;
  std::vector<market::SymbolPipeline> pipelines_;
  std::size_t next_symbol_ = 0;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto index = static_cast<std::size_t>(p * static_cast<double>(values.size()));
  return values[std::min(values.size() - 1, index)];
}

double micros(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::micro>(to - from).count();
}

void print_tally(const char* name, const Desk& desk, const Tally& t) {
  const auto& s = desk.status();
  std::printf(
      "%s: %llu candles, %llu orders (%.1f%%); technical BUY %llu SELL %llu HOLD %llu; "
      "loop totals: gated %llu, risk rejected %llu, trades executed %llu, venue rejected %llu, "
      "no decision %llu, audit failures %llu; risk state %s\n",
      name, static_cast<unsigned long long>(t.candles), static_cast<unsigned long long>(t.orders),
      t.candles ? 100.0 * static_cast<double>(t.orders) / static_cast<double>(t.candles) : 0.0,
      static_cast<unsigned long long>(t.buy), static_cast<unsigned long long>(t.sell),
      static_cast<unsigned long long>(t.hold), static_cast<unsigned long long>(s.gated),
      static_cast<unsigned long long>(s.risk_rejected),
      static_cast<unsigned long long>(s.trades_executed),
      static_cast<unsigned long long>(t.venue_rejected),
      static_cast<unsigned long long>(t.no_decision),
      static_cast<unsigned long long>(t.audit_failures),
      std::string{risk::to_string(desk.risk().trading_state())}.c_str());
  for (const auto& [why, count] : t.not_executed)
    std::printf("%s:   not executed, %s: %llu\n", name, why.c_str(),
                static_cast<unsigned long long>(count));
}

// The daemon's defaults, but for the loss limits: the oscillating market is not there to be
// traded at a profit (fees and slippage alone lose), and HALTED would refuse every entry within
// the first simulated day. Every other rule is checked as configured.
risk::RiskOptions single_symbol_risk() {
  risk::RiskOptions options;
  options.max_daily_loss = 1.0;
  options.max_drawdown = 1.0;
  return options;
}

// Candle close -> paper order on one symbol: p50/p99 of all candles, of the ones that produced
// an order, and from the snapshot on (the pipeline excluded); the median of each stage.
void run_latency(benchmark::State& state, const char* name, AuditMode mode) {
  Desk desk{1, mode, single_symbol_risk(), paper::PaperBrokerOptions{}, name};
  if (!desk.ready(mode)) {
    state.SkipWithError("the audit writer did not open");
    return;
  }
  for (std::size_t i = 0; i < kWarmUpCandles; ++i) desk.step(nullptr);
  Tally tally;
  std::vector<double> total, ordered, from_snapshot;
  std::array<std::vector<double>, kStages> stages;
  total.reserve(g_candles);
  for (auto _ : state) {
    const auto s = desk.step(&tally);
    const double us = micros(s.at[kCandle], s.at[kPlaced]);
    state.SetIterationTime(us / 1e6);
    total.push_back(us);
    from_snapshot.push_back(micros(s.at[kSnapshot], s.at[kPlaced]));
    if (s.ordered) ordered.push_back(us);
    for (std::size_t k = 1; k < kStages; ++k)
      if (s.ordered) stages[k].push_back(micros(s.at[k - 1], s.at[k]));
  }
  state.counters["p50_us"] = percentile(total, 0.50);
  state.counters["p99_us"] = percentile(total, 0.99);
  state.counters["order_p50_us"] = percentile(ordered, 0.50);
  state.counters["order_p99_us"] = percentile(ordered, 0.99);
  state.counters["orders"] = static_cast<double>(tally.orders);
  std::printf(
      "%s: candle -> order p50=%.2f us p99=%.2f us p99.9=%.2f us max=%.1f us (all candles); "
      "candles with an order (n=%zu) p50=%.2f us p99=%.2f us; from the snapshot p50=%.2f us "
      "p99=%.2f us\n",
      name, percentile(total, 0.50), percentile(total, 0.99), percentile(total, 0.999),
      percentile(total, 1.0), ordered.size(), percentile(ordered, 0.50), percentile(ordered, 0.99),
      percentile(from_snapshot, 0.50), percentile(from_snapshot, 0.99));
  std::printf("%s: stage p50 / p99 on candles with an order (us):", name);
  for (std::size_t k = 1; k < kStages; ++k)
    std::printf(" %s %.2f/%.2f", kStageNames[k], percentile(stages[k], 0.50),
                percentile(stages[k], 0.99));
  std::printf("\n");
  print_tally(name, desk, tally);
}

void BM_LatencyAuditSkipped(benchmark::State& state) {
  run_latency(state, "latency/audit_skipped", AuditMode::skipped);
}
void BM_LatencyAuditWrite(benchmark::State& state) {
  run_latency(state, "latency/audit_write", AuditMode::write);
}
void BM_LatencyAuditFdatasync(benchmark::State& state) {
  run_latency(state, "latency/audit_fdatasync", AuditMode::fdatasync);
}

// 100 symbols on one account. The risk limits that would bind first across 100 symbols are
// widened, so that the figure is the loop's and not the limits': one position per symbol
// (max_open_positions 100, max_symbol_exposure 0.9% of equity, so all of them fit), no order
// rate limit (100 candles close in the same minute).
void BM_Throughput100Symbols(benchmark::State& state) {
  constexpr std::size_t kSymbols = 100;
  risk::RiskOptions options = single_symbol_risk();
  options.max_open_positions = kSymbols;
  options.max_symbol_exposure = 0.009;
  options.max_orders_per_minute = 0;
  paper::PaperBrokerOptions broker;
  broker.initial_balance = core::Decimal::from_integer(1'000'000);
  Desk desk{kSymbols, AuditMode::skipped, options, broker, "throughput"};
  for (std::size_t i = 0; i < kWarmUpCandles * kSymbols; ++i) desk.step(nullptr);
  Tally tally;
  std::vector<double> total, venue, account;
  total.reserve(g_candles);
  const auto decisions_before = desk.status().decisions;
  double path_seconds = 0;
  const auto started = SteadyClock::now();
  for (auto _ : state) {
    const auto s = desk.step(&tally);
    const double seconds = std::chrono::duration<double>(s.at[kPlaced] - s.at[kCandle]).count();
    path_seconds += seconds;
    state.SetIterationTime(seconds);
    total.push_back(seconds * 1e6);
    venue.push_back(micros(s.venue_started, s.account_started));
    account.push_back(micros(s.account_started, s.at[kCandle]));
  }
  const double wall = std::chrono::duration<double>(SteadyClock::now() - started).count();
  const auto decisions = static_cast<double>(desk.status().decisions - decisions_before);
  state.counters["decisions_per_s"] = path_seconds > 0 ? decisions / path_seconds : 0;
  state.counters["with_bookkeeping_per_s"] = wall > 0 ? decisions / wall : 0;
  state.counters["orders"] = static_cast<double>(tally.orders);
  std::printf(
      "throughput/100_symbols: %.0f decisions in %.3f s of path = %.0f decisions/s; with the "
      "untimed bookkeeping (broker price, account, risk equity) %.0f decisions/s; per candle "
      "p50=%.2f us p99=%.2f us\n",
      decisions, path_seconds, decisions / path_seconds, decisions / wall, percentile(total, 0.50),
      percentile(total, 0.99));
  std::printf(
      "throughput/100_symbols: bookkeeping per candle p50: broker price update %.2f us, account "
      "sync (positions, equity, risk) %.2f us\n",
      percentile(venue, 0.50), percentile(account, 0.50));
  print_tally("throughput/100_symbols", desk, tally);
}

// The inputs of one BUY decision's audit record, taken from the oscillating market.
struct RecordInputs {
  market::Snapshot snapshot;
  llm::DecisionInput input;
  llm::Decision decision;
  risk::RiskVerdict verdict;
  std::vector<risk::Rejection> gate;
  trading::PlaceOrder order;
  TimePoint now;
};

RecordInputs buy_record_inputs() {
  Market market{*core::Symbol::parse("S000USDT"), 50, 0, 1000};
  market::SymbolPipeline pipeline{"paper", *core::Symbol::parse("S000USDT"), core::Interval::m1};
  RecordInputs in;
  for (int n = 0; n < 10'000; ++n) {
    const auto candle = market.next();
    auto pushed = pipeline.push(candle, candle.close_time + kReplyDelay.count());
    if (!pushed.snapshot || !pushed.snapshot->warmed_up) continue;
    in.snapshot = *pushed.snapshot;
    in.input = trading::to_decision_input(in.snapshot);
    in.decision = llm::technical_decision(in.input);
    if (in.decision.action != llm::Action::buy) continue;
    in.now = TimePoint{std::chrono::milliseconds{candle.close_time}} + kReplyDelay;
    risk::RiskEngine engine{risk::RiskOptions{}, risk::RiskState{}};
    risk::PortfolioView account;
    account.equity = account.cash = core::Decimal::from_integer(10'000);
    risk::OrderIntent intent;
    intent.symbol = in.snapshot.symbol;
    intent.price = dec(in.snapshot.last_price);
    intent.confidence = in.decision.confidence;
    intent.position_size = in.decision.position_size;
    intent.stop_loss_pct = in.decision.stop_loss_pct;
    intent.take_profit_pct = in.decision.take_profit_pct;
    intent.data_time = TimePoint{std::chrono::milliseconds{in.snapshot.as_of}};
    in.verdict = engine.validate(intent, account, risk::SymbolRules{}, in.now);
    in.gate = risk::check_confidence_gate(in.decision.confidence, in.decision.factors);
    if (!in.verdict.approved || !in.gate.empty()) continue;
    in.order.decision_id = "S000USDT-1m-" + std::to_string(in.snapshot.open_time);
    in.order.reference_price = in.verdict.price;
    in.order.request.client_order_id =
        paper::make_client_order_id(in.order.decision_id, paper::OrderPurpose::entry);
    in.order.request.decision_id = in.order.decision_id;
    in.order.request.symbol = in.snapshot.symbol;
    in.order.request.quantity = in.verdict.quantity;
    in.order.request.protection =
        paper::Protection{*in.verdict.stop_loss_price, *in.verdict.take_profit_price};
    return in;
  }
  return in;
}

// As DecisionLoop::finish_reply assembles it for an executed BUY.
nlohmann::json build_record(const RecordInputs& in) {
  return {{"timestamp", trading::format_timestamp(in.now)},
          {"decision_type", "BUY"},
          {"market_data", trading::market_data_json(in.snapshot, in.input)},
          {"ai_analysis", trading::ai_analysis_json(in.decision, false, false, {})},
          {"risk_validation",
           trading::risk_validation_json(in.verdict, risk::TradingState::active, in.gate, {},
                                         risk::count_distinct_factors(in.decision.factors))},
          {"final_decision", {{"action", "BUY"}, {"execute", true}, {"reason", "execute"}}},
          {"execution", trading::execution_json(in.order, "paper")},
          {"decision_id", in.order.decision_id},
          {"symbol", in.snapshot.symbol.str()}};
}

void BM_AuditRecordBuild(benchmark::State& state) {
  const auto in = buy_record_inputs();
  if (in.order.decision_id.empty()) {
    state.SkipWithError("no approved BUY in the market");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(build_record(in));
  state.counters["bytes"] = static_cast<double>(build_record(in).dump().size() + 1);
}

void BM_AuditRecordSerialize(benchmark::State& state) {
  const auto in = buy_record_inputs();
  if (in.order.decision_id.empty()) {
    state.SkipWithError("no approved BUY in the market");
    return;
  }
  const auto record = build_record(in);
  for (auto _ : state) {
    benchmark::DoNotOptimize(store::validate_audit_record(record));
    benchmark::DoNotOptimize(record.dump());
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--candles=", 0) == 0) {
      g_candles = std::stoul(arg.substr(10));
    } else if (arg.rfind("--audit_dir=", 0) == 0) {
      g_audit_dir = arg.substr(12);
    } else {
      rest.push_back(argv[i]);
    }
  }
  const auto iterations = static_cast<benchmark::IterationCount>(g_candles);
  for (auto [name, fn] : std::vector<std::pair<const char*, void (*)(benchmark::State&)>>{
           {"latency/audit_skipped", BM_LatencyAuditSkipped},
           {"latency/audit_write", BM_LatencyAuditWrite},
           {"latency/audit_fdatasync", BM_LatencyAuditFdatasync},
           {"throughput/100_symbols", BM_Throughput100Symbols}}) {
    benchmark::RegisterBenchmark(name, fn)
        ->Iterations(iterations)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("audit_record/build", BM_AuditRecordBuild)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("audit_record/serialize", BM_AuditRecordSerialize)
      ->Unit(benchmark::kMicrosecond);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
