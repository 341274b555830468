using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Store.Cache;

/// <summary>
/// One cache entry, shaped after TensorZero's <c>ModelInferenceCache</c> row: the key, what the provider answered
/// (<paramref name="Output"/>: content blocks, or a stream's chunks) with its raw request and response and usage.
/// Text columns are redacted like every stored row.
/// </summary>
public sealed record CacheEntryRow(
    string CacheKey,
    string Output,
    string RawRequest,
    string RawResponse,
    long? InputTokens,
    long? OutputTokens,
    string? FinishReason,
    DateTimeOffset CreatedAt) : StoredRow;

/// <summary>The <c>output</c> of a cache entry: a provider's content blocks, or a stream's chunks, as JSON.</summary>
public static class CacheEntryJson
{
    /// <summary>The blocks as JSON; null when one of them is of a kind the cache doesn't keep.</summary>
    public static string? Blocks(IReadOnlyList<ContentBlock> blocks) => Write(writer =>
    {
        writer.WriteStartArray("blocks"u8);
        foreach (var block in blocks)
        {
            writer.WriteStartObject();
            switch (block)
            {
                case TextBlock text:
                    writer.WriteString("type"u8, "text");
                    writer.WriteString("text"u8, text.Text);
                    break;
                case ToolCallBlock call:
                    writer.WriteString("type"u8, "tool_call");
                    writer.WriteString("id"u8, call.Id);
                    writer.WriteString("name"u8, call.Name);
                    writer.WriteString("arguments"u8, call.Arguments);
                    break;
                case ThoughtBlock thought:
                    writer.WriteString("type"u8, "thought");
                    writer.WriteString("text"u8, thought.Text);
                    writer.WriteString("signature"u8, thought.Signature);
                    WriteStrings(writer, "summary", thought.Summary);
                    break;
                case UnknownBlock unknown:
                    writer.WriteString("type"u8, "unknown");
                    writer.WriteString("data"u8, unknown.Data?.ToJsonString());
                    writer.WriteString("model_name"u8, unknown.ModelName);
                    writer.WriteString("provider_name"u8, unknown.ProviderName);
                    break;
                default:
                    return false;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return true;
    });

    /// <summary>A stream's chunks as JSON (content, usage, finish reason; no raw chunk); null when a delta is of a kind the cache doesn't keep.</summary>
    public static string? Chunks(IReadOnlyList<ProviderStreamChunk> chunks) => Write(writer =>
    {
        writer.WriteStartArray("chunks"u8);
        foreach (var chunk in chunks)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("content"u8);
            foreach (var delta in chunk.Content)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, delta.Id);
                switch (delta)
                {
                    case TextDelta text:
                        writer.WriteString("type"u8, "text");
                        writer.WriteString("text"u8, text.Text);
                        break;
                    case ToolCallDelta call:
                        writer.WriteString("type"u8, "tool_call");
                        writer.WriteString("name"u8, call.Name);
                        writer.WriteString("arguments"u8, call.ArgumentsDelta);
                        break;
                    case ThoughtDelta thought:
                        writer.WriteString("type"u8, "thought");
                        writer.WriteString("text"u8, thought.Text);
                        writer.WriteString("signature"u8, thought.Signature);
                        writer.WriteString("summary_id"u8, thought.SummaryId);
                        writer.WriteString("summary_text"u8, thought.SummaryText);
                        break;
                    default:
                        return false;
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (chunk.Usage is { } usage)
            {
                WriteUsage(writer, usage);
            }
            if (chunk.FinishReason is { } finish)
            {
                writer.WriteString("finish_reason"u8, finish.ToString());
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return true;
    });

    /// <summary>The blocks of an entry written by <see cref="Blocks"/>; null for any other entry (a stream's, a damaged one).</summary>
    public static IReadOnlyList<ContentBlock>? ReadBlocks(string output)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            if (!document.RootElement.TryGetProperty("blocks"u8, out var blocks))
            {
                return null;
            }
            var result = new List<ContentBlock>();
            foreach (var block in blocks.EnumerateArray())
            {
                result.Add(Text(block, "type") switch
                {
                    "text" => new TextBlock(Text(block, "text") ?? string.Empty),
                    "tool_call" => new ToolCallBlock(Text(block, "id") ?? string.Empty, Text(block, "name") ?? string.Empty, Text(block, "arguments") ?? string.Empty),
                    "thought" => new ThoughtBlock(Text(block, "text"), Text(block, "signature")) { Summary = Strings(block, "summary") },
                    "unknown" => new UnknownBlock(Text(block, "data") is { } data ? JsonNode.Parse(data) : null, Text(block, "model_name"), Text(block, "provider_name")),
                    _ => throw new JsonException("unknown block type"),
                });
            }
            return result;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The chunks of an entry written by <see cref="Chunks"/> (without raw chunks); null for any other entry.</summary>
    public static IReadOnlyList<ProviderStreamChunk>? ReadChunks(string output)
    {
        try
        {
            using var document = JsonDocument.Parse(output);
            if (!document.RootElement.TryGetProperty("chunks"u8, out var chunks))
            {
                return null;
            }
            var result = new List<ProviderStreamChunk>();
            foreach (var chunk in chunks.EnumerateArray())
            {
                var deltas = new List<ContentDelta>();
                foreach (var delta in chunk.GetProperty("content"u8).EnumerateArray())
                {
                    var id = Text(delta, "id") ?? string.Empty;
                    deltas.Add(Text(delta, "type") switch
                    {
                        "text" => new TextDelta(id, Text(delta, "text") ?? string.Empty),
                        "tool_call" => new ToolCallDelta(id, Text(delta, "name"), Text(delta, "arguments") ?? string.Empty),
                        "thought" => new ThoughtDelta(id, Text(delta, "text"), Text(delta, "signature"))
                        {
                            SummaryId = Text(delta, "summary_id"),
                            SummaryText = Text(delta, "summary_text"),
                        },
                        _ => throw new JsonException("unknown delta type"),
                    });
                }
                var usage = chunk.TryGetProperty("usage"u8, out var u) ? new Usage(Long(u, 0), Long(u, 1)) : null;
                FinishReason? finish = Text(chunk, "finish_reason") is { } name && Enum.TryParse<FinishReason>(name, out var parsed) ? parsed : null;
                result.Add(new ProviderStreamChunk(deltas, usage, finish, string.Empty));
            }
            return result.Count == 0 ? null : result;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static string? Write(Func<Utf8JsonWriter, bool> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (!body(writer))
            {
                return null;
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteUsage(Utf8JsonWriter writer, Usage usage)
    {
        writer.WriteStartArray("usage"u8);
        foreach (var value in new[] { usage.InputTokens, usage.OutputTokens })
        {
            if (value is { } n)
            {
                writer.WriteNumberValue(n);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
        writer.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return;
        }
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string>? Strings(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!).ToList() : null;

    private static long? Long(JsonElement array, int index) =>
        array[index].ValueKind == JsonValueKind.Number ? array[index].GetInt64() : null;
}
