#include "config/secrets.hpp"

namespace autotrader::config {

const std::array<SecretSpec, 8>& secret_specs() {
  static const std::array<SecretSpec, 8> specs{{
      {"BINANCE_API_KEY", &Secrets::binance_api_key, "Binance API key."},
      {"BINANCE_API_SECRET", &Secrets::binance_api_secret, "Binance API secret (signs requests)."},
      {"GEMINI_API_KEY", &Secrets::gemini_api_key, "Google Gemini API key."},
      {"OPENAI_API_KEY", &Secrets::openai_api_key, "OpenAI API key."},
      {"ANTHROPIC_API_KEY", &Secrets::anthropic_api_key, "Anthropic API key."},
      {"TOGETHER_API_KEY", &Secrets::together_api_key, "Together AI API key."},
      {"LOCAL_LLM_API_KEY", &Secrets::local_llm_api_key,
       "Key for a local OpenAI-compatible server started with one (optional)."},
      {"AUTOTRADER_API_TOKEN", &Secrets::api_token,
       "Bearer token required by the write endpoints of the HTTP API."},
  }};
  return specs;
}

std::vector<std::string_view> Secrets::values() const {
  std::vector<std::string_view> out;
  for (const auto& spec : secret_specs()) {
    const auto& secret = this->*spec.member;
    if (!secret.empty()) out.emplace_back(secret.reveal());
  }
  return out;
}

}  // namespace autotrader::config
