using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Auth;
using TensorZero.Gateway.Providers.Egress;
using TensorZero.Gateway.Providers.AwsBedrock.EventStream;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>A client of Bedrock's Converse and ConverseStream APIs, authenticated with a Bearer API key or SigV4.</summary>
internal sealed class AwsBedrockProvider(
    ProviderConfig config,
    string modelId,
    SettingValue region,
    SettingValue? endpoint,
    AuthScheme? auth,
    IHttpClientFactory httpClients,
    ILogger logger,
    SecretRegistry secrets) : IModelProvider
{
    public const string EventStreamContentType = "application/vnd.amazon.eventstream";

    public const string DisplayName = "AWS Bedrock";

    public string Type => "aws_bedrock";

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
        var (message, _, key) = await BuildMessageAsync(request, credentials, "converse-stream", cancellationToken).ConfigureAwait(false);
        using var disposeMessage = message;
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var scope = secrets.Scope(credentials, key.Secret);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, key, DisplayName, scope, EventStreamContentType, cancellationToken)
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
                yield return chunk with { Secrets = scope };
            }
        }
    }

    /// <summary>An absolute http(s) URL without a trailing slash, or null.</summary>
    internal static Uri? ParseEndpoint(string url) =>
        Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? uri
            : null;

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
        var target = Target(credentials, operation);
        var body = ConverseWire.BuildRequest(modelId, request);
        ProviderExtras.Apply(body, request, config);
        var rawRequest = body.ToJsonString();
        var bytes = Encoding.UTF8.GetBytes(rawRequest);

        var message = ProviderHttp.JsonPost(target.Url, rawRequest, request.ExtraHeaders, config.ExtraHeaders, request.InferenceExtraHeaders);
        try
        {
            if (endpoint is SettingValue.Dynamic dynamic)
            {
                new ClientChosenUrl(dynamic.Key, DisplayName).Mark(message);
            }
            target.Mark(message);
            // The exact bytes and content type sent are the ones signed.
            message.Content = new SignedBody(bytes);
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

    private BedrockTarget Target(RequestCredentials credentials, string operation)
    {
        var regionName = Resolve(region, credentials, "region");
        // A bad value in the request's credentials map is the client's to fix: the credential kind keeps it a 400
        // through the model and variant wrappers.
        if (!AwsBedrockProviderFactory.IsRegion(regionName))
        {
            throw new GatewayError(ErrorKind.MissingCredential, $"{DisplayName}: the region given in the request's credentials is not an AWS region name");
        }
        Uri baseUrl;
        if (endpoint is null)
        {
            baseUrl = new Uri($"https://bedrock-runtime.{regionName}.amazonaws.com");
        }
        else
        {
            var url = Resolve(endpoint, credentials, "endpoint");
            if (endpoint is SettingValue.Dynamic dynamic)
            {
                // The client's value: the same checks as every client-chosen URL, and named by its key.
                var origin = new ClientChosenUrl(dynamic.Key, DisplayName);
                origin.Parse(url);
                baseUrl = ParseEndpoint(url) ?? throw origin.Invalid("is not an absolute http(s) URL without query or fragment");
            }
            else
            {
                baseUrl = ParseEndpoint(url) ?? throw new GatewayError(ErrorKind.MissingCredential,
                    $"{DisplayName}: Invalid endpoint URL (not an absolute http(s) URL)");
            }
        }
        return new BedrockTarget(baseUrl, regionName, modelId, operation);
    }

    /// <summary>A setting's value for one request; a missing dynamic key is a 400-class error naming the key.</summary>
    private static string Resolve(SettingValue setting, RequestCredentials credentials, string name)
    {
        switch (setting)
        {
            case SettingValue.Fixed fixedValue:
                return fixedValue.Value;
            case SettingValue.Dynamic dynamic when dynamic.TryResolve(credentials, out var value):
                return value;
            case SettingValue.Dynamic dynamic:
                throw new GatewayError(ErrorKind.MissingCredential, $"{DisplayName}: Dynamic {name} '{dynamic.Key}' not found in credentials");
            default:
                throw new InvalidOperationException("unknown setting value");
        }
    }
}
