using System.Text;
using System.Text.Json;
using TensorZero.Gateway.Inference;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Turns OpenAI <c>messages</c> into TensorZero's input: system and developer messages become <c>input.system</c>,
/// assistant <c>tool_calls</c> become tool-call blocks, and each run of <c>tool</c> messages becomes one user message
/// of tool results (providers such as Bedrock need parallel results in one message).
/// </summary>
internal static class OpenAIMessageParser
{
    public static InferenceInput Parse(JsonElement root, ILogger logger)
    {
        if (!root.TryGetProperty("messages", out var array))
        {
            throw Invalid("`messages`: is required");
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("`messages`: must be an array");
        }
        StringBuilder? system = null;
        var messages = new List<RequestMessage>();
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        List<ContentBlock>? toolResults = null;
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var path = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object with a `role`");
            }
            var role = RequiredString(message, "role", $"{path}.role");
            if (role != "tool" && toolResults is not null)
            {
                messages.Add(new RequestMessage(Role.User, toolResults));
                toolResults = null;
            }
            switch (role)
            {
                case "system" or "developer":
                    if (system is not null)
                    {
                        logger.LogWarning("Multiple system messages provided. They will be concatenated and moved to the start of the conversation.");
                    }
                    else if (index > 0)
                    {
                        logger.LogWarning("Moving system message to the start of the conversation.");
                    }
                    foreach (var text in SystemTexts(message, path))
                    {
                        if (system is null)
                        {
                            system = new StringBuilder(text);
                        }
                        else
                        {
                            system.Append('\n').Append(text);
                        }
                    }
                    break;
                case "user":
                    if (!TryGet(message, "content", out var userContent))
                    {
                        throw Invalid($"`{path}.content`: is required");
                    }
                    messages.Add(new RequestMessage(Role.User, Content(userContent, $"{path}.content")));
                    break;
                case "assistant":
                    messages.Add(new RequestMessage(Role.Assistant, AssistantContent(message, path, toolNames)));
                    break;
                case "tool":
                    var id = RequiredString(message, "tool_call_id", $"{path}.tool_call_id");
                    var name = toolNames.TryGetValue(id, out var known) ? known : throw InvalidOpenAIRequest("tool call id not found");
                    (toolResults ??= []).Add(new ToolResultBlock(id, name, ToolResultText(message, path)));
                    break;
                default:
                    throw Invalid($"`{path}.role`: unknown role `{role}`, expected one of `system`, `developer`, `user`, `assistant`, `tool`");
            }
            index++;
        }
        if (toolResults is not null)
        {
            messages.Add(new RequestMessage(Role.User, toolResults));
        }
        return new InferenceInput(system?.ToString(), messages);
    }

    private static IEnumerable<string> SystemTexts(JsonElement message, string path)
    {
        if (!TryGet(message, "content", out var content))
        {
            throw Invalid($"`{path}.content`: is required");
        }
        foreach (var block in Content(content, $"{path}.content"))
        {
            yield return block is TextBlock text
                ? text.Text
                : throw InvalidOpenAIRequest("System message must contain only text or template content blocks");
        }
    }

    private static List<ContentBlock> AssistantContent(JsonElement message, string path, Dictionary<string, string> toolNames)
    {
        var content = TryGet(message, "content", out var value) ? Content(value, $"{path}.content") : [];
        if (TryGet(message, "tool_calls", out var calls))
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"`{path}.tool_calls`: must be an array");
            }
            var i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = $"{path}.tool_calls[{i++}]";
                if (call.ValueKind != JsonValueKind.Object || !TryGet(call, "function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"`{callPath}`: must be an object with `id`, `type` and `function`");
                }
                var id = RequiredString(call, "id", $"{callPath}.id");
                var name = RequiredString(function, "name", $"{callPath}.function.name");
                toolNames[id] = name;
                content.Add(new ToolCallBlock(id, name, RequiredString(function, "arguments", $"{callPath}.function.arguments")));
            }
        }
        InsertExtraContent(message, path, content);
        return content;
    }

    // Thoughts the gateway returned in `tensorzero_extra_content`, sent back so providers that sign reasoning get it again.
    private static void InsertExtraContent(JsonElement message, string path, List<ContentBlock> content)
    {
        var field = message.TryGetProperty("tensorzero_extra_content", out _) ? "tensorzero_extra_content" : "tensorzero_extra_content_experimental";
        if (!TryGet(message, field, out var extra))
        {
            return;
        }
        if (extra.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"`{path}.{field}`: must be an array");
        }
        var unindexed = new List<ContentBlock>();
        var i = 0;
        foreach (var block in extra.EnumerateArray())
        {
            var blockPath = $"{path}.{field}[{i++}]";
            if (block.ValueKind != JsonValueKind.Object || OptionalString(block, "type", $"{blockPath}.type") is not { } type)
            {
                throw Invalid($"`{blockPath}`: must be an object with a string `type`");
            }
            if (type != "thought")
            {
                throw Invalid($"`{blockPath}.type`: extra content of type `{type}` is not supported by this gateway yet (supported: thought)");
            }
            var thought = new ThoughtBlock(OptionalString(block, "text", $"{blockPath}.text"), OptionalString(block, "signature", $"{blockPath}.signature"));
            if (OptionalNonNegativeInt(block, "insert_index", $"{blockPath}.insert_index") is { } at)
            {
                content.Insert(Math.Min(at, content.Count), thought);
            }
            else
            {
                unindexed.Add(thought);
            }
        }
        content.InsertRange(0, unindexed);
    }

    // A tool's output is text: a string, or the text parts of an array, concatenated.
    private static string ToolResultText(JsonElement message, string path)
    {
        if (!TryGet(message, "content", out var content))
        {
            return string.Empty;
        }
        return string.Concat(Content(content, $"{path}.content").Select(block => block is TextBlock text
            ? text.Text
            : throw Invalid($"`{path}.content`: a tool message may only contain text")));
    }

    private static List<ContentBlock> Content(JsonElement content, string path)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextBlock(content.GetString()!)];
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw InvalidOpenAIRequest("message content must either be a string or an array of length 1 containing structured TensorZero inputs");
        }
        var blocks = new List<ContentBlock>();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            blocks.Add(Part(part, $"{path}[{i++}]"));
        }
        return blocks;
    }

    private static TextBlock Part(JsonElement part, string path)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw InvalidOpenAIRequest($"Content block at `{path}` is not an object");
        }
        if (!part.TryGetProperty("type", out var typeValue) || typeValue.ValueKind != JsonValueKind.String)
        {
            throw InvalidOpenAIRequest($"Content block at `{path}` has no string `type`; arbitrary JSON content needs templates, which this gateway does not support yet");
        }
        var type = typeValue.GetString()!;
        switch (type)
        {
            case "text":
                if (part.TryGetProperty("tensorzero::arguments", out _))
                {
                    throw InvalidOpenAIRequest($"`{path}`: `tensorzero::arguments` needs templates, which this gateway does not support yet");
                }
                return new TextBlock(TryGet(part, "text", out var text) && text.ValueKind == JsonValueKind.String
                    ? text.GetString()!
                    : throw InvalidOpenAIRequest($"Invalid content block: `text` must be a string when using `\"type\": \"text\"` (at `{path}`)"));
            case "tensorzero::raw_text":
                return new TextBlock(RequiredString(part, "value", $"{path}.value"));
            case "image_url" or "file" or "input_audio" or "tensorzero::template":
                throw InvalidOpenAIRequest($"content parts of type `{type}` are not supported by this gateway yet (at `{path}`; supported: text, tensorzero::raw_text)");
            default:
                throw InvalidOpenAIRequest($"Invalid content block: unknown type `{type}` at `{path}` (expected text, image_url, file, input_audio, tensorzero::raw_text or tensorzero::template)");
        }
    }
}
