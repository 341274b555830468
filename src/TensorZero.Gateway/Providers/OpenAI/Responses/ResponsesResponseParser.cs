using System.Text.Json.Nodes;
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
        var root = ProviderHttp.ParseObject(rawResponse, displayName);
        if (root["output"] is not JsonArray output)
        {
            throw ProviderHttp.MalformedResponse(displayName, "the answer has no `output` array");
        }
        var content = new List<ContentBlock>();
        foreach (var item in output.OfType<JsonObject>())
        {
            switch (JsonRead.String(item["type"]))
            {
                case "message":
                    ReadMessage(item, content, displayName);
                    break;
                case "function_call":
                    content.Add(new ToolCallBlock(
                        JsonRead.String(item["call_id"]) ?? string.Empty,
                        JsonRead.String(item["name"]) ?? string.Empty,
                        JsonRead.String(item["arguments"]) ?? string.Empty));
                    break;
                case "custom_tool_call":
                    content.Add(new ToolCallBlock(
                        JsonRead.String(item["call_id"]) ?? string.Empty,
                        JsonRead.String(item["name"]) ?? string.Empty,
                        JsonRead.String(item["input"]) ?? string.Empty));
                    break;
                case "reasoning":
                    content.Add(Thought(item));
                    break;
                // Other items (a provider tool's `web_search_call`, …) have no content block in this gateway; the
                // answer they lead to arrives as a message.
            }
        }
        return new ProviderResponse(content, ParseUsage(root["usage"]) ?? Usage.Unknown, FinishReason(root), rawRequest, rawResponse)
        {
            RawUsage = RawUsageOf(root["usage"]),
        };
    }

    /// <summary>The <c>usage</c> object as sent (<c>raw_usage</c>, <c>api_type</c> <c>responses</c>), when there is one.</summary>
    public static RawUsage? RawUsageOf(JsonNode? usage) => usage is null ? null : new RawUsage(usage, ApiType);

    /// <summary>TensorZero's <c>api_type</c> of this API in raw entries.</summary>
    public const string ApiType = "responses";

    /// <summary>A reasoning item as a thought: no text, the encrypted content as its signature, its summary texts.</summary>
    public static ThoughtBlock Thought(JsonObject item) => new(null, JsonRead.String(item["encrypted_content"]))
    {
        Summary = (item["summary"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(s => JsonRead.String(s["type"]) == "summary_text")
            .Select(s => JsonRead.String(s["text"]) ?? string.Empty)
            .ToList(),
    };

    /// <summary><c>input_tokens</c> and <c>output_tokens</c>; null when there is no usage object.</summary>
    public static Usage? ParseUsage(JsonNode? node) =>
        node is JsonObject usage ? new Usage(JsonRead.Long(usage["input_tokens"]), JsonRead.Long(usage["output_tokens"])) : null;

    // The API has no finish reason; an answer cut by `max_output_tokens` says so in `incomplete_details`.
    private static FinishReason? FinishReason(JsonObject root) =>
        JsonRead.String(root["incomplete_details"]?["reason"]) == "max_output_tokens" ? Abstractions.FinishReason.Length : null;

    private static void ReadMessage(JsonObject item, List<ContentBlock> content, string displayName)
    {
        if (JsonRead.String(item["role"]) != "assistant")
        {
            throw ProviderHttp.MalformedResponse(displayName, "only assistant messages are supported in Responses API output");
        }
        foreach (var part in (item["content"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (JsonRead.String(part["type"]) != "output_text")
            {
                // A refusal, for one: TensorZero fails the answer rather than pass it off as text.
                throw ProviderHttp.MalformedResponse(displayName, "only output text is supported in Responses API output");
            }
            content.Add(new TextBlock(JsonRead.String(part["text"]) ?? string.Empty));
        }
    }
}
