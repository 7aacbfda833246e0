#pragma once
// The health monitor as a supervised child of the root supervisor ("health", after "trading").
// Every `interval` (and once at start) it runs one round:
//   - venue_connected, market_data_fresh per symbol (last_message), provider_usable per provider
//     (the pool's breaker states, read from PoolShared: never a call to a provider), disk_free
//     (statvfs on the data directory), memory_rss (/proc/self/statm): read at once;
//   - storage_writable: (store_probe_atom) to the storage actor, a request with
//     `probe_timeout`; no answer is a failure.
// Then the plain health::Monitor (in HealthShared) decides, and the actor applies each step:
//   - restart_child: (fault_atom, "market/<venue>", crash) to its parent, the root supervisor,
//     which routes it to the market supervisor;
//   - risk_reducing / risk_halted / risk_active: (trader_risk_atom, state, reason) to the trader;
// and records each as an incident (storage actor, autotrader_health_incidents_total) with its
// outcome: applied, failed, detected or recovered. A round that is still waiting for the probe
// when the next tick comes is not overlapped: that tick is skipped.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/health/health_shared.hpp"
#include "actors/health/inputs.hpp"
#include "core/clock.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace autotrader::trading_actors {
class TradingShared;
}

namespace autotrader::llm_actors {
class PoolShared;
}

namespace autotrader::health_actors {

struct HealthConfig {
  std::string venue = "sim";         // market.venue: the feed child is market/<venue>
  std::vector<std::string> symbols;  // market.symbols
  std::filesystem::path data_dir;    // disk_free looks at its file system
  std::chrono::milliseconds interval{60'000};
  std::chrono::milliseconds probe_timeout{5'000};
  std::chrono::milliseconds action_timeout{5'000};  // restart and risk requests
  std::shared_ptr<HealthShared> shared;
  std::shared_ptr<trading_actors::TradingShared> trading;
  std::shared_ptr<llm_actors::PoolShared> pool;       // null: no provider checks
  LastMessageFn last_message;                         // null: no message is ever seen
  std::function<health::DiskReading()> disk;          // null: read_disk(data_dir)
  std::function<std::optional<std::uint64_t>()> rss;  // null: read_rss()
  std::shared_ptr<const core::Clock> clock;
  std::shared_ptr<spdlog::logger> log;  // may be null
};

// For a supervision::ChildSpec start function: `parent` is the supervisor that restarts feeds
// (the root, which routes "market/<venue>").
caf::actor spawn_health_actor(caf::event_based_actor& parent, HealthConfig config);

}  // namespace autotrader::health_actors
