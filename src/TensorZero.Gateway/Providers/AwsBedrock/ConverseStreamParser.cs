using System.Globalization;
using System.Text.Json;
using TensorZero.Gateway.Providers.Aws.EventStream;
using TensorZero.Gateway.Providers.Abstractions;
using TensorZero.Gateway.Credentials;

namespace TensorZero.Gateway.Providers.AwsBedrock;

/// <summary>
/// Maps ConverseStream events (one event-stream message each, the payload being the event member) to provider-neutral
/// chunks. Tool-argument fragments belong to the most recent <c>toolUse</c> start; an exception message ends the stream
/// with an error.
/// </summary>
public sealed class ConverseStreamParser(string displayName, SecretScope secrets, bool jsonPrefill, ILogger logger)
{
    private string? _currentToolUseId;
    private bool _prefillPending = jsonPrefill;

    public ProviderStreamChunk? Parse(EventStreamMessage message)
    {
        var payload = message.PayloadText;
        var messageType = message.MessageType;
        if (messageType is "exception" or "error")
        {
            var name = message.StringHeader(":exception-type") ?? message.StringHeader(":error-code") ?? "unknownException";
            var detail = ReadMessage(payload) ?? message.StringHeader(":error-message") ?? payload;
            throw ProviderHttp.StreamError(displayName, $"{name}: {detail}", secrets, rawChunk: payload);
        }
        if (messageType is not (null or "event"))
        {
            logger.LogWarning("Skipping a {Provider} stream message of unknown type {MessageType}", displayName, messageType);
            return null;
        }
        var eventType = message.StringHeader(":event-type");
        // A pooled document per event, not a node tree: every value is read out before it is disposed.
        using var document = ProviderHttp.ParseStreamDocument(payload, "an event payload", displayName, secrets);
        var root = document.RootElement;
        switch (eventType)
        {
            case "messageStart" or "contentBlockStop":
                return null;
            case "contentBlockStart":
                return BlockStart(root, payload);
            case "contentBlockDelta":
                return BlockDelta(root, payload);
            case "messageStop":
                return JsonRead.String(JsonRead.Property(root, "stopReason"u8)) is { } stopReason
                    ? new ProviderStreamChunk([], null, ConverseWire.MapStopReason(stopReason), payload)
                    : null;
            case "metadata":
                var usage = JsonRead.Property(root, "usage"u8);
                return ConverseWire.ParseUsage(usage) is { } parsed
                    ? new ProviderStreamChunk([], parsed, null, payload) { RawUsage = RawUsage.Of(usage) }
                    : null;
            default:
                return Unknown(eventType);
        }
    }

    private ProviderStreamChunk? BlockStart(JsonElement root, string payload)
    {
        if (JsonRead.Property(JsonRead.Property(root, "start"u8), "toolUse"u8) is not { ValueKind: JsonValueKind.Object } toolUse)
        {
            return null;
        }
        var id = JsonRead.String(JsonRead.Property(toolUse, "toolUseId"u8))
            ?? throw ProviderHttp.StreamError(displayName, "a toolUse start has no toolUseId", secrets);
        _currentToolUseId = id;
        return new ProviderStreamChunk([new ToolCallDelta(id, JsonRead.String(JsonRead.Property(toolUse, "name"u8)), string.Empty)], null, null, payload);
    }

    private ProviderStreamChunk? BlockDelta(JsonElement root, string payload)
    {
        if (JsonRead.Property(root, "delta"u8) is not { ValueKind: JsonValueKind.Object } delta)
        {
            return null;
        }
        var blockId = (JsonRead.Long(JsonRead.Property(root, "contentBlockIndex"u8)) ?? 0).ToString(CultureInfo.InvariantCulture);
        ContentDelta? content = null;
        if (JsonRead.String(JsonRead.Property(delta, "text"u8)) is { } text)
        {
            content = new TextDelta(blockId, _prefillPending ? "{" + text : text);
            _prefillPending = false;
        }
        else if (JsonRead.Property(delta, "toolUse"u8) is { ValueKind: JsonValueKind.Object } toolUse)
        {
            var id = _currentToolUseId ?? throw ProviderHttp.StreamError(displayName, "a toolUse delta came before any toolUse start", secrets);
            content = new ToolCallDelta(id, null, JsonRead.String(JsonRead.Property(toolUse, "input"u8)) ?? string.Empty);
        }
        else if (JsonRead.Property(delta, "reasoningContent"u8) is { ValueKind: JsonValueKind.Object } reasoning)
        {
            var thought = JsonRead.String(JsonRead.Property(reasoning, "text"u8));
            var signature = JsonRead.String(JsonRead.Property(reasoning, "signature"u8));
            if (thought is not null || signature is not null)
            {
                content = new ThoughtDelta(blockId, thought, signature);
            }
        }
        return content is null ? null : new ProviderStreamChunk([content], null, null, payload);
    }

    private ProviderStreamChunk? Unknown(string? eventType)
    {
        logger.LogWarning("Skipping a {Provider} stream event of unknown type {EventType}", displayName, eventType ?? "(none)");
        return null;
    }

    private static string? ReadMessage(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return JsonRead.String(JsonRead.Property(root, "message"u8)) ?? JsonRead.String(JsonRead.Property(root, "Message"u8));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
