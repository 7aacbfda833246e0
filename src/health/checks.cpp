#include "health/checks.hpp"

#include <charconv>
#include <cstdio>

namespace autotrader::health {
namespace {

double seconds(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 1000.0;
}

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string feed_target(const std::string& venue) {
  return "market/" + venue;
}

// The breaker reasons that a person must fix (llm::needs_operator), by their API names.
bool needs_operator(const std::string& reason) {
  return reason == "auth" || reason == "quota" || reason == "bad_request";
}

std::string text_of(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

std::string_view to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::warn:
      return "warn";
    case Status::failing:
      return "failing";
  }
  return "failing";
}

std::string_view to_string(Action action) {
  switch (action) {
    case Action::none:
      return "none";
    case Action::restart_child:
      return "restart_child";
    case Action::risk_reducing:
      return "risk_reducing";
    case Action::risk_halted:
      return "risk_halted";
    case Action::risk_active:
      return "risk_active";
  }
  return "none";
}

CheckResult venue_connected(const std::string& venue, std::optional<bool> connected,
                            std::string detail) {
  CheckResult r;
  r.check = "venue_connected";
  r.subject = venue;
  const bool up = venue == "sim" || connected.value_or(false);
  // Unknown (a start, before any symbol's first message): a warning without an action. A feed
  // that never delivers fails market_data_fresh once the maximum age has passed, and that
  // restarts it; restarting a feed that is still connecting would only delay it.
  const bool unknown = venue != "sim" && !connected;
  r.value = up ? 1 : 0;
  r.status = up ? Status::ok : (unknown ? Status::warn : Status::failing);
  if (venue == "sim") {
    r.detail = "the simulated venue is in the process";
  } else if (!detail.empty()) {
    r.detail = std::move(detail);
  } else {
    r.detail = !connected ? "unknown" : (up ? "connected" : "disconnected");
  }
  if (!up && !unknown) {
    r.action = Action::restart_child;
    r.target = feed_target(venue);
  }
  return r;
}

CheckResult market_data_fresh(const std::string& venue, const std::string& symbol,
                              std::optional<TimePoint> last_message, TimePoint now,
                              TimePoint watch_started, std::chrono::milliseconds max_age) {
  CheckResult r;
  r.check = "market_data_fresh";
  r.subject = symbol;
  r.threshold = seconds(max_age);
  const auto since = last_message.value_or(watch_started);
  const auto age = std::max(std::chrono::milliseconds{0},
                            std::chrono::duration_cast<std::chrono::milliseconds>(now - since));
  r.value = seconds(age);
  if (age > max_age) {
    r.status = Status::failing;
    r.detail = (last_message ? "no message for " : "no message at all in ") + fixed(r.value, 0) +
               " s (maximum " + fixed(*r.threshold, 0) + " s)";
    r.action = Action::restart_child;
    r.target = feed_target(venue);
  } else if (!last_message) {
    r.status = Status::warn;
    r.detail = "waiting for the first message";
  } else {
    r.detail = "last message " + fixed(r.value, 0) + " s ago";
  }
  return r;
}

std::vector<CheckResult> providers_usable(const nlohmann::json& pool_status) {
  std::vector<CheckResult> results;
  if (!pool_status.is_object()) return results;
  const auto services = pool_status.find("services");
  if (services == pool_status.end() || !services->is_array()) return results;
  for (const auto& service : *services) {
    if (!service.is_object()) continue;
    const auto name = text_of(service, "name");
    const auto state = text_of(service, "status");
    if (name.empty() || state == "DISABLED" || text_of(service, "kind") == "technical") continue;
    const auto reason = text_of(service, "reason");
    CheckResult r;
    r.check = "provider_usable";
    r.subject = name;
    r.critical = false;  // the pool falls back; technical analysis always answers
    const bool unusable = state == "OPEN" && needs_operator(reason);
    // Stuck: out for failures whose last one was a timeout or a broken connection. Its child
    // is restarted (a fresh HTTPS client and connection pool); auth or quota a restart cannot
    // cure, and an answer that failed validation is the model's, not the connection's.
    std::string last_kind;
    if (const auto error = service.find("last_error");
        error != service.end() && error->is_object()) {
      last_kind = text_of(*error, "kind");
    }
    const bool stuck = !unusable && (state == "OPEN" || state == "HALF_OPEN") &&
                       (last_kind == "timeout" || last_kind == "connection");
    r.value = unusable || stuck ? 0 : 1;
    r.status = unusable ? Status::failing : (stuck ? Status::warn : Status::ok);
    r.detail = "breaker " + (state.empty() ? std::string{"unknown"} : state) +
               (reason.empty() ? "" : " (" + reason + ")");
    if (unusable) r.detail += ": needs the operator (a key, a quota or a request fix)";
    if (stuck) {
      r.detail += ": stuck (last error: " + last_kind + ")";
      r.action = Action::restart_child;
      r.target = "llm/" + name;
    }
    results.push_back(std::move(r));
  }
  return results;
}

CheckResult disk_free(const DiskReading& disk, double min_free_ratio) {
  CheckResult r;
  r.check = "disk_free";
  r.threshold = min_free_ratio;
  if (!disk.error.empty() || disk.total_bytes == 0) {
    r.status = Status::failing;
    r.detail = disk.error.empty() ? "the file system reports no size" : disk.error;
    return r;  // unknown is not a reason to halt: storage_writable tells whether writes work
  }
  r.value = static_cast<double>(disk.available_bytes) / static_cast<double>(disk.total_bytes);
  const auto free_text = fixed(r.value * 100, 1) + "% free (" +
                         std::to_string(disk.available_bytes / (1024 * 1024)) + " MiB)";
  if (r.value < min_free_ratio) {
    r.status = Status::failing;
    r.action = Action::risk_halted;
    r.detail = free_text + ", below " + fixed(min_free_ratio * 100, 1) + "%: halting trading";
  } else if (r.value < 2 * min_free_ratio) {
    r.status = Status::warn;
    r.action = Action::risk_reducing;
    r.detail = free_text + ", below " + fixed(2 * min_free_ratio * 100, 1) + "%: reducing only";
  } else {
    r.detail = free_text;
  }
  return r;
}

CheckResult memory_rss(std::optional<std::uint64_t> rss_bytes, std::uint64_t max_rss_bytes) {
  CheckResult r;
  r.check = "memory_rss";
  r.critical = false;
  if (max_rss_bytes > 0) r.threshold = static_cast<double>(max_rss_bytes);
  if (!rss_bytes) {
    r.status = max_rss_bytes > 0 ? Status::failing : Status::ok;
    r.detail = "the resident size could not be read";
    return r;
  }
  r.value = static_cast<double>(*rss_bytes);
  const auto mib = std::to_string(*rss_bytes / (1024 * 1024)) + " MiB resident";
  if (max_rss_bytes > 0 && *rss_bytes > max_rss_bytes) {
    r.status = Status::failing;
    r.detail = mib + ", above " + std::to_string(max_rss_bytes / (1024 * 1024)) + " MiB";
  } else {
    r.detail = max_rss_bytes > 0 ? mib : mib + " (no limit set)";
  }
  return r;
}

CheckResult storage_writable(const ProbeOutcome& probe) {
  CheckResult r;
  r.check = "storage_writable";
  if (probe.restarting) {
    r.status = Status::warn;
    r.detail = "the storage actor is restarting";
    return r;
  }
  const bool ok = probe.answered && probe.ok;
  r.value = ok ? 1 : 0;
  r.status = ok ? Status::ok : Status::failing;
  if (!probe.answered) {
    r.detail = "the storage actor did not answer the probe" +
               (probe.error.empty() ? std::string{} : " (" + probe.error + ")");
  } else {
    r.detail = ok ? "database and audit trail writable" : probe.error;
  }
  if (!ok) r.action = Action::risk_halted;
  return r;
}

std::optional<std::uint64_t> parse_statm_rss(std::string_view statm, std::uint64_t page_size) {
  // "size resident shared text lib data dt": the second field.
  auto skip_spaces = [&](std::size_t at) {
    while (at < statm.size() && statm[at] == ' ') ++at;
    return at;
  };
  auto at = skip_spaces(0);
  std::uint64_t size = 0;
  auto [end1, ec1] = std::from_chars(statm.data() + at, statm.data() + statm.size(), size);
  if (ec1 != std::errc{} || end1 == statm.data() + statm.size() || *end1 != ' ') return {};
  at = skip_spaces(static_cast<std::size_t>(end1 - statm.data()));
  std::uint64_t resident = 0;
  auto [end2, ec2] = std::from_chars(statm.data() + at, statm.data() + statm.size(), resident);
  if (ec2 != std::errc{} || end2 == statm.data() + at) return {};
  if (page_size == 0 || resident > UINT64_MAX / page_size) return {};
  return resident * page_size;
}

}  // namespace autotrader::health
