using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.Auth;

namespace TensorZero.Gateway.Providers.Gcp;

/// <summary>The three fields of a Google service-account key file the gateway needs.</summary>
public sealed class GcpServiceAccount
{
    private GcpServiceAccount(string clientEmail, string privateKeyId, RSA key)
    {
        ClientEmail = clientEmail;
        PrivateKeyId = privateKeyId;
        Key = key;
    }

    public string ClientEmail { get; }

    public string PrivateKeyId { get; }

    internal RSA Key { get; }

    /// <summary>Parses a key file's contents; the error names missing fields, never values.</summary>
    public static GcpServiceAccount Parse(Secret json)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json.Reveal());
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new FormatException("the service-account file is not valid JSON");
        }
        string Field(string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new FormatException($"the service-account file has no `{name}`");
        var email = Field("client_email");
        var keyId = Field("private_key_id");
        var pem = Field("private_key");
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new FormatException("the service-account file's `private_key` is not an RSA key in PEM form");
        }
        return new GcpServiceAccount(email, keyId, rsa);
    }

    /// <summary>Whether a key file's contents parse, as a reload checks before it replaces the file in use: a problem (naming no value) or null.</summary>
    public static string? Check(Secret json)
    {
        try
        {
            Parse(json).Key.Dispose();
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }
}

/// <summary>Supplies bearer tokens for Vertex AI.</summary>
public interface IGcpTokenSource
{
    ValueTask<Secret> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A self-signed RS256 JWT for a service account (no token exchange, as Google allows for its APIs): audience is the
/// Vertex AI service root, valid one hour, cached until five minutes before it expires.
/// </summary>
public sealed class SelfSignedJwtTokenSource(GcpServiceAccount account, string audience, TimeProvider time) : IGcpTokenSource
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private (Secret Token, DateTimeOffset Expires)? _cached;

    public ValueTask<Secret> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cached is { } cached && now < cached.Expires - RefreshMargin)
            {
                return ValueTask.FromResult(cached.Token);
            }
            var issued = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
            var expires = issued + Lifetime;
            var token = new Secret(Sign(issued, expires));
            _cached = (token, expires);
            return ValueTask.FromResult(token);
        }
    }

    private string Sign(DateTimeOffset issued, DateTimeOffset expires)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["typ"] = "JWT",
            ["alg"] = "RS256",
            ["kid"] = account.PrivateKeyId,
        });
        var claims = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = account.ClientEmail,
            ["sub"] = account.ClientEmail,
            ["aud"] = audience,
            ["iat"] = issued.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        });
        var signingInput = $"{Base64Url(header)}.{Base64Url(claims)}";
        var signature = account.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Application Default Credentials through Google's auth library (<c>credential_location = "sdk"</c>).</summary>
public sealed class SdkTokenSource : IGcpTokenSource
{
    private const string Scope = "https://www.googleapis.com/auth/cloud-platform";
    private readonly Lazy<Task<ICredential>> _credential = new(async () =>
        (await GoogleCredential.GetApplicationDefaultAsync().ConfigureAwait(false)).CreateScoped(Scope).UnderlyingCredential);

    public async ValueTask<Secret> GetTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            var credential = await _credential.Value.ConfigureAwait(false);
            var token = await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new Secret(token);
        }
        catch (InvalidOperationException)
        {
            throw new GatewayError(ErrorKind.CredentialUnavailable, "GCP application default credentials are not available");
        }
    }
}

/// <summary>
/// Vertex AI's auth scheme: <c>Authorization: Bearer {token}</c>, where the token comes from the provider's credential
/// per request: a service-account key file (read at startup, and again when it changes) signs cached JWTs, <c>sdk</c> uses Application Default
/// Credentials, and a <c>dynamic::</c> value is used verbatim as the token.
/// </summary>
public sealed class GcpTokenAuth : AuthScheme
{
    /// <summary>The headers this scheme writes (the access token as a bearer token), for the provider type's descriptor.</summary>
    public static readonly IReadOnlyList<string> Headers = BearerAuth.Headers;

