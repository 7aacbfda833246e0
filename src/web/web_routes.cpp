#include "web/web_routes.hpp"

#include <cassert>
#include <cstdint>
#include <cstdio>

#include <caf/all.hpp>

#include "actors/health/health_shared.hpp"
#include "actors/trading/protocol.hpp"
#include "actors/trading/trading_shared.hpp"
#include "web/dashboard_json.hpp"
#include "web/embedded_files.hpp"

namespace autotrader::web {
namespace {

// Only the daemon itself: its script, its style sheet, its API. SVG is drawn by the script.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::string etag_of(std::string_view body) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a: a cache key, not a security measure
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return text;
}

std::string_view embedded(std::string_view name) {
  for (const auto& file : embedded_files()) {
    if (file.name == name) return file.body;
  }
  assert(false && "a dashboard file is missing from the build");
  return {};
}

net::HttpResponse serve(const Asset& asset, const net::HttpRequest& request) {
  net::HttpResponse response;
  const auto match = request.headers.find("if-none-match");
  if (match != request.headers.end() && match->second.find(asset.etag) != std::string::npos) {
    response.status = 304;
  } else {
    response.status = 200;
    response.body = std::string{asset.body};
  }
  response.content_type = asset.content_type;
  response.headers = {
      {"Cache-Control", "no-cache"}, {"ETag", asset.etag}, {"X-Content-Type-Options", "nosniff"}};
  if (asset.path == "/") {
    response.headers.emplace_back("Content-Security-Policy", kPagePolicy);
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return response;
}

std::optional<std::string> query_value(const net::HttpRequest& request, const char* key) {
  const auto it = request.query.find(key);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

// Sends a PerformanceQuery to the storage actor; false when it is down.
bool ask_storage(trading_actors::TradingShared& trading, int days,
                 std::function<void(trading_actors::PerformanceRows)> answer) {
  auto storage = trading.storage.get();
  if (!storage) return false;
  caf::anon_send(storage, trading_actors::store_perf_atom::value,
                 trading_actors::PerformanceQuery{days, std::move(answer)});
  return true;
}

}  // namespace

const std::vector<Asset>& assets() {
  static const std::vector<Asset> all = [] {
    std::vector<Asset> out;
    auto add = [&](std::string path, std::string type, std::string_view name) {
      const auto body = embedded(name);
      out.push_back({std::move(path), std::move(type), etag_of(body), body});
    };
    add("/", "text/html; charset=utf-8", "index.html");
    add("/assets/app.js", "text/javascript; charset=utf-8", "app.js");
    add("/assets/style.css", "text/css; charset=utf-8", "style.css");
    return out;
  }();
  return all;
}

std::vector<actors::HttpRoute> asset_routes() {
  std::vector<actors::HttpRoute> routes;
  for (const auto& asset : assets()) {
    routes.push_back(
        {"GET", asset.path, [&asset](const net::HttpRequest& request, net::Responder respond) {
           respond(serve(asset, request));
         }});
  }
  return routes;
}

std::vector<actors::HttpRoute> dashboard_api_routes(
    std::shared_ptr<trading_actors::TradingShared> trading,
    std::shared_ptr<health_actors::HealthShared> health) {
  std::vector<actors::HttpRoute> routes;
  routes.push_back(
      {"GET", "/api/live-stats",
       [trading, health](const net::HttpRequest&, net::Responder respond) {
         // Runs on the storage actor's thread (or here when it is down): both shared objects
         // are thread-safe.
         auto answer = [trading, health, respond](trading_actors::PerformanceRows rows) {
           const auto status = trading->status_json();
           const auto overall =
               system_health(health ? health->health_json() : nlohmann::json{}, status);
           std::optional<store::DailyPerformanceRow> today;
           for (const auto& day : rows.days) {
             if (day.date == rows.today) today = day;
           }
           auto body = live_stats_json(status, today, rows.today, overall);
           if (!rows.error.empty()) {
             // The live figures stand; the stored ones are unknown, not zero.
             for (const char* key : {"realized_pnl_today", "win_rate", "trades_today"}) {
               body[key] = nullptr;
             }
             body["storage_error"] = rows.error;
           }
           respond(net::HttpResponse::json(200, body));
         };
         if (!ask_storage(*trading, 1, answer)) {
           trading_actors::PerformanceRows rows;
           rows.error = "the storage actor is restarting";
           answer(std::move(rows));
         }
       }});
  routes.push_back(
      {"GET", "/api/performance-chart",
       [trading](const net::HttpRequest& request, net::Responder respond) {
         const auto days = parse_days(query_value(request, "days"));
         if (!days) {
           respond(net::HttpResponse::error(
               400, "days must be a whole number from 1 to " + std::to_string(kMaxChartDays)));
           return;
         }
         auto answer = [respond](trading_actors::PerformanceRows rows) {
           if (!rows.error.empty()) {
             respond(net::HttpResponse::error(503, rows.error));
             return;
           }
           respond(net::HttpResponse::json(200, performance_chart_json(rows.equity, rows.days)));
         };
         if (!ask_storage(*trading, *days, answer)) {
           respond(net::HttpResponse::error(503, "the storage actor is restarting; try again"));
         }
       }});
  return routes;
}

std::vector<actors::HttpRoute> web_routes(std::shared_ptr<trading_actors::TradingShared> trading,
                                          std::shared_ptr<health_actors::HealthShared> health) {
  auto routes = asset_routes();
  for (auto& route : dashboard_api_routes(std::move(trading), std::move(health))) {
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace autotrader::web
