using System.Text.Json.Nodes;
using TensorZero.Gateway.Credentials;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI.Responses;

/// <summary>
/// Maps Responses API stream events to provider-neutral chunks: <c>response.output_text.delta</c> to text,
/// <c>response.reasoning_summary_text.delta</c> to thought summaries, a function or custom tool call's
/// <c>response.output_item.added</c> to its name and its argument (input) deltas to arguments, and
/// <c>response.completed</c> / <c>response.incomplete</c> to usage, the finish reason and each reasoning item's encrypted
/// content. <c>error</c>, <c>response.failed</c> and a refusal end the stream with an error. There is no
/// <c>[DONE]</c>: <see cref="IsDone"/> turns true after a terminal event.
/// </summary>
public sealed class ResponsesStreamParser(string displayName, SecretScope secrets)
{
    // Deltas name the output item (`fc_…`); a tool call is known by its `call_id` (`call_…`), which a tool result
    // must quote on the next turn, so calls are reported under it.
    private readonly Dictionary<string, string> _callIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _argumentsSent = new(StringComparer.Ordinal);
    private string? _lastCallId;

    /// <summary>Whether a terminal event (<c>response.completed</c>, <c>response.incomplete</c>) has been read.</summary>
    public bool IsDone { get; private set; }

    public ProviderStreamChunk? Parse(string data)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(data) as JsonObject ?? throw ProviderHttp.StreamError(displayName, "an event is not a JSON object", secrets);
        }
        catch (System.Text.Json.JsonException)
        {
            throw ProviderHttp.StreamError(displayName, "an event is not valid JSON", secrets);
        }
        var content = new List<ContentDelta>();
        switch (JsonRead.String(root["type"]))
        {
            case "response.output_text.delta":
                content.Add(new TextDelta(Index(root["content_index"]), JsonRead.String(root["delta"]) ?? string.Empty));
                break;
            case "response.reasoning_summary_text.delta":
                content.Add(new ThoughtDelta(Index(root["output_index"]), null)
                {
                    SummaryId = Index(root["summary_index"]),
                    SummaryText = JsonRead.String(root["delta"]) ?? string.Empty,
                });
                break;
            case "response.output_item.added" when root["item"] is JsonObject item && IsToolCall(item):
                var callId = JsonRead.String(item["call_id"]) ?? JsonRead.String(item["id"]) ?? string.Empty;
                if (JsonRead.String(item["id"]) is { } itemId)
                {
                    _callIds[itemId] = callId;
                }
                _lastCallId = callId;
                content.Add(new ToolCallDelta(callId, JsonRead.String(item["name"]), string.Empty));
                break;
            case "response.function_call_arguments.delta" or "response.custom_tool_call_input.delta":
                var deltaId = CallIdOf(root);
                _argumentsSent.Add(deltaId);
                content.Add(new ToolCallDelta(deltaId, null, JsonRead.String(root["delta"]) ?? string.Empty));
                break;
            // Arguments that came whole (no deltas) arrive with the call's `done` events.
            case "response.function_call_arguments.done" or "response.custom_tool_call_input.done":
                AddUnsent(content, CallIdOf(root), JsonRead.String(root["arguments"] ?? root["input"]));
                break;
            case "response.output_item.done" when root["item"] is JsonObject item && IsToolCall(item):
                var doneId = JsonRead.String(item["call_id"]) ?? JsonRead.String(item["id"]) ?? string.Empty;
                AddUnsent(content, doneId, JsonRead.String(item["arguments"] ?? item["input"]));
                break;
            case "response.completed":
                return Finish(root, data, content, JsonRead.String(root["response"]?["incomplete_details"]?["reason"]) is null
                    ? FinishReason.Stop
                    : FinishReason.Length);
            case "response.incomplete":
                return Finish(root, data, content, FinishReason.Length);
            case "response.failed":
                throw ProviderHttp.StreamError(displayName, JsonRead.String(root["response"]?["error"]?["message"]) ?? data, secrets, rawChunk: data);
            case "error":
                throw ProviderHttp.StreamError(displayName, ErrorBody(root), secrets, rawChunk: data);
            case "response.refusal.delta":
                throw ProviderHttp.StreamError(displayName, $"Model refused to respond: {JsonRead.String(root["delta"])}", secrets);
            case "response.refusal.done":
                throw ProviderHttp.StreamError(displayName, $"Model refused to respond: {JsonRead.String(root["refusal"])}", secrets);
        }
        return content.Count == 0 ? null : new ProviderStreamChunk(content, null, null, data) { Secrets = secrets };
    }

    // An `error` event carries its message and code flat beside `type` (or, from some servers, in an `error` object):
    // as an error body, so the message and code are what is passed on.
    private static string ErrorBody(JsonObject root)
    {
        var error = root["error"] as JsonObject ?? root;
        return new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = error["message"]?.DeepClone(), ["code"] = error["code"]?.DeepClone() },
        }.ToJsonString();
    }

    private static bool IsToolCall(JsonObject item) => JsonRead.String(item["type"]) is "function_call" or "custom_tool_call";

    private string CallIdOf(JsonObject root)
    {
        var callId = JsonRead.String(root["item_id"]) is { } itemId && _callIds.TryGetValue(itemId, out var known) ? known : _lastCallId;
        if (callId is null)
        {
            throw ProviderHttp.StreamError(displayName, "tool call arguments arrived before their tool call", secrets);
        }
        return callId;
    }

    private void AddUnsent(List<ContentDelta> content, string callId, string? arguments)
    {
        if (_argumentsSent.Add(callId) && arguments is { Length: > 0 })
        {
            content.Add(new ToolCallDelta(callId, null, arguments));
        }
    }

    // Usage and the finish reason; each reasoning item's encrypted content is the thought's final signature.
    private ProviderStreamChunk Finish(JsonObject root, string data, List<ContentDelta> content, FinishReason finish)
    {
        IsDone = true;
        var response = root["response"] as JsonObject;
        var output = response?["output"] as JsonArray ?? [];
        for (var i = 0; i < output.Count; i++)
        {
            if (output[i] is JsonObject item && JsonRead.String(item["type"]) == "reasoning")
            {
                content.Add(new ThoughtDelta(i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, JsonRead.String(item["encrypted_content"])));
            }
        }
        return new ProviderStreamChunk(content, ResponsesResponseParser.ParseUsage(response?["usage"]), finish, data)
        {
            RawUsage = ResponsesResponseParser.RawUsageOf(response?["usage"]),
            Secrets = secrets,
        };
    }

    private static string Index(JsonNode? node) =>
        (JsonRead.Long(node) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
