using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Tests.Providers;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>The headers a request's <c>extra_headers</c> can't set come from the registered provider types' descriptors.</summary>
public sealed class ProtectedHeadersTests
{
    private static readonly ProviderRegistry Registry = ProviderRegistry.CreateDefault();

    [Fact]
    public void Names_EveryRegisteredDescriptor_HasItsAuthHeadersProtected()
    {
        var protectedHeaders = new ProtectedHeaders(Registry);

        Assert.All(Registry.Descriptors.SelectMany(d => d.AuthHeaders.Select(h => (d.Type, Header: h))), entry =>
            Assert.True(protectedHeaders.Contains(entry.Header), $"{entry.Type}'s `{entry.Header}` is not protected"));
        Assert.All(ProtectedHeaders.Framing, header => Assert.True(protectedHeaders.Contains(header), header));
    }

    [Fact]
    public void Names_BuiltInTypes_AreTheCredentialAndFramingHeaders()
    {
        string[] expected =
        [
            "authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "x-amz-security-token",
            "x-amz-date", "x-amz-content-sha256", "host", "content-length", "content-type", "transfer-encoding", "cookie",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), new ProtectedHeaders(Registry).Names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("X-API-KEY")]
    [InlineData("X-Amz-Date")]
    public void Contains_AnyCase_IsProtected(string name) => Assert.True(new ProtectedHeaders(Registry).Contains(name));

    [Fact]
    public void ParseHeaders_AuthHeaderOfANewProviderType_IsRejected()
    {
        var protectedHeaders = new ProtectedHeaders(new ProviderRegistry([new ProviderRegistryTests.FakeFactory("fake_type", "x-fake-key")]));
        using var document = JsonDocument.Parse("""{"extra_headers":[{"name":"X-Fake-Key","value":"stolen"}]}""");

        var error = Assert.Throws<GatewayError>(() => RequestExtras.ParseHeaders(document.RootElement, protectedHeaders));

        Assert.Equal("`extra_headers[0].name`: `X-Fake-Key` can't be set from a request (it carries credentials or framing)", error.Message);
    }

    [Fact]
    public void ParseHeaders_OtherHeader_IsAccepted()
    {
        using var document = JsonDocument.Parse("""{"extra_headers":[{"name":"X-Fake-Key","value":"fine"}]}""");

        var item = Assert.Single(RequestExtras.ParseHeaders(document.RootElement, new ProtectedHeaders(Registry)));

        Assert.Equal("X-Fake-Key", item.Item.Name);
    }
}
