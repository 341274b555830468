using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Tests.Credentials;

public sealed class RequestCredentialsTests
{
    private static RequestCredentials With(string value) => new(new Dictionary<string, Secret> { ["k"] = new(value) });

    [Theory]
    [InlineData("sk-proj-abcDEF123_-.~+/=")]
    [InlineData("!")]
    [InlineData("~")]
    public void TryGetHeaderValue_VisibleAscii_IsFound(string value)
    {
        Assert.Equal(CredentialLookup.Found, With(value).TryGetHeaderValue("k", out var secret));
        Assert.Equal(value, secret!.Reveal());
    }

    [Theory]
    [InlineData("sk-a\r\nX-Injected: 1")]
    [InlineData("sk-a\n")]
    [InlineData("sk-a\tb")]
    [InlineData("sk-a\0b")]
    [InlineData("sk-a\u007fb")]
    [InlineData("sk-ünïcode")]
    [InlineData("sk-a\u2028b")]
    [InlineData("sk-a b")]
    [InlineData(" sk-a")]
    [InlineData("sk-\ud800")]
    public void TryGetHeaderValue_CharacterAHeaderCantCarry_IsNotSendable(string value)
    {
        Assert.Equal(CredentialLookup.NotSendable, With(value).TryGetHeaderValue("k", out var secret));
        Assert.Null(secret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("\u3000")]
    public void TryGetHeaderValue_EmptyOrWhitespace_IsEmpty(string value)
    {
        Assert.Equal(CredentialLookup.Empty, With(value).TryGetHeaderValue("k", out var secret));
        Assert.Null(secret);
    }

    [Fact]
    public void TryGetHeaderValue_AbsentKey_IsMissing()
    {
        Assert.Equal(CredentialLookup.Missing, With("sk-a").TryGetHeaderValue("other", out _));
    }
}
