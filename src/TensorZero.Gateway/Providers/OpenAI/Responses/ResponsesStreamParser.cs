using System.Text.Json;
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
        // A pooled document per event, not a node tree: every value is read out before it is disposed.
        using (var document = ProviderHttp.ParseStreamDocument(data, "an event", displayName, secrets))
        {
            var root = document.RootElement;
            return Parse(root, data);
        }
    }

    private ProviderStreamChunk? Parse(JsonElement root, string data)
    {
        var content = new List<ContentDelta>();
        var item = JsonRead.Property(root, "item"u8);
        switch (JsonRead.String(JsonRead.Property(root, "type"u8)))
        {
            case "response.output_text.delta":
                content.Add(new TextDelta(Index(JsonRead.Property(root, "content_index"u8)), JsonRead.String(JsonRead.Property(root, "delta"u8)) ?? string.Empty));
                break;
            case "response.reasoning_summary_text.delta":
                content.Add(new ThoughtDelta(Index(JsonRead.Property(root, "output_index"u8)), null)
                {
                    SummaryId = Index(JsonRead.Property(root, "summary_index"u8)),
                    SummaryText = JsonRead.String(JsonRead.Property(root, "delta"u8)) ?? string.Empty,
                });
                break;
            case "response.output_item.added" when IsToolCall(item):
                var callId = JsonRead.String(JsonRead.Property(item, "call_id"u8)) ?? JsonRead.String(JsonRead.Property(item, "id"u8)) ?? string.Empty;
                if (JsonRead.String(JsonRead.Property(item, "id"u8)) is { } itemId)
                {
                    _callIds[itemId] = callId;
                }
                _lastCallId = callId;
                content.Add(new ToolCallDelta(callId, JsonRead.String(JsonRead.Property(item, "name"u8)), string.Empty));
                break;
            case "response.function_call_arguments.delta" or "response.custom_tool_call_input.delta":
                var deltaId = CallIdOf(root);
                _argumentsSent.Add(deltaId);
                content.Add(new ToolCallDelta(deltaId, null, JsonRead.String(JsonRead.Property(root, "delta"u8)) ?? string.Empty));
                break;
            // Arguments that came whole (no deltas) arrive with the call's `done` events.
            case "response.function_call_arguments.done" or "response.custom_tool_call_input.done":
                AddUnsent(content, CallIdOf(root), ArgumentsOf(root));
                break;
            case "response.output_item.done" when IsToolCall(item):
                var doneId = JsonRead.String(JsonRead.Property(item, "call_id"u8)) ?? JsonRead.String(JsonRead.Property(item, "id"u8)) ?? string.Empty;
                AddUnsent(content, doneId, ArgumentsOf(item));
                break;
            case "response.completed":
                var incomplete = JsonRead.Property(JsonRead.Property(JsonRead.Property(root, "response"u8), "incomplete_details"u8), "reason"u8);
                return Finish(root, data, content, JsonRead.String(incomplete) is null ? FinishReason.Stop : FinishReason.Length);
            case "response.incomplete":
                return Finish(root, data, content, FinishReason.Length);
            case "response.failed":
                var failure = JsonRead.Property(JsonRead.Property(JsonRead.Property(root, "response"u8), "error"u8), "message"u8);
                throw ProviderHttp.StreamError(displayName, JsonRead.String(failure) ?? data, secrets, rawChunk: data);
            case "error":
                throw ProviderHttp.StreamError(displayName, ErrorBody(root), secrets, rawChunk: data);
            case "response.refusal.delta":
                throw ProviderHttp.StreamError(displayName, $"Model refused to respond: {JsonRead.String(JsonRead.Property(root, "delta"u8))}", secrets);
            case "response.refusal.done":
                throw ProviderHttp.StreamError(displayName, $"Model refused to respond: {JsonRead.String(JsonRead.Property(root, "refusal"u8))}", secrets);
        }
        return content.Count == 0 ? null : new ProviderStreamChunk(content, null, null, data) { Secrets = secrets };
    }

    // A function call's `arguments`, or a custom tool call's `input` when there are none.
    private static string? ArgumentsOf(JsonElement holder)
    {
        var arguments = JsonRead.Property(holder, "arguments"u8);
        return JsonRead.String(JsonRead.HasValue(arguments) ? arguments : JsonRead.Property(holder, "input"u8));
    }

    // An `error` event carries its message and code flat beside `type` (or, from some servers, in an `error` object):
    // as an error body, so the message and code are what is passed on.
    private static string ErrorBody(JsonElement root)
    {
        var error = JsonRead.Property(root, "error"u8) is { ValueKind: JsonValueKind.Object } inner ? inner : root;
        return JsonRead.Written(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            WriteValue(writer, "message", JsonRead.Property(error, "message"u8));
            WriteValue(writer, "code", JsonRead.Property(error, "code"u8));
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

        static void WriteValue(Utf8JsonWriter writer, string name, JsonElement value)
        {
            writer.WritePropertyName(name);
            if (JsonRead.HasValue(value))
            {
                value.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    private static bool IsToolCall(JsonElement item) => JsonRead.String(JsonRead.Property(item, "type"u8)) is "function_call" or "custom_tool_call";

    private string CallIdOf(JsonElement root)
    {
        var callId = JsonRead.String(JsonRead.Property(root, "item_id"u8)) is { } itemId && _callIds.TryGetValue(itemId, out var known) ? known : _lastCallId;
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
    private ProviderStreamChunk Finish(JsonElement root, string data, List<ContentDelta> content, FinishReason finish)
    {
        IsDone = true;
        var response = JsonRead.Property(root, "response"u8);
        if (JsonRead.Property(response, "output"u8) is { ValueKind: JsonValueKind.Array } output)
        {
            var i = 0;
            foreach (var item in output.EnumerateArray())
            {
                if (JsonRead.IsString(JsonRead.Property(item, "type"u8), "reasoning"u8))
                {
                    content.Add(new ThoughtDelta(i.ToString(System.Globalization.CultureInfo.InvariantCulture), null, JsonRead.String(JsonRead.Property(item, "encrypted_content"u8))));
                }
                i++;
            }
        }
        var usage = JsonRead.Property(response, "usage"u8);
        return new ProviderStreamChunk(content, ResponsesResponseParser.ParseUsage(usage), finish, data)
        {
            RawUsage = ResponsesResponseParser.RawUsageOf(usage),
            Secrets = secrets,
        };
    }

    private static string Index(JsonElement value) =>
        (JsonRead.Long(value) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
