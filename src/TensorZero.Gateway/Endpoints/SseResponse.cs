using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Sends a streamed inference as server-sent events: optional prelude events, one <c>data: {json}</c> event per chunk
/// that has something to show (flushed at once), an error event for a chunk that carries a non-fatal error or if the
/// stream fails after it started, and <c>data: [DONE]</c> last. Each API supplies its own JSON.
/// A client that stops reading is cut once one write has waited <c>[gateway] client_write_timeout_ms</c>, and the
/// upstream call is cancelled with it, so a stalled reader can't pin a provider connection.
/// </summary>
public static class SseResponse
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task WriteAsync(
        HttpResponse response,
        ModelStreamRun run,
        TimeSpan writeTimeout,
        Action<Utf8JsonWriter, ProviderStreamChunk> writeChunk,
        Action<Utf8JsonWriter, GatewayError> writeError,
        IReadOnlyList<RawPreludeChunk> prelude,
        Action<Utf8JsonWriter, RawPreludeChunk> writePrelude,
        Func<ProviderStreamChunk, bool>? shows,
        CancellationToken cancellationToken)
    {
        // By default a chunk without content, usage, finish reason or error (a provider event kept only for raw output) is not sent.
        shows ??= static chunk => chunk.HasData;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var writer = new EventWriter(response, writeTimeout, cancellationToken);
        try
        {
            await using (run.ConfigureAwait(false))
            {
                try
                {
                    for (var i = 0; i < prelude.Count; i++)
                    {
                        await writer.WriteEventAsync(writePrelude, prelude[i]).ConfigureAwait(false);
                    }
                    await foreach (var chunk in run.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (chunk.Error is { } failure)
                        {
                            // A failure the provider's stream survives: reported in place, and the stream goes on.
                            await writer.WriteEventAsync(writeError, failure).ConfigureAwait(false);
                            continue;
                        }
                        if (shows(chunk))
                        {
                            await writer.WriteEventAsync(writeChunk, chunk).ConfigureAwait(false);
                        }
                    }
                }
                catch (GatewayError e)
                {
                    await writer.WriteEventAsync(writeError, e).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not (OperationCanceledException or ClientStalledException) && !cancellationToken.IsCancellationRequested)
                {
                    // Provider failures arrive as GatewayErrors; anything else is the gateway's own, and its message stays inside.
                    var error = new GatewayError(ErrorKind.Internal, "Internal error in the gateway");
                    await writer.WriteEventAsync(writeError, error).ConfigureAwait(false);
                }
            }
            await writer.WriteRawAsync(Done).ConfigureAwait(false);
        }
        catch (ClientStalledException)
        {
            // Leaving the block above disposed the run, which cancelled the upstream request; now drop the client.
            var logger = response.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SseResponse).FullName!);
            logger.LogWarning("Closed a stream whose client stopped reading for {TimeoutMs} ms", writer.Timeout.TotalMilliseconds);
            response.HttpContext.Abort();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>
    /// Writes events, each bounded by the write timeout; a write that times out throws <see cref="ClientStalledException"/>.
    /// An event (<c>data: </c>, its JSON, the blank line) is put together in one buffer and written and flushed at
    /// once, so it leaves as one chunk of the response; one JSON writer serves the whole stream.
    /// </summary>
    private sealed class EventWriter : IDisposable
    {
        private readonly HttpResponse _response;
        private readonly TimeSpan _timeout;
        private readonly CancellationToken _requestAborted;
        // Taken from a pool for the stream and given back when it ends: most streams' events fit the same 1 KB.
        private readonly EventBuffer _buffer = Buffers.Get();
        // The timeout has a source of its own, so a write it cut counts as a stall even when cutting it also aborted
        // the request: Kestrel aborts the connection of a cancelled write, and that can happen before the catch below.
        private readonly CancellationTokenSource _timer = new();
        private readonly CancellationTokenSource _write;

        public EventWriter(HttpResponse response, TimeSpan timeout, CancellationToken requestAborted)
        {
            _response = response;
            _timeout = timeout;
            _requestAborted = requestAborted;
            _write = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _timer.Token);
        }

        public TimeSpan Timeout => _timeout;

        public Task WriteEventAsync<T>(Action<Utf8JsonWriter, T> write, T value)
        {
            var bytes = _buffer.Bytes;
            bytes.ResetWrittenCount();
            bytes.Write(DataPrefix);
            _buffer.Json.Reset(bytes);
            write(_buffer.Json, value);
            _buffer.Json.Flush();
            bytes.Write(EventEnd);
            return WriteRawAsync(bytes.WrittenMemory);
        }

        public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes)
        {
            _timer.CancelAfter(_timeout);
            try
            {
                await _response.Body.WriteAsync(bytes, _write.Token).ConfigureAwait(false);
                await _response.Body.FlushAsync(_write.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (_timer.IsCancellationRequested
                ? e is OperationCanceledException or IOException
                : e is OperationCanceledException && !_requestAborted.IsCancellationRequested)
            {
                throw new ClientStalledException();
            }
            _timer.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            // Every write has returned by now, and a write copies its bytes into the response before it returns.
            Buffers.Return(_buffer);
            _write.Dispose();
            _timer.Dispose();
        }
    }

    // At most this many idle buffers are kept; more streams than that at once make their own.
    private static readonly ObjectPool<EventBuffer> Buffers = new DefaultObjectPool<EventBuffer>(new EventBufferPolicy(), 256);

    /// <summary>An event's bytes and the JSON writer over them.</summary>
    private sealed class EventBuffer
    {
        public EventBuffer() => Json = new Utf8JsonWriter(Bytes, JsonWriting.Options);

        public ArrayBufferWriter<byte> Bytes { get; } = new(1024);

        public Utf8JsonWriter Json { get; }
    }

    private sealed class EventBufferPolicy : PooledObjectPolicy<EventBuffer>
    {
        // A buffer that grew for a large event (a long tool call, a raw chunk) is let go rather than kept.
        private const int MaxKeptBytes = 64 * 1024;

        public override EventBuffer Create() => new();

        public override bool Return(EventBuffer buffer)
        {
            if (buffer.Bytes.Capacity > MaxKeptBytes)
            {
                return false;
            }
            buffer.Bytes.ResetWrittenCount();
            return true;
        }
    }

    private sealed class ClientStalledException : Exception;
}
