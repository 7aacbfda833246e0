#pragma once
// One problem found while loading the configuration. Loading collects all of them so a user
// fixes everything in one round.
#include <string>

namespace autotrader::config {

struct ConfigError {
  // The key path ("http.port"), or empty when the problem is not about one key (a malformed
  // file, an unknown environment variable).
  std::string key;
  // Where the value came from: "/etc/autotrader.json:7", "AUTOTRADER_HTTP_PORT in /srv/.env:3",
  // "environment variable AUTOTRADER_HTTP_PORT". Never holds a value.
  std::string source;
  // What is wrong, without the key and source. Never holds a secret value.
  std::string message;
};

// "config error: http.port: 70000 is out of range [0, 65535] (from /path/cfg.json:7)"
std::string format_error(const ConfigError& error);

}  // namespace autotrader::config
