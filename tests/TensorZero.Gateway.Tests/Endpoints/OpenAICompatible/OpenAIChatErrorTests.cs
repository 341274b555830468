using System.Net;
using TensorZero.Gateway.Tests.Infrastructure;

namespace TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;

/// <summary>Every rejection of the OpenAI-compatible endpoint: OpenAI's error shape with TensorZero's status and message.</summary>
public sealed class OpenAIChatErrorTests(OpenAIGateway gateway) : IClassFixture<OpenAIGateway>
{
    private const string Prefix = "Invalid request to OpenAI-compatible endpoint: ";
    private readonly HttpClient _client = gateway.CreateClient();

    public static TheoryData<string, HttpStatusCode, string> Rejections => new()
    {
        {
            """{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest,
            Prefix + "`model` field must start with `tensorzero::function_name::` or `tensorzero::model_name::`. For example, " +
            "`tensorzero::function_name::my_function` for a function `my_function` defined in your config, `tensorzero::model_name::my_model` " +
            "for a model `my_model` defined in your config, or default functions like `tensorzero::model_name::openai::gpt-4o-mini`."
        },
        {
            """{"model": "tensorzero::function_name::", "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest,
            Prefix + "function_name (passed in model field after \"tensorzero::function_name::\") cannot be empty"
        },
        {
            """{"model": "tensorzero::model_name::", "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest,
            Prefix + "model_name (passed in model field after \"tensorzero::model_name::\") cannot be empty"
        },
        {
            """{"model": "tensorzero::function_name::basic", "n": 2, "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest,
            Prefix + "TensorZero does not support `n` other than 1. Please omit this parameter or set it to 1."
        },
        {
            """{"messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest, "missing field `model`"
        },
        {
            """{"model": "tensorzero::function_name::basic"}""", HttpStatusCode.BadRequest, "missing field `messages`"
        },
        {
            """["not", "an", "object"]""", HttpStatusCode.BadRequest, "the request body must be a JSON object"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_temperature", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "70"}]}""",
            HttpStatusCode.BadRequest, Prefix + "tool call id not found"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}]}]}""",
            HttpStatusCode.BadRequest,
            "`messages[0].content[0].image_url.url`: must be an absolute http or https URL"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-abc"}}]}]}""",
            HttpStatusCode.BadRequest,
            "`messages[0].content[0].file.file_id`: uploaded file ids are not supported; send the file inline as `file_data`"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": 42}]}""", HttpStatusCode.BadRequest,
            Prefix + "message content must either be a string or an array of length 1 containing structured TensorZero inputs"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "robot", "content": "x"}]}""", HttpStatusCode.BadRequest,
            "`messages[0].role`: unknown role `robot`, expected one of `system`, `developer`, `user`, `assistant`, `tool`"
        },
        {
            """{"model": "tensorzero::function_name::nope", "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.NotFound,
            "Unknown function: nope"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::variant_name": "nope", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.NotFound, "Unknown variant: nope"
        },
        {
            """{"model": "tensorzero::model_name::missing", "messages": [{"role": "user", "content": "x"}]}""", HttpStatusCode.BadRequest,
            "Invalid inference target: Invalid model name: Model name 'missing' not found in model table"
        },
        {
            """{"model": "tensorzero::model_name::dummy::good", "tensorzero::variant_name": "v", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "Invalid inference target: `variant_name` cannot be provided when using `model_name`"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::tags": {"tensorzero::mine": "x"}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "Tag name cannot start with 'tensorzero::': tensorzero::mine"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::episode_id": "0192ced0-947e-64d0-9b5c-f1a2b3c4d5e6", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "Invalid Episode ID: Version must be 7, got 6"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::credentials": {"dummy_key": 5}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tensorzero::credentials.dummy_key`: must be a string"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::params": {"chat_completion": {"warmth": 1}}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tensorzero::params.chat_completion.warmth`: unknown field"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::extra_headers": [{"name": "Authorization", "value": "x"}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tensorzero::extra_headers[0].name`: `Authorization` can't be set from a request (it carries credentials or framing)"
        },
        {
            """{"model": "tensorzero::function_name::basic", "stream": true, "stream_options": {"include_usage": false}, "tensorzero::include_raw_usage": true, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest,
            Prefix + "`tensorzero::include_raw_usage` requires `stream_options.include_usage` to be true (or omitted) for streaming requests"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tensorzero::namespace": "team_a", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tensorzero::namespace`: is not supported by this gateway yet"
        },
        {
            """{"model": "tensorzero::function_name::basic", "temperature": "hot", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`temperature`: must be a number"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tool_choice": "sometimes", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tool_choice`: Invalid tool choice string: sometimes"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tool_choice": {"function": {"name": "t"}}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tool_choice`: Tool choice field must have a 'type' field if it is an object"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tool_choice": {"type": 1}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tool_choice.type`: Tool choice 'type' field must be a string"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tools": [{"type": "function"}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "tools[0]: missing field `function`"
        },
        {
            """{"model": "tensorzero::function_name::basic", "response_format": {"type": "json_schema"}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "response_format: missing field `json_schema`"
        },
        {
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "tool", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "messages[0]: missing field `tool_call_id`"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tools": [{"type": "web_search"}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`tools[0].type`: tools of type `web_search` are not supported by this gateway yet (supported: function, custom)"
        },
        {
            """{"model": "tensorzero::function_name::basic", "tools": [{"type": "custom", "custom": {"name": "x"}}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest,
            "OpenAI custom tools are not supported by provider `dummy` (type `dummy`) of model `dummy::echo`; they need a provider of type `openai` (Chat Completions or Responses API)"
        },
        {
            """{"model": "tensorzero::function_name::basic", "response_format": {"type": "xml"}, "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "`response_format.type`: unknown type `xml` (expected text, json_object or json_schema)"
        },
        {
            """{"model": "tensorzero::function_name::extract", "tools": [{"type": "function", "function": {"name": "t", "parameters": {"type": "object"}}}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest, "Cannot pass `additional_tools` to a JSON function."
        },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Chat_InvalidRequest_AnswersOpenAIErrorShape(string json, HttpStatusCode expectedStatus, string expectedMessage)
    {
        var (status, body, raw) = await _client.PostChatAsync(json);

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedMessage, OpenAIClient.ErrorMessage(body));
        Assert.Equal(["error"], body.Select(p => p.Key));
        Assert.Equal(["message"], body["error"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("\\u0060", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_BodyNotJson_AnswersOpenAIErrorShape()
    {
        var (status, body, _) = await _client.PostChatAsync("""{"model": """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("the request body is not valid JSON", OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
    }

    // The paths of the first messages are made once and shared by every request: each must still name its own message,
    // within those and past them.
    [Theory]
    [InlineData(0, "role")]
    [InlineData(3, "role")]
    [InlineData(63, "content")]
    [InlineData(64, "role")]
    [InlineData(70, "content")]
    public async Task Chat_BadMessageAtIndex_NamesThatMessage(int index, string field)
    {
        var good = string.Concat(Enumerable.Repeat("""{"role": "user", "content": "x"},""", index));
        var bad = field == "role" ? """{"role": "robot", "content": "x"}""" : """{"role": "user"}""";

        var (status, body, _) = await _client.PostChatAsync($$"""{"model": "tensorzero::function_name::basic", "messages": [{{good}}{{bad}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(field == "role" ? $"`messages[{index}].role`: unknown role `robot`" : $"messages[{index}]: missing field `content`",
            OpenAIClient.ErrorMessage(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UnknownToolCallIdAfterKnownOne_IsRejected()
    {
        var (status, body, _) = await _client.PostChatAsync("""
            {"model": "tensorzero::function_name::basic", "messages": [
              {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_temperature", "arguments": "{}"}}]},
              {"role": "tool", "tool_call_id": "call_1", "content": "70"},
              {"role": "tool", "tool_call_id": "call_9", "content": "71"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Prefix + "tool call id not found", OpenAIClient.ErrorMessage(body));
    }

    /// <summary>
    /// One failure of each kind, as a native body and as the same request through <c>/openai/v1</c>, with TensorZero's
    /// status for it (a missing dynamic credential is this gateway's deliberate 400, see the README).
    /// </summary>
    public static TheoryData<string, string, string, HttpStatusCode> ErrorKinds => new()
    {
        {
            "unknown function",
            """{"function_name": "nope", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::nope", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.NotFound
        },
        {
            "unknown function, template arguments",
            """{"function_name": "nope", "input": {"system": {"a": 1}, "messages": [{"role": "user", "content": {"b": 2}}]}}""",
            """{"model": "tensorzero::function_name::nope", "messages": [{"role": "system", "content": [{"a": 1}]}, {"role": "user", "content": [{"b": 2}]}]}""",
            HttpStatusCode.NotFound
        },
        {
            "unknown variant",
            """{"function_name": "basic", "variant_name": "nope", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::basic", "tensorzero::variant_name": "nope", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.NotFound
        },
        {
            "unknown model",
            """{"model_name": "missing", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::model_name::missing", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest
        },
        {
            "no template for arguments",
            """{"function_name": "basic", "input": {"messages": [{"role": "user", "content": {"b": 2}}]}}""",
            """{"model": "tensorzero::function_name::basic", "messages": [{"role": "user", "content": [{"b": 2}]}]}""",
            HttpStatusCode.BadRequest
        },
        {
            "bad episode id",
            """{"function_name": "basic", "episode_id": "0192ced0-947e-64d0-9b5c-f1a2b3c4d5e6", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::basic", "tensorzero::episode_id": "0192ced0-947e-64d0-9b5c-f1a2b3c4d5e6", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest
        },
        {
            "tools for a JSON function",
            """{"function_name": "extract", "additional_tools": [{"name": "t", "description": "d", "parameters": {"type": "object"}}], "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::extract", "tools": [{"type": "function", "function": {"name": "t", "description": "d", "parameters": {"type": "object"}}}], "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest
        },
        {
            "every variant failed",
            """{"function_name": "broken", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::broken", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadGateway
        },
        {
            "pinned variant failed",
            """{"function_name": "broken", "variant_name": "error", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::function_name::broken", "tensorzero::variant_name": "error", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.InternalServerError
        },
        {
            "missing dynamic credential",
            """{"model_name": "keyed", "input": {"messages": [{"role": "user", "content": "x"}]}}""",
            """{"model": "tensorzero::model_name::keyed", "messages": [{"role": "user", "content": "x"}]}""",
            HttpStatusCode.BadRequest
        },
    };

    [Theory]
    [MemberData(nameof(ErrorKinds))]
    public async Task Chat_EachErrorKind_HasTheNativeStatusAndMessage(string kind, string native, string openai, HttpStatusCode expected)
    {
        var (nativeStatus, nativeBody, nativeRaw) = await _client.PostRawAsync("/inference", native);
        var (openaiStatus, openaiBody, openaiRaw) = await _client.PostChatAsync(openai);

        Assert.True(expected == nativeStatus, $"{kind}: {nativeRaw}");
        Assert.True(expected == openaiStatus, $"{kind}: {openaiRaw}");
        Assert.Equal(nativeBody["error"]!.GetValue<string>(), OpenAIClient.ErrorMessage(openaiBody));
    }
}
