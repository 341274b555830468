using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Auth;

/// <summary>
/// How a provider authenticates, declared once when the provider is built (<see cref="BearerAuth"/>,
/// <see cref="HeaderKeyAuth"/>, the GCP token, SigV4). It resolves the provider's credential for one request into a
/// <see cref="RequestAuth"/>, which <see cref="ProviderHttp"/> puts on the request as the last step before sending.
/// </summary>
public abstract class AuthScheme
{
    /// <summary>
    /// The credential for one request. A missing or unusable one fails with a 400-class
    /// <see cref="Errors.GatewayError"/> that names the key, never its value.
    /// </summary>
    public abstract ValueTask<RequestAuth> ResolveAsync(RequestCredentials credentials, CancellationToken cancellationToken);
}

/// <summary>
/// A provider's credential resolved for one request, ready to go on the wire. <see cref="ProviderHttp"/> applies it
/// after every other header is set (the configured and the request's <c>extra_headers</c> included), so none of them
/// can replace it or be sent beside it.
/// </summary>
public abstract class RequestAuth
{
    /// <summary>No credential: nothing is added and nothing removed, so a header the operator configured stays.</summary>
    public static readonly RequestAuth None = new NoCredential();

    /// <summary>The secret that goes on the wire, redacted from the call's errors with every other secret in play.</summary>
    public abstract Secret? Secret { get; }

    /// <summary>A secret sent as <c>{name}: {prefix}{secret}</c>, replacing any header of that name; <see cref="None"/> without a secret.</summary>
    public static RequestAuth Header(string name, string valuePrefix, Secret? secret) =>
        secret is null ? None : new HeaderCredential(name, valuePrefix, secret);

    /// <summary>Puts the credential on <paramref name="message"/>, whose headers and body are final.</summary>
    internal abstract ValueTask ApplyAsync(HttpRequestMessage message, CancellationToken cancellationToken);

    private sealed class NoCredential : RequestAuth
    {
        public override Secret? Secret => null;

        internal override ValueTask ApplyAsync(HttpRequestMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class HeaderCredential(string name, string valuePrefix, Secret secret) : RequestAuth
    {
        public override Secret? Secret => secret;

        internal override ValueTask ApplyAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            message.Headers.Remove(name);
            message.Headers.TryAddWithoutValidation(name, valuePrefix + secret.Reveal());
            return ValueTask.CompletedTask;
        }
    }
}
