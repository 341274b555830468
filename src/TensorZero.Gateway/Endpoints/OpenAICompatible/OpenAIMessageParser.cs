using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Inference;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints.OpenAICompatible;

/// <summary>
/// Turns OpenAI <c>messages</c> into TensorZero's input: system and developer messages become <c>input.system</c>
/// (<see cref="SystemPrompt"/>), assistant <c>tool_calls</c> become tool-call blocks, and each run of <c>tool</c>
/// messages becomes one user message of tool results (providers such as Bedrock need parallel results in one message).
/// </summary>
internal static class OpenAIMessageParser
{
    // The paths errors and warnings name for the first messages, made once: building them for every field of every
    // message, though only a bad request ever shows them, cost a string each.
    private static readonly MessagePaths?[] CommonPaths = new MessagePaths?[64];

    public static InferenceInput Parse(JsonElement root, ILogger logger)
    {
        if (!root.TryGetProperty("messages"u8, out var array))
        {
            throw MissingField("messages");
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("`messages`: must be an array");
        }
        var system = new SystemPrompt();
        var messages = new List<RequestMessage>();
        // Made at the first assistant turn: most requests have none.
        Dictionary<string, string>? toolNames = null;
        List<ContentBlock>? toolResults = null;
        var firstIsSystem = false;
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var paths = PathsOf(index);
            var path = paths.Message;
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"`{path}`: must be an object with a `role`");
            }
            var role = RequiredString(message, "role"u8, paths.Role);
            if (role != "tool" && toolResults is not null)
            {
                messages.Add(new RequestMessage(Role.User, toolResults));
                toolResults = null;
            }
            switch (role)
            {
                case "system" or "developer":
                    firstIsSystem |= index == 0;
                    var hadSystem = system.IsSet;
                    system.Add(OpenAIContentParser.Parse(RequiredContent(message, paths), paths.Content, "system", logger), paths.Content);
                    if (hadSystem)
                    {
                        logger.LogWarning("Multiple system messages provided. They will be concatenated and moved to the start of the conversation.");
                    }
                    else if (!firstIsSystem)
                    {
                        logger.LogWarning("Moving system message to the start of the conversation.");
                    }
                    break;
                case "user":
                    messages.Add(new RequestMessage(Role.User,
                        OpenAIContentParser.Parse(RequiredContent(message, paths), paths.Content, "user", logger)));
                    break;
                case "assistant":
                    messages.Add(new RequestMessage(Role.Assistant, AssistantContent(message, paths, toolNames ??= new(StringComparer.Ordinal), logger)));
                    break;
                case "tool":
                    var id = RequiredString(message, "tool_call_id"u8, paths.ToolCallId);
                    var name = toolNames is not null && toolNames.TryGetValue(id, out var known) ? known : throw InvalidOpenAIRequest("tool call id not found");
                    (toolResults ??= []).Add(new ToolResultBlock(id, name, ToolResultText(message, paths, logger)));
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
        return new InferenceInput(system.Text, messages, system.Arguments);
    }

    private static MessagePaths PathsOf(int index) =>
        index < CommonPaths.Length ? CommonPaths[index] ??= new MessagePaths(index) : new MessagePaths(index);

    private static JsonElement RequiredContent(JsonElement message, MessagePaths paths) =>
        TryGet(message, "content"u8, out var content) ? content : throw MissingField(paths.Content);

    private static List<ContentBlock> AssistantContent(JsonElement message, MessagePaths paths, Dictionary<string, string> toolNames, ILogger logger)
    {
        var path = paths.Message;
        var content = TryGet(message, "content"u8, out var value) ? OpenAIContentParser.Parse(value, paths.Content, "assistant", logger) : [];
        if (TryGet(message, "tool_calls"u8, out var calls))
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw Invalid($"`{path}.tool_calls`: must be an array");
            }
            var i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = $"{path}.tool_calls[{i++}]";
                if (call.ValueKind != JsonValueKind.Object || !TryGet(call, "function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"`{callPath}`: must be an object with `id`, `type` and `function`");
                }
                var id = RequiredString(call, "id"u8, $"{callPath}.id");
                var name = RequiredString(function, "name"u8, $"{callPath}.function.name");
                toolNames[id] = name;
                content.Add(new ToolCallBlock(id, name, RequiredString(function, "arguments"u8, $"{callPath}.function.arguments")));
            }
        }
        InsertExtraContent(message, path, content);
        return content;
    }

    // Thoughts (and provider-specific blocks) the gateway returned in `tensorzero_extra_content`, sent back so providers
    // that sign reasoning get it again: blocks with `insert_index` go there, lowest first; the others go first, in order.
    private static void InsertExtraContent(JsonElement message, string path, List<ContentBlock> content)
    {
        var field = message.TryGetProperty("tensorzero_extra_content"u8, out _) ? "tensorzero_extra_content" : "tensorzero_extra_content_experimental";
        if (!TryGet(message, field, out var extra))
        {
            return;
        }
        if (extra.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"`{path}.{field}`: must be an array");
        }
        var unindexed = new List<ContentBlock>();
        var indexed = new List<(int Index, ContentBlock Block)>();
        var i = 0;
        foreach (var block in extra.EnumerateArray())
        {
            var blockPath = $"{path}.{field}[{i++}]";
            if (block.ValueKind != JsonValueKind.Object || OptionalString(block, "type"u8, $"{blockPath}.type") is not { } type)
            {
                throw Invalid($"`{blockPath}`: must be an object with a string `type`");
            }
            ContentBlock parsed = type switch
            {
                "thought" => new ThoughtBlock(OptionalString(block, "text"u8, $"{blockPath}.text"), OptionalString(block, "signature"u8, $"{blockPath}.signature"))
                {
                    Summary = ThoughtSummary.Read(block, blockPath),
                },
                "unknown" => UnknownExtra(block, blockPath),
                _ => throw Invalid($"`{blockPath}.type`: extra content of type `{type}` is not supported (supported: thought, unknown)"),
            };
            if (OptionalNonNegativeInt(block, "insert_index"u8, $"{blockPath}.insert_index") is { } at)
            {
                indexed.Add((at, parsed));
            }
            else
            {
                unindexed.Add(parsed);
            }
        }
        foreach (var (at, block) in indexed.OrderBy(b => b.Index))
        {
            content.Insert(Math.Min(at, content.Count), block);
        }
        content.InsertRange(0, unindexed);
    }

    // The native `unknown` block, with this field's `insert_index` beside it.
    private static UnknownBlock UnknownExtra(JsonElement block, string path)
    {
        var copy = JsonNode.Parse(block.GetRawText())!.AsObject();
        copy.Remove("insert_index");
        using var document = JsonDocument.Parse(copy.ToJsonString());
        return FileBlockParser.ParseUnknown(document.RootElement, path);
    }

    // A tool's output is text: a string, or the text parts of an array, concatenated.
    private static string ToolResultText(JsonElement message, MessagePaths paths, ILogger logger)
    {
        if (!TryGet(message, "content"u8, out var content))
        {
            return string.Empty;
        }
        return string.Concat(OpenAIContentParser.Parse(content, paths.Content, "tool", logger).Select(block => block switch
        {
            TextBlock text => text.Text,
            RawTextBlock raw => raw.Text,
            _ => throw Invalid($"`{paths.Content}`: a tool message may only contain text"),
        }));
    }

    /// <summary>The paths of <c>messages[i]</c> and of the fields every message is read for.</summary>
    private sealed class MessagePaths(int index)
    {
        public string Message { get; } = $"messages[{index}]";

        public string Role => field ??= $"{Message}.role";

        public string Content => field ??= $"{Message}.content";

        public string ToolCallId => field ??= $"{Message}.tool_call_id";
    }
}
