#include "actors/trading/venue_batch.hpp"

#include <set>

#include <spdlog/spdlog.h>

#include "actors/trading/trading_metrics.hpp"
#include "venues/paper/client_order_id.hpp"

namespace autotrader::trading_actors {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

TimePoint from_ms(core::TimestampMs ms) {
  return TimePoint{std::chrono::milliseconds{ms}};
}

// A protective order (its client id ends in the purpose "sl" or "tp", client_order_id.hpp) is a
// STOP_LOSS or TAKE_PROFIT row, as the paper broker's exits are; the trader's orders are MARKET.
std::string order_type(const paper::Order& order) {
  const auto& id = order.client_order_id;
  auto ends_with = [&](const char* suffix) {
    const std::string s{suffix};
    return id.size() > s.size() && id.compare(id.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with("-sl")) return "STOP_LOSS";
  if (ends_with("-tp")) return "TAKE_PROFIT";
  return "MARKET";
}

}  // namespace

store::OrderRow order_row(const paper::Order& order, const std::string& venue,
                          const std::string& type) {
  store::OrderRow row;
  row.client_order_id = order.client_order_id;
  row.decision_id = order.decision_id;
  row.venue = venue;
  row.symbol = std::string{order.symbol.view()};
  row.side = paper::to_string(order.side);
  row.type = type;
  row.quantity = order.quantity;
  row.status = paper::to_string(order.status);
  row.created_at = from_ms(order.created_ms);
  row.updated_at = from_ms(order.updated_ms);
  return row;
}

AccountUpdate account_update(const AccountSnapshot& account) {
  AccountUpdate update;
  update.portfolio.cash = account.cash;
  update.portfolio.equity = account.equity;
  update.positions = account.positions;
  for (const auto& p : update.positions) {
    update.portfolio.positions.push_back(
        {p.symbol, p.quantity, account.mark(p.symbol).value_or(p.average_entry_price)});
  }
  return update;
}

nlohmann::json account_json(const AccountSnapshot& account, const std::string& quote_asset) {
  nlohmann::json positions = nlohmann::json::array();
  for (const auto& p : account.positions) {
    const auto mark = account.mark(p.symbol).value_or(p.average_entry_price);
    const auto unrealized =
        (mark.to_double() - p.average_entry_price.to_double()) * p.quantity.to_double();
    nlohmann::json row{{"symbol", std::string{p.symbol.view()}},
                       {"quantity", p.quantity.to_string()},
                       {"average_entry_price", p.average_entry_price.to_string()},
                       {"mark_price", mark.to_string()},
                       {"unrealized_pnl", unrealized},
                       {"decision_id", p.decision_id},
                       {"opened_ms", p.opened_ms},
                       {"stop_loss", nullptr},
                       {"take_profit", nullptr}};
    if (p.protection) {
      row["stop_loss"] = p.protection->stop_loss.to_string();
      row["take_profit"] = p.protection->take_profit.to_string();
    }
    positions.push_back(std::move(row));
  }
  return {{"equity", account.equity.to_string()},
          {"cash", account.cash.to_string()},
          {"quote_asset", quote_asset},
          {"positions", positions}};
}

void count_events(TradingMetrics* metrics, const VenueView& view,
                  const paper::VenueEvents& events) {
  if (metrics == nullptr) return;
  const auto& venue = view.venue;
  auto side_of = [&](const std::string& id, const char* fallback) {
    const auto order = view.order(id);
    return order ? paper::to_string(order->side) : fallback;
  };
  for (const auto& event : events) {
    if (const auto* accepted = std::get_if<paper::OrderAccepted>(&event)) {
      metrics->count_order(venue, paper::to_string(accepted->order.side), "accepted");
    } else if (const auto* fill = std::get_if<paper::Fill>(&event)) {
      metrics->count_fill(venue, paper::to_string(fill->side));
      if (fill->remaining_quantity.is_zero()) {
        metrics->count_order(venue, paper::to_string(fill->side), "filled");
      }
    } else if (const auto* rejected = std::get_if<paper::OrderRejected>(&event)) {
      metrics->count_order(venue, side_of(rejected->client_order_id, "BUY"), "rejected");
    } else if (const auto* cancelled = std::get_if<paper::OrderCancelled>(&event)) {
      metrics->count_order(venue, side_of(cancelled->client_order_id, "SELL"), "cancelled");
    } else if (const auto* exit = std::get_if<paper::ProtectiveExit>(&event)) {
      metrics->count_protective_exit(venue, paper::to_string(exit->kind));
    }
  }
}

BuiltBatch build_batch(const VenueView& view, const paper::VenueEvents& events,
                       const std::map<core::Symbol, paper::Position>& before,
                       const paper::OrderRequest* request, BatchMemory& memory,
                       const core::Clock& clock, spdlog::logger* log) {
  BuiltBatch built;
  auto& batch = built.batch;
  const auto& venue = view.venue;
  batch.venue = venue;
  batch.quote_asset = view.quote_asset;
  batch.events = events;
  std::set<core::Symbol> touched;
  for (const auto& event : events) {
    if (const auto* accepted = std::get_if<paper::OrderAccepted>(&event)) {
      batch.new_orders.push_back(order_row(accepted->order, venue, order_type(accepted->order)));
    } else if (const auto* rejected = std::get_if<paper::OrderRejected>(&event)) {
      if (request && rejected->client_order_id == request->client_order_id &&
          rejected->reason != paper::RejectReason::duplicate_client_order_id) {
        // The venue never took it; the database keeps it with its reason in the log.
        paper::Order order;
        order.client_order_id = request->client_order_id;
        order.decision_id = request->decision_id;
        order.symbol = request->symbol;
        order.side = request->side;
        order.quantity = request->quantity;
        order.status = paper::OrderStatus::rejected;
        order.created_ms = order.updated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  clock.wall_now().time_since_epoch())
                                                  .count();
        if (paper::is_valid_client_order_id(order.client_order_id)) {
          batch.new_orders.push_back(order_row(order, venue, "MARKET"));
        }
      }
      if (log != nullptr) {
        log->warn("executor: order {} {} rejected: {} ({})", rejected->client_order_id,
                  rejected->symbol.view(), paper::to_string(rejected->reason), rejected->message);
      }
    } else if (const auto* exit = std::get_if<paper::ProtectiveExit>(&event)) {
      if (const auto order = view.order(exit->client_order_id)) {
        batch.new_orders.push_back(order_row(
            *order, venue,
            exit->kind == paper::ProtectiveKind::stop_loss ? "STOP_LOSS" : "TAKE_PROFIT"));
      }
      if (log != nullptr) {
        log->info("executor: {} {} hit at {} (trigger {})", exit->symbol.view(),
                  paper::to_string(exit->kind), exit->market_price.to_string(),
                  exit->trigger_price.to_string());
      }
    } else if (const auto* fill = std::get_if<paper::Fill>(&event)) {
      touched.insert(fill->symbol);
      store::TradeRow trade;
      trade.timestamp = from_ms(fill->time);
      trade.ticker = std::string{fill->symbol.view()};
      trade.action = paper::to_string(fill->side);
      trade.price = fill->price.to_double();
      trade.quantity = fill->quantity.to_double();
      trade.pnl = fill->realized_pnl.to_double();
      if (auto it = memory.contexts.find(fill->client_order_id); it != memory.contexts.end()) {
        trade.indicators = it->second;
      }
      trade.indicators["client_order_id"] = fill->client_order_id;
      if (fill->side == paper::Side::sell) {
        const auto held = before.find(fill->symbol);
        const auto opened = held != before.end() ? held->second.opened_ms : fill->time;
        trade.hold_time = static_cast<double>(fill->time - opened) / 1000.0;
        auto& pnl = memory.exit_pnl[fill->client_order_id];
        if (auto sum = core::add(pnl, fill->realized_pnl)) pnl = *sum;
        if (fill->remaining_quantity.is_zero()) {
          built.closed.push_back({fill->symbol, pnl, trade.hold_time});
          memory.exit_pnl.erase(fill->client_order_id);
        }
      }
      if (fill->remaining_quantity.is_zero()) memory.contexts.erase(fill->client_order_id);
      batch.trades.push_back(std::move(trade));
    }
  }
  for (const auto& symbol : touched) {
    if (const auto position = view.position(symbol)) {
      store::PositionRow row;
      row.venue = venue;
      row.symbol = std::string{symbol.view()};
      row.quantity = position->quantity;
      row.avg_entry_price = position->average_entry_price;
      if (position->protection) {
        row.stop_loss = position->protection->stop_loss;
        row.take_profit = position->protection->take_profit;
      }
      row.opened_at = from_ms(position->opened_ms);
      row.updated_at = clock.wall_now();
      batch.positions.push_back(std::move(row));
    } else {
      batch.closed_symbols.push_back(std::string{symbol.view()});
    }
  }
  return built;
}

}  // namespace autotrader::trading_actors
