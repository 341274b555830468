using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers;

/// <summary>A typed client for one configured provider. It asks its credential resolver for the key on every call.</summary>
public interface IModelProvider
{
    /// <summary>The TOML <c>type</c>, e.g. <c>openai</c>.</summary>
    string Type { get; }

    /// <summary>
    /// Whether the provider sends <see cref="ModelRequest.CustomTools"/> on the wire. Routing never hands a request with
    /// custom tools to a provider that doesn't, so no provider drops them silently.
    /// </summary>
    bool SupportsCustomTools => false;

    /// <summary>
    /// Whether the provider sends a request's <see cref="ModelRequest.InferenceProviderTools"/> (server tools such as web
    /// search): Anthropic, Claude on Vertex AI and OpenAI's Responses API. Elsewhere a request scoping tools to it fails.
    /// </summary>
    bool SupportsProviderTools => false;

    /// <summary>The provider API it speaks, as TensorZero names it in raw entries (<c>api_type</c> of a failed attempt's body).</summary>
    string ApiType => Errors.RawResponseEntry.ChatCompletions;

    /// <summary>Which reasoning-era parameters it sends; routing warns about the rest (<see cref="InferenceParamSupport"/>).</summary>
    InferenceParamSupport ParamSupport { get; }

    Task<ProviderResponse> InferAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the answer in the provider's own format, mapped to chunks. Failures before the first chunk (HTTP status,
    /// auth, missing credential) throw from the first <c>MoveNextAsync</c>; a broken stream or an error event throws a
    /// <see cref="Errors.GatewayError"/> mid-way. Cancelling the token aborts the upstream request.
    /// </summary>
    IAsyncEnumerable<ProviderStreamChunk> StreamAsync(ModelRequest request, RequestCredentials credentials, CancellationToken cancellationToken);
}
