#pragma once
// The health checks as pure functions: each takes what was measured (and the time, when age
// matters) and returns a CheckResult: the value, its threshold, ok / warn / failing, a detail
// for the operator, and the action that heals it while it holds. Nothing here reads a clock, a
// file or an actor; actors/health gathers the inputs.
//
//   check              subject    value                          fails when            action
//   venue_connected    venue      1 / 0                          0 restart_child market/<venue>
//   market_data_fresh  symbol     age of the last message, s     age > max age restart_child
//   market/<venue> provider_usable    provider   1 / 0                          breaker OPEN for a
//   none (a person must act)
//                                                                reason a person fixes
//   disk_free          ""         free / size of the data dir    < 2 x min: warn risk_reducing
//                                                                < min: failing        risk_halted
//   memory_rss         ""         resident bytes                 > max (0: never)      none
//   storage_writable   ""         1 / 0                          probe failed or no    risk_halted
//                                                                answer (warn, no action,
//                                                                while the actor restarts)
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace autotrader::health {

using TimePoint = std::chrono::system_clock::time_point;

enum class Status : std::uint8_t { ok, warn, failing };
std::string_view to_string(Status status);  // "ok", "warn", "failing"

enum class Action : std::uint8_t {
  none,
  restart_child,  // (fault_atom, target, crash) to the root supervisor
  risk_reducing,  // the trader moves risk to REDUCING
  risk_halted,    // the trader halts trading
  risk_active,    // the trader lifts REDUCING (a halt stays until the operator resumes)
};
std::string_view to_string(Action action);  // the enumerator's name

struct Thresholds {
  double disk_min_free_ratio = 0.05;
  std::uint64_t max_rss_bytes = 0;  // 0: no memory check
  std::chrono::milliseconds feed_max_age{180'000};
  std::chrono::milliseconds restart_cooldown{600'000};
};

struct CheckResult {
  std::string check;    // one of the names above (a metric label: a fixed set)
  std::string subject;  // the symbol, provider or venue; empty for process-wide checks
  double value = 0;
  std::optional<double> threshold;  // none for yes/no checks and for a switched-off check
  Status status = Status::ok;
  std::string detail;
  // A critical check that fails makes the daemon "failing" (else "degraded").
  bool critical = true;
  Action action = Action::none;  // what heals it, while it is not ok
  std::string target;            // restart_child: the child's path, e.g. "market/sim"

  // "check" or "check/subject": one check instance.
  std::string key() const { return subject.empty() ? check : check + "/" + subject; }
};

// The simulated venue is always connected; a real venue is connected when `connected` says so
// (nullopt: unknown, which fails).
CheckResult venue_connected(const std::string& venue, std::optional<bool> connected,
                            std::string detail = {});

// `last_message`: wall time of the symbol's last market-data message, nullopt before the first.
// Before the first message the age counts from `watch_started`, and the check is only "warn"
// (waiting) until that age passes the maximum.
CheckResult market_data_fresh(const std::string& venue, const std::string& symbol,
                              std::optional<TimePoint> last_message, TimePoint now,
                              TimePoint watch_started, std::chrono::milliseconds max_age);

// One result per provider in the pool's GET /api/backup-services-status document, skipping
// DISABLED providers (not configured) and the technical-analysis fallback. A provider is
// unusable while its breaker is OPEN for a reason only a person fixes (auth, quota,
// bad_request). A provider whose breaker is OPEN or HALF_OPEN after failures whose last was a
// timeout or a connection error is stuck: a warning whose action restarts its child
// ("llm/<name>"). Malformed input: no results.
std::vector<CheckResult> providers_usable(const nlohmann::json& pool_status);

struct DiskReading {
  std::uint64_t available_bytes = 0;  // to an unprivileged writer (statvfs f_bavail)
  std::uint64_t total_bytes = 0;
  std::string error;  // statvfs failed: why
};
CheckResult disk_free(const DiskReading& disk, double min_free_ratio);

// `rss_bytes`: nullopt when it could not be read.
CheckResult memory_rss(std::optional<std::uint64_t> rss_bytes, std::uint64_t max_rss_bytes);

struct ProbeOutcome {
  bool answered = false;  // false: the storage actor did not answer in time
  bool ok = false;
  std::string error;
  // The storage actor has no handle right now: it is starting or restarting under its
  // supervisor (which gives up, and says so, if it cannot). Only a warning, no action: halting
  // on every restart of the branch would stop trading for nothing.
  bool restarting = false;
};
CheckResult storage_writable(const ProbeOutcome& probe);

// The resident set size from the text of /proc/self/statm ("size resident shared ...", in
// pages); nullopt when the text is not that.
std::optional<std::uint64_t> parse_statm_rss(std::string_view statm, std::uint64_t page_size);

}  // namespace autotrader::health
