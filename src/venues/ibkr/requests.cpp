#include "venues/ibkr/requests.hpp"

#include <type_traits>

namespace autotrader::ibkr {

const char* to_string(Action action) {
  return action == Action::sell ? "SELL" : "BUY";
}

const char* to_string(OrderType type) {
  switch (type) {
    case OrderType::market:
      return "MKT";
    case OrderType::limit:
      return "LMT";
    case OrderType::stop:
      return "STP";
    case OrderType::stop_limit:
      return "STP LMT";
  }
  return "MKT";
}

std::optional<Action> parse_action(std::string_view text) {
  if (text == "BUY") return Action::buy;
  if (text == "SELL") return Action::sell;
  return std::nullopt;
}

std::optional<OrderType> parse_order_type(std::string_view text) {
  if (text == "MKT") return OrderType::market;
  if (text == "LMT") return OrderType::limit;
  if (text == "STP") return OrderType::stop;
  if (text == "STP LMT") return OrderType::stop_limit;
  return std::nullopt;
}

namespace {

Expected<std::string> invalid(const std::string& why) {
  return make_error(errc::invalid_field, why);
}

// Field positions of placeOrder (server 157..178, non-BAG, no algo, no conditions): the 0-based
// index of the fields after hidden (34) that are not empty in @stoqey/ib's frames.
Expected<std::string> encode_place_order(const PlaceOrder& p, int server_version) {
  const Order& o = p.order;
  if (o.total_quantity.is_negative() || o.total_quantity.is_zero()) {
    return invalid("placeOrder: totalQuantity must be positive");
  }
  const bool needs_limit =
      o.order_type == OrderType::limit || o.order_type == OrderType::stop_limit;
  const bool needs_stop = o.order_type == OrderType::stop || o.order_type == OrderType::stop_limit;
  if (needs_limit != o.lmt_price.has_value()) {
    return invalid(std::string{"placeOrder: "} + to_string(o.order_type) +
                   (needs_limit ? " needs" : " takes no") + " lmtPrice");
  }
  if (needs_stop != o.aux_price.has_value()) {
    return invalid(std::string{"placeOrder: "} + to_string(o.order_type) +
                   (needs_stop ? " needs" : " takes no") + " auxPrice (stop price)");
  }
  FieldWriter w;
  w.integer(out_id::place_order).integer(p.order_id);  // no version field at server >= 145
  write_contract(w, p.contract);
  w.empty(2);  // secIdType, secId
  w.text(to_string(o.action))
      .decimal(o.total_quantity)
      .text(to_string(o.order_type))
      .optional_decimal(o.lmt_price)
      .optional_decimal(o.aux_price)
      .text(o.tif, "tif")
      .text(o.oca_group, "ocaGroup")
      .text(o.account, "account")
      .empty(2)  // openClose, origin
      .text(o.order_ref, "orderRef")
      .boolean(o.transmit)
      .integer(o.parent_id)
      .empty(4)  // blockOrder, sweepToFill, displaySize, triggerMethod
      .boolean(o.outside_rth)
      .empty(1)   // hidden
      .empty(7);  // deprecated sharesAllocation, discretionaryAmt, goodAfterTime, goodTillDate,
                  // faGroup, faMethod, faPercentage
  if (server_version < 177) w.empty(1);  // faProfile, desupported at 177
  // modelCode .. deltaNeutralAuxPrice (24), continuousUpdate .. scalePriceIncrement (7),
  // scaleTable, activeStartTime, activeStopTime, hedgeType, optOutSmartRouting, clearingAccount,
  // clearingIntent, notHeld (8)
  w.empty(24 + 7 + 8);
  w.boolean(false);  // deltaNeutralContract present
  // algoStrategy, algoId, whatIf, orderMiscOptions, solicited, randomizeSize, randomizePrice
  w.empty(7);
  w.integer(0);  // number of conditions
  // adjustedOrderType .. usePriceMgmtAlgo (19)
  w.empty(19);
  if (server_version >= 158) w.empty(1);  // duration
  if (server_version >= 160) w.empty(1);  // postToAts
  if (server_version >= 162) w.empty(1);  // autoCancelParent
  if (server_version >= 166) w.empty(1);  // advancedErrorOverride
  if (server_version >= 169) w.empty(1);  // manualOrderTime
  // >= 170 adds fields only for IBKRATS, PEG BEST and PEG MID orders, which we do not send.
  return w.frame();
}

Expected<std::string> encode(const StartApi& m, int) {
  FieldWriter w;
  w.integer(out_id::start_api).integer(2).integer(m.client_id);
  w.text(m.optional_capabilities, "optionalCapabilities");
  return w.frame();
}

Expected<std::string> encode(const ReqMktData& m, int) {
  FieldWriter w;
  w.integer(out_id::req_mkt_data).integer(11).integer(m.req_id);
  write_contract(w, m.contract);
  w.boolean(false);  // deltaNeutralContract present
  w.text(m.generic_tick_list, "genericTickList")
      .boolean(m.snapshot)
      .boolean(m.regulatory_snapshot)
      .empty();  // mktDataOptions
  return w.frame();
}

Expected<std::string> encode(const CancelMktData& m, int) {
  FieldWriter w;
  w.integer(out_id::cancel_mkt_data).integer(2).integer(m.req_id);
  return w.frame();
}

Expected<std::string> encode(const PlaceOrder& m, int server_version) {
  return encode_place_order(m, server_version);
}

Expected<std::string> encode(const CancelOrder& m, int server_version) {
  FieldWriter w;
  w.integer(out_id::cancel_order).integer(1).integer(m.order_id);
  if (server_version >= 169) w.text(m.manual_order_cancel_time, "manualOrderCancelTime");
  return w.frame();
}

Expected<std::string> encode(const ReqOpenOrders&, int) {
  FieldWriter w;
  w.integer(out_id::req_open_orders).integer(1);
  return w.frame();
}

Expected<std::string> encode(const ReqExecutions& m, int) {
  const ExecutionFilter& f = m.filter;
  FieldWriter w;
  w.integer(out_id::req_executions).integer(3).integer(m.req_id);
  w.optional_integer(f.client_id)
      .text(f.account, "acctCode")
      .text(f.time, "time")
      .text(f.symbol, "symbol")
      .text(f.sec_type, "secType")
      .text(f.exchange, "exchange")
      .text(f.side, "side");
  return w.frame();
}

Expected<std::string> encode(const ReqIds& m, int) {
  FieldWriter w;
  w.integer(out_id::req_ids).integer(1).integer(m.num_ids);
  return w.frame();
}

Expected<std::string> encode(const ReqHistoricalData& m, int) {
  FieldWriter w;
  w.integer(out_id::req_historical_data).integer(m.req_id);  // no version field
  write_contract(w, m.contract);
  w.boolean(false)  // includeExpired
      .text(m.end_date_time, "endDateTime")
      .text(m.bar_size, "barSizeSetting")
      .text(m.duration, "durationStr")
      .boolean(m.use_rth)
      .text(m.what_to_show, "whatToShow")
      .integer(m.format_date)
      .boolean(m.keep_up_to_date)
      .empty();  // chartOptions
  return w.frame();
}

Expected<std::string> encode(const CancelHistoricalData& m, int) {
  FieldWriter w;
  w.integer(out_id::cancel_historical_data).integer(1).integer(m.req_id);
  return w.frame();
}

Expected<std::string> encode(const ReqCurrentTime&, int) {
  FieldWriter w;
  w.integer(out_id::req_current_time).integer(1);
  return w.frame();
}

Expected<std::string> encode(const ReqRealTimeBars& m, int) {
  FieldWriter w;
  w.integer(out_id::req_real_time_bars).integer(3).integer(m.req_id);
  write_contract(w, m.contract);
  w.integer(m.bar_size).text(m.what_to_show, "whatToShow").boolean(m.use_rth).empty();
  return w.frame();
}

Expected<std::string> encode(const CancelRealTimeBars& m, int) {
  FieldWriter w;
  w.integer(out_id::cancel_real_time_bars).integer(1).integer(m.req_id);
  return w.frame();
}

Expected<std::string> encode(const ReqPositions&, int) {
  FieldWriter w;
  w.integer(out_id::req_positions).integer(1);
  return w.frame();
}

Expected<std::string> encode(const UnknownRequest& m, int) {
  FieldWriter w;
  for (const auto& field : m.fields) w.text(field, "field");
  if (m.fields.empty()) w.integer(m.id);
  return w.frame();
}

// placeOrder as the fake reads it: the fields up to outsideRth by position, the rest skipped.
Expected<Request> decode_place_order(FieldReader& r) {
  PlaceOrder p;
  p.order_id = r.integer("orderId");
  p.contract = read_contract(r);
  r.skip(2, "secIdType, secId");
  const std::string action = r.text("action");
  p.order.total_quantity = r.decimal("totalQuantity");
  const std::string type = r.text("orderType");
  p.order.lmt_price = r.optional_decimal("lmtPrice");
  p.order.aux_price = r.optional_decimal("auxPrice");
  p.order.tif = r.text("tif");
  p.order.oca_group = r.text("ocaGroup");
  p.order.account = r.text("account");
  r.skip(2, "openClose, origin");
  p.order.order_ref = r.text("orderRef");
  p.order.transmit = r.boolean("transmit");
  p.order.parent_id = r.integer("parentId");
  r.skip(4, "blockOrder, sweepToFill, displaySize, triggerMethod");
  p.order.outside_rth = r.boolean("outsideRth");
  if (!r.ok()) return r.error();
  const auto parsed_action = parse_action(action);
  const auto parsed_type = parse_order_type(type);
  if (!parsed_action) {
    return make_error(errc::invalid_field, "placeOrder: action '" + action + "' is not BUY/SELL");
  }
  if (!parsed_type) {
    return make_error(errc::invalid_field, "placeOrder: orderType '" + type + "' is not supported");
  }
  p.order.action = *parsed_action;
  p.order.order_type = *parsed_type;
  return Request{std::move(p)};
}

template <class T>
Expected<Request> done(FieldReader& r, T value) {
  if (!r.ok()) return r.error();
  return Request{std::move(value)};
}

}  // namespace

Expected<std::string> encode_request(const Request& request, int server_version) {
  return std::visit([&](const auto& m) { return encode(m, server_version); }, request);
}

Expected<Request> decode_request(const Fields& fields, int server_version) {
  if (fields.empty()) return make_error(errc::malformed_frame, "request without fields");
  std::int64_t id = 0;
  {
    FieldReader head{fields, "request", 0};
    id = head.integer("message id");
    if (!head.ok()) return head.error();
  }
  switch (id) {
    case out_id::start_api: {
      FieldReader r{fields, "startApi", 2};
      StartApi m;
      m.client_id = r.integer("clientId");
      // optionalCapabilities is absent from old clients; empty then.
      if (r.remaining() > 0) m.optional_capabilities = r.text("optionalCapabilities");
      return done(r, std::move(m));
    }
    case out_id::req_mkt_data: {
      FieldReader r{fields, "reqMktData", 2};
      ReqMktData m;
      m.req_id = r.integer("reqId");
      m.contract = read_contract(r);
      if (r.boolean("deltaNeutralContract")) r.skip(3, "deltaNeutralContract");
      m.generic_tick_list = r.text("genericTickList");
      m.snapshot = r.boolean("snapshot");
      m.regulatory_snapshot = r.boolean("regulatorySnapshot");
      return done(r, std::move(m));
    }
    case out_id::cancel_mkt_data: {
      FieldReader r{fields, "cancelMktData", 2};
      CancelMktData m;
      m.req_id = r.integer("reqId");
      return done(r, m);
    }
    case out_id::place_order: {
      FieldReader r{fields, "placeOrder", 1};
      return decode_place_order(r);
    }
    case out_id::cancel_order: {
      FieldReader r{fields, "cancelOrder", 2};
      CancelOrder m;
      m.order_id = r.integer("orderId");
      if (server_version >= 169 && r.remaining() > 0) {
        m.manual_order_cancel_time = r.text("manualOrderCancelTime");
      }
      return done(r, std::move(m));
    }
    case out_id::req_open_orders:
      return Request{ReqOpenOrders{}};
    case out_id::req_executions: {
      FieldReader r{fields, "reqExecutions", 2};
      ReqExecutions m;
      m.req_id = r.integer("reqId");
      m.filter.client_id = r.optional_integer("clientId");
      m.filter.account = r.text("acctCode");
      m.filter.time = r.text("time");
      m.filter.symbol = r.text("symbol");
      m.filter.sec_type = r.text("secType");
      m.filter.exchange = r.text("exchange");
      m.filter.side = r.text("side");
      return done(r, std::move(m));
    }
    case out_id::req_ids: {
      FieldReader r{fields, "reqIds", 2};
      ReqIds m;
      m.num_ids = r.integer("numIds");
      return done(r, m);
    }
    case out_id::req_historical_data: {
      FieldReader r{fields, "reqHistoricalData", 1};
      ReqHistoricalData m;
      m.req_id = r.integer("reqId");
      m.contract = read_contract(r);
      r.skip(1, "includeExpired");
      m.end_date_time = r.text("endDateTime");
      m.bar_size = r.text("barSizeSetting");
      m.duration = r.text("durationStr");
      m.use_rth = r.boolean("useRTH");
      m.what_to_show = r.text("whatToShow");
      m.format_date = static_cast<int>(r.integer("formatDate"));
      m.keep_up_to_date = r.boolean("keepUpToDate");
      return done(r, std::move(m));
    }
    case out_id::cancel_historical_data: {
      FieldReader r{fields, "cancelHistoricalData", 2};
      CancelHistoricalData m;
      m.req_id = r.integer("reqId");
      return done(r, m);
    }
    case out_id::req_current_time:
      return Request{ReqCurrentTime{}};
    case out_id::req_real_time_bars: {
      FieldReader r{fields, "reqRealTimeBars", 2};
      ReqRealTimeBars m;
      m.req_id = r.integer("reqId");
      m.contract = read_contract(r);
      m.bar_size = static_cast<int>(r.integer("barSize"));
      m.what_to_show = r.text("whatToShow");
      m.use_rth = r.boolean("useRTH");
      return done(r, std::move(m));
    }
    case out_id::cancel_real_time_bars: {
      FieldReader r{fields, "cancelRealTimeBars", 2};
      CancelRealTimeBars m;
      m.req_id = r.integer("reqId");
      return done(r, m);
    }
    case out_id::req_positions:
      return Request{ReqPositions{}};
    default:
      return Request{UnknownRequest{id, fields}};
  }
}

}  // namespace autotrader::ibkr
