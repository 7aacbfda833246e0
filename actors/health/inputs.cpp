#include "actors/health/inputs.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <prometheus/registry.h>

namespace autotrader::health_actors {

health::DiskReading read_disk(const std::filesystem::path& directory) {
  health::DiskReading reading;
  struct statvfs vfs {};
  if (::statvfs(directory.c_str(), &vfs) != 0) {
    reading.error = "statvfs " + directory.string() + ": " + std::strerror(errno);
    return reading;
  }
  reading.available_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  reading.total_bytes = static_cast<std::uint64_t>(vfs.f_blocks) * vfs.f_frsize;
  return reading;
}

std::optional<std::uint64_t> read_rss() {
  std::ifstream in{"/proc/self/statm"};
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const long page = ::sysconf(_SC_PAGESIZE);
  return health::parse_statm_rss(text.str(), page > 0 ? static_cast<std::uint64_t>(page) : 4096);
}

LastMessageFn registry_last_message(std::shared_ptr<prometheus::Registry> registry) {
  return [registry](const std::string& venue,
                    const std::string& symbol) -> std::optional<health::TimePoint> {
    for (const auto& family : registry->Collect()) {
      if (family.name != "autotrader_feed_last_message_timestamp_seconds") continue;
      for (const auto& metric : family.metric) {
        bool venue_matches = false;
        bool symbol_matches = false;
        for (const auto& label : metric.label) {
          if (label.name == "venue") venue_matches = label.value == venue;
          if (label.name == "symbol") symbol_matches = label.value == symbol;
        }
        if (!venue_matches || !symbol_matches) continue;
        const double seconds = metric.gauge.value;
        if (seconds <= 0) return std::nullopt;
        return health::TimePoint{std::chrono::duration_cast<health::TimePoint::duration>(
            std::chrono::duration<double>(seconds))};
      }
    }
    return std::nullopt;
  };
}

}  // namespace autotrader::health_actors
