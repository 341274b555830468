using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Configuration;
using TensorZero.Gateway.Errors;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Writes a streamed inference as OpenAI <c>chat.completion.chunk</c> events: one per provider chunk, the role in the
/// first only, tool-call deltas indexed by call in order of appearance, thought deltas in
/// <c>delta.tensorzero_extra_content</c> with their position among the answer's blocks (as TensorZero streams them), a
/// <c>data: {"error": {"message": ...}}</c> event for a failure mid-stream, and <c>data: [DONE]</c> last.
/// </summary>
public static class OpenAIChatStreamWriter
{
    /// <param name="raw">
    /// The raw provider data the request asked for: <c>tensorzero_raw_chunk</c> / <c>tensorzero_original_chunk</c> and
    /// <c>tensorzero_raw_usage</c> on the provider's chunks, <c>tensorzero_raw_response</c> in chunks ahead of them.
    /// </param>
    public static Task WriteAsync(
        HttpContext context, InferenceStreamResult result, OpenAIChatRequest request, RawOutput raw, TimeProvider time, TimeSpan writeTimeout,
        CancellationToken cancellationToken)
    {
        var positions = new BlockPositions();
        var first = true;
        // Every chunk names the same model: made once, not per chunk.
        var model = request.ResponseModelPrefix + result.VariantName;
        return SseResponse.WriteAsync(
            context.Response,
            result.Run,
            writeTimeout,
            (writer, chunk) =>
            {
                WriteChunk(writer, result, request, model, chunk, positions, raw, first, time.GetUtcNow().ToUnixTimeSeconds());
                first = false;
            },
            (writer, error) =>
            {
                writer.WriteStartObject();
                writer.WriteStartObject("error"u8);
                writer.WriteString("message"u8, error.Message);
                writer.WriteEndObject();
                raw.WriteErrorRaw(writer, "tensorzero_raw_chunk", error);
                writer.WriteEndObject();
            },
            raw.Prelude(result),
            (writer, prelude) =>
            {
                WritePrelude(writer, result, model, raw, prelude, first, time.GetUtcNow().ToUnixTimeSeconds());
                first = false;
            },
            raw.ChunkFilter,
            cancellationToken);
    }

    // A chunk of raw data only: an empty delta, and `tensorzero_raw_usage` or `tensorzero_raw_response`.
    private static void WritePrelude(
        Utf8JsonWriter writer, InferenceStreamResult result, string model, RawOutput raw, RawPreludeChunk prelude, bool first, long created)
    {
        WriteChoiceStart(writer, result, null, first);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteTrailer(writer, model, created);
        writer.WriteNull("usage"u8);
        if (prelude.UsageOf is { } models)
        {
            raw.WriteUsageEntries(writer, "tensorzero_raw_usage", models);
        }
        if (prelude.Responses is { } entries)
        {
            RawResponseEntry.WriteArray(writer, "tensorzero_raw_response", entries);
        }
        writer.WriteEndObject();
    }

