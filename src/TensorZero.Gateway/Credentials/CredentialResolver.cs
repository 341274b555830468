using TensorZero.Gateway.Errors;

namespace TensorZero.Gateway.Credentials;

/// <summary>How a resolved credential was obtained; providers that treat sources differently (GCP) switch on it.</summary>
public enum CredentialKind
{
    /// <summary>No credential: send no auth header.</summary>
    None,

    /// <summary>A value read at startup from an environment variable.</summary>
    Static,

    /// <summary>The contents of a file, read at startup and again when it changes (or on SIGHUP).</summary>
    File,

    /// <summary>A value from the request's <c>credentials</c> map.</summary>
    Dynamic,

    /// <summary>The provider SDK's own credential discovery.</summary>
    Sdk,
}

/// <summary>A credential ready for one request.</summary>
public readonly record struct ResolvedCredential(CredentialKind Kind, Secret? Secret)
{
    public static readonly ResolvedCredential NoCredential = new(CredentialKind.None, null);
}

/// <summary>
/// Turns a provider's credential location into a credential for one request. Static values were read at startup,
/// so resolving is at most one dictionary read.
/// </summary>
public abstract class CredentialResolver
{
    /// <summary>Resolves the credential, or explains (with key names only) why it is unavailable.</summary>
    public abstract bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason);

    /// <summary>
    /// Whether every credential this resolver can produce comes from the request itself, or is no credential at all.
    /// Only such a resolver may be paired with a URL the client chose: anything else would send the gateway's own
    /// secret to that URL.
    /// </summary>
    public virtual bool IsClientSuppliedOnly => false;

    public override string ToString() => GetType().Name;
}

internal sealed class StaticCredentialResolver(CredentialKind kind, Secret secret) : CredentialResolver
{
    public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
    {
        credential = new ResolvedCredential(kind, secret);
        unavailableReason = null;
        return true;
    }
}

internal sealed class FixedCredentialResolver(ResolvedCredential value) : CredentialResolver
{
    public override bool IsClientSuppliedOnly => value.Kind == CredentialKind.None;

    public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
    {
        credential = value;
        unavailableReason = null;
        return true;
    }
}

internal sealed class DynamicCredentialResolver(string key) : CredentialResolver
{
    public string Key => key;

    public override bool IsClientSuppliedOnly => true;

    /// <summary>
    /// An empty or whitespace value counts as absent (a fallback applies). A value a header can't carry is the
    /// client's mistake and fails the request as a 400, without falling back to the gateway's own key.
    /// </summary>
    public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
    {
        credential = default;
        switch (request.TryGetHeaderValue(key, out var secret))
        {
            case CredentialLookup.Found:
                credential = new ResolvedCredential(CredentialKind.Dynamic, secret);
                unavailableReason = null;
                return true;
            case CredentialLookup.Empty:
                unavailableReason = HeaderValues.EmptyCredential(key);
                return false;
            case CredentialLookup.NotSendable:
                throw new GatewayError(ErrorKind.MissingCredential, $"Invalid API key: {HeaderValues.NotSendableCredential(key)}");
            default:
                unavailableReason = $"Dynamic api key `{key}` is missing";
                return false;
        }
    }
}

/// <summary>Uses the fallback only when the default can't be resolved (a dynamic key absent), never after an upstream 401.</summary>
internal sealed class FallbackCredentialResolver(
    CredentialResolver primary,
    CredentialResolver fallback,
    string providerDisplayName,
    ILogger logger) : CredentialResolver
{
    public override bool IsClientSuppliedOnly => primary.IsClientSuppliedOnly && fallback.IsClientSuppliedOnly;

    public override bool TryResolve(RequestCredentials request, out ResolvedCredential credential, out string? unavailableReason)
    {
        if (primary.TryResolve(request, out credential, out var primaryReason))
        {
            unavailableReason = null;
            return true;
        }
        if (logger.IsEnabled(LogLevel.Warning))
        {
            logger.LogWarning(
                "Using fallback credential, as default credential is unavailable: API key missing for provider {Provider}: {Reason}",
                providerDisplayName,
                primaryReason);
        }
        return fallback.TryResolve(request, out credential, out unavailableReason);
    }
}
