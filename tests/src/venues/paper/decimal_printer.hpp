#pragma once
// Lets GoogleTest print a core::Decimal as its text instead of its bytes.
#include <ostream>

#include "core/decimal.hpp"

namespace autotrader::core {
inline void PrintTo(const Decimal& value, std::ostream* out) {
  *out << value.to_string();
}
}  // namespace autotrader::core
