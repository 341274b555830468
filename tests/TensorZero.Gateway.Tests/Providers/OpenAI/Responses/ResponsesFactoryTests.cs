using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Providers.OpenAI.Responses;
using TensorZero.Gateway.Tests.Infrastructure;
using static TensorZero.Gateway.Tests.Providers.OpenAI.OpenAIFamilyKit;

namespace TensorZero.Gateway.Tests.Providers.OpenAI.Responses;

/// <summary>
/// <c>api_type</c>, <c>include_encrypted_reasoning</c> and <c>provider_tools</c> of <c>openai</c> providers, and the
/// <c>openai::responses::</c> shorthand names.
/// </summary>
public sealed class ResponsesFactoryTests
{
    [Theory]
    [InlineData(null, typeof(OpenAIProvider))]
    [InlineData("chat_completions", typeof(OpenAIProvider))]
    [InlineData("responses", typeof(OpenAIResponsesProvider))]
    public void Create_ApiType_PicksTheApi(string? apiType, Type expected)
    {
        var settings = apiType is null ? [] : new Dictionary<string, object?> { ["api_type"] = apiType };

        var provider = Create("openai", new RecordingHttp(), out var errors, settings: settings);

        Assert.Empty(errors);
        Assert.IsType(expected, provider);
    }

    [Fact]
    public void Create_ProviderToolsOnChatCompletions_IsAnError()
    {
        var tools = new List<object?> { new Dictionary<string, object?> { ["type"] = "web_search" } };

        Create("openai", new RecordingHttp(), out var errors, settings: new() { ["provider_tools"] = tools });

        Assert.Equal(
            "`models.m.providers.p.provider_tools`: is only supported when `api_type = \"responses\"` (Chat Completions has no provider tools)",
            Assert.Single(errors));
    }

    [Fact]
    public void Create_ProviderToolsNotTables_IsAnError()
    {
        Create("openai", new RecordingHttp(), out var errors, settings: new() { ["api_type"] = "responses", ["provider_tools"] = new List<object?> { "web_search" } });

        Assert.Equal(
            "`models.m.providers.p.provider_tools`: must be an array of tables (OpenAI Responses API tools, e.g. `{ type = \"web_search\" }`)",
            Assert.Single(errors));
    }

    [Fact]
    public void Create_EmptyProviderToolsOnChatCompletions_IsFine()
    {
        Create("openai", new RecordingHttp(), out var errors, settings: new() { ["provider_tools"] = new List<object?>() });

        Assert.Empty(errors);
    }

    [Fact]
    public void Create_ApiBaseWithResponsesSuffix_IsAnError()
    {
        Create("openai", new RecordingHttp(), out var errors, apiBase: "https://proxy.example/v1/responses", settings: new() { ["api_type"] = "responses" });

        Assert.Equal("`models.m.providers.p.api_base`: give the base URL without `/responses`; the gateway appends it", Assert.Single(errors));
    }

    [Theory]
    [InlineData("openai::responses::gpt-5-codex", typeof(OpenAIResponsesProvider), "gpt-5-codex")]
    [InlineData("openai::gpt-4o-mini", typeof(OpenAIProvider), "gpt-4o-mini")]
    public void BuildShorthand_ResponsesPrefix_IsTheResponsesApi(string name, Type expected, string model)
    {
        var loggers = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var builder = new ProviderBuilder(
            ProviderRegistry.CreateDefault(),
            new CredentialResolverFactory(
                new FakeEnvironment(new Dictionary<string, string> { ["OPENAI_API_KEY"] = Key }), ".", new Dictionary<string, CredentialSpec>(), loggers),
            new ProviderServices(new RecordingHttp(), loggers, TimeProvider.System));

        var (providerName, provider) = builder.BuildShorthand(name);

        Assert.Equal("openai", providerName);
        Assert.IsType(expected, provider);
        if (provider is OpenAIResponsesProvider responses)
        {
            Assert.Equal("https://api.openai.com/v1/responses", responses.Url.AbsoluteUri);
            var body = System.Text.Json.Nodes.JsonNode.Parse(responses.BuildBody(Hello, stream: false))!;
            Assert.Equal(model, body["model"]!.GetValue<string>());
        }
    }
}