    private readonly CredentialResolver _resolver;
    private readonly Lazy<SdkTokenSource> _sdk = new(() => new SdkTokenSource());
    private readonly string _displayName;
    private readonly string _audience;
    private readonly TimeProvider _time;
    private FileTokenSource? _fileSource;

    private GcpTokenAuth(CredentialResolver resolver, FileTokenSource? fileSource, string displayName, string audience, TimeProvider time)
    {
        _resolver = resolver;
        _fileSource = fileSource;
        _displayName = displayName;
        _audience = audience;
        _time = time;
    }

    /// <summary>The Vertex AI service root for a location, used as the JWT audience.</summary>
    public static string Audience(string location) =>
        location == "global" ? "https://aiplatform.googleapis.com/" : $"https://{location}-aiplatform.googleapis.com/";

    /// <summary>
    /// Builds a provider's scheme at startup, parsing a static key file once. A bad file is reported under the
    /// provider's <c>credential_location</c>, or under the provider itself when the file is the type's default credential.
    /// </summary>
    public static GcpTokenAuth Create(ProviderBuildContext context, string location)
    {
        var resolver = context.Credential;
        FileTokenSource? fileSource = null;
        // A static key file is resolvable without request credentials (directly or as the fallback of a dynamic key).
        if (resolver.TryResolve(RequestCredentials.Empty, out var probe, out _) && probe is { Kind: CredentialKind.File, Secret: { } json })
        {
            try
            {
                fileSource = new FileTokenSource(json, new SelfSignedJwtTokenSource(GcpServiceAccount.Parse(json), Audience(location), context.Time));
            }
            catch (FormatException e)
            {
                var config = context.Config;
                context.CredentialProblems.Add(config.ApiKeyLocation is null
                    ? $"`{config.Path}`: {e.Message} (the default credential of `{context.Descriptor.Type}` providers)"
                    : $"`{config.Path}.{context.Descriptor.Credentials.CredentialField}`: {e.Message}");
            }
        }
        return new GcpTokenAuth(resolver, fileSource, context.Descriptor.DisplayName, Audience(location), context.Time);
    }

    public override async ValueTask<RequestAuth> ResolveAsync(RequestCredentials credentials, CancellationToken cancellationToken) =>
        RequestAuth.Header(BearerAuth.HeaderName, "Bearer ", await GetTokenAsync(credentials, cancellationToken).ConfigureAwait(false));

    private async ValueTask<Secret> GetTokenAsync(RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var credential = _resolver.Require(credentials, _displayName);
        return credential.Kind switch
        {
            CredentialKind.Dynamic or CredentialKind.Static => credential.Secret!,
            CredentialKind.File when FileSource(credential.Secret!) is { } source => await source.GetTokenAsync(cancellationToken).ConfigureAwait(false),
            CredentialKind.Sdk => await _sdk.Value.GetTokenAsync(cancellationToken).ConfigureAwait(false),
            _ => throw new GatewayError(ErrorKind.CredentialUnavailable, $"API key missing for provider {_displayName}: No credentials are set"),
        };
    }

    /// <summary>
    /// The token source of the key file in use. A reloaded file (checked before it replaced the old one) gets a new
    /// source, so tokens are signed with the new key from the first request that reads it.
    /// </summary>
    private IGcpTokenSource? FileSource(Secret json)
    {
        var current = Volatile.Read(ref _fileSource);
        if (current is null || ReferenceEquals(current.Json, json))
        {
            return current?.Source;
        }
        var rotated = new FileTokenSource(json, new SelfSignedJwtTokenSource(GcpServiceAccount.Parse(json), _audience, _time));
        Volatile.Write(ref _fileSource, rotated);
        return rotated.Source;
    }

    private sealed record FileTokenSource(Secret Json, IGcpTokenSource Source);
}
