#include "venues/paper/state_json.hpp"

#include <utility>

#include "venues/paper/client_order_id.hpp"

namespace autotrader::paper {
namespace {

using core::Decimal;
using nlohmann::json;

void put_protection(json& out, const std::optional<Protection>& protection) {
  if (!protection) return;
  out["stop_loss"] = protection->stop_loss.to_string();
  out["take_profit"] = protection->take_profit.to_string();
}

// Reads one object's fields; the first failure is kept in `error` and later reads are no-ops.
class Reader {
 public:
  Reader(const json& object, std::string where, std::string& error)
      : object_{object}, where_{std::move(where)}, error_{error} {
    if (!object_.is_object()) fail("", "is not an object");
  }

  bool ok() const { return error_.empty(); }

  const json* field(const char* name) {
    if (!ok()) return nullptr;
    const auto it = object_.find(name);
    if (it == object_.end()) {
      fail(name, "is missing");
      return nullptr;
    }
    return &*it;
  }

  Decimal decimal(const char* name) {
    const json* value = field(name);
    if (value == nullptr) return {};
    const auto* text = value->get_ptr<const std::string*>();
    const auto parsed = text ? Decimal::parse(*text) : std::nullopt;
    if (!parsed) fail(name, "is not a decimal string");
    return parsed.value_or(Decimal{});
  }

  Decimal non_negative(const char* name) {
    const Decimal value = decimal(name);
    if (ok() && value.is_negative()) fail(name, "is negative");
    return value;
  }

  std::string text(const char* name) {
    const json* value = field(name);
    if (value == nullptr) return {};
    const auto* text = value->get_ptr<const std::string*>();
    if (text == nullptr) fail(name, "is not a string");
    return text ? *text : std::string{};
  }

  std::int64_t integer(const char* name) {
    const json* value = field(name);
    if (value == nullptr) return 0;
    if (!value->is_number_integer()) {
      fail(name, "is not an integer");
      return 0;
    }
    // A huge unsigned value would wrap; reject it rather than read a negative.
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX) {
      fail(name, "is out of range");
      return 0;
    }
    return value->get<std::int64_t>();
  }

  core::Symbol symbol(const char* name) {
    const std::string value = text(name);
    if (!ok()) return {};
    const auto parsed = core::Symbol::parse(value);
    if (!parsed) fail(name, "is not a symbol");
    return parsed.value_or(core::Symbol{});
  }

  // Both "stop_loss" and "take_profit", or neither (required = false).
  std::optional<Protection> protection(bool required) {
    if (!ok()) return std::nullopt;
    const bool has = object_.contains("stop_loss") || object_.contains("take_profit");
    if (!has && !required) return std::nullopt;
    Protection p{decimal("stop_loss"), decimal("take_profit")};
    if (ok() && (p.stop_loss <= Decimal{} || p.stop_loss >= p.take_profit)) {
      fail("stop_loss", "is not between 0 and take_profit");
    }
    if (!ok()) return std::nullopt;
    return p;
  }

  void fail(const std::string& name, const char* what) {
    if (!ok()) return;
    error_ = where_ + (name.empty() ? "" : "." + name) + " " + what;
  }

 private:
  const json& object_;
  std::string where_;
  std::string& error_;
};

std::optional<Position> read_position(const json& j, std::string where, std::string& error) {
  Reader r{j, std::move(where), error};
  Position p;
  p.symbol = r.symbol("symbol");
  p.quantity = r.decimal("quantity");
  if (r.ok() && p.quantity <= Decimal{}) r.fail("quantity", "is not positive");
  p.average_entry_price = r.non_negative("average_entry_price");
  p.protection = r.protection(false);
  p.decision_id = r.text("decision_id");
  p.opened_ms = r.integer("opened_ms");
  if (!r.ok()) return std::nullopt;
  return p;
}

std::optional<Order> read_order(const json& j, std::string where, std::string& error) {
  Reader r{j, std::move(where), error};
  Order o;
  o.client_order_id = r.text("client_order_id");
  if (r.ok() && !is_valid_client_order_id(o.client_order_id)) {
    r.fail("client_order_id", "is not a valid client order id");
  }
  o.decision_id = r.text("decision_id");
  o.symbol = r.symbol("symbol");
  const auto side = parse_side(r.text("side"));
  if (r.ok() && !side) r.fail("side", "is not BUY or SELL");
  o.side = side.value_or(Side::buy);
  o.quantity = r.decimal("quantity");
  if (r.ok() && o.quantity <= Decimal{}) r.fail("quantity", "is not positive");
  o.filled_quantity = r.non_negative("filled_quantity");
  if (r.ok() && o.filled_quantity > o.quantity) r.fail("filled_quantity", "exceeds quantity");
  o.filled_quote = r.non_negative("filled_quote");
  o.fees = r.non_negative("fees");
  const auto status = parse_order_status(r.text("status"));
  if (r.ok() && !status) r.fail("status", "is not an order status");
  o.status = status.value_or(OrderStatus::open);
  if (r.ok() && o.status == OrderStatus::filled && o.filled_quantity != o.quantity) {
    r.fail("filled_quantity", "is not the quantity of a FILLED order");
  }
  if (r.ok() && o.status == OrderStatus::open && !o.filled_quantity.is_zero()) {
    r.fail("filled_quantity", "is not zero for a NEW order");
  }
  o.protection = r.protection(false);
  if (r.ok() && o.side == Side::buy && !is_terminal(o.status) && !o.protection) {
    r.fail("stop_loss", "is missing on an open BUY");
  }
  o.created_ms = r.integer("created_ms");
  o.updated_ms = r.integer("updated_ms");
  if (!r.ok()) return std::nullopt;
  return o;
}

}  // namespace

