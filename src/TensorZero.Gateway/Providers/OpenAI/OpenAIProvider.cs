using System.Runtime.CompilerServices;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Streaming;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>Builds <c>type = "openai"</c> providers (OpenAI and OpenAI-compatible servers via <c>api_base</c>).</summary>
public sealed class OpenAIProviderFactory : IProviderFactory
{
    public const string DefaultApiBase = "https://api.openai.com/v1/";

    public string Type => "openai";

    public IReadOnlyCollection<string> SettingKeys { get; } =
        ["model_name", "api_base", "api_type", "include_encrypted_reasoning", "provider_tools", "content_type_overrides"];

    public IModelProvider Create(ProviderBuildContext context)
    {
        var config = context.Config;
        if (string.IsNullOrEmpty(config.ModelName))
        {
            context.Errors.Add($"`{config.Path}.model_name`: is required for `openai` providers");
        }
        if (config.Settings.TryGetValue("api_type", out var apiType) && apiType is not "chat_completions")
        {
            context.Errors.Add($"`{config.Path}.api_type`: only `chat_completions` is supported by this gateway");
        }
        var apiBase = config.ApiBase ?? DefaultApiBase;
        if (!Uri.TryCreate(apiBase, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            context.Errors.Add($"`{config.Path}.api_base`: `{apiBase}` is not an absolute http(s) URL");
            apiBase = DefaultApiBase;
        }
        var url = ProviderHttp.Join(apiBase, "chat/completions");
        return new OpenAIProvider(config, url, context.Credential, context.HttpClients);
    }
}

/// <summary>A client of OpenAI's <c>POST /chat/completions</c>, plain and streamed.</summary>
public sealed class OpenAIProvider(
    ProviderConfig config,
    Uri chatCompletionsUrl,
    CredentialResolver credential,
    IHttpClientFactory httpClients) : IModelProvider
{
    private const string DisplayName = "OpenAI";

    public string Type => "openai";

    public async Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var key = credential.Require(credentials, DisplayName);
        var rawRequest = BuildBody(request, stream: false);
        using var message = BuildMessage(request, rawRequest, key);
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        var rawResponse = await ProviderHttp.SendAsync(client, message, DisplayName, key.Secret, cancellationToken).ConfigureAwait(false);
        return OpenAIWire.ParseResponse(rawRequest, rawResponse, DisplayName);
    }

    public async IAsyncEnumerable<ProviderStreamChunk> StreamAsync(
        ModelRequest request,
        RequestCredentials credentials,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = credential.Require(credentials, DisplayName);
        var rawRequest = BuildBody(request, stream: true);
        using var message = BuildMessage(request, rawRequest, key);
        message.Headers.Accept.ParseAdd("text/event-stream");
        var client = httpClients.CreateClient(ProviderHttp.ClientName);
        using var response = await ProviderHttp.SendStreamingAsync(client, message, DisplayName, key.Secret, "text/event-stream", cancellationToken)
            .ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var parser = new OpenAIStreamParser(DisplayName, key.Secret);
        await foreach (var sse in SseReader.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            if (sse.Data == "[DONE]")
            {
                yield break;
            }
            if (parser.Parse(sse.Data) is { } chunk)
            {
                yield return chunk;
            }
        }
    }

    private string BuildBody(ModelRequest request, bool stream)
    {
        var body = OpenAIWire.BuildRequest(config.ModelName!, request, stream, includeStreamUsage: true);
        JsonPointer.Apply(body, config.ExtraBody);
        return body.ToJsonString();
    }

    private HttpRequestMessage BuildMessage(ModelRequest request, string rawRequest, ResolvedCredential key)
    {
        var message = ProviderHttp.JsonPost(chatCompletionsUrl, rawRequest, request.ExtraHeaders, config.ExtraHeaders);
        ProviderHttp.SetBearer(message, key);
        return message;
    }
}
