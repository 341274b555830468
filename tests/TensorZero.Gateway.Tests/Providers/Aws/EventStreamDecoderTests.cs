using System.Text;
using TensorZero.Gateway.Providers.Aws.EventStream;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.Aws;

/// <summary>The event-stream framing against the published test vectors (zlib CRC-32), and its failure modes.</summary>
public sealed class EventStreamDecoderTests
{
    private const string FooBar = """{"foo": "bar"}""";

    private static readonly byte[] NoHeaders = Convert.FromHexString("0000001e00000000baf2f68a" + Convert.ToHexString(Encoding.UTF8.GetBytes(FooBar)) + "ae7258e4");

    private const string BedrockFrameHex =
        "0000009f00000057c37babff0b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c74610d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22636f6e74656e74426c6f636b496e646578223a302c2264656c7461223a7b2274657874223a224869227d2c2270223a2261626364227df2ace5ff";

    [Fact]
    public void TryDecode_PayloadWithoutHeaders_MatchesVector()
    {
        Assert.Equal(30, NoHeaders.Length);

        Assert.True(EventStreamDecoder.TryDecode(NoHeaders, out var message, out var consumed));

        Assert.Equal(30, consumed);
        Assert.Empty(message!.Headers);
        Assert.Equal(FooBar, message.PayloadText);
    }

    [Fact]
    public void TryDecode_OneStringHeader_MatchesVector()
    {
        var frame = EventStreamEncoder.Encode([("content-type", "application/json")], Encoding.UTF8.GetBytes(FooBar));

        Assert.Equal(62, frame.Length);
        Assert.Equal("0000003e00000020405df946", Convert.ToHexStringLower(frame.AsSpan(0, 12)));
        Assert.Equal("6fa2bf3b", Convert.ToHexStringLower(frame.AsSpan(58)));
        Assert.True(EventStreamDecoder.TryDecode(frame, out var message, out var consumed));
        Assert.Equal(62, consumed);
        Assert.Equal("application/json", message!.StringHeader("content-type"));
        Assert.Equal(FooBar, message.PayloadText);
    }

    [Fact]
    public void TryDecode_BedrockDeltaFrame_MatchesVector()
    {
        var frame = Convert.FromHexString(BedrockFrameHex);

        Assert.True(EventStreamDecoder.TryDecode(frame, out var message, out var consumed));

        Assert.Equal(159, consumed);
        Assert.Equal("contentBlockDelta", message!.StringHeader(":event-type"));
        Assert.Equal("application/json", message.StringHeader(":content-type"));
        Assert.Equal("event", message.MessageType);
        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}""", message.PayloadText);
    }

    [Fact]
    public void Encode_BedrockDeltaFrame_EqualsVectorBytes()
    {
        var frame = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}""");

        Assert.Equal(BedrockFrameHex, Convert.ToHexStringLower(frame));
    }

    [Fact]
    public void TryDecode_PartialFrame_ConsumesNothing()
    {
        var frame = Convert.FromHexString(BedrockFrameHex);

        Assert.False(EventStreamDecoder.TryDecode(frame.AsSpan(0, 8), out _, out var consumedPrelude));
        Assert.False(EventStreamDecoder.TryDecode(frame.AsSpan(0, 100), out _, out var consumedPart));

        Assert.Equal(0, consumedPrelude);
        Assert.Equal(0, consumedPart);
    }

    [Fact]
    public void TryDecode_PreludeCrcMismatch_Throws()
    {
        var frame = Convert.FromHexString(BedrockFrameHex);
        frame[8] ^= 0x01;

        var error = Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(frame, out _, out _));

        Assert.Contains("prelude CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_PayloadCorrupted_ThrowsMessageCrcMismatch()
    {
        var frame = Convert.FromHexString(BedrockFrameHex);
        frame[140] ^= 0x20;

        var error = Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(frame, out _, out _));

        Assert.Contains("message CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryDecode_ImpossibleLengths_Throws()
    {
        // A valid prelude CRC over a total length smaller than prelude + CRC.
        var frame = EventStreamEncoder.Encode([], []);
        frame[3] = 8;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(frame.AsSpan(0, 8)));

        Assert.Throws<EventStreamFormatException>(() => EventStreamDecoder.TryDecode(frame, out _, out _));
    }

    [Fact]
    public async Task ReadAllAsync_FramesSplitAcrossReads_DecodesEach()
    {
        var frames = Enumerable.Range(0, 50)
            .Select(i => EventStreamEncoder.Event("contentBlockDelta", $$$"""{"contentBlockIndex":0,"delta":{"text":"{{{i}}}"}}"""))
            .SelectMany(f => f)
            .ToArray();

        var messages = new List<EventStreamMessage>();
        await foreach (var message in EventStreamDecoder.ReadAllAsync(new TrickleStream(frames, chunk: 7), CancellationToken.None))
        {
            messages.Add(message);
        }

        Assert.Equal(50, messages.Count);
        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"49"}}""", messages[^1].PayloadText);
    }

    [Fact]
    public async Task ReadAllAsync_FrameLargerThanBuffer_Decodes()
    {
        var big = new string('x', 100_000);
        var frame = EventStreamEncoder.Event("contentBlockDelta", $$$"""{"delta":{"text":"{{{big}}}"}}""");

        var messages = new List<EventStreamMessage>();
        await foreach (var message in EventStreamDecoder.ReadAllAsync(new TrickleStream([.. frame, .. frame], chunk: 4096), CancellationToken.None))
        {
            messages.Add(message);
        }

        Assert.Equal(2, messages.Count);
        Assert.Contains(big, messages[1].PayloadText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAllAsync_StreamEndsInsideFrame_Throws()
    {
        var frame = Convert.FromHexString(BedrockFrameHex);

        await Assert.ThrowsAsync<EventStreamFormatException>(async () =>
        {
            await foreach (var _ in EventStreamDecoder.ReadAllAsync(new MemoryStream([.. frame, .. frame[..20]]), CancellationToken.None))
            {
            }
        });
    }

    /// <summary>Hands out at most <c>chunk</c> bytes per read, like a slow network.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
