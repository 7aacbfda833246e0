#pragma once
// Where the health checks' inputs come from in a running daemon: the file system of the data
// directory (statvfs), the process's resident size (/proc/self/statm), and the feeds' last
// message times as the feeds export them (autotrader_feed_last_message_timestamp_seconds in the
// registry, which every venue's feed::FeedMetrics writes). Each call is a system call or a
// read of in-process state: nothing that can block an actor for long.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "health/checks.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::health_actors {

// The wall time of the last market-data message of (venue, symbol); nullopt before the first.
using LastMessageFn = std::function<std::optional<health::TimePoint>(const std::string& venue,
                                                                     const std::string& symbol)>;

health::DiskReading read_disk(const std::filesystem::path& directory);
std::optional<std::uint64_t> read_rss();

// Reads autotrader_feed_last_message_timestamp_seconds{venue,symbol} from the registry; 0 (the
// value before the first message) and an absent series are nullopt.
LastMessageFn registry_last_message(std::shared_ptr<prometheus::Registry> registry);

}  // namespace autotrader::health_actors
