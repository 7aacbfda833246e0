#include "venues/ibkr/responses.hpp"

#include <algorithm>
#include <utility>

namespace autotrader::ibkr {

namespace {

template <class T>
Expected<Response> done(const FieldReader& r, T value) {
  if (!r.ok()) return r.error();
  return Response{std::move(value)};
}

// The version fields TWS sends at 157..178 (ib_async decoder.py; @stoqey/ib decoder.ts).
constexpr int kTickVersion = 6;
constexpr int kPositionVersion = 3;
constexpr int kRealtimeBarVersion = 3;
constexpr int kErrorVersion = 2;

Expected<Response> decode_historical_data(const Fields& fields) {
  FieldReader r{fields, "historicalData", 1};
  HistoricalData m;
  m.req_id = r.integer("reqId");
  m.start_date = r.text("startDate");
  m.end_date = r.text("endDate");
  const std::int64_t n = r.integer("barCount");
  if (!r.ok()) return r.error();
  // Each bar is 8 fields: a count the message cannot hold is refused before anything is reserved.
  if (n < 0 || static_cast<std::size_t>(n) > r.remaining() / 8) {
    return make_error(errc::invalid_field, "historicalData: " + std::to_string(n) +
                                               " bars announced, " + std::to_string(r.remaining()) +
                                               " fields left");
  }
  m.bars.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n && r.ok(); ++i) {
    Bar bar;
    bar.date = r.text("date");
    bar.open = r.number("open");
    bar.high = r.number("high");
    bar.low = r.number("low");
    bar.close = r.number("close");
    bar.volume = r.number("volume");
    bar.wap = r.number("WAP");
    bar.bar_count = r.integer("barCount");
    m.bars.push_back(std::move(bar));
  }
  return done(r, std::move(m));
}

Expected<Response> decode_exec_details(const Fields& fields, int server_version) {
  FieldReader r{fields, "execDetails", 1};
  ExecDetails m;
  m.req_id = r.integer("reqId");
  m.order_id = r.integer("orderId");
  m.contract = read_contract_without_primary(r);
  m.exec_id = r.text("execId");
  m.time = r.text("time");
  m.account = r.text("acctNumber");
  m.exchange = r.text("exchange");
  m.side = r.text("side");
  m.shares = r.decimal("shares");
  m.price = r.decimal("price");
  m.perm_id = r.integer("permId");
  m.client_id = r.integer("clientId");
  m.liquidation = static_cast<int>(r.integer("liquidation"));
  m.cum_qty = r.decimal("cumQty");
  m.avg_price = r.decimal("avgPrice");
  m.order_ref = r.text("orderRef");
  m.ev_rule = r.text("evRule");
  m.ev_multiplier = r.optional_number("evMultiplier");
  m.model_code = r.text("modelCode");
  m.last_liquidity = static_cast<int>(r.integer("lastLiquidity"));
  if (server_version >= 178) m.pending_price_revision = r.boolean("pendingPriceRevision");
  return done(r, std::move(m));
}

std::vector<std::string> split_accounts(const std::string& list) {
  std::vector<std::string> accounts;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) accounts.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return accounts;
}

}  // namespace

