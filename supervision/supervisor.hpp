#pragma once
// Spawning supervisors and wrapping workers in the child protocol. The message forms a running
// supervisor understands are listed in supervision/protocol.hpp.
#include "caf/actor.hpp"
#include "caf/behavior.hpp"
#include "caf/fwd.hpp"
#include "supervision/errc.hpp"
#include "supervision/protocol.hpp"
#include "supervision/spec.hpp"

namespace autotrader::supervision {

// A top-level supervisor. Keep its handle: an actor nobody references is terminated (ref §9).
// Stop it with send_exit(handle, exit_reason::user_shutdown) and wait for its down_msg; its
// exit reason is user_shutdown after an orderly stop, or an errc error if it gave up.
caf::actor spawn_supervisor(caf::actor_system& sys, SupervisorSpec spec);

// A supervisor spawned by another actor (used for nested supervisors; prefer supervisor_child).
caf::actor spawn_supervisor(caf::event_based_actor& parent, SupervisorSpec spec);

// The child protocol: answers heartbeats and obeys injected faults, then falls through to the
// worker's behaviour `b`. Also installs an exception handler that turns an exception into the
// exit reason sec::runtime_error with its what() (never a normal exit). A worker that calls
// become() must wrap its new behaviour again, or it stops answering heartbeats.
caf::behavior supervised(caf::event_based_actor* self, caf::behavior b);

}  // namespace autotrader::supervision
