using System.Text;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Providers.OpenAI;

/// <summary>
/// Reads chat-completions answers of every flavour: content as a string or as Mistral's chunk array, thoughts from
/// <c>reasoning</c>/<c>reasoning_content</c> or <c>&lt;think&gt;</c> tags, tool arguments as a string or (TGI) an object.
/// </summary>
public static class OpenAIResponseParser
{
    public static ProviderResponse Parse(OpenAIFlavour flavour, string rawRequest, string rawResponse, string displayName)
    {
        var root = ProviderHttp.ParseObject(rawResponse, displayName);
        if (root["choices"] is not JsonArray { Count: 1 } choices || choices[0] is not JsonObject choice)
        {
            throw ProviderHttp.MalformedResponse(displayName, "expected exactly one choice");
        }
        if (flavour.UsageRequired && root["usage"] is not JsonObject)
        {
            throw ProviderHttp.MalformedResponse(displayName, "the answer has no `usage`");
        }
        var content = new List<ContentBlock>();
        if (choice["message"] is JsonObject message)
        {
            var thought = new StringBuilder(JsonRead.String(message["reasoning"]) ?? JsonRead.String(message["reasoning_content"]) ?? string.Empty);
            var text = new StringBuilder();
            var hasText = ReadContent(message["content"], text, thought);
            if (flavour.ParsesThinkTags && hasText)
            {
                var (tagThought, rest) = ThinkTags.Split(text.ToString());
                thought.Append(tagThought);
                text.Clear().Append(rest);
            }
            if (thought.Length > 0)
            {
                content.Add(new ThoughtBlock(thought.ToString()));
            }
            if (hasText)
            {
                content.Add(new TextBlock(text.ToString()));
            }
            if (message["tool_calls"] is JsonArray toolCalls)
            {
                foreach (var call in toolCalls.OfType<JsonObject>())
                {
                    // A custom tool's call carries `custom: {name, input}` (free text) where a function's has `function`.
                    var function = call["function"] as JsonObject ?? call["custom"] as JsonObject;
                    content.Add(new ToolCallBlock(
                        JsonRead.String(call["id"]) ?? string.Empty,
                        JsonRead.String(function?["name"]) ?? string.Empty,
                        ArgumentsText(function?["arguments"] ?? function?["input"])));
                }
            }
        }
        var finishReason = JsonRead.String(choice["finish_reason"]) is { Length: > 0 } reasonText ? MapFinishReason(reasonText) : (FinishReason?)null;
        return new ProviderResponse(content, ParseUsage(flavour, root["usage"]) ?? Usage.Unknown, finishReason, rawRequest, rawResponse)
        {
            RawUsage = RawUsageOf(root),
        };
    }

    /// <summary>The chunk's or answer's <c>usage</c> object as sent, when it is there and not null.</summary>
    public static RawUsage? RawUsageOf(JsonObject root) => root["usage"] is { } usage ? new RawUsage(usage) : null;

    /// <summary>
    /// Appends a content value to <paramref name="text"/> (and Mistral <c>thinking</c> chunks to <paramref name="thought"/>).
    /// Returns whether there was any text content at all.
    /// </summary>
    public static bool ReadContent(JsonNode? content, StringBuilder text, StringBuilder thought)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var plain):
                text.Append(plain);
                return true;
            case JsonArray parts:
                var hasText = false;
                foreach (var part in parts.OfType<JsonObject>())
                {
                    switch (JsonRead.String(part["type"]))
                    {
                        case "text":
                            text.Append(JsonRead.String(part["text"]));
                            hasText = true;
                            break;
                        case "thinking":
                            ReadContent(part["thinking"], thought, thought);
                            break;
                    }
                }
                return hasText;
            default:
                return false;
        }
    }

    public static Usage? ParseUsage(OpenAIFlavour flavour, JsonNode? node)
    {
        if (node is not JsonObject usage)
        {
            return null;
        }
        var output = JsonRead.Long(usage["completion_tokens"]);
        if (flavour.AddsReasoningTokens && JsonRead.Long(usage["completion_tokens_details"]?["reasoning_tokens"]) is { } reasoning)
        {
            output = (output ?? 0) + reasoning;
        }
        return new Usage(JsonRead.Long(usage["prompt_tokens"]), output);
    }

    public static FinishReason MapFinishReason(string reason) => reason switch
    {
        "stop" or "eos" or "eos_token" => FinishReason.Stop,
        "stop_sequence" => FinishReason.StopSequence,
        "length" or "model_length" => FinishReason.Length,
        "content_filter" => FinishReason.ContentFilter,
        "tool_calls" or "function_call" => FinishReason.ToolCall,
        _ => FinishReason.Unknown,
    };



    /// <summary>Tool arguments as JSON text; TGI sends them as a JSON object instead of a string.</summary>
    public static string ArgumentsText(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };
}
