using System.Net;
using System.Net.Sockets;

namespace TensorZero.Gateway.Tests.Fakes;

/// <summary>
/// A plain TCP listener on a loopback address that counts the connections it accepts and never answers: it stands for
/// an attacker's host (closing each connection at once) or a server that accepts but never speaks TLS (holding it).
/// </summary>
public sealed class CountingTcpListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _held = [];
    private readonly Task _acceptLoop;
    private int _connections;

    private CountingTcpListener(IPAddress address, bool hold)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync(hold);
    }

    public int Port { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Closes every connection as soon as it is accepted.</summary>
    public static CountingTcpListener Closing(string address) => new(IPAddress.Parse(address), hold: false);

    /// <summary>Keeps every connection open without sending a byte, like a server stuck before the TLS handshake.</summary>
    public static CountingTcpListener Silent(string address) => new(IPAddress.Parse(address), hold: true);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the loop.
        }
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync(bool hold)
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            if (hold)
            {
                lock (_held)
                {
                    _held.Add(client);
                }
            }
            else
            {
                client.Dispose();
            }
        }
    }
}
