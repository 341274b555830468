using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Infrastructure;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Tests.Providers.OpenAI;

/// <summary>Builds OpenAI-family providers straight from their factories, with a recording HTTP handler or a real client.</summary>
public static class OpenAIFamilyKit
{
    public const string Key = "sk-unit-test-key-0123456789";

    public static readonly ModelRequest Hello = new(
        "Be terse.",
        [new RequestMessage(Role.User, [new TextBlock("Hi")])],
        new InferenceParams(Temperature: 0.5, MaxTokens: 100, Seed: 7),
        [],
        []);

    public static readonly ToolDefinition Weather = new(
        "get_weather", "Weather by city", (JsonObject)JsonNode.Parse("""{"type":"object","properties":{"location":{"type":"string"}}}""")!, Strict: true);

    public static readonly JsonObject AnswerSchema = (JsonObject)JsonNode.Parse("""{"type":"object","properties":{"answer":{"type":"string"}}}""")!;

    /// <summary>Creates the provider of <paramref name="type"/>; problems reported by the factory land in <paramref name="errors"/>.</summary>
    public static IModelProvider Create(
        string type,
        IHttpClientFactory http,
        out List<string> errors,
        string? modelName = "m1",
        string? apiBase = null,
        Dictionary<string, object?>? settings = null,
        Secret? secret = null,
        IReadOnlyDictionary<string, string>? environment = null,
        bool noCredential = false)
    {
        var registry = ProviderRegistry.CreateDefault();
        var factory = registry.Find(type)!;
        var config = new ProviderConfig(
            "p", type, "models.m.providers.p",
            factory.SettingKeys.Contains("model_name") ? modelName : null,
            factory.SettingKeys.Contains("api_base") ? apiBase : null,
            null, [], [], null, new ProviderSettingsTable(settings ?? []));
        errors = [];
        var credential = new ResolvedCredential(noCredential ? CredentialKind.None : CredentialKind.Static, noCredential ? null : secret ?? new Secret(Key));
        var context = new ProviderBuildContext(
            config, factory.Descriptor, new FixedResolver(credential), http, NullLoggerFactory.Instance, TimeProvider.System, errors,
            new SettingResolver(new FakeEnvironment(environment ?? new Dictionary<string, string>()), new SecretRegistry()));
        return factory.Create(context);
    }

    /// <summary>The settings each type needs to build (api_base for self-hosted servers, Azure's deployment and endpoint).</summary>
    public static (string? ApiBase, Dictionary<string, object?> Settings) Required(string type, string baseUrl = "http://127.0.0.1:9/v1/") => type switch
    {
        "vllm" or "sglang" or "tgi" => (baseUrl, []),
        "azure" => (null, new() { ["deployment_id"] = "gpt 4o/prod", ["endpoint"] = "https://myres.openai.azure.com/" }),
        _ => (null, []),
    };

    public static IModelProvider CreateWithDefaults(string type, IHttpClientFactory http, Secret? secret = null, bool noCredential = false)
    {
        var (apiBase, settings) = Required(type);
        var provider = Create(type, http, out var errors, apiBase: apiBase, settings: settings, secret: secret, noCredential: noCredential);
        Assert.Empty(errors);
        return provider;
    }

    private sealed class FixedResolver(ResolvedCredential credential) : CredentialResolver
    {
        public override bool TryResolve(RequestCredentials request, out ResolvedCredential resolved, out string? unavailableReason)
        {
            resolved = credential;
            unavailableReason = null;
            return true;
        }
    }
}

/// <summary>Records every request and answers with a canned body.</summary>
public sealed class RecordingHttp(string responseBody = RecordingHttp.DefaultResponse, string contentType = "application/json") : IHttpClientFactory
{
    public const string DefaultResponse =
        """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2}}""";

    private readonly List<(HttpRequestMessage Request, string Body)> _requests = [];

    public HttpRequestMessage Last => _requests[^1].Request;

    public string LastBody => _requests[^1].Body;

    public HttpClient CreateClient(string name) => new(new Handler(_requests, responseBody, contentType));

    private sealed class Handler(List<(HttpRequestMessage, string)> requests, string responseBody, string contentType) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(responseBody, Encoding.UTF8, contentType) };
        }
    }
}

/// <summary>A real HTTP client, for providers talking to a fake server.</summary>
public sealed class RealHttp : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new();
}
