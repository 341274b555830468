using System.Net;
using System.Net.Sockets;

namespace TensorZero.Gateway.Networking;

/// <summary>
/// Tells a public unicast address from one a client-chosen URL must not reach by default: loopback, private,
/// link-local, unspecified, shared (carrier-grade NAT), multicast and reserved ranges, in IPv4 and IPv6, including
/// IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4).
/// </summary>
public static class AddressClassifier
{
    /// <summary>Why <paramref name="address"/> is not a public address (e.g. <c>loopback</c>), or null when it is one.</summary>
    public static string? RestrictedReason(IPAddress address)
    {
        var normalized = Normalize(address);
        return normalized.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4Reason(normalized.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IPv6Reason(normalized.GetAddressBytes()),
            _ => "not an IP address",
        };
    }

    /// <summary>
    /// The IPv4 address an IPv6 address stands for when it embeds one (<c>::ffff:a.b.c.d</c>, NAT64
    /// <c>64:ff9b::a.b.c.d</c>, 6to4 <c>2002:AABB:CCDD::</c>); any other address unchanged, without a scope id.
    /// </summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        if (StartsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return new IPAddress(bytes.AsSpan(2, 4));
        }
        return address.ScopeId == 0 ? address : new IPAddress(bytes);
    }

    private static string? IPv4Reason(byte[] b) => b switch
    {
        [0, _, _, _] => "unspecified",
        [10, _, _, _] => "private",
        [100, >= 64 and <= 127, _, _] => "shared (carrier-grade NAT)",
        [127, _, _, _] => "loopback",
        [169, 254, _, _] => "link-local",
        [172, >= 16 and <= 31, _, _] => "private",
        [192, 168, _, _] => "private",
        [192, 0, 0, _] => "reserved",
        [198, 18 or 19, _, _] => "reserved",
        [>= 224 and <= 239, _, _, _] => "multicast",
        [>= 240, _, _, _] => "reserved",
        _ => null,
    };

    private static string? IPv6Reason(byte[] b)
    {
        if (b.All(x => x == 0))
        {
            return "unspecified";
        }
        if (b.AsSpan(0, 15).IndexOfAnyExcept((byte)0) < 0 && b[15] == 1)
        {
            return "loopback";
        }
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            // IPv4-compatible addresses (::a.b.c.d) are deprecated and never a provider's address.
            return "reserved";
        }
        return (b[0], b[1]) switch
        {
            (0xfe, >= 0x80 and <= 0xbf) => "link-local",
            (0xfe, >= 0xc0) => "private",
            (0xfc or 0xfd, _) => "private",
            (0xff, _) => "multicast",
            (0x00, 0x64) when b[2] == 0xff && b[3] == 0x9b => "reserved",
            (0x01, 0x00) when b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0 => "reserved",
            (0x20, 0x01) when b[2] == 0x0d && b[3] == 0xb8 => "reserved",
            _ => null,
        };
    }

    private static bool StartsWith(byte[] bytes, ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);
}
