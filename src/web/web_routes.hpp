#pragma once
// The web dashboard served by the daemon (README.md here):
//   GET /                        index.html
//   GET /assets/app.js           the page's script (vanilla JS, polls the JSON API every 2 s)
//   GET /assets/style.css
//   GET /api/live-stats          dashboard_json.hpp: live_stats_json
//   GET /api/performance-chart?days=N   N in 1..365, default 30: performance_chart_json
// The files are compiled into the binary (embedded_files.hpp): nothing is read from disk and
// nothing comes from a CDN. They are answered with Cache-Control: no-cache and an ETag (a
// browser revalidates and gets 304 until the binary changes), and the page with a
// Content-Security-Policy that allows only the daemon's own script, style and API.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/http/http_actor.hpp"

namespace autotrader::trading_actors {
class TradingShared;
}
namespace autotrader::health_actors {
class HealthShared;
}

namespace autotrader::web {

// One static file as served.
struct Asset {
  std::string path;          // "/", "/assets/app.js", "/assets/style.css"
  std::string content_type;  // with its charset
  std::string etag;          // quoted, from the content
  std::string_view body;
};

// The three files; a missing embedded file is a build defect (assert).
const std::vector<Asset>& assets();

// GET /, /assets/app.js, /assets/style.css.
std::vector<actors::HttpRoute> asset_routes();

// GET /api/live-stats and /api/performance-chart. `health` may be null (no health monitor):
// system_health then comes from the trading branch. The stored figures are read by the storage
// actor; while it restarts live-stats still answers (its stored fields null, "storage_error"
// says why) and performance-chart answers 503.
std::vector<actors::HttpRoute> dashboard_api_routes(
    std::shared_ptr<trading_actors::TradingShared> trading,
    std::shared_ptr<health_actors::HealthShared> health);

// Both of the above: what the daemon adds to its HTTP routes.
std::vector<actors::HttpRoute> web_routes(std::shared_ptr<trading_actors::TradingShared> trading,
                                          std::shared_ptr<health_actors::HealthShared> health);

}  // namespace autotrader::web
