#include "tests/actors/llm/llm_wire_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "supervision/errc.hpp"
#include "supervision/supervisor.hpp"

namespace autotrader::llm_actors::wire_test {

using std::chrono::milliseconds;

llm::DecisionInput snapshot() {
  llm::DecisionInput input;
  input.symbol = "BTCUSDT";
  input.price = 65'000;
  input.rsi = 25;
  input.ma_short = 64'900;
  input.ma_long = 64'000;
  input.trend = "up";
  input.volume_ratio = 1.5;
  return input;
}

namespace {

nlohmann::json decision(const char* action, double confidence, const std::string& reasoning) {
  return {{"action", action},       {"confidence", confidence},
          {"reasoning", reasoning}, {"factors", {"rsi", "trend"}},
          {"position_size", 0.05},  {"stop_loss_pct", 2.0},
          {"take_profit_pct", 4.0}};
}

}  // namespace

nlohmann::json buy_decision(const std::string& reasoning) {
  return decision("BUY", 0.7, reasoning);
}

nlohmann::json sell_decision(const std::string& reasoning) {
  return decision("SELL", 0.65, reasoning);
}

fl::Provider route_of(llm::ProviderKind kind) {
  switch (kind) {
    case llm::ProviderKind::gemini:
      return fl::Provider::gemini;
    case llm::ProviderKind::openai:
      return fl::Provider::openai;
    case llm::ProviderKind::anthropic:
      return fl::Provider::anthropic;
    case llm::ProviderKind::together:
      return fl::Provider::together;
    case llm::ProviderKind::local:
      break;
  }
  return fl::Provider::local;
}

std::string model_of(llm::ProviderKind kind) {
  const config::LlmSettings defaults;
  switch (kind) {
    case llm::ProviderKind::gemini:
      return defaults.gemini.model;
    case llm::ProviderKind::openai:
      return defaults.openai.model;
    case llm::ProviderKind::anthropic:
      return defaults.anthropic.model;
    case llm::ProviderKind::together:
      return defaults.together.model;
    case llm::ProviderKind::local:
      break;
  }
  return defaults.local.model;
}

std::size_t open_connections_to(std::uint16_t port) {
  // Lines: "  sl  local_address rem_address   st ...", addresses as HEXIP:HEXPORT, state 01 is
  // ESTABLISHED.
  std::ifstream table{"/proc/net/tcp"};
  std::string line;
  std::getline(table, line);  // the header
  std::size_t count = 0;
  while (std::getline(table, line)) {
    std::istringstream fields{line};
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state)) continue;
    auto colon = remote.find(':');
    if (colon == std::string::npos) continue;
    auto remote_port = std::stoul(remote.substr(colon + 1), nullptr, 16);
    if (remote_port == port && state == "01") ++count;
  }
  return count;
}

bool wait_for_open_connections(std::uint16_t port, std::size_t expected,
                               std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (open_connections_to(port) == expected) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::yield();
  }
}

config::Settings settings_for(const fl::FakeLlm& fake) {
  config::Settings settings;
  auto& llm = settings.llm;
  llm.gemini.base_url = fake.base_url(fl::Provider::gemini);
  llm.openai.base_url = fake.base_url(fl::Provider::openai);
  llm.anthropic.base_url = fake.base_url(fl::Provider::anthropic);
  llm.together.base_url = fake.base_url(fl::Provider::together);
  llm.local.base_url = fake.base_url(fl::Provider::local);
  auto& sup = settings.supervision;
  sup.backoff_min = std::chrono::milliseconds{200};
  sup.backoff_max = std::chrono::milliseconds{200};
  sup.backoff_random_factor = 0;
  sup.shutdown_timeout = std::chrono::seconds{2};
  return settings;
}

std::string test_key(llm::ProviderKind kind) {
  return "test-key-" + std::string{llm::to_string(kind)};
}

config::Secrets test_keys() {
  config::Secrets secrets;
  secrets.gemini_api_key = core::Secret{test_key(llm::ProviderKind::gemini)};
  secrets.openai_api_key = core::Secret{test_key(llm::ProviderKind::openai)};
  secrets.anthropic_api_key = core::Secret{test_key(llm::ProviderKind::anthropic)};
  secrets.together_api_key = core::Secret{test_key(llm::ProviderKind::together)};
  return secrets;
}

LivePool::LivePool(const config::Settings& settings, const config::Secrets& secrets,
                   std::shared_ptr<const core::Clock> clock)
    : context_{std::make_shared<net::ClientContext>()},
      tree_{llm_tree(settings, secrets, &registry_, context_, std::move(clock))} {
  supervision::register_error_category(config_);
  system_ = std::make_unique<caf::actor_system>(config_);
  root_ = supervision::spawn_supervisor(*system_, tree_.spec);
  EXPECT_TRUE(tree_.pool->wait_for(kWait)) << "the pool did not start";
}

LivePool::~LivePool() {
  {
    caf::scoped_actor self{*system_};
    self->monitor(root_);
    self->send_exit(root_, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {},
                  caf::after(kWait) >> [] { ADD_FAILURE() << "the llm supervisor did not stop"; });
  }
  root_ = nullptr;
  system_.reset();
  context_->stop();
}

PoolReply LivePool::decide(const llm::DecisionInput& input) {
  PoolReply out;
  auto pool = tree_.pool->get();
  if (!pool) {
    ADD_FAILURE() << "no pool actor";
    return out;
  }
  caf::scoped_actor self{*system_};
  self->request(pool, kWait, llm_analyze_atom::value, input)
      .receive([&](PoolReply& reply) { out = std::move(reply); },
               [&](caf::error& error) {
                 ADD_FAILURE() << "the pool did not answer: " << system_->render(error);
               });
  return out;
}

llm::BreakerState LivePool::state(const std::string& provider) const {
  return tree_.shared->with_router([&](llm::Router& router) { return router.state(provider); });
}

llm::OpenReason LivePool::open_reason(const std::string& provider) const {
  return tree_.shared->with_router(
      [&](llm::Router& router) { return router.open_reason(provider); });
}

std::optional<double> LivePool::metric(const std::string& family,
                                       const std::map<std::string, std::string>& labels) const {
  for (const auto& collected : registry_.Collect()) {
    if (collected.name != family) continue;
    for (const auto& series : collected.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : series.label) have[label.name] = label.value;
      if (have != labels) continue;
      switch (collected.type) {
        case prometheus::MetricType::Counter:
          return series.counter.value;
        case prometheus::MetricType::Gauge:
          return series.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(series.histogram.sample_count);
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

std::vector<supervision::ChildInfo> LivePool::children() {
  std::vector<supervision::ChildInfo> out;
  caf::scoped_actor self{*system_};
  self->request(root_, kWait, supervision::which_children_atom::value)
      .receive([&](std::vector<supervision::ChildInfo>& children) { out = std::move(children); },
               [&](caf::error& error) { ADD_FAILURE() << system_->render(error); });
  return out;
}

caf::error LivePool::inject(const std::string& child, supervision::Fault fault) {
  caf::error out;
  caf::scoped_actor self{*system_};
  self->request(root_, kWait, supervision::fault_atom::value, child, std::move(fault))
      .receive([](caf::ok_atom) {}, [&](caf::error& error) { out = std::move(error); });
  return out;
}

}  // namespace autotrader::llm_actors::wire_test