json to_json(const PaperBrokerState& state) {
  json out = json::object();
  out["version"] = state_json_version;
  out["quote_balance"] = state.quote_balance.to_string();
  out["next_trade_id"] = state.next_trade_id;
  json positions = json::array();
  for (const auto& p : state.positions) {
    json item = {{"symbol", p.symbol.str()},
                 {"quantity", p.quantity.to_string()},
                 {"average_entry_price", p.average_entry_price.to_string()},
                 {"decision_id", p.decision_id},
                 {"opened_ms", p.opened_ms}};
    put_protection(item, p.protection);
    positions.push_back(std::move(item));
  }
  out["positions"] = std::move(positions);
  json orders = json::array();
  for (const auto& o : state.orders) {
    json item = {{"client_order_id", o.client_order_id},
                 {"decision_id", o.decision_id},
                 {"symbol", o.symbol.str()},
                 {"side", to_string(o.side)},
                 {"quantity", o.quantity.to_string()},
                 {"filled_quantity", o.filled_quantity.to_string()},
                 {"filled_quote", o.filled_quote.to_string()},
                 {"fees", o.fees.to_string()},
                 {"status", to_string(o.status)},
                 {"created_ms", o.created_ms},
                 {"updated_ms", o.updated_ms}};
    put_protection(item, o.protection);
    orders.push_back(std::move(item));
  }
  out["orders"] = std::move(orders);
  json prices = json::object();
  for (const auto& [symbol, price] : state.last_prices) prices[symbol.str()] = price.to_string();
  out["last_prices"] = std::move(prices);
  return out;
}

std::optional<PaperBrokerState> state_from_json(const json& j, std::string& error) {
  error.clear();
  Reader r{j, "state", error};
  if (r.integer("version") != state_json_version && r.ok()) {
    r.fail("version", "is not a supported version");
  }
  PaperBrokerState state;
  state.quote_balance = r.non_negative("quote_balance");
  state.next_trade_id = r.integer("next_trade_id");
  if (r.ok() && state.next_trade_id < 1) r.fail("next_trade_id", "is not positive");

  const json* positions = r.field("positions");
  if (positions != nullptr && !positions->is_array()) r.fail("positions", "is not an array");
  for (std::size_t i = 0; r.ok() && i < positions->size(); ++i) {
    auto p = read_position((*positions)[i], "state.positions[" + std::to_string(i) + "]", error);
    if (!p) break;
    for (const auto& other : state.positions) {
      if (other.symbol == p->symbol) r.fail("positions", "holds a symbol twice");
    }
    state.positions.push_back(std::move(*p));
  }

  const json* orders = r.field("orders");
  if (orders != nullptr && !orders->is_array()) r.fail("orders", "is not an array");
  for (std::size_t i = 0; r.ok() && i < orders->size(); ++i) {
    auto o = read_order((*orders)[i], "state.orders[" + std::to_string(i) + "]", error);
    if (!o) break;
    for (const auto& other : state.orders) {
      if (other.client_order_id == o->client_order_id) r.fail("orders", "holds an id twice");
    }
    state.orders.push_back(std::move(*o));
  }

  const json* prices = r.field("last_prices");
  if (prices != nullptr && !prices->is_object()) r.fail("last_prices", "is not an object");
  if (r.ok()) {
    for (const auto& [name, value] : prices->items()) {
      const auto symbol = core::Symbol::parse(name);
      const auto* text = value.get_ptr<const std::string*>();
      const auto price = text ? Decimal::parse(*text) : std::nullopt;
      if (!symbol || !price || *price <= Decimal{}) {
        r.fail("last_prices", "holds an entry that is not a symbol with a positive price");
        break;
      }
      state.last_prices.emplace_back(*symbol, *price);
    }
  }
  if (!r.ok()) return std::nullopt;
  return state;
}

}  // namespace autotrader::paper
