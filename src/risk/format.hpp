#pragma once
// Internal: numbers in rejection messages, short and locale-independent ("0.55", "2", "nan").
#include <string>

namespace autotrader::risk {

std::string format_number(double value);

}  // namespace autotrader::risk
