#pragma once
// Whether the daemon may start in its trading mode: the live opt-in (live_trading in the
// configuration AND --i-understand-live-trading on the command line), the Binance keys of the
// modes that sign orders, and the hosts each mode may reach. A pure function, so every
// combination is a row of a table test; the daemon calls it once at start and refuses to start
// on an error.
#include <string>
#include <variant>
#include <vector>

#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "config/trading_mode.hpp"

namespace autotrader::app {

struct ModeCheck {
  config::Mode mode = config::Mode::sim;
  std::string venue;         // market.venue of the mode: "sim" or "binance"
  bool real_orders = false;  // orders are signed with the API key and leave the process
  bool live = false;         // real money (binance-live)
  // To log at start: an opt-in that has no effect in this mode, an unusual host in live mode.
  // Never holds a secret.
  std::vector<std::string> warnings;
};

// The error is one line naming every missing or contradicting piece (which half of the opt-in,
// which variables, which keys and hosts), never a secret value.
using ModeCheckResult = std::variant<ModeCheck, std::string>;

// `cli_live_flag`: --i-understand-live-trading was given.
ModeCheckResult check_mode(const config::Settings& settings, const config::Secrets& secrets,
                           bool cli_live_flag);

}  // namespace autotrader::app
