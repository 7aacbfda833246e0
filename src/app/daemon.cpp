#include "app/daemon.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <system_error>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include "actors/feed/market_tree.hpp"
#include "actors/health/health_routes.hpp"
#include "actors/http/http_actor.hpp"
#include "actors/llm/llm_tree.hpp"
#include "actors/trading/trading_tree.hpp"
#include "app/actor_system.hpp"
#include "app/binance_wiring.hpp"
#include "app/cli.hpp"
#include "app/decide_command.hpp"
#include "app/mode.hpp"
#include "app/redacting_observer.hpp"
#include "app/supervision_metrics.hpp"
#include "config/loader.hpp"
#include "config/schema.hpp"
#include "core/clock.hpp"
#include "core/fault.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "market/indicators_command.hpp"
#include "net/client_context.hpp"
#include "net/metrics_endpoint.hpp"
#include "net/proxy.hpp"
#include "supervision/run_root.hpp"
#include "supervision/tree_view.hpp"
#include "web/web_routes.hpp"

namespace autotrader::app {
namespace {

namespace fs = std::filesystem;

// How long the actor system may take to wind down once the tree has stopped.
constexpr std::chrono::milliseconds kExitGrace{10'000};
using std::chrono::duration_cast;
using std::chrono::milliseconds;

void print_errors(const std::vector<config::ConfigError>& errors) {
  for (const auto& error : errors) std::cerr << config::format_error(error) << '\n';
}

// Creates <data_dir>/logs and proves the directory is writable, before anything depends on it.
std::optional<std::string> prepare_data_dir(const fs::path& data_dir) {
  std::error_code ec;
  fs::create_directories(data_dir / "logs", ec);
  if (ec) {
    return "data directory '" + data_dir.string() + "' cannot be created: " + ec.message();
  }
  auto probe = data_dir / (".write-probe-" + std::to_string(::getpid()));
  {
    std::ofstream out{probe};
    out << "probe\n";
    out.flush();
    if (!out) return "data directory '" + data_dir.string() + "' is not writable";
  }
  fs::remove(probe, ec);
  return std::nullopt;
}

double seconds_since(std::chrono::steady_clock::time_point start, const core::Clock& clock) {
  return std::chrono::duration<double>(clock.steady_now() - start).count();
}

std::vector<actors::HttpRoute> operator_routes(std::shared_ptr<prometheus::Registry> registry,
                                               std::shared_ptr<supervision::TreeView> tree,
                                               std::shared_ptr<const core::Clock> clock,
                                               std::shared_ptr<llm_actors::PoolShared> llm) {
  auto started = clock->steady_now();
  std::vector<actors::HttpRoute> routes;
  routes.push_back(
      {"GET", "/healthz", [clock, started](const net::HttpRequest&, net::Responder respond) {
         respond(
             net::HttpResponse::json(200, {{"status", "ok"},
                                           {"version", version()},
                                           {"uptime_seconds", seconds_since(started, *clock)}}));
       }});
  routes.push_back({"GET", "/metrics", net::metrics_handler(std::move(registry))});
  routes.push_back(
      {"GET", "/api/supervision", [tree, clock](const net::HttpRequest&, net::Responder respond) {
         respond(net::HttpResponse::json(200, tree->to_json(clock->steady_now())));
       }});
  // The provider pool's figures live outside its actor (they survive its restarts), so they
  // are read here directly, under the pool's lock.
  routes.push_back({"GET", "/api/backup-services-status",
                    [llm](const net::HttpRequest&, net::Responder respond) {
                      respond(net::HttpResponse::json(200, llm->status_json()));
                    }});
  return routes;
}

// Outbound connections: one I/O thread for the Binance feed (its CA file) and one for the AI
// providers (theirs), created before the actor system and released after it.
struct ClientContexts {
  std::shared_ptr<net::ClientContext> binance;  // null unless market.venue is binance
  std::shared_ptr<net::ClientContext> llm;
  net::ProxyOptions proxy;
};

supervision::SupervisorSpec daemon_tree(const config::Settings& settings,
                                        const config::Secrets& secrets,
                                        std::shared_ptr<prometheus::Registry> registry,
                                        std::shared_ptr<supervision::TreeView> tree,
                                        std::shared_ptr<supervision::Observer> observer,
                                        std::shared_ptr<const core::Clock> clock,
                                        std::uint64_t seed, const ClientContexts& clients) {
  const auto& sup = settings.supervision;
  supervision::SupervisorSpec root;
  root.id = "root";
  root.strategy = supervision::Strategy::one_for_one;
  root.intensity = {sup.max_restarts, duration_cast<milliseconds>(sup.period)};
  root.backoff = {duration_cast<milliseconds>(sup.backoff_min),
                  duration_cast<milliseconds>(sup.backoff_max), sup.backoff_random_factor,
                  duration_cast<milliseconds>(sup.reset_after)};
  root.observer = std::move(observer);
  root.random = std::make_shared<core::SeededRandom>(seed);
  // Market data: the "market" supervisor and its feeds (feed::market_tree).
  auto market = feed::market_tree(settings, *registry, clock);
  if (settings.market.venue == "binance") {
    market.spec.children.push_back(
        binance_feed_child(settings, *registry, market.feeds, clients.binance, clock, seed + 1));
  }
  // Decisions: the "llm" supervisor, its provider children and the pool (llm_actors::llm_tree).
  auto llm =
      llm_actors::llm_tree(settings, secrets, registry.get(), clients.llm, clock, clients.proxy);
  // Trading: the "trading" supervisor over storage, executor and trader (trading_actors).
  trading_actors::ExecutorSpawn executor;
  if (config::places_real_orders(settings.mode)) {
    auto spawn =
        binance_executor_spawn(settings, secrets, *registry, market.feeds, clients.binance, clock);
    // The mode check ran before: the keys are present; a malformed one is reported by the
    // signer (without its value) and the daemon refuses to start.
    if (auto* error = std::get_if<std::string>(&spawn)) throw std::runtime_error(*error);
    executor = std::get<trading_actors::ExecutorSpawn>(std::move(spawn));
  }
  auto trading = trading_actors::trading_tree(settings, registry.get(), market.feeds, llm.pool,
                                              settings.llm.priority, clock, std::move(executor));
  // Health: the monitor that checks the others and heals (health_actors::health_branch).
  auto health = health_actors::health_branch(settings, registry, trading.shared, llm.shared, clock);

  actors::HttpActorConfig http;
  http.options.bind_address = settings.http.bind;
  http.options.port = settings.http.port;
  http.options.max_body_bytes = settings.http.max_body_bytes;
  http.options.max_header_bytes = settings.http.max_header_bytes;
  http.options.request_timeout = duration_cast<milliseconds>(settings.http.request_timeout);
  http.options.max_connections = settings.http.max_connections;
  http.registry = registry;
  http.routes = operator_routes(registry, std::move(tree), clock, llm.shared);
  for (auto& route : trading_actors::trading_routes(trading.shared, secrets.api_token)) {
    http.routes.push_back(std::move(route));
  }
  for (auto& route : health_actors::health_routes(health.shared, trading.shared)) {
    http.routes.push_back(std::move(route));
  }
  for (auto& route : web::web_routes(trading.shared, health.shared)) {
    http.routes.push_back(std::move(route));
  }
  http.log = core::log::get("http");

  supervision::ChildSpec http_child;
  http_child.id = "http";
  http_child.start = [http](caf::event_based_actor& parent) {
    return actors::spawn_http_actor(parent, http);
  };
  http_child.shutdown =
      supervision::Shutdown::after(duration_cast<milliseconds>(sup.shutdown_timeout));
  http_child.heartbeat = supervision::Heartbeat{duration_cast<milliseconds>(sup.heartbeat_interval),
                                                duration_cast<milliseconds>(sup.heartbeat_timeout)};
  root.children.push_back(std::move(http_child));
  root.children.push_back(supervision::supervisor_child(std::move(market.spec)));
  root.children.push_back(supervision::supervisor_child(std::move(llm.spec)));
  root.children.push_back(supervision::supervisor_child(std::move(trading.spec)));
  root.children.push_back(std::move(health.child));
  return root;
}

void register_build_info(prometheus::Registry& registry) {
  prometheus::BuildGauge()
      .Name("autotrader_build_info")
      .Help("Always 1; the labels say which build is running")
      .Register(registry)
      .Add({{"version", version()}})
      .Set(1);
}

// Counts every firing of an armed fault point; the armed points export 0 from the start.
void count_fault_injections(std::shared_ptr<prometheus::Registry> registry,
                            const std::vector<std::string>& armed_points) {
  auto& family = prometheus::BuildCounter()
                     .Name("autotrader_fault_injections_total")
                     .Help("Firings of named fault points armed by AUTOTRADER_FAULTS")
                     .Register(*registry);
  for (const auto& point : armed_points) family.Add({{"point", point}});
  // The listener is process-wide: it keeps the registry (which owns the family) alive.
  core::fault::set_listener([registry, &family](const std::string& point) {
    family.Add({{"point", point}}).Increment();
  });
}

// Logs a fatal start-up problem once where the operator looks: the console logger when it is on
// (it writes to stderr), stderr directly otherwise; the log file gets it in both cases.
int fail(const config::Settings& settings, int code, const std::string& message) {
  core::log::get("app")->critical("{}", message);
  if (!settings.log.console) std::cerr << "autotrader: " << message << '\n';
  core::log::shutdown();
  return code;
}

int run_daemon(const CliArgs& args, const std::map<std::string, std::string>& environment) {
  // First, before any thread exists: every thread inherits the mask, so only run_root's signal
  // thread receives SIGINT/SIGTERM.
  supervision::block_termination_signals();
  // A file-size limit must make a write fail (the storage actor halts trading and says why),
  // not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);

  config::LoadOptions options;
  if (args.config_file) options.config_file = fs::path{*args.config_file};
  options.environment = environment;
  options.mode = args.mode;
  auto loaded = config::load(options);
  if (!loaded.ok()) {
    print_errors(loaded.errors);
    std::cerr << "autotrader: not starting: " << loaded.errors.size()
              << " configuration error(s)\n";
    return exit_config;
  }
  const auto& settings = loaded.settings;
  for (auto value : loaded.secrets.values()) core::log::register_secret(value);
  if (auto it = environment.find(std::string{config::faults_env}); it != environment.end()) {
    if (auto error = core::fault::parse_and_arm(it->second)) {
      std::cerr << "autotrader: " << config::faults_env << ": " << *error << '\n';
      return exit_config;
    }
  }

  if (auto error = prepare_data_dir(settings.data_dir)) {
    std::cerr << "autotrader: " << *error << '\n';
    return exit_cant_create;
  }
  if (auto error = core::log::init(config::log_options(settings))) {
    std::cerr << "autotrader: " << error->message << '\n';
    return exit_cant_create;
  }
  auto log = core::log::get("app");
  log->info("autotrader {} starting; config: {}; data directory: {}", version(),
            loaded.config_file ? loaded.config_file->string() : std::string{"built-in defaults"},
            settings.data_dir.string());
  // The mode's preconditions: the live opt-in's two halves, the keys, hosts fit for the mode.
  const auto mode = check_mode(settings, loaded.secrets, args.live_trading_flag);
  if (const auto* error = std::get_if<std::string>(&mode)) {
    return fail(settings, exit_config,
                "mode " + std::string{config::mode_name(settings.mode)} + ": " + *error);
  }
  for (const auto& warning : std::get<ModeCheck>(mode).warnings) log->warn("mode: {}", warning);
  log->info("mode {}: {}", config::mode_name(settings.mode),
            std::get<ModeCheck>(mode).live          ? "REAL MONEY: signed orders on Binance"
            : std::get<ModeCheck>(mode).real_orders ? "signed orders on the Binance Spot testnet"
                                                    : "paper broker, no order leaves the process");

  if (auto error = net::probe_bind(settings.http.bind, settings.http.port)) {
    return fail(settings, exit_unavailable, "http: " + *error);
  }

  std::shared_ptr<const core::Clock> clock = std::make_shared<core::SystemClock>();
  auto registry = std::make_shared<prometheus::Registry>();
  register_build_info(*registry);
  auto armed = core::fault::armed_points();
  count_fault_injections(registry, armed);
  for (const auto& point : armed)
    log->warn("fault point {} is armed ({})", point, config::faults_env);
  auto tree = std::make_shared<supervision::TreeView>();
  auto metrics = std::make_shared<SupervisionMetrics>(*registry, core::log::get("supervision"));
  auto observers = std::make_shared<RedactingObserver>(std::make_shared<supervision::ObserverList>(
      std::vector<std::shared_ptr<supervision::Observer>>{tree, metrics}));
  auto seed = std::random_device{}();
  ClientContexts clients;
  if (settings.market.venue == "binance") {
    clients.binance = std::make_shared<net::ClientContext>(
        net::TlsOptions{true, settings.binance.tls_ca_file, {}});
    if (const auto& error = clients.binance->tls_error()) {
      return fail(settings, exit_config,
                  "binance.tls_ca_file: cannot load '" + settings.binance.tls_ca_file +
                      "': " + error->message);
    }
  }
  clients.llm =
      std::make_shared<net::ClientContext>(net::TlsOptions{true, settings.llm.tls_ca_file, {}});
  if (const auto& error = clients.llm->tls_error()) {
    return fail(
        settings, exit_config,
        "llm.tls_ca_file: cannot load '" + settings.llm.tls_ca_file + "': " + error->message);
  }
  auto proxy = net::proxy_from_environment(environment);
  for (const auto& problem : proxy.errors) log->warn("proxy ignored: {}", problem);
  clients.proxy = std::move(proxy.options);
  supervision::SupervisorSpec spec;
  try {
    spec = daemon_tree(settings, loaded.secrets, registry, tree, observers, clock, seed, clients);
  } catch (const std::exception& e) {
    return fail(settings, exit_config, e.what());
  }
  metrics->preregister(spec);

  supervision::RunRootOptions run_options;
  run_options.on_shutdown_signal = [log](int signal) {
    log->info("signal {} received: stopping the supervision tree in order", signal);
  };
  run_options.on_forced_exit = [log](int signal) {
    log->warn("second signal {} received: exiting at once", signal);
    core::log::shutdown();
  };

  caf::actor_system_config caf_config;
  configure_actor_system(caf_config);
  supervision::RootOutcome outcome;
  {
    caf::actor_system system{caf_config};
    outcome = supervision::run_root(system, std::move(spec), run_options);
    // ~actor_system waits for every actor; should one outside the tree never end, leave anyway.
    supervision::guard_process_exit(kExitGrace, outcome.exit_code, [log] {
      log->critical("the actor system did not finish within {} s: exiting without it",
                    kExitGrace.count() / 1000);
      core::log::shutdown();
    });
    if (outcome.must_exit_immediately) {
      // A stuck actor would keep ~actor_system waiting forever: leave now and let the process
      // manager start a fresh process.
      log->critical("exiting for a process restart: {}", outcome.reason);
      core::log::shutdown();
      std::_Exit(outcome.exit_code);
    }
  }
  if (outcome.exit_code == exit_ok) {
    log->info("stopped in order");
  } else {
    log->critical(
        "the supervision tree gave up: {}; exiting with {} so that the process manager "
        "restarts the process",
        outcome.reason, outcome.exit_code);
  }
  core::log::shutdown();
  return outcome.exit_code;
}

int run_config_check(const CliArgs& args, const std::map<std::string, std::string>& environment) {
  config::LoadOptions options;
  options.config_file = fs::path{args.check_file};
  options.environment = environment;
  auto loaded = config::load(options);
  if (!loaded.ok()) {
    print_errors(loaded.errors);
    std::cerr << args.check_file << ": " << loaded.errors.size() << " error(s)\n";
    return exit_config;
  }
  std::cout << args.check_file << ": configuration is valid\n";
  return exit_ok;
}

}  // namespace

const char* version() {
  return AUTOTRADER_VERSION;
}

int main_entry(const std::vector<std::string>& args, const char* const* envp) {
  auto parsed = parse_cli(args);
  if (auto* error = std::get_if<CliError>(&parsed)) {
    std::cerr << "autotrader: " << error->message << '\n';
    return exit_usage;
  }
  const auto& cli = std::get<CliArgs>(parsed);
  auto environment = config::environment_from(envp);
  switch (cli.command) {
    case Command::help:
      std::cout << cli.help_text;
      return exit_ok;
    case Command::version:
      std::cout << "autotrader " << version() << '\n';
      return exit_ok;
    case Command::config_check:
      return run_config_check(cli, environment);
    case Command::run:
      return run_daemon(cli, environment);
    case Command::indicators:
      return market::run_indicators_command(cli.check_file, std::cout, std::cerr);
    case Command::decide:
      return run_decide_command(cli, environment, std::cin, std::cout, std::cerr);
  }
  return exit_usage;
}

}  // namespace autotrader::app
