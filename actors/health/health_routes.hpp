#pragma once
// The health monitor's branch of the daemon, built from the configuration, and its routes:
//   GET /api/health          {"status":"ok|degraded|failing","checked_at","checks":[{"name",
//                            "subject","value","threshold","status","detail","last_checked"}]}
//                            (status "unknown" before the first round)
//   GET /readyz              200 {"ready":true,"reasons":[]} when fit to trade (storage
//                            writable, venue connected, every symbol fresh, the trader running
//                            and not HALTED), else 503 with the reasons
//   GET /api/incidents?limit=N   {"incidents":[{"id","time","check","action","outcome",
//                            "detail"}]}, newest first, N in 1..1000 (default 50)
#include <memory>
#include <vector>

#include "actors/health/health_actor.hpp"
#include "actors/health/health_shared.hpp"
#include "actors/http/http_actor.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "supervision/spec.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::health_actors {

struct HealthBranch {
  supervision::ChildSpec child;  // id "health"
  std::shared_ptr<HealthShared> shared;
};

// `registry` is the daemon's: the metrics go there and the feeds' last message times are read
// from it. `pool` may be null (no provider checks).
HealthBranch health_branch(const config::Settings& settings,
                           std::shared_ptr<prometheus::Registry> registry,
                           std::shared_ptr<trading_actors::TradingShared> trading,
                           std::shared_ptr<llm_actors::PoolShared> pool,
                           std::shared_ptr<const core::Clock> clock);

std::vector<actors::HttpRoute> health_routes(
    std::shared_ptr<HealthShared> shared, std::shared_ptr<trading_actors::TradingShared> trading);

}  // namespace autotrader::health_actors
