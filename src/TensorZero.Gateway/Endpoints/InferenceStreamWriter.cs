using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// Writes a streamed inference as server-sent events in TensorZero's shape: one <c>data: {chunk}</c> per provider chunk,
/// a <c>data: {"error": ...}</c> event for a failure mid-stream, and <c>data: [DONE]</c> last. Raw data the request
/// asked for rides along as TensorZero sends it: <c>raw_chunk</c> / <c>original_chunk</c> and <c>raw_usage</c> on the
/// provider's chunks, <c>raw_response</c> entries of failed attempts and earlier model calls in chunks ahead of them.
/// </summary>
public static class InferenceStreamWriter
{
    public static Task WriteAsync(HttpContext context, InferenceStreamResult result, RawOutput raw, TimeSpan writeTimeout, CancellationToken cancellationToken) =>
        SseResponse.WriteAsync(
            context.Response,
            result.Run,
            writeTimeout,
            (writer, chunk) => WriteChunk(writer, result, chunk, raw),
            (writer, error) =>
            {
                writer.WriteStartObject();
                writer.WriteString("error"u8, error.Message);
                raw.WriteErrorRaw(writer, "raw_chunk", error);
                writer.WriteEndObject();
            },
            raw.Prelude(result),
            (writer, prelude) => WritePrelude(writer, result, raw, prelude),
            raw.ChunkFilter,
            cancellationToken);

    // A chunk of raw data only: no content, and `raw_usage` or `raw_response`.
    private static void WritePrelude(Utf8JsonWriter writer, InferenceStreamResult result, RawOutput raw, RawPreludeChunk prelude)
    {
        WriteIds(writer, result);
        if (result.FunctionType == FunctionType.Json)
        {
            writer.WriteString("raw"u8, string.Empty);
        }
        else
        {
            writer.WriteStartArray("content"u8);
            writer.WriteEndArray();
        }
        if (prelude.UsageOf is { } models)
        {
            raw.WriteUsageEntries(writer, "raw_usage", models);
        }
        if (prelude.Responses is { } entries)
        {
            RawResponseEntry.WriteArray(writer, "raw_response", entries);
        }
        writer.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter writer, InferenceStreamResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("inference_id"u8, result.InferenceId);
        writer.WriteString("episode_id"u8, result.EpisodeId);
        writer.WriteString("variant_name"u8, result.VariantName);
    }

    private static void WriteChunk(Utf8JsonWriter writer, InferenceStreamResult result, ProviderStreamChunk chunk, RawOutput raw)
    {
        WriteIds(writer, result);
        if (result.FunctionType == FunctionType.Json)
        {
            // JSON functions stream the raw text; tool-call arguments (json_mode = "tool") count as text too.
            writer.WriteString("raw"u8, string.Concat(chunk.Content.Select(d => d switch
            {
                TextDelta text => text.Text,
                ToolCallDelta call => call.ArgumentsDelta,
                _ => string.Empty,
            })));
        }
        else
        {
            writer.WriteStartArray("content"u8);
            foreach (var delta in chunk.Content)
            {
                WriteDelta(writer, delta);
            }
            writer.WriteEndArray();
        }
        if (chunk.Usage is { } usage)
        {
            InferenceResponseWriter.WriteUsage(writer, usage);
        }
        raw.WriteChunkUsage(writer, "raw_usage", result.Run, chunk);
        if (chunk.FinishReason is { } finish)
        {
            writer.WriteString("finish_reason"u8, InferenceResponseWriter.FinishReasonName(finish));
        }
        raw.WriteChunkRaw(writer, "original_chunk", "raw_chunk", chunk);
        writer.WriteEndObject();
    }

    private static void WriteDelta(Utf8JsonWriter writer, ContentDelta delta)
    {
        writer.WriteStartObject();
        switch (delta)
        {
            case TextDelta text:
                writer.WriteString("type"u8, "text");
                writer.WriteString("id"u8, text.Id);
                writer.WriteString("text"u8, text.Text);
                break;
            case ToolCallDelta call:
                writer.WriteString("type"u8, "tool_call");
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("raw_name"u8, call.Name ?? string.Empty);
                writer.WriteString("raw_arguments"u8, call.ArgumentsDelta);
                break;
            case ThoughtDelta thought:
                writer.WriteString("type"u8, "thought");
                writer.WriteString("id"u8, thought.Id);
                // `text` is always there, null or not: 2025 clients read it unconditionally.
                JsonWriting.WriteText(writer, "text", thought.Text);
                if (thought.Signature is not null)
                {
                    writer.WriteString("signature"u8, thought.Signature);
                }
                if (thought.SummaryText is not null)
                {
                    writer.WriteString("summary_id"u8, thought.SummaryId);
                    writer.WriteString("summary_text"u8, thought.SummaryText);
                }
                break;
        }
        writer.WriteEndObject();
    }
}
