#pragma once
// Client order ids derived from the decision id, so that a restarted executor computes the same
// id for the same decision and the venue's idempotency on that id stops a second submission.
//
// Format (at most 36 characters of [A-Za-z0-9_-], which satisfies Binance REST and FIX alike,
// reference binance.md §newClientOrderId):
//   "at-<decision id>-<purpose>"   when the decision id is 1..30 characters of [A-Za-z0-9_-]
//   "ah-<16 hex digits>-<purpose>" otherwise: FNV-1a 64 of the decision id, lower-case hex
// purpose is "en" (entry), "ex" (exit), "sl" (stop-loss), "tp" (take-profit). The purpose always
// follows the last '-' and the two prefixes differ, so two different (decision, purpose) pairs
// never share an id, except for a 64-bit hash collision between two long or odd decision ids.
#include <cstdint>
#include <string>
#include <string_view>

namespace autotrader::paper {

enum class OrderPurpose : std::uint8_t { entry, exit, stop_loss, take_profit };
const char* to_string(OrderPurpose purpose);  // "en", "ex", "sl", "tp"

inline constexpr std::size_t max_client_order_id_length = 36;

// Total: any text, including empty or binary, gives a valid id.
std::string make_client_order_id(std::string_view decision_id, OrderPurpose purpose);

// 1..36 characters of [A-Za-z0-9_-].
bool is_valid_client_order_id(std::string_view id);

// 64-bit FNV-1a: stable on every platform and across releases (ids are persisted).
std::uint64_t fnv1a64(std::string_view text);

}  // namespace autotrader::paper
