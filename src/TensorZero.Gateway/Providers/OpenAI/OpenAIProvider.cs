using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Streaming;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// A client of <c>POST …/chat/completions</c>, plain and streamed, for every server of the OpenAI family; the
/// <see cref="OpenAIFlavour"/> says what differs on the wire.
/// </summary>
/// <param name="settingFields">Top-level body fields from type-specific settings (Groq <c>reasoning_format</c>, Mistral <c>prompt_mode</c>).</param>
/// <param name="auth">The flavour's auth scheme bound to the provider's credential (see <see cref="OpenAIFlavour.AuthSchemeFor"/>).</param>
public sealed class OpenAIProvider(
    OpenAIFlavour flavour,
    ProviderConfig config,
    string displayName,
    ChatCompletionsEndpoint endpoint,
    JsonObject settingFields,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    private readonly IReadOnlyList<ExtraHeaderItem> _fixedHeaders =
        (flavour.FixedHeaders ?? []).Select(h => new ExtraHeaderItem(h.Key, h.Value, Delete: false)).ToArray();

    public string Type => flavour.Type;

    public bool SupportsCustomTools => flavour.SendsCustomTools;

    public InferenceParamSupport ParamSupport { get; } = flavour.ParamSupport;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var url = endpoint.Resolve(credentials, displayName);
        var rawRequest = BuildBody(request, stream: false);
        using var message = BuildMessage(url, request, rawRequest);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, displayName, scope, cancellationToken).ConfigureAwait(false);
        return OpenAIResponseParser.Parse(flavour, rawRequest, rawResponse, displayName) with { Secrets = scope };
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var url = endpoint.Resolve(credentials, displayName);
        var rawRequest = BuildBody(request, stream: true);
        string? unsentBody = rawRequest;
        using var message = BuildMessage(url, request, rawRequest);
        message.Headers.Accept.ParseAdd("text/event-stream");
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, displayName, scope, "text/event-stream", cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new OpenAIStreamParser(flavour, displayName, scope);
        await foreach (var sse in SseReader.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            if (sse.Data == "[DONE]")
            {
                break;
            }
            yield return ProviderStreamChunk.First(parser.Parse(sse.Data), ref unsentBody);
        }
        if (parser.Finish() is { } last)
        {
            yield return ProviderStreamChunk.First(last, ref unsentBody);
        }
    }

    /// <summary>The exact body this provider sends for <paramref name="request"/>.</summary>
    public string BuildBody(ModelRequest request, bool stream) =>
        OpenAIWire.Body(flavour, config, config.ModelName, request, stream, displayName, settingFields);

    private HttpRequestMessage BuildMessage(Uri url, ModelRequest request, string rawRequest)
    {
        var message = ProviderHttp.JsonPost(url, rawRequest, _fixedHeaders, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
        endpoint.MarkRequest(message, displayName);
        return message;
    }
}
