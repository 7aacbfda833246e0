#pragma once
// The supervision module's error codes. They travel as caf::error values: as exit reasons of
// supervisors that give up, and as replies to the add/remove/fault requests.
#include <cstdint>
#include <string>

#include "caf/error.hpp"
#include "caf/fwd.hpp"
#include "caf/make_message.hpp"  // CAF_ERROR_CODE_ENUM builds the context with it

namespace autotrader::supervision {

enum class errc : std::uint8_t {
  intensity_exceeded = 1,  // more than Intensity::max_restarts restarts within its period
  unkillable_child,        // a killed child did not die: its thread is stuck; restart the process
  start_failed,            // a StartFn threw or returned an invalid handle
  duplicate_child,         // add_child with an id that is already in use
  unknown_child,           // remove/fault naming an id the supervisor does not have
  injected_fault,          // exit reason of a child crashed by the fault hook
  child_not_running,       // a fault path goes through a child that is not running
  shutting_down,           // the supervisor is stopping and accepts no more changes
  invalid_spec,            // the SupervisorSpec cannot be run (duplicate ids, missing StartFn)
};

// The CAF error category atom of errc ("supervisor").
caf::atom_value errc_category();

const char* to_string(errc code);

// Registers a renderer so that actor_system::render shows "supervisor.intensity_exceeded: ..."
// instead of "error(1, 'supervisor', ...)". Call it in the config before building the system.
void register_error_category(caf::actor_system_config& cfg);

// Renders any exit reason or error without needing the actor system: errc values readably,
// everything else as CAF's to_string. A normal exit renders as "normal".
std::string render_reason(const caf::error& reason);

// OTP's rule: a normal exit and an orderly shutdown (user_shutdown) are not failures.
bool is_abnormal(const caf::error& reason);

bool is_errc(const caf::error& reason, errc code);

}  // namespace autotrader::supervision

CAF_ERROR_CODE_ENUM(autotrader::supervision::errc, "supervisor")
