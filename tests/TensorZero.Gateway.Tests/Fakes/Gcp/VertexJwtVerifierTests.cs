using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Gcp;

namespace TensorZero.Gateway.Tests.Fakes.Gcp;

/// <summary>The fake's token check must accept exactly what Vertex accepts, or the suites built on it prove nothing.</summary>
public sealed class VertexJwtVerifierTests : IDisposable
{
    private const long Now = 1_800_000_000;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(Now));
    private readonly FakeServiceAccount _account = FakeServiceAccount.Create();
    private readonly VertexJwtVerifier _verifier;

    public VertexJwtVerifierTests()
    {
        _verifier = new VertexJwtVerifier(_time);
        _verifier.TrustServiceAccount(_account.ClientEmail, _account.KeyId, _account.Key);
    }

    public void Dispose() => _account.Dispose();

    [Theory]
    [InlineData("us-central1")]
    [InlineData("global")]
    public async Task Check_GatewaySignedJwt_IsAcceptedAsTheServiceAccount(string location)
    {
        var source = new SelfSignedJwtTokenSource(GcpServiceAccount.Parse(new Secret(_account.Json)), GcpTokenAuth.Audience(location), _time);
        var token = (await source.GetTokenAsync(CancellationToken.None)).Reveal();

        var result = _verifier.Check($"Bearer {token}", location);

        Assert.Equal(new VertexAuthResult.Accepted(_account.ClientEmail), result);
        Assert.Equal([token], _verifier.SeenTokens);
    }

    [Fact]
    public void Check_ValidHandSignedJwt_IsAccepted()
    {
        Assert.IsType<VertexAuthResult.Accepted>(_verifier.Check($"Bearer {Sign(Header(), Claims())}", "us-central1"));
    }

    public static TheoryData<string, string> BadJwts() => new()
    {
        { "other location", "`aud` is not `https://europe-west4-aiplatform.googleapis.com/`" },
        { "audience without slash", "`aud` is not `https://us-central1-aiplatform.googleapis.com/`" },
        { "wrong kid", "`kid` is not the service account's key id" },
        { "other key", "the RS256 signature does not verify" },
        { "unknown account", "`iss` is not a known service account" },
        { "sub differs", "`sub` differs from `iss`" },
        { "HS256", "`alg` is not RS256" },
        { "expired", "the token has expired" },
        { "issued in the future", "`iat` is in the future" },
        { "two hours", "the token is valid for more than an hour" },
        { "no exp", "`iat` or `exp` is missing" },
    };

    [Theory]
    [MemberData(nameof(BadJwts))]
    public void Check_BadJwt_IsRejectedWithGoogles401(string mutation, string reason)
    {
        var header = Header();
        var claims = Claims();
        var location = "us-central1";
        using var otherKey = RSA.Create(2048);
        var key = _account.Key;
        switch (mutation)
        {
            case "other location": location = "europe-west4"; break;
            case "audience without slash": claims["aud"] = "https://us-central1-aiplatform.googleapis.com"; break;
            case "wrong kid": header["kid"] = "ffff"; break;
            case "other key": key = otherKey; break;
            case "unknown account": claims["iss"] = "someone@else.iam.gserviceaccount.com"; claims["sub"] = "someone@else.iam.gserviceaccount.com"; break;
            case "sub differs": claims["sub"] = "someone@else.iam.gserviceaccount.com"; break;
            case "HS256": header["alg"] = "HS256"; break;
            case "expired": claims["iat"] = Now - 3600; claims["exp"] = Now; break;
            case "issued in the future": claims["iat"] = Now + 60; claims["exp"] = Now + 3660; break;
            case "two hours": claims["exp"] = Now + 7200; break;
            case "no exp": claims.Remove("exp"); break;
        }

        var result = Assert.IsType<VertexAuthResult.Rejected>(_verifier.Check($"Bearer {Sign(header, claims, key)}", location));

        Assert.Equal(reason, result.Reason);
        Assert.Equal(401, result.Status);
        Assert.Equal(VertexJwtVerifier.InvalidCredentialMessage, result.Message);
        var body = GoogleErrors.ErrorBody(result.Status, result.Message, result.Details);
        Assert.Equal("UNAUTHENTICATED", body["error"]!["status"]!.GetValue<string>());
        Assert.StartsWith("Request had invalid authentication credentials.", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OpaqueToken_IsAcceptedOnlyWhenRegistered()
    {
        _verifier.AcceptAccessToken("ya29.good");

        Assert.Equal(new VertexAuthResult.Accepted("ya29.good"), _verifier.Check("Bearer ya29.good", "us-central1"));
        var unknown = Assert.IsType<VertexAuthResult.Rejected>(_verifier.Check("Bearer ya29.unknown", "us-central1"));
        Assert.Equal(("ya29.unknown", 401), (unknown.Identity, unknown.Status));
    }

    [Theory]
    [InlineData(401, VertexJwtVerifier.InvalidCredentialMessage)]
    [InlineData(403, "Permission 'aiplatform.endpoints.predict' denied on resource (or it may not exist).")]
    public void Check_RejectedOpaqueToken_GetsItsStatus(int status, string message)
    {
        _verifier.RejectAccessToken("ya29.bad", status);

        var result = Assert.IsType<VertexAuthResult.Rejected>(_verifier.Check("Bearer ya29.bad", "us-central1"));

        Assert.Equal((status, message), (result.Status, result.Message));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Check_NoAuthorization_IsMissingCredential(string? authorization)
    {
        var result = Assert.IsType<VertexAuthResult.Rejected>(_verifier.Check(authorization, "us-central1"));

        Assert.Equal((null, 401, VertexJwtVerifier.MissingCredentialMessage), (result.Identity, result.Status, result.Message));
        Assert.Equal("CREDENTIALS_MISSING", result.Details![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public void Check_NonBearerScheme_IsRejected()
    {
        _verifier.AcceptAccessToken("ya29.good");

        Assert.IsType<VertexAuthResult.Rejected>(_verifier.Check("Basic ya29.good", "us-central1"));
    }

    private JsonObject Header() => new() { ["typ"] = "JWT", ["alg"] = "RS256", ["kid"] = _account.KeyId };

    private JsonObject Claims() => new()
    {
        ["iss"] = _account.ClientEmail,
        ["sub"] = _account.ClientEmail,
        ["aud"] = "https://us-central1-aiplatform.googleapis.com/",
        ["iat"] = Now,
        ["exp"] = Now + 3600,
    };

    private string Sign(JsonObject header, JsonObject claims, RSA? key = null)
    {
        static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var input = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = (key ?? _account.Key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{input}.{Base64Url(signature)}";
    }
}
