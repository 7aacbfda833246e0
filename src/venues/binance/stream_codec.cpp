#include "venues/binance/stream_codec.hpp"

#include <string>

#include "venues/binance/json_scanner.hpp"

namespace autotrader::binance {
namespace {

using detail::JsonScanner;

// Which fields of a kline object were present, as bits.
enum KlineBit : unsigned {
  k_t = 1u << 0,
  k_T = 1u << 1,
  k_s = 1u << 2,
  k_i = 1u << 3,
  k_o = 1u << 4,
  k_c = 1u << 5,
  k_h = 1u << 6,
  k_l = 1u << 7,
  k_v = 1u << 8,
  k_x = 1u << 9,
};
constexpr unsigned kKlineRequired = k_t | k_T | k_s | k_i | k_o | k_c | k_h | k_l | k_v | k_x;

struct KlineFields {
  unsigned present = 0;
  std::int64_t open_time = 0, close_time = 0, trades = 0;
  std::string_view symbol, interval;
  double open = 0, close = 0, high = 0, low = 0, volume = 0, quote_volume = 0;
  bool closed = false;
};

// The fields of one event payload (raw, or the "data" of a combined-stream frame). The top level
// of a frame may also hold the wrapper and control-reply fields.
struct EventFields {
  std::string_view type, symbol, stream;
  bool has_type = false, has_symbol = false, has_event_time = false;
  std::int64_t event_time = 0;
  // trade
  bool has_trade_id = false, has_price = false, has_quantity = false, has_trade_time = false;
  std::int64_t trade_id = 0, trade_time = 0;
  double price = 0, quantity = 0;
  bool buyer_is_maker = false;
  // kline
  bool has_kline = false;
  KlineFields kline;
  // wrapper and control
  bool has_data = false, has_result = false, has_code = false, has_msg = false;
  std::optional<std::int64_t> id;
  std::int64_t code = 0;
  std::string_view msg;
};

// A read that failed: which field, to say so in the error.
struct Failure {
  std::string_view field;
  bool wrong = false;
};

bool failed_at(Failure& failure, std::string_view field) {
  failure = {field, true};
  return false;
}

bool read_kline(JsonScanner& s, KlineFields& k, Failure& failure) {
  if (!s.begin_object()) return false;
  std::string_view key;
  while (s.next_member(key)) {
    bool ok = true;
    if (key.size() != 1) {
      ok = s.skip_value();
    } else {
      switch (key[0]) {
        case 't':
          k.present |= k_t;
          ok = s.read_int(k.open_time);
          break;
        case 'T':
          k.present |= k_T;
          ok = s.read_int(k.close_time);
          break;
        case 's':
          k.present |= k_s;
          ok = s.read_string(k.symbol);
          break;
        case 'i':
          k.present |= k_i;
          ok = s.read_string(k.interval);
          break;
        case 'o':
          k.present |= k_o;
          ok = s.read_decimal(k.open);
          break;
        case 'c':
          k.present |= k_c;
          ok = s.read_decimal(k.close);
          break;
        case 'h':
          k.present |= k_h;
          ok = s.read_decimal(k.high);
          break;
        case 'l':
          k.present |= k_l;
          ok = s.read_decimal(k.low);
          break;
        case 'v':
          k.present |= k_v;
          ok = s.read_decimal(k.volume);
          break;
        case 'q':
          ok = s.read_decimal(k.quote_volume);
          break;
        case 'n':
          ok = s.read_int(k.trades);
          break;
        case 'x':
          k.present |= k_x;
          ok = s.read_bool(k.closed);
          break;
        default:
          ok = s.skip_value();
      }
    }
    if (!ok) {
      failure = {key, true};
      return false;
    }
  }
  return !s.failed();
}

// Reads one member of an event payload; false when its value is malformed or of the wrong type.
bool read_event_member(JsonScanner& s, std::string_view key, EventFields& f, Failure& failure) {
  bool ok = true;
  if (key.size() == 1) {
    switch (key[0]) {
      case 'e':
        f.has_type = true;
        ok = s.read_string(f.type);
        break;
      case 'E':
        f.has_event_time = true;
        ok = s.read_int(f.event_time);
        break;
      case 's':
        f.has_symbol = true;
        ok = s.read_string(f.symbol);
        break;
      case 't':
        f.has_trade_id = true;
        ok = s.read_int(f.trade_id);
        break;
      case 'p':
        f.has_price = true;
        ok = s.read_decimal(f.price);
        break;
      case 'q':
        f.has_quantity = true;
        ok = s.read_decimal(f.quantity);
        break;
      case 'T':
        f.has_trade_time = true;
        ok = s.read_int(f.trade_time);
        break;
      case 'm':
        ok = s.read_bool(f.buyer_is_maker);
        break;
      case 'k':
        f.has_kline = true;
        if (!read_kline(s, f.kline, failure)) {
          if (failure.field.empty()) failure = {key, true};
          return false;
        }
        return true;
      default:
        // Every payload we do not use (aggTrade, depth, bookTicker) has more one-letter fields;
        // the types of those are not our business.
        ok = s.skip_value();
    }
  } else {
    ok = s.skip_value();
  }
  if (!ok) failure = {key, true};
  return ok;
}

bool read_payload(JsonScanner& s, EventFields& f, Failure& failure) {
  if (!s.begin_object()) {
    failure = {"data", true};
    return false;
  }
  std::string_view key;
  while (s.next_member(key)) {
    if (!read_event_member(s, key, f, failure)) return false;
  }
  return !s.failed();
}

bool read_top_member(JsonScanner& s, std::string_view key, EventFields& top, EventFields& data,
                     Failure& failure) {
  if (key == "stream") {
    if (!s.read_string(top.stream)) return failed_at(failure, key);
    return true;
  }
  if (key == "data") {
    top.has_data = true;
    return read_payload(s, data, failure);
  }
  if (key == "result") {
    top.has_result = true;
    return s.skip_value() || failed_at(failure, key);
  }
  if (key == "id") {
    if (s.peek() == JsonScanner::Kind::number) {
      std::int64_t id = 0;
      if (!s.read_int(id)) return failed_at(failure, key);
      top.id = id;
      return true;
    }
    return s.skip_value() || failed_at(failure, key);
  }
  if (key == "code") {
    top.has_code = true;
    return s.read_int(top.code) || failed_at(failure, key);
  }
  if (key == "msg") {
    top.has_msg = true;
    return s.read_string(top.msg) || failed_at(failure, key);
  }
  return read_event_member(s, key, top, failure);
}

Error missing(std::string_view what, std::string_view field) {
  return make_error(errc::missing_field,
                    std::string{what} + ": field '" + std::string{field} + "' is missing");
}

Error invalid(std::string_view what, std::string_view field, std::string_view why) {
  return make_error(errc::invalid_field,
                    std::string{what} + ": field '" + std::string{field} + "' " + std::string{why});
}

Expected<StreamEvent> make_kline(const EventFields& f) {
  const KlineFields& k = f.kline;
  if ((k.present & kKlineRequired) != kKlineRequired) {
    static constexpr std::pair<unsigned, const char*> kNames[] = {
        {k_t, "k.t"}, {k_T, "k.T"}, {k_s, "k.s"}, {k_i, "k.i"}, {k_o, "k.o"},
        {k_c, "k.c"}, {k_h, "k.h"}, {k_l, "k.l"}, {k_v, "k.v"}, {k_x, "k.x"}};
    for (const auto& [bit, name] : kNames) {
      if ((k.present & bit) == 0) return missing("kline", name);
    }
  }
  auto symbol = core::Symbol::parse(k.symbol);
  if (!symbol) return invalid("kline", "k.s", "is not a symbol");
  if (f.has_symbol && f.symbol != k.symbol) return invalid("kline", "s", "differs from k.s");
  auto interval = core::parse_interval(k.interval);
  if (!interval) return invalid("kline", "k.i", "is not a kline interval");
  if (k.close_time < k.open_time) return invalid("kline", "k.T", "is before k.t");
  KlineEvent event;
  event.event_time = f.event_time;
  core::Candle& c = event.candle;
  c.symbol = *symbol;
  c.interval = *interval;
  c.open_time = k.open_time;
  c.close_time = k.close_time;
  c.open = k.open;
  c.high = k.high;
  c.low = k.low;
  c.close = k.close;
  c.volume = k.volume;
  c.quote_volume = k.quote_volume;
  c.trades = k.trades;
  c.closed = k.closed;
  return StreamEvent{event};
}

Expected<StreamEvent> make_trade(const EventFields& f) {
  if (!f.has_symbol) return missing("trade", "s");
  if (!f.has_trade_id) return missing("trade", "t");
  if (!f.has_price) return missing("trade", "p");
  if (!f.has_quantity) return missing("trade", "q");
  if (!f.has_trade_time) return missing("trade", "T");
  auto symbol = core::Symbol::parse(f.symbol);
  if (!symbol) return invalid("trade", "s", "is not a symbol");
  TradeEvent event;
  event.event_time = f.event_time;
  event.trade.symbol = *symbol;
  event.trade.time = f.trade_time;
  event.trade.id = f.trade_id;
  event.trade.price = f.price;
  event.trade.quantity = f.quantity;
  event.trade.buyer_is_maker = f.buyer_is_maker;
  return StreamEvent{event};
}

Expected<StreamEvent> interpret(const EventFields& top, const EventFields& f) {
  if (f.has_type) {
    if (f.type == "kline") {
      if (!f.has_kline) return missing("kline", "k");
      return make_kline(f);
    }
    if (f.type == "trade") return make_trade(f);
    if (f.type == "serverShutdown") return StreamEvent{ServerShutdownEvent{f.event_time}};
    return StreamEvent{OtherEvent{std::string{f.type}}};
  }
  if (top.has_data) {
    if (top.stream == "!serverShutdown") return StreamEvent{ServerShutdownEvent{f.event_time}};
    return StreamEvent{OtherEvent{std::string{top.stream}}};
  }
  if (top.has_result) return StreamEvent{ControlReply{top.id}};
  if (top.has_code && top.has_msg) return StreamEvent{StreamError{top.code, std::string{top.msg}}};
  if (top.has_code) return missing("error", "msg");
  return make_error(errc::unexpected_shape, "frame is no event, control reply or error");
}

}  // namespace

Expected<StreamEvent> decode_stream_frame(std::string_view frame) {
  JsonScanner s{frame};
  EventFields top;
  EventFields data;
  Failure failure;
  bool ok = s.begin_object();
  if (ok) {
    std::string_view key;
    while (ok && s.next_member(key)) ok = read_top_member(s, key, top, data, failure);
    ok = ok && !s.failed() && s.finish();
  }
  if (!ok) {
    std::string where = " at offset " + std::to_string(s.offset());
    // Running out of input is truncation, whichever field it happened in.
    if (failure.wrong && !failure.field.empty() && s.offset() < frame.size()) {
      return make_error(errc::invalid_field, "field '" + std::string{failure.field} +
                                                 "' is malformed or of the wrong type" + where);
    }
    return make_error(errc::malformed_json, "not a JSON object" + where);
  }
  return interpret(top, top.has_data ? data : top);
}

}  // namespace autotrader::binance
