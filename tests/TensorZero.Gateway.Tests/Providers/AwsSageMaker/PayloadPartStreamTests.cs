using System.Text;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Providers.AwsSageMaker;
using TensorZero.Gateway.Streaming;
using TensorZero.Gateway.Tests.Fakes;

namespace TensorZero.Gateway.Tests.Providers.AwsSageMaker;

/// <summary>
/// How the hosted server's bytes are taken out of a SageMaker response stream: payload parts joined in order whatever
/// they cut, other events skipped, and exceptions or broken framing turned into the provider's stream error.
/// </summary>
public sealed class PayloadPartStreamTests
{
    private static byte[] Part(string text) => EventStreamEncoder.Encode(
        [(":event-type", "PayloadPart"), (":content-type", "application/octet-stream"), (":message-type", "event")], Encoding.UTF8.GetBytes(text));

    private static byte[] PartBytes(byte[] bytes) => EventStreamEncoder.Encode(
        [(":event-type", "PayloadPart"), (":content-type", "application/octet-stream"), (":message-type", "event")], bytes);

    private static PayloadPartStream Stream(params byte[][] frames) =>
        new(new MemoryStream(frames.SelectMany(f => f).ToArray()), "AWS SageMaker", SecretScope.None);

    private static async Task<List<string>> Events(PayloadPartStream stream)
    {
        var events = new List<string>();
        await foreach (var sse in SseReader.ReadAsync(stream, CancellationToken.None))
        {
            events.Add(sse.Data);
        }
        return events;
    }

    [Fact]
    public async Task ReadAsync_PartsCuttingLinesAndCharacters_GiveTheServersEventsWhole()
    {
        var text = Encoding.UTF8.GetBytes("data: {\"content\":\"héllo\"}\n\ndata: [DONE]\n\n");
        var cut = Array.IndexOf(text, (byte)0xC3) + 1; // inside the two bytes of `é`
        var frames = new[] { text[..5], text[5..cut], text[cut..31], text[31..] }.Select(PartBytes).ToArray();

        var events = await Events(Stream(frames));

        Assert.Equal(["{\"content\":\"héllo\"}", "[DONE]"], events);
    }

    [Fact]
    public async Task ReadAsync_OtherEventTypes_AreSkipped()
    {
        var events = await Events(Stream(
            EventStreamEncoder.Event("Heartbeat", "{}"),
            Part("data: a\n\n"),
            EventStreamEncoder.Encode([(":event-type", "PayloadPart"), (":message-type", "event")], []),
            Part("data: b\n\n")));

        Assert.Equal(["a", "b"], events);
    }

    [Fact]
    public async Task ReadAsync_ModelStreamError_FailsWithItsTypeAndMessage()
    {
        var stream = Stream(
            Part("data: a\n\n"),
            EventStreamEncoder.Encode(
                [(":exception-type", "ModelStreamError"), (":content-type", "application/json"), (":message-type", "exception")],
                Encoding.UTF8.GetBytes("""{"Message":"Container crashed","ErrorCode":"ModelStreamError"}""")));

        var error = await Assert.ThrowsAsync<GatewayError>(() => Events(stream));

        Assert.Equal(ErrorKind.ProviderServer, error.Kind);
        Assert.Equal("Error in AWS SageMaker stream: ModelStreamError: Container crashed", error.Message);
    }

    [Fact]
    public async Task ReadAsync_CorruptedFrame_FailsAsInvalidFraming()
    {
        var frame = Part("data: a\n\n");
        frame[^1] ^= 0xFF;

        var error = await Assert.ThrowsAsync<GatewayError>(() => Events(Stream(frame)));

        Assert.Equal("Error in AWS SageMaker stream: invalid event-stream framing: message CRC mismatch", error.Message);
    }
}
