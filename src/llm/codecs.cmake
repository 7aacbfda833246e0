# autotrader::llm — the provider pool's vocabulary (types), the provider codecs (codec*) and the
# decision schema and validator (validate). Pure: no I/O, no clock.
autotrader_library(llm
  SOURCES
    codec.cpp
    codec_anthropic.cpp
    codec_detail.cpp
    codec_gemini.cpp
    codec_openai.cpp
    text.cpp
    types.cpp
    validate.cpp
  DEPS autotrader::core autotrader::net_client nlohmann_json::nlohmann_json)
