using System.Net;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Endpoints.OpenAICompatible;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Fakes.OpenAIFamily;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Tests.Providers.Anthropic;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>
/// The whole gateway against a fake of OpenAI's Responses API that checks the Bearer key: both inference endpoints,
/// streamed and not, reasoning (summary and encrypted content, sent back on the next turn), config provider tools,
/// and the <c>openai::responses::</c> shorthand.
/// </summary>
public sealed class OpenAIResponsesGatewayTests
{
    private const string Key = "sk-responses-canary-5f4e3d2c1b0a9988";

    private static string Config(FakeOpenAIServer fake) => $$"""
        [models.gpt5]
        routing = ["openai"]

        [models.gpt5.providers.openai]
        type = "openai"
        model_name = "gpt-5-mini"
        api_base = "{{fake.BaseUrl}}"
        api_type = "responses"
        include_encrypted_reasoning = true
        provider_tools = [{ type = "web_search" }]

        [functions.f]
        type = "chat"

        [functions.f.variants.main]
        type = "chat_completion"
        model = "gpt5"
        reasoning_effort = "medium"
        """;

    private static async Task<(FakeOpenAIServer Fake, GatewayFactory Gateway)> Start()
    {
        var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        return (fake, new GatewayFactory(Config(fake), new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key }));
    }

    [Fact]
    public async Task Inference_NonStreaming_AnswersThroughTheResponsesApi()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            $$"""[{"type":"thought","text":null,"signature":"{{FakeResponsesAnswer.EncryptedReasoning}}","summary":[{"type":"summary_text","text":"{{FakeResponsesAnswer.ReasoningSummary}}"}]},{"type":"text","text":"echo: Hello"}]""",
            body["content"]!.ToJsonString());
        Assert.Equal("""{"input_tokens":57,"output_tokens":17}""", body["usage"]!.ToJsonString());
        var request = Assert.Single(fake.Requests);
        Assert.Equal("/v1/responses", request.Path);
        Assert.Equal($"Bearer {Key}", request.Authorization);
        Assert.Equal("""{"effort":"medium"}""", request.Body["reasoning"]!.ToJsonString());
        Assert.Equal("""["reasoning.encrypted_content"]""", request.Body["include"]!.ToJsonString());
        Assert.Equal("""[{"type":"web_search"}]""", request.Body["tools"]!.ToJsonString());
        Assert.DoesNotContain(Key, raw + gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inference_Streaming_DeliversSummaryTextSignatureAndUsage()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, events, _) = await gateway.CreateClient().PostStreamAsync("/inference",
            new { function_name = "f", stream = true, input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Json();
        var blocks = chunks.SelectMany(c => c["content"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
        Assert.Equal("echo: Hello", string.Concat(blocks.Where(b => (string?)b["type"] == "text").Select(b => (string?)b["text"])));
        Assert.Equal(FakeResponsesAnswer.ReasoningSummary,
            string.Concat(blocks.Where(b => (string?)b["type"] == "thought").Select(b => (string?)b["summary_text"])));
        Assert.Contains(blocks, b => (string?)b["type"] == "thought" && (string?)b["signature"] == FakeResponsesAnswer.EncryptedReasoning);
        Assert.Contains(chunks, c => c["usage"]?["output_tokens"]?.GetValue<long>() == 17);
        Assert.True(fake.Requests[0].Body["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Inference_MidStreamErrorEvent_BecomesAnErrorEvent()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;
        fake.StreamErrorAfterChunks = 3;

        var (status, _, events, _) = await gateway.CreateClient().PostStreamAsync("/inference",
            new { function_name = "f", stream = true, input = GatewayClient.UserMessage("Hello") });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(events, e => e.Contains("The server had an error while processing your request. (server_error)", StringComparison.Ordinal));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Inference_ThoughtSentBack_GoesOutAsAReasoningItem()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = new
            {
                messages = new object[]
                {
                    new { role = "user", content = "Hello" },
                    new
                    {
                        role = "assistant",
                        content = new object[]
                        {
                            new { type = "thought", text = (string?)null, signature = "enc-previous", summary = new[] { new { type = "summary_text", text = "Earlier" } } },
                            new { type = "text", text = "Hi!" },
                        },
                    },
                    new { role = "user", content = "And now?" },
                },
            },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"type":"reasoning","encrypted_content":"enc-previous","summary":[{"type":"summary_text","text":"Earlier"}]}""",
            Assert.Single(fake.Requests).Body["input"]![1]!.ToJsonString());
    }

    [Fact]
    public async Task OpenAIEndpoint_ThoughtSentBackAsExtraContent_GoesOutAsAReasoningItem()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, _) = await gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::f", "messages": [
              {"role": "user", "content": "Hello"},
              {"role": "assistant", "content": "Hi!", "tensorzero_extra_content": [
                {"type": "thought", "insert_index": 0, "text": null, "signature": "enc-previous", "summary": [{"type": "summary_text", "text": "Earlier"}]}]},
              {"role": "user", "content": "And now?"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            """{"type":"reasoning","encrypted_content":"enc-previous","summary":[{"type":"summary_text","text":"Earlier"}]}""",
            Assert.Single(fake.Requests).Body["input"]![1]!.ToJsonString());
    }

    [Fact]
    public async Task Inference_ThoughtSummaryNotSummaryText_Is400()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference", """
            {"function_name": "f", "input": {"messages": [{"role": "assistant", "content": [{"type": "thought", "signature": "s", "summary": ["x"]}]}]}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""`input.messages[0].content[0].summary[0]`: must be {"type": "summary_text", "text": "..."}""", body["error"]!.GetValue<string>());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task OpenAIEndpoint_NonStreaming_ReturnsTextAndTheThought()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, body, _) = await gateway.CreateClient().PostChatAsync("""
            {"model": "tensorzero::function_name::f", "messages": [{"role": "user", "content": "Hello"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var message = body["choices"]![0]!["message"]!;
        Assert.Equal("echo: Hello", message["content"]!.GetValue<string>());
        var thought = message["tensorzero_extra_content"]![0]!;
        Assert.Equal(FakeResponsesAnswer.EncryptedReasoning, thought["signature"]!.GetValue<string>());
        Assert.Equal(FakeResponsesAnswer.ReasoningSummary, thought["summary"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("/v1/responses", Assert.Single(fake.Requests).Path);
    }

    [Fact]
    public async Task OpenAIEndpoint_Streaming_DeliversTheTextInPieces()
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;

        var (status, _, events, _) = await gateway.CreateClient().StreamChatAsync("""
            {"model": "tensorzero::function_name::f", "stream": true, "messages": [{"role": "user", "content": "Hello"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var pieces = events.Json().Select(c => (string?)c["choices"]?[0]?["delta"]?["content"]).OfType<string>().ToList();
        Assert.Equal("echo: Hello", string.Concat(pieces));
        Assert.True(pieces.Count >= 2);
        var thoughts = events.Json().SelectMany(c => c["choices"]?[0]?["delta"]?["tensorzero_extra_content"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
        Assert.Equal(FakeResponsesAnswer.ReasoningSummary, string.Concat(thoughts.Select(t => (string?)t["summary_text"])));
        Assert.Contains(thoughts, t => (string?)t["signature"] == FakeResponsesAnswer.EncryptedReasoning);
        Assert.Equal("[DONE]", events[^1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAIEndpoint_ToolCall_IsReportedUnderItsCallId(bool stream)
    {
        var (fake, gateway) = await Start();
        await using var _ = fake;
        using var __ = gateway;
        var request = """
            {"model": "tensorzero::function_name::f", "stream": STREAM,
             "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}}],
             "messages": [{"role": "user", "content": "Weather?"}]}
            """.Replace("STREAM", stream ? "true" : "false", StringComparison.Ordinal);

        string id, name, arguments;
        if (stream)
        {
            var (_, _, events, _) = await gateway.CreateClient().StreamChatAsync(request);
            var calls = events.Json().SelectMany(c => c["choices"]?[0]?["delta"]?["tool_calls"]?.AsArray() ?? []).OfType<JsonObject>().ToList();
            id = calls.Select(c => (string?)c["id"]).OfType<string>().First();
            name = string.Concat(calls.Select(c => (string?)c["function"]?["name"]));
            arguments = string.Concat(calls.Select(c => (string?)c["function"]?["arguments"]));
        }
        else
        {
            var (_, body, _) = await gateway.CreateClient().PostChatAsync(request);
            var call = body["choices"]![0]!["message"]!["tool_calls"]![0]!;
            (id, name, arguments) = ((string)call["id"]!, (string)call["function"]!["name"]!, (string)call["function"]!["arguments"]!);
        }

        Assert.Equal("call_fake1", id);
        Assert.Equal("get_weather", name);
        Assert.Equal(FakeAnswer.ToolArguments, arguments);
        Assert.Equal("function", fake.Requests[0].Body["tools"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Inference_ResponsesShorthand_GoesToTheResponsesApiWithTheModelAfterThePrefix()
    {
        await using var fake = await FakeOpenAIServer.StartAsync();
        fake.ValidKeys.Add(Key);
        using var gateway = new RedirectingGatewayFactory("", new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key }, new Uri(fake.BaseUrl));

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new
        {
            model_name = "openai::responses::gpt-5-codex",
            input = GatewayClient.UserMessage("Hello"),
        });
        var (streamStatus, _, events, _) = await gateway.CreateClient().PostStreamAsync("/openai/v1/chat/completions", new Dictionary<string, object>
        {
            ["model"] = "tensorzero::model_name::openai::responses::gpt-5-codex",
            ["stream"] = true,
            ["messages"] = new[] { new { role = "user", content = "Hello" } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo: Hello", body["content"]![0]!["text"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, streamStatus);
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(gateway.RequestedUrls, url => Assert.Equal("https://api.openai.com/v1/responses", url.AbsoluteUri));
        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.Equal("gpt-5-codex", r.Body["model"]!.GetValue<string>()));
    }
}
