using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Builds embedding providers that speak OpenAI's <c>POST …/embeddings</c> (<c>openai</c>, <c>openrouter</c>):
/// <c>model_name</c> is required and <c>api_base</c> replaces the flavour's default base URL.
/// </summary>
public sealed class OpenAIEmbeddingProviderFactory(OpenAIFlavour flavour) : IEmbeddingProviderFactory
{
    public ProviderDescriptor Descriptor => flavour.Descriptor;

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name", "api_base"];

    public IEmbeddingProvider Create(EmbeddingProviderBuildContext context)
    {
        var config = context.Config;
        if (string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `{flavour.Type}` embedding providers");
        }
        var auth = flavour.AuthSchemeFor(context.Credential, context.Descriptor.DisplayName);
        return new OpenAIEmbeddingProvider(
            flavour, config, context.Descriptor.DisplayName, EmbeddingsUrl(context), auth, context.HttpClients, context.Secrets);
    }

    private Uri EmbeddingsUrl(EmbeddingProviderBuildContext context)
    {
        var config = context.Config;
        var apiBase = config.ApiBase ?? flavour.DefaultApiBase!;
        if (!ChatCompletionsEndpoint.TryParseHttpUrl(apiBase, out _))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            return new Uri("http://localhost/");
        }
        if (apiBase.TrimEnd('/').EndsWith("/embeddings", StringComparison.Ordinal))
        {
            context.Errors.Add($"`{config.Path}.api_base`: give the base URL without `/embeddings`; the gateway appends it");
        }
        return ProviderHttp.Join(apiBase, "embeddings");
    }
}

/// <summary>A client of OpenAI's <c>POST …/embeddings</c> with the flavour's auth (Bearer), for OpenAI and OpenRouter.</summary>
public sealed class OpenAIEmbeddingProvider(
    OpenAIFlavour flavour,
    EmbeddingProviderConfig config,
    string displayName,
    Uri url,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IEmbeddingProvider
{
    private readonly IReadOnlyList<ExtraHeaderItem> _fixedHeaders =
        (flavour.FixedHeaders ?? []).Select(h => new ExtraHeaderItem(h.Key, h.Value, Delete: false)).ToArray();

    public string Type => flavour.Type;

    public async Task<EmbeddingProviderResponse> EmbedAsync(EmbeddingRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request);
        using var message = ProviderHttp.JsonPost(url, rawRequest, _fixedHeaders, config.ExtraHeaders);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, displayName, scope, cancellationToken).ConfigureAwait(false);
        return OpenAIEmbeddingWire.ParseResponse(rawRequest, rawResponse, request.Input.Texts.Count, displayName) with { Secrets = scope };
    }

    /// <summary>The exact body this provider sends for <paramref name="request"/>.</summary>
    public string BuildBody(EmbeddingRequest request)
    {
        var body = OpenAIEmbeddingWire.BuildRequest(config.ModelName ?? string.Empty, request);
        JsonPointer.Apply(body, config.ExtraBody);
        return body.ToJsonString();
    }
}
