using System.Net;
using TensorZero.Gateway.Networking;

namespace TensorZero.Gateway.Tests.Networking;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.0.0.2", "loopback")]
    [InlineData("127.255.255.254", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("fec0::1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("febf::1", "link-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("0.1.2.3", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::127.0.0.1", "reserved")]
    [InlineData("::ffff:127.0.0.2", "loopback")]
    [InlineData("::ffff:10.1.2.3", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:0.0.0.0", "unspecified")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:7f00:1::", "loopback")]
    [InlineData("2002:c0a8:101::1", "private")]
    public void RestrictedReason_NonPublicAddress_SaysWhy(string address, string reason)
    {
        Assert.Equal(reason, AddressClassifier.RestrictedReason(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("20.42.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.1.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void RestrictedReason_PublicAddress_IsNull(string address)
    {
        Assert.Null(AddressClassifier.RestrictedReason(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://127.0.0.2/", "loopback")]
    [InlineData("http://2130706434/", "loopback")]
    [InlineData("http://0x7f000002/", "loopback")]
    [InlineData("http://0177.0.0.2/", "loopback")]
    [InlineData("http://017700000002/", "loopback")]
    [InlineData("http://127.1/", "loopback")]
    [InlineData("http://0x7f.1/", "loopback")]
    [InlineData("http://[::ffff:127.0.0.2]/", "loopback")]
    [InlineData("http://[::ffff:7f00:2]/", "loopback")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://0/", "unspecified")]
    [InlineData("http://2852039166/", "link-local")]
    [InlineData("http://0xa9fea9fe/", "link-local")]
    [InlineData("http://[fe80::1%25eth0]/", "link-local")]
    public void RestrictedReason_HostFormsAsUriParsesThem_AreClassifiedByTheirAddress(string url, string reason)
    {
        var uri = new Uri(url);

        Assert.True(IPAddress.TryParse(uri.DnsSafeHost, out var address), uri.DnsSafeHost);
        Assert.Equal(reason, AddressClassifier.RestrictedReason(address));
    }

    [Fact]
    public void Normalize_MappedAddress_IsItsIPv4Address()
    {
        Assert.Equal(IPAddress.Parse("127.0.0.2"), AddressClassifier.Normalize(IPAddress.Parse("::ffff:127.0.0.2")));
        Assert.Equal(IPAddress.Parse("2606:4700::1111"), AddressClassifier.Normalize(IPAddress.Parse("2606:4700::1111")));
    }
}
