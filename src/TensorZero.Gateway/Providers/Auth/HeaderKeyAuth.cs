using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Auth;

/// <summary>
/// The key, as it is, in a provider's own header: Azure's <c>api-key</c>, Anthropic's <c>x-api-key</c>, Gemini's
/// <c>x-goog-api-key</c>. The key never goes into the URL, so it can't end up in a logged or reported address.
/// </summary>
public sealed class HeaderKeyAuth(string headerName, CredentialResolver key, string providerDisplayName) : AuthScheme
{
    public string HeaderName => headerName;

    /// <summary>The headers this scheme writes with <paramref name="headerName"/>, for the provider type's descriptor.</summary>
    public static IReadOnlyList<string> HeadersFor(string headerName) => [headerName.ToLowerInvariant()];

    public override ValueTask<RequestAuth> ResolveAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RequestAuth.Header(headerName, string.Empty, key.Require(credentials, providerDisplayName).Secret));
}
