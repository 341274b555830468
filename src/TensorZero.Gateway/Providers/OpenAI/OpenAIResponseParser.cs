using System.Text;
using System.Text.Json;
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
        // A document, not a node tree: the answer is read once, and only the usage object is kept beyond this call.
        using var document = ProviderHttp.ParseDocument(rawResponse, displayName);
        var root = document.RootElement;
        var choices = JsonRead.Property(root, "choices"u8);
        if (choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() != 1 || choices[0] is not { ValueKind: JsonValueKind.Object } choice)
        {
            throw ProviderHttp.MalformedResponse(displayName, "expected exactly one choice");
        }
        var usage = JsonRead.Property(root, "usage"u8);
        if (flavour.UsageRequired && usage.ValueKind != JsonValueKind.Object)
        {
            throw ProviderHttp.MalformedResponse(displayName, "the answer has no `usage`");
        }
        var content = new List<ContentBlock>();
        if (JsonRead.Property(choice, "message"u8) is { ValueKind: JsonValueKind.Object } message)
        {
            ReadMessage(flavour, message, content);
        }
        var finishReason = JsonRead.String(JsonRead.Property(choice, "finish_reason"u8)) is { Length: > 0 } reasonText ? MapFinishReason(reasonText) : (FinishReason?)null;
        return new ProviderResponse(content, ParseUsage(flavour, usage) ?? Usage.Unknown, finishReason, rawRequest, rawResponse)
        {
            RawUsage = RawUsage.Of(usage),
        };
    }

    /// <summary>The thought (reasoning fields, thinking chunks, think tags), the text, then the tool calls of a message.</summary>
    private static void ReadMessage(OpenAIFlavour flavour, JsonElement message, List<ContentBlock> content)
    {
        var (thought, text) = ReadThoughtAndText(message);
        if (flavour.ParsesThinkTags && text is not null)
        {
            var (tagThought, rest) = ThinkTags.Split(text);
            thought += tagThought;
            text = rest;
        }
        if (thought.Length > 0)
        {
            content.Add(new ThoughtBlock(thought));
        }
        if (text is not null)
        {
            content.Add(new TextBlock(text));
        }
        if (JsonRead.Property(message, "tool_calls"u8) is { ValueKind: JsonValueKind.Array } toolCalls)
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                var (name, arguments) = ToolCallFunction(call);
                content.Add(new ToolCallBlock(JsonRead.String(JsonRead.Property(call, "id"u8)) ?? string.Empty, name ?? string.Empty, arguments));
            }
        }
    }

    /// <summary>
    /// The reasoning and the text content of a message or a streamed delta; the text is null when there is no text
    /// content. The usual content, one string, is read without builders.
    /// </summary>
    public static (string Thought, string? Text) ReadThoughtAndText(JsonElement holder)
    {
        var reasoning = Reasoning(holder);
        var content = JsonRead.Property(holder, "content"u8);
        if (content.ValueKind == JsonValueKind.String)
        {
            return (reasoning ?? string.Empty, content.GetString());
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            return (reasoning ?? string.Empty, null);
        }
        var thought = new StringBuilder(reasoning);
        var text = new StringBuilder();
        var hasText = ReadContent(content, text, thought);
        return (thought.ToString(), hasText ? text.ToString() : null);
    }

    /// <summary>
    /// Appends a content value to <paramref name="text"/> (and Mistral <c>thinking</c> chunks to <paramref name="thought"/>).
    /// Returns whether there was any text content at all.
    /// </summary>
    public static bool ReadContent(JsonElement content, StringBuilder text, StringBuilder thought)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text.Append(content.GetString());
                return true;
            case JsonValueKind.Array:
                var hasText = false;
                foreach (var part in content.EnumerateArray())
                {
                    // A part that is not an object has no `type`, and is skipped.
                    switch (JsonRead.String(JsonRead.Property(part, "type"u8)))
                    {
                        case "text":
                            text.Append(JsonRead.String(JsonRead.Property(part, "text"u8)));
                            hasText = true;
                            break;
                        case "thinking":
                            ReadContent(JsonRead.Property(part, "thinking"u8), thought, thought);
                            break;
                    }
                }
                return hasText;
            default:
                return false;
        }
    }

    /// <summary>
    /// A <c>usage</c> object's token counts; null when it is absent or not an object. Output tokens include the
    /// reasoning tokens of a flavour that counts them apart (<see cref="OpenAIFlavour.AddsReasoningTokens"/>).
    /// </summary>
    public static Usage? ParseUsage(OpenAIFlavour flavour, JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var output = JsonRead.Long(JsonRead.Property(usage, "completion_tokens"u8));
        if (flavour.AddsReasoningTokens
            && JsonRead.Long(JsonRead.Property(JsonRead.Property(usage, "completion_tokens_details"u8), "reasoning_tokens"u8)) is { } reasoning)
        {
            output = (output ?? 0) + reasoning;
        }
        return new Usage(JsonRead.Long(JsonRead.Property(usage, "prompt_tokens"u8)), output);
    }

    /// <summary>A message's or delta's reasoning text, under either name servers of the OpenAI family give it: <c>reasoning</c>, else <c>reasoning_content</c>.</summary>
    public static string? Reasoning(JsonElement message) =>
        JsonRead.String(JsonRead.Property(message, "reasoning"u8)) ?? JsonRead.String(JsonRead.Property(message, "reasoning_content"u8));

    /// <summary>
    /// A tool call's name and arguments text, in an answer or a stream delta. A custom tool's call carries
    /// <c>custom: {name, input}</c> (free text) where a function's has <c>function: {name, arguments}</c>.
    /// </summary>
    public static (string? Name, string Arguments) ToolCallFunction(JsonElement call)
    {
        var function = JsonRead.Property(call, "function"u8);
        if (function.ValueKind != JsonValueKind.Object)
        {
            function = JsonRead.Property(call, "custom"u8);
        }
        var arguments = JsonRead.Property(function, "arguments"u8);
        if (!JsonRead.HasValue(arguments))
        {
            arguments = JsonRead.Property(function, "input"u8);
        }
        return (JsonRead.String(JsonRead.Property(function, "name"u8)), ArgumentsText(arguments));
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
    private static string ArgumentsText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
        JsonValueKind.String => element.GetString()!,
        _ => JsonRead.CompactText(element),
    };
}
