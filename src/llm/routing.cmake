# autotrader::llm_routing — the provider pool's brain as plain C++: per-provider circuit breakers
# (breaker), latency and error figures (latency), the technical-analysis fallback provider
# (technical) and the routing policy with hedging and the status snapshot (router). No I/O, no
# CAF: the pool actor drives it.
autotrader_library(llm_routing
  SOURCES
    breaker.cpp
    latency.cpp
    router.cpp
    technical.cpp
  DEPS
    autotrader::llm
    autotrader::core
    nlohmann_json::nlohmann_json)
