autotrader_library(llm
  SOURCES types.cpp
  DEPS autotrader::core autotrader::net_client nlohmann_json::nlohmann_json)
