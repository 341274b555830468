using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Tests.Configuration;

/// <summary>
/// The settings that shape what requests the gateway accepts (<c>max_request_body_bytes</c>, <c>[gateway.cors]</c>) and
/// <c>extra_headers</c> that could never be sent: all checked at load, each error naming its TOML path.
/// </summary>
public sealed class RequestInputConfigTests
{
    private static GatewayConfig Parse(string toml) => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse(toml, "/configs");

    private static IReadOnlyList<string> Errors(string toml) =>
        Assert.Throws<ConfigException>(() => Parse(toml)).Errors;

    [Fact]
    public void Parse_NoGatewaySettings_UsesDefaults()
    {
        var gateway = Parse(string.Empty).Gateway;

        Assert.Equal(10 * 1024 * 1024, gateway.MaxRequestBodyBytes);
        Assert.Empty(gateway.CorsAllowedOrigins);
    }

    [Fact]
    public void Parse_MaxRequestBodyBytes_IsRead()
    {
        var gateway = Parse("""
            [gateway]
            max_request_body_bytes = 1048576
            """).Gateway;

        Assert.Equal(1024 * 1024, gateway.MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("0", "`gateway.max_request_body_bytes`: must be at least 1")]
    [InlineData("1073741825", "`gateway.max_request_body_bytes`: must be at most 1073741824 (1 GiB)")]
    [InlineData("\"10MB\"", "`gateway.max_request_body_bytes`: must be an integer, found a string")]
    public void Parse_BadMaxRequestBodyBytes_IsAnError(string value, string error)
    {
        Assert.Equal([error], Errors($"""
            [gateway]
            max_request_body_bytes = {value}
            """));
    }
}
