using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Gcp;

namespace TensorZero.Gateway.Tests.Providers.Gcp;

public sealed class GcpAuthTests
{
    /// <summary>A service-account key file with a fresh RSA key, as Google issues them.</summary>
    public static (string Json, RSA Key) NewServiceAccount(string email = "gateway@my-project.iam.gserviceaccount.com", string keyId = "0123456789abcdef")
    {
        var rsa = RSA.Create(2048);
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "my-project",
            ["private_key_id"] = keyId,
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = email,
            ["client_id"] = "123456789012345678901",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        }.ToJsonString();
        return (json, rsa);
    }

    private static (JsonObject Header, JsonObject Claims, bool SignatureValid) Decode(string jwt, RSA key)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        static byte[] FromBase64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
        var valid = key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (JsonNode.Parse(FromBase64Url(parts[0]))!.AsObject(), JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject(), valid);
    }

    [Theory]
    [InlineData("us-central1", "https://us-central1-aiplatform.googleapis.com/")]
    [InlineData("global", "https://aiplatform.googleapis.com/")]
    public async Task GetTokenAsync_SignsRs256JwtWithServiceAccountClaims(string location, string audience)
    {
        var (json, key) = NewServiceAccount();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var source = new SelfSignedJwtTokenSource(GcpServiceAccount.Parse(new Secret(json)), GcpTokenAuth.Audience(location), time);

        var token = await source.GetTokenAsync(CancellationToken.None);
        var (header, claims, valid) = Decode(token.Reveal(), key);

        Assert.True(valid);
        Assert.Equal("""{"typ":"JWT","alg":"RS256","kid":"0123456789abcdef"}""", header.ToJsonString());
        Assert.Equal("gateway@my-project.iam.gserviceaccount.com", claims["iss"]!.GetValue<string>());
        Assert.Equal("gateway@my-project.iam.gserviceaccount.com", claims["sub"]!.GetValue<string>());
        Assert.Equal(audience, claims["aud"]!.GetValue<string>());
        Assert.Equal(1_800_000_000, claims["iat"]!.GetValue<long>());
        Assert.Equal(1_800_003_600, claims["exp"]!.GetValue<long>());
        Assert.Null(claims["scope"]);
    }

    [Fact]
    public async Task GetTokenAsync_ReusesTokenUntilShortlyBeforeExpiry()
    {
        var (json, _) = NewServiceAccount();
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var source = new SelfSignedJwtTokenSource(GcpServiceAccount.Parse(new Secret(json)), GcpTokenAuth.Audience("europe-west4"), time);

        var first = await source.GetTokenAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(54));
        Assert.Same(first, await source.GetTokenAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.NotEqual(first.Reveal(), (await source.GetTokenAsync(CancellationToken.None)).Reveal());
    }

    [Theory]
    [InlineData("not json", "the service-account file is not valid JSON")]
    [InlineData("""{"private_key_id":"k","private_key":"x"}""", "the service-account file has no `client_email`")]
    [InlineData("""{"client_email":"a@b","private_key_id":"k","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}""", "the service-account file's `private_key` is not an RSA key in PEM form")]
    public void Parse_BadFile_NamesTheProblemWithoutValues(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => GcpServiceAccount.Parse(new Secret(json)));
        Assert.Equal(expected, error.Message);
    }
}
