#include "venues/binance/order_errors.hpp"

#include "venues/binance/rest_codec.hpp"

namespace autotrader::binance {
namespace {

using paper::RejectReason;

constexpr std::int64_t kTimeout = -1007;
constexpr std::int64_t kInvalidMessage = -1013;
constexpr std::int64_t kTooManyOrders = -1015;
constexpr std::int64_t kInvalidSignature = -1022;
constexpr std::int64_t kBadSymbol = -1121;
constexpr std::int64_t kNewOrderRejected = -2010;
constexpr std::int64_t kCancelRejected = -2011;
constexpr std::int64_t kNoSuchOrder = -2013;
constexpr std::int64_t kBadApiKeyFormat = -2014;
constexpr std::int64_t kRejectedApiKey = -2015;

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

Classification make(ReplyClass reply_class, std::string message) {
  Classification c;
  c.reply_class = reply_class;
  c.message = std::move(message);
  return c;
}

std::optional<RejectReason> reason_for(std::int64_t code, std::string_view msg) {
  switch (code) {
    case kNewOrderRejected:
      if (contains(msg, "insufficient balance")) return RejectReason::insufficient_balance;
      if (contains(msg, "Duplicate order")) return RejectReason::duplicate_client_order_id;
      return std::nullopt;
    case kInvalidMessage:
      // Quantity rules: the quantity (or its notional) is what the caller must change.
      for (std::string_view filter : {"LOT_SIZE", "NOTIONAL"}) {
        if (contains(msg, filter)) return RejectReason::invalid_quantity;
      }
      return std::nullopt;
    case kBadSymbol:
      return RejectReason::invalid_symbol;
    case kCancelRejected:
      return contains(msg, "Unknown order") ? RejectReason::unknown_order
                                            : RejectReason::order_not_open;
    case kNoSuchOrder:
      return RejectReason::unknown_order;
    default:
      return std::nullopt;
  }
}

}  // namespace

const char* to_string(ReplyClass reply_class) {
  switch (reply_class) {
    case ReplyClass::success:
      return "success";
    case ReplyClass::not_sent:
      return "not_sent";
    case ReplyClass::rejected:
      return "rejected";
    case ReplyClass::retry_after_time_sync:
      return "retry_after_time_sync";
    case ReplyClass::unknown_outcome:
      return "unknown_outcome";
    case ReplyClass::not_found_yet:
      return "not_found_yet";
    case ReplyClass::rate_limited:
      return "rate_limited";
  }
  return "unknown";
}

Classification classify(RequestKind kind, const HttpOutcome& outcome) {
  using Transport = HttpOutcome::Transport;
  if (outcome.transport == Transport::failed_before_send) {
    return make(ReplyClass::not_sent, "the request was not sent");
  }
  if (outcome.transport == Transport::failed_after_send) {
    return make(ReplyClass::unknown_outcome, "no answer after the request was sent");
  }
  const int status = outcome.status;
  const std::string http = "HTTP " + std::to_string(status);
  if (status >= 200 && status < 300) return make(ReplyClass::success, http);
  if (status == 429 || status == 418) {
    Classification c = make(ReplyClass::rate_limited, http + (status == 418 ? " (IP banned)" : ""));
    c.retry_after = outcome.retry_after;
    if (auto error = decode_api_error(outcome.body)) c.code = error->code;
    return c;
  }
  // Binance: a 5XX is "NOT a failure"; the execution status is unknown. So is anything that is
  // no HTTP status at all.
  if (status < 400 || status >= 500) {
    return make(ReplyClass::unknown_outcome, http + ": execution status unknown");
  }
  auto error = decode_api_error(outcome.body);
  if (!error) {
    // A 4xx without Binance's {"code","msg"} (a proxy, a gateway): most likely refused before
    // Binance, but for a place or a cancel it costs one query to be sure.
    if (status == 403 || kind == RequestKind::read || kind == RequestKind::query) {
      return make(ReplyClass::rejected, http + " without a Binance error body");
    }
    return make(ReplyClass::unknown_outcome, http + " without a Binance error body");
  }
  const std::int64_t code = error->code;
  Classification c;
  c.code = code;
  c.message = http + " code " + std::to_string(code) + ": " + error->message;
  c.retry_after = outcome.retry_after;
  switch (code) {
    case kTimeout:
      c.reply_class = ReplyClass::unknown_outcome;
      return c;
    case kInvalidTimestamp:
      c.reply_class = ReplyClass::retry_after_time_sync;
      return c;
    case kTooManyRequests:
    case kTooManyOrders:
      c.reply_class = ReplyClass::rate_limited;
      return c;
    case kNoSuchOrder:
      if (kind == RequestKind::query) {
        c.reply_class = ReplyClass::not_found_yet;
        return c;
      }
      break;
    case kInvalidSignature:
    case kBadApiKeyFormat:
    case kRejectedApiKey:
      c.halt_trading = true;
      break;
    default:
      break;
  }
  c.reply_class = ReplyClass::rejected;
  c.reason = reason_for(code, error->message);
  return c;
}

}  // namespace autotrader::binance
