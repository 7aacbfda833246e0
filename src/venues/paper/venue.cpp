#include "venues/paper/venue.hpp"

namespace autotrader::paper {

const char* to_string(Side side) {
  return side == Side::buy ? "BUY" : "SELL";
}

std::optional<Side> parse_side(std::string_view text) {
  if (text == "BUY") return Side::buy;
  if (text == "SELL") return Side::sell;
  return std::nullopt;
}

const char* to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::open:
      return "NEW";
    case OrderStatus::partially_filled:
      return "PARTIALLY_FILLED";
    case OrderStatus::filled:
      return "FILLED";
    case OrderStatus::cancelled:
      return "CANCELED";
    case OrderStatus::rejected:
      return "REJECTED";
  }
  return "NEW";
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  for (auto status : {OrderStatus::open, OrderStatus::partially_filled, OrderStatus::filled,
                      OrderStatus::cancelled, OrderStatus::rejected}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

bool is_terminal(OrderStatus status) {
  return status == OrderStatus::filled || status == OrderStatus::cancelled ||
         status == OrderStatus::rejected;
}

const char* to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::invalid_client_order_id:
      return "invalid_client_order_id";
    case RejectReason::duplicate_client_order_id:
      return "duplicate_client_order_id";
    case RejectReason::invalid_symbol:
      return "invalid_symbol";
    case RejectReason::invalid_quantity:
      return "invalid_quantity";
    case RejectReason::missing_protection:
      return "missing_protection";
    case RejectReason::invalid_protection:
      return "invalid_protection";
    case RejectReason::insufficient_balance:
      return "insufficient_balance";
    case RejectReason::no_position:
      return "no_position";
    case RejectReason::unknown_order:
      return "unknown_order";
    case RejectReason::order_not_open:
      return "order_not_open";
    case RejectReason::arithmetic_overflow:
      return "arithmetic_overflow";
    case RejectReason::venue_refused:
      return "venue_refused";
    case RejectReason::not_ready:
      return "not_ready";
  }
  return "invalid_quantity";
}

const char* to_string(CancelReason reason) {
  switch (reason) {
    case CancelReason::requested:
      return "requested";
    case CancelReason::insufficient_balance:
      return "insufficient_balance";
    case CancelReason::position_closed:
      return "position_closed";
    case CancelReason::arithmetic_overflow:
      return "arithmetic_overflow";
  }
  return "requested";
}

const char* to_string(ProtectiveKind kind) {
  return kind == ProtectiveKind::stop_loss ? "stop_loss" : "take_profit";
}

}  // namespace autotrader::paper
