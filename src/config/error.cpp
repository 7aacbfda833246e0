#include "config/error.hpp"

namespace autotrader::config {

std::string format_error(const ConfigError& error) {
  std::string text = "config error: ";
  if (!error.key.empty()) text += error.key + ": ";
  text += error.message;
  if (!error.source.empty()) text += " (from " + error.source + ")";
  return text;
}

}  // namespace autotrader::config
