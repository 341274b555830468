using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Aws.EventStream;

namespace TensorZero.Gateway.Providers.AwsSageMaker;

/// <summary>
/// The hosted server's answer inside a SageMaker response stream, as a plain byte stream: the payloads of the
/// event-stream <c>PayloadPart</c> events, in order (they cut the server's bytes anywhere, mid-line included). An
/// exception message (<c>ModelStreamError</c>, <c>InternalStreamFailure</c>) or broken framing ends it with the
/// provider's stream error.
/// </summary>
internal sealed class PayloadPartStream(Stream body, string displayName, SecretScope secrets) : Stream
{
    public const string PayloadPartEvent = "PayloadPart";

    private IAsyncEnumerator<EventStreamMessage>? _frames;
    private ReadOnlyMemory<byte> _pending;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pending.IsEmpty)
        {
            _frames ??= EventStreamDecoder.ReadAllAsync(body, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool more;
            try
            {
                more = await _frames.MoveNextAsync().ConfigureAwait(false);
            }
            catch (EventStreamFormatException e)
            {
                throw ProviderHttp.StreamError(displayName, $"invalid event-stream framing: {e.Message}", secrets);
            }
            if (!more)
            {
                return 0;
            }
            _pending = Payload(_frames.Current);
        }
        var count = Math.Min(buffer.Length, _pending.Length);
        _pending[..count].CopyTo(buffer);
        _pending = _pending[count..];
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Readers of this stream read asynchronously; a blocking read would hold a thread for the whole answer.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_frames is not null)
        {
            await _frames.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The hosted server's bytes in <paramref name="message"/>; empty for events of other types.</summary>
    private ReadOnlyMemory<byte> Payload(EventStreamMessage message)
    {
        if (message.MessageType is "exception" or "error")
        {
            var name = message.StringHeader(":exception-type") ?? message.StringHeader(":error-code") ?? "unknownException";
            var detail = ErrorMessage(message.PayloadText) ?? message.StringHeader(":error-message") ?? message.PayloadText;
            throw ProviderHttp.StreamError(displayName, $"{name}: {detail}", secrets);
        }
        return message.StringHeader(":event-type") == PayloadPartEvent ? message.Payload : ReadOnlyMemory<byte>.Empty;
    }

    private static string? ErrorMessage(string payload)
    {
        try
        {
            var root = JsonNode.Parse(payload) as JsonObject;
            return JsonRead.String(root?["Message"]) ?? JsonRead.String(root?["message"]);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
