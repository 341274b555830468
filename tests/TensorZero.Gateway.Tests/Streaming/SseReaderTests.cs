using System.Text;
using TensorZero.Gateway.Streaming;

namespace TensorZero.Gateway.Tests.Streaming;

/// <summary>
/// What <see cref="SseReader"/> makes of event-stream bodies, including bodies that arrive a byte at a time (a UTF-8
/// character split across reads) and lines longer than the reader's buffer.
/// </summary>
public sealed class SseReaderTests
{
    /// <summary>A body that hands out at most <c>chunk</c> bytes per read, as a slow network would.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }

    private static async Task<List<string>> ReadAsync(string body, int chunk)
    {
        var events = new List<string>();
        await foreach (var e in SseReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk), CancellationToken.None))
        {
            events.Add($"{e.Event ?? "-"}|{e.Data}");
        }
        return events;
    }

    public static TheoryData<string, string[]> Bodies => new()
    {
        { "data: one\n\ndata: two\n\n", ["-|one", "-|two"] },
        { "data: one\r\n\r\ndata:two\r\n\r\n", ["-|one", "-|two"] },
        // Several data lines join with a newline; only one leading space is dropped.
        { "data: a\ndata:  b\ndata\n\n", ["-|a\n b\n"] },
        { "event: message_start\ndata: {}\n\nevent: ping\n\n", ["message_start|{}"] },
        // Comments and unknown fields are skipped; an event name doesn't leak into the next event.
        { ": keep-alive\nid: 7\nretry: 10\nevent: x\ndata: 1\n\ndata: 2\n\n", ["x|1", "-|2"] },
        // The last event is read even when the body ends without its blank line.
        { "data: [DONE]", ["-|[DONE]"] },
        { "data: caf\u00e9 \U0001F30D \u4e2d\n\n", ["-|caf\u00e9 \U0001F30D \u4e2d"] },
        { "data: a:b: c\n\n", ["-|a:b: c"] },
        { "\n\n\n", [] },
        // A lone `\r` ends a line too; `\r\n` is one line ending even when a read splits it.
        { "data: one\r\rdata: two\r\r", ["-|one", "-|two"] },
        { "data: a\r\n\ndata: b\n\r\n", ["-|a", "-|b"] },
        // A byte-order mark is skipped at the start of the body only.
        { "\uFEFFdata: bom\n\n", ["-|bom"] },
        { "data: x\uFEFFy\n\n", ["-|x\uFEFFy"] },
        { "\n\uFEFFdata: z\n\n", [] },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task ReadAsync_Body_YieldsItsEvents(string body, string[] expected)
    {
        Assert.Equal(expected, await ReadAsync(body, chunk: 4096));
        // The same body a byte at a time: multi-byte characters and CRLF split across reads.
        Assert.Equal(expected, await ReadAsync(body, chunk: 1));
    }

    [Fact]
    public async Task ReadAsync_LineLongerThanTheBuffer_IsReadWhole()
    {
        var long1 = string.Concat(Enumerable.Repeat("0123456789\u00e9", 2000));
        var long2 = new string('x', 70_000);

        var events = await ReadAsync($"data: {long1}\n\ndata: {long2}\ndata: tail\n\n", chunk: 777);

        Assert.Equal([$"-|{long1}", $"-|{long2}\ntail"], events);
    }

    [Fact]
    public async Task ReadAsync_LineThatNeverEnds_StopsAtTheLimitInsteadOfHoldingTheStream()
    {
        var body = "data: " + new string('x', SseReader.MaxEventBytes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(body, chunk: 1 << 20));

        Assert.Contains("32 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_EventOfManyDataLinesOverTheLimit_Fails()
    {
        var line = "data: " + new string('y', 1 << 20) + "\n";
        var body = string.Concat(Enumerable.Repeat(line, 33)) + "\n";

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(body, chunk: 1 << 20));
        // Just under the limit, the event is read whole.
        var events = await ReadAsync(string.Concat(Enumerable.Repeat(line, 31)) + "\n", chunk: 1 << 20);
        Assert.Equal(31 * ((1 << 20) + 1) - 1 + 2, Assert.Single(events).Length);
    }
}
