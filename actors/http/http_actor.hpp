#pragma once
// The HTTP server actor: a supervised shell that owns a net::HttpServer for its lifetime.
// Starting the actor binds and starts the server (a bind failure crashes the actor, and its
// supervisor restarts it with backoff); the actor's exit stops the server and closes every
// connection. Handlers run on the server's I/O thread and must be thread-safe; handlers that need
// an actor's state answer through their Responder when the actor replies.
#include <memory>
#include <string>
#include <vector>

#include "net/http_server.hpp"

namespace caf {
class actor;
class event_based_actor;
}  // namespace caf

namespace spdlog {
class logger;
}

namespace prometheus {
class Registry;
}

namespace autotrader::actors {

struct HttpRoute {
  std::string method;
  std::string path;
  net::Handler handler;
};

struct HttpActorConfig {
  net::HttpServerOptions options;
  std::shared_ptr<prometheus::Registry> registry;
  std::vector<HttpRoute> routes;
  std::shared_ptr<spdlog::logger> log;
};

// Spawns the actor as a child of `parent` (for a supervision::ChildSpec start function).
caf::actor spawn_http_actor(caf::event_based_actor& parent, HttpActorConfig config);

}  // namespace autotrader::actors
