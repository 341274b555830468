using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Inference;
using static TensorZero.Gateway.Endpoints.OpenAICompatible.OpenAIJson;
using TensorZero.Gateway.Providers.Abstractions;

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
                    messages.Add(new RequestMessage(Role.User, Content(userContent, $"{path}.content", "user")));
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
            yield return block switch
            {
                TextBlock text => text.Text,
                RawTextBlock raw => raw.Text,
                _ => throw InvalidOpenAIRequest("System message must contain only text content blocks"),
            };
        }
    }

    private static List<ContentBlock> AssistantContent(JsonElement message, string path, Dictionary<string, string> toolNames)
    {
        var content = TryGet(message, "content", out var value) ? Content(value, $"{path}.content", "assistant") : [];
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
        return string.Concat(Content(content, $"{path}.content").Select(block => block switch
        {
            TextBlock text => text.Text,
            RawTextBlock raw => raw.Text,
            _ => throw Invalid($"`{path}.content`: a tool message may only contain text"),
        }));
    }

    private static List<ContentBlock> Content(JsonElement content, string path, string role = "system")
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
            blocks.Add(Part(part, $"{path}[{i++}]", role));
        }
        return blocks;
    }

    private static ContentBlock Part(JsonElement part, string path, string role)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw InvalidOpenAIRequest($"Content block at `{path}` is not an object");
        }
        if (!part.TryGetProperty("type", out var typeValue) || typeValue.ValueKind != JsonValueKind.String)
        {
            throw InvalidOpenAIRequest($"Content block at `{path}` has no string `type`");
        }
        var type = typeValue.GetString()!;
        switch (type)
        {
            case "text" when TryGet(part, "tensorzero::arguments", out var arguments):
                // Template arguments for the role's template, as `{"type": "text", "arguments": ...}` on /inference.
                return new TemplateBlock(role, arguments.ValueKind == JsonValueKind.Object
                    ? JsonNode.Parse(arguments.GetRawText())!.AsObject()
                    : throw Invalid($"`{path}.tensorzero::arguments`: must be an object"));
            case "text":
                return new TextBlock(TryGet(part, "text", out var text) && text.ValueKind == JsonValueKind.String
                    ? text.GetString()!
                    : throw InvalidOpenAIRequest($"Invalid content block: `text` must be a string when using `\"type\": \"text\"` (at `{path}`)"));
            case "tensorzero::raw_text":
                return new RawTextBlock(RequiredString(part, "value", $"{path}.value"));
            case "tensorzero::template":
                return new TemplateBlock(
                    RequiredString(part, "name", $"{path}.name"),
                    TryGet(part, "arguments", out var templateArguments) && templateArguments.ValueKind == JsonValueKind.Object
                        ? JsonNode.Parse(templateArguments.GetRawText())!.AsObject()
                        : throw Invalid($"`{path}.arguments`: must be an object"));
            case "image_url":
                return ImagePart(part, path);
            case "file":
                return FilePart(part, path);
            case "input_audio":
                return AudioPart(part, path);
            default:
                throw InvalidOpenAIRequest($"Invalid content block: unknown type `{type}` at `{path}` (expected text, image_url, file, input_audio, tensorzero::raw_text or tensorzero::template)");
        }
    }

    // OpenAI's file parts become the native `file` block, so they pass the same checks (base64, size, URL scheme).
    private static FileBlock ImagePart(JsonElement part, string path)
    {
        if (!TryGet(part, "image_url", out var image) || image.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.image_url`: must be an object with `url`");
        }
        var url = RequiredString(image, "url", $"{path}.image_url.url");
        var detail = OptionalString(image, "detail", $"{path}.image_url.detail");
        return url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? FromDataUrl(url, $"{path}.image_url.url", detail: detail)
            : NativeFile(new JsonObject { ["file_type"] = "url", ["url"] = url, ["detail"] = detail }, $"{path}.image_url");
    }

    private static FileBlock FilePart(JsonElement part, string path)
    {
        if (!TryGet(part, "file", out var file) || file.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.file`: must be an object with `file_data`");
        }
        if (TryGet(file, "file_id", out _))
        {
            throw Invalid($"`{path}.file.file_id`: uploaded file ids are not supported; send the file inline as `file_data`");
        }
        return FromDataUrl(RequiredString(file, "file_data", $"{path}.file.file_data"), $"{path}.file.file_data",
            OptionalString(file, "filename", $"{path}.file.filename"));
    }

    private static FileBlock AudioPart(JsonElement part, string path)
    {
        if (!TryGet(part, "input_audio", out var audio) || audio.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}.input_audio`: must be an object with `data` and `format`");
        }
        var mimeType = RequiredString(audio, "format", $"{path}.input_audio.format") switch
        {
            "mp3" => "audio/mpeg",
            "wav" => "audio/wav",
            var other => throw Invalid($"`{path}.input_audio.format`: unknown format `{other}` (supported: mp3, wav)"),
        };
        return NativeFile(new JsonObject
        {
            ["file_type"] = "base64",
            ["data"] = RequiredString(audio, "data", $"{path}.input_audio.data"),
            ["mime_type"] = mimeType,
        }, $"{path}.input_audio");
    }

    private static FileBlock FromDataUrl(string dataUrl, string path, string? filename = null, string? detail = null)
    {
        // data:<mime type>;base64,<data>
        var comma = dataUrl.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? string.Empty : dataUrl[..comma];
        if (!header.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"`{path}`: must be an https URL or a `data:<mime type>;base64,<data>` URL");
        }
        var mimeType = header["data:".Length..^";base64".Length];
        return NativeFile(new JsonObject
        {
            ["file_type"] = "base64",
            ["data"] = dataUrl[(comma + 1)..],
            ["mime_type"] = mimeType.Length == 0 ? null : mimeType,
            ["filename"] = filename,
            ["detail"] = detail,
        }, path);
    }

    private static FileBlock NativeFile(JsonObject block, string path)
    {
        foreach (var key in block.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            block.Remove(key);
        }
        block["type"] = "file";
        using var document = JsonDocument.Parse(block.ToJsonString());
        return FileBlockParser.ParseFile(document.RootElement, path);
    }
}
