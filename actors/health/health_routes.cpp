#include "actors/health/health_routes.hpp"

#include <algorithm>
#include <cctype>

#include <caf/all.hpp>

#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "core/log.hpp"

namespace autotrader::health_actors {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

constexpr std::size_t kDefaultIncidents = 50;
constexpr std::size_t kMaxIncidents = 1000;

}  // namespace

HealthBranch health_branch(const config::Settings& settings,
                           std::shared_ptr<prometheus::Registry> registry,
                           std::shared_ptr<trading_actors::TradingShared> trading,
                           std::shared_ptr<llm_actors::PoolShared> pool,
                           std::shared_ptr<const core::Clock> clock) {
  const auto& h = settings.health;
  health::Thresholds thresholds;
  thresholds.disk_min_free_ratio = h.disk_min_free_ratio;
  thresholds.max_rss_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, h.max_rss_bytes));
  thresholds.feed_max_age = duration_cast<milliseconds>(h.feed_max_age);
  thresholds.restart_cooldown = duration_cast<milliseconds>(h.restart_cooldown);

  std::vector<std::pair<std::string, std::string>> known{{"venue_connected", settings.market.venue},
                                                         {"disk_free", ""},
                                                         {"memory_rss", ""},
                                                         {"storage_writable", ""}};
  for (const auto& symbol : settings.market.symbols)
    known.emplace_back("market_data_fresh", symbol);
  std::shared_ptr<HealthMetrics> metrics;
  if (registry) metrics = std::make_shared<HealthMetrics>(*registry, known);

  HealthBranch branch;
  branch.shared = std::make_shared<HealthShared>(thresholds, clock->wall_now(), metrics);
  HealthConfig config;
  config.venue = settings.market.venue;
  config.symbols = settings.market.symbols;
  config.data_dir = settings.data_dir;
  config.interval = duration_cast<milliseconds>(h.interval);
  // A probe that has not answered well within a round is as good as failed.
  config.probe_timeout = std::min(milliseconds{5'000}, config.interval / 2);
  config.shared = branch.shared;
  config.trading = std::move(trading);
  config.pool = std::move(pool);
  if (registry) config.last_message = registry_last_message(registry);
  config.clock = std::move(clock);
  config.log = core::log::get("health");

  const auto& sup = settings.supervision;
  branch.child.id = "health";
  branch.child.start = [config](caf::event_based_actor& parent) {
    return spawn_health_actor(parent, config);
  };
  branch.child.shutdown =
      supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  branch.child.heartbeat =
      supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                             duration_cast<milliseconds>(sup.heartbeat_timeout)};
  return branch;
}

std::vector<actors::HttpRoute> health_routes(
    std::shared_ptr<HealthShared> shared, std::shared_ptr<trading_actors::TradingShared> trading) {
  std::vector<actors::HttpRoute> routes;
  routes.push_back(
      {"GET", "/api/health", [shared](const net::HttpRequest&, net::Responder respond) {
         respond(net::HttpResponse::json(200, shared->health_json()));
       }});
  routes.push_back(
      {"GET", "/readyz", [shared, trading](const net::HttpRequest&, net::Responder respond) {
         const auto status = trading->status_json();
         const bool running = status.value("is_running", false);
         std::string state;
         if (auto risk = status.find("risk"); risk != status.end() && risk->is_object()) {
           state = risk->value("trading_state", "");
         }
         const auto ready = shared->readiness(running, state);
         respond(net::HttpResponse::json(ready.ready ? 200 : 503, health::readiness_json(ready)));
       }});
  routes.push_back(
      {"GET", "/api/incidents", [trading](const net::HttpRequest& request, net::Responder respond) {
         std::size_t limit = kDefaultIncidents;
         if (auto it = request.query.find("limit"); it != request.query.end()) {
           const auto& text = it->second;
           const bool digits = !text.empty() && text.size() <= 4 &&
                               std::all_of(text.begin(), text.end(),
                                           [](unsigned char c) { return std::isdigit(c) != 0; });
           if (!digits || std::stoul(text) < 1 || std::stoul(text) > kMaxIncidents) {
             respond(net::HttpResponse::error(
                 400, "limit must be a whole number from 1 to " + std::to_string(kMaxIncidents)));
             return;
           }
           limit = std::stoul(text);
         }
         auto storage = trading->storage.get();
         if (!storage) {
           respond(net::HttpResponse::error(503, "the storage actor is restarting; try again"));
           return;
         }
         caf::anon_send(storage, trading_actors::store_incidents_atom::value, limit,
                        trading_actors::HttpReply{std::move(respond)});
       }});
  return routes;
}

}  // namespace autotrader::health_actors
