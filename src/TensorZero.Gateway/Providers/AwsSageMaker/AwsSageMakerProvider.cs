using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Aws;
using TensorZero.Gateway.Providers.Aws.EventStream;
using TensorZero.Gateway.Providers.OpenAI;
using TensorZero.Gateway.Streaming;

namespace TensorZero.Gateway.Providers.AwsSageMaker;

/// <summary>
/// A client of SageMaker Runtime's <c>InvokeEndpoint</c> and <c>InvokeEndpointWithResponseStream</c>: the body is the
/// hosted server's chat-completions request (<see cref="SageMakerHostedProvider"/>), signed with SigV4 for the
/// <c>sagemaker</c> service; a streamed answer is the hosted server's server-sent events, carried in event-stream
/// <c>PayloadPart</c> messages.
/// </summary>
internal sealed class AwsSageMakerProvider(
    ProviderConfig config,
    string endpointName,
    SageMakerHostedProvider hosted,
    AwsLocation location,
    AuthScheme? auth,
    IHttpClientFactory httpClients,
    SecretRegistry secrets) : IModelProvider
{
    public const string DisplayName = "AWS SageMaker";

    // The label of the endpoint name in the signed resource path (`/endpoints/{EndpointName}/invocations`).
    private const string EndpointNameLabel = "{EndpointName}";

    public string Type => "aws_sagemaker";

    /// <summary>The body is the hosted server's, so are the parameters it takes.</summary>
    public InferenceParamSupport ParamSupport { get; } = hosted.Flavour.ParamSupport;

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var (message, rawRequest, key) = await BuildMessageAsync(request, credentials, stream: false, cancellationToken).ConfigureAwait(false);
        using (message)
        {
            var client = httpClients.CreateClient(ProviderHttp.ClientName);
            var scope = secrets.Scope(credentials, key.Secret);
            var rawResponse = await ProviderHttp.SendAsync(client, message, key, DisplayName, scope, cancellationToken).ConfigureAwait(false);
            return OpenAIResponseParser.Parse(hosted.Flavour, rawRequest, rawResponse, DisplayName) with { Secrets = scope };
        }
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (message, rawRequest, key) = await BuildMessageAsync(request, credentials, stream: true, cancellationToken).ConfigureAwait(false);
        string? unsentBody = rawRequest;
        using var disposeMessage = message;
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, DisplayName, scope, EventStreamDecoder.ContentType, cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var payload = new PayloadPartStream(body, DisplayName, scope);
        var parser = new OpenAIStreamParser(hosted.Flavour, DisplayName, scope);
        await foreach (var sse in SseReader.ReadAsync(payload, cancellationToken).ConfigureAwait(false))
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

    private async Task<(HttpRequestMessage Message, string RawRequest, RequestAuth Auth)> BuildMessageAsync(
        ModelRequest request,
        RequestCredentials credentials,
        bool stream,
        CancellationToken cancellationToken)
    {
        if (auth is null)
        {
            throw new GatewayError(ErrorKind.Internal, $"{DisplayName} provider at `{config.Path}` has no valid credentials");
        }
        var operation = stream ? "invocations-response-stream" : "invocations";
        var target = location.Target(credentials, "sagemaker", $"/endpoints/{EndpointNameLabel}/{operation}", EndpointNameLabel, endpointName);
        var rawRequest = OpenAIWire.Body(hosted.Flavour, config, config.ModelName, request, stream, DisplayName);
        var bytes = Encoding.UTF8.GetBytes(rawRequest);

        var message = ProviderHttp.JsonPost(target.Url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
        try
        {
            location.MarkRequest(message);
            target.Mark(message);
            // The exact bytes and content type sent are the ones signed.
            message.Content = new SignedBody(rawRequest, bytes);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            if (!stream && !message.Headers.Contains("Accept"))
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
