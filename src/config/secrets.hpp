#pragma once
// Credentials, read only from the environment or .env (never from the config file, which tends
// to be committed, copied and shown).
#include <array>
#include <string_view>
#include <vector>

#include "core/secret.hpp"

namespace autotrader::config {

struct Secrets {
  core::Secret binance_api_key;
  core::Secret binance_api_secret;
  core::Secret gemini_api_key;
  core::Secret openai_api_key;
  core::Secret anthropic_api_key;
  core::Secret together_api_key;
  core::Secret local_llm_api_key;
  core::Secret api_token;  // protects the write endpoints of the HTTP API

  // The values that are set, for core::log::register_secret. They point into this struct.
  std::vector<std::string_view> values() const;
};

struct SecretSpec {
  std::string_view env_name;
  core::Secret Secrets::*member;
  std::string_view description;
};

// Every secret and the variable it is read from.
const std::array<SecretSpec, 8>& secret_specs();

}  // namespace autotrader::config
