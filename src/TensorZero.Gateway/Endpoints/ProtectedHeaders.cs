using System.Collections.Frozen;
using TensorZero.Gateway.Providers;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// The headers a request's <c>extra_headers</c> can't set: the auth headers of every registered provider type (from
/// its descriptor), and the headers that frame the request or carry a credential of another kind.
/// </summary>
public sealed class ProtectedHeaders
{
    /// <summary>Headers no provider type declares that a request still can't set.</summary>
    public static readonly IReadOnlyList<string> Framing =
        ["proxy-authorization", "cookie", "host", "content-length", "content-type", "transfer-encoding"];

    private readonly FrozenSet<string> _names;

    public ProtectedHeaders(ProviderRegistry registry)
    {
        _names = registry.Descriptors.SelectMany(d => d.AuthHeaders).Concat(Framing).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every protected header name.</summary>
    public IReadOnlySet<string> Names => _names;

    public bool Contains(string name) => _names.Contains(name);
}
