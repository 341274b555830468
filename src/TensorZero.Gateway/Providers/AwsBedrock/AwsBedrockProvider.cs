using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Providers.Aws.EventStream;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>A client of Bedrock's Converse and ConverseStream APIs, authenticated with a Bearer API key or SigV4.</summary>
internal sealed class AwsBedrockProvider(
    ProviderConfig config,
    string modelId,
    AwsLocation location,
    AuthScheme? auth,
    IHttpClientFactory httpClients,
    ILogger logger,
    SecretRegistry secrets) : IModelProvider
{
    public const string DisplayName = "AWS Bedrock";

    // The label of the model id in the signed resource path (`/model/{modelId}/converse`).
    private const string ModelIdLabel = "{modelId}";

    public string Type => "aws_bedrock";

    public InferenceParamSupport ParamSupport { get; } = new(DisplayName, false, [], true, false, ReasoningEffortTip: InferenceParamSupport.UseThinking);

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var (message, rawRequest, key) = await BuildMessageAsync(request, credentials, "converse", cancellationToken).ConfigureAwait(false);
        using (message)
        {
            var client = httpClients.CreateClient(ProviderHttp.ClientName);
            var scope = secrets.Scope(credentials, key.Secret);
            var rawResponse = await ProviderHttp.SendAsync(client, message, key, DisplayName, scope, cancellationToken).ConfigureAwait(false);
            return ConverseWire.ParseResponse(rawRequest, rawResponse, DisplayName, ConverseWire.UsesJsonPrefill(modelId, request)) with { Secrets = scope };
        }
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (message, rawRequest, key) = await BuildMessageAsync(request, credentials, "converse-stream", cancellationToken).ConfigureAwait(false);
        string? unsentBody = rawRequest;
        using var disposeMessage = message;
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, DisplayName, scope, EventStreamDecoder.ContentType, cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new ConverseStreamParser(DisplayName, scope, ConverseWire.UsesJsonPrefill(modelId, request), logger);
        await using var frames = EventStreamDecoder.ReadAllAsync(body, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await frames.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (EventStreamFormatException e)
            {
                throw ProviderHttp.StreamError(DisplayName, $"invalid event-stream framing: {e.Message}", scope);
            }
            catch (IOException e)
            {
                throw ProviderHttp.StreamError(DisplayName, $"the connection broke: {e.Message}", scope);
            }
            if (parser.Parse(frames.Current) is { } chunk)
            {
                yield return ProviderStreamChunk.First(chunk with { Secrets = scope }, ref unsentBody);
            }
        }
    }

    private async Task<(HttpRequestMessage Message, string RawRequest, RequestAuth Auth)> BuildMessageAsync(
        ModelRequest request,
        RequestCredentials credentials,
        string operation,
        CancellationToken cancellationToken)
    {
        if (auth is null)
        {
            throw new GatewayError(ErrorKind.Internal, $"{DisplayName} provider at `{config.Path}` has no valid credentials");
        }
        var target = location.Target(credentials, "bedrock", $"/model/{ModelIdLabel}/{operation}", ModelIdLabel, modelId);
        var body = ConverseWire.BuildRequest(modelId, request);
        ProviderExtras.Apply(body, request, config);
        var rawRequest = body.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(rawRequest);

        var message = ProviderHttp.JsonPost(target.Url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
        try
        {
            location.MarkRequest(message);
            target.Mark(message);
            // The exact bytes and content type sent are the ones signed.
            message.Content = new SignedBody(rawRequest, bytes);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (operation == "converse" && !message.Headers.Contains("Accept"))
            {
                message.Headers.Accept.ParseAdd("application/json");
            }
            var key = await auth.ResolveAsync(credentials, cancellationToken).ConfigureAwait(false);
            return (message, rawRequest, key);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }
}
