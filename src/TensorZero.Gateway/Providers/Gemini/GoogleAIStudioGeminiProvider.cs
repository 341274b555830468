using System.Runtime.CompilerServices;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Gemini;

/// <summary>Builds <c>type = "google_ai_studio_gemini"</c> providers (the Gemini API with an AI Studio key).</summary>
public sealed class GoogleAIStudioGeminiProviderFactory : IProviderFactory
{
    public const string DefaultApiBase = "https://generativelanguage.googleapis.com/v1beta/";

    public ProviderDescriptor Descriptor { get; } = new(
        CredentialRules.ApiKey("google_ai_studio_gemini", "Google AI Studio Gemini", "GOOGLE_API_KEY", CredentialForms.Keyed,
            alternate: "GOOGLE_AI_STUDIO_API_KEY"),
        HeaderKeyAuth.HeadersFor(GoogleAIStudioGeminiProvider.ApiKeyHeader),
        SupportsShorthand: true);

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_name", "api_base"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        var modelName = config.ModelName;
        if (string.IsNullOrEmpty(modelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `google_ai_studio_gemini` providers");
            modelName = "unset";
        }
        else if (UrlSegment.Problem(modelName) is { } problem)
        {
            context.Errors.Add($"`{config.Path}.model_name`: {problem}");
            modelName = "unset";
        }
        var apiBase = config.ApiBase ?? DefaultApiBase;
        if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{ConfigText.Url(apiBase)}` is not an absolute http(s) URL");
            apiBase = DefaultApiBase;
        }
        // The name is one %-encoded segment: a shorthand name comes from the client, and the key must only reach `models/`.
        var model = UrlSegment.Escape(modelName);
        var generateUrl = ProviderHttp.Join(apiBase, $"models/{model}:generateContent");
        var streamUrl = ProviderHttp.Join(apiBase, $"models/{model}:streamGenerateContent?alt=sse");
        var auth = new HeaderKeyAuth(GoogleAIStudioGeminiProvider.ApiKeyHeader, context.Credential, context.Descriptor.DisplayName);
        return new GoogleAIStudioGeminiProvider(config, generateUrl, streamUrl, auth, context.HttpClients, context.Secrets);
    }
}

/// <summary>
/// A client of the Gemini API's <c>generateContent</c> and <c>streamGenerateContent</c>. The key travels in the
/// <c>x-goog-api-key</c> header, never in the URL, so it cannot end up in a logged or reported address.
/// </summary>
public sealed class GoogleAIStudioGeminiProvider(
    ProviderConfig config,
    Uri generateContentUrl,
    Uri streamGenerateContentUrl,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    public const string ApiKeyHeader = "x-goog-api-key";

    private const string DisplayName = "Google AI Studio Gemini";

    public string Type => "google_ai_studio_gemini";

    public InferenceParamSupport ParamSupport { get; } = GeminiWire.ParamSupport(DisplayName);

    public Uri GenerateContentUrl => generateContentUrl;

    public Uri StreamGenerateContentUrl => streamGenerateContentUrl;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request);
        using var message = BuildMessage(generateContentUrl, request, rawRequest);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, DisplayName, scope, cancellationToken).ConfigureAwait(false);
        return GeminiWire.ParseResponse(rawRequest, rawResponse, DisplayName) with { Secrets = scope };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request);
        using var message = BuildMessage(streamGenerateContentUrl, request, rawRequest);
        message.Headers.Accept.ParseAdd("text/event-stream");
        string? unsentBody = rawRequest;
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, DisplayName, scope, "text/event-stream", cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var chunk in GeminiStreamParser.ReadAsync(body, DisplayName, scope, cancellationToken).ConfigureAwait(false))
        {
            yield return ProviderStreamChunk.First(chunk, ref unsentBody);
        }
    }

    private string BuildBody(ModelRequest request)
    {
        var body = GeminiWire.BuildRequest(request);
        ProviderExtras.Apply(body, request, config);
        return body.ToJsonString();
    }

    private HttpRequestMessage BuildMessage(Uri url, ModelRequest request, string rawRequest) =>
        ProviderHttp.JsonPost(url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
}
