using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TensorZero.Gateway.Hosting;

namespace TensorZero.Gateway.Tests.Hosting;

public sealed class ListenSocketsTests
{
    // The kernel completes a loopback handshake at once; a bounded wait for it, not a timing assertion.
    internal static async Task WaitForQueuedAsync(ListenSockets sockets, int expected)
    {
        for (var attempt = 0; attempt < 500 && sockets.QueuedConnections() != expected; attempt++)
        {
            await Task.Delay(10);
        }
        Assert.Equal(expected, sockets.QueuedConnections());
    }

    [Fact]
    public async Task QueuedConnections_CountsWhatTheKernelCompletedAndNobodyAcceptedYet()
    {
        var sockets = new ListenSockets(NullLogger<ListenSockets>.Instance);
        using var listener = sockets.Create(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        Assert.Equal(0, sockets.QueuedConnections());

        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync((IPEndPoint)listener.LocalEndPoint!);
            }
            await WaitForQueuedAsync(sockets, 3);

            using var accepted = await listener.AcceptAsync();
            Assert.Equal(2, sockets.QueuedConnections());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void QueuedConnections_AClosedSocket_IsUnknown()
    {
        var sockets = new ListenSockets(NullLogger<ListenSockets>.Instance);
        var listener = sockets.Create(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        listener.Dispose();

        Assert.Equal(-1, sockets.QueuedConnections());
    }
}
