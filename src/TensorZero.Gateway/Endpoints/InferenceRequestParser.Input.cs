using System.Text.Json;
using System.Text.Json.Nodes;
using TensorZero.Gateway.Inference;
using TensorZero.Gateway.Providers.Abstractions;

namespace TensorZero.Gateway.Endpoints;

/// <summary>
/// The <c>input</c> of <c>POST /inference</c> in every form TensorZero accepts: a system text or template arguments,
/// and messages whose content is a string, an object of template arguments (deprecated) or an array of content blocks.
/// </summary>
public static partial class InferenceRequestParser
{
    private static InferenceInput ParseInput(JsonElement root)
    {
        if (!root.TryGetProperty("input"u8, out var input))
        {
            throw Invalid(JsonFields.MissingField(null, "input"));
        }
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("`input`: must be an object");
        }
        string? system = null;
        JsonObject? systemArguments = null;
        var messages = new List<RequestMessage>();
        foreach (var property in input.EnumerateObject())
        {
            switch (property.Name)
            {
                case "system":
                    system = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        JsonValueKind.Object => null,
                        _ => throw Invalid("`input.system`: must be a string or an object of template arguments"),
                    };
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        systemArguments = JsonNode.Parse(property.Value.GetRawText())!.AsObject();
                    }
                    break;
                case "messages":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw Invalid("`input.messages`: must be an array");
                    }
                    var index = 0;
                    foreach (var message in property.Value.EnumerateArray())
                    {
                        messages.Add(ParseMessage(message, $"input.messages[{index++}]"));
                    }
                    break;
                default:
                    throw Invalid($"`input.{property.Name}`: unknown field");
            }
        }
        return new InferenceInput(system, messages, systemArguments);
    }

    private static RequestMessage ParseMessage(JsonElement message, string path)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"`{path}`: must be an object with `role` and `content`");
        }
        // Compared as UTF-8, without a string per property name.
        foreach (var property in message.EnumerateObject())
        {
            if (!property.NameEquals("role"u8) && !property.NameEquals("content"u8))
            {
                throw Invalid($"`{path}.{property.Name}`: unknown field");
            }
        }
        if (!message.TryGetProperty("role"u8, out var roleValue))
        {
            throw Invalid(JsonFields.MissingField(path, "role"));
        }
        var role = roleValue.ValueKind == JsonValueKind.String ? roleValue.GetString() switch
        {
            "user" => Role.User,
            "assistant" => Role.Assistant,
            var other => throw Invalid($"`{path}.role`: unknown role `{other}`, expected `user` or `assistant`"),
        } : throw Invalid($"`{path}.role`: must be a string");
        if (!message.TryGetProperty("content"u8, out var content))
        {
            throw Invalid(JsonFields.MissingField(path, "content"));
        }
        return new RequestMessage(role, ParseContent(content, $"{path}.content", role));
    }

    // A string is one text block; an object is (deprecated in TensorZero, still accepted) the arguments of the role's
    // template; an array holds content blocks.
    private static List<ContentBlock> ParseContent(JsonElement content, string path, Role role)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return [new TextBlock(content.GetString()!)];
            case JsonValueKind.Object:
                return [new TemplateBlock(RoleName(role), Arguments(content, path))];
            case not JsonValueKind.Array:
                throw Invalid($"`{path}`: must be a string, an object of template arguments or an array of content blocks");
        }
        var blocks = new List<ContentBlock>();
        var index = 0;
        foreach (var block in content.EnumerateArray())
        {
            var blockPath = $"{path}[{index++}]";
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"`{blockPath}`: must be an object with a string `type`");
            }
            blocks.Add(ParseBlock(block, type.GetString()!, blockPath, role));
        }
        return blocks;
    }

    private static ContentBlock ParseBlock(JsonElement block, string type, string path, Role role)
    {
        switch (type)
        {
            case "text":
                return ParseTextBlock(block, path, role);
            case "file" or "image":
                return FileBlockParser.ParseFile(block, path);
            case "unknown":
                return FileBlockParser.ParseUnknown(block, path);
        }
        string[] allowed = type switch
        {
            "raw_text" => ["type", "value"],
            "template" => ["type", "name", "arguments"],
            "tool_call" => ["type", "id", "name", "arguments", "raw_name", "raw_arguments"],
            "tool_result" => ["type", "id", "name", "result"],
            "thought" => ["type", "text", "signature", "summary", "provider_type", "_internal_provider_type", "extra_data"],
            _ => throw Invalid($"`{path}.type`: content blocks of type `{type}` are not supported by this gateway yet (supported: text, raw_text, template, tool_call, tool_result, thought, file, image, unknown)"),
        };
        foreach (var property in block.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
        {
            throw Invalid($"`{path}.{property.Name}`: unknown field");
        }
        switch (type)
        {
            case "raw_text":
                return new RawTextBlock(JsonFields.RequiredString(block, "value"u8, path));
            case "template":
                return new TemplateBlock(JsonFields.RequiredString(block, "name"u8, path),
                    block.TryGetProperty("arguments"u8, out var templateArguments) ? Arguments(templateArguments, $"{path}.arguments") : []);
            case "tool_call":
                // Accepts both the input form (`name`, `arguments`) and the response form (`raw_name`, `raw_arguments`).
                var name = block.TryGetProperty("raw_name"u8, out var rawName) && rawName.ValueKind == JsonValueKind.String
                    ? rawName.GetString()!
                    : JsonFields.RequiredString(block, "name"u8, path);
                string arguments;
                if (block.TryGetProperty("raw_arguments"u8, out var rawArguments) && rawArguments.ValueKind == JsonValueKind.String)
                {
                    arguments = rawArguments.GetString()!;
                }
                else if (block.TryGetProperty("arguments"u8, out var args) && args.ValueKind is JsonValueKind.String or JsonValueKind.Object)
                {
                    arguments = args.ValueKind == JsonValueKind.String ? args.GetString()! : args.GetRawText();
                }
                else
                {
                    throw Invalid($"`{path}.arguments`: must be a JSON string or object");
                }
                return new ToolCallBlock(JsonFields.RequiredString(block, "id"u8, path), name, arguments);
            case "tool_result":
                return new ToolResultBlock(JsonFields.RequiredString(block, "id"u8, path), JsonFields.RequiredString(block, "name"u8, path), JsonFields.RequiredString(block, "result"u8, path));
            default:
                return new ThoughtBlock(JsonFields.OptionalString(block, "text"u8, path), JsonFields.OptionalString(block, "signature"u8, path))
                {
                    Summary = ThoughtSummary.Read(block, path),
                };
        }
    }

    // A text block has exactly one field beside `type`, as in TensorZero: `text`; `arguments`, the older spelling of a
    // template named after the role; or `value` (2025 clients), text when a string and template arguments when an object.
    private static ContentBlock ParseTextBlock(JsonElement block, string path, Role role)
    {
        var fields = block.EnumerateObject().Where(p => p.Name != "type").ToList();
        if (fields.Count != 1)
        {
            throw Invalid($"`{path}`: Expected exactly one other key in text content, found {fields.Count} other keys");
        }
        var field = fields[0];
        var fieldPath = $"{path}.{field.Name}";
        return field.Name switch
        {
            "text" => field.Value.ValueKind == JsonValueKind.String
                ? new TextBlock(field.Value.GetString()!)
                : throw Invalid($"`{fieldPath}`: must be a string"),
            "arguments" => new TemplateBlock(RoleName(role), Arguments(field.Value, fieldPath)),
            "value" => field.Value.ValueKind switch
            {
                JsonValueKind.String => new TextBlock(field.Value.GetString()!),
                JsonValueKind.Object => new TemplateBlock(RoleName(role), Arguments(field.Value, fieldPath)),
                _ => throw Invalid($"`{fieldPath}`: must be a string or an object of template arguments"),
            },
            var other => throw Invalid($"`{path}`: Unknown key `{other}` in text content"),
        };
    }

    private static string RoleName(Role role) => role == Role.User ? "user" : "assistant";

    private static JsonObject Arguments(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object
            ? JsonNode.Parse(value.GetRawText())!.AsObject()
            : throw Invalid($"`{path}`: must be an object");
}
