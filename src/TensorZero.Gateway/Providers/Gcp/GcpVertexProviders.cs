using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Anthropic;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Gemini;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.Gcp;

/// <summary>Builds <c>type = "gcp_vertex_gemini"</c> providers: Gemini on Vertex AI, with a GCP bearer token (<see cref="GcpTokenAuth"/>).</summary>
public sealed class GcpVertexGeminiProviderFactory : IProviderFactory
{
    public ProviderDescriptor Descriptor { get; } = GcpVertexDescriptor.For("gcp_vertex_gemini", "GCP Vertex Gemini");

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_id", "endpoint_id", "location", "project_id", "api_base"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var target = GcpVertexTarget.Read(context.Config, context.ReadSettings(), "google", allowEndpointId: true);
        var auth = GcpTokenAuth.Create(context, target.Location);
        return new GcpVertexGeminiProvider(context.Config, target, auth, context.HttpClients, context.Secrets);
    }
}

/// <summary>A client of Vertex AI's <c>generateContent</c> / <c>streamGenerateContent</c> for Gemini models.</summary>
public sealed class GcpVertexGeminiProvider(
    ProviderConfig config,
    GcpVertexTarget target,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    private const string DisplayName = "GCP Vertex Gemini";

    public string Type => "gcp_vertex_gemini";

    public InferenceParamSupport ParamSupport { get; } = GeminiWire.ParamSupport(DisplayName);

    public GcpVertexTarget Target => target;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var token = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request);
        using var message = VertexHttp.Post(target.Url("google", "generateContent"), rawRequest, request, config);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, token.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, token, DisplayName, scope, cancellationToken).ConfigureAwait(false);
        return GeminiWire.ParseResponse(rawRequest, rawResponse, DisplayName) with { Secrets = scope };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var token = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request);
        using var message = VertexHttp.Post(target.Url("google", "streamGenerateContent?alt=sse"), rawRequest, request, config);
        string? unsentBody = rawRequest;
        message.Headers.Accept.ParseAdd("text/event-stream");
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, token.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, token, DisplayName, scope, "text/event-stream", cancellationToken)
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
}

/// <summary>Builds <c>type = "gcp_vertex_anthropic"</c> providers: Claude on Vertex AI (<c>rawPredict</c>).</summary>
public sealed class GcpVertexAnthropicProviderFactory : IProviderFactory
{
    public const string AnthropicVersion = "vertex-2023-10-16";

    public ProviderDescriptor Descriptor { get; } = GcpVertexDescriptor.For("gcp_vertex_anthropic", "GCP Vertex Anthropic");

    public IReadOnlyCollection<string> SettingKeys { get; } = ["model_id", "location", "project_id", "api_base", "provider_tools"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        var settings = context.ReadSettings();
        var target = GcpVertexTarget.Read(config, settings, "anthropic", allowEndpointId: false);
        var auth = GcpTokenAuth.Create(context, target.Location);
        JsonArray? providerTools = null;
        if (settings.Has("provider_tools"))
        {
            providerTools = settings.Json("provider_tools") as JsonArray;
            if (providerTools is null)
            {
                settings.Error("provider_tools", "must be an array of tables");
            }
        }
        var options = new AnthropicWireOptions(target.ModelId ?? "unset", SendModel: false, AnthropicVersion: AnthropicVersion,
            HostName: "GCP Vertex Anthropic", SendsServiceTier: false,
            StrictTools: false, NativeJsonMode: false, ProviderTools: providerTools);
        return new GcpVertexAnthropicProvider(config, target, options, auth, context.HttpClients, context.Secrets);
    }
}

/// <summary>A client of Vertex AI's <c>rawPredict</c> / <c>streamRawPredict</c> for Anthropic models (Anthropic's Messages body).</summary>
public sealed class GcpVertexAnthropicProvider(
    ProviderConfig config,
    GcpVertexTarget target,
    AnthropicWireOptions options,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    private const string DisplayName = "GCP Vertex Anthropic";

    public string Type => "gcp_vertex_anthropic";

    public bool SupportsProviderTools => true;

    public InferenceParamSupport ParamSupport { get; } = new(DisplayName, true, [], true, false);

    public GcpVertexTarget Target => target;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var token = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request, stream: false);
        using var message = VertexHttp.Post(target.Url("anthropic", "rawPredict"), rawRequest, request, config);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, token.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, token, DisplayName, scope, cancellationToken).ConfigureAwait(false);
        return AnthropicWire.ParseResponse(rawRequest, rawResponse, DisplayName, AnthropicWire.UsesJsonPrefill(request, options)) with { Secrets = scope };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var token = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request, stream: true);
        using var message = VertexHttp.Post(target.Url("anthropic", "streamRawPredict"), rawRequest, request, config);
        string? unsentBody = rawRequest;
        message.Headers.Accept.ParseAdd("text/event-stream");
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, token.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, token, DisplayName, scope, "text/event-stream", cancellationToken)
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
}

/// <summary>A Vertex AI request: JSON body and the extra headers; the bearer token goes on last, when it is sent.</summary>
internal static class VertexHttp
{
    public static HttpRequestMessage Post(Uri url, string rawRequest, ModelRequest request, ProviderConfig config) =>
        ProviderHttp.JsonPost(url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
}