    // `{"id", "episode_id", "choices": [{"index", "finish_reason", "logprobs", "delta": {"role"?` — the delta left open.
    private static void WriteChoiceStart(Utf8JsonWriter writer, InferenceStreamResult result, FinishReason? finish, bool first)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, result.InferenceId);
        writer.WriteString("episode_id"u8, result.EpisodeId);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        if (finish is { } reason)
        {
            writer.WriteString("finish_reason"u8, OpenAIChatResponseWriter.FinishReasonName(reason));
        }
        else
        {
            writer.WriteNull("finish_reason"u8);
        }
        writer.WriteNull("logprobs"u8);
        writer.WriteStartObject("delta"u8);
        if (first)
        {
            writer.WriteString("role"u8, "assistant");
        }
    }

    private static void WriteTrailer(Utf8JsonWriter writer, string model, long created)
    {
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, model);
        writer.WriteString("system_fingerprint"u8, string.Empty);
        writer.WriteNull("service_tier"u8);
        writer.WriteString("object"u8, "chat.completion.chunk");
    }

    private static void WriteChunk(
        Utf8JsonWriter writer,
        InferenceStreamResult result,
        OpenAIChatRequest request,
        string model,
        ProviderStreamChunk chunk,
        BlockPositions positions,
        RawOutput raw,
        bool first,
        long created)
    {
        WriteChoiceStart(writer, result, chunk.FinishReason, first);
        if (result.FunctionType == FunctionType.Json)
        {
            // JSON functions stream their raw output as text; tool-call arguments (json_mode = "tool") count as text too.
            writer.WriteString("content"u8, string.Concat(chunk.Content.Select(d => d switch
            {
                TextDelta text => text.Text,
                ToolCallDelta call => call.ArgumentsDelta,
                _ => string.Empty,
            })));
        }
        else
        {
            WriteChatDelta(writer, chunk.Content, positions);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        WriteTrailer(writer, model, created);
        if (request.IncludeUsage && chunk.Usage is { } usage)
        {
            OpenAIChatResponseWriter.WriteUsage(writer, usage);
        }
        else
        {
            // OpenAI's schema says "object or null", so the key is always there.
            writer.WriteNull("usage"u8);
        }
        raw.WriteChunkUsage(writer, "tensorzero_raw_usage", result.Run, chunk);
        raw.WriteChunkRaw(writer, "tensorzero_original_chunk", "tensorzero_raw_chunk", chunk);
        writer.WriteEndObject();
    }

    internal static void WriteChatDelta(Utf8JsonWriter writer, IReadOnlyList<ContentDelta> deltas, BlockPositions positions)
    {
        // A chunk's text is almost always one delta: written as it is, joined only when there are several.
        string? text = null;
        StringBuilder? texts = null;
        List<(ToolCallDelta Delta, int Index, bool IsNew)>? calls = null;
        List<(ThoughtDelta Delta, int InsertIndex)>? thoughts = null;
        for (var i = 0; i < deltas.Count; i++)
        {
            switch (deltas[i])
            {
                case TextDelta textDelta:
                    positions.SeeText(textDelta.Id);
                    if (text is null)
                    {
                        text = textDelta.Text;
                    }
                    else
                    {
                        (texts ??= new StringBuilder(text)).Append(textDelta.Text);
                    }
                    break;
                case ToolCallDelta call:
                    var (index, isNew) = positions.ToolCall(call.Id);
                    (calls ??= []).Add((call, index, isNew));
                    break;
                case ThoughtDelta thought:
                    (thoughts ??= []).Add((thought, positions.Extra(thought.Id)));
                    break;
            }
        }
        if (text is not null)
        {
            writer.WriteString("content"u8, texts?.ToString() ?? text);
        }
        if (calls is not null)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var (call, index, isNew) in calls)
            {
                writer.WriteStartObject();
                if (isNew)
                {
                    writer.WriteString("id"u8, call.Id);
                }
                writer.WriteNumber("index"u8, index);
                writer.WriteString("type"u8, "function");
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, call.Name ?? string.Empty);
                writer.WriteString("arguments"u8, call.ArgumentsDelta);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (thoughts is not null)
        {
            // TensorZero's thought chunk: every field but the provider-specific ones, null when absent.
            writer.WriteStartArray("tensorzero_extra_content"u8);
            foreach (var (thought, insertIndex) in thoughts)
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "thought");
                writer.WriteNumber("insert_index"u8, insertIndex);
                writer.WriteString("id"u8, thought.Id);
                JsonWriting.WriteText(writer, "text", thought.Text);
                JsonWriting.WriteText(writer, "signature", thought.Signature);
                JsonWriting.WriteText(writer, "summary_id", thought.SummaryId);
                JsonWriting.WriteText(writer, "summary_text", thought.SummaryText);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// Where each streamed block sits in the whole answer: tool calls are numbered among tool calls, and a thought's
    /// <c>insert_index</c> counts every block (text, tool call, thought) that began before it, so a client that
    /// assembles the stream gets the same positions as a non-streamed answer.
    /// </summary>
    internal sealed class BlockPositions
    {
        private readonly HashSet<string> _texts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _tools = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _extras = new(StringComparer.Ordinal);
        private int _blocks;

        public void SeeText(string id)
        {
            if (_texts.Add(id))
            {
                _blocks++;
            }
        }

        public (int Index, bool IsNew) ToolCall(string id)
        {
            if (_tools.TryGetValue(id, out var index))
            {
                return (index, false);
            }
            index = _tools.Count;
            _tools[id] = index;
            _blocks++;
            return (index, true);
        }

        public int Extra(string id)
        {
            if (!_extras.TryGetValue(id, out var index))
            {
                index = _blocks++;
                _extras[id] = index;
            }
            return index;
        }
    }
}
