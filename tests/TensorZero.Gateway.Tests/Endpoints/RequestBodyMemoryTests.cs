using System.IO.Compression;
using System.Net;
using System.Text;
using TensorZero.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorZero.Gateway.Tests.Endpoints;

/// <summary>
/// Hostile bodies (gzip bombs, a body far over the limit) cost the gateway process little memory, and what they cost
/// is given back. Measured on a real process, from <c>/proc/PID/status</c>.
/// </summary>
public sealed class RequestBodyMemoryTests(ITestOutputHelper output)
{
    private const long Megabyte = 1024 * 1024;
    private const long PeakLimit = 300 * Megabyte;
    private const long SettleMargin = 50 * Megabyte;

    // A body that stays valid JSON as far as anyone reads it: one endless string.
    private static readonly byte[] Prefix = "{\"model_name\":\"dummy::echo\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\""u8.ToArray();

    [Fact]
    public async Task Gateway_GzipBombsAndHugeBody_MemoryStaysBoundedAndReturns()
    {
        var bomb = GzipBomb(1024 * Megabyte);
        await using var gateway = await GatewayProcess.StartAsync(string.Empty);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        // Warm up the paths the test takes, so the baseline includes their code, not just an idle process.
        for (var i = 0; i < 3; i++)
        {
            using var small = await client.PostAsync("/inference", Json("""{"model_name":"dummy::echo","input":{"messages":[{"role":"user","content":"hi"}]}}"""));
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
            using var smallBomb = await PostBombAsync(client, GzipBomb(20 * Megabyte));
        }
        var baseline = await SettledRssAsync(gateway, TimeSpan.FromSeconds(3));

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            using var response = await PostBombAsync(client, bomb);
            statuses.Add(response.StatusCode);
        });
        var afterBombs = gateway.Memory();
        var hugeStatus = await PostHugeChunkedAsync(gateway.BaseAddress, 120 * Megabyte);
        var announcedStatus = await PostAnnouncedOnlyAsync(gateway.BaseAddress, 120 * Megabyte);
        var afterHuge = gateway.Memory();

        var settled = await WaitForRssAsync(gateway, baseline + SettleMargin, TimeSpan.FromSeconds(30));
        var peak = gateway.Memory().Peak;
        output.WriteLine($"baseline {baseline / Megabyte} MB, after bombs {afterBombs.Rss / Megabyte} MB, after 120 MB body " +
            $"{afterHuge.Rss / Megabyte} MB, settled {settled / Megabyte} MB, peak (VmHWM) {peak / Megabyte} MB");

        output.WriteLine($"statuses: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))}; huge body: {(int)hugeStatus}");
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status));
        Assert.Equal(32, statuses.Count);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, hugeStatus);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, announcedStatus);
        Assert.True(peak < PeakLimit, $"peak RSS {peak / Megabyte} MB, limit {PeakLimit / Megabyte} MB");
        Assert.True(settled <= baseline + SettleMargin,
            $"RSS {settled / Megabyte} MB did not come back within {SettleMargin / Megabyte} MB of the baseline {baseline / Megabyte} MB");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PostBombAsync(HttpClient client, byte[] bomb)
    {
        using var content = new ByteArrayContent(bomb);
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return await client.PostAsync("/inference", content);
    }

    /// <summary>
    /// Sends <paramref name="size"/> bytes chunked (no Content-Length, so only counting while reading can stop it) over
    /// a raw socket that reads the answer while it writes: a server that answers early and closes is not a client error.
    /// </summary>
    private static async Task<HttpStatusCode> PostHugeChunkedAsync(Uri baseAddress, long size)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = tcp.GetStream();
        var reading = ReadStatusAsync(stream);
        var head = $"POST /inference HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'A');
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await WriteChunkAsync(stream, Prefix);
            for (long written = 0; written < size && !reading.IsCompleted; written += chunk.Length)
            {
                await WriteChunkAsync(stream, chunk);
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // The server stopped reading and closed; its answer is what counts.
        }
        return await reading.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Announces <paramref name="size"/> bytes in <c>Content-Length</c> and sends none: only a check of the header can answer.</summary>
    private static async Task<HttpStatusCode> PostAnnouncedOnlyAsync(Uri baseAddress, long size)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST /inference HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return await ReadStatusAsync(stream).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task WriteChunkAsync(Stream stream, byte[] data)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        await stream.WriteAsync(data);
        await stream.WriteAsync("\r\n"u8.ToArray());
    }

    /// <summary>Reads up to the end of the status line (<c>HTTP/1.1 413 Payload Too Large</c>) and returns its code.</summary>
    private static async Task<HttpStatusCode> ReadStatusAsync(Stream stream)
    {
        var line = new StringBuilder();
        var buffer = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            line.Append((char)buffer[0]);
        }
        var parts = line.ToString().Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], out var code) ? (HttpStatusCode)code : 0;
    }

    /// <summary>The JSON prefix, then <paramref name="size"/> bytes of one repeated letter, gzip-compressed (about 1000:1).</summary>
    private static byte[] GzipBomb(long size)
    {
        var chunk = new byte[Megabyte];
        Array.Fill(chunk, (byte)'A');
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(Prefix);
            for (long written = 0; written < size; written += chunk.Length)
            {
                gzip.Write(chunk);
            }
        }
        return compressed.ToArray();
    }

    /// <summary>The lowest RSS seen over <paramref name="window"/>, so a GC in progress doesn't inflate the baseline.</summary>
    private static async Task<long> SettledRssAsync(GatewayProcess gateway, TimeSpan window)
    {
        var lowest = long.MaxValue;
        for (var waited = TimeSpan.Zero; waited < window; waited += TimeSpan.FromMilliseconds(250))
        {
            lowest = Math.Min(lowest, gateway.Memory().Rss);
            await Task.Delay(250);
        }
        return lowest;
    }

    /// <summary>Polls RSS until it is at most <paramref name="target"/> or <paramref name="timeout"/> passes; returns the last reading.</summary>
    private static async Task<long> WaitForRssAsync(GatewayProcess gateway, long target, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var rss = gateway.Memory().Rss;
        while (rss > target && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            rss = gateway.Memory().Rss;
        }
        return rss;
    }
}
