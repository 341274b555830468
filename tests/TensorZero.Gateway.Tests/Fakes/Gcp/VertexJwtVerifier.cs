using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TensorZero.Gateway.Tests.Fakes.Gcp;

/// <summary>What Vertex decided about a request's <c>Authorization</c> header.</summary>
public abstract record VertexAuthResult(string? Identity)
{
    /// <summary>The token was valid; <see cref="VertexAuthResult.Identity"/> is the service account's email or the access token.</summary>
    public sealed record Accepted(string Identity) : VertexAuthResult(Identity);

    /// <summary>Answered with Google's error body. <paramref name="Reason"/> says why, for test diagnostics; it is not sent.</summary>
    public sealed record Rejected(string? Identity, int Status, string Message, string Reason, JsonArray? Details = null) : VertexAuthResult(Identity);
}

/// <summary>Checks a Vertex request's <c>Authorization</c> header for a location (the one in the request path).</summary>
public delegate VertexAuthResult VertexBearerCheck(string? authorization, string location);

/// <summary>
/// Checks bearer tokens as Vertex AI does for a service account's self-signed JWT: the RS256 signature verifies with a
/// trusted account's public key, <c>kid</c> names that key, <c>iss == sub == client_email</c>, <c>aud</c> is the
/// Vertex service root of the request's location, <c>iat &lt;= now &lt; exp</c> and the lifetime is at most an hour.
/// Anything that isn't a JWT is an opaque OAuth access token (a <c>dynamic::</c> credential), accepted only when registered.
/// </summary>
public sealed class VertexJwtVerifier(TimeProvider? time = null)
{
    public const string MissingCredentialMessage =
        "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. " +
        "See https://developers.google.com/identity/sign-in/web/devconsole-project.";

    public const string InvalidCredentialMessage =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. " +
        "See https://developers.google.com/identity/sign-in/web/devconsole-project.";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string KeyId, RSA PublicKey)> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _rejectedTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _seen = new();

    /// <summary>Every bearer token presented so far, valid or not.</summary>
    public IReadOnlyCollection<string> SeenTokens => _seen.ToArray();

    /// <summary>Trusts JWTs signed by this service account's key (only the public half is kept).</summary>
    public void TrustServiceAccount(string clientEmail, string keyId, RSA key)
    {
        var publicKey = RSA.Create();
        publicKey.ImportParameters(key.ExportParameters(includePrivateParameters: false));
        _accounts[clientEmail] = (keyId, publicKey);
    }

    /// <summary>Accepts this opaque access token (what <c>gcloud auth print-access-token</c> prints).</summary>
    public void AcceptAccessToken(string token) => _accessTokens[token] = true;

    /// <summary>Rejects this opaque access token with <paramref name="status"/> and Google's error body for it.</summary>
    public void RejectAccessToken(string token, int status) => _rejectedTokens[token] = status;

    /// <summary>The Vertex AI service root a self-signed JWT must name as its audience for <paramref name="location"/>.</summary>
    public static string ExpectedAudience(string location) =>
        location == "global" ? "https://aiplatform.googleapis.com/" : $"https://{location}-aiplatform.googleapis.com/";

    /// <summary>Splits a JWT into its decoded header and claims, or null if it isn't one.</summary>
    public static (JsonObject Header, JsonObject Claims, byte[] Signature)? Decode(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(FromBase64Url(parts[0])) is JsonObject header && JsonNode.Parse(FromBase64Url(parts[1])) is JsonObject claims
                ? (header, claims, FromBase64Url(parts[2]))
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>This verifier as <see cref="FakeGeminiServer.VertexAuth"/>: the location comes from the request path.</summary>
    public GeminiAuthResult CheckGemini(Microsoft.AspNetCore.Http.HttpRequest request, GeminiRoute route) =>
        Check(request.Headers.Authorization.ToString(), route.Location!) switch
        {
            VertexAuthResult.Accepted accepted => new GeminiAuthResult.Accepted(accepted.Identity!),
            VertexAuthResult.Rejected rejected => new GeminiAuthResult.Rejected(rejected.Identity, rejected.Status, rejected.Message, rejected.Details),
            _ => throw new InvalidOperationException("unknown auth result"),
        };

    public VertexAuthResult Check(string? authorization, string location)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return new VertexAuthResult.Rejected(null, 401, MissingCredentialMessage, "no Authorization header", Details("CREDENTIALS_MISSING"));
        }
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Invalid(null, "the Authorization header is not a Bearer token");
        }
        var token = authorization["Bearer ".Length..];
        _seen.Enqueue(token);
        return Decode(token) is { } jwt ? CheckJwt(token, jwt.Header, jwt.Claims, jwt.Signature, location) : CheckAccessToken(token);
    }

    private VertexAuthResult CheckAccessToken(string token)
    {
        if (_rejectedTokens.TryGetValue(token, out var status))
        {
            return status == 401
                ? Invalid(token, "the access token was registered as rejected")
                : new VertexAuthResult.Rejected(token, status, RejectionMessage(status), "the access token was registered as rejected");
        }
        return _accessTokens.ContainsKey(token) ? new VertexAuthResult.Accepted(token) : Invalid(token, "unknown access token");
    }

    private VertexAuthResult CheckJwt(string token, JsonObject header, JsonObject claims, byte[] signature, string location)
    {
        var email = Text(claims, "iss");
        if (Text(header, "alg") != "RS256")
        {
            return Invalid(email, "`alg` is not RS256");
        }
        if (email is null || !_accounts.TryGetValue(email, out var account))
        {
            return Invalid(email, "`iss` is not a known service account");
        }
        if (Text(header, "kid") != account.KeyId)
        {
            return Invalid(email, "`kid` is not the service account's key id");
        }
        var signingInput = Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
        if (!account.PublicKey.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return Invalid(email, "the RS256 signature does not verify");
        }
        if (Text(claims, "sub") != email)
        {
            return Invalid(email, "`sub` differs from `iss`");
        }
        var audience = ExpectedAudience(location);
        if (Text(claims, "aud") != audience)
        {
            return Invalid(email, $"`aud` is not `{audience}`");
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (Seconds(claims, "iat") is not { } issued || Seconds(claims, "exp") is not { } expires)
        {
            return Invalid(email, "`iat` or `exp` is missing");
        }
        if (issued > now)
        {
            return Invalid(email, "`iat` is in the future");
        }
        if (expires <= now)
        {
            return Invalid(email, "the token has expired");
        }
        if (expires - issued > (long)MaxLifetime.TotalSeconds)
        {
            return Invalid(email, "the token is valid for more than an hour");
        }
        return new VertexAuthResult.Accepted(email);
    }

    private static VertexAuthResult.Rejected Invalid(string? identity, string reason) =>
        new(identity, 401, InvalidCredentialMessage, reason, Details("ACCESS_TOKEN_TYPE_UNSUPPORTED"));

    private static string RejectionMessage(int status) => status switch
    {
        403 => "Permission 'aiplatform.endpoints.predict' denied on resource (or it may not exist).",
        429 => "Resource exhausted. Please try again later.",
        _ => "Internal error encountered.",
    };

    private static JsonArray Details(string reason) => new(new JsonObject
    {
        ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
        ["reason"] = reason,
        ["domain"] = "googleapis.com",
        ["metadata"] = new JsonObject { ["service"] = "aiplatform.googleapis.com" },
    });

    private static string? Text(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static long? Seconds(JsonObject json, string name) =>
        json[name] is JsonValue value && value.TryGetValue<long>(out var seconds) ? seconds : null;

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
