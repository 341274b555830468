using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>The exact URL, headers and body every OpenAI-family flavour sends.</summary>
public sealed class OpenAIFamilyRequestTests
{
    private const string Messages = """[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"}]""";

    [Theory]
    [InlineData("openai", "https://api.openai.com/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_completion_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("azure", "https://myres.openai.azure.com/openai/deployments/gpt%204o%2Fprod/chat/completions?api-version=2025-04-01-preview",
        """{"messages":M,"temperature":0.5,"max_completion_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("deepseek", "https://api.deepseek.com/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("fireworks", "https://api.fireworks.ai/inference/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"stream":false}""")]
    [InlineData("hyperbolic", "https://api.hyperbolic.xyz/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("mistral", "https://api.mistral.ai/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"random_seed":7,"stream":false}""")]
    [InlineData("together", "https://api.together.xyz/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("xai", "https://api.x.ai/v1/chat/completions",
        """{"model":"m1","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("vllm", "http://127.0.0.1:9/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("sglang", "http://127.0.0.1:9/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("tgi", "http://127.0.0.1:9/v1/chat/completions",
        """{"model":"tgi","messages":M,"temperature":0.5,"max_tokens":100,"seed":7,"stream":false}""")]
    [InlineData("groq", "https://api.groq.com/openai/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_completion_tokens":100,"seed":7,"stream":false,"response_format":{"type":"text"}}""")]
    [InlineData("openrouter", "https://openrouter.ai/api/v1/chat/completions",
        """{"model":"m1","messages":M,"temperature":0.5,"max_completion_tokens":100,"seed":7,"stream":false}""")]
    public async Task InferAsync_EachFlavour_SendsExactUrlAndBody(string type, string url, string body)
    {
        var http = new RecordingHttp();
        await CreateWithDefaults(type, http).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(url, http.Last.RequestUri!.AbsoluteUri);
        Assert.Equal(HttpMethod.Post, http.Last.Method);
        Assert.Equal(Normalise(body.Replace("M", Messages, StringComparison.Ordinal)), http.LastBody);
    }

    [Fact]
    public async Task InferAsync_ApiBaseOverride_ReplacesDefaultBase()
    {
        foreach (var type in new[] { "openai", "deepseek", "fireworks", "hyperbolic", "mistral", "together", "xai", "vllm", "sglang", "tgi", "groq", "openrouter" })
        {
            var http = new RecordingHttp();
            var provider = Create(type, http, out var errors, apiBase: "http://10.0.0.5:8000/custom/v1");
            Assert.Empty(errors);
            await provider.InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);
            Assert.Equal("http://10.0.0.5:8000/custom/v1/chat/completions", http.Last.RequestUri!.AbsoluteUri);
        }
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("deepseek")]
    [InlineData("fireworks")]
    [InlineData("hyperbolic")]
    [InlineData("mistral")]
    [InlineData("together")]
    [InlineData("xai")]
    [InlineData("vllm")]
    [InlineData("sglang")]
    [InlineData("tgi")]
    [InlineData("groq")]
    public async Task InferAsync_BearerFlavours_SendOnlyBearerHeader(string type)
    {
        var http = new RecordingHttp();
        await CreateWithDefaults(type, http).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal($"Bearer {Key}", http.Last.Headers.Authorization!.ToString());
        Assert.False(http.Last.Headers.Contains("api-key"));
        Assert.Equal("application/json; charset=utf-8", http.Last.Content!.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task InferAsync_Azure_SendsApiKeyHeaderNotBearer()
    {
        var http = new RecordingHttp();
        await CreateWithDefaults("azure", http).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal(Key, Assert.Single(http.Last.Headers.GetValues("api-key")));
        Assert.Null(http.Last.Headers.Authorization);
    }

    [Fact]
    public async Task InferAsync_OpenRouter_SendsBearerAndBrandingHeaders()
    {
        var http = new RecordingHttp();
        await CreateWithDefaults("openrouter", http).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Equal($"Bearer {Key}", http.Last.Headers.Authorization!.ToString());
        Assert.Equal("TensorZero", Assert.Single(http.Last.Headers.GetValues("X-Title")));
        Assert.Equal("https://www.tensorzero.com/", Assert.Single(http.Last.Headers.GetValues("HTTP-Referer")));
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("vllm")]
    [InlineData("tgi")]
    [InlineData("sglang")]
    public async Task InferAsync_NoCredential_SendsNoAuthHeader(string type)
    {
        var http = new RecordingHttp();
        await CreateWithDefaults(type, http, noCredential: true).InferAsync(Hello, RequestCredentials.Empty, CancellationToken.None);

        Assert.Null(http.Last.Headers.Authorization);
        Assert.False(http.Last.Headers.Contains("api-key"));
    }

    [Theory]
    [InlineData("openai", true, "gpt")]
    [InlineData("azure", true, null)]
    [InlineData("deepseek", true, "m1")]
    [InlineData("fireworks", false, "m1")]
    [InlineData("hyperbolic", false, "m1")]
    [InlineData("mistral", false, "m1")]
    [InlineData("together", false, "m1")]
    [InlineData("xai", true, "m1")]
    [InlineData("vllm", true, "m1")]
    [InlineData("sglang", true, "m1")]
    [InlineData("tgi", true, "TGI")]
    [InlineData("groq", true, "m1")]
    [InlineData("openrouter", true, "m1")]
    public void BuildBody_Stream_SendsIncludeUsageWhereSupported(string type, bool includeUsage, string? model)
    {
        var (apiBase, settings) = Required(type);
        var provider = (TensorZero.Gateway.Providers.OpenAI.OpenAIProvider)Create(
            type, new RecordingHttp(), out _, modelName: model ?? "m1", apiBase: apiBase, settings: settings);
        var body = JsonNode.Parse(provider.BuildBody(Hello, stream: true))!;

        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.Equal(includeUsage ? """{"include_usage":true}""" : null, body["stream_options"]?.ToJsonString());
        Assert.Equal(model, body["model"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("openai", JsonMode.On, false, "response_format", """{"type":"json_object"}""")]
    [InlineData("openai", JsonMode.Strict, true, "response_format", """{"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":S}}""")]
    [InlineData("azure", JsonMode.Strict, true, "response_format", """{"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":S}}""")]
    [InlineData("xai", JsonMode.Strict, true, "response_format", """{"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":S}}""")]
    [InlineData("groq", JsonMode.On, true, "response_format", """{"type":"json_object"}""")]
    [InlineData("deepseek", JsonMode.Strict, true, "response_format", """{"type":"json_object"}""")]
    [InlineData("mistral", JsonMode.Strict, true, "response_format", """{"type":"json_object"}""")]
    [InlineData("fireworks", JsonMode.On, true, "response_format", """{"type":"json_object","schema":S}""")]
    [InlineData("fireworks", JsonMode.On, false, "response_format", """{"type":"json_object"}""")]
    [InlineData("together", JsonMode.Strict, true, "response_format", """{"type":"json_object","schema":S}""")]
    [InlineData("vllm", JsonMode.Strict, true, "guided_json", "S")]
    [InlineData("vllm", JsonMode.On, false, "guided_json", null)]
    [InlineData("sglang", JsonMode.On, true, "response_format", """{"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":S}}""")]
    [InlineData("hyperbolic", JsonMode.Strict, true, "response_format", null)]
    [InlineData("tgi", JsonMode.Strict, true, "response_format", null)]
    public void BuildBody_JsonMode_UsesFlavourWireForm(string type, JsonMode mode, bool withSchema, string field, string? expected)
    {
        var provider = Build(type);
        var request = Hello with { JsonMode = mode, OutputSchema = withSchema ? AnswerSchema : null };
        var body = JsonNode.Parse(provider.BuildBody(request, stream: false))!.AsObject();

        Assert.Equal(expected?.Replace("S", AnswerSchema.ToJsonString(), StringComparison.Ordinal), body[field]?.ToJsonString());
        if (type is "vllm")
        {
            Assert.False(body.ContainsKey("response_format"));
        }
    }

    [Fact]
    public void BuildBody_JsonModeOn_AddsInstructionToSystemPrompt()
    {
        var body = JsonNode.Parse(Build("tgi").BuildBody(Hello with { JsonMode = JsonMode.On }, stream: false))!;

        Assert.Equal("Respond using JSON.\n\nBe terse.", body["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("openrouter")]
    public void BuildBody_StrictOnGpt35_AsksForJsonObject(string type)
    {
        // TensorZero downgrades strict JSON on 3.5 models of these providers, which have no structured outputs.
        var (apiBase, settings) = Required(type);
        var provider = (TensorZero.Gateway.Providers.OpenAI.OpenAIProvider)Create(type, new RecordingHttp(), out _, modelName: "gpt-3.5-turbo",
            apiBase: apiBase, settings: settings);

        var body = JsonNode.Parse(provider.BuildBody(Hello with { JsonMode = JsonMode.Strict, OutputSchema = AnswerSchema }, stream: false))!;

        Assert.Equal("""{"type":"json_object"}""", body["response_format"]!.ToJsonString());
    }

    [Theory]
    [InlineData("azure")]
    [InlineData("xai")]
    [InlineData("groq")]
    public void BuildBody_StrictOnGpt35ElsewhereKeepsTheSchema(string type)
    {
        var (apiBase, settings) = Required(type);
        var provider = (TensorZero.Gateway.Providers.OpenAI.OpenAIProvider)Create(type, new RecordingHttp(), out _, modelName: "gpt-3.5-turbo",
            apiBase: apiBase, settings: settings);

        var body = JsonNode.Parse(provider.BuildBody(Hello with { JsonMode = JsonMode.Strict, OutputSchema = AnswerSchema }, stream: false))!;

        Assert.Equal("json_schema", body["response_format"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(JsonMode.Off)]
    [InlineData(JsonMode.Tool)]
    public void BuildBody_GroqWithoutJsonMode_SendsTextFormat(JsonMode mode)
    {
        var body = JsonNode.Parse(Build("groq").BuildBody(Hello with { JsonMode = mode, OutputSchema = AnswerSchema }, stream: false))!;

        Assert.Equal("""{"type":"text"}""", body["response_format"]!.ToJsonString());
    }

    [Theory]
    [InlineData("fireworks")]
    [InlineData("mistral")]
    [InlineData("together")]
    [InlineData("vllm")]
    public void BuildBody_JsonModeOnWhereTensorZeroAddsNoInstruction_LeavesTheSystemPrompt(string type)
    {
        var body = JsonNode.Parse(Build(type).BuildBody(Hello with { JsonMode = JsonMode.On, OutputSchema = AnswerSchema }, stream: false))!;

        Assert.Equal("Be terse.", body["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("openai", true)]
    [InlineData("groq", true)]
    [InlineData("xai", false)]
    public void BuildBody_JsonModeOnWithoutSystemAndJsonInAMessage_AddsTheInstructionUnlessXai(string type, bool instructed)
    {
        var request = Hello with
        {
            System = null,
            JsonMode = JsonMode.On,
            Messages = [new RequestMessage(Role.User, [new TextBlock("Answer in JSON")])],
        };

        var body = JsonNode.Parse(Build(type).BuildBody(request, stream: false))!;

        Assert.Equal(instructed, body["messages"]![0]!["role"]!.GetValue<string>() == "system");
    }

    [Fact]
    public void BuildBody_SGLangJsonWithoutSchema_IsAnInvalidRequest()
    {
        var error = Assert.Throws<GatewayError>(() => Build("sglang").BuildBody(Hello with { JsonMode = JsonMode.On }, stream: false));

        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
        Assert.Contains("SGLang", error.Message, StringComparison.Ordinal);
    }

    private static TensorZero.Gateway.Providers.OpenAI.OpenAIProvider Build(string type, Dictionary<string, object?>? extra = null)
    {
        var (apiBase, settings) = Required(type);
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        var provider = Create(type, new RecordingHttp(), out var errors, apiBase: apiBase, settings: settings);
        Assert.Empty(errors);
        return (TensorZero.Gateway.Providers.OpenAI.OpenAIProvider)provider;
    }

    internal static string Normalise(string json) => JsonNode.Parse(json)!.ToJsonString();

    internal static TensorZero.Gateway.Providers.OpenAI.OpenAIProvider BuildProvider(string type, Dictionary<string, object?>? extra = null) =>
        Build(type, extra);
}
