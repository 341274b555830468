using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Auth;

/// <summary><c>Authorization: Bearer {key}</c>, the key from the provider's credential resolver (OpenAI family, Bedrock API keys).</summary>
public sealed class BearerAuth(CredentialResolver key, string providerDisplayName) : AuthScheme
{
    public const string HeaderName = "Authorization";

    /// <summary>The headers this scheme writes, for the provider type's descriptor.</summary>
    public static readonly IReadOnlyList<string> Headers = ["authorization"];

    public override ValueTask<RequestAuth> ResolveAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RequestAuth.Header(HeaderName, "Bearer ", key.Require(credentials, providerDisplayName).Secret));
}
