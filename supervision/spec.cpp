#include "supervision/spec.hpp"

#include <set>

namespace autotrader::supervision {

const char* to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::one_for_one:
      return "one_for_one";
    case Strategy::one_for_all:
      return "one_for_all";
    case Strategy::rest_for_one:
      return "rest_for_one";
  }
  return "unknown";
}

const char* to_string(Restart restart) {
  switch (restart) {
    case Restart::permanent:
      return "permanent";
    case Restart::transient:
      return "transient";
    case Restart::temporary:
      return "temporary";
  }
  return "unknown";
}

ChildSpec supervisor_child(SupervisorSpec spec, Restart restart) {
  ChildSpec child;
  child.id = spec.id;
  child.restart = restart;
  child.shutdown = Shutdown::infinity();
  child.supervisor = std::make_shared<const SupervisorSpec>(std::move(spec));
  return child;
}

std::string validate(const SupervisorSpec& spec) {
  std::set<std::string> seen;
  for (const auto& child : spec.children) {
    if (!seen.insert(child.id).second) return "duplicate child id '" + child.id + "'";
    if (!child.start && !child.supervisor) return "child '" + child.id + "' has no StartFn";
  }
  return {};
}

}  // namespace autotrader::supervision
