using System.Globalization;
using System.Text.Json.Nodes;
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
        var root = ParsePayload(payload);
        return eventType switch
        {
            "messageStart" or "contentBlockStop" => null,
            "contentBlockStart" => BlockStart(root, payload),
            "contentBlockDelta" => BlockDelta(root, payload),
            "messageStop" => JsonRead.String(root["stopReason"]) is { } stopReason
                ? new ProviderStreamChunk([], null, ConverseWire.MapStopReason(stopReason), payload)
                : null,
            "metadata" => ConverseWire.ParseUsage(root["usage"]) is { } usage
                ? new ProviderStreamChunk([], usage, null, payload) { RawUsage = new RawUsage(root["usage"]) }
                : null,
            _ => Unknown(eventType),
        };
    }

    private ProviderStreamChunk? BlockStart(JsonObject root, string payload)
    {
        if (root["start"]?["toolUse"] is not JsonObject toolUse)
        {
            return null;
        }
        var id = JsonRead.String(toolUse["toolUseId"]) ?? throw ProviderHttp.StreamError(displayName, "a toolUse start has no toolUseId", secrets);
        _currentToolUseId = id;
        return new ProviderStreamChunk([new ToolCallDelta(id, JsonRead.String(toolUse["name"]), string.Empty)], null, null, payload);
    }

    private ProviderStreamChunk? BlockDelta(JsonObject root, string payload)
    {
        if (root["delta"] is not JsonObject delta)
        {
            return null;
        }
        var blockId = (JsonRead.Long(root["contentBlockIndex"]) ?? 0).ToString(CultureInfo.InvariantCulture);
        ContentDelta? content = null;
        if (JsonRead.String(delta["text"]) is { } text)
        {
            content = new TextDelta(blockId, _prefillPending ? "{" + text : text);
            _prefillPending = false;
        }
        else if (delta["toolUse"] is JsonObject toolUse)
        {
            var id = _currentToolUseId ?? throw ProviderHttp.StreamError(displayName, "a toolUse delta came before any toolUse start", secrets);
            content = new ToolCallDelta(id, null, JsonRead.String(toolUse["input"]) ?? string.Empty);
        }
        else if (delta["reasoningContent"] is JsonObject reasoning)
        {
            var thought = JsonRead.String(reasoning["text"]);
            var signature = JsonRead.String(reasoning["signature"]);
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

    private JsonObject ParsePayload(string payload)
    {
        try
        {
            return JsonNode.Parse(payload) as JsonObject ?? throw ProviderHttp.StreamError(displayName, "an event payload is not a JSON object", secrets);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ProviderHttp.StreamError(displayName, "an event payload is not valid JSON", secrets);
        }
    }

    private static string? ReadMessage(string payload)
    {
        try
        {
            var root = JsonNode.Parse(payload) as JsonObject;
            return JsonRead.String(root?["message"]) ?? JsonRead.String(root?["Message"]);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
