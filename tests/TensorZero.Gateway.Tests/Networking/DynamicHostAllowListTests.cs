using System.Net;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Providers;
using TensorZero.Gateway.Networking;

namespace TensorZero.Gateway.Tests.Networking;

public sealed class DynamicHostAllowListTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.9.9.9", true)]
    [InlineData("::ffff:10.0.0.0/104", "10.9.9.9", true)]
    [InlineData("127.0.0.2", "127.0.0.2", true)]
    [InlineData("127.0.0.2", "::ffff:127.0.0.2", true)]
    [InlineData("127.0.0.2", "127.0.0.1", false)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    [InlineData("fd00::/8", "10.0.0.1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("192.168.0.0/16", "192.169.0.1", false)]
    public void AllowsAddress_AddressAndCidrEntries_MatchTheirRange(string entry, string address, bool allowed)
    {
        var list = DynamicHostAllowList.Parse([entry]);

        Assert.Equal(allowed, list.AllowsAddress(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("llm.internal", "llm.internal", true)]
    [InlineData("llm.internal", "LLM.Internal", true)]
    [InlineData("llm.internal", "llm.internal.", true)]
    [InlineData("llm.internal", "evil.llm.internal", false)]
    [InlineData("llm.internal", "llm.internal.evil.com", false)]
    [InlineData("localhost", "localhost", true)]
    public void AllowsHost_HostNameEntry_MatchesExactlyWithoutCase(string entry, string host, bool allowed)
    {
        Assert.Equal(allowed, DynamicHostAllowList.Parse([entry]).AllowsHost(host));
    }

    [Fact]
    public void AllowsHost_HostNameEntry_DoesNotAllowItsAddressForOtherNames()
    {
        var list = DynamicHostAllowList.Parse(["localhost"]);

        Assert.False(list.AllowsAddress(IPAddress.Loopback));
        Assert.True(DynamicHostAllowList.Empty.IsEmpty);
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("2130706434")]
    [InlineData("127.1")]
    [InlineData("0x7f000001")]
    [InlineData("fe80::1%eth0")]
    [InlineData("http://llm.internal")]
    [InlineData("llm.internal:8080")]
    [InlineData("*.internal")]
    [InlineData(" llm.internal")]
    [InlineData("")]
    [InlineData("bücher.example")]
    public void Validate_InvalidEntry_IsReportedWithItsIndex(string entry)
    {
        var problem = Assert.Single(DynamicHostAllowList.Validate(["llm.internal", entry]));

        Assert.Equal(1, problem.Index);
        Assert.Throws<ArgumentException>(() => DynamicHostAllowList.Parse([entry]));
    }

    [Fact]
    public void Parse_ConfigWithInvalidEntries_ListsEachWithItsTomlPath()
    {
        var error = Assert.Throws<ConfigException>(() => new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [gateway]
            allowed_dynamic_hosts = ["10.0.0.0/8", "10.0.0.1/8", "llm.internal", "http://x"]
            """, Path.GetTempPath()));

        Assert.Equal(2, error.Errors.Count);
        Assert.StartsWith("`gateway.allowed_dynamic_hosts[1]`: `10.0.0.1/8` is not a CIDR range", error.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("`gateway.allowed_dynamic_hosts[3]`: `http://x` is not a host name, IP address or CIDR range", error.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConfigWithValidEntries_KeepsThem()
    {
        var config = new ConfigLoader(ProviderRegistry.CreateDefault()).Parse("""
            [gateway]
            allowed_dynamic_hosts = ["10.0.0.0/8", "127.0.0.2", "fd00::/8", "llm.internal"]
            """, Path.GetTempPath());

        Assert.Equal(["10.0.0.0/8", "127.0.0.2", "fd00::/8", "llm.internal"], config.Gateway.AllowedDynamicHosts);
    }
}
