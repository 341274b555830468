using System.Runtime.CompilerServices;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Streaming;

namespace TensorZero.Gateway.Providers.OpenAI.Responses;

/// <summary>
/// A client of OpenAI's Responses API (<c>POST …/responses</c>), plain and streamed: an <c>openai</c> provider with
/// <c>api_type = "responses"</c>, or an <c>openai::responses::</c> shorthand model. Same Bearer key and error handling
/// as Chat Completions; custom tools and provider tools go out with the request.
/// </summary>
public sealed class OpenAIResponsesProvider(
    ProviderConfig config,
    string displayName,
    Uri url,
    ResponsesOptions options,
    AuthScheme auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets,
    ILogger<OpenAIResponsesProvider> logger) : IModelProvider
{
    public string Type => "openai";

    public bool SupportsCustomTools => true;

    public bool SupportsProviderTools => true;

    public InferenceParamSupport ParamSupport { get; } = new(
        "OpenAI Responses", true, InferenceParams.ServiceTiers, false, true, ThinkingTip: InferenceParamSupport.UseReasoningEffort);

    public string ApiType => ResponsesResponseParser.ApiType;

    /// <summary>Where requests go: <c>{api_base}/responses</c>.</summary>
    public Uri Url => url;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
        var rawRequest = BuildBody(request, stream: false);
        using var message = BuildMessage(request, rawRequest);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        var rawResponse = await ProviderHttp.SendAsync(client, message, key, displayName, scope, cancellationToken).ConfigureAwait(false);
        return ResponsesResponseParser.Parse(rawRequest, rawResponse, displayName) with { Secrets = scope };
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
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, displayName, scope, "text/event-stream", cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new ResponsesStreamParser(displayName, scope);
        await foreach (var sse in SseReader.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            if (parser.Parse(sse.Data) is { } chunk)
            {
                yield return ProviderStreamChunk.First(chunk, ref unsentBody);
            }
            if (parser.IsDone)
            {
                yield break;
            }
        }
    }

    /// <summary>The exact body this provider sends for <paramref name="request"/>.</summary>
    public string BuildBody(ModelRequest request, bool stream)
    {
        if (request.Params.StopSequences is { Count: > 0 })
        {
            logger.LogWarning("Stop sequences are not supported in the OpenAI Responses API; they are not sent");
        }
        var body = ResponsesRequest.Build(options, request, stream, displayName);
        ProviderExtras.Apply(body, request, config);
        return body.ToJsonString();
    }

    private HttpRequestMessage BuildMessage(ModelRequest request, string rawRequest) =>
        ProviderHttp.JsonPost(url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
}
