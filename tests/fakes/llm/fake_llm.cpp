#include "tests/fakes/llm/fake_llm.hpp"

#include "tests/fakes/llm/server.hpp"
#include "tests/fakes/llm/state.hpp"

namespace autotrader::fakes::llm {

std::string_view to_string(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::ok:
      return "ok";
    case AuthOutcome::missing:
      return "missing";
    case AuthOutcome::wrong:
      return "wrong";
    case AuthOutcome::none:
      break;
  }
  return "none";
}

class FakeLlm::Impl {
 public:
  explicit Impl(FakeLlmOptions options)
      : options_(std::move(options)), state_(options_), server_(state_, options_) {}

  const FakeLlmOptions options_;
  State state_;
  Server server_;
};

FakeLlm::FakeLlm(FakeLlmOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeLlm::~FakeLlm() {
  stop();
}

std::optional<std::string> FakeLlm::start() {
  return impl_->server_.start();
}

void FakeLlm::stop() {
  impl_->server_.stop();
}

std::uint16_t FakeLlm::port() const {
  return impl_->server_.port();
}

bool FakeLlm::tls() const {
  return impl_->options_.tls.has_value();
}

std::string FakeLlm::origin() const {
  return std::string{tls() ? "https" : "http"} + "://127.0.0.1:" + std::to_string(port());
}

std::string FakeLlm::base_url(Provider provider) const {
  switch (provider) {
    case Provider::gemini:
    case Provider::anthropic:
      return origin();
    case Provider::openai:
      return origin() + "/v1";
    case Provider::together:
      return origin() + "/together/v1";
    case Provider::local:
      break;
  }
  return origin() + "/local/v1";
}

void FakeLlm::enqueue(Provider provider, Behaviour behaviour, std::size_t times) {
  impl_->state_.enqueue(provider, std::move(behaviour), times);
}

void FakeLlm::answer(Provider provider, nlohmann::json decision, Usage usage) {
  enqueue(provider, Behaviour::answer(std::move(decision), usage));
}

void FakeLlm::fail(Provider provider, Fault fault, std::size_t times) {
  enqueue(provider, Behaviour::fault(fault), times);
}

void FakeLlm::set_default(Provider provider, Behaviour behaviour) {
  impl_->state_.set_default(provider, std::move(behaviour));
}

void FakeLlm::configure(Provider provider, ProviderConfig config) {
  impl_->state_.configure(provider, std::move(config));
}

ProviderConfig FakeLlm::config(Provider provider) const {
  return impl_->state_.config(provider);
}

std::size_t FakeLlm::scripted(Provider provider) const {
  return impl_->state_.scripted(provider);
}

void FakeLlm::clear_scripts() {
  impl_->state_.clear_scripts();
}

void FakeLlm::reset() {
  impl_->state_.reset();
}

std::vector<RecordedRequest> FakeLlm::requests() const {
  return impl_->state_.requests();
}

std::vector<RecordedRequest> FakeLlm::requests(Provider provider) const {
  std::vector<RecordedRequest> out;
  for (auto& r : impl_->state_.requests()) {
    if (r.provider == provider) out.push_back(std::move(r));
  }
  return out;
}

std::size_t FakeLlm::request_count(Provider provider) const {
  return impl_->state_.request_count(provider);
}

bool FakeLlm::wait_for_requests(Provider provider, std::size_t count,
                                std::chrono::milliseconds timeout) const {
  return impl_->state_.wait_for_requests(provider, count, timeout);
}

std::size_t FakeLlm::fault_count(FaultKind kind) const {
  return impl_->state_.fault_count(kind);
}

std::size_t FakeLlm::faults_total() const {
  return impl_->state_.faults_total();
}

void FakeLlm::clear_records() {
  impl_->state_.clear_records();
}

}  // namespace autotrader::fakes::llm
