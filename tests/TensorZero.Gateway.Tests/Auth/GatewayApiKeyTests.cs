using System.Security.Cryptography;
using System.Text;
using TensorZero.Gateway.Auth;

namespace TensorZero.Gateway.Tests.Auth;

public sealed class GatewayApiKeyTests
{
    private const string PublicId = "AbCdEf012345";
    private const string LongKey = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";

    [Fact]
    public void TryParse_TensorZeroForm_KeepsPublicIdAndSha256OfLongKey()
    {
        var key = GatewayApiKey.TryParse($"sk-t0-{PublicId}-{LongKey}");

        Assert.NotNull(key);
        Assert.Equal(PublicId, key.PublicId);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(LongKey)), key.LongKeyHash);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(LongKey))), key.HashHex());
    }

    [Theory]
    [InlineData("")]
    [InlineData("invalid-key")]
    [InlineData("sk-t1-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    [InlineData("sk-t0-AbCdEf01234-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    [InlineData("sk-t0-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("sk-t0-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 ")]
    [InlineData("sk-t0-AbCdEf0123!5-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    [InlineData("sk-t0-AbCdEf012345-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé")]
    [InlineData("sk-t0-AbCdEf012345_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")]
    public void TryParse_NotTheKeyForm_ReturnsNull(string text)
    {
        Assert.Null(GatewayApiKey.TryParse(text));
    }

    [Fact]
    public void Generate_TwoKeys_AreDistinctWellFormedAndParseToThemselves()
    {
        var (first, parsedFirst) = GatewayApiKey.Generate();
        var (second, _) = GatewayApiKey.Generate();

        Assert.Matches("^sk-t0-[A-Za-z0-9]{12}-[A-Za-z0-9]{48}$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(first[6..18], parsedFirst.PublicId);
        Assert.Equal(GatewayApiKey.TryParse(first)!.LongKeyHash, parsedFirst.LongKeyHash);
    }

    [Fact]
    public void ToString_ParsedKey_ShowsOnlyThePublicId()
    {
        var text = GatewayApiKey.TryParse($"sk-t0-{PublicId}-{LongKey}")!.ToString();

        Assert.Equal($"sk-t0-{PublicId}-[REDACTED]", text);
        Assert.DoesNotContain(LongKey, text, StringComparison.Ordinal);
    }
}
