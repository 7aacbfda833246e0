#pragma once
// How a supervision tree is described: plain data, modelled on OTP child specs and supervisor
// flags plus Akka's backoff. Nothing here knows about trading.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caf/actor.hpp"
#include "caf/fwd.hpp"
#include "core/random.hpp"
#include "supervision/observer.hpp"

namespace autotrader::supervision {

// Which children restart when one dies (OTP): only it, all of them, or it and the ones started
// after it.
enum class Strategy : std::uint8_t { one_for_one, one_for_all, rest_for_one };

// permanent: always restarted. transient: restarted only after an abnormal exit (normal and
// user_shutdown exits are not abnormal). temporary: never restarted, not even when a sibling's
// death restarts a group; it is removed instead.
enum class Restart : std::uint8_t { permanent, transient, temporary };

const char* to_string(Strategy strategy);
const char* to_string(Restart restart);

// How a child is stopped. brutal: killed at once (exit_reason::kill cannot be trapped).
// after(t): sent user_shutdown, killed if still alive after t. infinity: sent user_shutdown and
// waited for without limit, which is right for child supervisors that stop their own subtree.
struct Shutdown {
  enum class Kind : std::uint8_t { brutal, timeout, infinity };
  Kind kind = Kind::timeout;
  std::chrono::milliseconds timeout{5'000};  // only for Kind::timeout

  static Shutdown brutal() { return {Kind::brutal, std::chrono::milliseconds{0}}; }
  static Shutdown after(std::chrono::milliseconds t) { return {Kind::timeout, t}; }
  static Shutdown infinity() { return {Kind::infinity, std::chrono::milliseconds{0}}; }
};

// Liveness check (OTP has none): every interval the supervisor asks the child for a heartbeat;
// no reply within timeout counts as a hang and the child is killed and restarted. The next
// request goes out `interval` after the previous reply, so requests never overlap.
struct Heartbeat {
  std::chrono::milliseconds interval{1'000};
  std::chrono::milliseconds timeout{1'000};
};

// OTP's restart intensity: more than max_restarts restarts within period make the supervisor
// give up. OTP defaults to 1 in 5 s because it restarts at once; our restarts wait for a
// backoff (0.5 s, 1 s, 2 s, 4 s, 8 s ...), so 5 in 60 s lets a child that keeps dying be given
// up on after about 30 s, while single crashes spread over minutes are healed forever.
struct Intensity {
  std::size_t max_restarts = 5;
  std::chrono::milliseconds period{60'000};
};

// Akka's BackoffSupervisor: the n-th consecutive restart waits
// min(max, min * 2^n) * (1 + u * random_factor), u uniform in [0, 1) from core::Random.
// n goes back to 0 once the child has stayed up for reset_after (0: never).
struct Backoff {
  std::chrono::milliseconds min{500};
  std::chrono::milliseconds max{30'000};
  double random_factor = 0.2;
  std::chrono::milliseconds reset_after{60'000};
};

// Spawns the child from its supervisor (e.g. `return parent.spawn(worker);`). Throwing or
// returning an invalid handle is a start failure, handled like an abnormal exit.
using StartFn = std::function<caf::actor(caf::event_based_actor& parent)>;

struct SupervisorSpec;

struct ChildSpec {
  std::string id;
  StartFn start;
  Restart restart = Restart::permanent;
  Shutdown shutdown = Shutdown::after(std::chrono::milliseconds{5'000});
  std::optional<Heartbeat> heartbeat;
  // Set by supervisor_child(): the child is a nested supervisor, started by the parent so that
  // it inherits the parent's observer and a random generator seeded from the parent's.
  std::shared_ptr<const SupervisorSpec> supervisor;
};

struct SupervisorSpec {
  // Supervisor ids should be unique in the whole tree: the TreeView links a nested supervisor's
  // events to its node by id. Child ids need only be unique within their supervisor.
  std::string id;
  Strategy strategy = Strategy::one_for_one;
  Intensity intensity;
  Backoff backoff;
  std::vector<ChildSpec> children;
  // Null: a nested supervisor inherits its parent's; the root then reports nothing.
  std::shared_ptr<Observer> observer;
  // Null: a nested supervisor gets a generator seeded from its parent's; a root has no jitter.
  // Never shared between supervisors, since core::Random is not thread-safe.
  std::shared_ptr<core::Random> random;
  // How long a child that was sent exit_reason::kill may take to die when its Shutdown gives
  // no timeout (brutal, infinity). Past it the child is declared unkillable.
  std::chrono::milliseconds kill_timeout{5'000};
};

// A nested supervisor as a child: stopped with Shutdown::infinity (it stops its own subtree
// first); its giving up is an abnormal exit for the parent, whose strategy then applies.
// Unlike OTP's synchronous start_link, its children start when it first runs, so the parent's
// later children may start before them: do not rely on that order across levels.
ChildSpec supervisor_child(SupervisorSpec spec, Restart restart = Restart::permanent);

// Empty when the spec can run; otherwise why not (duplicate child ids, a child without StartFn).
std::string validate(const SupervisorSpec& spec);

}  // namespace autotrader::supervision
