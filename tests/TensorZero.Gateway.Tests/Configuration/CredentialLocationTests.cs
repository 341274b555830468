using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Configuration;

namespace TensorZero.Gateway.Tests.Configuration;

public sealed class CredentialLocationTests
{
    [Theory]
    [InlineData("env::OPENAI_API_KEY", typeof(CredentialLocation.Env), "env::OPENAI_API_KEY")]
    [InlineData("path_from_env::GCP_VERTEX_CREDENTIALS_PATH", typeof(CredentialLocation.PathFromEnv), "path_from_env::GCP_VERTEX_CREDENTIALS_PATH")]
    [InlineData("dynamic::customer_openai_api_key", typeof(CredentialLocation.Dynamic), "dynamic::customer_openai_api_key")]
    [InlineData("path::/etc/keys/openai", typeof(CredentialLocation.FilePath), "path::/etc/keys/openai")]
    [InlineData("path::relative/key.txt", typeof(CredentialLocation.FilePath), "path::relative/key.txt")]
    [InlineData("sdk", typeof(CredentialLocation.Sdk), "sdk")]
    [InlineData("none", typeof(CredentialLocation.None), "none")]
    public void TryParse_ValidForm_ReturnsLocationThatRoundTrips(string text, Type expectedType, string roundTrip)
    {
        Assert.True(CredentialLocation.TryParse(text, out var location, out var error));
        Assert.Null(error);
        Assert.IsType(expectedType, location);
        Assert.Equal(roundTrip, location!.ToString());
    }

    [Fact]
    public void TryParse_PathFromEnv_IsNotMistakenForPath()
    {
        Assert.True(CredentialLocation.TryParse("path_from_env::X", out var location, out _));
        Assert.Equal(new CredentialLocation.PathFromEnv("X"), location);
    }

    [Theory]
    [InlineData("env:OPENAI_API_KEY")]
    [InlineData("dynamic:key")]
    [InlineData("ENV::OPENAI_API_KEY")]
    [InlineData("Env::OPENAI_API_KEY")]
    [InlineData("None")]
    [InlineData("SDK")]
    [InlineData("")]
    public void TryParse_Misspelling_IsRejectedListingValidForms(string text)
    {
        Assert.False(CredentialLocation.TryParse(text, out var location, out var error));
        Assert.Null(location);
        Assert.Contains("env::VAR_NAME", error, StringComparison.Ordinal);
        Assert.Contains("dynamic::KEY_NAME", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sk-proj-4f9a8b7c6d5e4f3a2b1c")]
    [InlineData("AIzaSyCanaryKey0123456789")]
    public void TryParse_LiteralKey_IsRejectedWithoutEchoingIt(string literal)
    {
        Assert.False(CredentialLocation.TryParse(literal, out _, out var error));
        Assert.DoesNotContain(literal, error, StringComparison.Ordinal);
        Assert.Contains("can't be written into the config", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("env::")]
    [InlineData("dynamic::")]
    [InlineData("path::")]
    [InlineData("path_from_env::")]
    public void TryParse_EmptyName_IsRejected(string text)
    {
        Assert.False(CredentialLocation.TryParse(text, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("https://example.openai.azure.com/")]
    [InlineData("ENV::NOT_A_FORM")]
    public void TryParseSetting_NoLocationPrefix_IsALiteral(string text)
    {
        Assert.True(CredentialLocation.TryParseSetting(text, "forms", out var location, out var error));
        Assert.Null(location);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("env::AZURE_ENDPOINT", typeof(CredentialLocation.Env))]
    [InlineData("dynamic::azure_endpoint", typeof(CredentialLocation.Dynamic))]
    [InlineData("path::/etc/endpoint", typeof(CredentialLocation.FilePath))]
    [InlineData("sdk", typeof(CredentialLocation.Sdk))]
    public void TryParseSetting_LocationForm_IsParsedAsForACredential(string text, Type expectedType)
    {
        Assert.True(CredentialLocation.TryParseSetting(text, "forms", out var location, out _));
        Assert.IsType(expectedType, location);
        Assert.Equal(text, location!.ToString());
    }

    [Fact]
    public void TryParseSetting_EmptyName_IsRejectedWithTheSettingsForms()
    {
        Assert.False(CredentialLocation.TryParseSetting("dynamic::", "use a URL", out var location, out var error));
        Assert.Null(location);
        Assert.Equal("the name after `dynamic::` is empty (use a URL)", error);
    }

    [Fact]
    public void Secret_ToString_IsRedacted()
    {
        var secret = new Secret("sk-canary-tostring-123");
        Assert.Equal("[REDACTED]", secret.ToString());
        Assert.Equal("[REDACTED]", $"{secret}");
        Assert.Equal("sk-canary-tostring-123", secret.Reveal());
    }

    [Fact]
    public void RequestCredentials_ToString_ShowsNoValues()
    {
        var credentials = new RequestCredentials(new Dictionary<string, Secret> { ["k"] = new("sk-canary-map-999") });
        Assert.DoesNotContain("sk-canary-map-999", credentials.ToString(), StringComparison.Ordinal);
    }
}
