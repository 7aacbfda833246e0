#include "supervision/errc.hpp"

#include "caf/actor_system_config.hpp"
#include "caf/atom.hpp"
#include "caf/exit_reason.hpp"
#include "caf/message.hpp"

namespace autotrader::supervision {

namespace {

// "a: b: c" when the context holds only strings (how this module builds its errors),
// CAF's own rendering otherwise.
std::string render_context(const caf::message& ctx) {
  std::string out;
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    if (!ctx.match_element<std::string>(i)) return to_string(ctx);
    if (!out.empty()) out += ": ";
    out += ctx.get_as<std::string>(i);
  }
  return out;
}

std::string render_errc(std::uint8_t code, const caf::message& ctx) {
  std::string out = "supervisor.";
  out += to_string(static_cast<errc>(code));
  auto detail = render_context(ctx);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

}  // namespace

caf::atom_value errc_category() {
  return caf::atom("supervisor");
}

const char* to_string(errc code) {
  switch (code) {
    case errc::intensity_exceeded:
      return "intensity_exceeded";
    case errc::unkillable_child:
      return "unkillable_child";
    case errc::start_failed:
      return "start_failed";
    case errc::duplicate_child:
      return "duplicate_child";
    case errc::unknown_child:
      return "unknown_child";
    case errc::injected_fault:
      return "injected_fault";
    case errc::child_not_running:
      return "child_not_running";
    case errc::shutting_down:
      return "shutting_down";
    case errc::invalid_spec:
      return "invalid_spec";
  }
  return "unknown_errc";
}

void register_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(errc_category(),
                         [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
                           return render_errc(code, ctx);
                         });
}

std::string render_reason(const caf::error& reason) {
  if (!reason) return "normal";
  if (reason.category() == errc_category()) return render_errc(reason.code(), reason.context());
  return to_string(reason);
}

bool is_abnormal(const caf::error& reason) {
  return reason && reason != caf::exit_reason::user_shutdown;
}

bool is_errc(const caf::error& reason, errc code) {
  // code() and category() must not be called on a none error (CAF dereferences its data).
  return reason && reason.category() == errc_category() &&
         reason.code() == static_cast<std::uint8_t>(code);
}

}  // namespace autotrader::supervision
