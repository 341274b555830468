using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TensorZero.Gateway.Streaming;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.Anthropic;

/// <summary>
/// Maps Anthropic's stream events to provider-neutral chunks. Events are told apart by their JSON <c>type</c> (the SSE
/// event name is ignored); <c>message_stop</c> ends the stream and an <c>error</c> event fails it. Text and thinking
/// deltas are identified by block index, tool-call deltas by the tool-use id announced for that index.
/// </summary>
/// <remarks>
/// Usage is reported once, with the <c>message_delta</c>: its cumulative output tokens, and the input tokens of
/// <c>message_start</c> (cache tokens included) unless the delta carries its own.
/// </remarks>
/// <param name="jsonPrefill">The request ended with the JSON prefill: the first text delta gets its opening brace back.</param>
public sealed class AnthropicStreamParser(string displayName, SecretScope secrets, bool jsonPrefill)
{
    private readonly Dictionary<long, string> _toolIds = [];
    private long? _inputTokens;
    private bool _bracePending = jsonPrefill;

    /// <summary>Whether <c>message_stop</c> has arrived.</summary>
    public bool Completed { get; private set; }

    /// <summary>Reads an SSE body to <c>message_stop</c>; a body that ends before it is a broken stream.</summary>
    public async IAsyncEnumerable<ProviderStreamChunk> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in SseReader.ReadAsync(body, cancellationToken).ConfigureAwait(false))
        {
            if (Parse(sse.Data) is { } chunk)
            {
                yield return chunk;
            }
            if (Completed)
            {
                yield break;
            }
        }
        throw ProviderHttp.StreamError(displayName, "the stream ended before `message_stop`", secrets);
    }

    /// <summary>Maps one event's data; null for events without content, usage or a finish reason.</summary>
    public ProviderStreamChunk? Parse(string data)
    {
        // A pooled document per event, not a node tree: every value is read out before it is disposed.
        using (var document = ProviderHttp.ParseStreamDocument(data, "an event", displayName, secrets))
        {
            var root = document.RootElement;
            switch (JsonRead.String(JsonRead.Property(root, "type"u8)))
            {
                case "message_start":
                    var startUsage = JsonRead.Property(JsonRead.Property(root, "message"u8), "usage"u8);
                    if (startUsage.ValueKind != JsonValueKind.Object)
                    {
                        return null;
                    }
                    // The input tokens are reported with the delta; the event itself goes on for raw output.
                    _inputTokens = AnthropicWire.InputTokens(startUsage);
                    return new ProviderStreamChunk([], null, null, data) { RawUsage = RawUsage.Of(startUsage), Secrets = secrets };
                case "content_block_start":
                    return Chunk(BlockStart(Index(root), JsonRead.Property(root, "content_block"u8)), data);
                case "content_block_delta":
                    return Chunk(BlockDelta(Index(root), JsonRead.Property(root, "delta"u8)), data);
                case "message_delta":
                    return MessageDelta(root, data);
                case "message_stop":
                    Completed = true;
                    return null;
                case "error":
                    var error = JsonRead.Property(root, "error"u8);
                    throw ProviderHttp.StreamError(displayName, JsonRead.HasValue(error) ? JsonRead.CompactText(error) : data, secrets, rawChunk: data);
                default:
                    // `ping`, `content_block_stop` and event types added later carry nothing to forward.
                    return null;
            }
        }
    }

    private ContentDelta? BlockStart(long index, JsonElement block)
    {
        var id = index.ToString(CultureInfo.InvariantCulture);
        switch (JsonRead.String(JsonRead.Property(block, "type"u8)))
        {
            case "text" when JsonRead.String(JsonRead.Property(block, "text"u8)) is { Length: > 0 } text:
                return Text(id, text);
            case "tool_use":
                var toolId = JsonRead.String(JsonRead.Property(block, "id"u8))
                    ?? throw ProviderHttp.StreamError(displayName, "a `tool_use` block has no id", secrets);
                _toolIds[index] = toolId;
                return new ToolCallDelta(toolId, JsonRead.String(JsonRead.Property(block, "name"u8)), string.Empty);
            case "thinking":
                var thinking = JsonRead.String(JsonRead.Property(block, "thinking"u8));
                var signature = JsonRead.String(JsonRead.Property(block, "signature"u8));
                return string.IsNullOrEmpty(thinking) && string.IsNullOrEmpty(signature)
                    ? null
                    : new ThoughtDelta(id, NullIfEmpty(thinking), NullIfEmpty(signature));
            case "redacted_thinking":
                return new ThoughtDelta(id, null, JsonRead.String(JsonRead.Property(block, "data"u8)));
            default:
                return null;
        }
    }

    private ContentDelta? BlockDelta(long index, JsonElement delta)
    {
        var id = index.ToString(CultureInfo.InvariantCulture);
        return JsonRead.String(JsonRead.Property(delta, "type"u8)) switch
        {
            "text_delta" => Text(id, JsonRead.String(JsonRead.Property(delta, "text"u8)) ?? string.Empty),
            "input_json_delta" => new ToolCallDelta(
                _toolIds.TryGetValue(index, out var toolId)
                    ? toolId
                    : throw ProviderHttp.StreamError(displayName, $"an `input_json_delta` for block {id} has no `tool_use` block", secrets),
                null,
                JsonRead.String(JsonRead.Property(delta, "partial_json"u8)) ?? string.Empty),
            "thinking_delta" => new ThoughtDelta(id, JsonRead.String(JsonRead.Property(delta, "thinking"u8))),
            "signature_delta" => new ThoughtDelta(id, null, JsonRead.String(JsonRead.Property(delta, "signature"u8))),
            _ => null,
        };
    }

    private ProviderStreamChunk MessageDelta(JsonElement root, string data)
    {
        var deltaUsage = JsonRead.Property(root, "usage"u8);
        Usage? usage = deltaUsage.ValueKind == JsonValueKind.Object
            ? new Usage(AnthropicWire.InputTokens(deltaUsage) ?? _inputTokens, JsonRead.Long(JsonRead.Property(deltaUsage, "output_tokens"u8)))
            : null;
        var reason = JsonRead.String(JsonRead.Property(JsonRead.Property(root, "delta"u8), "stop_reason"u8));
        FinishReason? finish = reason is { Length: > 0 } ? AnthropicWire.MapFinishReason(reason) : null;
        return new ProviderStreamChunk([], usage, finish, data)
        {
            RawUsage = RawUsage.Of(deltaUsage),
            Secrets = secrets,
        };
    }

    private TextDelta? Text(string id, string text)
    {
        if (_bracePending)
        {
            _bracePending = false;
            text = "{" + text.TrimStart();
        }
        return text.Length == 0 ? null : new TextDelta(id, text);
    }

    private long Index(JsonElement root) =>
        JsonRead.Long(JsonRead.Property(root, "index"u8)) ?? throw ProviderHttp.StreamError(displayName, "a content block event has no index", secrets);

    private ProviderStreamChunk? Chunk(ContentDelta? delta, string data) =>
        delta is null ? null : new ProviderStreamChunk([delta], null, null, data) { Secrets = secrets };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