Expected<Response> decode_response(const Fields& fields, int server_version) {
  if (fields.empty()) return make_error(errc::malformed_frame, "message without fields");
  std::int64_t id = 0;
  {
    FieldReader head{fields, "message", 0};
    id = head.integer("message id");
    if (!head.ok()) return head.error();
  }
  switch (id) {
    case in_id::tick_price: {
      FieldReader r{fields, "tickPrice", 2};
      TickPrice m;
      m.req_id = r.integer("reqId");
      m.tick_type = static_cast<int>(r.integer("tickType"));
      m.price = r.number("price");
      m.size = r.optional_number("size");
      m.attr_mask = static_cast<int>(r.integer("attrMask"));
      return done(r, m);
    }
    case in_id::tick_size: {
      FieldReader r{fields, "tickSize", 2};
      TickSize m;
      m.req_id = r.integer("reqId");
      m.tick_type = static_cast<int>(r.integer("tickType"));
      m.size = r.optional_number("size");
      return done(r, m);
    }
    case in_id::order_status: {
      FieldReader r{fields, "orderStatus", 1};
      OrderStatus m;
      m.order_id = r.integer("orderId");
      m.status = r.text("status");
      m.filled = r.decimal("filled");
      m.remaining = r.decimal("remaining");
      m.avg_fill_price = r.decimal("avgFillPrice");
      m.perm_id = r.integer("permId");
      m.parent_id = r.integer("parentId");
      m.last_fill_price = r.decimal("lastFillPrice");
      m.client_id = r.integer("clientId");
      m.why_held = r.text("whyHeld");
      m.mkt_cap_price = r.optional_number("mktCapPrice");
      return done(r, std::move(m));
    }
    case in_id::error: {
      FieldReader r{fields, "error", 2};
      ErrorMessage m;
      m.id = r.integer("id");
      m.code = static_cast<int>(r.integer("errorCode"));
      m.message = r.text("errorString");
      if (server_version >= 166) m.advanced_order_reject_json = r.text("advancedOrderRejectJson");
      return done(r, std::move(m));
    }
    case in_id::open_order: {
      auto order = decode_open_order(fields, server_version);
      if (!order) return order.error();
      return Response{std::move(order.value())};
    }
    case in_id::next_valid_id: {
      FieldReader r{fields, "nextValidId", 2};
      NextValidId m;
      m.order_id = r.integer("orderId");
      return done(r, m);
    }
    case in_id::exec_details:
      return decode_exec_details(fields, server_version);
    case in_id::managed_accounts: {
      FieldReader r{fields, "managedAccounts", 2};
      ManagedAccounts m;
      m.accounts = split_accounts(r.text("accountsList"));
      return done(r, std::move(m));
    }
    case in_id::historical_data:
      return decode_historical_data(fields);
    case in_id::current_time: {
      FieldReader r{fields, "currentTime", 2};
      CurrentTime m;
      m.epoch_seconds = r.integer("time");
      return done(r, m);
    }
    case in_id::realtime_bar: {
      FieldReader r{fields, "realtimeBar", 2};
      RealtimeBar m;
      m.req_id = r.integer("reqId");
      m.time = r.integer("time");
      m.open = r.number("open");
      m.high = r.number("high");
      m.low = r.number("low");
      m.close = r.number("close");
      m.volume = r.number("volume");
      m.wap = r.number("WAP");
      m.count = r.integer("count");
      return done(r, m);
    }
    case in_id::open_order_end:
      return Response{OpenOrderEnd{}};
    case in_id::exec_details_end: {
      FieldReader r{fields, "execDetailsEnd", 2};
      ExecDetailsEnd m;
      m.req_id = r.integer("reqId");
      return done(r, m);
    }
    case in_id::commission_report: {
      FieldReader r{fields, "commissionReport", 2};
      CommissionReport m;
      m.exec_id = r.text("execId");
      m.commission = r.decimal("commission");
      m.currency = r.text("currency");
      m.realized_pnl = r.optional_decimal("realizedPNL");
      m.yield = r.optional_number("yield");
      m.yield_redemption_date = r.optional_integer("yieldRedemptionDate");
      return done(r, std::move(m));
    }
    case in_id::position: {
      FieldReader r{fields, "position", 2};
      Position m;
      m.account = r.text("account");
      m.contract = read_contract_without_primary(r);
      m.position = r.decimal("position");
      m.avg_cost = r.decimal("avgCost");
      return done(r, std::move(m));
    }
    case in_id::position_end:
      return Response{PositionEnd{}};
    default:
      return Response{Unknown{id, fields}};
  }
}

namespace {

FieldWriter head(int id, std::optional<int> version) {
  FieldWriter w;
  w.integer(id);
  if (version) w.integer(*version);
  return w;
}

struct Encoder {
  int server_version;

