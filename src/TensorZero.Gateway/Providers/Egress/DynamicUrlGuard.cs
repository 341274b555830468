using System.Net;
using System.Net.Sockets;
using TensorZero.Gateway.Networking;

namespace TensorZero.Gateway.Providers.Egress;

/// <summary>
/// Decides whether the host of a client-chosen URL may be reached: every address it resolves to must be public, or be
/// allowed by <c>[gateway] allowed_dynamic_hosts</c>. <see cref="EgressHandler"/> asks before a request is sent (so a
/// refusal is a 400 naming the credential), and <see cref="ConnectAsync"/> asks again for the connection it opens,
/// which goes only to checked addresses: a DNS answer that changes in between can't get around the guard.
/// </summary>
public sealed class DynamicUrlGuard(DynamicHostAllowList allowList, IHostResolver resolver)
{
    /// <summary>The addresses of <paramref name="host"/> (a name or an IP literal), all of which may be reached.</summary>
    /// <exception cref="EgressRefusedException">Some address is refused, or the host doesn't resolve.</exception>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var name = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new EgressRefusedException($"the host can't be resolved ({e.SocketErrorCode})");
            }
        }
        if (addresses.Length == 0)
        {
            throw new EgressRefusedException("the host resolves to no address");
        }
        foreach (var address in addresses)
        {
            Check(name, address);
        }
        return addresses;
    }

    /// <summary>Refuses <paramref name="address"/> unless it is public or allowed (by itself or by the host name that led to it).</summary>
    /// <exception cref="EgressRefusedException">The address is refused.</exception>
    public void Check(string host, IPAddress address)
    {
        if (allowList.AllowsHost(host) || allowList.AllowsAddress(address))
        {
            return;
        }
        if (AddressClassifier.RestrictedReason(address) is { } reason)
        {
            throw new EgressRefusedException($"the host resolves to a {reason} address");
        }
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of client-chosen URLs: resolves the host again, connects only
    /// to addresses that pass <see cref="Check"/>, and checks the peer actually connected.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var host = endpoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
            Check(host.Trim('[', ']'), ((IPEndPoint)socket.RemoteEndPoint!).Address);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A client-chosen URL's host is refused; the message says why, without the host.</summary>
public sealed class EgressRefusedException(string reason) : Exception(reason);
