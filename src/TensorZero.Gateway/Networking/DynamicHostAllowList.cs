using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

namespace TensorZero.Gateway.Networking;

/// <summary>
/// <c>[gateway] allowed_dynamic_hosts</c>: the non-public destinations a client-chosen URL may reach anyway. An entry is
/// a host name (matched exactly, without case; any address it resolves to is then accepted), an IP address or a CIDR
/// range (an address in it is accepted whatever name led there).
/// </summary>
public sealed class DynamicHostAllowList
{
    public const string ValidForms = "use a host name such as `llm.internal`, an IP address such as `10.1.2.3` or a CIDR range such as `10.0.0.0/8`";

    public static readonly DynamicHostAllowList Empty = new(FrozenSet<string>.Empty, []);

    private readonly FrozenSet<string> _hosts;
    private readonly IPNetwork[] _networks;

    private DynamicHostAllowList(FrozenSet<string> hosts, IPNetwork[] networks)
    {
        _hosts = hosts;
        _networks = networks;
    }

    public bool IsEmpty => _hosts.Count == 0 && _networks.Length == 0;

    /// <summary>Builds the list from validated entries; an invalid entry throws (the config loader reports those first).</summary>
    public static DynamicHostAllowList Parse(IEnumerable<string> entries)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var networks = new List<IPNetwork>();
        foreach (var entry in entries)
        {
            if (!TryParseEntry(entry, out var host, out var network, out var problem))
            {
                throw new ArgumentException($"invalid allowed_dynamic_hosts entry: {problem}", nameof(entries));
            }
            if (host is not null)
            {
                hosts.Add(host);
            }
            else
            {
                networks.Add(network);
            }
        }
        return hosts.Count == 0 && networks.Count == 0 ? Empty : new DynamicHostAllowList(hosts.ToFrozenSet(StringComparer.OrdinalIgnoreCase), [.. networks]);
    }

    /// <summary>The problems of every entry, as <c>(index, message)</c>, for the config loader to report with their TOML paths.</summary>
    public static IEnumerable<(int Index, string Problem)> Validate(IReadOnlyList<string> entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (!TryParseEntry(entries[i], out _, out _, out var problem))
            {
                yield return (i, problem!);
            }
        }
    }

    /// <summary>Whether the URL's host name itself is listed.</summary>
    public bool AllowsHost(string host) => _hosts.Count > 0 && _hosts.Contains(NormalizeHost(host));

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped forms as their IPv4 address) lies in a listed address or range.</summary>
    public bool AllowsAddress(IPAddress address)
    {
        var normalized = AddressClassifier.Normalize(address);
        foreach (var network in _networks)
        {
            if (network.BaseAddress.AddressFamily == normalized.AddressFamily && network.Contains(normalized))
            {
                return true;
            }
        }
        return false;
    }

    internal static string NormalizeHost(string host) => host.TrimEnd('.').ToLowerInvariant();

    private static bool TryParseEntry(string text, out string? host, out IPNetwork network, out string? problem)
    {
        host = null;
        network = default;
        problem = null;
        var entry = text.Trim();
        if (entry.Length == 0 || entry != text)
        {
            problem = $"`{text}` is not a host name, IP address or CIDR range ({ValidForms})";
            return false;
        }
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPAddress.TryParse(entry[..slash], out _))
        {
            var baseText = entry[..slash];
            if (IPNetwork.TryParse(entry, out network) && IsCanonicalAddress(baseText) && network.BaseAddress.Equals(IPAddress.Parse(baseText)))
            {
                if (network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
                {
                    // `::ffff:10.0.0.0/104` is `10.0.0.0/8`: addresses are compared in their IPv4 form.
                    network = new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
                }
                return true;
            }
            problem = $"`{entry}` is not a CIDR range: write the network address and a prefix length, such as `10.0.0.0/8` or `fd00::/8` (no bits may be set after the prefix)";
            return false;
        }
        if (IPAddress.TryParse(entry, out var address))
        {
            if (!IsCanonicalAddress(entry))
            {
                problem = $"`{entry}` is not an IP address in its usual form (write IPv4 addresses as four decimal numbers, such as `10.1.2.3`)";
                return false;
            }
            var normalized = AddressClassifier.Normalize(address);
            network = new IPNetwork(normalized, normalized.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (Uri.CheckHostName(entry) == UriHostNameType.Dns && entry.All(char.IsAscii) && !entry.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            host = NormalizeHost(entry);
            return true;
        }
        problem = $"`{entry}` is not a host name, IP address or CIDR range ({ValidForms}; internationalized names in their `xn--` form)";
        return false;
    }

    // `IPAddress.TryParse` also reads `127.1` and `2130706434`: an allow-list entry must say plainly what it allows.
    private static bool IsCanonicalAddress(string text)
    {
        if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !address.IsIPv4MappedToIPv6 || address.MapToIPv4().ToString() == text[(text.LastIndexOf(':') + 1)..];
        }
        return address.ToString() == text;
    }
}
