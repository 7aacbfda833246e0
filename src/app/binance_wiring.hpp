#pragma once
// The Binance market-data feed as a child of the market supervisor, from the configuration.
#include <memory>
#include <string>
#include <variant>

#include "actors/trading/trading_tree.hpp"
#include "config/secrets.hpp"
#include "config/settings.hpp"
#include "core/clock.hpp"
#include "supervision/spec.hpp"

namespace prometheus {
class Registry;
}

namespace autotrader::net {
class ClientContext;
}

namespace autotrader::feed {
class FeedCursorStore;
}

namespace autotrader::app {

// `context` is the daemon's TLS client context: it must outlive the actor system (the caller
// keeps it until then) and is shared by every client.
supervision::ChildSpec binance_feed_child(const config::Settings& settings,
                                          prometheus::Registry& registry,
                                          std::shared_ptr<feed::FeedCursorStore> cursors,
                                          std::shared_ptr<net::ClientContext> context,
                                          std::shared_ptr<const core::Clock> clock,
                                          std::uint64_t seed);

// The Binance executor (actors/binance_exec) for the modes that place real orders: signed with
// the BINANCE_API_KEY/SECRET the mode check required, on `context`, its metrics registered once in
// `registry`. nullopt with the reason when the keys are unusable.
std::variant<trading_actors::ExecutorSpawn, std::string> binance_executor_spawn(
    const config::Settings& settings, const config::Secrets& secrets,
    prometheus::Registry& registry, std::shared_ptr<feed::FeedCursorStore> feeds,
    std::shared_ptr<net::ClientContext> context, std::shared_ptr<const core::Clock> clock);

}  // namespace autotrader::app
