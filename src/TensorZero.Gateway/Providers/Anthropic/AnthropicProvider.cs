using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Anthropic;

/// <summary>Builds <c>type = "anthropic"</c> providers (Anthropic's Messages API).</summary>
public sealed class AnthropicProviderFactory : IProviderFactory
{
    public const string DefaultApiBase = "https://api.anthropic.com/v1/";

    public ProviderDescriptor Descriptor { get; } = new(
        CredentialRules.ApiKey("anthropic", "Anthropic", "ANTHROPIC_API_KEY", CredentialForms.Keyed),
        HeaderKeyAuth.HeadersFor(AnthropicProvider.ApiKeyHeader), SupportsShorthand: true);

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name", "api_base", "provider_tools", "beta_structured_outputs"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        var logger = context.Loggers.CreateLogger<AnthropicProvider>();
        if (string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `anthropic` providers");
        }
        var settings = context.ReadSettings();
        if (settings.Has("beta_structured_outputs"))
        {
            logger.LogWarning("`{Path}.beta_structured_outputs` is deprecated and ignored: structured outputs need no beta flag", config.Path);
        }
        var apiBase = config.ApiBase ?? DefaultApiBase;
        if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            apiBase = DefaultApiBase;
        }
        // Older configs gave the full messages URL; the gateway appends `messages` itself now.
        var trimmed = apiBase.TrimEnd('/');
        if (trimmed.EndsWith("/messages", StringComparison.Ordinal))
        {
            logger.LogWarning("`{Path}.api_base` ends with `/messages`; it is dropped. Set `api_base` to the API root, e.g. `{Default}`",
                config.Path, DefaultApiBase);
            apiBase = trimmed[..^"messages".Length];
        }
        var options = new AnthropicWireOptions(config.ModelName ?? string.Empty, ProviderTools: ProviderTools(settings));
        var auth = new HeaderKeyAuth(AnthropicProvider.ApiKeyHeader, context.Credential, context.Descriptor.DisplayName);
        return new AnthropicProvider(config, ProviderHttp.Join(apiBase, "messages"), options, auth, context.HttpClients, context.Secrets);
    }

    private static JsonArray? ProviderTools(ProviderSettings settings)
    {
        if (!settings.Has("provider_tools"))
        {
            return null;
        }
        if (settings.Json("provider_tools") is JsonArray tools && tools.All(t => t is JsonObject))
        {
            return tools;
        }
        settings.Error("provider_tools", "must be an array of tables (Anthropic server tools, e.g. `{ type = \"web_search_20250305\", name = \"web_search\" }`)");
        return null;
    }
}

/// <summary>A client of Anthropic's <c>POST /v1/messages</c>, plain and streamed, with the key in <c>x-api-key</c>.</summary>
public sealed class AnthropicProvider(
    ProviderConfig config,
    Uri messagesUrl,
    AnthropicWireOptions options,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    public const string ApiVersion = "2023-06-01";

    public const string ApiKeyHeader = "x-api-key";

    private const string DisplayName = "Anthropic";

    public string Type => "anthropic";

    public bool SupportsProviderTools => true;

    public InferenceParamSupport ParamSupport => AnthropicWire.ParamSupport;

    /// <summary>Where requests go: <c>{api_base}messages</c>.</summary>
    public Uri MessagesUrl => messagesUrl;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request, stream: false);
        using var message = BuildMessage(request, rawRequest);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, DisplayName, scope, cancellationToken).ConfigureAwait(false);
        return AnthropicWire.ParseResponse(rawRequest, rawResponse, DisplayName, AnthropicWire.UsesJsonPrefill(request, options)) with { Secrets = scope };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request, stream: true);
        using var message = BuildMessage(request, rawRequest);
        message.Headers.Accept.ParseAdd("text/event-stream");
        string? unsentBody = rawRequest;
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, DisplayName, scope, "text/event-stream", cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new AnthropicStreamParser(DisplayName, scope, AnthropicWire.UsesJsonPrefill(request, options));
        await foreach (var chunk in parser.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            yield return ProviderStreamChunk.First(chunk, ref unsentBody);
        }
    }

    private string BuildBody(ModelRequest request, bool stream)
    {
        var body = AnthropicWire.BuildRequest(request, options, stream);
        ProviderExtras.Apply(body, request, config);
        return body.ToJsonString();
    }

    private HttpRequestMessage BuildMessage(ModelRequest request, string rawRequest)
    {
        var message = ProviderHttp.JsonPost(messagesUrl, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
        // `extra_headers` may pin another API version; the key always comes from the auth scheme.
        if (!message.Headers.Contains("anthropic-version"))
        {
            message.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        }
        return message;
    }
}
