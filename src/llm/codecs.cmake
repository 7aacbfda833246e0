# autotrader::llm — the provider pool's vocabulary (types), the provider codecs (codec*), the
# decision schema and validator (validate), the prompts, the multi-turn analysis driver
# (analysis) and the JSON forms of its input and output (decision_json). Pure: no I/O, no clock.
autotrader_library(llm
  SOURCES
    analysis.cpp
    codec.cpp
    codec_anthropic.cpp
    codec_detail.cpp
    codec_gemini.cpp
    codec_openai.cpp
    decision_json.cpp
    prompts.cpp
    text.cpp
    types.cpp
    validate.cpp
  DEPS autotrader::core autotrader::net_client nlohmann_json::nlohmann_json)
