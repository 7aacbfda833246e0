#include "supervision/protocol.hpp"

namespace autotrader::supervision {

const char* to_string(ChildState state) {
  switch (state) {
    case ChildState::running:
      return "running";
    case ChildState::restarting:
      return "restarting";
    case ChildState::stopping:
      return "stopping";
    case ChildState::stopped:
      return "stopped";
  }
  return "unknown";
}

const char* to_string(Fault::Kind kind) {
  switch (kind) {
    case Fault::Kind::crash:
      return "crash";
    case Fault::Kind::throw_exception:
      return "throw";
    case Fault::Kind::hang:
      return "hang";
    case Fault::Kind::silence:
      return "silence";
  }
  return "unknown";
}

}  // namespace autotrader::supervision
