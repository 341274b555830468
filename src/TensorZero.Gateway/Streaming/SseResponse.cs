using System.Buffers;
using System.Text.Json;
using TensorZero.Gateway.Endpoints;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;

namespace TensorZero.Gateway.Streaming;

/// <summary>
/// Sends a streamed inference as server-sent events: one <c>data: {json}</c> event per chunk (flushed at once), an
/// error event if the stream fails after it started, and <c>data: [DONE]</c> last. Each API supplies its own JSON.
/// </summary>
public static class SseResponse
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task WriteAsync(
        HttpResponse response,
        ModelStreamRun run,
        Action<Utf8JsonWriter, ProviderStreamChunk> writeChunk,
        Action<Utf8JsonWriter, GatewayError> writeError,
        CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var buffer = new ArrayBufferWriter<byte>(1024);
        await using (run.ConfigureAwait(false))
        {
            try
            {
                await foreach (var chunk in run.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await WriteEventAsync(response, buffer, writer => writeChunk(writer, chunk), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (GatewayError e)
            {
                await WriteEventAsync(response, buffer, writer => writeError(writer, e), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Provider failures arrive as GatewayErrors; anything else is the gateway's own, and its message stays inside.
                var error = new GatewayError(ErrorKind.Internal, "Internal error in the gateway");
                await WriteEventAsync(response, buffer, writer => writeError(writer, error), cancellationToken).ConfigureAwait(false);
            }
        }
        await response.Body.WriteAsync(Done, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpResponse response, ArrayBufferWriter<byte> buffer, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, JsonWriting.Options))
        {
            write(writer);
        }
        await response.Body.WriteAsync(DataPrefix, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