  Expected<std::string> operator()(const TickPrice& m) const {
    auto w = head(in_id::tick_price, kTickVersion);
    w.integer(m.req_id).integer(m.tick_type).number(m.price);
    if (m.size) {
      w.number(*m.size);
    } else {
      w.empty();
    }
    w.integer(m.attr_mask);
    return w.frame();
  }
  Expected<std::string> operator()(const TickSize& m) const {
    auto w = head(in_id::tick_size, kTickVersion);
    w.integer(m.req_id).integer(m.tick_type);
    if (m.size) {
      w.number(*m.size);
    } else {
      w.empty();
    }
    return w.frame();
  }
  Expected<std::string> operator()(const OrderStatus& m) const {
    auto w = head(in_id::order_status, std::nullopt);
    w.integer(m.order_id)
        .text(m.status, "status")
        .decimal(m.filled)
        .decimal(m.remaining)
        .decimal(m.avg_fill_price)
        .integer(m.perm_id)
        .integer(m.parent_id)
        .decimal(m.last_fill_price)
        .integer(m.client_id)
        .text(m.why_held, "whyHeld");
    if (m.mkt_cap_price) {
      w.number(*m.mkt_cap_price);
    } else {
      w.integer(0);
    }
    return w.frame();
  }
  Expected<std::string> operator()(const ErrorMessage& m) const {
    auto w = head(in_id::error, kErrorVersion);
    w.integer(m.id).integer(m.code).text(m.message, "errorString");
    if (server_version >= 166) w.text(m.advanced_order_reject_json, "advancedOrderRejectJson");
    return w.frame();
  }
  Expected<std::string> operator()(const OpenOrder& m) const {
    return encode_open_order(m, server_version);
  }
  Expected<std::string> operator()(const NextValidId& m) const {
    auto w = head(in_id::next_valid_id, 1);
    w.integer(m.order_id);
    return w.frame();
  }
  Expected<std::string> operator()(const ExecDetails& m) const {
    auto w = head(in_id::exec_details, std::nullopt);
    w.integer(m.req_id).integer(m.order_id);
    write_contract_without_primary(w, m.contract);
    w.text(m.exec_id, "execId")
        .text(m.time, "time")
        .text(m.account, "acctNumber")
        .text(m.exchange, "exchange")
        .text(m.side, "side")
        .decimal(m.shares)
        .decimal(m.price)
        .integer(m.perm_id)
        .integer(m.client_id)
        .integer(m.liquidation)
        .decimal(m.cum_qty)
        .decimal(m.avg_price)
        .text(m.order_ref, "orderRef")
        .text(m.ev_rule, "evRule");
    if (m.ev_multiplier) {
      w.number(*m.ev_multiplier);
    } else {
      w.empty();
    }
    w.text(m.model_code, "modelCode").integer(m.last_liquidity);
    if (server_version >= 178) w.boolean(m.pending_price_revision);
    return w.frame();
  }
  Expected<std::string> operator()(const ManagedAccounts& m) const {
    std::string list;
    for (const auto& account : m.accounts) {
      if (!list.empty()) list += ',';
      list += account;
    }
    auto w = head(in_id::managed_accounts, 1);
    w.text(list, "accountsList");
    return w.frame();
  }
  Expected<std::string> operator()(const HistoricalData& m) const {
    auto w = head(in_id::historical_data, std::nullopt);
    w.integer(m.req_id)
        .text(m.start_date, "startDate")
        .text(m.end_date, "endDate")
        .integer(static_cast<std::int64_t>(m.bars.size()));
    for (const auto& bar : m.bars) {
      w.text(bar.date, "date")
          .number(bar.open)
          .number(bar.high)
          .number(bar.low)
          .number(bar.close)
          .number(bar.volume)
          .number(bar.wap)
          .integer(bar.bar_count);
    }
    return w.frame();
  }
  Expected<std::string> operator()(const CurrentTime& m) const {
    auto w = head(in_id::current_time, 1);
    w.integer(m.epoch_seconds);
    return w.frame();
  }
  Expected<std::string> operator()(const RealtimeBar& m) const {
    auto w = head(in_id::realtime_bar, kRealtimeBarVersion);
    w.integer(m.req_id)
        .integer(m.time)
        .number(m.open)
        .number(m.high)
        .number(m.low)
        .number(m.close)
        .number(m.volume)
        .number(m.wap)
        .integer(m.count);
    return w.frame();
  }
  Expected<std::string> operator()(const OpenOrderEnd&) const {
    return head(in_id::open_order_end, 1).frame();
  }
  Expected<std::string> operator()(const ExecDetailsEnd& m) const {
    auto w = head(in_id::exec_details_end, 1);
    w.integer(m.req_id);
    return w.frame();
  }
  Expected<std::string> operator()(const CommissionReport& m) const {
    auto w = head(in_id::commission_report, 1);
    w.text(m.exec_id, "execId").decimal(m.commission).text(m.currency, "currency");
    if (m.realized_pnl) {
      w.decimal(*m.realized_pnl);
    } else {
      w.text(kUnsetDoubleText);
    }
    if (m.yield) {
      w.number(*m.yield);
    } else {
      w.text(kUnsetDoubleText);
    }
    w.optional_integer(m.yield_redemption_date);
    return w.frame();
  }
  Expected<std::string> operator()(const Position& m) const {
    auto w = head(in_id::position, kPositionVersion);
    w.text(m.account, "account");
    write_contract_without_primary(w, m.contract);
    w.decimal(m.position).decimal(m.avg_cost);
    return w.frame();
  }
  Expected<std::string> operator()(const PositionEnd&) const {
    return head(in_id::position_end, 1).frame();
  }
  Expected<std::string> operator()(const Unknown& m) const {
    FieldWriter w;
    for (const auto& field : m.fields) w.text(field, "field");
    if (m.fields.empty()) w.integer(m.id);
    return w.frame();
  }
};

}  // namespace

Expected<std::string> encode_response(const Response& response, int server_version) {
  return std::visit(Encoder{server_version}, response);
}

}  // namespace autotrader::ibkr
