// The checks that catch our client's mistakes: each dialect's auth and request shape, refused
// with the provider's own status and error body.
#include <gtest/gtest.h>

#include "tests/fakes/llm/handler_fixture.hpp"

namespace autotrader::fakes::llm::test {
namespace {

using FakeLlmValidation = FakeLlmHandler;

json body_of(const Plan& plan) {
  return json::parse(plan.reply.body);
}

// Gemini: google.rpc.Status.
void expect_gemini_error(const Plan& plan, int code, const std::string& status,
                         const std::string& message_part) {
  EXPECT_EQ(plan.reply.status, code) << plan.reply.body;
  auto error = body_of(plan)["error"];
  EXPECT_EQ(error["code"], code);
  EXPECT_EQ(error["status"], status);
  EXPECT_NE(error["message"].get<std::string>().find(message_part), std::string::npos)
      << error["message"];
}

// OpenAI-shaped: {"error":{message,type,param,code}}.
void expect_openai_error(const Plan& plan, int status, const json& param,
                         const std::string& message_part) {
  EXPECT_EQ(plan.reply.status, status) << plan.reply.body;
  auto error = body_of(plan)["error"];
  EXPECT_EQ(error["type"], "invalid_request_error");
  EXPECT_EQ(error["param"], param);
  EXPECT_TRUE(error.contains("code"));
  EXPECT_NE(error["message"].get<std::string>().find(message_part), std::string::npos)
      << error["message"];
}

// Anthropic: {"type":"error","error":{type,message}}.
void expect_anthropic_error(const Plan& plan, int status, const std::string& type,
                            const std::string& message_part) {
  EXPECT_EQ(plan.reply.status, status) << plan.reply.body;
  auto body = body_of(plan);
  EXPECT_EQ(body["type"], "error");
  EXPECT_EQ(body["error"]["type"], type);
  EXPECT_NE(body["error"]["message"].get<std::string>().find(message_part), std::string::npos)
      << body["error"]["message"];
}

// --- Gemini ---

TEST_F(FakeLlmValidation, GeminiTakesTheKeyInTheHeaderOrTheQuery) {
  auto by_query = valid_call(Provider::gemini);
  by_query.headers.erase("x-goog-api-key");
  by_query.target += "?key=" + kKey;
  EXPECT_EQ(serve(by_query).reply.status, 200);

  auto none = valid_call(Provider::gemini);
  none.headers.erase("x-goog-api-key");
  expect_gemini_error(serve(none), 403, "PERMISSION_DENIED", "unregistered callers");
  auto wrong = serve(valid_call(Provider::gemini, "wrong"));
  expect_gemini_error(wrong, 400, "INVALID_ARGUMENT", "API key not valid");
  EXPECT_EQ(body_of(wrong)["error"]["details"][0]["reason"], "API_KEY_INVALID");
}

TEST_F(FakeLlmValidation, GeminiAcceptsSnakeCaseFieldNames) {
  auto call = valid_call(Provider::gemini);
  call.body = {{"system_instruction", {{"parts", {{{"text", "system"}}}}}},
               {"contents", {{{"role", "user"}, {"parts", {{{"text", "Decide."}}}}}}},
               {"generation_config",
                {{"response_mime_type", "application/json"},
                 {"max_output_tokens", 256},
                 {"response_schema",
                  {{"type", "OBJECT"},
                   {"properties", {{"stop_loss_pct", {{"type", "NUMBER"}}}}},
                   {"property_ordering", {"stop_loss_pct"}}}}}}};
  EXPECT_EQ(serve(call).reply.status, 200) << serve(call).reply.body;
}

TEST_F(FakeLlmValidation, GeminiRolesAreUserAndModelOnly) {
  for (const char* role : {"assistant", "system"}) {
    auto call = valid_call(Provider::gemini);
    call.body["contents"][1]["role"] = role;
    expect_gemini_error(serve(call), 400, "INVALID_ARGUMENT",
                        "Please use a valid role: user, model");
  }
}

TEST_F(FakeLlmValidation, GeminiNeedsContentsWithParts) {
  auto no_contents = valid_call(Provider::gemini);
  no_contents.body.erase("contents");
  expect_gemini_error(serve(no_contents), 400, "INVALID_ARGUMENT", "contents is not specified");
  auto no_parts = valid_call(Provider::gemini);
  no_parts.body["contents"][0]["parts"] = json::array();
  expect_gemini_error(serve(no_parts), 400, "INVALID_ARGUMENT", "parts must not be empty");
}

TEST_F(FakeLlmValidation, GeminiResponseSchemaIsTheOpenApiSubset) {
  auto json_schema_keyword = valid_call(Provider::gemini);
  json_schema_keyword.body["generationConfig"]["responseSchema"]["additionalProperties"] = false;
  expect_gemini_error(serve(json_schema_keyword), 400, "INVALID_ARGUMENT",
                      "Unknown name \"additionalProperties\" at "
                      "'generation_config.response_schema'");

  auto nested = valid_call(Provider::gemini);
  nested.body["generationConfig"]["responseSchema"]["properties"]["action"]["$ref"] = "#/x";
  expect_gemini_error(serve(nested), 400, "INVALID_ARGUMENT", "Unknown name \"$ref\"");

  auto bad_type = valid_call(Provider::gemini);
  bad_type.body["generationConfig"]["responseSchema"]["type"] = "DICT";
  expect_gemini_error(serve(bad_type), 400, "INVALID_ARGUMENT", "Invalid value");

  // Standard JSON Schema belongs in responseJsonSchema, where additionalProperties is fine.
  auto json_schema = valid_call(Provider::gemini);
  json_schema.body["generationConfig"].erase("responseSchema");
  json_schema.body["generationConfig"]["responseJsonSchema"] = decision_schema();
  EXPECT_EQ(serve(json_schema).reply.status, 200);

  auto both = valid_call(Provider::gemini);
  both.body["generationConfig"]["responseJsonSchema"] = decision_schema();
  expect_gemini_error(serve(both), 400, "INVALID_ARGUMENT", "cannot both be set");

  auto no_mime = valid_call(Provider::gemini);
  no_mime.body["generationConfig"].erase("responseMimeType");
  expect_gemini_error(serve(no_mime), 400, "INVALID_ARGUMENT", "response_mime_type");
}

TEST_F(FakeLlmValidation, GeminiRefusesUnknownFieldsAndBadJson) {
  auto typo = valid_call(Provider::gemini);
  typo.body["generationConfig"]["maxTokens"] = 10;
  expect_gemini_error(serve(typo), 400, "INVALID_ARGUMENT",
                      "Unknown name \"maxTokens\" at 'generation_config'");
  auto top = valid_call(Provider::gemini);
  top.body["system"] = "x";
  expect_gemini_error(serve(top), 400, "INVALID_ARGUMENT", "Unknown name \"system\"");

  auto config = state.config(Provider::gemini);
  config.reject_unknown_fields = false;
  state.configure(Provider::gemini, config);
  EXPECT_EQ(serve(top).reply.status, 200);

  auto in = incoming_of(valid_call(Provider::gemini));
  in.body = "{\"contents\": [";
  expect_gemini_error(handle_request(state, true, in), 400, "INVALID_ARGUMENT",
                      "Invalid JSON payload");
}

// --- OpenAI-shaped ---

TEST_F(FakeLlmValidation, OpenAiNeedsABearerKey) {
  auto none = valid_call(Provider::openai);
  none.headers.erase("Authorization");
  auto missing = serve(none);
  expect_openai_error(missing, 401, nullptr, "You didn't provide an API key");
  EXPECT_TRUE(body_of(missing)["error"]["code"].is_null());
  auto wrong = serve(valid_call(Provider::openai, "sk-wrong"));
  expect_openai_error(wrong, 401, nullptr, "Incorrect API key provided");
  EXPECT_EQ(body_of(wrong)["error"]["code"], "invalid_api_key");
  EXPECT_EQ(wrong.reply.body.find("sk-wrong"), std::string::npos);  // never echoes a key
}

TEST_F(FakeLlmValidation, TheLocalRouteNeedsNoKeyButRefusesAWrongOne) {
  auto none = valid_call(Provider::local);
  none.headers.erase("Authorization");
  EXPECT_EQ(serve(none).reply.status, 200);
  EXPECT_EQ(state.requests().back().auth, AuthOutcome::missing);
  EXPECT_EQ(serve(valid_call(Provider::local, "wrong")).reply.status, 401);
  EXPECT_EQ(state.requests().back().auth, AuthOutcome::wrong);
}

TEST_F(FakeLlmValidation, OpenAiResponseFormatMustBeNested) {
  auto flat = valid_call(Provider::local);
  flat.body["response_format"] = {{"type", "json_schema"}, {"schema", decision_schema()}};
  expect_openai_error(serve(flat), 400, "response_format.json_schema",
                      "Missing required parameter: 'response_format.json_schema'");

  auto unnamed = valid_call(Provider::openai);
  unnamed.body["response_format"]["json_schema"].erase("name");
  expect_openai_error(serve(unnamed), 400, "response_format.json_schema.name",
                      "'response_format.json_schema.name'");

  auto bad_name = valid_call(Provider::openai);
  bad_name.body["response_format"]["json_schema"]["name"] = "trade decision";
  expect_openai_error(serve(bad_name), 400, "response_format.json_schema.name", "pattern");

  auto bad_type = valid_call(Provider::openai);
  bad_type.body["response_format"] = {{"type", "json"}};
  expect_openai_error(serve(bad_type), 400, "response_format.type", "Supported values");

  auto json_object = valid_call(Provider::together);
  json_object.body["response_format"] = {{"type", "json_object"}};
  EXPECT_EQ(serve(json_object).reply.status, 200);
}

TEST_F(FakeLlmValidation, OpenAiStrictSchemasListEveryPropertyAndCloseEveryObject) {
  auto missing_required = valid_call(Provider::openai);
  missing_required.body["response_format"]["json_schema"]["schema"]["required"] = {"action"};
  expect_openai_error(serve(missing_required), 400, "response_format", "Missing 'confidence'");

  auto open_object = valid_call(Provider::openai);
  open_object.body["response_format"]["json_schema"]["schema"].erase("additionalProperties");
  expect_openai_error(serve(open_object), 400, "response_format", "'additionalProperties'");

  auto nested = valid_call(Provider::openai);
  nested.body["response_format"]["json_schema"]["schema"]["properties"]["factors"]["items"] = {
      {"type", "object"}, {"properties", {{"name", {{"type", "string"}}}}}};
  expect_openai_error(serve(nested), 400, "response_format", "'factors', 'items'");

  auto not_strict = valid_call(Provider::openai);
  not_strict.body["response_format"]["json_schema"]["strict"] = false;
  not_strict.body["response_format"]["json_schema"]["schema"]["required"] = {"action"};
  EXPECT_EQ(serve(not_strict).reply.status, 200);
}

TEST_F(FakeLlmValidation, OpenAiMessagesModelAndArguments) {
  auto role = valid_call(Provider::openai);
  role.body["messages"][1]["role"] = "model";
  expect_openai_error(serve(role), 400, "messages[1].role", "Supported values");

  auto no_model = valid_call(Provider::openai);
  no_model.body.erase("model");
  expect_openai_error(serve(no_model), 400, nullptr, "you must provide a model parameter");

  auto no_messages = valid_call(Provider::openai);
  no_messages.body["messages"] = json::array();
  expect_openai_error(serve(no_messages), 400, "messages", "empty array");

  auto unknown = valid_call(Provider::together);
  unknown.body["max_output_tokens"] = 10;
  expect_openai_error(serve(unknown), 400, nullptr,
                      "Unrecognized request argument supplied: max_output_tokens");

  auto hot = valid_call(Provider::openai);
  hot.body["temperature"] = 2.5;
  expect_openai_error(serve(hot), 400, "temperature", "maximum of 2");

  auto streaming = valid_call(Provider::openai);
  streaming.body["stream"] = true;
  expect_openai_error(serve(streaming), 400, "stream", "does not stream");

  auto wrong_types = valid_call(Provider::openai);
  wrong_types.body["model"] = 42;
  wrong_types.body["stream"] = "yes";
  expect_openai_error(serve(wrong_types), 400, nullptr, "model");
}

TEST_F(FakeLlmValidation, TheLocalRouteRequiresTemperature) {
  auto local = valid_call(Provider::local);
  local.body.erase("temperature");
  expect_openai_error(serve(local), 400, "temperature", "temperature is required");
  auto openai = valid_call(Provider::openai);
  openai.body.erase("temperature");
  EXPECT_EQ(serve(openai).reply.status, 200);
}

TEST_F(FakeLlmValidation, WithoutValidationOnlyAuthIsChecked) {
  auto config = state.config(Provider::openai);
  config.validate_requests = false;
  state.configure(Provider::openai, config);
  auto anything = valid_call(Provider::openai);
  anything.body = {{"nonsense", true}};
  EXPECT_EQ(serve(anything).reply.status, 200);
  EXPECT_EQ(serve(valid_call(Provider::openai, "wrong")).reply.status, 401);
}

// --- Anthropic ---

TEST_F(FakeLlmValidation, AnthropicNeedsItsKeyAndVersionHeaders) {
  auto none = valid_call(Provider::anthropic);
  none.headers.erase("x-api-key");
  expect_anthropic_error(serve(none), 401, "authentication_error", "x-api-key");
  expect_anthropic_error(serve(valid_call(Provider::anthropic, "wrong")), 401,
                         "authentication_error", "invalid x-api-key");
  auto bearer = valid_call(Provider::anthropic);
  bearer.headers.erase("x-api-key");
  bearer.headers["Authorization"] = "Bearer " + kKey;
  EXPECT_EQ(serve(bearer).reply.status, 401);

  auto unversioned = valid_call(Provider::anthropic);
  unversioned.headers.erase("anthropic-version");
  expect_anthropic_error(serve(unversioned), 400, "invalid_request_error",
                         "anthropic-version: header is required");
}

TEST_F(FakeLlmValidation, AnthropicNeedsMaxTokensAndUserOrAssistantRoles) {
  auto no_max = valid_call(Provider::anthropic);
  no_max.body.erase("max_tokens");
  expect_anthropic_error(serve(no_max), 400, "invalid_request_error", "max_tokens: Field required");

  auto system_message = valid_call(Provider::anthropic);
  system_message.body["messages"].insert(system_message.body["messages"].begin(),
                                         {{"role", "system"}, {"content", "x"}});
  expect_anthropic_error(serve(system_message), 400, "invalid_request_error",
                         "messages.0.role: Input should be 'user' or 'assistant'");

  auto empty = valid_call(Provider::anthropic);
  empty.body["messages"][0]["content"] = "";
  expect_anthropic_error(serve(empty), 400, "invalid_request_error", "must be non-empty");

  auto extra = valid_call(Provider::anthropic);
  extra.body["response_format"] = {{"type", "json_object"}};
  expect_anthropic_error(serve(extra), 400, "invalid_request_error",
                         "response_format: Extra inputs are not permitted");

  auto hot = valid_call(Provider::anthropic);
  hot.body["temperature"] = 1.5;
  expect_anthropic_error(serve(hot), 400, "invalid_request_error", "temperature");
}

TEST_F(FakeLlmValidation, AnthropicToolChoiceMustNameAnOfferedToolWithoutThinking) {
  auto unknown_tool = valid_call(Provider::anthropic);
  unknown_tool.body["tool_choice"]["name"] = "other_tool";
  expect_anthropic_error(serve(unknown_tool), 400, "invalid_request_error", "not found");

  auto no_tools = valid_call(Provider::anthropic);
  no_tools.body.erase("tools");
  expect_anthropic_error(serve(no_tools), 400, "invalid_request_error",
                         "tool_choice may only be specified while providing tools");

  auto thinking = valid_call(Provider::anthropic);
  thinking.body["thinking"] = {{"type", "enabled"}, {"budget_tokens", 1024}};
  expect_anthropic_error(serve(thinking), 400, "invalid_request_error",
                         "Thinking may not be enabled when tool_choice forces tool use");

  auto schemaless = valid_call(Provider::anthropic);
  schemaless.body["tools"][0].erase("input_schema");
  expect_anthropic_error(serve(schemaless), 400, "invalid_request_error", "input_schema");
}

TEST_F(FakeLlmValidation, AnthropicAnswersWithTheToolItWasOffered) {
  auto any = valid_call(Provider::anthropic);
  any.body["tools"].push_back({{"name", "other"}, {"input_schema", {{"type", "object"}}}});
  any.body["tool_choice"] = {{"type", "any"}};
  auto answer = body_of(serve(any));
  EXPECT_EQ(answer["content"][0]["name"], "emit_decision");

  // No tools (e.g. output_config): the JSON comes as text.
  auto text = valid_call(Provider::anthropic);
  text.body.erase("tools");
  text.body.erase("tool_choice");
  text.body["output_config"] = {
      {"format", {{"type", "json_schema"}, {"schema", decision_schema()}}}};
  auto plain = body_of(serve(text));
  EXPECT_EQ(plain["stop_reason"], "end_turn");
  EXPECT_EQ(plain["content"][0]["type"], "text");
  EXPECT_EQ(json::parse(plain["content"][0]["text"].get<std::string>()), default_decision());
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
