using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace TensorZero.Gateway.Hosting;

/// <summary>
/// The listening sockets Kestrel binds (through <see cref="SocketTransportOptions.CreateBoundListenSocket"/>), so the
/// drain can stop new connections before the host closes them.
/// </summary>
/// <remarks>
/// Closing a listening socket resets the connections the kernel has completed but Kestrel hasn't accepted yet; a load
/// balancer that had already sent a request on one sees a reset and can't safely retry a POST. Dropping new connection
/// attempts first (a socket filter that drops every packet on the listening socket, Linux) lets Kestrel accept and
/// start what is queued; a client whose SYN was dropped retries it about a second later and then finds the port
/// closed, which a load balancer retries on another replica.
/// </remarks>
public sealed partial class ListenSockets(ILogger<ListenSockets> logger)
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;
    private const byte TcpListen = 10;

    private readonly ConcurrentBag<Socket> _sockets = [];

    /// <summary>Kestrel's own socket for <paramref name="endpoint"/>, remembered.</summary>
    public Socket Create(EndPoint endpoint)
    {
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        _sockets.Add(socket);
        return socket;
    }

    /// <summary>Drops new connection attempts on every listening socket; the number of sockets it applied to.</summary>
    public int DropNewConnections()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        var applied = 0;
        foreach (var socket in _sockets)
        {
            try
            {
                AttachDropAllFilter(socket);
                applied++;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                LogFilterFailed(e.GetType().Name);
            }
        }
        return applied;
    }

    /// <summary>
    /// The connections the kernel has completed on the listening sockets that Kestrel hasn't accepted yet, or -1 when
    /// that can't be read (not Linux, or a socket already closed). Linux reports a listening socket's accept queue
    /// length in <c>tcp_info.tcpi_unacked</c> (offset 24).
    /// </summary>
    public int QueuedConnections()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }
        Span<byte> info = stackalloc byte[104];
        var queued = 0;
        foreach (var socket in _sockets)
        {
            try
            {
                if (socket.GetRawSocketOption(IpProtoTcp, TcpInfo, info) < 28 || info[0] != TcpListen)
                {
                    return -1;
                }
                queued += (int)BitConverter.ToUInt32(info[24..28]);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return -1;
            }
        }
        return queued;
    }

    // One classic BPF instruction, `ret #0`: keep no byte of any packet. `struct sock_fprog` holds its length and a
    // pointer to it; the kernel copies the program, so the memory is freed right after.
    private static void AttachDropAllFilter(Socket socket)
    {
        var program = Marshal.AllocHGlobal(8);
        try
        {
            Marshal.WriteInt64(program, 0x06); // code = BPF_RET | BPF_K, jt = jf = 0, k = 0
            var fprog = new byte[16];
            BitConverter.TryWriteBytes(fprog.AsSpan(0, 2), (ushort)1);
            BitConverter.TryWriteBytes(fprog.AsSpan(8, 8), program.ToInt64());
            socket.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
        finally
        {
            Marshal.FreeHGlobal(program);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not stop new connections before closing the listener ({Error}); queued connections may be reset")]
    private partial void LogFilterFailed(string error);
}
