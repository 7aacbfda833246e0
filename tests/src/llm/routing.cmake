# Tests of autotrader::llm_routing: breaker, figures, the technical provider and the router, all
# in injected time (ManualClock), no sleeps.
autotrader_test(llm_routing_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/breaker_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/latency_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/router_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/technical_test.cpp
  DEPS autotrader::llm_routing nlohmann_json::nlohmann_json
  LABEL unit
  TIMEOUT 60)
