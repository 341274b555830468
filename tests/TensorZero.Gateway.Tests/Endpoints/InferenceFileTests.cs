using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Tests.Fakes;
using TensorZero.Gateway.Tests.Infrastructure;
using static TensorZero.Gateway.Tests.Endpoints.FileBlockParserTests;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// <c>file</c> and <c>unknown</c> content blocks end to end: the whole gateway against each provider's fake, which
/// must receive the block in its own wire format; unknown blocks only where they are targeted.
/// </summary>
public sealed class InferenceFileTests
{
    private const string AnthropicKey = "sk-ant-api03-files-test-key";
    private const string GeminiKey = "AIzaSyFilesTestKey0123456789abcdefghij";
    private const string BedrockKey = "bedrock-files-test-key";

    private static string Function(string model) => $"""
        [functions.f]
        type = "chat"
        [functions.f.variants.v]
        type = "chat_completion"
        model = "{model}"
        max_tokens = 100
        """;

    private static string OpenAIModel(string model, params (string Name, FakeOpenAIServer Server)[] providers) =>
        $"[models.{model}]\nrouting = [{string.Join(", ", providers.Select(p => $"\"{p.Name}\""))}]\n" + string.Concat(providers.Select(p => $"""

            [models.{model}.providers.{p.Name}]
            type = "openai"
            model_name = "gpt-4o-mini"
            api_base = "{p.Server.BaseUrl}"
            api_key_location = "none"

            """));

    private static object Input(params object[] blocks) => new
    {
        messages = new[] { new { role = "user", content = blocks.Prepend(new { type = "text", text = "Describe" }).ToArray() } },
    };

    private static object PngBlock => new { type = "file", file_type = "base64", data = Png, mime_type = "image/png", detail = "low" };

    private static object PdfBlock => new { type = "file", file_type = "base64", data = Pdf, filename = "report.pdf" };

    private static object PdfUrlBlock => new { type = "file", file_type = "url", url = "https://example.com/report.pdf" };

    private static object ImageUrlBlock => new { type = "image", file_type = "url", url = "https://example.com/cat.png" };

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual?.ToJsonString());

    [Fact]
    public async Task Inference_OpenAI_ReceivesImageUrlAndFileParts()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("openai", openai)) + Function("gpt"));

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = Input(PngBlock, PdfBlock, ImageUrlBlock) });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Describe", body["content"]![0]!["text"]!.GetValue<string>());
        AssertJson($$$"""
            [{"type":"text","text":"Describe"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Png}}}","detail":"low"}},
             {"type":"file","file":{"file_data":"data:application/pdf;base64,{{{Pdf}}}","filename":"report.pdf"}},
             {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]
            """, Assert.Single(openai.Requests).Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Inference_OpenAIStreaming_ReceivesTheSameParts()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("openai", openai)) + Function("gpt"));

        using var response = await gateway.CreateClient().PostAsJsonAsync("/inference", new
        {
            function_name = "f",
            input = Input(ImageUrlBlock, new { type = "unknown", data = new { type = "input_audio", input_audio = new { data = "AAAA", format = "wav" } } }),
            stream = true,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data: [DONE]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertJson("""
            [{"type":"text","text":"Describe"},
             {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
             {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]
            """, Assert.Single(openai.Requests).Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Inference_OpenAIPdfByUrl_FailsWithoutCallingTheProvider()
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("openai", openai)) + Function("gpt"));

        var (status, body, _) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = Input(PdfUrlBlock) });

        // A provider's invalid-request error is wrapped by routing and variant fallback, as TensorZero does.
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains(
            "OpenAI needs file `https://example.com/report.pdf` inline: only images can be sent by URL",
            body["error"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.Empty(openai.Requests);
    }

    [Fact]
    public async Task Inference_Anthropic_ReceivesImageAndDocumentBlocks()
    {
        await using var anthropic = await FakeAnthropicServer.StartAsync();
        anthropic.Accept(AnthropicKey);
        using var gateway = new GatewayFactory($"""
            [models.claude]
            routing = ["anthropic"]
            [models.claude.providers.anthropic]
            type = "anthropic"
            model_name = "claude-haiku-4-5"
            api_base = "{anthropic.BaseUrl}"

            {Function("claude")}
            """, new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = AnthropicKey });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = Input(PngBlock, PdfUrlBlock) });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Describe", body["content"]![0]!["text"]!.GetValue<string>());
        AssertJson($$$"""
            [{"type":"text","text":"Describe"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{Png}}}"}},
             {"type":"document","source":{"type":"url","url":"https://example.com/report.pdf"}}]
            """, Assert.Single(anthropic.Requests).Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Inference_Gemini_ReceivesInlineDataAndFileData()
    {
        await using var gemini = await FakeGeminiServer.StartAsync();
        gemini.ValidKeys.Add(GeminiKey);
        using var gateway = new GatewayFactory($"""
            [models.gemini]
            routing = ["gemini"]
            [models.gemini.providers.gemini]
            type = "google_ai_studio_gemini"
            model_name = "gemini-2.5-flash"
            api_base = "{gemini.AIStudioBaseUrl}"

            {Function("gemini")}
            """, new Dictionary<string, string> { ["GOOGLE_API_KEY"] = GeminiKey });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = Input(PdfBlock, ImageUrlBlock) });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Describe", body["content"]![0]!["text"]!.GetValue<string>());
        AssertJson($$$"""
            [{"text":"Describe"},
             {"inlineData":{"mimeType":"application/pdf","data":"{{{Pdf}}}"}},
             {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/cat.png"}}]
            """, Assert.Single(gemini.Requests).Body!["contents"]![0]!["parts"]);
    }

    [Fact]
    public async Task Inference_Bedrock_ReceivesImageAndDocumentBytes()
    {
        await using var bedrock = await FakeBedrockServer.StartAsync();
        bedrock.AddBearerToken(BedrockKey);
        using var gateway = new GatewayFactory($"""
            [models.nova]
            routing = ["bedrock"]
            [models.nova.providers.bedrock]
            type = "aws_bedrock"
            model_id = "amazon.nova-lite-v1:0"
            region = "us-east-1"
            endpoint_url = "{bedrock.BaseUrl}"
            api_key = "env::MY_BEDROCK_KEY"

            {Function("nova")}
            """, new Dictionary<string, string> { ["MY_BEDROCK_KEY"] = BedrockKey });

        var (status, body, raw) = await gateway.CreateClient().PostInferenceAsync(new { function_name = "f", input = Input(PngBlock, PdfBlock) });

        Assert.True(status == HttpStatusCode.OK, raw);
        Assert.Equal("echo: Describe", body["content"]![0]!["text"]!.GetValue<string>());
        AssertJson($$$$"""
            [{"text":"Describe"},
             {"image":{"format":"png","source":{"bytes":"{{{{Png}}}}"}}},
             {"document":{"format":"pdf","name":"report","source":{"bytes":"{{{{Pdf}}}}"}}}]
            """, Assert.Single(bedrock.Requests).Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Inference_UnknownBlocks_ReachOnlyTheModelAndProviderTheyTarget()
    {
        await using var broken = await FakeOpenAIServer.StartAsync();
        broken.FailWithStatus = 500;
        await using var working = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("broken", broken), ("working", working)) + Function("gpt"));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = Input(
                new { type = "unknown", data = new { type = "everywhere" } },
                new { type = "unknown", data = new { type = "this_model" }, model_name = "gpt" },
                new { type = "unknown", data = new { type = "other_model" }, model_name = "claude" },
                new { type = "unknown", data = new { type = "broken_only" }, model_name = "gpt", provider_name = "broken" },
                new { type = "unknown", data = new { type = "working_only" }, provider_name = "working" }),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        AssertJson("""
            [{"type":"text","text":"Describe"},{"type":"everywhere"},{"type":"this_model"},{"type":"broken_only"}]
            """, Assert.Single(broken.Requests).Body["messages"]![0]!["content"]);
        AssertJson("""
            [{"type":"text","text":"Describe"},{"type":"everywhere"},{"type":"this_model"},{"type":"working_only"}]
            """, Assert.Single(working.Requests).Body["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task Inference_UnknownBlockWithLegacyModelProviderName_ReachesOnlyThatProvider()
    {
        await using var broken = await FakeOpenAIServer.StartAsync();
        broken.FailWithStatus = 500;
        await using var working = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("broken", broken), ("working", working)) + Function("gpt"));

        var (status, _, raw) = await gateway.CreateClient().PostInferenceAsync(new
        {
            function_name = "f",
            input = Input(
                new { type = "unknown", data = new { type = "working_only" }, model_provider_name = "tensorzero::model_name::gpt::provider_name::working" },
                new { type = "unknown", data = new { type = "broken_only" }, model_provider_name = "tensorzero::model_name::gpt::provider_name::broken" },
                new { type = "unknown", data = new { type = "other_model" }, model_provider_name = "tensorzero::model_name::claude::provider_name::working" }),
        });

        Assert.True(status == HttpStatusCode.OK, raw);
        AssertJson("""[{"type":"text","text":"Describe"},{"type":"broken_only"}]""", Assert.Single(broken.Requests).Body["messages"]![0]!["content"]);
        AssertJson("""[{"type":"text","text":"Describe"},{"type":"working_only"}]""", Assert.Single(working.Requests).Body["messages"]![0]!["content"]);
    }

    [Theory]
    [InlineData("""{"type":"unknown","data":{},"model_provider_name":"gpt"}""",
        "`input.messages[0].content[1].model_provider_name`: Invalid legacy `model_provider_name` format (missing prefix): gpt")]
    [InlineData("""{"type":"unknown","data":{},"model_provider_name":"tensorzero::model_name::gpt"}""",
        "`input.messages[0].content[1].model_provider_name`: Invalid legacy `model_provider_name` format (missing provider_name): tensorzero::model_name::gpt")]
    [InlineData("""{"type":"unknown","data":{},"model_name":"gpt","model_provider_name":"tensorzero::model_name::gpt::provider_name::openai"}""",
        "`input.messages[0].content[1]`: Cannot specify both `model_provider_name` and `model_name`/`provider_name`")]
    [InlineData("""{"type":"file","file_type":"url","url":"file:///etc/passwd"}""", "`input.messages[0].content[1].url`: must be an absolute http or https URL")]
    [InlineData("""{"type":"file","file_type":"base64","data":"%%%","mime_type":"image/png"}""", "`input.messages[0].content[1].data`: must be base64")]
    [InlineData("""{"type":"unknown"}""", "`input.messages[0].content[1].data`: is required (the provider-specific JSON to send as is)")]
    public async Task Inference_InvalidBlock_Returns400BeforeAnyProviderCall(string block, string message)
    {
        await using var openai = await FakeOpenAIServer.StartAsync();
        using var gateway = new GatewayFactory(OpenAIModel("gpt", ("openai", openai)) + Function("gpt"));

        var (status, body, _) = await gateway.CreateClient().PostRawAsync("/inference",
            $$$"""{"function_name":"f","input":{"messages":[{"role":"user","content":[{"type":"text","text":"Hi"},{{{block}}}]}]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, body["error"]!.GetValue<string>());
        Assert.Empty(openai.Requests);
    }
}
