using System.Net;

namespace TensorZero.Gateway.Providers.Egress;

/// <summary>Resolves a host name to its addresses; injected so the egress guard can be tested with any DNS answer.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver (<see cref="Dns"/>).</summary>
public sealed class SystemHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
