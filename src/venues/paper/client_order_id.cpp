#include "venues/paper/client_order_id.hpp"

namespace autotrader::paper {
namespace {

constexpr std::size_t max_plain_decision_id = 30;  // 36 - "at-" - "-xx"

bool is_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool all_id_chars(std::string_view text) {
  for (char c : text) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

}  // namespace

const char* to_string(OrderPurpose purpose) {
  switch (purpose) {
    case OrderPurpose::entry:
      return "en";
    case OrderPurpose::exit:
      return "ex";
    case OrderPurpose::stop_loss:
      return "sl";
    case OrderPurpose::take_profit:
      return "tp";
  }
  return "en";
}

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string make_client_order_id(std::string_view decision_id, OrderPurpose purpose) {
  std::string id;
  if (!decision_id.empty() && decision_id.size() <= max_plain_decision_id &&
      all_id_chars(decision_id)) {
    id = "at-";
    id.append(decision_id);
  } else {
    static constexpr char hex[] = "0123456789abcdef";
    id = "ah-";
    const std::uint64_t hash = fnv1a64(decision_id);
    for (int shift = 60; shift >= 0; shift -= 4) id.push_back(hex[(hash >> shift) & 0xF]);
  }
  id.push_back('-');
  id.append(to_string(purpose));
  return id;
}

bool is_valid_client_order_id(std::string_view id) {
  return !id.empty() && id.size() <= max_client_order_id_length && all_id_chars(id);
}

}  // namespace autotrader::paper
