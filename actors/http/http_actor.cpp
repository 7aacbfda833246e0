#include "actors/http/http_actor.hpp"

#include <caf/all.hpp>

#include "core/fault.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::actors {
namespace {

struct HttpActorState {
  std::shared_ptr<net::HttpServer> server;
  static inline const char* name = "http";
};

caf::behavior http_actor(caf::stateful_actor<HttpActorState>* self, HttpActorConfig config) {
  try {
    core::fault::point("http.start");
  } catch (const std::exception& e) {
    self->quit(caf::make_error(caf::sec::runtime_error, std::string{e.what()}));
    return {};
  }
  auto server = std::make_shared<net::HttpServer>(config.options, config.registry, config.log);
  for (auto& route : config.routes) {
    server->route(route.method, route.path, std::move(route.handler));
  }
  if (auto started = server->start(); !started) {
    // A failure exit, not control flow: the supervisor restarts this actor with backoff and
    // gives up (escalating to a process restart) if the port stays unavailable.
    self->quit(
        caf::make_error(caf::sec::runtime_error, "http server cannot start: " + started.message()));
    return {};
  }
  self->state.server = server;
  // Runs when the actor terminates for any reason, including a kill: stop accepting and close
  // every connection so a restarted actor can bind the port again.
  self->attach_functor([server] { server->stop(); });
  return supervision::supervised(
      self, caf::behavior{
                [=](caf::get_atom) -> std::uint16_t { return self->state.server->port(); },
            });
}

}  // namespace

caf::actor spawn_http_actor(caf::event_based_actor& parent, HttpActorConfig config) {
  return parent.spawn(http_actor, std::move(config));
}

}  // namespace autotrader::actors
