#include "risk/format.hpp"

#include <cmath>
#include <cstdio>

namespace autotrader::risk {

std::string format_number(double value) {
  if (std::isnan(value)) {
    return "nan";
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace autotrader::risk
