using System.Text.Json;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI.Responses;

/// <summary>
/// Reads a Responses API answer as TensorZero does: <c>output_text</c> of assistant messages as text,
/// <c>function_call</c> and <c>custom_tool_call</c> items as tool calls (by <c>call_id</c>), <c>reasoning</c> items as
/// thoughts whose signature is the encrypted reasoning and whose summary is the summary texts.
/// </summary>
public static class ResponsesResponseParser
{
    public static ProviderResponse Parse(string rawRequest, string rawResponse, string displayName)
    {
        // A pooled document, not a node tree: every value is read out before it is disposed.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        if (JsonRead.Property(root, "output"u8) is not { ValueKind: JsonValueKind.Array } output)
        {
            throw ProviderHttp.MalformedResponse(displayName, "the answer has no `output` array");
        }
        var content = new List<ContentBlock>();
        foreach (var item in output.EnumerateArray())
        {
            // An item that is not an object has no `type`, and is skipped.
            switch (JsonRead.String(JsonRead.Property(item, "type"u8)))
            {
                case "message":
                    ReadMessage(item, content, displayName);
                    break;
                case "function_call":
                    content.Add(new ToolCallBlock(
                        JsonRead.String(JsonRead.Property(item, "call_id"u8)) ?? string.Empty,
                        JsonRead.String(JsonRead.Property(item, "name"u8)) ?? string.Empty,
                        JsonRead.String(JsonRead.Property(item, "arguments"u8)) ?? string.Empty));
                    break;
                case "custom_tool_call":
                    content.Add(new ToolCallBlock(
                        JsonRead.String(JsonRead.Property(item, "call_id"u8)) ?? string.Empty,
                        JsonRead.String(JsonRead.Property(item, "name"u8)) ?? string.Empty,
                        JsonRead.String(JsonRead.Property(item, "input"u8)) ?? string.Empty));
                    break;
                case "reasoning":
                    content.Add(Thought(item));
                    break;
                // Other items (a provider tool's `web_search_call`, …) have no content block in this gateway; the
                // answer they lead to arrives as a message.
            }
        }
        var usage = JsonRead.Property(root, "usage"u8);
        return new ProviderResponse(content, ParseUsage(usage) ?? Usage.Unknown, FinishReason(root), rawRequest, rawResponse)
        {
            RawUsage = RawUsageOf(usage),
        };
    }

    /// <summary>The <c>usage</c> object as sent (<c>raw_usage</c>, <c>api_type</c> <c>responses</c>), when there is one.</summary>
    public static RawUsage? RawUsageOf(JsonElement usage) => RawUsage.Of(usage, ApiType);

    /// <summary>TensorZero's <c>api_type</c> of this API in raw entries.</summary>
    public const string ApiType = "responses";

    /// <summary>A reasoning item as a thought: no text, the encrypted content as its signature, its summary texts.</summary>
    public static ThoughtBlock Thought(JsonElement item)
    {
        var summary = new List<string>();
        if (JsonRead.Property(item, "summary"u8) is { ValueKind: JsonValueKind.Array } parts)
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (JsonRead.IsString(JsonRead.Property(part, "type"u8), "summary_text"u8))
                {
                    summary.Add(JsonRead.String(JsonRead.Property(part, "text"u8)) ?? string.Empty);
                }
            }
        }
        return new ThoughtBlock(null, JsonRead.String(JsonRead.Property(item, "encrypted_content"u8))) { Summary = summary };
    }

    /// <summary><c>input_tokens</c> and <c>output_tokens</c>; null when there is no usage object.</summary>
    public static Usage? ParseUsage(JsonElement usage) =>
        usage.ValueKind == JsonValueKind.Object
            ? new Usage(JsonRead.Long(JsonRead.Property(usage, "input_tokens"u8)), JsonRead.Long(JsonRead.Property(usage, "output_tokens"u8)))
            : null;

    // The API has no finish reason; an answer cut by `max_output_tokens` says so in `incomplete_details`.
    private static FinishReason? FinishReason(JsonElement root) =>
        JsonRead.IsString(JsonRead.Property(JsonRead.Property(root, "incomplete_details"u8), "reason"u8), "max_output_tokens"u8)
            ? Abstractions.FinishReason.Length
            : null;

    private static void ReadMessage(JsonElement item, List<ContentBlock> content, string displayName)
    {
        if (!JsonRead.IsString(JsonRead.Property(item, "role"u8), "assistant"u8))
        {
            throw ProviderHttp.MalformedResponse(displayName, "only assistant messages are supported in Responses API output");
        }
        if (JsonRead.Property(item, "content"u8) is not { ValueKind: JsonValueKind.Array } parts)
        {
            return;
        }
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            if (!JsonRead.IsString(JsonRead.Property(part, "type"u8), "output_text"u8))
            {
                // A refusal, for one: TensorZero fails the answer rather than pass it off as text.
                throw ProviderHttp.MalformedResponse(displayName, "only output text is supported in Responses API output");
            }
            content.Add(new TextBlock(JsonRead.String(JsonRead.Property(part, "text"u8)) ?? string.Empty));
        }
    }
}
