#include "app/decide_command.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/llm/llm_tree.hpp"
#include "actors/llm/protocol.hpp"
#include "app/actor_system.hpp"
#include "app/daemon.hpp"
#include "config/loader.hpp"
#include "core/log.hpp"
#include "llm/decision_json.hpp"
#include "net/client_context.hpp"
#include "net/proxy.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::app {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// The pool answers by the analysis deadline; this is only the margin for its own failure.
constexpr milliseconds kReplyMargin{10'000};
constexpr milliseconds kStartTimeout{10'000};

std::optional<std::string> read_all(const std::string& path, std::istream& in, std::string& text) {
  std::ostringstream buffer;
  if (path == "-") {
    buffer << in.rdbuf();
  } else {
    std::ifstream file{path, std::ios::binary};
    if (!file) return "cannot open " + path;
    buffer << file.rdbuf();
  }
  text = buffer.str();
  return std::nullopt;
}

nlohmann::json attempts_json(const std::vector<llm_actors::Attempt>& attempts) {
  auto out = nlohmann::json::array();
  for (const auto& attempt : attempts) {
    out.push_back({{"provider", attempt.provider},
                   {"outcome", attempt.outcome},
                   {"latency_ms", attempt.latency.count()},
                   {"message", attempt.message},
                   {"hedge", attempt.hedge}});
  }
  return out;
}

}  // namespace

int run_decide_command(const CliArgs& args, const std::map<std::string, std::string>& environment,
                       std::istream& in, std::ostream& out, std::ostream& err) {
  config::LoadOptions options;
  if (args.config_file) options.config_file = std::filesystem::path{*args.config_file};
  options.environment = environment;
  auto loaded = config::load(options);
  if (!loaded.ok()) {
    for (const auto& error : loaded.errors) err << config::format_error(error) << '\n';
    err << "autotrader: decide: " << loaded.errors.size() << " configuration error(s)\n";
    return exit_config;
  }
  const auto& settings = loaded.settings;
  for (auto value : loaded.secrets.values()) core::log::register_secret(value);

  std::string text;
  if (auto error = read_all(args.check_file, in, text)) {
    err << "autotrader: decide: " << *error << '\n';
    return exit_data;
  }
  auto parsed = llm::decision_input_from_text(text);
  if (auto* error = std::get_if<llm::JsonError>(&parsed)) {
    err << "autotrader: decide: snapshot: " << error->message << '\n';
    return exit_data;
  }
  auto input = std::get<llm::DecisionInput>(std::move(parsed));

  auto proxy = net::proxy_from_environment(environment);
  for (const auto& problem : proxy.errors) err << "autotrader: decide: " << problem << '\n';
  auto client_context =
      std::make_shared<net::ClientContext>(net::TlsOptions{true, settings.llm.tls_ca_file, {}});
  if (const auto& error = client_context->tls_error()) {
    err << "autotrader: decide: llm.tls_ca_file: " << error->message << '\n';
    return exit_config;
  }
  std::shared_ptr<const core::Clock> clock = std::make_shared<core::SystemClock>();
  auto tree =
      llm_actors::llm_tree(settings, loaded.secrets, nullptr, client_context, clock, proxy.options);
  const auto deadline = duration_cast<milliseconds>(settings.llm.analysis_timeout);

  int code = exit_ok;
  {
    caf::actor_system_config caf_config;
    configure_actor_system(caf_config);
    caf::actor_system system{caf_config};
    auto root = supervision::spawn_supervisor(system, tree.spec);
    caf::scoped_actor self{system};
    self->monitor(root);
    auto pool = tree.pool->wait_for(kStartTimeout);
    if (!pool) {
      err << "autotrader: decide: the provider pool did not start\n";
      code = exit_software;
    } else {
      self->request(pool, deadline + kReplyMargin, llm_actors::llm_analyze_atom::value, input)
          .receive(
              [&](llm_actors::PoolReply& reply) {
                nlohmann::json result{
                    {"dry_run", true},
                    {"input", llm::decision_input_to_json(input)},
                    {"decision", llm::decision_to_json(reply.decision)},
                    {"attempts", attempts_json(reply.attempts)},
                    {"deadline_passed", reply.deadline_passed},
                    {"elapsed_ms", reply.elapsed.count()},
                    {"providers", tree.shared->status_json()},
                };
                out << core::log::redact(result.dump(2)) << '\n';
              },
              [&](caf::error& error) {
                err << "autotrader: decide: the provider pool did not answer: "
                    << system.render(error) << '\n';
                code = exit_software;
              });
    }
    self->send_exit(root, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {});
  }
  client_context->stop();
  return code;
}

}  // namespace autotrader::app
