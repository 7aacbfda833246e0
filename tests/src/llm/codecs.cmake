# Tests of autotrader::llm: each wire format against documented request and response fixtures
# (tests/fixtures/llm, README there), a seeded fuzzer over every decoder, the decision schema
# and validator, text hygiene, the prompts, the multi-turn driver and the JSON forms.
autotrader_test(llm_codecs_test
  SOURCES
    analysis_test.cpp
    anthropic_codec_test.cpp
    codec_fuzz_test.cpp
    codec_test.cpp
    decision_json_test.cpp
    gemini_codec_test.cpp
    openai_codec_test.cpp
    prompts_test.cpp
    text_test.cpp
    validate_test.cpp
  DEPS autotrader::llm nlohmann_json::nlohmann_json
  LABEL unit
  TIMEOUT 120)
