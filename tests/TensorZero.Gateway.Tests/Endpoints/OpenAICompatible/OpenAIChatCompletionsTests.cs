using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Dummy;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary><c>POST /openai/v1/chat/completions</c> without streaming: targets, the exact response shape and extension fields.</summary>
public sealed class OpenAIChatCompletionsTests(OpenAIGateway gateway) : IClassFixture<OpenAIGateway>
{
    private readonly HttpClient _client = gateway.CreateClient();

    private Task<(HttpStatusCode Status, JsonObject Body, string Raw)> Chat(string json) => _client.PostChatAsync(json);

    [Fact]
    public async Task Chat_Function_ReturnsExactChatCompletion()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": "Hello, gateway!"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""
            {"id":"ID","episode_id":"EPISODE","choices":[{"index":0,"finish_reason":"stop","message":{"content":"Hello, gateway!","role":"assistant"}}],"created":0,"model":"tensorzero::function_name::basic::variant_name::echo","system_fingerprint":"","service_tier":null,"object":"chat.completion","usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}
            """, OpenAIClient.Normalized(body));
        Assert.NotEqual(body["id"]!.GetValue<string>(), body["episode_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ModelName_ReportsModelAndAcceptsShorthand()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::model_name::dummy::good", "messages": [{"role": "user", "content": "Hi"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tensorzero::model_name::dummy::good", body["model"]!.GetValue<string>());
        Assert.Equal(DummyProvider.DefaultText, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ConfiguredModel_UsesDefaultFunction()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "Hi"}], "tensorzero::credentials": {"dummy_key": "good_key"}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("tensorzero::model_name::keyed", body["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_ToolCall_ReturnsRawNameAndArgumentsWithToolCallsFinish()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::weather", "messages": [{"role": "user", "content": "Weather in Brooklyn?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""
            {"index":0,"finish_reason":"tool_calls","message":{"content":null,"tool_calls":[{"id":"0","type":"function","function":{"name":"get_temperature","arguments":"{\"location\":\"Brooklyn\",\"units\":\"celsius\"}"}}],"role":"assistant"}}
            """, OpenAIClient.Json(body["choices"]![0]));
        Assert.Equal("""{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}""", body["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task Chat_InvalidToolArguments_AreReturnedRaw()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::model_name::dummy::invalid_tool_arguments", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var call = body["choices"]![0]!["message"]!["tool_calls"]![0]!;
        Assert.Equal("get_temperature", call["function"]!["name"]!.GetValue<string>());
        Assert.Equal("Not valid 'JSON'", call["function"]!["arguments"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_Thought_GoesToExtraContentWithItsPosition()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::thinker", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($$"""
            {"content":"{{DummyProvider.DefaultText}}","role":"assistant","tensorzero_extra_content":[{"type":"thought","insert_index":0,"text":"hmmm","signature":"my_signature"}]}
            """, OpenAIClient.Json(body["choices"]![0]!["message"]));
    }

    [Fact]
    public async Task Chat_JsonFunction_ContentIsRawOutput()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::extract", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""
            {"id":"ID","episode_id":"EPISODE","choices":[{"index":0,"finish_reason":"stop","message":{"content":"{\"answer\":\"Hello\"}","role":"assistant"}}],"created":0,"model":"tensorzero::function_name::extract::variant_name::json","system_fingerprint":"","service_tier":null,"object":"chat.completion","usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}
            """, OpenAIClient.Normalized(body));
    }

    [Fact]
    public async Task Chat_JsonSchemaResponseFormat_ReplacesTheOutputSchema()
    {
        // The configured schema wants `answer`; the request's schema is what the output must match, and the raw text comes back either way.
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::extract", "messages": [{"role": "user", "content": "x"}],
             "response_format": {"type": "json_schema", "json_schema": {"name": "reply", "strict": true,
               "schema": {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"answer":"Hello"}""", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_SystemAndDeveloperMessages_BecomeTheSystemPrompt()
    {
        // `echo_request_messages` answers with the system prompt and messages it was sent.
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::model_name::dummy::echo_request_messages", "messages": [
              {"role": "system", "content": "Be terse."},
              {"role": "developer", "content": [{"type": "text", "text": "Answer in English."}]},
              {"role": "user", "content": [{"type": "text", "text": "Hello "}, {"type": "tensorzero::raw_text", "value": "world"}]}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"system":"Be terse.\nAnswer in English.","messages":[{"role":"user","content":[{"type":"text","text":"Hello "},{"type":"text","text":"world"}]}]}""",
            body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_EpisodeIdVariantAndTags_ArePassedThrough()
    {
        var episode = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddMinutes(-1));
        var (status, body, _) = await Chat($$$"""
            {"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": "x"}],
             "tensorzero::episode_id": "{{{episode}}}", "tensorzero::variant_name": "echo", "tensorzero::tags": {"user": "alice"},
             "tensorzero::dryrun": true, "tensorzero::cache_options": {"enabled": "off"}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(episode.ToString(), body["episode_id"]!.GetValue<string>());
        Assert.Equal("tensorzero::function_name::basic::variant_name::echo", body["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_IncludeOriginalResponse_AddsTheProviderBody()
    {
        var (_, body, _) = await Chat("""
            {"model": "tensorzero::model_name::dummy::good", "messages": [{"role": "user", "content": "x"}], "tensorzero::include_original_response": true}
            """);

        var original = JsonNode.Parse(body["tensorzero_original_response"]!.GetValue<string>())!;
        Assert.Equal(DummyProvider.DefaultText, original["choices"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_Credentials_ReachTheProvider()
    {
        var good = await Chat("""
            {"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "x"}], "tensorzero::credentials": {"dummy_key": "good_key"}}
            """);
        Assert.Equal(HttpStatusCode.OK, good.Status);

        var wrong = await Chat("""
            {"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "x"}], "tensorzero::credentials": {"dummy_key": "wrong-canary-key"}}
            """);
        Assert.Equal(HttpStatusCode.BadGateway, wrong.Status);
        Assert.Contains("Invalid API key for Dummy provider", OpenAIClient.ErrorMessage(wrong.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-canary-key", wrong.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MissingDynamicCredential_Is400WithTheNativeMessage()
    {
        var native = await _client.PostInferenceAsync(new { model_name = "keyed", input = GatewayClient.UserMessage("x") });
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Dynamic api key `dummy_key` is missing", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Equal(native.Body["error"]!.GetValue<string>(), OpenAIClient.ErrorMessage(body));
    }

    [Fact]
    public async Task Chat_AuthorizationHeader_IsNotAProviderCredential()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, OpenAIGateway.Path)
        {
            Content = new StringContent("""
                {"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "x"}]}
                """, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DummyProvider.GoodKey);
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Dynamic api key `dummy_key` is missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UnknownFields_AreIgnoredWithAWarning()
    {
        var (status, _, _) = await Chat("""
            {"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": "x"}], "user": "u-1", "logit_bias": {}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("Ignoring unknown fields in OpenAI-compatible request: [logit_bias, user]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_DenyUnknownFields_Is400ListingThemSorted()
    {
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": "x"}], "user": "u-1", "logit_bias": {},
             "tensorzero::deny_unknown_fields": true}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid request to OpenAI-compatible endpoint: `tensorzero::deny_unknown_fields` is set to true, but found unknown fields in the request: [logit_bias, user]", OpenAIClient.ErrorMessage(body));
    }

    [Fact]
    public async Task Chat_DenyUnknownFieldsWithoutUnknownFields_Succeeds()
    {
        var (status, _, _) = await Chat("""
            {"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": "x"}], "n": 1, "tensorzero::deny_unknown_fields": true}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Chat_AllVariantsFail_Is502WithTheNativeMessage()
    {
        var native = await _client.PostInferenceAsync(new { function_name = "broken", input = GatewayClient.UserMessage("x") });
        var (status, body, _) = await Chat("""
            {"model": "tensorzero::function_name::broken", "messages": [{"role": "user", "content": "x"}]}
            """);

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.StartsWith("All variants failed with errors: error: ", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
        Assert.Equal(native.Body["error"]!.GetValue<string>(), OpenAIClient.ErrorMessage(body));
    }

    [Fact]
    public async Task Chat_NativeEndpoint_KeepsItsOwnErrorShape()
    {
        var (status, body, _) = await _client.PostInferenceAsync(new { function_name = "nope", input = GatewayClient.UserMessage("x") });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"error":"Unknown function: nope"}""", body.ToJsonString());
    }
}
