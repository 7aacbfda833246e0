#pragma once
// The messages a supervisor and its children understand. Local to one process.
//
// To a supervisor (each replies ok_atom or a caf::error with an errc):
//   (add_child_atom, ChildSpec)                 append and start a child; duplicate_child,
//                                               start_failed, shutting_down
//   (remove_child_atom, std::string id)         stop it per its Shutdown, then delete it;
//                                               unknown_child, shutting_down
//   (fault_atom, std::string path, Fault)       inject a fault into child `path`, where
//                                               "mid/worker" is routed down through nested
//                                               supervisors; unknown_child, child_not_running
//   (which_children_atom)                       -> std::vector<ChildInfo>, in start order
// To a child wrapped by supervised() (and to every supervisor):
//   (heartbeat_atom)                            -> ok_atom, unless silenced
//   (fault_atom, Fault)                         throw / hang / silence; no reply
#include <chrono>
#include <cstdint>
#include <string>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "caf/meta/type_name.hpp"
#include "supervision/spec.hpp"

namespace autotrader::supervision {

using add_child_atom = caf::atom_constant<caf::atom("sup_add")>;
using remove_child_atom = caf::atom_constant<caf::atom("sup_remove")>;
using which_children_atom = caf::atom_constant<caf::atom("sup_query")>;
using fault_atom = caf::atom_constant<caf::atom("sup_fault")>;
using heartbeat_atom = caf::atom_constant<caf::atom("sup_hb")>;

// A fault for the injection hook (tests now, chaos mode later).
struct Fault {
  enum class Kind : std::uint8_t {
    crash,            // the supervisor sends the child an exit with errc::injected_fault
    throw_exception,  // the child's handler throws std::runtime_error(reason)
    hang,             // the child's handler blocks its thread for `duration` (a real stuck thread)
    silence,          // the child stops answering heartbeats (a hang in virtual time)
  };
  Kind kind = Kind::crash;
  std::string reason;
  std::chrono::milliseconds duration{0};

  static Fault crash(std::string reason) { return {Kind::crash, std::move(reason), {}}; }
  static Fault throw_exception(std::string what) {
    return {Kind::throw_exception, std::move(what), {}};
  }
  static Fault hang(std::chrono::milliseconds d) { return {Kind::hang, {}, d}; }
  static Fault silence() { return {Kind::silence, {}, {}}; }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Fault& x) {
  return f(caf::meta::type_name("fault"), x.kind, x.reason, x.duration);
}

enum class ChildState : std::uint8_t { running, restarting, stopping, stopped };

const char* to_string(ChildState state);
const char* to_string(Fault::Kind kind);

// One row of the which_children reply.
struct ChildInfo {
  std::string id;
  ChildState state = ChildState::stopped;
  std::uint64_t restart_count = 0;  // total restarts (attempts) since the supervisor started
  std::string last_exit_reason;     // empty until the child first exits
  std::chrono::steady_clock::time_point started_at{};  // actor clock, latest start
  bool supervisor = false;                             // a nested supervisor
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChildInfo& x) {
  return f(caf::meta::type_name("child_info"), x.id, x.state, x.restart_count, x.last_exit_reason,
           x.started_at, x.supervisor);
}

}  // namespace autotrader::supervision

// ChildSpec holds std::functions: it can only be sent within the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(autotrader::supervision::ChildSpec)
